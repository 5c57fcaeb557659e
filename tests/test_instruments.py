"""Any real survey: the analyses, chapters and report adapt to what the codebook declares.

The variants are built from the shipped cases (codebook + CSV edited into a
temporary folder): perceptions only (SERVPERF), KANO only, NPS only, overall
satisfaction only, 4- and 11-point scales with a dimension dropped, and a
researcher's 10-item 5-point SERVPERF with renamed dimensions of 4, 3, 2 and 1
items.  The fast tests check the library (:func:`kitlib.instrument`,
:func:`kitlib.perception_scores`, the SERVPERF mode of the PDCA rules); the
slow matrix runs the report and every chapter on the variants with the report
runner (papermill) and checks that each section either runs with the API's
numbers or is replaced by its one-line note.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

import kitlib as kl
from kitlib.data.cases import case_dir
from kitlib.errors import OptionError
from kitlib.report import ReportJob, ReportResult, run_jobs
from kitlib.report.html import escape_markdown
from kitlib.service.capabilities import SECTIONS

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("0*.ipynb"))
REPORT = NOTEBOOKS / "report.ipynb"

# --- the variants --------------------------------------------------------------------------------------------------

SCALED_KINDS = ("servqual_E", "servqual_P", "overall")
KEEP = ("id", "group", "wave")
RESEARCHER = {"dependability": ["P05", "P06", "P07", "P08"], "speed": ["P10", "P11", "P12"], "care": ["P18", "P19"],
              "competence": ["P14"]}
RESEARCHER_LABELS = {"dependability": {"zh": "可信赖", "en": "Dependability"}, "speed": {"zh": "速度", "en": "Speed"},
                     "care": {"zh": "关怀", "en": "Care"}, "competence": {"zh": "专业能力", "en": "Competence"}}


def _read(case: str):
    book = yaml.safe_load((case_dir(case) / "codebook.yaml").read_text(encoding="utf-8"))
    frame = pd.read_csv(case_dir(case) / "responses.csv", dtype=str, keep_default_na=False)
    return book, frame


def _keep(book, frame, keep):
    book["columns"] = [column for column in book["columns"] if keep(column)]
    return book, frame[[column["id"] for column in book["columns"]]]


def _rescale(book, frame, low, high):
    """Answers of the SERVQUAL and overall items mapped linearly onto ``low..high`` (rounded)."""
    frame = frame.copy()
    for column in book["columns"]:
        if column["kind"] in SCALED_KINDS:
            old = column["scale"]
            values = pd.to_numeric(frame[column["id"]].replace("", np.nan))
            new = low + (values - old["min"]) * (high - low) / (old["max"] - old["min"])
            frame[column["id"]] = new.round().map(lambda v: "" if pd.isna(v) else str(int(v)))
            column["scale"] = {"min": low, "max": high}
    return book, frame


def servperf(case):
    book, frame = _read(case)
    return _keep(book, frame, lambda column: column["kind"] != "servqual_E")


def only(case, kinds):
    book, frame = _read(case)
    return _keep(book, frame, lambda column: column["kind"] in KEEP + kinds)


def rescaled(case, low, high, drop=()):
    book, frame = _read(case)
    book, frame = _keep(book, frame, lambda column: column.get("dimension") not in drop)
    for dimension in drop:
        book["dimensions"].pop(dimension, None)
    return _rescale(book, frame, low, high)


def researcher(case="manufacturer"):
    """The issue's survey: 10 perception items on a 5-point scale, no expectations, renamed dimensions (4/3/2/1 items)."""
    book, frame = _read(case)
    dimension_of = {item: dimension for dimension, items in RESEARCHER.items() for item in items}
    book, frame = _keep(book, frame, lambda column: column["kind"] in KEEP + ("overall", "nps") or column["id"] in dimension_of)
    for column in book["columns"]:
        if column["id"] in dimension_of:
            column["dimension"] = dimension_of[column["id"]]
    book["dimensions"] = RESEARCHER_LABELS
    book.pop("features", None)
    return _rescale(book, frame, 1, 5)


VARIANTS = {
    "servperf_it_firm": lambda: servperf("it_firm"),
    "servperf_manufacturer": lambda: servperf("manufacturer"),
    "servperf_bank": lambda: servperf("bank"),
    "kano_only": lambda: only("it_firm", ("kano_functional", "kano_dysfunctional")),
    "nps_only": lambda: only("bank", ("nps",)),
    "overall_only": lambda: only("manufacturer", ("overall",)),
    "scale11": lambda: rescaled("bank", 0, 10),
    "scale4": lambda: rescaled("it_firm", 1, 4, drop=("tangibles",)),
    "researcher": researcher,
}


def write_variant(name: str, folder: Path) -> tuple[Path, Path]:
    book, frame = VARIANTS[name]()
    book["name"] = name
    declared = set(book.get("dimensions") or {}) | {column.get("dimension") for column in book["columns"]}
    for theme in (book.get("themes") or {}).values():  # a comment theme may not point at a dimension the variant dropped
        if theme.get("dimension") not in declared:
            theme.pop("dimension", None)
    data, codebook = folder / f"{name}.csv", folder / f"{name}.yaml"
    codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    frame.to_csv(data, index=False)
    return data, codebook


@pytest.fixture(scope="module")
def variant_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    return {name: write_variant(name, folder) for name in VARIANTS}


@pytest.fixture(scope="module")
def surveys(variant_files):
    return {name: kl.load_survey(data, book, on_invalid="exclude") for name, (data, book) in variant_files.items()}


# --- the library -----------------------------------------------------------------------------------------------------

UNSUPPORTED = {  # sections each variant cannot feed
    "servperf_it_firm": {"gaps", "weighted", "trend"},
    "servperf_bank": {"gaps", "weighted"},
    "kano_only": set(SECTIONS) - {"kano", "groups"},
    "nps_only": set(SECTIONS) - {"nps", "groups", "matrix", "trend"},
    "overall_only": set(SECTIONS) - {"overall", "groups", "matrix"},
    "scale11": set(),
    "scale4": {"trend"},
    "researcher": {"gaps", "weighted", "kano", "trend"},
}


def test_the_shipped_cases_are_weighted_servqual():
    for case in kl.CASES:
        info = kl.instrument(kl.load_case(case))
        assert info.kind == "weighted SERVQUAL"
        assert list(info.dimensions) == ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
        assert info.cfa_dimensions == tuple(info.dimensions)
        assert info.supports("trend") == (case == "bank")
        assert info.ipa_importance == "stated" and info.matrix_value == "gap"


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_instrument_says_what_each_variant_supports(surveys, name):
    info = kl.instrument(surveys[name])
    assert {section for section in SECTIONS if not info.supports(section)} == UNSUPPORTED[name]
    for section in SECTIONS:
        for lang in ("zh", "en"):
            note = info.note(section, lang)
            assert bool(note) == (section in UNSUPPORTED[name])
            if note:
                assert note.startswith("*本节略去：" if lang == "zh" else "*Not shown: ") and "\n" not in note


def test_instrument_of_the_researcher_survey(surveys):
    info = kl.instrument(surveys["researcher"])
    assert info.kind == "SERVPERF" and info.scale == (1.0, 5.0)
    assert info.dimensions == {"dependability": 4, "speed": 3, "competence": 1, "care": 2}
    assert info.scaled_dimensions == ("dependability", "speed", "care")
    assert info.cfa_dimensions == ("dependability", "speed")
    assert info.single_item_dimensions == ("competence",) and info.two_item_dimensions == ("care",)
    assert info.ipa_importance == "derived" and info.matrix_value == "perception"
    notes = info.scale_notes("en")
    assert notes[0].startswith("Competence has a single item") and notes[1].startswith("Care has two items")
    assert "专业能力" in info.scale_notes("zh")[0]
    assert "SERVPERF" in info.describe("en") and "Speed (3)" in info.describe("en")


def test_instrument_reasons_name_the_first_missing_requirement(surveys):
    kano = kl.instrument(surveys["kano_only"])
    assert kano.reason("gaps", "en") == kano.reason("csi", "en") and "no perception items" in kano.reason("gaps", "en")
    servperf = kl.instrument(surveys["servperf_it_firm"])
    assert "SERVPERF" in servperf.reason("gaps", "en") and "SERVPERF" in servperf.reason("gaps", "zh")
    assert servperf.reason("weighted", "en") == servperf.reason("gaps", "en")
    with pytest.raises(OptionError):
        servperf.supports("no_such_section")
    with pytest.raises(kl.AnalysisInputError):
        kl.instrument("survey.csv")
    assert kl.instrument(surveys["servperf_bank"].codebook).has_waves is False  # a codebook alone has no data


def test_cfa_needs_a_testable_model():
    from kitlib.service.capabilities import _cfa_dimensions

    assert _cfa_dimensions({"a": 3}) == ()  # one factor of three items: df = 0
    assert _cfa_dimensions({"a": 4, "b": 2}) == ("a",)
    assert _cfa_dimensions({"a": 3, "b": 3, "c": 1}) == ("a", "b")


@pytest.mark.parametrize("name", ["servperf_bank", "researcher", "scale11"])
def test_perception_scores_match_the_respondent_scores(surveys, name):
    survey = surveys[name]
    result = kl.perception_scores(survey)
    model = survey.codebook.servqual_model("P")
    low, high = kl.instrument(survey).scale
    table = result.dimensions.set_index("dimension")
    for dimension, items in model.items():
        scores = survey.data[items].mean(axis=1).dropna()
        assert table.at[dimension, "mean"] == pytest.approx(scores.mean())
        assert table.at[dimension, "n"] == len(scores) and table.at[dimension, "n_items"] == len(items)
        assert table.at[dimension, "ci_low"] < table.at[dimension, "mean"] < table.at[dimension, "ci_high"]
        assert table.at[dimension, "score_0_100"] == pytest.approx(100 * (scores.mean() - low) / (high - low))
    assert set(result.items["item"]) == {item for items in model.values() for item in items}
    assert result.scale == (low, high)


def test_perception_scores_are_grouped_and_suppressed_like_the_gaps(surveys):
    survey = surveys["servperf_it_firm"]
    grouped = kl.perception_scores(survey, by="department")
    hidden = grouped.dimensions[grouped.dimensions["suppressed"]]
    assert not hidden.empty and hidden["mean"].isna().all()
    assert set(grouped.overall["score"]) == {"unweighted", "weighted"}
    assert "department_label_zh" in grouped.dimensions


def test_lowest_perception_is_the_servperf_target(surveys):
    survey = surveys["researcher"]
    scores = kl.perception_scores(survey)
    focus = kl.largest_gap(scores)
    means = scores.dimensions.set_index("dimension")["mean"]
    assert focus.measure == "perception" and focus.dimension == means.idxmin() == "dependability"
    items = scores.items[scores.items["dimension"] == focus.dimension].set_index("item")["mean"]
    assert focus.item == items.idxmin() and focus.item_gap == pytest.approx(items.min())
    plan = kl.improvement_plan(scores, None, None, measures=("nps",))
    assert plan.target == focus and plan.check_measures == ["dependability", "nps"]
    assert kl.largest_gap(kl.servqual_gaps(kl.load_case("bank"))).measure == "gap"
    with pytest.raises(kl.AnalysisInputError):
        kl.largest_gap(kl.perception_scores(survey, by="provider"))
    with pytest.raises(OptionError):
        kl.largest_gap(scores.dimensions)


def test_trend_and_provider_matrix_without_servqual_items(surveys):
    result = kl.trend(surveys["nps_only"])
    assert result.changes["measure"].tolist() == ["nps"]
    servperf = kl.trend(surveys["servperf_bank"]).changes["measure"].tolist()
    assert "servqual_gap" not in servperf and "responsiveness" in servperf
    figure = kl.plot.trend_chart(result, lang="en")
    assert len(figure.axes) == 1  # only the NPS panel: no empty panels
    survey = surveys["servperf_it_firm"]
    matrix = kl.provider_matrix(survey, value="perception")
    assert matrix.label_en == "Perception score"
    cell = matrix.cells.dropna(subset=["mean"]).iloc[0]
    rows = survey.data[(survey.data["provider"] == cell["provider"]) & (survey.data["department"] == cell["department"])]
    scores = pd.DataFrame({d: rows[items].mean(axis=1) for d, items in survey.codebook.servqual_model("P").items()})
    assert cell["mean"] == pytest.approx(scores.mean(axis=1).dropna().mean())


def test_csi_and_perception_bars_follow_the_answer_scale(surveys):
    survey = surveys["scale11"]
    result = kl.csi(survey)
    table = result.dimensions
    assert np.allclose(table["score_0_100"], 100 * (table["mean"] - 0) / 10)
    ax = kl.plot.perception_bars(kl.perception_scores(surveys["researcher"]), lang="zh")
    assert ax.get_xlim() == (1.0, 5.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["可信赖", "速度", "专业能力", "关怀"]


# --- the notebooks ---------------------------------------------------------------------------------------------------

REPORT_RUNS = {  # variant: languages of its report run
    "servperf_it_firm": ("en", "zh"), "servperf_manufacturer": ("zh",), "servperf_bank": ("en",),
    "kano_only": ("en",), "nps_only": ("zh",), "overall_only": ("en",), "scale11": ("en",), "scale4": ("zh",),
    "researcher": ("en", "zh"),
}
CHAPTER_RUNS = ("servperf_bank", "researcher", "kano_only", "nps_only", "overall_only", "scale4", "scale11")


def _shared_folder(tmp_path_factory, name: str) -> Path:
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


def _jobs(folder: Path) -> list[ReportJob]:
    files = {name: write_variant(name, folder) for name in VARIANTS}
    jobs = [ReportJob(name=f"report__{name}__{lang}", data_path=str(files[name][0]), codebook_path=str(files[name][1]),
                      notebook=str(REPORT), parameters={"lang": lang})
            for name, langs in REPORT_RUNS.items() for lang in langs]
    jobs += [ReportJob(name=f"{path.stem}__{name}", data_path=str(files[name][0]), codebook_path=str(files[name][1]),
                       notebook=str(path), parameters={"lang": "en"})
             for name in CHAPTER_RUNS for path in CHAPTERS]
    return jobs


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The report and chapters over the variants, run once per session even under pytest-xdist."""
    out = _shared_folder(tmp_path_factory, "instrument-notebooks")
    out.mkdir(exist_ok=True)
    with open(out.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker runs the batch, the others wait and reuse it
        record = out / "results.json"
        if not record.exists():
            data = out / "data"
            data.mkdir(exist_ok=True)
            results = run_jobs(_jobs(data), out, fmt="ipynb", progress=False)
            record.write_text(json.dumps([result.to_dict() for result in results]), encoding="utf-8")
        results = [ReportResult(**entry) for entry in json.loads(record.read_text(encoding="utf-8"))]
    return out, {result.name: result for result in results}


def _outputs(out: Path, name: str):
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def markdown(out: Path, name: str) -> str:
    return "\n".join(output["data"]["text/markdown"] for output in _outputs(out, name) if "text/markdown" in output.get("data", {}))


RUN_NAMES = ([f"report__{name}__{lang}" for name, langs in REPORT_RUNS.items() for lang in langs]
             + [f"{path.stem}__{name}" for name in CHAPTER_RUNS for path in CHAPTERS])


@pytest.mark.slow
@pytest.mark.parametrize("run", RUN_NAMES)
def test_every_notebook_runs_on_every_variant(executed, run):
    out, results = executed
    assert results[run].status == "ok", results[run].error
    errors = [output for output in _outputs(out, run) if output.get("output_type") == "error"]
    assert not errors


@pytest.mark.slow
@pytest.mark.parametrize("name", ["servperf_it_firm", "servperf_manufacturer", "servperf_bank"])
def test_servperf_report_is_the_full_report_minus_the_gaps(executed, surveys, name):
    out, results = executed
    survey = surveys[name]
    info = kl.instrument(survey)
    headline = kl.latest_wave(survey).survey  # key figures describe the latest wave
    scores = kl.perception_scores(headline)
    focus = kl.largest_gap(scores)
    for lang in REPORT_RUNS[name]:
        run = f"report__{name}__{lang}"
        text = markdown(out, run)
        assert info.note("gaps", lang) in text
        gap_heading, perception_heading = {"en": ("## Service gaps", "## Perception scores"), "zh": ("## 服务差距", "## 感知得分")}[lang]
        assert gap_heading not in text and perception_heading in text
        for heading in {"en": ("## Key figures", "## Can we trust the scales?", "## KANO features", "## What to do next (PDCA)",
                               "### Where to concentrate (IPA)"),
                        "zh": ("## 关键数字", "## 量表可信吗？", "## KANO 功能", "## 下一步（PDCA）", "### 重点改进在哪里？（IPA）")}[lang]:
            assert heading in text, (run, heading)
        assert (("## Before and after" in text) or ("## 前后对比" in text)) == info.has_waves
        label = focus.label(lang)
        line = {"en": f"- Lowest-rated dimension: **{label}** ({focus.gap:.2f})", "zh": f"- 感知得分最低的维度：**{label}**（{focus.gap:.2f}）"}[lang]
        assert line in text
        overall = scores.overall.set_index("score")["mean"]
        assert f"**{overall['unweighted']:.2f}**" in text and f"**{overall['weighted']:.2f}**" in text
        summary = results[run].summary
        assert summary["csi"] == pytest.approx(kl.csi(headline).csi, abs=1e-9)
        assert summary["nps"] == pytest.approx(kl.nps(headline.data["nps"].dropna()).nps, abs=1e-9)
        assert summary["largest_gap_dimension"] is None and summary["lowest_dimension"] == label
        assert summary["instrument"] == "SERVPERF"
        check = kl.check_scales(survey.servqual("P"), survey.codebook.servqual_model("P"))
        verdict = next(line for line in text.splitlines() if line.startswith(("**Verdict", "**结论")))
        assert f"CFI = {check.fit['cfi']:.3f}" in verdict and f"**{check.weak_items[0]}**" in verdict


@pytest.mark.slow
def test_researcher_report_scales_only_what_can_be_scaled(executed, surveys):
    out, results = executed
    survey = surveys["researcher"]
    info = kl.instrument(survey)
    structure = {name: survey.codebook.servqual_model("P")[name] for name in info.cfa_dimensions}
    fit = kl.cfa(survey.servqual("P"), structure).fit
    for lang in ("en", "zh"):
        text = markdown(out, f"report__researcher__{lang}")
        for note in info.scale_notes(lang):
            assert escape_markdown(note) in text  # the report escapes every label-bearing sentence
        assert f"RMSEA = {fit['rmsea']:.3f}" in text
        assert info.note("kano", lang) in text and info.note("trend", lang) in text
        assert {"en": "**Dependability**", "zh": "**可信赖**"}[lang] in text
    assert results["report__researcher__en"].summary["overall_satisfaction"] == pytest.approx(
        survey.data["overall"].mean())
    chapter = markdown(out, "01_servqual_validation__researcher")
    assert info.scale_notes("en")[0] in chapter and "2-factor model" in chapter


@pytest.mark.slow
def test_reports_without_servqual_items(executed, surveys):
    out, results = executed
    kano = markdown(out, "report__kano_only__en")
    assert "## KANO features" in kano and "## Key figures" in kano
    assert kl.instrument(surveys["kano_only"]).note("gaps", "en") in kano
    assert results["report__kano_only__en"].summary["csi"] is None

    nps_text = markdown(out, "report__nps_only__zh")
    result = kl.nps(kl.latest_wave(surveys["nps_only"]).survey.data["nps"].dropna())  # the latest wave's
    assert f"NPS：**{result.nps:+.0f}**" in nps_text and "## 前后对比" in nps_text and "## 各服务部门的 NPS" in nps_text
    assert kl.instrument(surveys["nps_only"]).note("pdca", "zh") in nps_text

    overall = markdown(out, "report__overall_only__en")
    mean = surveys["overall_only"].data["overall"].mean()
    assert f"Overall satisfaction (1–7): **{mean:.2f}**" in overall
    assert "The lowest overall satisfaction is between" in overall  # the provider × department map on overall satisfaction
    for name in ("kano_only", "nps_only", "overall_only"):
        chapter = markdown(out, f"01_servqual_validation__{name}")
        assert kl.instrument(surveys[name]).note("reliability", "en") in chapter


@pytest.mark.slow
@pytest.mark.parametrize("name", ["scale11", "scale4"])
def test_other_scales_report_the_api_gaps(executed, surveys, name):
    out, _ = executed
    survey = surveys[name]
    gaps = kl.servqual_gaps(survey)
    focus = kl.largest_gap(gaps)
    headline = kl.latest_wave(survey).survey  # the report's key figures describe the latest wave
    latest = kl.largest_gap(kl.servqual_gaps(headline))
    for lang in REPORT_RUNS[name]:
        text = markdown(out, f"report__{name}__{lang}")
        assert {"en": f"- Largest gap: **{latest.label('en')}** ({latest.gap:.2f})",
                "zh": f"- 差距最大的维度：**{latest.label('zh')}**（{latest.gap:.2f}）"}[lang] in text
        assert f"{kl.csi(headline).csi:.1f}" in text
    chapter = markdown(out, f"02_service_gaps__{name}")
    assert f"The largest gap is in **{focus.label('en')}** ({focus.gap:.2f} points" in chapter
    if name == "scale4":
        assert "Tangibles" not in "\n".join(markdown(out, f"{path.stem}__{name}") for path in CHAPTERS)


@pytest.mark.slow
def test_servperf_chapters_use_the_perception_scores(executed, surveys):
    out, _ = executed
    survey = surveys["servperf_bank"]
    focus = kl.largest_gap(kl.perception_scores(survey))
    gaps_chapter = markdown(out, "02_service_gaps__servperf_bank")
    assert kl.instrument(survey).note("gaps", "en") in gaps_chapter
    assert f"The lowest perception score is in **{focus.label_en}** ({focus.gap:.2f} points" in gaps_chapter
    trends = markdown(out, "05_trends_pdca__servperf_bank")
    assert "2025Q4 → 2026Q2" in trends
    baseline = markdown(out, "05_trends_pdca__researcher")
    target = kl.largest_gap(kl.perception_scores(surveys["researcher"]))
    assert f"make the lowest-rated dimension, **{target.label_en}** ({target.gap:.2f})" in baseline


@pytest.mark.slow
@pytest.mark.parametrize("name", ["researcher", "scale4"])
def test_short_scales_are_fitted_as_ordinal(executed, surveys, name):
    """≤ 5 answer points: WLSMV with its scaled indices, ordinal alpha beside alpha, ML shown for comparison."""
    from kitlib.psychometrics.scale_check import choose_estimator

    out, _ = executed
    survey = surveys[name]
    info = kl.instrument(survey)
    model = {dimension: survey.codebook.servqual_model("P")[dimension] for dimension in info.cfa_dimensions}
    choice = choose_estimator(survey.codebook, model)
    assert choice.estimator == "WLSMV"
    check = kl.check_scales(survey.servqual("P"), model, estimator=choice)
    for lang in REPORT_RUNS[name]:
        text = markdown(out, f"report__{name}__{lang}")
        assert check.choice.explain(lang) in text
        verdict = next(line for line in text.splitlines() if line.startswith(("**Verdict", "**结论")))
        assert "WLSMV" in verdict and f"CFI = {check.fit_values['cfi']:.3f}" in verdict
        assert f"{check.ordinal_reliability['ordinal_alpha'].min():.2f}" in verdict
    assert "(WLSMV)" in markdown(out, f"01_servqual_validation__{name}")
