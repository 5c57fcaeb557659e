"""Issue 15: checks that accept what is right and say what is wrong, tiered hints, the class summary, the student release.

Mistaken answers are built with plain pandas from the case data, the way a participant would make them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import kitlib as kl
from kitlib.exercises import CheckResult, check_gap, check_kano, check_nps, check_reliability
from kitlib.exercises.class_summary import class_summary, read_submissions
from kitlib.exercises.kano import classify, exercise_pairs
from kitlib.exercises.student_release import solution_lines
from kitlib.formatting import format_count, format_p, mark_reverse_items

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
LANGS = pytest.mark.parametrize("lang", ["zh", "en"])


def assert_hint(result: CheckResult, mistake: str, lang: str) -> None:
    __tracebackhide__ = True
    assert not result.correct and mistake in result.mistakes, str(result)
    message = next(f.message for f in result.findings if f.mistake == mistake)
    assert bool(CJK.search(message)) == (lang == "zh"), message


@pytest.fixture(scope="module")
def scores(case):
    return case("bank").filter(provider="Operations Centre").data["nps"].dropna()


def share(mask):
    return 100 * mask.mean()


# ---------------------------------------------------------------- tolerance matched to the precision asked
@LANGS
def test_nps_rounded_as_people_write_it_is_right_and_the_tolerance_is_stated(scores, lang):
    exact = share(scores >= 9) - share(scores <= 6)
    for written in (exact, round(exact, 1), round(exact)):
        result = check_nps(written, scores, lang=lang)
        assert result.correct, (written, str(result))
        assert "±0.5" in result.findings[0].message
    assert not check_nps(exact + 1.0, scores, lang=lang).correct


@LANGS
def test_nps_zero_to_seven_as_detractors_gets_its_own_hint(scores, lang):
    assert_hint(check_nps(share(scores >= 9) - share(scores <= 7), scores, lang), "seven_as_detractor", lang)
    assert_hint(check_nps(share(scores >= 8) - share(scores <= 6), scores, lang), "eight_as_promoter", lang)


def gaps_by_hand(data, book):
    gaps = {}
    for dimension, e_item, p_item in book.servqual_pairs():
        gaps.setdefault(dimension, []).append(data[p_item].mean() - data[e_item].mean())
    return pd.Series({d: np.mean(v) for d, v in gaps.items()})


@LANGS
def test_gap_rounded_to_one_decimal_and_keyed_by_names_is_right(lang, case):
    survey = case("it_firm")
    right = gaps_by_hand(survey.filter(provider="IT Support").data, survey.codebook)
    for keys in ("zh", "en"):
        answer = {survey.codebook.label(d, keys): round(v, 1) for d, v in right.items()}
        result = check_gap(answer, survey, "IT Support", lang=lang)
        assert result.correct, str(result)
        assert "0.05" in result.findings[0].message
    answer = {d.upper(): v for d, v in right.items()}
    assert check_gap(answer, survey, "IT Support", lang=lang).correct
    assert_hint(check_gap(right.round(0), survey, "IT Support", lang), "too_coarse", lang)


@LANGS
def test_gap_shapes_people_give(lang, case):
    survey = case("it_firm")
    result = kl.servqual_gaps(survey.filter(provider="IT Support"))
    assert check_gap(result, survey, "IT Support", lang=lang).correct
    assert check_gap(result.dimensions, survey, "IT Support", lang=lang).correct
    assert check_gap(result.dimensions.set_index("dimension")["gap"], survey, "IT Support", lang=lang).correct
    natural = check_gap(result.dimensions["gap"], survey, "IT Support", lang=lang)  # RangeIndex
    assert_hint(natural, "shape_index", lang)
    assert "set_index" in natural.findings[0].message and "tangibles" not in natural.findings[0].message.lower()
    unknown = check_gap({"Tangible": -0.3, "Reliabilty": -0.2}, survey, "IT Support", lang)
    assert unknown.mistakes == ["unknown_keys"]  # the message lists the Chinese and English names in both languages
    assert ("不是维度的名称" if lang == "zh" else "is not a dimension name") in unknown.findings[0].message
    assert_hint(check_gap({"tangibles": -0.3}, survey, "IT Support", lang), "missing_keys", lang)
    assert_hint(check_gap(kl.servqual_gaps(survey, by="provider"), survey, "IT Support", lang), "shape_rows", lang)
    table = kl.reliability(survey.data, survey.codebook.servqual_model("P"))
    assert_hint(check_gap(table, survey, "IT Support", lang), "shape_columns", lang)


@LANGS
def test_reliability_table_is_read_as_the_alphas(lang, case):
    survey = case("manufacturer")
    table = kl.reliability(survey.data, survey.codebook.servqual_model("P"))
    result = check_reliability(table, survey, lang=lang)
    alpha = next(f for f in result.findings if f.part == "alpha")
    assert alpha.ok, str(result)
    weak = next(f for f in result.findings if f.part == "weak_item")
    assert not weak.ok and "weak_item" in weak.message  # the missing part is named, not "no alpha"
    rounded = {"alpha": table["alpha"].round(2), "weak_item": "P03"}
    assert next(f for f in check_reliability(rounded, survey, lang=lang).findings if f.part == "alpha").ok
    assert_hint(check_reliability({"alpha": table["alpha"].round(1), "weak_item": "P03"}, survey, lang), "too_coarse", lang)
    assert_hint(check_reliability({"alpha": table["alpha"].reset_index(drop=True), "weak_item": "P03"}, survey, lang),
                "shape_index", lang)


# ---------------------------------------------------------------- tiered hints, never the answer before an attempt
@LANGS
def test_hints_are_revealed_one_tier_at_a_time(scores, lang):
    wrong = 12345.0 / 1000  # no typical mistake
    shown = []
    for level in range(4):
        result = check_nps(wrong, scores, lang=lang, hint_level=level)
        shown.append(result.shown_hints(result.findings[0]))
        assert len(shown[-1]) == level
        assert all(bool(CJK.search(h)) == (lang == "zh") for h in shown[-1])
        if level < 3:
            assert "hint_level=" + str(level + 1) in str(result)
    assert shown[3][:2] == shown[2] and shown[2][:1] == shown[1]
    expected = share(scores >= 9) - share(scores <= 6)
    for level in range(4):  # no tier ever prints the NPS itself
        assert f"{expected:.1f}" not in str(check_nps(wrong, scores, lang=lang, hint_level=level))
    with pytest.raises(kl.KitError):
        check_nps(1.0, scores, hint_level=4)


@LANGS
def test_no_worked_step_before_an_attempt(lang, case):
    survey = case("it_firm")
    result = check_gap(None, survey, "IT Support", lang=lang, hint_level=3)
    hints = result.shown_hints(result.findings[0])
    assert result.mistakes == ["unanswered"] and len(hints) == 3
    right = gaps_by_hand(survey.filter(provider="IT Support").data, survey.codebook)
    assert not any(f"{v:.2f}" in " ".join(hints) for v in right)
    attempted = check_gap(-right, survey, "IT Support", lang=lang, hint_level=3)
    assert f"{right.iloc[0]:.2f}" in attempted.shown_hints(attempted.findings[0])[2]


# ---------------------------------------------------------------- KANO by hand
@pytest.mark.parametrize("name", kl.CASES)
def test_kano_exercise_pairs_cover_all_six_categories(name, case):
    survey = case(name)
    for feature in survey.codebook.kano_pairs():
        pairs = exercise_pairs(survey, feature, n=12)
        assert len(pairs) == 12
        assert set(classify(pairs["functional"], pairs["dysfunctional"])) == set("AOMIRQ")


@LANGS
def test_kano_hints_name_pairs_but_not_their_categories(lang, case):
    pairs = exercise_pairs(case("it_firm"), "F03")
    right = list(classify(pairs["functional"], pairs["dysfunctional"]))
    guess = ["I" if c != "I" else "A" for c in right]
    result = check_kano(guess, pairs, lang=lang, hint_level=2)
    text = str(result)
    assert "→" not in text.split("\n", 1)[1].replace("      →", "")  # no "(f, d) → category" line
    assert all(f"#{i + 1}" in text for i, (g, r) in enumerate(zip(guess, right)) if g != r)
    worked = check_kano(guess, pairs, lang=lang, hint_level=3)
    step = worked.shown_hints(worked.findings[0])[2]
    assert right[0] in step  # the worked step shows one pair, after an attempt


@LANGS
def test_kano_q_and_r_by_hand(lang):
    pairs = [(1, 1), (5, 5), (5, 1), (2, 1), (1, 5), (2, 5)]
    assert check_kano(["Q", "Q", "R", "R", "O", "M"], pairs, lang=lang).correct
    assert_hint(check_kano(["R", "R", "Q", "Q", "O", "M"], pairs, lang=lang), "qr_confused", lang)


# ---------------------------------------------------------------- recording and the class summary
MISTAKES = {  # (exercise, mistake) -> how to make it; None = right
    "nps": ["passives_as_promoters", "seven_as_detractor", "proportion", None],
    "gap": ["reversed", "perception_only", "not_recoded", None],
}


def nps_answer(scores, mistake):
    return {
        None: share(scores >= 9) - share(scores <= 6),
        "passives_as_promoters": share(scores >= 7) - share(scores <= 6),
        "seven_as_detractor": share(scores >= 9) - share(scores <= 7),
        "proportion": (share(scores >= 9) - share(scores <= 6)) / 100,
    }[mistake]


def gap_answer(survey, mistake):
    data = survey.filter(provider="IT Support").data
    book = survey.codebook
    if mistake == "not_recoded":
        data = data.copy()
        data[["E13", "P13"]] = 8 - data[["E13", "P13"]]
    right = gaps_by_hand(data, book)
    return {None: right, "not_recoded": right, "reversed": -right,
            "perception_only": pd.Series({d: data[i].mean().mean() for d, i in book.servqual_model("P").items()})}[mistake]


def test_a_simulated_class_of_thirty_gives_matching_counts(tmp_path, scores, case, monkeypatch):
    survey = case("it_firm")
    rng = np.random.default_rng(15)
    expected_pass = {"nps": 0, "gap": 0}
    expected_mistakes: dict[tuple[str, str], int] = {}
    for number in range(30):
        folder = tmp_path / "class" / f"p{number:02d}"
        folder.mkdir(parents=True)
        for exercise, options in MISTAKES.items():
            attempts = [options[i] for i in rng.integers(0, len(options), size=int(rng.integers(1, 4)))]
            as_notebook = number % 3 == 0  # a third hand in executed notebooks (last attempt only) instead of JSON lines
            for mistake in set(m for m in (attempts[-1:] if as_notebook else attempts) if m):
                expected_mistakes[(exercise, mistake)] = expected_mistakes.get((exercise, mistake), 0) + 1
            expected_pass[exercise] += attempts[-1] is None
            if as_notebook:  # a third hand in executed notebooks instead of JSON lines
                cells = []
                for mistake in attempts[-1:]:
                    result = (check_nps(nps_answer(scores, mistake), scores, lang="en") if exercise == "nps"
                              else check_gap(gap_answer(survey, mistake), survey, "IT Support", lang="en"))
                    cell = nbformat.v4.new_code_cell("check(...)")
                    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": repr(result)}, execution_count=1)]
                    cells.append(cell)
                nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / f"{exercise}.ipynb")
                continue
            for mistake in attempts:
                if exercise == "nps":
                    check_nps(nps_answer(scores, mistake), scores, lang="zh", record=folder)
                else:
                    check_gap(gap_answer(survey, mistake), survey, "IT Support", lang="zh", record=folder)
    summary = class_summary(tmp_path / "class")
    passes = summary.passes().set_index("exercise")
    for exercise in MISTAKES:
        assert passes.loc[exercise, "participants"] == 30
        assert passes.loc[exercise, "passed"] == expected_pass[exercise]
    counts = summary.mistakes().set_index(["exercise", "mistake"])["participants"].to_dict()
    assert counts == expected_mistakes
    for lang in ("zh", "en"):
        table = summary.table(lang)
        assert list(table["participants"]) == [30, 30]
        top = table.set_index(table.index)["top"].iloc[0]
        assert bool(CJK.search(top)) == (lang == "zh")
        figure = summary.plot(lang)
        assert len(figure.axes) == 2
    monkeypatch.setenv("KITLIB_RECORD", str(tmp_path / "env"))
    check_nps(0.0, scores)
    assert json.loads((tmp_path / "env" / "kitlib-checks.jsonl").read_text())["exercise"] == "nps"


def test_record_lines_hold_no_answer(tmp_path, scores):
    check_nps(share(scores >= 9) - share(scores <= 6), scores, record=tmp_path / "r.jsonl")
    line = json.loads((tmp_path / "r.jsonl").read_text())
    assert set(line) == {"exercise", "correct", "mistakes", "parts", "lang", "hint_level", "participant", "time"}
    assert read_submissions(tmp_path)["correct"].tolist() == [True]


def test_class_summary_command(tmp_path, scores):
    (tmp_path / "ana").mkdir()
    check_nps(share(scores >= 7) - share(scores <= 6), scores, record=tmp_path / "ana")
    done = subprocess.run([sys.executable, "-m", "kitlib.cli", "class-summary", str(tmp_path), "--lang", "en",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "7–8 counted as promoters (1)" in done.stdout
    assert (tmp_path / "out" / "class-summary-en.png").stat().st_size > 0
    empty = subprocess.run([sys.executable, "-m", "kitlib.cli", "class-summary", str(tmp_path / "out")], capture_output=True, text=True)
    assert empty.returncode == 1


# ---------------------------------------------------------------- student release
def test_exercises_release_command_writes_notebooks_without_solution_text(tmp_path):
    solutions = ROOT / "exercises" / "solutions"
    done = subprocess.run([sys.executable, "-m", "kitlib.cli", "exercises", "release", str(tmp_path / "student"),
                           "--source", str(solutions)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = sorted((tmp_path / "student").glob("*.ipynb"))
    assert len(written) == 11
    for path in written:
        source = nbformat.read(solutions / path.name, as_version=4)
        answers = {line.strip() for cell in source.cells if "solution" in cell.metadata.get("tags", [])
                   for line in solution_lines(cell.source) if line.strip()}
        shown = path.read_text(encoding="utf-8")
        notebook = nbformat.read(path, as_version=4)
        lines = {line.strip() for cell in notebook.cells for line in cell.source.split("\n")}
        assert answers and not answers & lines, path.name
        assert "BEGIN SOLUTION" not in shown and '"solution"' not in shown
    check = subprocess.run([sys.executable, "-m", "kitlib.cli", "exercises", "release", str(tmp_path / "student"),
                            "--source", str(solutions), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


# ---------------------------------------------------------------- polish
def test_p_values_and_counts_print_as_reports_do():
    assert format_p(0.0) == "p < .001" and format_p(3e-12) == "p < .001"
    assert format_p(0.0342) == "p = .034" and "p = 0" not in format_p(0.0)
    assert format_count(640.0) == "640" and format_count(np.int64(12)) == "12"


@LANGS
def test_reverse_items_are_marked(lang, case):
    book = case("bank").codebook
    table = pd.DataFrame({"r_drop": [0.5, 0.1]}, index=["P12", "P13"])
    marked = mark_reverse_items(table, book, lang)
    assert list(marked.index) == ["P12", "P13（R）" if lang == "zh" else "P13 (R)"]


def test_chinese_item_texts_are_grammatical(case):
    for name in kl.CASES:
        book = case(name).codebook
        for column in book.columns.values():
            if column.kind in ("servqual_E", "servqual_P"):
                text = column.text["zh"] if hasattr(column, "text") and isinstance(column.text, dict) else None
                text = text or getattr(column, "text_zh", None) or book.label(column.id, "zh")
                assert "应当员工" not in text and "部门我们" not in text and "应当服务窗口" not in text, text
                assert "部门员工" not in text, text


# ---------------------------------------------------------------- tiered hints of exercises 1, 4, 8 and 9
def _tiers_at_each_level(check, lang, quotes_data=frozenset()):
    """``check(hint_level)`` → the hints shown per wrong part at levels 0..3; asserts one more tier per level.

    The worked step of a part in ``quotes_data`` quotes Chinese case data (comments, masks, department names) in either language.
    """
    shown = {}
    for level in range(4):
        result = check(level)
        for finding in result.findings:
            if not finding.ok:
                hints = result.shown_hints(finding)
                assert len(hints) == level, (finding.part, level, hints)
                language_checked = hints[:2] if finding.part in quotes_data else hints
                assert all(bool(CJK.search(h)) == (lang == "zh") for h in language_checked), hints
                shown.setdefault(finding.part, []).append(hints)
    for part, levels in shown.items():  # each level adds a tier and keeps the earlier ones
        assert levels[3][:2] == levels[2] and levels[2][:1] == levels[1], part
        assert len(set(levels[3])) == 3, part  # nudge, concept and worked step differ
    return {part: levels[3] for part, levels in shown.items()}


@LANGS
def test_cleaning_hints_come_in_three_tiers(lang, case):
    from kitlib.exercises import check_cleaning
    from kitlib.exercises.cleaning import department_sizes

    survey = case("it_firm")
    answer = {"reverse_items": ["E01"], "recoded": [1.0, 2.0], "small_departments": ["nobody"]}
    tiers = _tiers_at_each_level(lambda level: check_cleaning(answer, survey, lang=lang, hint_level=level), lang)
    assert set(tiers) == {"reverse_items", "recoded", "small_departments"}
    people, rows = department_sizes(survey)
    department = sorted(people.index)[0]
    assert department in tiers["small_departments"][2] and str(people[department]) in tiers["small_departments"][2]
    assert "P13" in tiers["recoded"][2] and "8" in tiers["recoded"][2]  # worked step from the data: 1 + 7 − x
    unanswered = check_cleaning({"reverse_items": ["E01"], "recoded": [1.0], "small_departments": None},
                                survey, lang=lang, hint_level=3)
    assert all(f.part != "small_departments" or not f.hints for f in unanswered.findings)  # missing part: no tiers


@LANGS
def test_factor_analysis_hints_come_in_three_tiers(lang, case):
    from kitlib.exercises import check_factor_analysis
    from kitlib.psychometrics.exploratory import parallel_analysis

    survey = case("it_firm")
    observed = parallel_analysis(survey.servqual("P").dropna()).eigenvalues["observed"].iloc[0]
    answer = {"n_factors": 3, "weakest_item": "P02", "fit_acceptable": False}
    tiers = _tiers_at_each_level(lambda level: check_factor_analysis(answer, survey, lang=lang, hint_level=level), lang)
    assert set(tiers) == {"n_factors", "weakest_item", "fit_acceptable"}
    assert f"{observed:.2f}" in tiers["n_factors"][2]  # the worked step quotes the participant's eigenvalues
    assert "P02" in tiers["weakest_item"][2]  # ... and the loadings of the item they named
    assert "CFI" in tiers["fit_acceptable"][2]
    unanswered = check_factor_analysis({"n_factors": 3, "weakest_item": "P02", "fit_acceptable": None},
                                       survey, lang=lang, hint_level=3)
    fit = next(f for f in unanswered.findings if f.part == "fit_acceptable")
    assert "CFI =" not in fit.hints[2] and "0.9" not in fit.hints[2]  # no worked step before an attempt


@LANGS
def test_ipa_hints_come_in_three_tiers(lang, case):
    from kitlib.exercises import check_ipa
    from kitlib.service.indices import ipa

    survey = case("it_firm")
    answer = {"quadrants": {d: "keep_up" for d in survey.codebook.dimensions}, "priority": ["tangibles"]}
    tiers = _tiers_at_each_level(lambda level: check_ipa(answer, survey, lang=lang, hint_level=level), lang)
    assert set(tiers) == {"quadrants", "priority"}
    table = ipa(survey).table.set_index("unit")
    step = tiers["priority"][2]  # worked on the dimension the participant named, with its numbers
    assert survey.codebook.label("tangibles", lang) in step
    assert f"{table.loc['tangibles', 'importance']:.2f}" in step and f"{table.loc['tangibles', 'performance']:.2f}" in step
    assert re.search(r"\d\.\d\d", tiers["quadrants"][2])
    unanswered = check_ipa({"quadrants": answer["quadrants"], "priority": None}, survey, lang=lang, hint_level=3)
    priority = next(f for f in unanswered.findings if f.part == "priority")
    assert not priority.ok and not re.search(r"\d\.\d\d", " ".join(priority.hints))


@LANGS
def test_service_standard_hints_come_in_three_tiers(lang, case):
    from kitlib.exercises import check_service_standard

    survey = case("bank")
    provider = survey.data["provider"].iloc[0]
    answer = {"focus_dimension": "tangibles", "baseline": 1.0, "target": 0.5,
              "pdca_order": ["training", "standard", "resurvey", "adopt"], "gap_change": 9.0}
    tiers = _tiers_at_each_level(
        lambda level: check_service_standard(answer, survey, provider=provider, lang=lang, hint_level=level), lang)
    assert set(tiers) == {"focus_dimension", "baseline", "target", "pdca_order", "gap_change"}
    tangibles = survey.codebook.label("tangibles", lang)
    assert tangibles in tiers["baseline"][2] and "P01" in tiers["baseline"][2]  # the participant's dimension, worked
    assert str(provider) in tiers["gap_change"][2]
    unanswered = check_service_standard({**answer, "pdca_order": None}, survey, provider=provider, lang=lang, hint_level=3)
    order = next(f for f in unanswered.findings if f.part == "pdca_order")
    assert not any("standard" in h or "标准" in h for h in order.hints[2:])  # no worked step before an attempt


# ---------------------------------------------------------------- tiered hints of exercises 10 and 11
@LANGS
def test_theme_coding_hints_come_in_three_tiers(lang, case):
    from kitlib.exercises import check_theme_coding, theme_exercise_data

    survey = case("it_firm")
    comments, roster = theme_exercise_data(survey)
    themes = survey.codebook.themes
    answer = {"counts": {t: 1 for t in themes}, "shares": {t: 0.5 for t in themes}, "shown_departments": ["nowhere"],
              "sentiment": ["neutral"] * 6, "quote": "not a comment"}
    tiers = _tiers_at_each_level(lambda level: check_theme_coding(answer, comments, themes, roster, lang=lang, hint_level=level), lang,
                                 quotes_data={"quote", "shown_departments", "sentiment"})
    assert set(tiers) == {"counts", "shares", "shown_departments", "sentiment", "quote"}
    texts = comments["comment"].dropna()
    top = kl.comment_themes(comments, themes, by="provider", respondent="respondent_id", min_n=1).top_theme("provider").iloc[0]
    assert themes[top][lang] in tiers["counts"][2] and str(len(texts)) in tiers["counts"][2]  # worked from the data
    people = comments.groupby("department")["respondent_id"].nunique()
    assert any(f"{d}" in tiers["shown_departments"][2] and f" {n} " in tiers["shown_departments"][2] for d, n in people.items())
    assert "[电话]" in tiers["quote"][2] and "13812345678" in tiers["quote"][2]  # the masking step, shown on a planted comment
    unanswered = check_theme_coding({**answer, "quote": None}, comments, themes, roster, lang=lang, hint_level=3)
    quote = next(f for f in unanswered.findings if f.part == "quote")
    assert not quote.ok and not quote.hints  # a missing part names what to give; no worked step


@LANGS
def test_sla_hints_come_in_three_tiers(lang, case):
    from kitlib.exercises import check_sla, sla_exercise_data

    tickets, standards = sla_exercise_data()
    survey = case("it_firm")
    providers = sorted(tickets["provider"].unique())
    answer = {"response_met": {p: 0.5 for p in providers}, "resolution_met": {p: 0.5 for p in providers},
              "median_resolution_h": {p: 1.0 for p in providers}, "rating_difference": 9.0, "cohens_d": 9.0,
              "satisfaction_rho": 0.123}
    tiers = _tiers_at_each_level(lambda level: check_sla(answer, tickets, standards, survey, lang=lang, hint_level=level), lang)
    assert set(tiers) == set(answer)
    result = kl.sla(tickets, standards)
    worst = result.table["resolution_met"].idxmin()
    label = survey.codebook.value_label("provider", worst, lang)
    assert label in tiers["resolution_met"][2] and f"{result.table.loc[worst, 'resolution_met']:.2f}" in tiers["resolution_met"][2]
    assert f"{result.table.loc[worst, 'median_resolution_h']:.1f}" in tiers["median_resolution_h"][2]
    link = result.rating_link.set_index("standard").loc["resolution"]
    assert f"{link['mean_met']:.2f}" in tiers["rating_difference"][2] and str(int(link["n_missed"])) in tiers["rating_difference"][2]
    unanswered = check_sla({**answer, "cohens_d": None}, tickets, standards, survey, lang=lang, hint_level=3)
    d = next(f for f in unanswered.findings if f.part == "cohens_d")
    assert not d.ok and not d.hints
