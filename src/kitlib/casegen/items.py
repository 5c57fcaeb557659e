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

__all__ = ["DIMENSION_LABELS", "REVERSE_ITEMS", "SERVQUAL_ITEMS"]

DIMENSION_LABELS = {
    "tangibles": {"zh": "有形性", "en": "Tangibles"},
    "reliability": {"zh": "可靠性", "en": "Reliability"},
    "responsiveness": {"zh": "响应性", "en": "Responsiveness"},
    "assurance": {"zh": "保证性", "en": "Assurance"},
    "empathy": {"zh": "移情性", "en": "Empathy"},
}

# (dimension, Chinese predicate, English predicate).  A Chinese predicate starting with "员工" speaks of the
# department's staff: it reads "该部门的员工…" / "优秀的内部服务部门的员工应当…", so both directions stay grammatical.
_ITEMS = [
    ("tangibles", "拥有先进、好用的工具和系统", "has up-to-date tools and systems"),
    ("tangibles", "提供整洁、便于使用的服务窗口和自助平台", "has a tidy, easy-to-use service desk and self-service portal"),
    ("tangibles", "员工着装得体、举止专业", "has staff who look and act professionally"),
    ("tangibles", "提供清楚易懂的表单、指南等资料", "provides clear forms, guides and other materials"),
    ("reliability", "按承诺的时间完成答应做的事", "does what it promised by the time it promised"),
    ("reliability", "在我们遇到问题时真诚地帮助解决", "shows a sincere interest in solving our problems"),
    ("reliability", "第一次就把事情做对", "gets it right the first time"),
    ("reliability", "在承诺的时间提供服务", "delivers its services at the time it promises"),
    ("reliability", "保持记录和单据准确无误", "keeps accurate, error-free records"),
    ("responsiveness", "明确告诉我们服务何时完成", "tells us exactly when services will be done"),
    ("responsiveness", "及时为我们提供服务", "gives prompt service"),
    ("responsiveness", "员工总是乐于帮助我们", "has staff who are always willing to help"),
    ("responsiveness", "员工常常太忙，顾不上回应我们的请求", "has staff who are often too busy to respond to our requests"),
    ("assurance", "员工的言行让人信赖", "has staff whose behaviour instils confidence"),
    ("assurance", "在每次往来中都保障我们的信息和数据安全", "keeps our information and data safe in every dealing"),
    ("assurance", "员工始终礼貌待人", "has staff who are consistently courteous"),
    ("assurance", "员工具备回答我们问题的专业知识", "has staff with the knowledge to answer our questions"),
    ("empathy", "给予我们部门个别的关注", "gives our department individual attention"),
    ("empathy", "提供方便各部门的服务时间", "has service hours convenient for all departments"),
    ("empathy", "安排专人对接我们部门", "has a named contact person for our department"),
    ("empathy", "真正把我们部门的利益放在心上", "has our department's best interests at heart"),
    ("empathy", "了解我们部门的具体需求", "understands our department's specific needs"),
]
REVERSE_ITEMS = {13}
STAFF = "员工"


def _chinese(predicate: str, reverse: bool) -> dict:
    """Expectation and perception wording of one item: subject + (应当) + predicate, grammatical in both."""
    if predicate.startswith(STAFF):
        subject, predicate = "的员工", predicate[len(STAFF):].removeprefix("的")
    else:
        subject = ""
    # The reverse-keyed item keeps the negative statement in both versions (as the English does):
    # "should often be too busy" would be no expectation at all.
    should = "" if reverse else "应当"
    return {"E": f"优秀的内部服务部门{subject}{should}{predicate}", "P": f"{{provider_zh}}{subject}{predicate}"}


SERVQUAL_ITEMS = [
    {
        "item": number,
        "dimension": dimension,
        "reverse": number in REVERSE_ITEMS,
        "E": {"zh": _chinese(zh, number in REVERSE_ITEMS)["E"], "en": f"An excellent internal service department {en}"},
        "P": {"zh": _chinese(zh, number in REVERSE_ITEMS)["P"], "en": f"{{provider_en}} {en}"},
    }
    for number, (dimension, zh, en) in enumerate(_ITEMS, start=1)
]
