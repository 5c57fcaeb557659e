"""The three case stories and the truths planted in their data.

Each :class:`CaseStory` fixes everything the generator needs: who serves whom,
how many respondents, what the analyses should find (largest gap dimension,
weak item, KANO categories, a department too small to report, and for the
bank the effect of a service-standards training between two waves).

Example
-------
>>> from kitlib.casegen.stories import STORIES
>>> STORIES["bank"].largest_gap
'responsiveness'

References
----------
Kang, G.-D., James, J., & Alexandris, K. (2002). Measurement of internal service
quality: application of the SERVQUAL battery to internal service quality.
*Managing Service Quality*, 12(5), 278–291.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CaseStory", "Feature"]


@dataclass(frozen=True)
class Feature:
    """A KANO feature with the category most respondents should give it."""

    id: str
    zh: str
    en: str
    category: str


@dataclass(frozen=True)
class CaseStory:
    """Inputs of the generator for one case (all effects in 7-point scale units)."""

    name: str
    seed: int
    id_prefix: str
    title: dict
    story: dict
    providers: dict  # value -> {"zh", "en", "weight", "effects": {dimension: shift}, "staff": n}
    departments: dict  # value -> {"zh", "en", "size"}
    perception_means: dict  # dimension -> mean perception
    expectation_means: dict  # dimension -> mean expectation
    largest_gap: str
    weak_item: int
    cross_loading: tuple  # (item, other dimension it also loads on)
    importance_preference: dict  # dimension -> Dirichlet weight of the 100-point allocation
    features: tuple
    waves: tuple = ()
    wave_effects: dict | None = None  # dimension -> shift in the last wave
    self_view_bias: float = 0.6
    planted_theme: tuple | None = None  # (provider, comment theme) its commenters mostly write about
    extras: tuple = ()  # further files: "tickets" (ticket log + standards), "journey" (touchpoint ratings)


IT_FIRM = CaseStory(
    name="it_firm",
    planted_theme=('IT Support', 'resolution'),
    extras=("tickets",),
    seed=20260301,
    id_prefix="IT",
    title={"zh": "某软件公司内部服务满意度调查", "en": "Software firm: internal service satisfaction survey"},
    story={
        "zh": (
            "一家约 900 人的软件公司把 IT 运维、人力资源、财务、行政和采购集中为共享服务中心。"
            "业务部门抱怨 IT 工单“石沉大海”。质量办对各业务部门员工做了一次内部服务满意度调查："
            "每位受访者评价一个最常打交道的服务部门（SERVQUAL 期望与感知、重要性分配、KANO 功能、NPS 与总体满意度）。"
        ),
        "en": (
            "A software firm of about 900 staff runs IT support, HR, Finance, Administration and Procurement "
            "as a shared-services centre. Business departments complain that IT tickets disappear into a black hole. "
            "The quality office surveyed staff of every business department: each respondent rated the service "
            "department they deal with most (SERVQUAL expectations and perceptions, importance points, KANO features, "
            "NPS and overall satisfaction)."
        ),
    },
    providers={
        "IT Support": {"zh": "IT运维支持部", "en": "IT Support", "weight": 0.34, "staff": 12,
                       "effects": {"responsiveness": -0.55, "reliability": -0.1}},
        "HR": {"zh": "人力资源部", "en": "HR", "weight": 0.2, "staff": 8, "effects": {"empathy": 0.25}},
        "Finance": {"zh": "财务部", "en": "Finance", "weight": 0.18, "staff": 8, "effects": {"reliability": 0.3}},
        "Administration": {"zh": "行政部", "en": "Administration", "weight": 0.16, "staff": 6,
                           "effects": {"tangibles": 0.35}},
        "Procurement": {"zh": "采购部", "en": "Procurement", "weight": 0.12, "staff": 6,
                        "effects": {"responsiveness": -0.2, "empathy": -0.2}},
    },
    departments={
        "Software Development": {"zh": "软件研发部", "en": "Software Development", "size": 180},
        "Sales": {"zh": "销售部", "en": "Sales", "size": 130},
        "Consulting": {"zh": "咨询交付部", "en": "Consulting", "size": 120},
        "Product": {"zh": "产品部", "en": "Product", "size": 110},
        "Marketing": {"zh": "市场部", "en": "Marketing", "size": 97},
        "Internal Audit": {"zh": "内审部", "en": "Internal Audit", "size": 3},
    },
    perception_means={"tangibles": 5.3, "reliability": 5.3, "responsiveness": 4.5, "assurance": 5.4, "empathy": 5.0},
    expectation_means={"tangibles": 5.6, "reliability": 6.3, "responsiveness": 6.1, "assurance": 6.0, "empathy": 5.7},
    largest_gap="responsiveness",
    weak_item=19,
    cross_loading=(11, "reliability"),
    importance_preference={"tangibles": 10, "reliability": 30, "responsiveness": 25, "assurance": 18, "empathy": 17},
    features=(
        Feature("F01", "自助重置密码", "Self-service password reset", "O"),
        Feature("F02", "工单进度实时追踪", "Real-time ticket status tracking", "O"),
        Feature("F03", "承诺的响应时限（SLA）", "Guaranteed response times (SLA)", "M"),
        Feature("F04", "数据备份与恢复", "Data backup and recovery", "M"),
        Feature("F05", "新员工入职当天设备就绪", "Equipment ready on a new hire's first day", "A"),
        Feature("F06", "24小时智能助手答疑", "24/7 AI chat assistant", "A"),
        Feature("F07", "每月服务报告邮件", "Monthly service-report e-mail", "I"),
        Feature("F08", "办公室绿植养护", "Office plant care", "I"),
        Feature("F09", "每张工单后弹出满意度问卷", "Satisfaction pop-up after every ticket", "R"),
        Feature("F10", "报销线上审批", "Online expense approval", "O"),
    ),
)

MANUFACTURER = CaseStory(
    name="manufacturer",
    planted_theme=('Maintenance', 'speed'),
    seed=20260415,
    id_prefix="MF",
    title={"zh": "某制造企业内部服务满意度调查", "en": "Manufacturer: internal service satisfaction survey"},
    story={
        "zh": (
            "一家汽车零部件制造企业的生产线经常因设备故障停线。设备维修、质量、采购、人力资源和信息部为车间和职能部门服务。"
            "厂部推行“内部客户”理念，请各车间和部门评价一个主要服务部门。维修部承诺的修复时间屡屡落空。"
        ),
        "en": (
            "An automotive-parts manufacturer keeps losing line time to machine breakdowns. Maintenance, Quality, "
            "Procurement, HR and IT serve the shop floor and the staff functions. Management introduced the "
            "'internal customer' idea and asked every line and department to rate its main service provider. "
            "Maintenance often misses the repair times it promises."
        ),
    },
    providers={
        "Maintenance": {"zh": "设备维修部", "en": "Maintenance", "weight": 0.32, "staff": 14,
                        "effects": {"reliability": -0.6, "tangibles": -0.1}},
        "Quality": {"zh": "质量部", "en": "Quality", "weight": 0.22, "staff": 10, "effects": {"assurance": 0.3}},
        "Procurement": {"zh": "采购部", "en": "Procurement", "weight": 0.18, "staff": 8,
                        "effects": {"reliability": -0.2, "responsiveness": -0.1}},
        "HR": {"zh": "人力资源部", "en": "HR", "weight": 0.15, "staff": 7, "effects": {"empathy": 0.2}},
        "IT": {"zh": "信息部", "en": "IT", "weight": 0.13, "staff": 6, "effects": {"tangibles": 0.3}},
    },
    departments={
        "Assembly Line A": {"zh": "总装一线", "en": "Assembly Line A", "size": 220},
        "Assembly Line B": {"zh": "总装二线", "en": "Assembly Line B", "size": 200},
        "Machining": {"zh": "机加工车间", "en": "Machining", "size": 180},
        "Logistics": {"zh": "物流部", "en": "Logistics", "size": 150},
        "R&D": {"zh": "研发中心", "en": "R&D", "size": 126},
        "EHS Office": {"zh": "安环办", "en": "EHS Office", "size": 4},
    },
    perception_means={"tangibles": 5.0, "reliability": 4.5, "responsiveness": 5.0, "assurance": 5.3, "empathy": 5.1},
    expectation_means={"tangibles": 5.5, "reliability": 6.4, "responsiveness": 6.0, "assurance": 5.9, "empathy": 5.5},
    largest_gap="reliability",
    weak_item=3,
    cross_loading=(8, "responsiveness"),
    importance_preference={"tangibles": 14, "reliability": 34, "responsiveness": 22, "assurance": 16, "empathy": 14},
    features=(
        Feature("F01", "设备故障2小时内到场", "Technician on site within 2 hours of a breakdown", "M"),
        Feature("F02", "共享预防性维护计划", "Shared preventive-maintenance schedule", "O"),
        Feature("F03", "备件库存实时查询", "Real-time spare-parts stock lookup", "A"),
        Feature("F04", "来料检验结果当天反馈", "Same-day incoming-inspection results", "O"),
        Feature("F05", "采购订单状态自动推送", "Purchase-order status notifications", "A"),
        Feature("F06", "安全培训按时安排", "Safety training scheduled on time", "M"),
        Feature("F07", "食堂菜单线上公布", "Canteen menu published online", "I"),
        Feature("F08", "车间电子看板", "Digital shop-floor boards", "A"),
        Feature("F09", "纸质工资条", "Paper payslips", "I"),
        Feature("F10", "每周协调会强制参加", "Mandatory weekly coordination meeting", "R"),
    ),
)

BANK = CaseStory(
    name="bank",
    planted_theme=('Operations Centre', 'process'),
    extras=("journey",),
    seed=20260520,
    id_prefix="BK",
    title={"zh": "某城市商业银行后台服务满意度调查（培训前后两期）",
           "en": "City commercial bank: back-office service satisfaction, before and after training"},
    story={
        "zh": (
            "一家城市商业银行的运营中心、科技部、人力资源部、风险合规部和计划财务部为前台网点和业务条线服务。"
            "2025年第四季度的调查显示后台“响应慢、推诿”。2026年第一季度，后台全员参加了服务标准培训"
            "（首问负责、限时答复、进度主动告知）。2026年第二季度用同一问卷复测（不同的受访者样本）。"
        ),
        "en": (
            "A city commercial bank's Operations Centre, IT, HR, Risk & Compliance and Finance serve the branches "
            "and business lines. The 2025Q4 survey showed a slow, pass-the-buck back office. In 2026Q1 all "
            "back-office staff took a service-standards training (first-contact ownership, answer-time limits, "
            "proactive status updates). The same questionnaire was repeated in 2026Q2 (a new sample of respondents)."
        ),
    },
    providers={
        "Operations Centre": {"zh": "运营中心", "en": "Operations Centre", "weight": 0.3, "staff": 15,
                              "effects": {"responsiveness": -0.35}},
        "IT": {"zh": "科技部", "en": "IT", "weight": 0.22, "staff": 10, "effects": {"tangibles": 0.2}},
        "HR": {"zh": "人力资源部", "en": "HR", "weight": 0.16, "staff": 7, "effects": {"empathy": 0.15}},
        "Risk & Compliance": {"zh": "风险合规部", "en": "Risk & Compliance", "weight": 0.17, "staff": 8,
                              "effects": {"assurance": 0.3, "empathy": -0.3}},
        "Finance": {"zh": "计划财务部", "en": "Finance", "weight": 0.15, "staff": 7, "effects": {"reliability": 0.2}},
    },
    departments={
        "Retail Branches": {"zh": "零售网点", "en": "Retail Branches", "size": 420},
        "Corporate Banking": {"zh": "公司银行部", "en": "Corporate Banking", "size": 260},
        "Credit": {"zh": "信贷部", "en": "Credit", "size": 220},
        "Wealth Management": {"zh": "财富管理部", "en": "Wealth Management", "size": 180},
        "Treasury": {"zh": "金融市场部", "en": "Treasury", "size": 136},
        "Board Office": {"zh": "董事会办公室", "en": "Board Office", "size": 4},
    },
    perception_means={"tangibles": 5.4, "reliability": 5.2, "responsiveness": 4.4, "assurance": 5.3, "empathy": 4.9},
    expectation_means={"tangibles": 5.6, "reliability": 6.4, "responsiveness": 6.1, "assurance": 6.2, "empathy": 5.8},
    largest_gap="responsiveness",
    weak_item=2,
    cross_loading=(17, "reliability"),
    importance_preference={"tangibles": 9, "reliability": 32, "responsiveness": 24, "assurance": 20, "empathy": 15},
    features=(
        Feature("F01", "系统停机提前通知", "Advance notice of system downtime", "M"),
        Feature("F02", "批量业务当日处理完毕", "Same-day batch processing", "M"),
        Feature("F03", "合规问题专家热线", "Compliance expert hotline", "O"),
        Feature("F04", "报表自助查询平台", "Self-service reporting portal", "A"),
        Feature("F05", "移动端流程审批", "Mobile workflow approval", "A"),
        Feature("F06", "培训课程个性化推荐", "Personalised training recommendations", "I"),
        Feature("F07", "后台处理进度短信提醒", "SMS progress alerts from the back office", "O"),
        Feature("F08", "季度服务满意度通报", "Quarterly satisfaction bulletin", "I"),
        Feature("F09", "每张凭证纸质双人签字", "Paper dual signature on every voucher", "R"),
        Feature("F10", "网点现金调拨准时", "Cash delivery to branches on time", "M"),
    ),
    waves=("2025Q4", "2026Q2"),
    wave_effects={"tangibles": 0.0, "reliability": 0.1, "responsiveness": 0.75, "assurance": 0.35, "empathy": 0.15},
)

STORIES = {story.name: story for story in (IT_FIRM, MANUFACTURER, BANK)}
