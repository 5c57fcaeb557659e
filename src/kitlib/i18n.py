"""Chinese and English wording: one mechanism for every label, chart text, message and conclusion.

Every text the kit shows exists in Chinese (``"zh"``) and English (``"en"``).
A wording is a ``{"zh": ..., "en": ...}`` mapping; a :class:`Catalog` holds
the wordings of one part of the kit (chart phrases, exercise hints, report
labels) and checks at import that each has both languages.  Notebooks print
conclusions computed from numbers with :func:`say`.

Tables are shown through :func:`display_table`: it renames the kit's result
columns by :data:`COLUMN_LABELS` and replaces categorical values (KANO
categories, IPA quadrants, invariance levels, ``True``/``False`` …) by their
wording, so that no identifier reaches a reader.  :func:`quality_issue` words
the data-quality notes of :func:`kitlib.load_survey`; :data:`CLI_TEXTS` holds
the wording of the ``kitlib`` command.

Example
-------
>>> from kitlib.i18n import Catalog, pick, text
>>> text({"zh": "差距", "en": "gap"}, "en")
'gap'
>>> words = Catalog({"n": {"zh": "{n} 人", "en": "{n} respondents"}})
>>> words("n", "zh", n=12)
'12 人'
>>> pick("zh", zh="银行", en="bank")
'银行'
>>> import pandas as pd
>>> display_table(pd.DataFrame({"alpha_ci_low": [0.81], "fong_significant": [True]}), "zh").columns.tolist()
['α 置信下限', 'Fong 检验显著']

References
----------
W3C (2006). *Internationalization Best Practices: Specifying Language in XHTML & HTML Content*.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from contextlib import contextmanager
from functools import cache

from kitlib.errors import OptionError

__all__ = ["ARGPARSE_ZH", "CLI_TEXTS", "COLUMN_LABELS", "LANGS", "QUALITY_ISSUES", "VALUE_LABELS", "Catalog", "argparse_wording", "argv_lang",
           "check_lang", "column_labels", "display_table", "locale_lang", "pick", "quality_issue", "say", "text", "value_labels"]

LANGS = ("zh", "en")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``; raise :class:`~kitlib.errors.OptionError` otherwise.

    Example
    -------
    >>> check_lang("zh")
    'zh'

    References
    ----------
    IETF BCP 47 (2009). *Tags for Identifying Languages* (``zh``, ``en``).
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise OptionError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang


def text(wording: Mapping[str, str], lang: str, **values) -> str:
    """The ``lang`` entry of a ``{"zh": ..., "en": ...}`` wording, formatted with ``values``.

    Example
    -------
    >>> text({"zh": "{k} 个组", "en": "{k} groups"}, "en", k=3)
    '3 groups'

    References
    ----------
    Python Software Foundation. ``str.format``.
    """
    chosen = wording[check_lang(lang)]
    return chosen.format(**values) if values else chosen


def pick(lang: str, zh: str, en: str) -> str:
    """The ``zh`` or ``en`` text, checking ``lang`` (for texts written where they are used).

    Example
    -------
    >>> pick("en", zh="银行", en="bank")
    'bank'

    References
    ----------
    W3C (2006). *Internationalization Best Practices*.
    """
    return zh if check_lang(lang) == "zh" else en


def say(lang: str, zh: str, en: str) -> None:
    """Display the Markdown text of ``lang`` in a notebook (f-strings of computed values).

    Example
    -------
    >>> say("en", zh="**差距**", en="**gap**")
    <IPython.core.display.Markdown object>

    References
    ----------
    IPython development team. ``IPython.display.Markdown``.
    """
    from IPython.display import Markdown, display

    display(Markdown(pick(lang, zh, en)))


class Catalog(Mapping):
    """Named wordings of one part of the kit; ``catalog(key, lang, **values)`` gives the text.

    Parameters
    ----------
    entries : mapping of str to {"zh": str, "en": str}
        Every entry must give both languages (checked here, so a missing
        translation fails at import, not in front of a reader).

    Example
    -------
    >>> words = Catalog({"hello": {"zh": "你好", "en": "hello"}})
    >>> words("hello", "en"), len(words)
    ('hello', 1)

    References
    ----------
    W3C (2006). *Internationalization Best Practices*.
    """

    def __init__(self, entries: Mapping[str, Mapping[str, str]]):
        incomplete = [key for key, wording in entries.items() if not all(isinstance(wording.get(lang), str) for lang in LANGS)]
        if incomplete:
            raise OptionError(f"wording(s) without both zh and en text: {', '.join(map(str, incomplete))}")
        self._entries = dict(entries)

    def __getitem__(self, key: str) -> Mapping[str, str]:
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, key: str, lang: str, **values) -> str:
        return text(self._entries[key], lang, **values)

    def merged(self, other: Mapping[str, Mapping[str, str]]) -> Catalog:
        """A catalog with the entries of both (``other`` wins on equal keys)."""
        return Catalog({**self._entries, **other})


# --------------------------------------------------------------------------- table labels

#: Display label of every result column the chapters, the report and the exercises show (``display_table``).
COLUMN_LABELS = Catalog({
    # reliability, items, CFA, validity, invariance
    "n": {"zh": "n", "en": "n"},
    "n_items": {"zh": "条目数", "en": "items"},
    "alpha": {"zh": "α", "en": "α"},
    "std_alpha": {"zh": "标准化 α", "en": "standardized α"},
    "alpha_ci_low": {"zh": "α 置信下限", "en": "α CI low"},
    "alpha_ci_high": {"zh": "α 置信上限", "en": "α CI high"},
    "omega_total": {"zh": "ω", "en": "ω"},
    "ordinal_alpha": {"zh": "有序 α", "en": "ordinal α"},
    "ordinal_omega_total": {"zh": "有序 ω", "en": "ordinal ω"},
    "r_drop": {"zh": "校正条目-总分相关", "en": "corrected item-total r"},
    "alpha_if_deleted": {"zh": "删除该条目后的 α", "en": "α if deleted"},
    "weak": {"zh": "弱条目", "en": "weak"},
    "dimension": {"zh": "维度", "en": "dimension"},
    "scale": {"zh": "量表", "en": "scale"},
    "factor": {"zh": "因子", "en": "factor"},
    "text": {"zh": "条目内容", "en": "item text"},
    "item": {"zh": "条目", "en": "item"},
    "E_item": {"zh": "期望条目", "en": "expectation item"},
    "P_item": {"zh": "感知条目", "en": "perception item"},
    "label": {"zh": "名称", "en": "name"},
    "unit": {"zh": "维度", "en": "dimension"},
    "chi2": {"zh": "χ²", "en": "χ²"},
    "df": {"zh": "自由度", "en": "df"},
    "dof": {"zh": "自由度", "en": "df"},
    "pvalue": {"zh": "p", "en": "p"},
    "p": {"zh": "p", "en": "p"},
    "cfi": {"zh": "CFI", "en": "CFI"},
    "tli": {"zh": "TLI", "en": "TLI"},
    "rmsea": {"zh": "RMSEA", "en": "RMSEA"},
    "rmsea_ci_low": {"zh": "RMSEA 置信下限", "en": "RMSEA CI low"},
    "rmsea_ci_high": {"zh": "RMSEA 置信上限", "en": "RMSEA CI high"},
    "srmr": {"zh": "SRMR", "en": "SRMR"},
    "baseline_chi2": {"zh": "基线模型 χ²", "en": "baseline χ²"},
    "baseline_df": {"zh": "基线模型自由度", "en": "baseline df"},
    "composite_reliability": {"zh": "组合信度 CR", "en": "composite reliability"},
    "ave": {"zh": "平均提取方差 AVE", "en": "AVE"},
    "sqrt_ave": {"zh": "√AVE", "en": "√AVE"},
    "max_shared_variance": {"zh": "最大共享方差", "en": "max shared variance"},
    "max_abs_corr": {"zh": "最大因子相关（绝对值）", "en": "max |factor correlation|"},
    "fornell_larcker": {"zh": "满足 Fornell–Larcker 准则", "en": "Fornell–Larcker met"},
    "level": {"zh": "不变性层级", "en": "invariance level"},
    "delta_chi2": {"zh": "Δχ²", "en": "Δχ²"},
    "delta_df": {"zh": "Δ自由度", "en": "Δdf"},
    "delta_cfi": {"zh": "ΔCFI", "en": "ΔCFI"},
    "delta_rmsea": {"zh": "ΔRMSEA", "en": "ΔRMSEA"},
    "delta_srmr": {"zh": "ΔSRMR", "en": "ΔSRMR"},
    "verdict": {"zh": "结论", "en": "verdict"},
    # gaps, scores, intervals, tests
    "E": {"zh": "期望 E", "en": "E"},
    "P": {"zh": "感知 P", "en": "P"},
    "gap": {"zh": "差距", "en": "gap"},
    "sd_gap": {"zh": "差距标准差", "en": "SD of gap"},
    "sd": {"zh": "标准差", "en": "SD"},
    "se": {"zh": "标准误", "en": "SE"},
    "t": {"zh": "t", "en": "t"},
    "ci_low": {"zh": "置信下限", "en": "CI low"},
    "ci_high": {"zh": "置信上限", "en": "CI high"},
    "d_z": {"zh": "效应量 d_z", "en": "d_z"},
    "mean": {"zh": "均值", "en": "mean"},
    "score": {"zh": "总分", "en": "overall score"},
    "score_0_100": {"zh": "得分（0–100）", "en": "score (0–100)"},
    "self_view_gap": {"zh": "自评差距", "en": "self-view gap"},
    "receivers_P": {"zh": "内部客户感知", "en": "receivers' P"},
    "self_P": {"zh": "自评感知", "en": "self-rated P"},
    "n_receivers": {"zh": "内部客户人数", "en": "n receivers"},
    "n_staff": {"zh": "自评人数", "en": "n staff"},
    "reverse": {"zh": "反向计分", "en": "reverse-keyed"},
    # KANO
    "feature": {"zh": "功能", "en": "feature"},
    "category": {"zh": "类别", "en": "category"},
    "kind": {"zh": "类别", "en": "category"},
    "A": {"zh": "魅力型", "en": "A"},
    "O": {"zh": "期望型", "en": "O"},
    "M": {"zh": "必备型", "en": "M"},
    "I": {"zh": "无差异型", "en": "I"},
    "R": {"zh": "反向型", "en": "R"},
    "Q": {"zh": "可疑结果", "en": "Q"},
    "better": {"zh": "满意影响 Better", "en": "Better"},
    "worse": {"zh": "不满影响 Worse", "en": "Worse"},
    "better_ci_low": {"zh": "Better 置信下限", "en": "Better CI low"},
    "better_ci_high": {"zh": "Better 置信上限", "en": "Better CI high"},
    "worse_ci_low": {"zh": "Worse 置信下限", "en": "Worse CI low"},
    "worse_ci_high": {"zh": "Worse 置信上限", "en": "Worse CI high"},
    "fong_difference": {"zh": "Fong 差值", "en": "Fong difference"},
    "fong_threshold": {"zh": "Fong 临界值", "en": "Fong threshold"},
    "fong_significant": {"zh": "Fong 检验显著", "en": "Fong significant"},
    "functional_score": {"zh": "正向题得分", "en": "functional score"},
    "dysfunctional_score": {"zh": "反向题得分", "en": "dysfunctional score"},
    # NPS, CSI, IPA, key drivers
    "nps": {"zh": "NPS", "en": "NPS"},
    "promoters": {"zh": "推荐者", "en": "promoters"},
    "passives": {"zh": "被动者", "en": "passives"},
    "detractors": {"zh": "贬损者", "en": "detractors"},
    "promoter_share": {"zh": "推荐者占比", "en": "promoter share"},
    "passive_share": {"zh": "被动者占比", "en": "passive share"},
    "detractor_share": {"zh": "贬损者占比", "en": "detractor share"},
    "csi": {"zh": "CSI", "en": "CSI"},
    "weight": {"zh": "权重", "en": "weight"},
    "contribution": {"zh": "对 CSI 的贡献", "en": "contribution to CSI"},
    "importance": {"zh": "重要性", "en": "importance"},
    "performance": {"zh": "表现", "en": "performance"},
    "quadrant": {"zh": "象限", "en": "quadrant"},
    "share": {"zh": "占 R² 比例", "en": "share of R²"},
    "raw": {"zh": "R² 贡献", "en": "contribution to R²"},
    "rank": {"zh": "排名", "en": "rank"},
    # waves
    "measure": {"zh": "指标", "en": "measure"},
    "wave": {"zh": "调查波次", "en": "wave"},
    "n_before": {"zh": "前一次 n", "en": "n before"},
    "wave_before": {"zh": "前一次", "en": "earlier wave"},
    "wave_after": {"zh": "后一次", "en": "later wave"},
    "n_after": {"zh": "后一次 n", "en": "n after"},
    "mean_before": {"zh": "前一次均值", "en": "mean before"},
    "mean_after": {"zh": "后一次均值", "en": "mean after"},
    "diff": {"zh": "变化", "en": "change"},
    "test": {"zh": "检验", "en": "test"},
    "significant": {"zh": "显著", "en": "significant"},
    "change": {"zh": "变化类别", "en": "change"},
    # groups, confidentiality, data quality, the report index
    "provider": {"zh": "服务部门", "en": "provider"},
    "department": {"zh": "业务部门", "en": "department"},
    "group_n": {"zh": "组人数", "en": "group n"},
    "suppressed": {"zh": "不予显示", "en": "suppressed"},
    "suppression": {"zh": "不显示的原因", "en": "why suppressed"},
    "column_kind": {"zh": "列类型", "en": "column kind"},
    "columns": {"zh": "列数", "en": "columns"},
    "row": {"zh": "行号", "en": "row"},
    "respondent": {"zh": "受访者", "en": "respondent"},
    "column": {"zh": "列", "en": "column"},
    "value": {"zh": "值", "en": "value"},
    "issue": {"zh": "问题", "en": "issue"},
    "action": {"zh": "处理", "en": "action"},
    "report": {"zh": "报告", "en": "report"},
    "status": {"zh": "状态", "en": "status"},
    "largest_gap": {"zh": "最大差距维度", "en": "largest gap"},
    "seconds": {"zh": "用时（秒）", "en": "time (s)"},
    "error": {"zh": "错误", "en": "error"},
})

_BOOLEANS = Catalog({"True": {"zh": "是", "en": "yes"}, "False": {"zh": "否", "en": "no"}})

#: Wordings of categorical values, by the column that holds them.  :func:`value_labels` adds the KANO
#: ``category``, the IPA ``quadrant`` and the ``suppression`` notes from the modules that define them.
VALUE_LABELS = {
    "score": Catalog({"unweighted": {"zh": "未加权", "en": "unweighted"},
                      "weighted": {"zh": "按重要性加权", "en": "importance-weighted"}}),
    "verdict": Catalog({"holds": {"zh": "成立", "en": "holds"}, "does not hold": {"zh": "不成立", "en": "does not hold"}}),
    "level": Catalog({
        "configural": {"zh": "形态（configural）", "en": "configural"},
        "metric": {"zh": "度量（metric，载荷相等）", "en": "metric (equal loadings)"},
        "scalar": {"zh": "标量（scalar，载荷与截距相等）", "en": "scalar (equal loadings and intercepts)"},
        "strict": {"zh": "严格（strict）", "en": "strict"},
    }),
    "change": Catalog({"improved": {"zh": "显著提高", "en": "improved"}, "declined": {"zh": "显著下降", "en": "declined"},
                       "steady": {"zh": "无显著变化", "en": "steady"}}),
    "test": Catalog({"Welch t": {"zh": "Welch t 检验", "en": "Welch t"}, "z (NPS)": {"zh": "z 检验（NPS）", "en": "z (NPS)"}}),
    "column_kind": Catalog({
        "id": {"zh": "受访者编号", "en": "respondent id"},
        "servqual_E": {"zh": "SERVQUAL 期望题", "en": "SERVQUAL expectations"},
        "servqual_P": {"zh": "SERVQUAL 感知题", "en": "SERVQUAL perceptions"},
        "kano_functional": {"zh": "KANO 正向题", "en": "KANO functional"},
        "kano_dysfunctional": {"zh": "KANO 反向题", "en": "KANO dysfunctional"},
        "importance": {"zh": "重要性分配", "en": "importance points"},
        "nps": {"zh": "推荐意愿（NPS）", "en": "likelihood to recommend (NPS)"},
        "overall": {"zh": "总体满意度", "en": "overall satisfaction"},
        "group": {"zh": "分组（部门）", "en": "group (unit)"},
        "wave": {"zh": "调查波次", "en": "survey wave"},
        "comment": {"zh": "开放式意见", "en": "free-text comment"},
    }),
    "action": Catalog({"excluded": {"zh": "已排除", "en": "excluded"}, "flagged": {"zh": "已标记", "en": "flagged"},
                       "recoded": {"zh": "已重新编码", "en": "recoded"}}),
    "status": Catalog({"ok": {"zh": "成功", "en": "ok"}, "failed": {"zh": "失败", "en": "failed"}}),
    "sentiment": Catalog({"positive": {"zh": "正面", "en": "positive"}, "neutral": {"zh": "中性", "en": "neutral"},
                          "negative": {"zh": "负面", "en": "negative"}}),
}


#: Value catalogs owned by the analysis modules: result column -> (module, catalog), imported only for a table
#: that has the column (the ``kitlib`` command's summary table needs none of them, nor scipy).
_OWNED_CATALOGS = {"category": ("kitlib.service.kano", "CATEGORY_LABELS"), "quadrant": ("kitlib.service.indices", "QUADRANTS"),
                   "suppression": ("kitlib.privacy", "SUPPRESSION_LABELS")}
#: Every result column with a value catalog.
_CATALOG_COLUMNS = frozenset(VALUE_LABELS) | frozenset(_OWNED_CATALOGS)


@cache
def _value_catalog(column: str) -> Catalog | None:
    """The value catalog of a result column (None when it has none); an analysis module's is imported on first use."""
    if column in VALUE_LABELS:
        return VALUE_LABELS[column]
    if column in _OWNED_CATALOGS:
        import importlib

        module, name = _OWNED_CATALOGS[column]
        return Catalog(getattr(importlib.import_module(module), name))
    return None


_PRIMARY_SUPPRESSION = re.compile(r"n<(\d+)")


def value_labels(column: str, lang: str) -> dict:
    """``{value: wording}`` of the categorical values a result column ``column`` holds (empty if none).

    Example
    -------
    >>> value_labels("category", "zh")["M"]
    '必备型'
    >>> value_labels("quadrant", "en")["concentrate"]
    'Concentrate here'

    References
    ----------
    Kano, N. et al. (1984). Attractive quality and must-be quality. *Hinshitsu*, 14(2), 39–48.
    """
    check_lang(lang)
    catalog = _value_catalog(column)
    return {value: catalog(value, lang) for value in catalog} if catalog else {}


def column_labels(lang: str) -> dict[str, str]:
    """``{column: label}`` of :data:`COLUMN_LABELS` in ``lang``.

    Example
    -------
    >>> column_labels("zh")["fong_significant"], column_labels("en")["alpha_ci_low"]
    ('Fong 检验显著', 'α CI low')

    References
    ----------
    W3C (2006). *Internationalization Best Practices*.
    """
    check_lang(lang)
    return {name: COLUMN_LABELS(name, lang) for name in COLUMN_LABELS}


def _is_bool(value) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def _value_label(column, value, lang: str):
    if _is_bool(value):
        return _BOOLEANS(str(bool(value)), lang)
    if column == "suppression" and isinstance(value, str) and _PRIMARY_SUPPRESSION.fullmatch(value):
        limit = _PRIMARY_SUPPRESSION.fullmatch(value).group(1)
        return pick(lang, f"少于 {limit} 人", f"fewer than {limit} respondents")
    return value_labels(column, lang).get(value, value) if isinstance(value, str) else value


def display_table(table, lang: str):
    """A copy of ``table`` for display: headers and categorical values in ``lang``, numbers untouched.

    Column names, index names and column-axis names found in :data:`COLUMN_LABELS`
    become their labels; values of categorical columns (and index levels) with a
    value catalog — KANO ``category``, IPA ``quadrant``, invariance ``level`` and
    ``verdict``, ``suppression``, ``score`` … — become their wording, and
    ``True``/``False`` become 是/否 (yes/no).  Unknown names (dimension labels,
    group labels) are kept.  Numeric columns keep their dtype, so pandas'
    formatting and a later ``.style.format`` still apply.

    Parameters
    ----------
    table : DataFrame or Series
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame

    Notes
    -----
    A value ``v`` of column ``c`` is shown as ``wording[c][v][lang]`` when that
    exists, a boolean ``b`` as ``{True: 是, False: 否}[b]``, anything else as is.

    Example
    -------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"category": ["M", "A"], "better": [0.13, 0.62], "fong_significant": [True, False]})
    >>> display_table(table, "zh").to_dict("list")
    {'类别': ['必备型', '魅力型'], '满意影响 Better': [0.13, 0.62], 'Fong 检验显著': ['是', '否']}

    References
    ----------
    W3C (2006). *Internationalization Best Practices*.
    """
    import pandas as pd

    check_lang(lang)
    shown = table.to_frame() if isinstance(table, pd.Series) else table.copy()
    for name in shown.columns:
        column = shown[name]
        if name in _CATALOG_COLUMNS or column.dtype == bool or (column.dtype == object and column.map(_is_bool).any()):
            shown[name] = column.map(lambda value, name=name: _value_label(name, value, lang)).astype(object)
    if isinstance(shown.index, pd.MultiIndex):
        shown.index = pd.MultiIndex.from_arrays(
            [[_value_label(level_name, value, lang) for value in shown.index.get_level_values(position)]
             for position, level_name in enumerate(shown.index.names)], names=shown.index.names)
    elif shown.index.name in _CATALOG_COLUMNS:
        shown.index = pd.Index([_value_label(shown.index.name, value, lang) for value in shown.index], name=shown.index.name)
    labels = column_labels(lang)

    def relabel(name):
        return labels.get(name, name) if isinstance(name, str) else name

    shown = shown.rename(columns=relabel)
    shown.index = shown.index.set_names([relabel(name) for name in shown.index.names])
    shown.columns = shown.columns.set_names([relabel(name) for name in shown.columns.names])
    return shown


# --------------------------------------------------------------------------- data-quality notes

#: The notes of :func:`kitlib.load_survey`'s quality report (``survey.quality["issue"]``): ``en`` is the text
#: the loader writes, with ``{placeholders}`` for its variable parts; ``zh`` says the same in Chinese.
QUALITY_ISSUES = Catalog({
    "declared_missing": {"en": "{count} answer(s) coded as missing (declared missing codes)",
                         "zh": "{count} 个答案按声明的缺失代码记为缺失"},
    "not_a_number_labels": {"en": "is not a number (expected values on the item's scale; the codebook's answer labels: {labels}; "
                                  "declare codes such as 不适用 under 'missing:' in the codebook)",
                            "zh": "不是数字（应为该题量表上的值；编码本的答案标签：{labels}；“不适用”等代码请在编码本的 missing: 下声明）"},
    "not_a_number": {"en": "is not a number (expected values on the item's scale; declare codes such as 不适用 under 'missing:' "
                           "in the codebook)",
                     "zh": "不是数字（应为该题量表上的值；“不适用”等代码请在编码本的 missing: 下声明）"},
    "not_whole": {"en": "is not a whole number; answers are scale points", "zh": "不是整数；答案应为量表上的分值"},
    "kano_range": {"en": "holds KANO codes outside 1..5 (1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike)",
                   "zh": "KANO 代码超出 1..5（1 喜欢、2 理应如此、3 无所谓、4 能忍受、5 不喜欢）"},
    "scale_range": {"en": "holds values outside the scale {low}..{high} (declare codes such as 99 under 'missing:')",
                    "zh": "有超出量表 {low}..{high} 的值（99 等代码请在 missing: 下声明）"},
    "variant_merged": {"en": "'{variant}' differs from '{target}' only by case, width, spaces or invisible characters; merged into it",
                       "zh": "“{variant}”与“{target}”只差大小写、全半角、空格或不可见字符；已合并"},
    "variant_flagged": {"en": "'{variant}' differs from '{target}' only by case, width, spaces or invisible characters; "
                              "set map_variants: true in the codebook to merge them",
                        "zh": "“{variant}”与“{target}”只差大小写、全半角、空格或不可见字符；在编码本中设 map_variants: true 即可合并"},
    "undeclared_value": {"en": "value is not among the codebook's declared labels for this column", "zh": "该值不在编码本为此列声明的取值中"},
    "empty_id": {"en": "respondent id is empty", "zh": "受访者编号为空"},
    "duplicate_for": {"en": "the same respondent appears more than once for the same {columns} (compared after trimming spaces and width)",
                      "zh": "同一受访者对同一 {columns} 出现多次（比较时已去掉空格并统一全半角）"},
    "duplicate": {"en": "the same respondent appears more than once (compared after trimming spaces and width)",
                  "zh": "同一受访者出现多次（比较时已去掉空格并统一全半角）"},
    "straight_lining": {"en": "same answer to every perception item (straight-lining)", "zh": "所有感知题答案相同（直线作答）"},
    "importance_total": {"en": "importance points do not add up to 100", "zh": "重要性分配合计不等于 100 分"},
    "missing_answers": {"en": "missing answers (kept; analyses drop them as needed)", "zh": "有漏答（保留该行；各分析按需剔除）"},
    "reverse_recoded": {"en": "reverse-keyed item recoded as min + max - x", "zh": "反向题已按 最小值 + 最大值 − x 重新计分"},
    "undescribed_column": {"en": "column not described in the codebook (kept as text)", "zh": "编码本中没有描述此列（按文本保留）"},
    "merged_cell": {"en": "merged cell: value only in the first cell", "zh": "合并单元格：只有第一个单元格有值"},
    "formula": {"en": "formula without a saved value; open and save the file in Excel", "zh": "公式没有保存的计算结果；请在 Excel 中打开并保存该文件"},
})


@cache
def _issue_patterns() -> list[tuple[str, re.Pattern]]:
    patterns = []
    for key in QUALITY_ISSUES:
        parts = re.split(r"\{(\w+)\}", QUALITY_ISSUES[key]["en"])
        regex = "".join(re.escape(part) if position % 2 == 0 else f"(?P<{part}>.+?)" for position, part in enumerate(parts))
        patterns.append((key, re.compile(regex)))
    return patterns


def quality_issue(issue: str, lang: str) -> str:
    """A data-quality note of ``survey.quality["issue"]`` in ``lang`` (:data:`QUALITY_ISSUES`).

    The loader's English note is matched against each entry's ``en`` template;
    its variable parts (values, column names, scale ends) are carried into the
    ``zh`` wording.  A note no entry describes is returned unchanged.

    Example
    -------
    >>> quality_issue("importance points do not add up to 100", "zh")
    '重要性分配合计不等于 100 分'
    >>> quality_issue("holds values outside the scale 1..7 (declare codes such as 99 under 'missing:')", "zh")
    '有超出量表 1..7 的值（99 等代码请在 missing: 下声明）'

    References
    ----------
    Van den Broeck, J. et al. (2005). Data cleaning: detecting, diagnosing, and editing data abnormalities.
    *PLoS Medicine*, 2(10), e267.
    """
    check_lang(lang)
    for key, pattern in _issue_patterns():
        found = pattern.fullmatch(issue)
        if found:
            return QUALITY_ISSUES(key, lang, **found.groupdict())
    return issue


# --------------------------------------------------------------------------- the command line


def locale_lang(environ: Mapping[str, str] | None = None) -> str:
    """``"zh"`` when the locale (``LC_ALL``, else ``LC_MESSAGES``, else ``LANG``) is Chinese, else ``"en"``.

    Example
    -------
    >>> locale_lang({"LANG": "zh_CN.UTF-8"}), locale_lang({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"})
    ('zh', 'en')

    References
    ----------
    IEEE Std 1003.1 (POSIX), *Locale*, §8.2 Internationalization variables.
    """
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return "zh" if environ[name].lower().startswith("zh") else "en"
    return "en"


#: Help texts and messages of the ``kitlib`` command (:mod:`kitlib.cli`).
CLI_TEXTS = Catalog({
    "description": {"zh": "内部服务满意度工具包。", "en": "Internal service satisfaction kit."},
    "lang": {"zh": "命令帮助与提示的语言（默认：按系统语言环境）", "en": "language of the command's help and messages (default: from the locale)"},
    "report": {"zh": "用 papermill 运行案例报告并生成 HTML", "en": "run the case reports with papermill and write HTML"},
    "case": {"zh": "要出报告的案例（可重复；默认：全部）", "en": "case to report (repeatable; default: all)"},
    "data": {"zh": "你自己的调查数据文件（CSV/XLSX），加入报告（可重复）",
             "en": "your own survey file (CSV/XLSX), added to the reports (repeatable)"},
    "codebook_of_data": {"zh": "--data 的编码本（默认：数据文件旁的 codebook.yaml）",
                         "en": "codebook of --data (default: codebook.yaml next to it)"},
    "by": {"zh": "每个服务部门或业务部门各出一份报告", "en": "one report per provider or department"},
    "out": {"zh": "输出文件夹（默认：reports）", "en": "output folder (default: reports)"},
    "workers": {"zh": "并行运行的 papermill 数（默认：CPU 核数）", "en": "parallel papermill runs (default: number of cores)"},
    "report_lang": {"zh": "报告语言（默认：zh）；也决定本命令提示的语言", "en": "report language (default: zh); also the language of this command's messages"},
    "format": {"zh": "html（隐藏代码、自包含）、pdf（A4，经无头 Chromium 生成）、html,pdf 或 ipynb",
               "en": "html (code hidden, self-contained), pdf (A4, through headless Chromium), html,pdf or ipynb"},
    "min_group_size": {"zh": "出报告的最小组人数（默认 5）", "en": "smallest group that is reported (default 5)"},
    "wave": {"zh": "每份报告只用某一次调查（波次）", "en": "restrict every report to one survey wave"},
    "param": {"zh": "其他笔记本参数（可重复），例如 alpha_level=0.01", "en": "further notebook parameter (repeatable), e.g. alpha_level=0.01"},
    "notebook": {"zh": "要运行的报告笔记本（默认：notebooks/report.ipynb）", "en": "report notebook to run (default: notebooks/report.ipynb)"},
    "fresh_kernels": {"zh": "每份报告从头启动新内核（默认：一个进程只导入一次分析库，为每个工作进程复制出常驻内核，报告之间重置）",
                      "en": "start a new kernel from scratch for every report (default: a warm kernel per worker, "
                            "forked from one process that imports the stack once, reset between reports)"},
    "scheduler": {"zh": "在 Dask 分布式集群上运行报告（例如 tcp://host:8786），而不是本机进程",
                  "en": "run the reports on a Dask distributed cluster (e.g. tcp://host:8786) instead of local workers"},
    "no_progress": {"zh": "不显示进度条", "en": "hide the progress bar"},
    "codebook": {"zh": "起草或检查编码本", "en": "draft or check a codebook"},
    "draft": {"zh": "从原始导出文件（CSV/XLSX/SPSS）起草带注释的编码本",
              "en": "draft a commented codebook from a raw export (CSV/XLSX/SPSS)"},
    "draft_file": {"zh": "原始调查导出文件", "en": "the raw survey export"},
    "draft_output": {"zh": "YAML 写到哪里（默认：直接打印）", "en": "where to write the YAML (default: print it)"},
    "check": {"zh": "检查编码本，也可同时检查数据文件", "en": "check a codebook, and optionally a data file against it"},
    "check_codebook": {"zh": "编码本 YAML", "en": "the codebook YAML"},
    "check_data": {"zh": "与编码本一起读入的数据文件", "en": "a data file to load with it"},
    "sheet": {"zh": "XLSX 工作表（名称或从 0 开始的序号）", "en": "XLSX sheet (name or 0-based position)"},
    "header_row": {"zh": "表头所在行号（从 1 开始），自动识别失败时使用",
                   "en": "row number of the header (1-based), if not found automatically"},
    "encoding": {"zh": "CSV 的文本编码，如果不是 UTF-8/UTF-16/GB18030（例如 big5）",
                 "en": "text encoding of a CSV, if not UTF-8/UTF-16/GB18030 (e.g. big5)"},
    "class_summary": {"zh": "教师视图：每道练习的通过情况和最常见的错误",
                      "en": "instructor's view: passes and most common mistakes per exercise"},
    "summary_folder": {"zh": "学员执行过的练习笔记本和/或 kitlib-checks.jsonl 文件所在的文件夹",
                       "en": "folder of participants' executed exercise notebooks and/or kitlib-checks.jsonl files"},
    "summary_lang": {"zh": "表格与图的语言（默认：zh）", "en": "language of the table and chart (default: zh)"},
    "summary_out": {"zh": "CSV 和 PNG 写到哪里（默认：FOLDER）", "en": "where to write the CSV and PNG (default: FOLDER)"},
    "summary_top": {"zh": "每道练习列出的错误数（默认 3）", "en": "mistakes listed per exercise (default 3)"},
    "exercises": {"zh": "课程练习", "en": "course exercises"},
    "release": {"zh": "生成学员版笔记本（去掉答案）", "en": "write the student notebooks (solutions removed)"},
    "release_out": {"zh": "学员版笔记本的文件夹", "en": "folder for the student notebooks"},
    "release_source": {"zh": "含答案的练习笔记本（默认：exercises/solutions）", "en": "solution notebooks (default: exercises/solutions)"},
    "release_check": {"zh": "不写文件；学员版过期时退出码为 1", "en": "write nothing; exit 1 if a student notebook is stale"},
    "progress": {"zh": "报告", "en": "reports"},
    "progress_unit": {"zh": "份", "en": "report"},
    # messages
    "bad_parameter": {"zh": "应为 NAME=VALUE，实际为 {text}", "en": "expected NAME=VALUE, got {text}"},
    "at_least_one": {"zh": "{option} 至少为 1", "en": "{option} must be at least 1"},
    "withheld": {"zh": "注意：{source}：{small} 个组少于 {min_n} 名受访者、{protection} 个组为防止相减反推出它们而隐藏，均不出报告",
                 "en": "note: {source}: no report for {small} group(s) with fewer than {min_n} respondents and {protection} group(s) "
                       "hidden to protect them against differencing"},
    "failed_report": {"zh": "失败 {report}：{error}", "en": "FAILED {report}: {error}"},
    "summary": {"zh": "{ok} 份成功，{failed} 份失败；索引：{index}", "en": "{ok} ok, {failed} failed; index: {index}"},
    "stopped": {"zh": "已停止（{reason}）；索引列出了已完成的报告", "en": "stopped ({reason}); the index lists what finished"},
    "wrote_codebook": {"zh": "已写入 {path}：{draft}", "en": "wrote {path}: {draft}"},
    "review": {"zh": "请复核：{note}", "en": "review: {note}"},
    "codebook_ok": {"zh": "正常：{book}；角色 {roles}", "en": "ok: {book}; roles {roles}"},
    "survey_ok": {"zh": "正常：{survey}；数据质量：{actions}", "en": "ok: {survey}; quality report: {actions}"},
    "out_of_date": {"zh": "已过期：{path}", "en": "out of date: {path}"},
    "wrote": {"zh": "已写入：{path}", "en": "wrote: {path}"},
})

#: Chinese wording of argparse's own texts (usage, headings, its error messages).
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "至多一个值",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可匹配 %(matches)s",
    "ignored explicit argument %r": "忽略了显式参数 %r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "需要参数 %s 之一",
    "can't open '%(filename)s': %(error)s": "无法打开 '%(filename)s'：%(error)s",
}


def argv_lang(argv) -> str | None:
    """The ``--lang`` value (``zh``/``en``) given anywhere in a command line, else ``None``.

    argparse needs the language before it builds the parser, so it is read ahead.

    Example
    -------
    >>> argv_lang(["report", "--case", "bank", "--lang=en"]), argv_lang(["--lang", "zh", "report"]), argv_lang(["report"])
    ('en', 'zh', None)

    References
    ----------
    Python Software Foundation. *argparse*.
    """
    tokens = list(argv)
    for position, token in enumerate(tokens):
        value = token.split("=", 1)[1] if token.startswith("--lang=") else (
            tokens[position + 1] if token == "--lang" and position + 1 < len(tokens) else None)
        if value in LANGS:
            return value
    return None


@contextmanager
def argparse_wording(lang: str):
    """Within the block, argparse writes its own texts (usage, headings, errors) in ``lang``.

    argparse looks its texts up through ``gettext`` at the moment it uses them;
    the block swaps in :data:`ARGPARSE_ZH` for ``"zh"`` and restores the lookup
    afterwards, so other code in the process is unaffected.

    Example
    -------
    >>> import argparse
    >>> with argparse_wording("zh"):
    ...     argparse.ArgumentParser(prog="kitlib").format_usage()
    '用法：kitlib [-h]\\n'

    References
    ----------
    Python Software Foundation. *argparse*; *gettext*.
    """
    import argparse

    check_lang(lang)
    original = argparse._
    if lang == "zh":
        argparse._ = lambda message: ARGPARSE_ZH.get(message, original(message))
    try:
        yield
    finally:
        argparse._ = original
