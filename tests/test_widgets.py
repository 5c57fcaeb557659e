"""Course widgets: the plain update functions, the ipywidgets wiring, and a frontend-less (papermill) run."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest

import kitlib as kl
from kitlib.widgets import gap_explorer, gap_view, ipa_what_if, kano_classifier, kano_verdict, what_if


# ---------------------------------------------------------------- KANO classifier
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kano_verdict_agrees_with_kano_classify_for_all_25_pairs(lang, case):
    codes = [(f, d) for f in range(1, 6) for d in range(1, 6)]
    expected = kl.kano_classify([f for f, _ in codes], [d for _, d in codes])
    options = case("it_firm").codebook.kano_options
    for (f, d), category in zip(codes, expected):
        verdict = kano_verdict(f, d, lang)
        assert verdict.category == category
        assert options[f][lang] in verdict.text and options[d][lang] in verdict.text


def test_kano_classifier_updates_when_answers_change():
    panel = kano_classifier(lang="en", functional=1, dysfunctional=5)
    present, absent, result = panel.children[1], panel.children[2], panel.children[3]
    assert ">O<" in result.value and "one-dimensional" in result.value
    present.value = 2
    assert ">M<" in result.value and "must-be" in result.value
    absent.value = 3
    assert ">I<" in result.value
    present.value, absent.value = 5, 5
    assert ">Q<" in result.value


# ---------------------------------------------------------------- gap explorer
def dimension_gap_by_hand(data, book, dimension):
    """Mean over respondents of (mean answered P items − mean answered E items) of one dimension."""
    pairs = [(e, p) for d, e, p in book.servqual_pairs() if d == dimension]
    perception = data[[p for _, p in pairs]].mean(axis=1)
    expectation = data[[e for e, _ in pairs]].mean(axis=1)
    both = perception.notna() & expectation.notna()
    return float((perception[both] - expectation[both]).mean())


@pytest.mark.parametrize("dimension", ["responsiveness", "tangibles"])
def test_gap_view_matches_the_gap_formula_and_hides_small_departments(dimension, case):
    survey = case("manufacturer")
    provider = "Maintenance"
    table = gap_view(survey, provider, dimension).set_index("department")
    mine = survey.data[survey.data["provider"] == provider]
    sizes = mine.groupby("department")["respondent_id"].nunique()
    assert set(sizes[sizes < 5].index) <= set(table.index[table["suppressed"]])
    assert table.loc[table["suppressed"], ["n", "gap"]].isna().all().all()
    shown = table[~table["suppressed"]]
    assert len(shown) >= 3
    for department, row in shown.iterrows():
        subset = mine[mine["department"] == department]
        assert row["gap"] == pytest.approx(dimension_gap_by_hand(subset, survey.codebook, dimension), abs=1e-9)
        assert row["n"] == sizes[department]


def test_gap_view_respects_a_larger_min_group_size(case):
    survey = case("it_firm")
    table = gap_view(survey, "IT Support", "overall", min_group_size=45)
    sizes = survey.data[survey.data["provider"] == "IT Support"].groupby("department")["respondent_id"].nunique()
    hidden = set(table.loc[table["suppressed"], "department"])
    assert set(sizes[sizes < 45].index) <= hidden
    assert table.loc[~table["suppressed"], "n"].min() >= 45


def test_gap_explorer_starts_on_the_requested_provider(case):
    panel = gap_explorer(lang="zh", case="manufacturer", provider="Maintenance", min_group_size=5)
    assert panel.children[0].children[1].value == "Maintenance"
    pd.testing.assert_frame_equal(panel.table, gap_view(case("manufacturer"), "Maintenance", "overall"))
    assert len(panel.children[1].outputs) == 1


def test_gap_explorer_dropdowns_update_the_table(case):
    panel = gap_explorer(lang="en", case="bank", min_group_size=5)
    case_box, provider_box, dimension_box = panel.children[0].children
    assert provider_box.value == sorted(case("bank").data["provider"].unique())[0]
    provider_box.value = "Operations Centre"
    dimension_box.value = "responsiveness"
    expected = gap_view(case("bank"), "Operations Centre", "responsiveness")
    pd.testing.assert_frame_equal(panel.table, expected)
    assert panel.table["suppressed"].any()
    case_box.value = "it_firm"
    assert provider_box.value == sorted(case("it_firm").data["provider"].unique())[0]
    assert dimension_box.value == "overall"
    pd.testing.assert_frame_equal(panel.table, gap_view(case("it_firm"), provider_box.value, "overall"))


# ---------------------------------------------------------------- IPA what-if
def test_what_if_without_a_move_reproduces_kitlib_ipa(case):
    result = kl.ipa(case("it_firm"))
    moved, cuts = what_if(result.table, "tangibles")
    assert cuts == pytest.approx((result.importance_cut, result.performance_cut), abs=1e-12)
    assert moved["quadrant"].tolist() == result.table["quadrant"].tolist()


def test_what_if_moves_the_point_and_the_crosshairs(case):
    table = kl.ipa(case("it_firm")).table
    weakest = table.loc[table["quadrant"] == "concentrate", "unit"].iloc[0]
    best = table["performance"].max() + 0.5
    moved, (icut, pcut) = what_if(table, weakest, performance=best)
    expected_cut = (table["performance"].sum() - table.set_index("unit").loc[weakest, "performance"] + best) / len(table)
    assert pcut == pytest.approx(expected_cut, abs=1e-12)
    assert icut == pytest.approx(table["importance"].mean(), abs=1e-12)
    row = moved.set_index("unit").loc[weakest]
    assert row["quadrant"] == "keep_up" and row["quadrant_zh"] == "继续保持"
    lowest = table["importance"].min() - 1
    moved, _ = what_if(table, weakest, importance=lowest, performance=best)
    assert moved.set_index("unit").loc[weakest, "quadrant"] == "overkill"
    with pytest.raises(KeyError):
        what_if(table, "no such unit")


def test_ipa_what_if_sliders_update_and_reset(case):
    panel = ipa_what_if(case("it_firm"), lang="zh")
    (units, reset), importance, performance, verdict = panel.children[0].children, *panel.children[1:4]
    original = kl.ipa(case("it_firm")).table.set_index("unit")
    concentrate = original.index[original["quadrant"] == "concentrate"][0]
    units.value = concentrate
    assert importance.value == pytest.approx(original.loc[concentrate, "importance"], abs=importance.step)
    performance.value = performance.max
    assert panel.table.set_index("unit").loc[concentrate, "quadrant"] == "keep_up"
    assert "继续保持" in verdict.value and "重点改进" in verdict.value
    reset.click()
    assert panel.table.set_index("unit").loc[concentrate, "quadrant"] == "concentrate"


# ---------------------------------------------------------------- no frontend attached
@pytest.mark.slow
def test_widgets_run_under_papermill_without_a_frontend(tmp_path):
    import papermill as pm

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell('lang = "zh"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import kitlib as kl\nfrom kitlib.widgets import kano_classifier, gap_explorer, ipa_what_if"),
        nbformat.v4.new_code_cell("kano_classifier(lang=lang)"),
        nbformat.v4.new_code_cell('gap_explorer(lang=lang, case="bank")'),
        nbformat.v4.new_code_cell('ipa_what_if(kl.load_case("it_firm"), lang=lang)'),
    ]
    source, out = tmp_path / "widgets.ipynb", tmp_path / "widgets-out.ipynb"
    nbformat.write(nb, source)
    pm.execute_notebook(str(source), str(out), parameters={"lang": "en"}, progress_bar=False, kernel_name="python3")
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    calls = [c for c in cells if "".join(c["source"]).startswith(("kano_classifier(", "gap_explorer(", "ipa_what_if("))]
    assert len(calls) == 3
    for cell in calls:
        kinds = [o["output_type"] for o in cell["outputs"]]
        assert "error" not in kinds
        views = [o for o in cell["outputs"] if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert views, cell["source"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_if_verdict_describes_every_reclassification(lang, case):
    from kitlib.service.indices import QUADRANTS
    from kitlib.widgets.importance import reclassifications, verdict_text

    table = kl.ipa(case("it_firm")).table
    seen_side_effect = False
    for unit in table["unit"]:
        for performance in (3.0, 4.0, 5.0, 6.0, 6.5, 7.0):
            moved, cuts = what_if(table, unit, performance=performance)
            text = verdict_text(table, moved, unit, lang, cuts=cuts)
            changes = reclassifications(table, moved)
            labels = moved.set_index("unit")[f"label_{lang}"]
            for change in changes.itertuples():
                assert labels[change.unit] in text
                assert QUADRANTS[change.after][lang] in text and QUADRANTS[change.before][lang] in text
            others = changes[changes["unit"] != unit]
            seen_side_effect |= not others.empty
            if others.empty:
                assert ("其他维度的象限不变" if lang == "zh" else "No other dimension changes quadrant") in text
    assert seen_side_effect  # the case has moves that flip another dimension through the crosshairs


def test_ipa_what_if_panel_verdict_names_the_dimension_flipped_by_the_crosshairs(case):
    panel = ipa_what_if(case("it_firm"), lang="en")
    (units, _), _, performance, verdict = panel.children[0].children, *panel.children[1:4]
    units.value = "empathy"
    performance.value = 6.5
    others = panel.changes[panel.changes["unit"] != "empathy"]
    assert not others.empty
    for unit in others["unit"]:
        assert panel.table.set_index("unit").loc[unit, "label_en"] in verdict.value
