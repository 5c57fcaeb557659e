"""Exercise checks: solutions pass, templates fail with a hint, each typical mistake triggers its hint.

Mistaken answers are built here with plain pandas from the case data (the way a
participant would make the mistake), never typed in as numbers.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import kitlib as kl
from kitlib.data.cases import case_dir
from kitlib.exercises import (
    PDCA_ORDER,
    CheckResult,
    check_better_worse,
    check_cleaning,
    check_csi,
    check_factor_analysis,
    check_gap,
    check_ipa,
    check_kano,
    check_nps,
    check_reliability,
    check_service_standard,
    check_sla,
    check_theme_coding,
    sla_exercise_data,
    theme_exercise_data,
)
from kitlib.exercises.reference import cronbach_alpha, item_total_correlations
from kitlib.exercises.themes import SENTIMENT_COMMENTS

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
NOTEBOOKS = sorted(p.stem for p in EXERCISES.glob("[0-9][0-9]_*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")
KANO_TABLE = {1: "QAAAO", 2: "RIIIM", 3: "RIIIM", 4: "RIIIM", 5: "RRRRQ"}  # Berger et al. (1993), rows functional


def with_data(survey: kl.Survey, data: pd.DataFrame) -> kl.Survey:
    return dataclasses.replace(survey, data=data.reset_index(drop=True))


def gaps_by_hand(data: pd.DataFrame, book) -> pd.Series:
    gaps = {}
    for dimension, e_item, p_item in book.servqual_pairs():
        gaps.setdefault(dimension, []).append(data[p_item].mean() - data[e_item].mean())
    return pd.Series({d: np.mean(v) for d, v in gaps.items()})


def p_means(data: pd.DataFrame, book, kind: str = "P") -> pd.Series:
    return pd.Series({d: data[items].mean().mean() for d, items in book.servqual_model(kind).items()})


def recode13(data: pd.DataFrame) -> pd.DataFrame:
    raw = data.copy()
    raw[["E13", "P13"]] = 8 - raw[["E13", "P13"]]
    return raw


def assert_hint(result: CheckResult, mistake: str, lang: str) -> None:
    __tracebackhide__ = True
    assert isinstance(result, CheckResult)
    assert not result.correct, str(result)
    assert mistake in result.mistakes, str(result)
    message = next(f.message for f in result.findings if f.mistake == mistake)
    assert bool(CJK.search(message)) == (lang == "zh"), message


LANGS = pytest.mark.parametrize("lang", ["zh", "en"])


# ---------------------------------------------------------------- result object
def test_result_object_shows_itself_in_text_markdown_and_html():
    result = check_nps(60.0, [10, 9, 8, 7, 3], lang="en")
    assert "correct=False" in repr(result) and "passives_as_promoters" in repr(result)
    assert result._repr_markdown_().startswith("**✘")
    assert "data-correct='false'" in result._repr_html_()
    assert result.hints and not bool(result)
    right = check_nps(20.0, [10, 9, 8, 7, 3], lang="zh")
    assert right.correct and "data-correct='true'" in right._repr_html_() and "全部正确" in str(right)


def test_unknown_language_is_a_kit_error():
    with pytest.raises(kl.KitError):
        check_nps(1.0, [10], lang="fr")


ODD_ANSWERS = ["abc", 42, [1, 2], {"x": 1}, pd.DataFrame(), (None,), {"alpha": "high", "weak_item": 3}]


@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=range(len(ODD_ANSWERS)))
def test_checks_never_raise_on_strange_answers(answer, case):
    pairs = [(1, 5), (2, 5)]
    comments, roster = theme_exercise_data(case("it_firm"))
    calls = [
        lambda: check_cleaning(answer, case("it_firm")),
        lambda: check_gap(answer, case("it_firm"), provider="IT Support"),
        lambda: check_reliability(answer, case("manufacturer")),
        lambda: check_factor_analysis(answer, case("it_firm")),
        lambda: check_kano(answer, pairs),
        lambda: check_better_worse(answer, case("manufacturer")),
        lambda: check_nps(answer, [10, 9, 3]),
        lambda: check_csi(answer, case("bank")),
        lambda: check_ipa(answer, case("it_firm")),
        lambda: check_service_standard(answer, case("bank"), provider="Operations Centre"),
        lambda: check_theme_coding(answer, comments, case("it_firm").codebook.themes, roster),
        lambda: check_sla(answer, *sla_exercise_data(), case("it_firm")),
    ]
    for call in calls:
        result = call()
        assert isinstance(result, CheckResult) and not result.correct and result.hints


# ---------------------------------------------------------------- exercise 1: cleaning
@pytest.fixture(scope="module")
def raw_it():
    return pd.read_csv(case_dir("it_firm") / "responses.csv")


def cleaning_answer(raw, **changes):
    people = raw.groupby("department")["respondent_id"].nunique()
    answer = {"reverse_items": ["E13", "P13"], "recoded": 8 - raw["P13"], "small_departments": list(people[people < 5].index)}
    return {**answer, **changes}


def test_cleaning_right_answer_passes(raw_it, case):
    result = check_cleaning(cleaning_answer(raw_it), case("it_firm"), lang="en")
    assert result.correct, str(result)
    assert "Internal Audit" in result.findings[-1].message


@LANGS
def test_cleaning_mistakes(raw_it, lang, case):
    survey = case("it_firm")
    assert_hint(check_cleaning(cleaning_answer(raw_it, reverse_items=["P13"]), survey, lang), "reverse_partial", lang)
    assert_hint(check_cleaning(cleaning_answer(raw_it, recoded=raw_it["P13"]), survey, lang), "not_recoded", lang)
    assert_hint(check_cleaning(cleaning_answer(raw_it, recoded=7 - raw_it["P13"]), survey, lang), "off_by_one", lang)
    people = raw_it.groupby("department")["respondent_id"].nunique()
    big = list(people[people >= 5].index)
    assert_hint(check_cleaning(cleaning_answer(raw_it, small_departments=big), survey, lang), "small_reversed", lang)


@LANGS
def test_cleaning_threshold_and_row_counting_mistakes(raw_it, lang, case):
    survey = case("it_firm")
    data = survey.data.copy()
    # a department of exactly five respondents: reportable, but "<= 5" would hide it
    data.loc[data.index[data["department"] == "Sales"][:5], "department"] = "Legal"
    five = with_data(survey, data)
    answer = cleaning_answer(raw_it, small_departments=["Internal Audit", "Legal"])
    assert_hint(check_cleaning(answer, five, lang), "threshold_inclusive", lang)
    # Internal Audit's three respondents also rate a second provider: 6 rows, still 3 people
    audit = survey.data[survey.data["department"] == "Internal Audit"].assign(provider="HR")
    twice = with_data(survey, pd.concat([survey.data, audit]))
    rows = twice.data.groupby("department").size()
    answer = cleaning_answer(raw_it, small_departments=list(rows[rows < 5].index))
    assert_hint(check_cleaning(answer, twice, lang), "counted_rows", lang)


# ---------------------------------------------------------------- exercise 2: gaps
def test_gap_by_hand_and_kitlib_both_pass(case):
    survey = case("it_firm")
    mine = survey.filter(provider="IT Support")
    assert check_gap(gaps_by_hand(mine.data, survey.codebook).to_dict(), survey, "IT Support").correct
    kitlib_gaps = kl.servqual_gaps(mine).dimensions.set_index("dimension")["gap"]
    assert check_gap(kitlib_gaps, survey, "IT Support").correct


@LANGS
def test_gap_mistakes(lang, case):
    survey, book = case("it_firm"), case("it_firm").codebook
    mine = survey.filter(provider="IT Support").data
    right = gaps_by_hand(mine, book)
    assert_hint(check_gap(-right, survey, "IT Support", lang), "reversed", lang)
    assert_hint(check_gap(p_means(mine, book), survey, "IT Support", lang), "perception_only", lang)
    assert_hint(check_gap(gaps_by_hand(survey.data, book), survey, "IT Support", lang), "all_providers", lang)
    result = check_gap(gaps_by_hand(recode13(mine), book), survey, "IT Support", lang)
    assert_hint(result, "not_recoded", lang)
    assert book.label("responsiveness", lang) in result.findings[0].message


# ---------------------------------------------------------------- exercise 3: reliability
def test_reliability_formula_matches_kitlib(case):
    survey = case("manufacturer")
    model = survey.codebook.servqual_model("P")
    table = kl.reliability(survey.data, model)
    for dimension, items in model.items():
        assert cronbach_alpha(survey.data[items]) == pytest.approx(table.loc[dimension, "alpha"], abs=1e-10)
        analysis = kl.item_analysis(survey.data, items)
        assert item_total_correlations(survey.data[items]).to_numpy() == pytest.approx(analysis["r_drop"].to_numpy(), abs=1e-10)


def reliability_parts(data, model):
    alphas = {d: cronbach_alpha(data[items]) for d, items in model.items()}
    r_drop = pd.concat([item_total_correlations(data[items]) for items in model.values()])
    return alphas, r_drop


@LANGS
def test_reliability_mistakes(lang, case):
    survey = case("manufacturer")
    model = survey.codebook.servqual_model("P")
    alphas, r_drop = reliability_parts(survey.data, model)
    weak = r_drop.idxmin()
    assert check_reliability({"alpha": alphas, "weak_item": weak}, survey, lang).correct
    everything = cronbach_alpha(survey.servqual("P"))
    assert_hint(check_reliability({"alpha": everything, "weak_item": weak}, survey, lang), "alpha_all_items", lang)
    expectation = {d: cronbach_alpha(survey.data[items]) for d, items in survey.codebook.servqual_model("E").items()}
    assert_hint(check_reliability({"alpha": expectation, "weak_item": weak}, survey, lang), "alpha_expectations", lang)
    raw_alphas, raw_r_drop = reliability_parts(recode13(survey.data), model)
    assert_hint(check_reliability({"alpha": raw_alphas, "weak_item": weak}, survey, lang), "alpha_not_recoded", lang)
    lowest_mean = survey.data[list(r_drop.index)].mean().idxmin()
    assert lowest_mean != weak
    assert_hint(check_reliability({"alpha": alphas, "weak_item": lowest_mean}, survey, lang), "weak_lowest_mean", lang)
    assert_hint(check_reliability({"alpha": alphas, "weak_item": r_drop.idxmax()}, survey, lang), "weak_highest", lang)
    assert_hint(check_reliability({"alpha": alphas, "weak_item": raw_r_drop.idxmin()}, survey, lang), "weak_not_recoded", lang)


# ---------------------------------------------------------------- exercise 4: EFA / CFA
@pytest.fixture(scope="module")
def factor_answer(case):
    survey = case("it_firm")
    items = survey.servqual("P").dropna()
    n = kl.parallel_analysis(items).n_factors
    fit = kl.cfa(items, survey.codebook.servqual_model("P")).fit
    return {
        "n_factors": n,
        "weakest_item": kl.efa(items, n).loadings.abs().max(axis=1).idxmin(),
        "fit_acceptable": bool(fit["cfi"] >= 0.90 and fit["rmsea"] <= 0.08),
    }


@LANGS
def test_factor_mistakes(factor_answer, lang, case):
    survey = case("it_firm")
    assert check_factor_analysis(factor_answer, survey, lang).correct
    assert_hint(check_factor_analysis({**factor_answer, "n_factors": 22}, survey, lang), "n_items", lang)
    items = survey.servqual("P").dropna()
    raw = recode13(items.assign(E13=0))[items.columns]
    signed_lowest = kl.efa(raw, factor_answer["n_factors"]).loadings.max(axis=1).idxmin()
    assert_hint(check_factor_analysis({**factor_answer, "weakest_item": signed_lowest}, survey, lang), "weak_not_recoded", lang)
    loadings = kl.efa(items, factor_answer["n_factors"]).loadings.abs().max(axis=1)
    assert_hint(check_factor_analysis({**factor_answer, "weakest_item": loadings.idxmax()}, survey, lang), "weak_highest", lang)
    lowest_mean = items.mean().idxmin()
    assert lowest_mean != factor_answer["weakest_item"]
    assert_hint(check_factor_analysis({**factor_answer, "weakest_item": lowest_mean}, survey, lang), "weak_lowest_mean", lang)
    assert factor_answer["fit_acceptable"]
    # the full case has a significant chi-square (planted cross-loading), so "not acceptable" gets the chi2 hint;
    # on a subsample whose chi-square is not significant the same answer is simply too strict
    assert_hint(check_factor_analysis({**factor_answer, "fit_acceptable": False}, survey, lang), "fit_chi2", lang)
    subsample = with_data(survey, survey.data.iloc[100:400])
    assert kl.cfa(subsample.data, survey.codebook.servqual_model("P")).fit["pvalue"] >= 0.05
    assert_hint(check_factor_analysis({"fit_acceptable": False}, subsample, lang), "fit_too_strict", lang)


@LANGS
def test_factor_chi_square_and_direction_mistakes(lang, case):
    survey = case("it_firm")
    # four copies of the data: same CFI/RMSEA territory, chi-square four times larger, p < .05
    big = with_data(survey, pd.concat([survey.data] * 4))
    assert_hint(check_factor_analysis({"fit_acceptable": False}, big, lang), "fit_chi2", lang)
    # perception columns shuffled across dimensions: the five-factor model no longer fits
    items = survey.codebook.items("servqual_P")
    shuffled = survey.data.copy()
    shuffled[items] = survey.data[list(np.random.default_rng(7).permutation(items))].to_numpy()
    assert_hint(check_factor_analysis({"fit_acceptable": True}, with_data(survey, shuffled), lang), "fit_direction", lang)


@LANGS
def test_factor_kaiser_mistake(lang, case):
    # one factor plus noise, n = 60: sampling-noise eigenvalues above 1 fool the Kaiser rule, not parallel analysis
    survey = case("it_firm")
    rng = np.random.default_rng(3)
    items = survey.codebook.items("servqual_P")
    factor = rng.normal(size=(60, 1))
    scores = np.clip(np.round(4 + factor * 0.6 + rng.normal(size=(60, len(items)))), 1, 7)
    data = survey.data.head(60).copy()
    data[items] = scores
    synthetic = with_data(survey, data)
    eigenvalues = np.linalg.eigvalsh(data[items].corr().to_numpy())
    kaiser = int((eigenvalues > 1).sum())
    assert kaiser != kl.parallel_analysis(data[items]).n_factors
    assert_hint(check_factor_analysis({"n_factors": kaiser}, synthetic, lang), "n_kaiser", lang)


# ---------------------------------------------------------------- exercise 5: KANO by hand
@pytest.fixture(scope="module")
def kano_pairs(case):
    survey = case("it_firm")
    frames = [survey.data[[f, d]].dropna().astype(int).head(15).set_axis(["f", "d"], axis=1) for f, d in survey.codebook.kano_pairs().values()]
    return pd.concat(frames, ignore_index=True)


def by_table(functional, dysfunctional):
    return [KANO_TABLE[f][d - 1] for f, d in zip(functional, dysfunctional)]


def test_kano_by_hand_passes_and_matches_kitlib(kano_pairs):
    right = by_table(kano_pairs["f"], kano_pairs["d"])
    assert right == kl.kano_classify(kano_pairs["f"], kano_pairs["d"]).tolist()
    assert {"A", "O", "M", "I", "R", "Q"} <= set(right)
    assert check_kano(right, kano_pairs, lang="en").correct
    names = {"A": "attractive", "O": "one-dimensional", "M": "必备型", "I": "indifferent", "R": "reverse", "Q": "可疑"}
    assert check_kano([names[c] for c in right], kano_pairs, lang="zh").correct


@LANGS
def test_kano_mistakes(kano_pairs, lang):
    f, d = kano_pairs["f"], kano_pairs["d"]
    right = by_table(f, d)
    assert_hint(check_kano(by_table(d, f), kano_pairs, lang), "transposed", lang)
    assert_hint(check_kano(by_table(6 - f, 6 - d), kano_pairs, lang), "codes_reversed", lang)
    swap = lambda letters, a, b: [b if c == a else a if c == b else c for c in letters]  # noqa: E731
    assert_hint(check_kano(swap(right, "M", "O"), kano_pairs, lang), "mo_swapped", lang)
    result = check_kano(swap(right, "Q", "R"), kano_pairs, lang)
    assert_hint(result, "qr_confused", lang)
    wrong_pairs = [f for f in result.findings if f.part.startswith("#")]
    assert len(wrong_pairs) == sum(c in "QR" for c in right)


# ---------------------------------------------------------------- exercise 6: Better / Worse
@pytest.fixture(scope="module")
def kano_counts(case):
    survey = case("manufacturer")
    counts = {}
    for feature, (f, d) in survey.codebook.kano_pairs().items():
        both = survey.data[[f, d]].dropna().astype(int)
        counts[feature] = pd.Series(by_table(both[f], both[d])).value_counts()
    return pd.DataFrame(counts).T.reindex(columns=list("AOMIRQ")).fillna(0)


def test_better_worse_matches_kitlib_kano_table(kano_counts, case):
    table = kl.kano_table(case("manufacturer")).set_index("feature")
    total = kano_counts[list("AOMI")].sum(axis=1)
    assert ((kano_counts["A"] + kano_counts["O"]) / total).to_numpy() == pytest.approx(table["better"].to_numpy(), abs=1e-12)
    assert (-(kano_counts["O"] + kano_counts["M"]) / total).to_numpy() == pytest.approx(table["worse"].to_numpy(), abs=1e-12)


@LANGS
def test_better_worse_mistakes(kano_counts, lang, case):
    survey = case("manufacturer")
    c = kano_counts
    total = c[list("AOMI")].sum(axis=1)
    better, worse = (c["A"] + c["O"]) / total, -(c["O"] + c["M"]) / total
    right = {"better": better, "worse": worse, "improve_first": worse.idxmin()}
    assert check_better_worse(right, survey, lang).correct
    assert_hint(check_better_worse({**right, "worse": -worse}, survey, lang), "worse_sign", lang)
    all_six = c.sum(axis=1)
    assert_hint(check_better_worse({**right, "better": (c["A"] + c["O"]) / all_six}, survey, lang), "with_rq", lang)
    assert_hint(check_better_worse({**right, "worse": -(c["O"] + c["M"]) / all_six}, survey, lang), "with_rq", lang)
    assert_hint(check_better_worse({**right, "better": (c["A"] + c["M"]) / total}, survey, lang), "mo_swapped", lang)
    assert better.idxmax() != worse.idxmin()
    assert_hint(check_better_worse({**right, "improve_first": better.idxmax()}, survey, lang), "first_by_better", lang)
    assert_hint(check_better_worse({**right, "improve_first": worse.idxmax()}, survey, lang), "first_smallest_worse", lang)


# ---------------------------------------------------------------- exercise 7: NPS and CSI
@pytest.fixture(scope="module")
def nps_scores(case):
    return case("bank").filter(provider="Operations Centre").data["nps"].dropna()


def share(mask):
    return 100 * mask.mean()


def test_nps_formula_matches_kitlib(nps_scores):
    by_hand = share(nps_scores >= 9) - share(nps_scores <= 6)
    assert kl.nps(nps_scores).nps == pytest.approx(by_hand, abs=1e-10)
    assert check_nps(by_hand, nps_scores, lang="en").correct
    assert check_nps({"nps": by_hand}, nps_scores, lang="zh").correct


@LANGS
def test_nps_mistakes(nps_scores, lang):
    s = nps_scores
    right = share(s >= 9) - share(s <= 6)
    assert_hint(check_nps(share(s >= 7) - share(s <= 6), s, lang), "passives_as_promoters", lang)
    assert_hint(check_nps(share(s >= 9) - share(s <= 8), s, lang), "passives_as_detractors", lang)
    assert_hint(check_nps(right / 100, s, lang), "proportion", lang)
    assert_hint(check_nps(s.mean(), s, lang), "mean_score", lang)
    assert_hint(check_nps(share(s >= 9), s, lang), "promoters_only", lang)


def csi_parts(survey):
    model = survey.codebook.servqual_model("P")
    scores = pd.DataFrame({d: survey.data[items].mean(axis=1) for d, items in model.items()}).dropna()
    points = survey.data[[f"W_{d}" for d in model]].set_axis(list(model), axis=1)
    weights = points.div(points.sum(axis=1, min_count=len(model)), axis=0).mean()
    return scores.mean(), weights / weights.sum()


@LANGS
def test_csi_by_hand_and_mistakes(lang, case):
    survey = case("bank").filter(provider="Operations Centre")
    means, weights = csi_parts(survey)
    right = float((weights * 100 * (means - 1) / 6).sum())
    assert right == pytest.approx(kl.csi(survey).csi, abs=1e-9)
    assert check_csi(right, survey, lang).correct
    assert_hint(check_csi(float((weights * 100 * means / 7).sum()), survey, lang), "divided_by_max", lang)
    assert_hint(check_csi(float((weights * means).sum()), survey, lang), "not_rescaled", lang)
    assert_hint(check_csi(float((100 * (means - 1) / 6).mean()), survey, lang), "equal_weights", lang)
    assert_hint(check_csi(float((100 * weights * 100 * (means - 1) / 6).sum()), survey, lang), "weights_not_normalized", lang)


# ---------------------------------------------------------------- exercise 8: IPA
def ipa_by_hand(survey):
    model = survey.codebook.servqual_model("P")
    performance = pd.Series({d: survey.data[items].mean(axis=1).mean() for d, items in model.items()})
    points = survey.data[[f"W_{d}" for d in model]].set_axis(list(model), axis=1)
    importance = 100 * points.div(points.sum(axis=1, min_count=len(model)), axis=0).mean()
    return importance, performance


def quadrants(importance, performance, performance_cut=None):
    icut = importance.mean()
    pcut = performance.mean() if performance_cut is None else performance_cut
    high_i, high_p = importance >= icut, performance >= pcut
    return {
        d: ("keep_up" if high_p[d] else "concentrate") if high_i[d] else ("overkill" if high_p[d] else "low_priority")
        for d in importance.index
    }


@LANGS
def test_ipa_mistakes(lang, case):
    survey = case("it_firm")
    importance, performance = ipa_by_hand(survey)
    right = quadrants(importance, performance)
    assert right == kl.ipa(survey).table.set_index("unit")["quadrant"].to_dict()
    priority = [d for d, q in right.items() if q == "concentrate"]
    assert check_ipa({"quadrants": right, "priority": priority}, survey, lang).correct
    swapped = {d: {"concentrate": "overkill", "overkill": "concentrate"}.get(q, q) for d, q in right.items()}
    assert_hint(check_ipa({"quadrants": swapped, "priority": priority}, survey, lang), "axes_swapped", lang)
    midpoint = quadrants(importance, performance, performance_cut=4.0)
    assert_hint(check_ipa({"quadrants": midpoint, "priority": priority}, survey, lang), "midpoint_cut", lang)
    overkill = [d for d, q in right.items() if q == "overkill"]
    assert_hint(check_ipa({"quadrants": right, "priority": overkill}, survey, lang), "priority_overkill", lang)


@LANGS
def test_ipa_lowest_performance_mistake(lang, case):
    survey = case("it_firm")
    data = survey.data.copy()
    tangibles = survey.codebook.servqual_model("P")["tangibles"]
    data[tangibles] = data[tangibles] - 1.5  # tangibles now perform worst, but matter little
    lowered = with_data(survey, data)
    importance, performance = ipa_by_hand(lowered)
    right = quadrants(importance, performance)
    assert right["tangibles"] == "low_priority"
    assert_hint(check_ipa({"quadrants": right, "priority": ["tangibles"]}, lowered, lang), "priority_lowest_performance", lang)


# ---------------------------------------------------------------- exercise 9: service standard / PDCA
PROVIDER = "Operations Centre"


def standard_answer(survey, provider=PROVIDER):
    book, wave = survey.codebook, survey.wave_column()
    before, after = sorted(survey.data[wave].unique())
    mine = survey.data[survey.data["provider"] == provider]
    first, second = mine[mine[wave] == before], mine[mine[wave] == after]
    gaps = gaps_by_hand(first, book)
    focus = gaps.idxmin()
    baseline = p_means(first, book)[focus]
    return {
        "focus_dimension": focus, "baseline": baseline, "target": min(baseline + 0.5, 7.0),
        "pdca_order": list(PDCA_ORDER), "gap_change": gaps_by_hand(second, book)[focus] - gaps[focus],
    }, (first, second, gaps)


@LANGS
def test_service_standard_mistakes(lang, case):
    survey, book = case("bank"), case("bank").codebook
    right, (first, second, gaps) = standard_answer(survey)
    check = lambda **change: check_service_standard({**right, **change}, survey, PROVIDER, lang)  # noqa: E731
    assert check().correct
    assert_hint(check(focus_dimension=gaps.idxmax()), "focus_smallest_gap", lang)
    focus = right["focus_dimension"]
    assert_hint(check(baseline=p_means(first, book, "E")[focus]), "baseline_expectation", lang)
    assert_hint(check(baseline=gaps[focus]), "baseline_gap", lang)
    assert_hint(check(target=right["baseline"] - 0.2), "target_not_above", lang)
    assert_hint(check(target=7.5), "target_off_scale", lang)
    assert_hint(check(pdca_order=["standard", "resurvey", "training", "adopt"]), "check_before_do", lang)
    assert_hint(check(pdca_order=["adopt", "standard", "training", "resurvey"]), "act_first", lang)
    assert_hint(check(gap_change=-right["gap_change"]), "change_reversed", lang)
    assert_hint(check(gap_change=p_means(second, book)[focus] - right["baseline"]), "change_perception_only", lang)
    wave = survey.wave_column()
    everyone = [gaps_by_hand(survey.data[survey.data[wave] == w], book)[focus] for w in sorted(survey.data[wave].unique())]
    assert_hint(check(gap_change=everyone[1] - everyone[0]), "change_all_providers", lang)


@LANGS
def test_service_standard_focus_mistakes(lang, case):
    survey, book = case("bank"), case("bank").codebook
    wave = survey.wave_column()
    before, after = sorted(survey.data[wave].unique())
    data = survey.data.copy()
    empathy = [c for d, e, p in book.servqual_pairs() if d == "empathy" for c in (e, p)]
    early = data[wave] == before
    data.loc[early, empathy] = data.loc[early, empathy] - 1.5  # lowest P, same gap
    lowered = with_data(survey, data)
    right, (first, _, _) = standard_answer(lowered)
    assert p_means(first, book).idxmin() == "empathy" != right["focus_dimension"]
    result = check_service_standard({**right, "focus_dimension": "empathy"}, lowered, PROVIDER, lang)
    assert_hint(result, "focus_lowest_p", lang)
    data = survey.data.copy()
    reliability = book.servqual_model("P")["reliability"]
    late = data[wave] == after
    data.loc[late, reliability] = data.loc[late, reliability] - 3  # pooled waves now point at reliability
    pooled = with_data(survey, data)
    right, _ = standard_answer(pooled)
    assert right["focus_dimension"] != "reliability"
    result = check_service_standard({**right, "focus_dimension": "reliability"}, pooled, PROVIDER, lang)
    assert_hint(result, "focus_wrong_wave", lang)


# ---------------------------------------------------------------- exercise 10: theme coding by hand
def keyword_pattern(keywords, english=True, wildcard=True):
    parts = [re.escape(w) for w in keywords.get("zh", [])]
    for word in keywords.get("en", []) if english else []:
        if word.endswith("*"):
            parts += [r"\b" + re.escape(word[:-1]) + r"\w*"] if wildcard else [r"\b" + re.escape(word)]
        else:
            parts.append(r"\b" + re.escape(word) + r"\b")
    return "|".join(parts)


@pytest.fixture(scope="module")
def theme_case(case):
    survey = case("it_firm")
    comments, roster = theme_exercise_data(survey, "IT Support")
    return comments, roster, survey.codebook.themes


def theme_flags(comments, themes, case_insensitive=True, **switches):
    texts = comments["comment"].dropna()
    return texts, pd.DataFrame({t: texts.str.contains(keyword_pattern(spec["keywords"], **switches), case=not case_insensitive, regex=True)
                                for t, spec in themes.items()})


def theme_answer(comments, roster, themes):
    texts, named = theme_flags(comments, themes)
    people = comments.groupby("department")["respondent_id"].nunique()
    shown = list(people[people >= 10].index)
    top = named.sum().idxmax()
    quotable = texts[named[top] & comments.loc[texts.index, "department"].isin(shown)]
    return {"counts": named.sum().to_dict(), "shares": (named.sum() / len(texts)).to_dict(), "shown_departments": shown,
            "sentiment": ["positive", "negative", "positive", "negative", "negative", "positive"],
            "quote": kl.mask_personal_data(quotable.iloc[0], names=roster)}, (texts, named, people, top)


def test_theme_exercise_data_has_the_threshold_cases_and_planted_contacts(theme_case):
    comments, roster, _ = theme_case
    people = comments.groupby("department")["respondent_id"].nunique()
    assert (people == 10).any() and ((people >= 5) & (people < 10)).any()
    planted = comments["comment"].dropna()
    assert planted.str.contains("13812345678").any() and planted.str.contains("@").any()
    assert all(planted.str.contains(name).any() for name in roster)


def test_theme_coding_by_hand_matches_kitlib(theme_case):
    comments, roster, themes = theme_case
    right, _ = theme_answer(comments, roster, themes)
    result = kl.comment_themes(comments, themes, by=["provider", "department"], roster=roster, respondent="respondent_id")
    assert result.counts["provider"].loc["IT Support", list(themes)].to_dict() == right["counts"]
    assert set(result.counts["department"].index) == set(right["shown_departments"])
    assert kl.comment_sentiment(list(SENTIMENT_COMMENTS)).tolist() == right["sentiment"]
    for lang in ("zh", "en"):
        assert check_theme_coding(right, comments, themes, roster=roster, lang=lang).correct


@LANGS
def test_theme_coding_mistakes(theme_case, lang):
    comments, roster, themes = theme_case
    right, (texts, named, people, top) = theme_answer(comments, roster, themes)
    check = lambda **change: check_theme_coding({**right, **change}, comments, themes, roster, lang)  # noqa: E731
    assert_hint(check(counts=theme_flags(comments, themes, english=False)[1].sum().to_dict()), "zh_only", lang)
    assert_hint(check(counts=theme_flags(comments, themes, wildcard=False)[1].sum().to_dict()), "wildcard_literal", lang)
    assert_hint(check(counts=theme_flags(comments, themes, case_insensitive=False)[1].sum().to_dict()), "case_sensitive", lang)
    first_only = named.apply(lambda row: row & (row.cumsum() == 1), axis=1)  # each comment coded to its first theme only
    assert_hint(check(counts=first_only.sum().to_dict()), "one_theme_per_comment", lang)
    counts = named.sum()
    assert_hint(check(shares=(counts / people.sum()).to_dict()), "share_of_respondents", lang)
    assert_hint(check(shares=(counts / counts.sum()).to_dict()), "share_of_mentions", lang)
    assert_hint(check(shares=(100 * counts / len(texts)).to_dict()), "share_percent", lang)
    assert_hint(check(shown_departments=list(people[people >= 5].index)), "threshold_five", lang)
    assert_hint(check(shown_departments=list(people[people > 10].index)), "threshold_exclusive", lang)
    assert_hint(check(shown_departments=list(people[people < 10].index)), "small_listed", lang)


@LANGS
def test_theme_coding_sentiment_and_quote_mistakes(theme_case, lang):
    comments, roster, themes = theme_case
    right, (texts, named, people, top) = theme_answer(comments, roster, themes)
    check = lambda **change: check_theme_coding({**right, **change}, comments, themes, roster, lang)  # noqa: E731
    by_word_count = ["positive", "positive", "negative", "negative", "negative", "positive"]  # "不满意" read as 满意, "not slow" as slow
    assert_hint(check(sentiment=by_word_count), "negation_ignored", lang)
    praise_first = ["positive", "negative", "positive", "neutral", "negative", "positive"]  # compliments and complaint cancel out
    assert_hint(check(sentiment=praise_first), "contrast_ignored", lang)
    raw = {"13812345678": "quote_phone", "@corp.example.cn": "quote_email", "Zhang Wei": "quote_name"}
    for planted, mistake in raw.items():
        comment = texts[texts.str.contains(planted, regex=False)].iloc[0]
        if planted == "Zhang Wei":  # the phone number of that comment masked, the roster name left in
            comment = kl.mask_personal_data(comment)
        assert_hint(check(quote=comment), mistake, lang)
    department = comments.loc[texts.index, "department"]
    other = texts[~named[top] & (department.map(people) >= 10)]
    assert_hint(check(quote=kl.mask_personal_data(other.iloc[0], names=roster)), "quote_wrong_theme", lang)
    # a comment on the top theme written only in a department under the threshold
    small = comments.copy()
    row = small.index[small["department"].map(people).lt(10) & small["comment"].notna()][0]
    small.loc[row, "comment"] = "Resolved only after the third reopened ticket"
    result = check_theme_coding({**right, "quote": small.loc[row, "comment"]}, small, themes, roster, lang)
    assert_hint(result, "quote_withheld_group", lang)


# ---------------------------------------------------------------- exercise 11: SLA attainment
@pytest.fixture(scope="module")
def sla_case(case):
    tickets, standards = sla_exercise_data()
    return tickets, standards, case("it_firm")


def ticket_targets(tickets, standards):
    keys = ["provider", "category", "priority"]
    targets = pd.DataFrame(index=tickets.index, columns=["response", "resolution"], dtype=float)
    ranked = standards.assign(specific=(standards[keys] != "*").sum(axis=1)).sort_values("specific", kind="stable")
    for _, row in ranked.iterrows():
        match = np.logical_and.reduce([(tickets[k] == row[k]).to_numpy() for k in keys if row[k] != "*"] + [np.ones(len(tickets), bool)])
        targets.loc[match, ["response", "resolution"]] = row[["response_hours", "resolution_hours"]].to_numpy(float)
    return targets


def sla_by_hand(tickets, standards, survey):
    targets = ticket_targets(tickets, standards)
    exported = tickets[["opened", "first_response", "resolved"]].max().max()
    waited = (exported - tickets["opened"]) / pd.Timedelta(hours=1)
    hours, met = {}, {}
    for standard, column in (("response", "first_response"), ("resolution", "resolved")):
        hours[standard] = (tickets[column] - tickets["opened"]) / pd.Timedelta(hours=1)
        overdue = hours[standard].isna() & (waited > targets[standard])
        met[standard] = (hours[standard] <= targets[standard]).astype(float).where(hours[standard].notna() | overdue)
    by = tickets["provider"]
    rated = tickets["rating"].notna() & met["resolution"].notna()
    groups = {s: (tickets.loc[rated & (met[s] == 1), "rating"], tickets.loc[rated & (met[s] == 0), "rating"]) for s in met}

    def d(a, b):
        pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(a) + len(b) - 2))
        return (a.mean() - b.mean()) / pooled

    satisfaction = survey.data.groupby("provider")["overall"].mean()
    attainment = {s: met[s].groupby(by).mean() for s in met}
    on_time, late = groups["resolution"]
    answer = {"response_met": attainment["response"].to_dict(), "resolution_met": attainment["resolution"].to_dict(),
              "median_resolution_h": hours["resolution"].groupby(by).median().to_dict(),
              "rating_difference": on_time.mean() - late.mean(), "cohens_d": d(on_time, late),
              "satisfaction_rho": stats.spearmanr(satisfaction, attainment["resolution"][satisfaction.index]).statistic}
    return answer, {"hours": hours, "targets": targets, "groups": groups, "d": d, "satisfaction": satisfaction,
                    "attainment": attainment, "rated": rated}


def test_sla_exercise_data_is_a_snapshot_with_open_tickets(sla_case):
    tickets, _, _ = sla_case
    assert tickets["resolved"].isna().sum() > 10
    assert tickets.loc[tickets["resolved"].isna(), "rating"].isna().all()


def test_sla_by_hand_matches_kitlib(sla_case):
    tickets, standards, survey = sla_case
    right, _ = sla_by_hand(tickets, standards, survey)
    result = kl.sla(tickets, standards)
    assert result.table["resolution_met"].to_dict() == pytest.approx(right["resolution_met"], abs=1e-12)
    assert result.table["response_met"].to_dict() == pytest.approx(right["response_met"], abs=1e-12)
    link = result.rating_link.set_index("standard")
    assert link.loc["resolution", "cohens_d"] == pytest.approx(right["cohens_d"], abs=1e-12)
    assert right["rating_difference"] > 0.5 and right["cohens_d"] > 0.8  # the planted truth: ratings follow resolution
    for lang in ("zh", "en"):
        assert check_sla(right, tickets, standards, survey, lang=lang).correct


@LANGS
def test_sla_mistakes(sla_case, lang):
    tickets, standards, survey = sla_case
    right, parts = sla_by_hand(tickets, standards, survey)
    check = lambda **change: check_sla({**right, **change}, tickets, standards, survey, lang)  # noqa: E731
    hours, targets, by = parts["hours"]["resolution"], parts["targets"]["resolution"], tickets["provider"]
    assert_hint(check(resolution_met=(hours <= targets).groupby(by).mean().to_dict()), "open_counted", lang)
    closed = (hours <= targets).astype(float).where(hours.notna())
    assert_hint(check(resolution_met=closed.groupby(by).mean().to_dict()), "open_dropped", lang)
    assert_hint(check(response_met=right["resolution_met"]), "response_resolution_swapped", lang)
    assert_hint(check(median_resolution_h=hours.groupby(by).mean().to_dict()), "mean_not_median", lang)
    assert_hint(check(median_resolution_h=parts["hours"]["response"].groupby(by).median().to_dict()), "median_response", lang)
    assert_hint(check(rating_difference=-right["rating_difference"]), "sign_flipped", lang)
    assert_hint(check(cohens_d=-right["cohens_d"]), "sign_flipped", lang)
    on_time, late = parts["groups"]["response"]
    assert_hint(check(rating_difference=on_time.mean() - late.mean()), "response_standard", lang)
    assert_hint(check(cohens_d=parts["d"](on_time, late)), "response_standard", lang)
    everyone = tickets.loc[parts["rated"], "rating"]
    assert_hint(check(cohens_d=right["rating_difference"] / everyone.std()), "sd_of_all", lang)
    satisfaction, attainment = parts["satisfaction"], parts["attainment"]
    assert_hint(check(satisfaction_rho=stats.pearsonr(satisfaction, attainment["resolution"][satisfaction.index]).statistic),
                "pearson", lang)
    assert_hint(check(satisfaction_rho=stats.spearmanr(satisfaction, attainment["response"][satisfaction.index]).statistic),
                "response_standard", lang)
    assert_hint(check(cohens_d=round(right["cohens_d"], 1)), "too_coarse", lang)


# ---------------------------------------------------------------- notebooks
def test_every_exercise_has_tagged_cells_and_a_solution():
    """(That the student notebooks are released from the current solutions: tests/test_notebook_sources.py.)"""
    assert len(NOTEBOOKS) == 11
    for name in NOTEBOOKS:
        template = json.loads((EXERCISES / f"{name}.ipynb").read_text(encoding="utf-8"))
        tags = [t for cell in template["cells"] for t in cell.get("metadata", {}).get("tags", [])]
        assert "parameters" in tags and "todo" in tags and "check" in tags
        assert (EXERCISES / "solutions" / f"{name}.ipynb").exists()


def run_notebook(path: Path, tmp_path: Path, lang: str) -> list[str]:
    """Execute with papermill; return the text/plain outputs of the check cells."""
    import papermill as pm

    out = tmp_path / path.name
    pm.execute_notebook(str(path), str(out), parameters={"lang": lang}, progress_bar=False, cwd=str(tmp_path), kernel_name="python3")
    notebook = json.loads(out.read_text(encoding="utf-8"))
    texts = []
    for cell in notebook["cells"]:
        if "check" in cell.get("metadata", {}).get("tags", []):
            shown = [o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
            assert shown, f"check cell of {path.name} showed nothing"
            texts.append("".join(shown[0]["data"]["text/plain"]))
    assert texts
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solution_passes_its_check(name, tmp_path):
    lang = "zh" if NOTEBOOKS.index(name) % 2 == 0 else "en"
    for text in run_notebook(EXERCISES / "solutions" / f"{name}.ipynb", tmp_path, lang):
        assert "correct=True" in text, text
        assert bool(CJK.search(text.split("\n", 1)[1])) == (lang == "zh")


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_untouched_template_fails_with_a_hint(name, tmp_path):
    lang = "en" if NOTEBOOKS.index(name) % 2 == 0 else "zh"
    for text in run_notebook(EXERCISES / f"{name}.ipynb", tmp_path, lang):
        assert "correct=False" in text and "'unanswered'" in text, text
        assert "✘" in text
