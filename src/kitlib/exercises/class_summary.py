"""The instructor's view: what the class got right, and which misconceptions to address tomorrow.

``kitlib class-summary FOLDER`` reads what the participants handed in, in either form:

* the JSON lines each ``check_*`` call appends when recording is on
  (``check_nps(..., record=True)`` or the ``KITLIB_RECORD`` environment variable;
  file ``kitlib-checks.jsonl``, see :func:`~kitlib.exercises.feedback.record_result`);
* executed exercise notebooks (``*.ipynb``): the output of every check cell.

A participant is the folder their files are in (relative to ``FOLDER``); files
directly in ``FOLDER`` count per recorded participant name (JSON) or per
notebook file.  For each exercise (each check) the summary counts the
participants who tried it, who **passed** (their last attempt was right) and,
per typical mistake, how many participants **made it at least once** — the
misconceptions, not the scores (graders such as nbgrader or otter score).
Where one participant has both JSON lines and a notebook for the same
exercise, the JSON lines (every attempt) are used.

Example
-------
>>> import tempfile, json
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "ana").mkdir()
>>> line = {"exercise": "nps", "correct": False, "mistakes": ["passives_as_promoters"]}
>>> _ = (folder / "ana" / "kitlib-checks.jsonl").write_text(json.dumps(line) + "\\n")
>>> summary = class_summary(folder)
>>> summary.table("en")[["exercise", "participants", "passed"]].to_dict("records")
[{'exercise': 'NPS (ex. 7)', 'participants': 1, 'passed': 0}]

References
----------
Black, P., & Wiliam, D. (1998). Assessment and classroom learning. *Assessment
in Education*, 5(1), 7–74.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kitlib.exercises.feedback import RECORD_FILE
from kitlib.i18n import Catalog, check_lang

__all__ = ["EXERCISE_NAMES", "MISTAKE_NAMES", "ClassSummary", "class_summary", "read_submissions"]

EXERCISE_NAMES = Catalog({
    "cleaning": {"zh": "数据清理（练习 1）", "en": "Cleaning (ex. 1)"},
    "gap": {"zh": "SERVQUAL 差距（练习 2）", "en": "SERVQUAL gap (ex. 2)"},
    "reliability": {"zh": "信度（练习 3）", "en": "Reliability (ex. 3)"},
    "factor_analysis": {"zh": "EFA/CFA（练习 4）", "en": "EFA/CFA (ex. 4)"},
    "kano": {"zh": "KANO 手工分类（练习 5）", "en": "KANO by hand (ex. 5)"},
    "better_worse": {"zh": "Better/Worse（练习 6）", "en": "Better/Worse (ex. 6)"},
    "nps": {"zh": "NPS（练习 7）", "en": "NPS (ex. 7)"},
    "csi": {"zh": "CSI（练习 7）", "en": "CSI (ex. 7)"},
    "ipa": {"zh": "IPA（练习 8）", "en": "IPA (ex. 8)"},
    "service_standard": {"zh": "服务标准与 PDCA（练习 9）", "en": "Service standard & PDCA (ex. 9)"},
    "theme_coding": {"zh": "意见主题编码（练习 10）", "en": "Theme coding (ex. 10)"},
    "sla": {"zh": "SLA 达成率（练习 11）", "en": "SLA attainment (ex. 11)"},
})
ORDER = list(EXERCISE_NAMES)

MISTAKE_NAMES = Catalog({
    "unanswered": {"zh": "未作答", "en": "not answered"},
    "not_mapping": {"zh": "答案形状不对（不是字典/表）", "en": "wrong answer shape (not a dict/table)"},
    "shape_index": {"zh": "Series 的索引不是维度名", "en": "Series index is not the dimension names"},
    "shape_columns": {"zh": "表里没有所需的列", "en": "table without the needed column"},
    "shape_rows": {"zh": "每个维度不止一行（没有筛选）", "en": "several rows per dimension (not filtered)"},
    "unknown_keys": {"zh": "键名无法识别", "en": "unrecognised keys"},
    "missing_keys": {"zh": "缺少维度/功能", "en": "dimensions/features missing"},
    "missing_part": {"zh": "缺少答案的某一部分", "en": "part of the answer missing"},
    "too_coarse": {"zh": "四舍五入过粗", "en": "rounded too coarsely"},
    "reverse_partial": {"zh": "只找到部分反向题", "en": "only some reverse items found"},
    "not_recoded": {"zh": "反向题未反向计分", "en": "reverse item not recoded"},
    "off_by_one": {"zh": "反向计分用了 7 − x", "en": "recoded as 7 − x"},
    "counted_rows": {"zh": "数的是行数不是人数", "en": "counted rows, not respondents"},
    "threshold_inclusive": {"zh": "把“< 5”当成“≤ 5”", "en": "used ≤ 5 instead of < 5"},
    "small_reversed": {"zh": "列出的是大部门", "en": "listed the large departments"},
    "reversed": {"zh": "差距算成 E − P", "en": "gap computed as E − P"},
    "perception_only": {"zh": "只用了感知值 P", "en": "perception only, no E"},
    "all_providers": {"zh": "没有筛选服务部门", "en": "all providers, not filtered"},
    "alpha_all_items": {"zh": "22 题合算一个 α", "en": "one alpha over all 22 items"},
    "alpha_expectations": {"zh": "用了期望值 E 题", "en": "alphas of the E items"},
    "alpha_not_recoded": {"zh": "α：反向题未反向计分", "en": "alpha: reverse item not recoded"},
    "weak_lowest_mean": {"zh": "把平均分最低当成弱题", "en": "lowest mean taken as weak item"},
    "weak_highest": {"zh": "选了最好的题", "en": "picked the best item"},
    "weak_not_recoded": {"zh": "弱题：反向题未反向计分", "en": "weak item: reverse item not recoded"},
    "n_kaiser": {"zh": "用特征值 > 1 规则定因子数", "en": "eigenvalue > 1 rule for factors"},
    "n_items": {"zh": "把题目数当因子数", "en": "number of items as factors"},
    "fit_chi2": {"zh": "只看卡方显著性", "en": "judged fit by chi-square p"},
    "fit_too_strict": {"zh": "拟合判断过严", "en": "fit judged too strictly"},
    "fit_direction": {"zh": "拟合指标方向读反", "en": "fit cut-offs read the wrong way"},
    "transposed": {"zh": "KANO 评价表看反（行列颠倒）", "en": "KANO table transposed"},
    "codes_reversed": {"zh": "选项编码读反", "en": "answer codes reversed"},
    "mo_swapped": {"zh": "M 与 O 混淆", "en": "M and O swapped"},
    "qr_confused": {"zh": "Q 与 R 混淆", "en": "Q and R confused"},
    "worse_sign": {"zh": "Worse 没取负号", "en": "Worse without its minus sign"},
    "with_rq": {"zh": "分母多算了 R、Q", "en": "R and Q in the denominator"},
    "first_by_better": {"zh": "按 Better 选先改进项", "en": "improve-first chosen by Better"},
    "first_smallest_worse": {"zh": "选了 Worse 最接近 0 的", "en": "picked the Worse closest to 0"},
    "passives_as_promoters": {"zh": "7–8 分算成推荐者", "en": "7–8 counted as promoters"},
    "passives_as_detractors": {"zh": "7–8 分算成贬损者", "en": "7–8 counted as detractors"},
    "seven_as_detractor": {"zh": "0–7 分算成贬损者", "en": "0–7 counted as detractors"},
    "eight_as_promoter": {"zh": "8–10 分算成推荐者", "en": "8–10 counted as promoters"},
    "proportion": {"zh": "NPS 没乘以 100", "en": "NPS as a proportion"},
    "mean_score": {"zh": "把平均分当 NPS", "en": "mean score as NPS"},
    "promoters_only": {"zh": "只算了推荐者", "en": "promoters only"},
    "divided_by_max": {"zh": "CSI 除以 7", "en": "CSI divided by 7"},
    "not_rescaled": {"zh": "CSI 没换算到 0–100", "en": "CSI not rescaled to 0–100"},
    "equal_weights": {"zh": "CSI 用了等权重", "en": "CSI with equal weights"},
    "weights_not_normalized": {"zh": "权重没换成比例", "en": "weights not normalised"},
    "axes_swapped": {"zh": "IPA 轴颠倒", "en": "IPA axes swapped"},
    "midpoint_cut": {"zh": "以量表中点为分界", "en": "split at the scale midpoint"},
    "priority_overkill": {"zh": "把过度投入当优先", "en": "overkill as priority"},
    "priority_lowest_performance": {"zh": "只看表现最低", "en": "lowest performance only"},
    "focus_lowest_p": {"zh": "按 P 最低选重点", "en": "focus by lowest P"},
    "focus_smallest_gap": {"zh": "选了差距最小的维度", "en": "picked the smallest gap"},
    "focus_wrong_wave": {"zh": "用了两轮数据选重点", "en": "focus from both waves"},
    "baseline_expectation": {"zh": "基线用了 E", "en": "baseline from E"},
    "baseline_gap": {"zh": "基线用了差距", "en": "baseline as the gap"},
    "target_not_above": {"zh": "目标不高于基线", "en": "target not above baseline"},
    "target_off_scale": {"zh": "目标超出量表", "en": "target off the scale"},
    "check_before_do": {"zh": "先检查后执行", "en": "Check before Do"},
    "act_first": {"zh": "把处理放在第一步", "en": "Act first"},
    "change_reversed": {"zh": "变化的符号反了", "en": "change sign flipped"},
    "change_perception_only": {"zh": "只看 P 的变化", "en": "change in P only"},
    "change_all_providers": {"zh": "变化用了全部部门", "en": "change over all providers"},
    "zh_only": {"zh": "只用了中文关键词", "en": "Chinese keywords only"},
    "wildcard_literal": {"zh": "把 * 当成普通字符", "en": "* read literally"},
    "case_sensitive": {"zh": "英文关键词区分了大小写", "en": "English keywords case-sensitive"},
    "one_theme_per_comment": {"zh": "每条意见只归一个主题", "en": "one theme per comment"},
    "share_of_respondents": {"zh": "占比除以了人数", "en": "shares of respondents"},
    "share_of_mentions": {"zh": "占比除以了提及次数", "en": "shares of mentions"},
    "share_percent": {"zh": "占比写成了百分数", "en": "shares in %"},
    "threshold_five": {"zh": "意见门槛用了 5 人", "en": "comment threshold of 5"},
    "threshold_exclusive": {"zh": "把“≥ 10”当成“> 10”", "en": "used > 10 instead of ≥ 10"},
    "small_listed": {"zh": "列出了应隐藏的部门", "en": "hidden departments listed"},
    "negation_ignored": {"zh": "忽略了否定词", "en": "negation ignored"},
    "contrast_ignored": {"zh": "忽略了转折", "en": "contrast ignored"},
    "quote_phone": {"zh": "引语含电话号码", "en": "quote with a phone number"},
    "quote_email": {"zh": "引语含邮箱", "en": "quote with an e-mail address"},
    "quote_name": {"zh": "引语含名单上的姓名", "en": "quote with a roster name"},
    "quote_withheld_group": {"zh": "引语来自应隐藏的部门", "en": "quote from a hidden department"},
    "quote_wrong_theme": {"zh": "引语与主题不符", "en": "quote off the theme"},
    "open_counted": {"zh": "分母多算了未到时限的未结工单", "en": "open tickets not yet due counted"},
    "open_dropped": {"zh": "漏掉了已超时的未结工单", "en": "overdue open tickets dropped"},
    "response_resolution_swapped": {"zh": "响应与解决混淆", "en": "response and resolution swapped"},
    "mean_not_median": {"zh": "用了平均值而非中位数", "en": "mean instead of median"},
    "median_response": {"zh": "中位数用了响应时间", "en": "median of response times"},
    "sign_flipped": {"zh": "差值符号反了", "en": "sign flipped"},
    "response_standard": {"zh": "用了响应标准", "en": "response standard used"},
    "sd_of_all": {"zh": "效应量用了全部评分的标准差", "en": "SD of all ratings, not pooled"},
    "pearson": {"zh": "用了 Pearson 而非 Spearman", "en": "Pearson instead of Spearman"},
    "other": {"zh": "其他错误（无典型模式）", "en": "other (no typical pattern)"},
})

WORDS = Catalog({
    "exercise": {"zh": "练习", "en": "exercise"},
    "participants": {"zh": "参与人数", "en": "participants"},
    "passed": {"zh": "通过", "en": "passed"},
    "not_yet": {"zh": "未通过", "en": "not yet"},
    "top": {"zh": "最常见的错误（人数）", "en": "most common mistakes (participants)"},
    "title": {"zh": "全班练习情况：通过人数与最常见的错误", "en": "Class summary: passes and most common mistakes"},
    "mistakes_title": {"zh": "最常见的错误（犯过的人数）", "en": "Most common mistakes (participants who made them)"},
    "none": {"zh": "还没有任何提交", "en": "no submissions yet"},
})

_REPR = re.compile(r"CheckResult\(exercise='(?P<exercise>[^']*)', correct=(?P<correct>True|False), mistakes=(?P<mistakes>\[[^\]]*\])\)")


def mistake_name(mistake: str, lang: str) -> str:
    """Short name of a mistake id (the id itself if it has none)."""
    return MISTAKE_NAMES(mistake, lang) if mistake in MISTAKE_NAMES else mistake


def exercise_name(exercise: str, lang: str) -> str:
    return EXERCISE_NAMES(exercise, lang) if exercise in EXERCISE_NAMES else exercise


def _participant(path: Path, folder: Path, fallback: str) -> str:
    relative = path.parent.relative_to(folder)
    return relative.as_posix() if relative.parts else fallback


def _from_jsonl(path: Path, folder: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or "exercise" not in record:
            continue
        rows.append({
            "participant": _participant(path, folder, str(record.get("participant") or path.stem)),
            "exercise": str(record["exercise"]), "correct": bool(record.get("correct")),
            "mistakes": [str(m) for m in record.get("mistakes") or []], "source": "json",
            "file": path.relative_to(folder).as_posix(), "order": number,
        })
    return rows


def _from_notebook(path: Path, folder: Path) -> list[dict]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return []
    rows = []
    for number, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain", "")
            text = "".join(plain) if isinstance(plain, list) else str(plain)
            match = _REPR.search(text)
            if match:
                rows.append({
                    "participant": _participant(path, folder, path.stem),
                    "exercise": match["exercise"], "correct": match["correct"] == "True",
                    "mistakes": [str(m) for m in ast.literal_eval(match["mistakes"])], "source": "notebook",
                    "file": path.relative_to(folder).as_posix(), "order": number,
                })
    return rows


def read_submissions(folder) -> pd.DataFrame:
    """Every recorded check attempt under ``folder``: one row per attempt.

    Returns
    -------
    DataFrame
        ``participant, exercise, correct, mistakes (list), source ("json"/"notebook"), file, order``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    rows = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # .ipynb_checkpoints and the like
        if path.suffix == ".jsonl" or path.name == RECORD_FILE:
            rows += _from_jsonl(path, folder)
        elif path.suffix == ".ipynb":
            rows += _from_notebook(path, folder)
    frame = pd.DataFrame(rows, columns=["participant", "exercise", "correct", "mistakes", "source", "file", "order"])
    if frame.empty:
        return frame
    # where a participant has JSON lines for an exercise, those (every attempt) replace the notebook outputs
    has_json = set(map(tuple, frame.loc[frame["source"] == "json", ["participant", "exercise"]].to_numpy()))
    keep = [row.source == "json" or (row.participant, row.exercise) not in has_json for row in frame.itertuples()]
    return frame[keep].reset_index(drop=True)


@dataclass
class ClassSummary:
    """Per exercise: participants, passes and mistakes (see :func:`class_summary`)."""

    attempts: pd.DataFrame

    def _exercises(self) -> list[str]:
        present = list(dict.fromkeys(self.attempts["exercise"])) if len(self.attempts) else []
        return [e for e in ORDER if e in present] + sorted(e for e in present if e not in ORDER)

    def passes(self) -> pd.DataFrame:
        """``exercise, participants, passed, not_yet`` (passed = last attempt right)."""
        rows = []
        for exercise in self._exercises():
            mine = self.attempts[self.attempts["exercise"] == exercise]
            last = mine.groupby("participant").tail(1)
            rows.append({"exercise": exercise, "participants": int(last["participant"].nunique()),
                         "passed": int(last["correct"].sum()), "not_yet": int((~last["correct"]).sum())})
        return pd.DataFrame(rows, columns=["exercise", "participants", "passed", "not_yet"])

    def mistakes(self) -> pd.DataFrame:
        """``exercise, mistake, participants``: how many participants made each mistake at least once, most common first.

        A wrong attempt that matches no typical mistake counts as ``other``.
        """
        rows = []
        for exercise in self._exercises():
            mine = self.attempts[self.attempts["exercise"] == exercise]
            made: dict[str, set] = {}
            for row in mine.itertuples():
                ids = list(row.mistakes) or ([] if row.correct else ["other"])
                for mistake in ids:
                    made.setdefault(mistake, set()).add(row.participant)
            for mistake, people in made.items():
                rows.append({"exercise": exercise, "mistake": mistake, "participants": len(people)})
        frame = pd.DataFrame(rows, columns=["exercise", "mistake", "participants"])
        if frame.empty:
            return frame
        frame["rank"] = frame["exercise"].map({e: i for i, e in enumerate(self._exercises())})
        frame = frame.sort_values(["rank", "participants", "mistake"], ascending=[True, False, True])
        return frame.drop(columns="rank").reset_index(drop=True)

    def table(self, lang: str = "zh", top: int = 3) -> pd.DataFrame:
        """The instructor's table: exercise, participants, passed, not yet, and the ``top`` mistakes with counts."""
        check_lang(lang)
        passes, mistakes = self.passes(), self.mistakes()
        top_text = []
        for exercise in passes["exercise"]:
            mine = mistakes[(mistakes["exercise"] == exercise) & (mistakes["mistake"] != "unanswered")].head(top)
            top_text.append("; ".join(f"{mistake_name(m, lang)} ({n})" for m, n in zip(mine["mistake"], mine["participants"])))
        table = passes.assign(exercise=[exercise_name(e, lang) for e in passes["exercise"]], top=top_text)
        return table

    def display_table(self, lang: str = "zh", top: int = 3) -> pd.DataFrame:
        """:meth:`table` with headings in ``lang``."""
        names = {key: WORDS(key, lang) for key in ("exercise", "participants", "passed", "not_yet", "top")}
        return self.table(lang, top).rename(columns=names)

    def plot(self, lang: str = "zh", top: int = 3):
        """Two panels: passed / not yet per exercise, and the most common mistakes per exercise."""
        import matplotlib.pyplot as plt

        from kitlib.plot.theme import PALETTE, set_theme

        check_lang(lang)
        set_theme()
        passes = self.passes()
        mistakes = self.mistakes()
        mistakes = mistakes[mistakes["mistake"] != "unanswered"].groupby("exercise", sort=False).head(top)
        height = max(3.0, 0.45 * max(len(passes), len(mistakes)) + 1.2)
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, height), gridspec_kw={"width_ratios": [1, 1.4]})
        labels = [exercise_name(e, lang) for e in passes["exercise"]][::-1]
        left.barh(labels, passes["passed"][::-1], color=PALETTE["positive"], label=WORDS("passed", lang))
        left.barh(labels, passes["not_yet"][::-1], left=passes["passed"][::-1], color=PALETTE["negative"], label=WORDS("not_yet", lang))
        left.set_xlabel(WORDS("participants", lang))
        left.legend(loc="lower right", fontsize=8)
        left.set_title(WORDS("title", lang), fontsize=10)
        if len(mistakes):
            names = [f"{exercise_name(e, lang)} · {mistake_name(m, lang)}" for e, m in zip(mistakes["exercise"], mistakes["mistake"])][::-1]
            right.barh(names, mistakes["participants"][::-1], color=PALETTE["highlight"])
            for y, n in enumerate(mistakes["participants"][::-1]):
                right.annotate(str(int(n)), (n, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
        else:
            right.text(0.5, 0.5, WORDS("none", lang), ha="center", va="center", transform=right.transAxes)
        right.set_xlabel(WORDS("participants", lang))
        right.set_title(WORDS("mistakes_title", lang), fontsize=10)
        figure.tight_layout()
        return figure


def class_summary(folder) -> ClassSummary:
    """Read every submission under ``folder`` (:func:`read_submissions`) into a :class:`ClassSummary`."""
    return ClassSummary(read_submissions(folder))


def main(folder, lang: str = "zh", out=None, top: int = 3) -> int:
    """``kitlib class-summary FOLDER``: print the table, write it as CSV and the chart as PNG."""
    summary = class_summary(folder)
    if summary.attempts.empty:
        print(f"{WORDS('none', lang)}: {folder}")
        return 1
    table = summary.display_table(lang, top)
    print(table.to_string(index=False))
    out = Path(out) if out else Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / f"class-summary-{lang}.csv", index=False, encoding="utf-8-sig")
    summary.mistakes().assign(name=lambda t: [mistake_name(m, lang) for m in t["mistake"]]).to_csv(
        out / f"class-mistakes-{lang}.csv", index=False, encoding="utf-8-sig")
    figure = summary.plot(lang, top)
    figure.savefig(out / f"class-summary-{lang}.png", dpi=120)
    import matplotlib.pyplot as plt

    plt.close(figure)
    print(f"wrote {out / f'class-summary-{lang}.csv'}, {out / f'class-summary-{lang}.png'}")
    return 0
