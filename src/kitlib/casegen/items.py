"""Bilingual texts of the 22 SERVQUAL items, reworded for internal services.

``{provider}`` stands for the rated department in the perception wording; the
expectation wording speaks of "an excellent internal service department".
Item 13 keeps the negative wording of the 1988 instrument and is reverse-keyed.

Example
-------
>>> from kitlib.casegen.items import SERVQUAL_ITEMS
>>> len(SERVQUAL_ITEMS), SERVQUAL_ITEMS[12]["reverse"]
(22, True)

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: A multiple-item
scale for measuring consumer perceptions of service quality. *Journal of Retailing*, 64(1), 12–40.
Reynoso, J., & Moores, B. (1995). Towards the measurement of internal service quality.
*International Journal of Service Industry Management*, 6(3), 64–83.
"""

__all__ = ["DIMENSION_LABELS", "SERVQUAL_ITEMS"]

DIMENSION_LABELS = {
    "tangibles": {"zh": "有形性", "en": "Tangibles"},
    "reliability": {"zh": "可靠性", "en": "Reliability"},
    "responsiveness": {"zh": "响应性", "en": "Responsiveness"},
    "assurance": {"zh": "保证性", "en": "Assurance"},
    "empathy": {"zh": "移情性", "en": "Empathy"},
}

_ITEMS = [
    ("tangibles", "拥有先进、好用的工具和系统", "has up-to-date tools and systems"),
    ("tangibles", "服务窗口和自助平台整洁、便于使用", "has a tidy, easy-to-use service desk and self-service portal"),
    ("tangibles", "员工着装和举止专业", "has staff who look and act professionally"),
    ("tangibles", "表单、指南等资料清楚易懂", "provides clear forms, guides and other materials"),
    ("reliability", "承诺在某时间内完成的事情，能按时完成", "does what it promised by the time it promised"),
    ("reliability", "我们遇到问题时，真诚地帮助解决", "shows a sincere interest in solving our problems"),
    ("reliability", "第一次就把事情做对", "gets it right the first time"),
    ("reliability", "在承诺的时间提供服务", "delivers its services at the time it promises"),
    ("reliability", "记录和单据准确无误", "keeps accurate, error-free records"),
    ("responsiveness", "明确告知服务何时完成", "tells us exactly when services will be done"),
    ("responsiveness", "及时提供服务", "gives prompt service"),
    ("responsiveness", "员工总是愿意帮助我们", "has staff who are always willing to help"),
    ("responsiveness", "员工常常太忙而无法回应我们的请求", "has staff who are often too busy to respond to our requests"),
    ("assurance", "员工的行为让人信任", "has staff whose behaviour instils confidence"),
    ("assurance", "与其打交道时，我们的信息和数据是安全的", "keeps our information and data safe in every dealing"),
    ("assurance", "员工始终礼貌待人", "has staff who are consistently courteous"),
    ("assurance", "员工具备回答我们问题的专业知识", "has staff with the knowledge to answer our questions"),
    ("empathy", "给予我们部门个别的关注", "gives our department individual attention"),
    ("empathy", "服务时间方便各部门", "has service hours convenient for all departments"),
    ("empathy", "有专人对接我们部门", "has a named contact person for our department"),
    ("empathy", "真正把我们部门的利益放在心上", "has our department's best interests at heart"),
    ("empathy", "了解我们部门的具体需求", "understands our department's specific needs"),
]

SERVQUAL_ITEMS = [
    {
        "item": number,
        "dimension": dimension,
        "reverse": number == 13,
        "E": {"zh": f"优秀的内部服务部门应当{zh}", "en": f"An excellent internal service department {en}"},
        "P": {"zh": f"{{provider_zh}}{zh}", "en": f"{{provider_en}} {en}"},
    }
    for number, (dimension, zh, en) in enumerate(_ITEMS, start=1)
]
