"""What a questionnaire can answer: the analyses its codebook supports, and why the others are left out.

A researcher's survey is rarely the full SERVQUAL of the shipped cases: it may
ask perceptions only (SERVPERF), rename or drop dimensions, use a 5- or
11-point scale, or hold only KANO, NPS or overall-satisfaction questions.
:func:`instrument` reads the codebook (and, for waves, the data) once and says
which sections of the chapters and the report can run; :meth:`Instrument.note`
gives the one-line bilingual note that replaces a section that cannot.

===================  =====================================================================
section              needs
===================  =====================================================================
``perceptions``      perception items (kind ``servqual_P``) with a dimension
``gaps``             expectation items matched to them (kind ``servqual_E``, same ``item``)
``weighted``         gaps and a 100-point allocation (kind ``importance``) per dimension
``reliability``      a dimension with at least 2 items
``cfa``              dimensions with at least 3 items and a testable model (df > 0)
``validity``         at least 2 dimensions in the CFA
``csi``              perception items on one answer scale
``ipa``              ≥ 2 dimensions and an importance: allocation or overall satisfaction
``kano``             KANO functional / dysfunctional pairs
``nps``              a recommendation question (kind ``nps``)
``overall``          an overall-satisfaction question (kind ``overall``)
``trend``            ≥ 2 survey waves in the data and a measure to follow
``groups``           group columns ``provider`` and ``department``
``matrix``           the groups and a measure (gap, perception, overall or NPS)
``pdca``             perception items (the dimension to improve)
===================  =====================================================================

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> info = kl.instrument(survey)
>>> info.kind, info.supports("gaps"), info.supports("trend")
('weighted SERVQUAL', True, False)
>>> info.note("trend", "en")
'*Not shown: the data hold a single survey wave, so there is no before/after comparison.*'

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
Cronin, J. J., & Taylor, S. A. (1992). Measuring service quality: a reexamination and extension
(SERVPERF). *Journal of Marketing*, 56(3), 55–68.
Kline, R. B. (2016). *Principles and Practice of Structural Equation Modeling* (4th ed.), ch. 9
(at least 3 indicators per factor; identification).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kitlib.data.codebook import SERVQUAL_DIMENSIONS, Codebook
from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.i18n import Catalog, check_lang

__all__ = ["Instrument", "REASONS", "SECTIONS", "instrument"]

SECTIONS = ("perceptions", "gaps", "weighted", "reliability", "cfa", "validity", "csi", "ipa", "kano", "nps",
            "overall", "trend", "groups", "matrix", "pdca")

#: Why a section cannot run (keys: the sections), and the frame of a note.
REASONS = Catalog({
    "perceptions": {"zh": "问卷没有感知题（codebook 中没有带维度的 servqual_P 列）",
                    "en": "the questionnaire has no perception items (no servqual_P columns with a dimension in the codebook)"},
    "gaps": {"zh": "问卷没有与感知题配对的期望（E）题（只测感知的 SERVPERF 问卷），因此没有 P − E 差距",
             "en": "the questionnaire has no expectation (E) items matched to its perception items "
                   "(a perceptions-only, SERVPERF questionnaire), so there are no P − E gaps"},
    "weighted": {"zh": "问卷没有覆盖每个维度的 100 分重要性分配，因此没有加权总分",
                 "en": "the questionnaire has no 100-point importance allocation over every dimension, so there is no weighted score"},
    "reliability": {"zh": "没有哪个维度含 2 个或以上条目，无法计算信度（α）",
                    "en": "no dimension has two or more items, so there is no reliability (alpha) to compute"},
    "cfa": {"zh": "验证性因子分析需要至少 3 个条目的维度且模型可检验（两个这样的维度，或一个至少 4 个条目的维度），本问卷不满足",
            "en": "a confirmatory factor analysis needs dimensions of at least three items and a testable model "
                  "(two such dimensions, or one of at least four items), which this questionnaire does not have"},
    "validity": {"zh": "区分效度需要验证性因子分析中至少两个维度",
                 "en": "discriminant validity needs at least two dimensions in the confirmatory factor analysis"},
    "csi": {"zh": "满意度指数需要同一答题量表上的感知题",
            "en": "the satisfaction index needs perception items on one answer scale"},
    "ipa": {"zh": "重要性—绩效分析需要至少两个维度的感知题，以及重要性（100 分分配或总体满意度题）",
            "en": "importance–performance analysis needs perception items of at least two dimensions and an importance "
                  "measure (the 100-point allocation or an overall-satisfaction question)"},
    "kano": {"zh": "问卷没有 KANO 题目（codebook 中没有 kano_functional / kano_dysfunctional 列）",
             "en": "the questionnaire has no KANO questions (no kano_functional / kano_dysfunctional columns in the codebook)"},
    "nps": {"zh": "问卷没有推荐意愿（NPS，0–10 分）题", "en": "the questionnaire has no recommendation question (NPS, 0–10)"},
    "overall": {"zh": "问卷没有总体满意度题", "en": "the questionnaire has no overall-satisfaction question"},
    "trend": {"zh": "数据只有一次调查（一个波次），无法比较前后变化",
              "en": "the data hold a single survey wave, so there is no before/after comparison"},
    "trend_measure": {"zh": "没有可以跨波次比较的指标（感知题、总体满意度或 NPS）",
                      "en": "there is no measure to compare across waves (perception items, overall satisfaction or NPS)"},
    "groups": {"zh": "数据没有服务部门（provider）和业务部门（department）两列",
               "en": "the data have no provider and department columns"},
    "matrix": {"zh": "“谁对谁”矩阵需要服务部门和业务部门两列，以及一个满意度指标",
               "en": "the provider × department map needs provider and department columns and a satisfaction measure"},
    "pdca": {"zh": "改进计划需要感知题来找出最需要改进的维度",
             "en": "the improvement plan needs perception items to find the dimension to improve"},
    "single_item": {"zh": "{names} 只有一个条目：报告其得分，但它不是量表（不计算 α，不进入因子分析）",
                    "en": "{names} has a single item: its score is reported, but it is not a scale (no alpha, no factor analysis)"},
    "two_items": {"zh": "{names} 只有两个条目：计算 α，但不进入验证性因子分析（每个因子至少需要 3 个条目）",
                  "en": "{names} has two items: its alpha is computed, but it is not in the confirmatory factor analysis "
                        "(at least three items per factor)"},
    "note": {"zh": "*本节略去：{reason}。*", "en": "*Not shown: {reason}.*"},
    "kind_weighted SERVQUAL": {"zh": "加权 SERVQUAL（期望、感知与重要性分配）",
                               "en": "weighted SERVQUAL (expectations, perceptions and importance allocation)"},
    "kind_SERVQUAL": {"zh": "SERVQUAL（期望与感知）", "en": "SERVQUAL (expectations and perceptions)"},
    "kind_SERVPERF": {"zh": "SERVPERF（只测感知）", "en": "SERVPERF (perceptions only)"},
    "kind_other": {"zh": "没有 SERVQUAL 量表的问卷", "en": "a questionnaire without SERVQUAL-type scales"},
})


@dataclass(frozen=True)
class Instrument:
    """The analyses a survey's codebook supports (:func:`instrument`).

    Attributes
    ----------
    name : str
        The codebook's name.
    dimensions : dict
        ``{dimension: number of perception items}`` in the canonical SERVQUAL
        order (known names first, then the codebook's order).
    scaled_dimensions : tuple of str
        Dimensions with at least 2 items (alpha, omega).
    cfa_dimensions : tuple of str
        Dimensions with at least 3 items, when their CFA is testable
        (at least two of them, or one with at least 4 items); else empty.
    single_item_dimensions : tuple of str
        Dimensions with one item: reported, not scaled.
    has_perceptions, has_expectations, has_gaps, has_allocation : bool
        Perception items; expectation items; matched E/P pairs; a 100-point
        allocation column for every perception dimension.
    has_kano, has_nps, has_overall : bool
    has_waves : bool
        At least two survey waves in the data.
    groups : tuple of str
        Columns of kind ``group``.
    scale : tuple of float or None
        ``(min, max)`` of the perception items when they share one scale.
    """

    name: str
    dimensions: dict = field(default_factory=dict)
    scaled_dimensions: tuple = ()
    cfa_dimensions: tuple = ()
    single_item_dimensions: tuple = ()
    has_perceptions: bool = False
    has_expectations: bool = False
    has_gaps: bool = False
    has_allocation: bool = False
    has_kano: bool = False
    has_nps: bool = False
    has_overall: bool = False
    has_waves: bool = False
    groups: tuple = ()
    scale: tuple | None = None
    labels: dict = field(default_factory=dict, repr=False)

    def label(self, dimension: str, lang: str = "en") -> str:
        """The codebook label of a dimension in ``lang`` (the id when unlabelled)."""
        return self.labels.get(dimension, {}).get(check_lang(lang)) or dimension

    @property
    def kind(self) -> str:
        """``"weighted SERVQUAL"``, ``"SERVQUAL"``, ``"SERVPERF"`` or ``"other"``."""
        if self.has_gaps:
            return "weighted SERVQUAL" if self.has_allocation else "SERVQUAL"
        return "SERVPERF" if self.has_perceptions else "other"

    @property
    def two_item_dimensions(self) -> tuple:
        """Scaled dimensions left out of the CFA (two items, or too small a model)."""
        return tuple(name for name in self.scaled_dimensions if name not in self.cfa_dimensions)

    @property
    def ipa_importance(self) -> str | None:
        """``"stated"`` (allocation), ``"derived"`` (correlation with overall satisfaction) or ``None``."""
        if not self.supports("ipa"):
            return None
        return "stated" if self.has_allocation else "derived"

    @property
    def matrix_value(self) -> str | None:
        """The measure of the provider × department map: ``gap``, ``perception``, ``overall``, ``nps`` or ``None``."""
        if not {"provider", "department"} <= set(self.groups):
            return None
        for value, present in (("gap", self.has_gaps), ("perception", self.has_perceptions),
                               ("overall", self.has_overall), ("nps", self.has_nps)):
            if present:
                return value
        return None

    def _needs(self) -> dict:
        groups = {"provider", "department"} <= set(self.groups)
        return {
            "perceptions": self.has_perceptions,
            "gaps": self.has_gaps,
            "weighted": self.has_gaps and self.has_allocation,
            "reliability": bool(self.scaled_dimensions),
            "cfa": bool(self.cfa_dimensions),
            "validity": len(self.cfa_dimensions) >= 2,
            "csi": self.has_perceptions and self.scale is not None,
            "ipa": len(self.dimensions) >= 2 and (self.has_allocation or self.has_overall),
            "kano": self.has_kano,
            "nps": self.has_nps,
            "overall": self.has_overall,
            "trend": self.has_waves and (self.has_perceptions or self.has_overall or self.has_nps),
            "groups": groups,
            "matrix": self.matrix_value is not None,
            "pdca": self.has_perceptions,
        }

    def supports(self, section: str) -> bool:
        """Whether ``section`` (one of :data:`SECTIONS`) can run on this survey."""
        if section not in SECTIONS:
            raise OptionError(f"unknown section {section!r}; sections: {', '.join(SECTIONS)}")
        return self._needs()[section]

    def reason(self, section: str, lang: str = "en") -> str:
        """Why ``section`` cannot run, in ``lang`` ("" when it can).

        The reason names the first missing requirement: e.g. a section that
        needs perception items says so on a KANO-only survey, rather than
        naming the further columns it would need.
        """
        check_lang(lang)
        if self.supports(section):
            return ""
        needs_perceptions = ("gaps", "weighted", "reliability", "cfa", "validity", "csi", "ipa", "pdca")
        if section in needs_perceptions and not self.has_perceptions:
            return REASONS("perceptions", lang)
        if section == "weighted" and not self.has_gaps:
            return REASONS("gaps", lang)
        if section == "trend" and self.has_waves:
            return REASONS("trend_measure", lang)
        return REASONS(section, lang)

    def note(self, section: str, lang: str = "en") -> str:
        """The one-line Markdown note that replaces ``section`` ("" when it runs)."""
        reason = self.reason(section, lang)
        return REASONS("note", lang, reason=reason) if reason else ""

    def scale_notes(self, lang: str = "en") -> list:
        """Notes on the dimensions that are reported but not (fully) scaled: one-item and two-item ones."""
        join = "、" if check_lang(lang) == "zh" else ", "
        notes = []
        if self.single_item_dimensions:
            names = join.join(self.label(name, lang) for name in self.single_item_dimensions)
            notes.append(REASONS("single_item", lang, names=names))
        if self.cfa_dimensions and self.two_item_dimensions:
            names = join.join(self.label(name, lang) for name in self.two_item_dimensions)
            notes.append(REASONS("two_items", lang, names=names))
        return notes

    def describe(self, lang: str = "en") -> str:
        """A short bilingual description: the kind of instrument and its dimensions."""
        check_lang(lang)
        kind = REASONS(f"kind_{self.kind}", lang)
        if not self.dimensions:
            return kind
        join = "、" if lang == "zh" else ", "
        parts = join.join(f"{self.label(name, lang)} ({count})" for name, count in self.dimensions.items())
        return f"{kind}：{parts}" if lang == "zh" else f"{kind}: {parts}"


def _canonical(names) -> list:
    names = list(names)
    return [name for name in SERVQUAL_DIMENSIONS if name in names] + [name for name in names if name not in SERVQUAL_DIMENSIONS]


def _cfa_dimensions(counts: dict) -> tuple:
    large = [name for name, count in counts.items() if count >= 3]
    if len(large) >= 2 or (len(large) == 1 and counts[large[0]] >= 4):
        return tuple(large)
    return ()


def instrument(survey) -> Instrument:
    """Which analyses a survey (or codebook) supports.

    Parameters
    ----------
    survey : Survey or Codebook
        With a Survey, ``has_waves`` looks at the data (at least two waves
        present); with a Codebook it is False.

    Returns
    -------
    Instrument

    Raises
    ------
    AnalysisInputError
        ``survey`` is neither a Survey nor a Codebook.

    Notes
    -----
    A dimension's perception items make a *scale* when there are at least
    two of them (alpha needs item covariances); a one-item dimension is
    reported as a score but never scaled.  A confirmatory factor analysis
    takes the dimensions with at least three items (Kline 2016, ch. 9) and
    runs only when its model has degrees of freedom left: two or more such
    dimensions, or a single one with at least four items.  A
    perceptions-only questionnaire (SERVPERF; Cronin & Taylor 1992) has no
    gaps: its analyses use the perception means instead.

    Example
    -------
    >>> import kitlib as kl
    >>> info = kl.instrument(kl.load_case("bank"))
    >>> info.has_gaps, info.has_waves, info.cfa_dimensions[:2]
    (True, True, ('tangibles', 'reliability'))

    References
    ----------
    Cronin, J. J., & Taylor, S. A. (1992). *Journal of Marketing*, 56(3), 55–68.
    Kline, R. B. (2016). *Principles and Practice of Structural Equation Modeling* (4th ed.). Guilford.
    """
    if isinstance(survey, Survey):
        book, data = survey.codebook, survey.data
    elif isinstance(survey, Codebook):
        book, data = survey, None
    else:
        raise AnalysisInputError(f"instrument() needs a Survey or a Codebook, not {type(survey).__name__}")
    model = book.servqual_model("P")
    counts = {name: len(model[name]) for name in _canonical(model)}
    perceptions = [item for items in model.values() for item in items]
    scales = {(book.columns[item].scale_min, book.columns[item].scale_max) for item in perceptions}
    allocation = {book.columns[c].dimension for c in book.items("importance") if book.columns[c].dimension}
    waves = book.items("wave")
    has_waves = bool(waves and data is not None and waves[0] in data and data[waves[0]].nunique(dropna=True) >= 2)
    return Instrument(
        name=book.name,
        dimensions=counts,
        scaled_dimensions=tuple(name for name, count in counts.items() if count >= 2),
        cfa_dimensions=_cfa_dimensions(counts),
        single_item_dimensions=tuple(name for name, count in counts.items() if count == 1),
        has_perceptions=bool(counts),
        has_expectations=bool(book.items("servqual_E")),
        has_gaps=bool(book.servqual_pairs()),
        has_allocation=bool(counts) and set(counts) <= allocation,
        has_kano=bool(book.kano_pairs()),
        has_nps=bool(book.items("nps")),
        has_overall=bool(book.items("overall")),
        has_waves=has_waves,
        groups=tuple(book.items("group")),
        scale=tuple(float(v) for v in scales.pop()) if len(scales) == 1 else None,
        labels={name: {lang: book.label(name, lang) for lang in ("zh", "en")} for name in counts},
    )
