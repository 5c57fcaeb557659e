"""Every chapter notebook and the report notebook execute for every case, and say what the numbers say.

The notebooks run in one batch through the report runner (papermill, parallel
workers, warm kernels) — the same machinery as ``kitlib report`` — and are
then checked: no errors, texts built from the computed values, the planted
truths of each case found, both languages, withheld groups nowhere, a
researcher's own data overriding ``case``.  nbval re-runs the committed
chapter notebooks as they are (``--nbval-lax``).
"""

from __future__ import annotations

import ast
import fcntl
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

import kitlib as kl
from kitlib.data.cases import case_dir
from kitlib.report import ReportJob, ReportResult, run_jobs
from kitlib.report.chapter import withheld_groups

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("0*.ipynb"))
REPORT = NOTEBOOKS / "report.ipynb"
ALL = CHAPTERS + [REPORT]
LANG = {"it_firm": "en", "manufacturer": "zh", "bank": "en"}  # both languages in every notebook
OTHER_LANG = {"en": "zh", "zh": "en"}
GROUP_NOTEBOOKS = [CHAPTERS[0], CHAPTERS[2], CHAPTERS[4], REPORT]  # the ones naming providers and departments
PLANTED = {  # from datasets/<case>/README.md
    "it_firm": {"largest_gap": "responsiveness", "weak_item": "P19", "must_be": ["F03", "F04"]},
    "manufacturer": {"largest_gap": "reliability", "weak_item": "P03", "must_be": ["F01", "F06"]},
    "bank": {"largest_gap": "responsiveness", "weak_item": "P02", "must_be": ["F01", "F02", "F10"]},
}
SERVQUAL_ORDER = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
PARAMETERS = {"case", "data_path", "codebook_path", "lang", "min_group_size", "provider", "department", "wave", "alpha_level"}
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.xdist_group("notebooks")


def test_there_are_six_chapters_and_a_report():
    assert [path.name[:2] for path in CHAPTERS] == ["00", "01", "02", "03", "04", "05", "06"]
    assert REPORT.exists()


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_committed_notebook_is_clean_and_parameterized(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code), "stored outputs must be empty"
    tagged = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assigned = {node.targets[0].id for node in ast.parse(tagged[0].source).body if isinstance(node, ast.Assign)}
    assert PARAMETERS <= assigned
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def own_data(tmp_path_factory):
    """A researcher's own file: the it_firm data under another name, with its codebook elsewhere."""
    folder = tmp_path_factory.mktemp("own")  # per worker; only the first worker's copy is used
    shutil.copy(case_dir("it_firm") / "responses.csv", folder / "my_survey.csv")
    shutil.copy(case_dir("it_firm") / "codebook.yaml", folder / "my_codebook.yaml")
    return folder / "my_survey.csv", folder / "my_codebook.yaml"


@pytest.fixture(scope="module")
def lean_data(tmp_path_factory):
    """A researcher's survey with SERVQUAL and overall satisfaction only: no KANO, NPS or importance columns."""
    folder = tmp_path_factory.mktemp("lean")
    book = yaml.safe_load((case_dir("manufacturer") / "codebook.yaml").read_text(encoding="utf-8"))
    dropped = {"kano_functional", "kano_dysfunctional", "nps", "importance"}
    removed = [column["id"] for column in book["columns"] if column["kind"] in dropped]
    book["columns"] = [column for column in book["columns"] if column["kind"] not in dropped]
    (folder / "lean.yaml").write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    frame = pd.read_csv(case_dir("manufacturer") / "responses.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=removed).to_csv(folder / "lean.csv", index=False)
    return folder / "lean.csv", folder / "lean.yaml"


def shared_folder(tmp_path_factory, name: str) -> Path:
    """A temp folder shared by all pytest-xdist workers of this session (per session without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


@pytest.fixture(scope="module")
def executed(tmp_path_factory, own_data, lean_data):
    """Every notebook for every case, run once per session even under pytest-xdist."""
    out = shared_folder(tmp_path_factory, "executed-notebooks")
    out.mkdir(exist_ok=True)
    with open(out.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker runs the batch, the others wait and reuse it
        record = out / "results.json"
        if not record.exists():
            results = run_notebooks(out, own_data, lean_data)
            record.write_text(json.dumps([result.to_dict() for result in results]), encoding="utf-8")
        results = [ReportResult(**entry) for entry in json.loads(record.read_text(encoding="utf-8"))]
    return out, {result.name: result for result in results}


def run_notebooks(out: Path, own_data, lean_data) -> list[ReportResult]:
    """Run every notebook for every case (plus own-data and filter runs) in one parallel batch."""
    jobs = [
        ReportJob(name=f"{path.stem}__{case}", case=case, notebook=str(path), parameters={"lang": LANG[case]})
        for path in ALL for case in kl.CASES
    ]
    jobs += [  # the notebooks naming groups also run in the other language, so every case is seen in both
        ReportJob(name=f"{path.stem}__{case}__{OTHER_LANG[LANG[case]]}", case=case, notebook=str(path),
                  parameters={"lang": OTHER_LANG[LANG[case]]})
        for path in GROUP_NOTEBOOKS for case in kl.CASES
    ]
    data, codebook = own_data
    jobs += [
        ReportJob(name=f"{path.stem}__own", case="bank", data_path=str(data), codebook_path=str(codebook),
                  notebook=str(path), parameters={"lang": "en"})
        for path in ALL
    ]
    lean, lean_book = lean_data
    jobs += [
        ReportJob(name=f"{path.stem}__lean", data_path=str(lean), codebook_path=str(lean_book), notebook=str(path),
                  parameters={"lang": "en"})
        for path in (REPORT, CHAPTERS[3], CHAPTERS[4])
    ]
    jobs += [
        ReportJob(name="report__provider", case="it_firm", group_by="provider", group="IT Support",
                  notebook=str(REPORT), parameters={"lang": "en"}),
        ReportJob(name="report__withheld", case="it_firm", group_by="department", group="Internal Audit",
                  notebook=str(REPORT), parameters={"lang": "en"}),
        ReportJob(name="05_trends_pdca__wave", case="bank", notebook=str(CHAPTERS[5]),
                  parameters={"lang": "en", "wave": "2026Q2"}),
    ]
    return run_jobs(jobs, out, fmt="ipynb", progress=False)


def outputs(out: Path, name: str, kinds=("text/markdown", "text/plain", "text/html")) -> list[str]:
    """Text of every output of an executed notebook (stream text and the given MIME types)."""
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout":
                texts.append(output["text"])
            for kind in kinds:
                if kind in output.get("data", {}):
                    texts.append(output["data"][kind])
    return texts


def markdown(out: Path, name: str) -> str:
    return "\n".join(outputs(out, name, kinds=("text/markdown",)))


def runs(path: Path, case: str) -> dict[str, str]:
    """``{executed notebook name: lang}`` of every run of ``path`` on ``case``."""
    names = {f"{path.stem}__{case}": LANG[case]}
    if path in GROUP_NOTEBOOKS:
        names[f"{path.stem}__{case}__{OTHER_LANG[LANG[case]]}"] = OTHER_LANG[LANG[case]]
    return names


def named(name: str, text: str) -> bool:
    """Whether ``name`` occurs in ``text`` as a whole name (also HTML-escaped, e.g. ``R&amp;D``)."""
    return any(re.search(rf"(?<![A-Za-z]){re.escape(form)}(?![A-Za-z])", text) for form in {name, html.escape(name)})


@pytest.mark.slow
@pytest.mark.parametrize("case", [*kl.CASES, "own"])
@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_notebook_executes(executed, path, case):
    _, results = executed
    result = results[f"{path.stem}__{case}"]
    assert result.status == "ok", result.error


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_gap_chapter_names_the_largest_gap_it_computed(executed, case):
    out, _ = executed
    survey = kl.load_case(case, on_invalid="exclude")
    dimensions = kl.servqual_gaps(survey).dimensions.set_index("dimension")
    worst = dimensions["gap"].idxmin()
    assert worst == PLANTED[case]["largest_gap"]
    label = survey.codebook.label(worst, LANG[case])
    text = markdown(out, f"02_service_gaps__{case}")
    expected = {"en": f"The largest gap is in **{label}** ({dimensions.at[worst, 'gap']:.2f}",
                "zh": f"差距最大的维度是 **{label}**（{dimensions.at[worst, 'gap']:.2f}"}[LANG[case]]
    assert expected in text


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_validation_chapter_discovers_the_planted_weak_item(executed, case):
    out, _ = executed
    text = markdown(out, f"01_servqual_validation__{case}")
    weak = PLANTED[case]["weak_item"]
    other = {"en": "Weak items: ", "zh": "弱条目："}[LANG[case]]
    line = next(line for line in text.splitlines() if other in line)
    assert weak in line and line.count("P") == 1, line


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_report_records_the_key_figures_it_shows(executed, case):
    _, results = executed
    summary = results[f"report__{case}"].summary
    survey = kl.load_case(case, on_invalid="exclude")
    headline = kl.latest_wave(survey).survey  # with several waves the key figures describe the latest one
    assert summary["n"] == headline.respondents()
    assert summary["csi"] == pytest.approx(kl.csi(headline).csi, abs=1e-9)
    assert summary["nps"] == pytest.approx(kl.nps(headline.data["nps"].dropna()).nps, abs=1e-9)
    assert summary["largest_gap_dimension"] == kl.largest_gap(kl.servqual_gaps(headline)).label(LANG[case])
    if survey.wave_column():
        assert summary["wave"] == "2026Q2" and summary["previous_wave"] == "2025Q4" and not summary["pooled"]


def section(text: str, start: str, end: str = "\n## ") -> str:
    """The part of ``text`` from the heading ``start`` to the next level-2 heading."""
    assert start in text, start
    rest = text[text.index(start) + len(start):]
    return rest[: rest.index(end)] if end in rest else rest


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_report_pdca_names_the_planted_gap_and_must_be_features(executed, case):
    out, _ = executed
    book = kl.load_case(case).codebook
    for name, lang in runs(REPORT, case).items():
        plan = section(markdown(out, name), {"en": "## What to do next (PDCA)", "zh": "## 下一步（PDCA）"}[lang])
        lines = plan.strip().splitlines()
        assert len(lines) == 4, plan
        survey = kl.load_case(case, on_invalid="exclude")
        view = kl.latest_wave(survey)
        target, _ = kl.plan_target(kl.servqual_gaps(view.survey), kl.wave_changes(view) if view.has_change else None)
        assert f"**{book.label(target.dimension, lang)}**" in lines[0], lines[0]
        if case != "bank":  # one wave: the plan targets the planted largest gap
            assert target.dimension == PLANTED[case]["largest_gap"]
        must = [book.label(feature, lang) for feature in PLANTED[case]["must_be"]]
        assert any(label in lines[1] for label in must), lines[1]
        others = [book.label(f"F{number:02d}", lang) for number in range(1, 11)]
        named_features = [label for label in others if label in lines[1]]
        assert set(named_features) <= set(must), f"{name}: Do names features that are not must-be: {named_features}"


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_report_scale_check_shows_the_api_numbers_and_the_weak_item(executed, case):
    out, _ = executed
    survey = kl.load_case(case, on_invalid="exclude")
    perceptions, model = survey.servqual("P"), survey.codebook.servqual_model("P")
    fit = kl.cfa(perceptions, model).fit
    alpha = kl.reliability(perceptions, model)["alpha"]
    for name, _lang in runs(REPORT, case).items():
        text = markdown(out, name)
        verdict = next(line for line in text.splitlines() if line.startswith(("**Verdict", "**结论")))
        for index in ("cfi", "tli", "rmsea", "srmr"):
            assert f"{index.upper()} = {fit[index]:.3f}" in verdict, (index, verdict)
        assert f"{alpha.min():.2f}–{alpha.max():.2f}" in verdict
        assert f"**{PLANTED[case]['weak_item']}**" in verdict
        assert "Hu & Bentler, 1999" in text
        good = fit["cfi"] >= 0.95 and fit["tli"] >= 0.95 and fit["rmsea"] <= 0.06 and fit["srmr"] <= 0.08
        assert (("all four meet their cut-offs" in verdict) or ("四项全部达标" in verdict)) == good


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_report_before_and_after_only_for_several_waves(executed, case):
    out, _ = executed
    survey = kl.load_case(case, on_invalid="exclude")
    several = survey.wave_column() is not None and survey.data[survey.wave_column()].nunique() >= 2
    for name, lang in runs(REPORT, case).items():
        text = markdown(out, name)
        heading = {"en": "## Before and after", "zh": "## 前后对比"}[lang]
        assert (heading in text) == several, name
        if several:
            changes = kl.trend(survey).changes.set_index("measure")
            sentence = section(text, heading)
            improved = sentence[sentence.index("**"):].split("**")[1]
            for _measure, row in changes.iterrows():
                label = row[f"label_{lang}"]
                assert (label in improved) == bool(row["significant"] and row["diff"] > 0), (label, improved)


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_dimension_tables_follow_the_servqual_order(executed, case):
    out, _ = executed
    book = kl.load_case(case).codebook
    for name, lang in {**runs(REPORT, case), **runs(CHAPTERS[2], case), f"{CHAPTERS[1].stem}__{case}": LANG[case]}.items():
        labels = [book.label(dimension, lang) for dimension in SERVQUAL_ORDER]
        tables = [table for table in outputs(out, name, kinds=("text/html",)) if all(label in table for label in labels)]
        assert tables, f"{name} shows no table of the five dimensions"
        for table in tables:
            positions = [table.index(label) for label in labels]
            assert positions == sorted(positions), f"{name}: dimensions out of order"


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_texts_are_in_the_chosen_language(executed, path, case):
    out, _ = executed
    for name, lang in runs(path, case).items():
        text = markdown(out, name)
        assert text, f"{name} printed no conclusions"
        if lang == "zh":
            assert CJK.search(text), name
        else:
            everything = "\n".join(outputs(out, name))  # sentences and tables
            assert not CJK.search(everything), (name, CJK.search(everything))


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
@pytest.mark.parametrize("path", GROUP_NOTEBOOKS, ids=lambda path: path.stem)
def test_groups_are_named_in_the_chosen_language(executed, path, case):
    """Tables and sentences name providers and departments by the codebook label of the run's language."""
    out, results = executed
    survey = kl.load_case(case, on_invalid="exclude")
    book = survey.codebook
    shown = [(column, value) for column in ("provider", "department")
             for value in sorted(set(survey.data[column])) if value not in withheld_groups(survey, column)]
    for name, lang in runs(path, case).items():
        assert results[name].status == "ok", results[name].error
        text = "\n".join(outputs(out, name))
        labels = {book.value_label(column, value, lang) for column, value in shown}
        assert any(label in text for label in labels), f"{name} names no group by its {lang} label"
        if lang == "zh":
            chinese = {book.value_label(column, value, "zh") for column, value in shown}
            assert any(CJK.search(label) and label in text for label in chinese), name
            raw = {value for column, value in shown if book.value_label(column, value, "zh") != value
                   and not any(value in label for label in chinese)}
            leaked = sorted(value for value in raw if named(value, text))
            assert not leaked, f"{name} shows raw group values {leaked} instead of their Chinese labels"


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_withheld_groups_appear_in_no_output(executed, case):
    out, _ = executed
    survey = kl.load_case(case, on_invalid="exclude")
    hidden = withheld_groups(survey, "department")
    assert hidden, "each case has a department too small to show"
    names = {label for value in hidden for label in
             (value, *(survey.codebook.value_label("department", value, lang) for lang in ("zh", "en")))}
    assert any(CJK.search(name) for name in names), "the withheld departments have Chinese labels to look for"
    for path in ALL:
        for run in runs(path, case):
            text = "\n".join(outputs(out, run))
            for name in names:
                assert name not in text and html.escape(name) not in text, f"{name} shown in {run}"


@pytest.mark.slow
def test_a_withheld_group_cannot_be_reported_and_is_not_named(executed):
    out, results = executed
    result = results["report__withheld"]
    assert result.status == "failed"
    assert result.error.startswith("AnalysisInputError: this selection is withheld: fewer than 5 respondents")
    assert "Internal Audit" not in result.error and "内审部" not in result.error


@pytest.mark.slow
def test_provider_filter_restricts_the_report(executed):
    _, results = executed
    summary = results["report__provider"].summary
    assert summary["n"] == len(kl.load_case("it_firm", on_invalid="exclude").filter(provider="IT Support"))


@pytest.mark.slow
def test_own_data_path_overrides_case(executed):
    out, results = executed
    assert results["report__own"].summary["n"] == len(kl.load_case("it_firm"))
    assert "**640** rows" in markdown(out, "00_start_here__own")
    assert "no provider self-assessment" in markdown(out, "02_service_gaps__own")


@pytest.mark.slow
def test_survey_without_kano_nps_or_importance_is_reported_gracefully(executed):
    out, results = executed
    for name in ("report__lean", "03_kano__lean", "04_nps_csi_ipa__lean"):
        assert results[name].status == "ok", results[name].error
    assert results["report__lean"].summary["nps"] is None
    assert "no recommendation question" in markdown(out, "report__lean")
    assert "has no KANO questions" in markdown(out, "03_kano__lean")
    indices = markdown(out, "04_nps_csi_ipa__lean")
    assert "no recommendation (NPS) question" in indices
    assert "derived from the correlation with overall satisfaction" in indices


@pytest.mark.slow
def test_trend_chapter_handles_one_wave_and_a_wave_filter(executed):
    out, _ = executed
    assert "single** survey wave" in markdown(out, "05_trends_pdca__it_firm")
    bank = markdown(out, "05_trends_pdca__bank")
    assert "2025Q4 → 2026Q2" in bank
    assert "uses all waves" in markdown(out, "05_trends_pdca__wave")


@pytest.mark.slow
def test_chapters_pass_nbval_as_committed():
    """nbval executes the committed chapter notebooks (default parameters) cell by cell.

    ``--dist loadfile`` keeps each notebook's cells on one xdist worker (one kernel).
    """
    command = [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
               "-n", "2", "--dist", "loadfile", "--rootdir", str(ROOT),
               *(str(path.relative_to(ROOT)) for path in CHAPTERS)]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-2000:]
    assert re.search(r"\d+ passed", finished.stdout) and " failed" not in finished.stdout


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
def test_scale_check_names_its_estimator_and_ipa_has_key_drivers(executed, case):
    """7-point cases: the report says ML and why; key drivers of overall satisfaction and NPS, with intervals."""
    out, _ = executed
    survey = kl.load_case(case, on_invalid="exclude")
    from kitlib.psychometrics.scale_check import choose_estimator

    choice = choose_estimator(survey.codebook, survey.codebook.servqual_model("P"))
    assert choice.estimator == "ML"
    key = kl.drivers(survey, "overall", {name: survey.codebook.servqual_model("P")[name] for name in kl.instrument(survey).dimensions},
                     n_boot=0)
    top = key.table["raw"].idxmax()
    for name, lang in runs(REPORT, case).items():
        text = markdown(out, name)
        assert choice.explain(lang) in text, name
        assert f"R² = {key.r2:.2f}" in text and f"**{survey.codebook.label(top, lang)}**" in text, name
        assert {"en": "Key drivers of the likelihood to recommend", "zh": "推荐意愿（NPS）的关键驱动因素"}[lang] in text


@pytest.mark.slow
def test_wave_comparisons_are_preceded_by_an_invariance_verdict(executed):
    out, _ = executed
    survey = kl.load_case("bank", on_invalid="exclude")
    data = survey.servqual("P").assign(wave=survey.data["wave"])
    result = kl.invariance(data, survey.codebook.servqual_model("P"), group="wave")
    delta = f"ΔCFI = {result.table.at['scalar', 'delta_cfi']:+.3f}"
    for name in [*runs(REPORT, "bank"), "05_trends_pdca__bank"]:
        text = markdown(out, name)
        assert delta in text, name
        warranted = ("comparing the waves' means is warranted" in text) or ("可以比较各次调查的均值" in text)
        assert warranted == result.means_comparable, name
    chapter = markdown(out, "04_nps_csi_ipa__bank")
    answers = survey.data[["wave", "nps"]].dropna()
    change = kl.nps_difference(answers.loc[answers["wave"] == "2026Q2", "nps"], answers.loc[answers["wave"] == "2025Q4", "nps"])
    assert f"a change of {change.difference:+.1f}" in chapter
    adjusted = kl.nps(answers.loc[answers["wave"] == "2026Q2", "nps"], interval="adjusted_wald")  # the latest wave's
    assert f"{adjusted.ci_low:+.1f} to {adjusted.ci_high:+.1f}" in chapter
