"""``kitlib report``: planning, isolation of failures, HTML without code, index page, confidentiality."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import kitlib as kl
from kitlib.atomic import write_atomically
from kitlib.cli import main
from kitlib.errors import AnalysisInputError, KitError
from kitlib.report import ReportJob, grid, run_jobs
from kitlib.report.chapter import dimension_grid, dimension_order, open_survey, record_summary, select, visible, withheld_groups
from kitlib.report.execute import notebook_to_html
from kitlib.report.grid import Withheld, plan, slug
from kitlib.report.index import summary_table, write_index

KITLIB = Path(sys.executable).with_name("kitlib")


# ---------------------------------------------------------------- planning (fast)
def test_default_plan_is_one_report_per_case():
    jobs, withheld = plan()
    assert [job.name for job in jobs] == list(kl.CASES)
    assert withheld == {}
    assert jobs[0].notebook_parameters()["case"] == "it_firm"


def test_plan_by_department_withholds_small_and_give_away_groups():
    jobs, withheld = plan(["it_firm"], by="department", parameters={"lang": "en"})
    hidden = withheld_groups(kl.load_case("it_firm"), "department")
    assert "Internal Audit" in hidden
    assert withheld == {"it_firm": len(hidden)}
    shown = {job.group for job in jobs}
    assert not shown & hidden
    assert shown | hidden == set(kl.load_case("it_firm").data["department"])
    first = jobs[0].notebook_parameters()
    assert first["department"] == jobs[0].group and first["lang"] == "en" and first["min_group_size"] == 5


def test_min_group_size_changes_what_is_withheld():
    small, _ = plan(["it_firm"], by="department", min_group_size=5)
    large, _ = plan(["it_firm"], by="department", min_group_size=150)
    assert len(large) < len(small)


def test_plan_rejects_unknown_case_and_grouping():
    with pytest.raises(KitError, match="unknown case"):
        plan(["no_such_case"])
    with pytest.raises(KitError, match="--by must be"):
        plan(["bank"], by="wave")


def test_unreadable_own_data_becomes_one_job_that_will_fail(tmp_path):
    jobs, _ = plan(data=[str(tmp_path / "missing.csv")], by="provider")
    assert [job.name for job in jobs] == ["missing"] and jobs[0].group is None


def test_job_names_stay_unique_when_group_names_slug_alike(tmp_path):
    frame = kl.load_case("it_firm").data.copy()
    frame["provider"] = frame["provider"].replace({"HR": "R&D", "Finance": "R-D"})
    source = tmp_path / "slugs.csv"
    frame.to_csv(source, index=False)
    from kitlib.data.cases import case_dir

    jobs, _ = plan(data=[str(source)], codebook=str(case_dir("it_firm") / "codebook.yaml"), by="provider")
    names = [job.name for job in jobs]
    assert len(set(names)) == len(names) and "slugs__provider-R-D-2" in names


def test_slug_keeps_chinese_and_drops_separators():
    assert slug("Risk & Compliance") == "Risk-Compliance"
    assert slug("人力资源部") == "人力资源部"
    assert slug("///") == "group"


# ---------------------------------------------------------------- notebook helpers (fast)
def test_select_refuses_a_withheld_group_without_naming_it():
    survey = kl.load_case("it_firm")
    with pytest.raises(AnalysisInputError) as caught:
        select(survey, department="Internal Audit")
    assert "Internal Audit" not in str(caught.value)
    with pytest.raises(AnalysisInputError, match="single wave"):
        select(survey, wave="2026Q2")
    assert set(select(survey, provider="HR").data["provider"]) == {"HR"}


def test_open_survey_prefers_data_path(tmp_path):
    from kitlib.data.cases import case_dir

    survey = open_survey("bank", str(case_dir("it_firm") / "responses.csv"))
    assert len(survey) == len(kl.load_case("it_firm"))
    with pytest.raises(KitError, match="set either"):
        open_survey("", "")


def test_open_survey_reads_an_unchanged_file_once_and_hands_out_copies(tmp_path, monkeypatch):
    from kitlib.data.cases import case_dir
    from kitlib.report import chapter

    for name in ("responses.csv", "codebook.yaml"):
        shutil.copy(case_dir("manufacturer") / name, tmp_path / name)
    data = str(tmp_path / "responses.csv")
    reads = []
    monkeypatch.setattr(chapter, "load_survey", lambda *args, **kw: reads.append(args) or kl.load_survey(*args, **kw))
    first = open_survey("", data)
    first.data.loc[:, "provider"] = "changed by a report"
    first.codebook.title["zh"] = "changed by a report"
    second = open_survey("", data)
    assert len(reads) == 1 and second.data is not first.data
    assert second.data.equals(kl.load_survey(data, on_invalid="exclude").data) and second.codebook.title["zh"] != "changed by a report"

    rows = (tmp_path / "responses.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "responses.csv").write_text("".join(rows[:-5]), encoding="utf-8")  # the file changes: read again
    os.utime(tmp_path / "responses.csv", ns=(1, 1))
    assert len(open_survey("", data)) == len(second) - 5 and len(reads) == 2


def test_a_batch_kernel_takes_the_survey_its_planner_read_while_the_files_are_unchanged(tmp_path, monkeypatch):
    from kitlib.data.cases import case_dir
    from kitlib.report import chapter

    for name in ("responses.csv", "codebook.yaml"):
        shutil.copy(case_dir("manufacturer") / name, tmp_path / name)
    data, shared = str(tmp_path / "responses.csv"), tmp_path / "work" / "surveys"
    jobs, _ = grid.plan_batch(data=[data], share=shared)
    assert len(jobs) == 1 and len(list(shared.glob("*.pickle"))) == 1
    monkeypatch.setattr(chapter, "_OPENED", {})  # a new kernel of the batch
    monkeypatch.setattr(chapter, "_SHARED", {"folder": None})
    reads = []
    monkeypatch.setattr(chapter, "load_survey", lambda *args, **kw: reads.append(args) or kl.load_survey(*args, **kw))
    chapter.shared_surveys(shared)
    survey = open_survey("", jobs[0].data_path, jobs[0].codebook_path or "")
    assert reads == [] and survey.data.equals(kl.load_survey(data, on_invalid="exclude").data)

    chapter._OPENED.clear()
    rows = (tmp_path / "responses.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "responses.csv").write_text("".join(rows[:-5]), encoding="utf-8")  # changed since planning: read again
    assert len(open_survey("", data)) == len(survey) - 5 and len(reads) == 1


def test_visible_drops_suppressed_rows_and_their_names():
    table = kl.servqual_gaps(kl.load_case("it_firm"), by="department").dimensions
    shown = visible(table)
    assert "Internal Audit" in set(table["department"])
    assert "Internal Audit" not in set(shown["department"])
    assert "suppressed" not in shown.columns


def test_dimensions_follow_the_servqual_order_whatever_the_codebook_order():
    import yaml

    from kitlib.data.cases import case_dir
    from kitlib.data.codebook import parse_codebook

    canonical = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
    raw = yaml.safe_load((case_dir("bank") / "codebook.yaml").read_text(encoding="utf-8"))
    raw["columns"] = raw["columns"][::-1]  # a researcher's codebook listing empathy first
    shuffled = parse_codebook(raw)
    assert list(shuffled.servqual_model("P"))[0] == "empathy"
    assert dimension_order(shuffled) == canonical
    survey = kl.load_case("it_firm")
    gaps = visible(kl.servqual_gaps(survey, by="provider").dimensions)
    grid = dimension_grid(gaps.iloc[::-1], "provider", "gap", survey.codebook, "zh")
    assert list(grid.columns) == [survey.codebook.label(name, "zh") for name in canonical]
    assert "IT运维支持部" in grid.index
    expected = gaps.set_index(["provider", "dimension"]).at[("IT Support", "responsiveness"), "gap"]
    assert grid.at["IT运维支持部", "响应性"] == expected


def test_record_summary_writes_json_atomically(tmp_path):
    target = tmp_path / "summary.json"
    record_summary(str(target), n=3, title="银行")
    assert json.loads(target.read_text(encoding="utf-8")) == {"n": 3, "title": "银行"}
    assert list(tmp_path.iterdir()) == [target]
    record_summary("", n=1)  # no path: nothing written, no error


def test_atomic_write_replaces_without_leftovers(tmp_path):
    target = tmp_path / "report.html"
    write_atomically(target, "old")
    write_atomically(target, "new")
    assert target.read_text() == "new" and list(tmp_path.iterdir()) == [target]


def test_html_export_hides_code_and_stderr():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("secret_source_line = 1")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="visible result"),
                    nbformat.v4.new_output("stream", name="stderr", text="noisy warning")]
    notebook.cells = [cell]
    page = notebook_to_html(notebook, "t")
    assert "visible result" in page
    assert "secret_source_line" not in page and "noisy warning" not in page


def test_index_escapes_and_lists_failures(tmp_path):
    from kitlib.report.execute import ReportResult

    results = [ReportResult("a", "A <b>", "ok", "a.html", 1.0, {"n": 10, "csi": 61.25, "nps": -5.0,
                                                                 "largest_gap_dimension": "响应性", "largest_gap": -1.5}),
               ReportResult("b", "B", "failed", error="DataFileError: file x does not exist", notebook="failed/b.ipynb")]
    page = write_index(results, tmp_path, lang="en", withheld={"a": Withheld(small=2, protection=1)}).read_text(encoding="utf-8")
    assert "A &lt;b&gt;" in page and "61.2" in page and "响应性 (-1.50)" in page
    assert 'href="failed/b.ipynb"' in page and "DataFileError" in page
    assert "2 group(s) with fewer than 5 respondents and 1 group(s) hidden to protect them" in page
    assert summary_table(results)["status"].tolist() == ["ok", "failed"]


def test_cli_rejects_bad_arguments(capsys):
    assert main(["report", "--workers", "0", "--no-progress"]) == 2
    assert main(["report", "--min-group-size", "0", "--no-progress"]) == 2
    assert "--min-group-size must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["report", "--case", "nowhere"])
    assert caught.value.code == 2


# ---------------------------------------------------------------- end to end (slow)
@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """`kitlib report` on it_firm by department plus an unreadable file of a researcher."""
    out = tmp_path_factory.mktemp("reports")
    bad = out.parent / "broken_survey.csv"
    command = [str(KITLIB), "report", "--case", "it_firm", "--by", "department", "--data", str(bad),
               "--out", str(out), "--lang", "en", "--workers", "2"]
    finished = subprocess.run(command, capture_output=True, text=True)
    return out, finished


@pytest.mark.slow
def test_batch_exit_code_and_summary(batch):
    out, finished = batch
    assert finished.returncode == 1
    jobs, _ = plan(["it_firm"], by="department")
    for job in jobs:
        assert re.search(rf"{re.escape(job.name)}\s+ok", finished.stdout), finished.stdout
    assert re.search(r"broken_survey\s+failed", finished.stdout)
    assert f"{len(jobs)} ok, 1 failed" in finished.stdout
    assert "FAILED broken_survey: DataFileError" in finished.stderr
    assert "reports: 100%" in finished.stderr  # the tqdm progress bar
    assert "group(s) hidden to protect them against differencing" in finished.stdout


@pytest.mark.slow
def test_batch_writes_html_without_code_and_an_index_of_everything(batch):
    out, _ = batch
    jobs, _ = plan(["it_firm"], by="department")
    pages = sorted(path.name for path in out.glob("*.html"))
    assert pages == sorted([f"{job.name}.html" for job in jobs] + ["index.html"])
    index = (out / "index.html").read_text(encoding="utf-8")
    for job in jobs:
        page = (out / f"{job.name}.html").read_text(encoding="utf-8")
        assert 'class="jp-InputArea' not in page and "kl.servqual_gaps" not in page and "say(lang" not in page
        assert "Largest gap" in page  # the report's computed text is there
        assert f'href="{job.name}.html"' in index
    assert "broken_survey" in index and "failed" in index and 'href="failed/broken_survey.ipynb"' in index


@pytest.mark.slow
def test_index_figures_match_the_api(batch):
    out, _ = batch
    index = (out / "index.html").read_text(encoding="utf-8")
    survey = kl.load_case("it_firm", on_invalid="exclude").filter(department="Sales")
    row = re.search(r'href="it_firm__department-Sales.html".*?</tr>', index, re.S).group(0)
    status, n, csi, nps = re.findall(r"<td>(.*?)</td>", row)[:4]  # the row starts inside the link cell
    assert "ok" in status
    assert n == str(len(survey))
    assert csi == f"{kl.csi(survey).csi:.1f}"
    assert nps == f"{kl.nps(survey.data['nps'].dropna()).nps:.1f}"


@pytest.mark.slow
def test_failure_is_kept_for_diagnosis_and_nothing_half_written(batch):
    out, _ = batch
    kept = nbformat.read(out / "failed" / "broken_survey.ipynb", as_version=4)
    errors = [o for c in kept.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "DataFileError"
    assert all("kitlib-reset" not in c.metadata.get("tags", []) for c in kept.cells)
    assert "DataFileError" in (out / "failed" / "broken_survey.error.txt").read_text()
    assert not (out / "broken_survey.html").exists()
    assert not list(out.rglob("*.tmp")) and not (out / ".work").exists()


@pytest.mark.slow
def test_withheld_groups_appear_in_no_html(batch):
    out, _ = batch
    survey = kl.load_case("it_firm")
    hidden = withheld_groups(survey, "department")
    assert "Internal Audit" in hidden
    names = hidden | {survey.codebook.value_label("department", value, lang) for value in hidden for lang in ("zh", "en")}
    assert "内审部" in names
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for name in names:
            assert name not in text, f"{name} in {page.name}"


@pytest.mark.slow
def test_provider_reports_hide_small_departments_everywhere(tmp_path):
    results = run_jobs(plan(["manufacturer"], by="provider")[0][:2], tmp_path, workers=2, progress=False)
    assert [result.status for result in results] == ["ok", "ok"]
    for result in results:
        text = (tmp_path / result.path).read_text(encoding="utf-8")
        assert "EHS Office" not in text and "安环办" not in text
        assert "<table" in text  # a department table was shown, without the small department


@pytest.mark.slow
def test_reused_kernel_starts_each_report_with_an_empty_namespace(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('case = ""\nsummary_path = ""')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(
        "assert 'left_over' not in globals(), 'state leaked from the previous report'\nleft_over = case")]
    source = tmp_path / "probe.ipynb"
    nbformat.write(notebook, source)
    jobs = [ReportJob(name=f"probe{i}", case="bank", notebook=str(source)) for i in range(3)]
    results = run_jobs(jobs, tmp_path / "out", workers=1, fmt="ipynb", progress=False)
    assert [result.status for result in results] == ["ok", "ok", "ok"], [r.error for r in results]


@pytest.mark.slow
def test_fresh_kernels_and_ipynb_format(tmp_path):
    finished = subprocess.run([str(KITLIB), "report", "--case", "bank", "--out", str(tmp_path), "--format", "ipynb",
                               "--fresh-kernels", "--workers", "1", "--no-progress", "--lang", "zh"],
                              capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    executed = nbformat.read(tmp_path / "bank.ipynb", as_version=4)
    texts = [o["data"]["text/markdown"] for c in executed.cells for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
    assert any("关键数字" in text for text in texts)
    tables = "\n".join(o["data"]["text/html"] for c in executed.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {}))
    survey = kl.load_case("bank")
    hidden = withheld_groups(survey, "department")
    shown = set(survey.data["department"]) - hidden
    labels = [survey.codebook.value_label("department", value, "zh") for value in sorted(shown)]
    assert all(label in tables for label in labels), "the department table names departments in Chinese"
    assert not any(value in tables for value in shown), "raw English department names in a Chinese report"
    for value in hidden:
        withheld = survey.codebook.value_label("department", value, "zh")  # e.g. 董事会办公室
        assert withheld not in tables and all(withheld not in text for text in texts)
    assert 'href="bank.ipynb"' in (tmp_path / "index.html").read_text(encoding="utf-8")
