"""Helpers shared by the chapter and report notebooks.

They keep notebook cells short: open the survey a notebook's parameters name
(a shipped case, or a researcher's own file that overrides it), restrict it
to one provider / department / wave without ever showing a withheld group,
print conclusions built from computed numbers in Chinese or English, and
record a report's key figures for the index page.

Example
-------
>>> from kitlib.report.chapter import open_survey, pick
>>> survey = open_survey(case="bank")
>>> pick("en", zh="银行", en="bank")
'bank'

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4. Wiley.
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
from pathlib import Path

from kitlib.atomic import write_atomically
from kitlib.data.cases import case_files, load_case
from kitlib.data.codebook import SERVQUAL_DIMENSIONS
from kitlib.data.readers import default_codebook, load_survey
from kitlib.data.survey import Survey
from kitlib.disclosure import attach_audit
from kitlib.errors import AnalysisInputError, KitError
from kitlib.i18n import VALUE_LABELS, pick, say
from kitlib.report.grid import group_counts

__all__ = ["available", "dimension_grid", "dimension_order", "driver_ipa_words", "driver_method", "driver_words", "group_counts",
           "invariance_words", "open_survey", "pick", "record_summary", "report_figures", "sample_words", "say", "select", "share_survey",
           "shared_surveys", "suppression_counts", "visible", "withheld_groups", "withheld_note"]


def report_figures() -> None:
    """Charts of a report are saved at the size they were laid out for, not cropped to their ink.

    IPython's inline backend saves figures with ``bbox_inches="tight"``, which
    draws every figure twice (once to measure its ink, once to save it).  The
    kit's charts lay themselves out inside their figure (``tight_layout``), so
    the crop only removed the layout's own margin of about 0.18 inch: measured
    on every chart of the three case reports in zh and en, no ink lies outside
    the figure.  Saving at the figure's size keeps all of it and draws once.
    """
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png", bbox_inches=None)


#: How many surveys :func:`open_survey` keeps (a kernel serves one grid's reports; the cases are three files).
KEEP_OPENED = 3
_OPENED: dict = {}
#: Where this process finds the surveys a batch's planner read (:func:`shared_surveys`); None outside a batch.
_SHARED: dict[str, Path | None] = {"folder": None}


def open_survey(case: str = "it_firm", data_path: str = "", codebook_path: str = "") -> Survey:
    """The survey a notebook runs on: ``data_path`` (+ codebook) if given, else the shipped ``case``.

    Rows that break a codebook rule are excluded and listed in ``survey.quality``
    so that a researcher's imperfect file still produces a report.

    A report kernel runs every report of a group grid (``--by department``) on
    the same file, so the last surveys this process read are kept: while the
    input files are unchanged (same path, size, inode and modification time),
    the survey is not read again and each call returns its own deep copy, so
    that nothing one report changes reaches the next.  In a batch's kernel, a
    survey its planner read already (:func:`share_survey`) is taken from the
    batch's work folder instead of being read again.
    """
    key = _survey_key(case, data_path, codebook_path)
    if key not in _OPENED:
        survey = _from_planner(key) or _read_survey(case, data_path, codebook_path)
        while len(_OPENED) >= KEEP_OPENED:
            _OPENED.pop(next(iter(_OPENED)))
        _OPENED[key] = survey
    return copy.deepcopy(_OPENED[key])


def share_survey(folder, case: str = "", data_path: str = "", codebook_path: str = "") -> Survey:
    """Read a survey as :func:`open_survey` does and leave it in ``folder`` for a batch's kernels; return it.

    A batch's planner reads every survey anyway (to audit and plan it) while
    the fork server imports the stack on another core; each kernel would read
    it once more (0.15-0.2 s of one core per survey and kernel).  The survey
    is pickled under a digest of its files' identity (:func:`open_survey`'s
    key), so a kernel never takes a survey whose files changed since.  The
    folder is the batch's private work folder: a kernel reads only what its
    own batch wrote (:func:`shared_surveys`).
    """
    key = _survey_key(case, data_path, codebook_path)
    survey = _read_survey(case, data_path, codebook_path)
    write_atomically(Path(folder) / _shared_name(key), pickle.dumps(survey, protocol=pickle.HIGHEST_PROTOCOL))
    return survey


def shared_surveys(folder) -> None:
    """Have :func:`open_survey` look in ``folder`` for the surveys a batch's planner read (None: nowhere).

    The fork server of a batch (:mod:`kitlib.report._forkserver`) names its
    work folder's ``surveys/`` before it forks the batch's kernels.
    """
    _SHARED["folder"] = None if folder is None else Path(folder)


def _survey_key(case: str, data_path: str, codebook_path: str) -> tuple:
    """The identity of the files the survey of these parameters is read from."""
    if data_path:
        files = (data_path, codebook_path or default_codebook(data_path))
    elif case:
        files = tuple(case_files(case).values())
    else:
        raise KitError("set either 'case' (it_firm, manufacturer, bank) or 'data_path' in the parameters cell")
    return tuple(_file_identity(path) for path in files)


def _read_survey(case: str, data_path: str, codebook_path: str) -> Survey:
    return load_survey(data_path, codebook_path or None, on_invalid="exclude") if data_path else load_case(case, on_invalid="exclude")


def _shared_name(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32] + ".pickle"


def _from_planner(key: tuple) -> Survey | None:
    folder = _SHARED["folder"]
    if folder is None:
        return None
    try:
        data = (folder / _shared_name(key)).read_bytes()
    except OSError:
        return None
    return pickle.loads(data)  # noqa: S301 - written by this batch's planner into its private (0700) work folder


def _file_identity(path) -> tuple | None:
    """Path, size, inode and modification time of a file (None when there is none)."""
    if path is None:
        return None
    resolved = Path(path).resolve()
    try:
        status = resolved.stat()
    except OSError:
        return None
    return str(resolved), status.st_size, status.st_ino, status.st_mtime_ns


def available(info, section: str, lang: str) -> bool:
    """Whether the survey supports ``section``; if not, display the one-line note saying why.

    ``info`` is :func:`kitlib.instrument` of the survey; ``section`` one of
    :data:`kitlib.service.capabilities.SECTIONS`.  Chapters and the report
    write ``if available(info, "gaps", lang): ...`` so that a section the
    questionnaire cannot feed is replaced by its note, never by an error.

    Example
    -------
    >>> import kitlib as kl
    >>> available(kl.instrument(kl.load_case("bank")), "trend", "en")
    True
    """
    if info.supports(section):
        return True
    from IPython.display import Markdown, display

    display(Markdown(info.note(section, lang)))
    return False


def withheld_groups(survey: Survey, by: str, min_group_size: int = 5) -> set[str]:
    """Values of ``by`` within ``survey`` that the disclosure audit hides (small, or hidden to protect a small group).

    The audit is the one attached to ``survey`` (by :func:`select`), else the
    audit of ``survey`` itself (:func:`kitlib.audit_disclosure`).
    """
    audited = attach_audit(survey, min_group_size)
    if by not in audited.data:
        return set()
    values = {str(value) for value in audited.data[by].dropna().unique()}
    return {value for value in values if not audited.disclosure.shown(**(audited.scope | {by: value}))}


def select(survey: Survey, *, provider: str = "", department: str = "", wave: str = "", min_group_size: int = 5) -> Survey:
    """Restrict ``survey`` to one provider, department and/or wave ("" = all), with its disclosure audit attached.

    The audit (:func:`kitlib.audit_disclosure` of the whole ``survey`` at
    ``min_group_size``) is the one a batch of reports plans with, so every
    grouped table of the returned survey shows only cells the whole batch
    may publish.

    Raises
    ------
    AnalysisInputError
        The value does not occur, or the selected cell is withheld for
        confidentiality (its name is not repeated in the message).
    """
    audited = attach_audit(survey, min_group_size)
    chosen = {}
    for column, value in {"provider": provider, "department": department}.items():
        if not value:
            continue
        if column not in survey.data or value not in set(survey.data[column].astype(str)):
            raise AnalysisInputError(f"no respondents with {column} = {value!r} in this survey")
        chosen[column] = value
    if wave:
        column = survey.wave_column()
        if column is None:
            raise AnalysisInputError(f"wave {wave!r} was requested but this survey has a single wave")
        if wave not in set(survey.data[column].astype(str)):
            raise AnalysisInputError(f"no wave {wave!r}; the survey has {sorted(survey.data[column].dropna().unique())}")
        chosen[column] = wave
    status = audited.disclosure.status(**chosen)
    if status == "small":
        raise AnalysisInputError(f"this selection is withheld: fewer than {min_group_size} respondents")
    if status == "protection":
        raise AnalysisInputError("this selection is hidden to protect a smaller group: publishing it would let that group's "
                                 "answers be worked out by differencing with other results")
    if status == "empty":
        raise AnalysisInputError("no respondents match this combination of filters")
    return audited.filter(**chosen) if chosen else audited


def withheld_note(counts: dict, min_group_size: int) -> dict:
    """The sentence saying how many groups a table leaves out, by reason, without naming them (zh and en).

    ``counts`` is ``{"small": a, "protection": b}``: groups with fewer than
    ``min_group_size`` respondents, and groups hidden to protect them
    against differencing (:meth:`kitlib.DisclosureAudit.withheld`,
    :func:`suppression_counts`).  Empty strings when nothing is left out.

    Example
    -------
    >>> withheld_note({"small": 1, "protection": 2}, 5)["en"]
    ' Left out: 1 group with fewer than 5 respondents, and 2 groups hidden to protect it against differencing.'
    """
    small, protection = int(counts.get("small", 0)), int(counts.get("protection", 0))
    zh, en = [], []
    if small:
        zh.append(f"{small} 个组少于 {min_group_size} 位受访者")
        en.append(f"{small} group{'s' if small > 1 else ''} with fewer than {min_group_size} respondents")
    if protection:
        zh.append(f"{protection} 个组为防止相减反推出小组而隐藏")
        en.append(f"{protection} group{'s' if protection > 1 else ''} hidden to protect "
                  f"{'them' if small > 1 else 'it' if small else 'a small group'} against differencing")
    if not zh:
        return {"zh": "", "en": ""}
    return {"zh": f"未显示：{'；'.join(zh)}。", "en": f" Left out: {', and '.join(en)}."}


def suppression_counts(table, by) -> dict:
    """``{"small": a, "protection": b}``: groups of ``by`` a grouped kitlib table hides, by reason.

    A group counts once however many rows (dimensions, waves) it has; the
    reasons are the ``suppression`` column of
    :func:`kitlib.suppress_small_groups` and the disclosure audit.
    """
    if "suppressed" not in table or table.empty:
        return {"small": 0, "protection": 0}
    keys = [by] if isinstance(by, str) else list(by)
    hidden = table.loc[table["suppressed"].astype(bool), [*keys, "suppression"]].drop_duplicates(keys)
    protection = int((hidden["suppression"] == "complementary").sum())
    return {"small": len(hidden) - protection, "protection": protection}


def sample_words(survey: Survey) -> dict:
    """The sample size in words, in distinct respondents (and rows when one person has several), zh and en.

    Example
    -------
    >>> from kitlib.data.cases import load_case
    >>> sample_words(load_case("it_firm"))["en"]
    '640 respondents'
    """
    people, rows = survey.respondents(), len(survey.data)
    if people == rows:
        return {"zh": f"{people} 位受访者", "en": f"{people} respondents"}
    return {"zh": f"{people} 位受访者（{rows} 行评价：一人可评价多个服务部门或参加多次调查）",
            "en": f"{people} respondents ({rows} rated rows: one person may rate several providers or answer several waves)"}


def record_summary(path: str, **figures) -> None:
    """Write a report's key figures as JSON to ``path`` (atomically; nothing if ``path`` is "")."""
    if not path:
        return
    write_atomically(path, json.dumps(figures, ensure_ascii=False, default=float))


def dimension_order(codebook) -> list[str]:
    """The codebook's SERVQUAL dimensions in the canonical order (Parasuraman et al. 1988).

    Tangibles, reliability, responsiveness, assurance, empathy first; any other
    dimension of a researcher's codebook follows in codebook order.

    Example
    -------
    >>> from kitlib.data.cases import load_case
    >>> dimension_order(load_case("bank").codebook)
    ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy']
    """
    present = list(codebook.servqual_model("P")) or list(codebook.servqual_model("E"))
    return [name for name in SERVQUAL_DIMENSIONS if name in present] + [name for name in present if name not in SERVQUAL_DIMENSIONS]


def dimension_grid(table, index: str, values: str, codebook, lang: str):
    """``table`` (one row per group and ``dimension``) as a group × dimension grid.

    Columns follow :func:`dimension_order` and carry the dimension labels of
    ``lang``; rows carry the codebook value labels of ``index``.  Pass a
    :func:`visible` table, so that withheld groups are not among the rows.
    """
    pick(lang, "", "")
    grid = table.pivot(index=index, columns="dimension", values=values)
    grid = grid[[name for name in dimension_order(codebook) if name in grid.columns]]
    return (grid.rename(index=lambda value: codebook.value_label(index, value, lang),
                        columns=lambda name: codebook.label(name, lang))
            .rename_axis(columns=None))


def visible(table):
    """Rows of a grouped result that may be shown: suppressed rows and bookkeeping columns dropped.

    Blanked rows of :func:`~kitlib.confidentiality.suppress_small_groups`
    still carry the group's name; reports drop them so that a withheld group
    appears nowhere.
    """
    if "suppressed" not in table:
        return table
    keep = ~table["suppressed"].astype(bool)
    return table.loc[keep].drop(columns=[c for c in ("suppressed", "suppression", "group_n") if c in table])


# --------------------------------------------------------------------------- invariance, key drivers

LEVEL_NAMES = VALUE_LABELS["level"]  # the invariance levels as tables show them


def invariance_words(check, codebook, wave_column: str) -> dict:
    """``{"zh": ..., "en": ...}``: whether comparing the waves' means is warranted, from a
    :func:`~kitlib.psychometrics.scale_check.check_invariance` result (its note when it was not run).

    The verdict is the library's (``means_comparable``: scalar invariance, Chen 2007 cut-offs); the
    sentence quotes the fit changes that decided it.  Use ``say(lang, **invariance_words(...))``.
    """
    if check.result is None:
        return {"zh": check.note("zh"), "en": check.note("en")}
    result = check.result
    table = result.table
    cut = result.cutoffs
    words = {}
    for lang in ("zh", "en"):
        join = "、" if lang == "zh" else ", "
        waves = join.join(f"{codebook.value_label(wave_column, group, lang)} (n = {n})" for group, n in zip(result.groups, result.n))
        criteria = {"zh": f"标准：ΔCFI ≥ {cut['min_delta_cfi']:.3f}、ΔRMSEA ≤ {cut['max_delta_rmsea']:.3f}，Chen 2007",
                    "en": f"cut-offs ΔCFI ≥ {cut['min_delta_cfi']:.3f}, ΔRMSEA ≤ {cut['max_delta_rmsea']:.3f}, Chen 2007"}[lang]
        if not result.levels_held:
            row = table.loc["configural"]
            found = {"zh": f"形态模型拟合不达标（CFI = {row['cfi']:.3f}，RMSEA = {row['rmsea']:.3f}；需要 CFI ≥ {cut['min_cfi']:.2f}、"
                           f"RMSEA ≤ {cut['max_rmsea']:.2f}）",
                     "en": f"the configural model does not fit acceptably (CFI = {row['cfi']:.3f}, RMSEA = {row['rmsea']:.3f}; "
                           f"needed CFI ≥ {cut['min_cfi']:.2f}, RMSEA ≤ {cut['max_rmsea']:.2f})"}[lang]
        else:
            highest = result.highest
            levels = list(table.index)
            step = "scalar" if result.means_comparable else levels[levels.index(highest) + 1]
            row = table.loc[step]
            level = LEVEL_NAMES[highest][lang]
            previous = levels[levels.index(step) - 1]
            found = {"zh": f"测量不变性成立到{level}层级（{LEVEL_NAMES[step]['zh'].split('（')[0]}对{LEVEL_NAMES[previous]['zh'].split('（')[0]}："
                           f"ΔCFI = {row['delta_cfi']:+.3f}，ΔRMSEA = {row['delta_rmsea']:+.3f}；{criteria}）",
                     "en": f"measurement invariance holds up to the {level} level ({step} against {previous}: "
                           f"ΔCFI = {row['delta_cfi']:+.3f}, ΔRMSEA = {row['delta_rmsea']:+.3f}; {criteria})"}[lang]
        if lang == "zh":
            words[lang] = (f"比较之前先检验量表：感知量表在 {waves} 之间，{found}，"
                           + ("因此可以比较各次调查的均值。" if result.means_comparable else
                              "因此各次调查的均值并不严格可比：下面的变化可能部分来自受访者对题目理解的改变，解读时要谨慎。"))
        else:
            words[lang] = (f"Before comparing the waves: across {waves}, {found} for the perception scales, "
                           + ("so comparing the waves' means is warranted." if result.means_comparable else
                              "so the waves' means are not strictly comparable: part of a change below may come from "
                              "respondents reading the items differently; read it with care."))
    return words


def driver_method(n_predictors: int) -> str:
    """``"shapley"`` (exact, up to :data:`~kitlib.service.key_drivers.MAX_SHAPLEY_PREDICTORS` predictors), else ``"relative_weights"``."""
    from kitlib.service.key_drivers import MAX_SHAPLEY_PREDICTORS

    return "shapley" if n_predictors <= MAX_SHAPLEY_PREDICTORS else "relative_weights"


def driver_words(result, outcome: dict, codebook) -> dict:
    """``{"zh": ..., "en": ...}`` naming the key drivers of ``outcome`` (``{"zh": .., "en": ..}``) from a
    :func:`kitlib.drivers` result: R², the ranking with shares and bootstrap intervals, and whether the
    strongest driver's interval lies clear of the second's."""
    table = result.table.sort_values("raw", ascending=False)
    method = {"shapley": {"zh": "Shapley/LMG 分解", "en": "Shapley/LMG decomposition"},
              "relative_weights": {"zh": "相对权重（Johnson 2000）", "en": "relative weights (Johnson 2000)"}}[result.method]
    words = {}
    for lang in ("zh", "en"):
        join = "、" if lang == "zh" else ", "
        label = {name: codebook.label(name, lang) for name in table.index}
        top, rest = table.iloc[0], table.iloc[1:]
        interval = (f"{top['ci_low']:.3f}–{top['ci_high']:.3f}" if result.n_boot else "")
        others = join.join(f"{label[name]} ({row['share']:.0%})" for name, row in rest.iterrows())
        clear = len(rest) and result.n_boot and top["ci_low"] > rest.iloc[0]["ci_high"]
        second = label[rest.index[0]] if len(rest) else ""
        if lang == "zh":
            words[lang] = (f"{outcome['zh']}的关键驱动因素（{method['zh']}，R² = {result.r2:.2f}，n = {result.n}"
                           + (f"，{result.confidence:.0%} 自助法置信区间，{result.n_boot} 次重抽样" if result.n_boot else "")
                           + f"）：最强的是 **{label[top.name]}**（占 R² 的 {top['share']:.0%}，贡献 {top['raw']:.3f}"
                           + (f"，区间 {interval}" if interval else "") + "）"
                           + (f"，其次 {others}" if others else "") + "。"
                           + ((f"它的区间与第二名{second}的不重叠，领先可信。" if clear else f"它的区间与第二名{second}的重叠，两者的先后并不确定。")
                              if len(rest) and result.n_boot else ""))
        else:
            words[lang] = (f"Key drivers of {outcome['en']} ({method['en']}, R² = {result.r2:.2f}, n = {result.n}"
                           + (f"; {result.confidence:.0%} bootstrap intervals, {result.n_boot} resamples" if result.n_boot else "")
                           + f"): strongest **{label[top.name]}** ({top['share']:.0%} of R², contribution {top['raw']:.3f}"
                           + (f", interval {interval}" if interval else "") + ")"
                           + (f", then {others}" if others else "") + ". "
                           + ((f"Its interval lies above that of the runner-up, {second}: it is clearly the strongest."
                               if clear else f"Its interval overlaps that of the runner-up, {second}: their order is not certain.")
                              if len(rest) and result.n_boot else ""))
    return words


def driver_ipa_words(grid, codebook, outcome: dict) -> dict:
    """``{"zh": ..., "en": ...}`` reading an IPA on driver importance
    (:func:`kitlib.service.key_drivers.uncertain_quadrants`): the *concentrate here* units whose quadrant
    is certain, and each uncertain unit as "quadrant or alternative quadrant"."""
    from kitlib.service.indices import QUADRANTS

    rows = grid[grid["driver_quadrant"].notna()]
    sure = rows[~rows["uncertain"]]
    unsure = rows[rows["uncertain"]]
    words = {}
    for lang in ("zh", "en"):
        join = "、" if lang == "zh" else ", "
        focus = join.join(codebook.label(unit, lang) for unit in sure.loc[sure["driver_quadrant"] == "concentrate", "unit"])
        either = join.join(
            f"{codebook.label(row.unit, lang)}（{QUADRANTS[row.driver_quadrant][lang]}或{QUADRANTS[row.alternative_quadrant][lang]}）"
            if lang == "zh" else
            f"{codebook.label(row.unit, lang)} ({QUADRANTS[row.driver_quadrant][lang].lower()} or {QUADRANTS[row.alternative_quadrant][lang].lower()})"
            for row in unsure.itertuples())
        cut = float(rows["importance_cut"].iloc[0]) if len(rows) else float("nan")
        if lang == "zh":
            words[lang] = (f"以关键驱动分析的贡献（对{outcome['zh']}的 R² 贡献，含置信区间）作为推导重要性：确定落在“重点改进”象限的维度："
                           f"**{focus or '无'}**；"
                           + (f"象限不确定（重要性区间跨过分界线 {cut:.3f}）：{either}，这些维度之间不排改进先后。" if len(unsure)
                              else "每个维度的重要性区间都在分界线一侧，象限是确定的。"))
        else:
            words[lang] = (f"With derived importance from the key drivers (contribution to the R² of {outcome['en']}, with intervals), "
                           f"the dimensions surely in the *concentrate here* quadrant: **{focus or 'none'}**; "
                           + (f"uncertain quadrant (importance interval straddles the crosshair {cut:.3f}): {either}; "
                              "do not rank priorities among these." if len(unsure)
                              else "every importance interval lies on one side of the crosshair, so every quadrant is certain."))
    return words
