"""Plan rules and latest-wave key figures (issue 11, items 1 and 2).

The library decides once — which wave the key figures describe, how a figure changed since the
previous wave, which dimension the plan targets, which KANO features to list, whether a
"largest weight" exists — and the report shows what it decided: the bank's report describes the
latest wave with its change, and a provider's report names the provider and compares it with the
whole organisation.  Expected numbers are computed here from the data with pandas (or the library's
own per-wave results), never typed in.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import kitlib as kl
from kitlib.data.cases import case_dir
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.service.gaps import GapResult
from kitlib.service.pdca import kano_priorities, largest_weights, plan_target
from kitlib.service.waves import HeadlineChange, headline_change, latest_wave, wave_changes

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "notebooks" / "report.ipynb"
INDICES = ROOT / "notebooks" / "04_nps_csi_ipa.ipynb"
DIMENSIONS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]


@pytest.fixture(scope="module")
def bank():
    return kl.load_case("bank", on_invalid="exclude")


def respondent_gaps(survey, dimension: str) -> pd.Series:
    """P − E of one dimension per respondent, straight from the codebook's items (independent of the library)."""
    book = survey.codebook
    perceptions = book.servqual_model("P")[dimension]
    expectations = book.servqual_model("E")[dimension]
    return survey.data[perceptions].mean(axis=1) - survey.data[expectations].mean(axis=1)


# ---------------------------------------------------------------------------------------------- the plan's target

def gap_result(gaps: list[float]) -> GapResult:
    """A minimal ungrouped GapResult with the given dimension gaps (one item per dimension)."""
    names = DIMENSIONS[: len(gaps)]
    dimensions = pd.DataFrame({"dimension": names, "label_zh": names, "label_en": names, "gap": gaps, "suppressed": False})
    items = dimensions.assign(P_item=[f"P{i}" for i in range(len(names))])
    return GapResult(items, dimensions, pd.DataFrame(), None)


def change_table(names, improving: list[bool], declining: list[bool] | None = None) -> pd.DataFrame:
    declining = declining or [False] * len(names)
    diff = [0.5 if up else (-0.5 if down else 0.05) for up, down in zip(improving, declining)]
    return pd.DataFrame({"measure": names, "diff": diff, "significant": [up or down for up, down in zip(improving, declining)]})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-3, 1, allow_nan=False).map(lambda x: round(x, 2)), st.booleans()), min_size=1, max_size=5))
def test_an_improving_dimension_is_never_targeted_while_a_worse_one_is_left_out(rows):
    gaps = [gap for gap, _ in rows]
    improving = [up for _, up in rows]
    result = gap_result(gaps)
    names = list(result.dimensions["dimension"])
    target, passed_over = plan_target(result, change_table(names, improving))
    value = dict(zip(names, gaps))
    up = dict(zip(names, improving))
    left_out_worse = [name for name in names if name != target.dimension and not up[name] and value[name] < 0
                      and value[name] <= value[target.dimension]]
    if up[target.dimension]:
        assert not left_out_worse, (target.dimension, left_out_worse)
    shortfalls = [name for name in names if not up[name] and value[name] < 0]
    if shortfalls:  # the worst shortfall that is not improving
        assert target.dimension == min(shortfalls, key=lambda name: (value[name], names.index(name)))
    else:  # nothing else qualifies: the largest gap, improving or not
        assert target.dimension == kl.largest_gap(result).dimension
    assert all(up[name] and value[name] <= value[target.dimension] for name in passed_over)


def test_declining_or_steady_dimensions_stay_candidates():
    result = gap_result([-1.5, -1.0, -0.2])
    names = list(result.dimensions["dimension"])
    declining = plan_target(result, change_table(names, [False, True, False], declining=[True, False, False]))
    assert declining == (kl.largest_gap(result), [])


def test_without_changes_the_target_is_the_largest_gap(bank):
    view = latest_wave(bank)
    gaps = kl.servqual_gaps(view.survey)
    assert plan_target(gaps) == (kl.largest_gap(gaps), [])
    assert plan_target(gaps, pd.DataFrame()) == (kl.largest_gap(gaps), [])


def test_operations_centre_plan_passes_over_the_dimension_that_improved(bank):
    view = latest_wave(bank.filter(provider="Operations Centre"))
    gaps = kl.servqual_gaps(view.survey)
    changes = wave_changes(view)
    plan = kl.improvement_plan(gaps, kl.kano_table(view.survey), changes)
    levels = gaps.dimensions.set_index("dimension")["gap"]
    improved = set(changes.loc[changes["significant"] & (changes["diff"] > 0), "measure"])
    assert levels.idxmin() in improved  # the worst gap is the one that improved ...
    assert plan.target.dimension not in improved  # ... so the plan targets the worst of the others
    assert plan.target.dimension == levels.drop(list(improved)).idxmin()
    assert plan.passed_over == [levels.idxmin()]
    assert levels.idxmin() in plan.standardise and plan.target.dimension in plan.replan


def test_perception_plans_need_no_shortfall(bank):
    view = latest_wave(bank)
    scores = kl.perception_scores(view.survey)
    changes = wave_changes(view, "perception")
    target, passed_over = plan_target(scores, changes)
    means = scores.dimensions.set_index("dimension")["mean"]
    improved = set(changes.loc[changes["significant"] & (changes["diff"] > 0), "measure"])
    assert target.measure == "perception" and target.dimension == means.drop(list(improved)).idxmin()
    assert passed_over == [name for name in means.sort_values().index if name in improved and means[name] <= target.gap]


def test_plan_target_refuses_grouped_results(bank):
    with pytest.raises(AnalysisInputError, match="ungrouped"):
        plan_target(kl.servqual_gaps(bank, by="provider"))
    with pytest.raises(OptionError):
        plan_target(kl.servqual_gaps(bank).dimensions)


# ---------------------------------------------------------------------------------------------- KANO and weights

def test_kano_list_includes_one_dimensional_features_in_action_order(bank):
    kano = kl.kano_table(bank)
    ranked = kano_priorities(kano)
    shown = kano[~kano["suppressed"]]
    expected = {category: set(shown.loc[shown["category"] == category, "feature"]) for category in ("M", "O", "A", "R")}
    assert expected["O"], "the bank has one-dimensional features"
    for category, features in expected.items():
        assert set(ranked.loc[ranked["category"] == category, "feature"]) == features
    order = ranked["category"].map({"M": 0, "O": 1, "A": 2, "R": 3})
    assert order.is_monotonic_increasing
    assert not set(ranked["category"]) & {"I", "Q"}
    must = ranked[ranked["category"] == "M"]
    assert must["worse"].is_monotonic_increasing  # the most damaging when absent first
    plan = kl.improvement_plan(kl.servqual_gaps(bank), kano)
    assert list(plan.one_dimensional["feature"]) == list(ranked.loc[ranked["category"] == "O", "feature"])
    assert list(plan.must_be["feature"]) == list(must["feature"])


def test_kano_list_leaves_out_suppressed_features(bank):
    kano = kl.kano_table(bank)
    hidden = kano.assign(suppressed=kano["category"] == "O")
    assert "O" not in set(kano_priorities(hidden)["category"])


def test_no_largest_weight_is_claimed_when_weights_are_equal(bank):
    equal = kl.csi(bank, weights="equal").dimensions.set_index("dimension")["weight"]  # as without an importance allocation
    assert largest_weights(equal) == list(equal.index)
    stated = kl.csi(bank).dimensions.set_index("dimension")["weight"]
    assert largest_weights(stated) == [stated.idxmax()]
    assert largest_weights({"a": 0.25, "b": 0.30, "c": 0.45}) == ["c"]
    assert largest_weights({"a": 0.348, "b": 0.350, "c": 0.302}) == ["a", "b"]  # alike at two decimals
    assert largest_weights({"a": 0.348, "b": 0.350, "c": 0.302}, tolerance=0) == ["b"]
    with pytest.raises(OptionError):
        largest_weights({"a": 1.0}, tolerance=-1)
    with pytest.raises(AnalysisInputError):
        largest_weights({})


# ---------------------------------------------------------------------------------------------- waves

def test_latest_wave_is_the_default_and_pooling_is_labelled(bank):
    waves = sorted(bank.data["wave"].unique())
    view = latest_wave(bank)
    assert (view.current, view.previous, view.pooled, view.has_change) == (waves[-1], waves[-2], False, True)
    assert len(view.survey) == int((bank.data["wave"] == waves[-1]).sum())
    assert waves[-1] in view.describe("en") and "latest" in view.describe("en")
    pooled = latest_wave(bank, pool=True)
    assert pooled.pooled and len(pooled.survey) == len(bank) and not pooled.has_change
    assert "pooled" in pooled.describe("en") and "合并" in pooled.describe("zh")
    first = latest_wave(bank, wave=waves[0])
    assert first.current == waves[0] and first.previous is None and not first.has_change
    with pytest.raises(AnalysisInputError, match="no wave"):
        latest_wave(bank, wave="1999Q1")
    with pytest.raises(AnalysisInputError):
        headline_change(first, "nps")


def test_a_survey_without_waves_is_described_whole():
    survey = kl.load_case("it_firm", on_invalid="exclude")
    view = latest_wave(survey)
    assert view.current is None and view.survey is survey and not view.has_change
    assert view.describe("en") == f"all data (n = {len(survey)})"


def test_a_small_latest_wave_is_withheld_and_so_is_its_give_away_sibling(bank):
    rows = bank.data
    late = rows.index[(rows["provider"] == "Operations Centre") & (rows["wave"] == "2026Q2")]
    survey = dataclasses.replace(bank, data=rows.drop(late[3:])).filter(provider="Operations Centre")
    view = latest_wave(survey, min_group_size=5)
    assert view.withheld and view.previous_withheld and not view.has_change
    assert "fewer than 5" in view.note("en") and view.note("zh")
    with pytest.raises(AnalysisInputError):
        headline_change(view, "gap", "responsiveness")
    assert not latest_wave(survey, min_group_size=3).withheld


def test_headline_change_reproduces_each_waves_figures(bank):
    survey = bank.filter(provider="Operations Centre")
    view = latest_wave(survey)
    before, after = survey.filter(wave=view.previous), view.survey
    change = headline_change(view, "gap", "responsiveness")
    per_wave = [kl.servqual_gaps(part).dimensions.set_index("dimension").at["responsiveness", "gap"] for part in (before, after)]
    assert (change.before, change.after) == pytest.approx(per_wave)
    x, y = respondent_gaps(after, "responsiveness").dropna(), respondent_gaps(before, "responsiveness").dropna()
    se = np.sqrt(x.var() / len(x) + y.var() / len(y))
    assert change.diff == pytest.approx(x.mean() - y.mean()) and change.se == pytest.approx(se)
    assert change.ci_low < change.diff < change.ci_high and change.significant == (change.p < 0.05)
    nps_change = headline_change(view, "nps")
    reference = kl.nps_difference(after.data["nps"], before.data["nps"])
    assert (nps_change.diff, nps_change.p) == pytest.approx((reference.difference, reference.p))
    csi_change = headline_change(view, "csi")
    assert (csi_change.before, csi_change.after) == pytest.approx((kl.csi(before).csi, kl.csi(after).csi))
    overall = headline_change(view, "gap")
    assert overall.after == pytest.approx(kl.servqual_gaps(after).overall.set_index("score").at["unweighted", "gap"])


def test_headline_change_carries_the_invariance_verdict_for_scales_only(bank):
    view = latest_wave(bank)
    verdict = type("Check", (), {"means_comparable": False})()
    assert headline_change(view, "gap", "reliability", invariance=verdict).means_comparable is False
    assert headline_change(view, "nps", invariance=verdict).means_comparable is None
    assert "with care" in headline_change(view, "csi", invariance=verdict).words("en")
    assert headline_change(view, "gap").means_comparable is None
    with pytest.raises(OptionError):
        headline_change(view, "satisfaction")
    with pytest.raises(OptionError):
        headline_change(view, "gap", "speed")
    with pytest.raises(OptionError):
        headline_change(view, "nps", "reliability")


def test_wave_changes_is_one_headline_change_per_dimension(bank):
    view = latest_wave(bank)
    table = wave_changes(view)
    assert list(table["measure"]) == DIMENSIONS
    for row in table.itertuples():
        single = headline_change(view, "gap", row.measure)
        assert isinstance(single, HeadlineChange) and row.diff == pytest.approx(single.diff)
    assert list(kl.classify_changes(table)) == ["improved" if s and d > 0 else "declined" if s else "steady"
                                                  for s, d in zip(table["significant"], table["diff"])]


# ---------------------------------------------------------------------------------------------- the bank's report

@pytest.fixture(scope="module")
def bank_reports(tmp_path_factory):
    """The bank report for everyone (en) and for the Operations Centre (en, zh), and chapter 04, run as `kitlib report` runs them."""
    from kitlib.report import ReportJob, run_jobs

    out = tmp_path_factory.mktemp("bank-reports")
    book = yaml.safe_load((case_dir("bank") / "codebook.yaml").read_text(encoding="utf-8"))
    book["columns"] = [column for column in book["columns"] if column["kind"] != "importance"]  # no allocation: equal weights
    (out / "unweighted.yaml").write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    jobs = [ReportJob(name="bank", case="bank", notebook=str(REPORT), parameters={"lang": "en"}),
            ReportJob(name="bank_oc", case="bank", group_by="provider", group="Operations Centre", notebook=str(REPORT),
                      parameters={"lang": "en"}),
            ReportJob(name="bank_oc_zh", case="bank", group_by="provider", group="Operations Centre", notebook=str(REPORT),
                      parameters={"lang": "zh"}),
            ReportJob(name="indices", case="bank", notebook=str(INDICES), parameters={"lang": "en", "n_boot": 0}),
            ReportJob(name="indices_unweighted", data_path=str(case_dir("bank") / "responses.csv"),
                      codebook_path=str(out / "unweighted.yaml"), notebook=str(INDICES), parameters={"lang": "en", "n_boot": 0})]
    results = {result.name: result for result in run_jobs(jobs, out, fmt="ipynb", workers=2, progress=False)}
    return out, results


def report_markdown(out: Path, name: str) -> str:
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    return "\n".join(output["data"]["text/markdown"] for cell in notebook.cells for output in cell.get("outputs", [])
                     if "text/markdown" in output.get("data", {}))


def key_figures(text: str) -> str:
    start = text.index("## Key figures") if "## Key figures" in text else text.index("## 关键数字")
    rest = text[start:]
    return rest[: rest.index("\n## ", 1)] if "\n## " in rest[1:] else rest


@pytest.mark.slow
def test_bank_report_headline_is_the_latest_wave_with_its_change(bank, bank_reports):
    out, results = bank_reports
    assert results["bank"].status == "ok", results["bank"].error
    latest, previous = sorted(bank.data["wave"].unique())[::-1][:2]
    now, before = bank.filter(wave=latest), bank.filter(wave=previous)
    gaps = pd.DataFrame({name: respondent_gaps(now, name) for name in DIMENSIONS})
    worst = gaps.mean().idxmin()
    label = bank.codebook.label(worst, "en")
    change = gaps[worst].mean() - respondent_gaps(before, worst).mean()
    figures = key_figures(report_markdown(out, "bank"))
    assert f"latest wave ({latest}, n = {len(now)})" in figures
    line = next(line for line in figures.splitlines() if line.startswith("- Largest gap"))
    assert f"**{label}** ({gaps[worst].mean():.2f}); change since {previous} {change:+.2f} (95% CI" in line
    assert re.search(r"significant; scalar invariance (holds|does not hold)", line), line
    nps_now = kl.nps(now.data["nps"].dropna()).nps
    assert f"- NPS: **{nps_now:+.0f}**" in figures and f"n = {len(now)})" in figures
    assert "pooled" not in figures
    summary = results["bank"].summary
    assert summary["n"] == len(now) and summary["wave"] == latest and summary["previous_wave"] == previous
    assert summary["pooled"] is False and summary["group"] is None and summary["organisation"] is None
    assert summary["largest_gap"] == pytest.approx(gaps[worst].mean())
    assert summary["changes"]["largest_gap"]["diff"] == pytest.approx(change)
    assert summary["nps"] == pytest.approx(nps_now)
    assert summary["csi"] == pytest.approx(kl.csi(now).csi)


@pytest.mark.slow
def test_provider_report_names_its_provider_and_compares_with_the_organisation(bank, bank_reports):
    out, results = bank_reports
    for name, lang in (("bank_oc", "en"), ("bank_oc_zh", "zh")):
        assert results[name].status == "ok", results[name].error
        provider = bank.codebook.value_label("provider", "Operations Centre", lang)
        latest, previous = sorted(bank.data["wave"].unique())[::-1][:2]
        group = bank.filter(provider="Operations Centre")
        now, before = group.filter(wave=latest), group.filter(wave=previous)
        organisation = bank.filter(wave=latest)
        levels = pd.DataFrame({d: respondent_gaps(now, d) for d in DIMENSIONS}).mean()
        dimension = levels.idxmin()  # the provider's largest gap in the latest wave
        value = levels[dimension]
        change = value - respondent_gaps(before, dimension).mean()
        versus = respondent_gaps(organisation, dimension).mean()
        view = latest_wave(group)
        goal, passed_over = plan_target(kl.servqual_gaps(view.survey), wave_changes(view))
        text = report_markdown(out, name)
        title = text.splitlines()[0]
        assert title.startswith("# ") and title.endswith(provider), title
        figures = key_figures(text)
        assert figures.splitlines()[0].startswith({"en": f"## Key figures: {provider}", "zh": f"## 关键数字：{provider}"}[lang])
        label = bank.codebook.label(dimension, lang)
        expected = {"en": f"- Largest gap: **{label}** ({value:.2f}); organisation {versus:.2f}; change since {previous} {change:+.2f}",
                    "zh": f"- 差距最大的维度：**{label}**（{value:.2f}）；全组织 {versus:.2f}；较 {previous} 变化 {change:+.2f}"}[lang]
        assert expected in figures, figures
        plan = text[text.index({"en": "## What to do next (PDCA)", "zh": "## 下一步（PDCA）"}[lang]):]
        first_step = plan.splitlines()[2]
        assert provider in first_step
        assert passed_over == [dimension] and goal.dimension != dimension  # the largest gap improved: the plan says so
        assert f"**{goal.label(lang)}** ({goal.gap:.2f}; organisation" in first_step or f"**{goal.label(lang)}**（{goal.gap:.2f}；全组织" in first_step
        assert f"**{label}**" in first_step
        summary = results[name].summary
        assert summary["group"] == provider and summary["n"] == len(now)
        assert summary["organisation"]["largest_gap"] == pytest.approx(versus)
        assert summary["changes"]["largest_gap"]["diff"] == pytest.approx(change)
        assert summary["plan_target"] == goal.label(lang)
        json.dumps(summary)  # the index reads it back


@pytest.mark.slow
def test_chapter_04_headlines_the_latest_wave_and_claims_no_largest_weight(bank, bank_reports):
    out, results = bank_reports
    assert results["indices"].status == "ok", results["indices"].error
    text = report_markdown(out, "indices")
    latest = sorted(bank.data["wave"].unique())[-1]
    now = bank.filter(wave=latest)
    nps_now = kl.nps(now.data["nps"].dropna())
    assert f"Latest wave ({latest}, n = {len(now)}): NPS = **{nps_now.nps:+.1f}**" in text
    index = kl.csi(now)
    assert f"CSI = **{index.csi:.1f}** / 100" in text
    weights = index.dimensions.set_index("dimension")
    heaviest = weights["weight"].idxmax()
    assert (f"The most heavily weighted dimension is **{weights.at[heaviest, 'label_en']}** "
            f"(weight {weights.at[heaviest, 'weight']:.2f})") in text
    assert results["indices_unweighted"].status == "ok", results["indices_unweighted"].error
    unweighted = report_markdown(out, "indices_unweighted")
    assert "most heavily weighted" not in unweighted and "largest weight" not in unweighted
    assert f"Every dimension carries the same weight ({1 / len(weights):.2f})" in unweighted
