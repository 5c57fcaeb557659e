"""Issue 14: the report's voice, service-standard and journey sections appear when the data exist, and leak nothing.

The report runs (papermill, through ``kitlib.report.execute.run_jobs``) on the three cases in Chinese and
English, on one provider's report, on a copy of the IT firm whose comments carry planted phone numbers,
e-mail addresses and roster names (and that has no ticket log), and on a copy of the bank without its
journey ratings.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import kitlib as kl
from kitlib.casegen import STORIES
from kitlib.data.cases import case_dir
from kitlib.report.execute import ReportResult, run_jobs
from kitlib.report.grid import ReportJob
from kitlib.report.html import escape_markdown

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "notebooks" / "report.ipynb"
LANGS = ("zh", "en")
HEADINGS = {  # the section headings the report writes (its own wording, not data)
    "voice": {"zh": "## 内部客户之声", "en": "## The voice of the internal customer"},
    "sla": {"zh": "## 服务标准（SLA）", "en": "## Service standards (SLA)"},
    "journey": {"zh": "## 服务旅程与关键时刻", "en": "## The journey and its moments of truth"},
}
HAS = {"it_firm": {"voice", "sla"}, "bank": {"voice", "journey"}, "manufacturer": {"voice"}}
PLANTED = {"zh": "，有事请联系王小明 13812345678 或 wang.xm@corp.example.cn，工号 E20315",
           "en": " - contact Zhang Wei on +86 139-1234-5678 or zhang.wei@corp.example.cn"}
PLANTED_STRINGS = ["王小明", "13812345678", "wang.xm@corp.example.cn", "E20315", "Zhang Wei", "139-1234-5678", "1391234",
                   "zhang.wei@corp.example.cn"]
CJK = re.compile(r"[\u3400-\u9fff]")


def shared_folder(tmp_path_factory, name: str) -> Path:
    """A temp folder shared by all pytest-xdist workers of this session (per session without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


def planted_copy(folder: Path) -> Path:
    """The IT firm's survey with personal data planted in every comment, a roster, and no ticket log."""
    folder.mkdir(parents=True, exist_ok=True)
    source = case_dir("it_firm")
    shutil.copy(source / "codebook.yaml", folder / "codebook.yaml")
    data = pd.read_csv(source / "responses.csv", dtype=str, keep_default_na=False)
    written = data["comment"] != ""
    english = ~data["comment"].str.contains(CJK)
    data.loc[written & ~english, "comment"] += PLANTED["zh"]
    data.loc[written & english, "comment"] += PLANTED["en"]
    data.to_csv(folder / "responses.csv", index=False)
    pd.DataFrame({"name": ["王小明", "Zhang Wei"], "staff_no": ["E20315", "E20999"]}).to_csv(folder / "roster.csv", index=False)
    return folder / "responses.csv"


def bank_without_journey(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("responses.csv", "codebook.yaml", "self_assessment.csv"):
        shutil.copy(case_dir("bank") / name, folder / name)
    return folder / "responses.csv"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Every report of this module, run once per session even under pytest-xdist."""
    out = shared_folder(tmp_path_factory, "voice-reports")
    out.mkdir(exist_ok=True)
    with open(out.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = out / "results.json"
        if not record.exists():
            planted = planted_copy(out.parent / "voice-planted")
            lean_bank = bank_without_journey(out.parent / "voice-bank-lean")
            jobs = [ReportJob(name=f"{case}__{lang}", case=case, notebook=str(REPORT), parameters={"lang": lang})
                    for case in kl.CASES for lang in LANGS]
            jobs += [ReportJob(name=f"planted__{lang}", data_path=str(planted), notebook=str(REPORT), parameters={"lang": lang})
                     for lang in LANGS]
            jobs += [ReportJob(name="bank_lean__en", data_path=str(lean_bank), notebook=str(REPORT), parameters={"lang": "en"}),
                     ReportJob(name="it_firm_provider__en", case="it_firm", group_by="provider", group="IT Support",
                               notebook=str(REPORT), parameters={"lang": "en"})]
            results = run_jobs(jobs, out, fmt="html,ipynb", progress=False)
            record.write_text(json.dumps([result.to_dict() for result in results]), encoding="utf-8")
        results = [ReportResult(**entry) for entry in json.loads(record.read_text(encoding="utf-8"))]
    return out, {result.name: result for result in results}


def markdown(out: Path, name: str) -> str:
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    return "\n".join(output["data"]["text/markdown"] for cell in notebook.cells for output in cell.get("outputs", [])
                     if "text/markdown" in output.get("data", {}))


def section(text: str, key: str, lang: str) -> str:
    """The markdown from a section's heading to the next top-level heading."""
    start = text.index(HEADINGS[key][lang])
    following = [text.find(h[lang], start + 1) for k, h in HEADINGS.items() if k != key]
    ends = [position for position in following if position > start]
    return text[start:min(ends)] if ends else text[start:]


@pytest.mark.slow
def test_every_report_ran(reports):
    _, results = reports
    failed = {name: result.error for name, result in results.items() if result.status != "ok"}
    assert not failed, failed


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_sections_appear_exactly_where_the_data_exist(reports, case, lang):
    out, _ = reports
    text = markdown(out, f"{case}__{lang}")
    for key, headings in HEADINGS.items():
        assert (headings[lang] in text) == (key in HAS[case]), (case, lang, key)
        other = "en" if lang == "zh" else "zh"
        assert headings[other] not in text


@pytest.mark.slow
@pytest.mark.parametrize("case", kl.CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_planted_theme_is_named_in_the_report(reports, case, lang):
    out, _ = reports
    provider, theme = STORIES[case].planted_theme
    book = kl.load_case(case).codebook
    voice = section(markdown(out, f"{case}__{lang}"), "voice", lang)
    escape = escape_markdown
    assert f"{escape(book.value_label('provider', provider, lang))}: {escape(book.themes[theme][lang])}" in voice


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_sla_section_recovers_the_planted_pattern(reports, lang):
    out, _ = reports
    text = section(markdown(out, f"it_firm__{lang}"), "sla", lang)
    result = kl.sla(kl.read_tickets(case_dir("it_firm") / "tickets.csv"), case_dir("it_firm") / "standards.csv")
    it = result.table.loc["IT Support"]
    label = kl.load_case("it_firm").codebook.value_label("provider", "IT Support", lang)
    assert re.search(rf"\*\*{re.escape(label)}\*\*[:：] ?{it['resolution_met']:.0%}", text)  # the lowest resolution attainment
    assert f"{it['resolution_low']:.0%}–{it['resolution_high']:.0%}" in text
    special = result.p_chart[result.p_chart["special"]]
    assert len(special) and all(f"{week:%Y-%m-%d}" in text for week in special["week"])  # the planted outage week is flagged
    link = result.rating_link.set_index("standard").loc["resolution"]
    assert f"Cohen's d = {link['cohens_d']:.2f}" in text
    rho = kl.satisfaction_link(result, kl.load_case("it_firm")).attrs["correlation"]["resolution_met"]["rho"]
    assert rho > 0.5 and f"ρ = {rho:+.2f}" in text  # satisfaction tracks resolution


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_journey_section_names_the_moments_of_truth(reports, lang):
    out, _ = reports
    text = section(markdown(out, f"bank__{lang}"), "journey", lang)
    touchpoints, stages = kl.read_journey(case_dir("bank") / "journey.csv")
    moments = kl.moments_of_truth(kl.journey_map(touchpoints, stages))
    book = kl.load_case("bank").codebook
    escape = escape_markdown
    for provider, part in moments.groupby("provider"):
        names = ("、" if lang == "zh" else ", ").join(escape(label) for label in part[f"label_{lang}"])
        assert f"{escape(book.value_label('provider', provider, lang))}: {names}" in text


@pytest.mark.slow
def test_variants_without_the_data_have_no_such_section(reports):
    out, _ = reports
    lean_bank = markdown(out, "bank_lean__en")
    assert HEADINGS["voice"]["en"] in lean_bank and HEADINGS["journey"]["en"] not in lean_bank
    for lang in LANGS:
        planted = markdown(out, f"planted__{lang}")
        assert HEADINGS["voice"][lang] in planted and HEADINGS["sla"][lang] not in planted


@pytest.mark.slow
def test_a_provider_report_keeps_to_its_provider(reports):
    out, _ = reports
    text = markdown(out, "it_firm_provider__en")
    tickets = kl.read_tickets(case_dir("it_firm") / "tickets.csv")
    assert f"{(tickets['provider'] == 'IT Support').sum():,} tickets" in section(text, "sla", "en")
    assert "Most frequent theme per department" in section(text, "voice", "en")
    assert "Procurement" not in section(text, "sla", "en")


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_no_planted_personal_data_reaches_the_html(reports, lang):
    out, _ = reports
    page = (out / f"planted__{lang}.html").read_text(encoding="utf-8")
    for planted in PLANTED_STRINGS:
        assert planted not in page, planted
    assert "[电话]" in page and "[邮箱]" in page  # quotes carrying the planted data are shown, masked
    executed = (out / f"planted__{lang}.ipynb").read_text(encoding="utf-8")
    for planted in PLANTED_STRINGS:
        assert planted not in executed, planted
