"""Bilingual to the last cell: table headers and values, data-quality notes and the command line in zh and en.

The library's catalogs (:data:`kitlib.i18n.COLUMN_LABELS`, value wordings,
:data:`~kitlib.i18n.QUALITY_ISSUES`, :data:`~kitlib.i18n.CLI_TEXTS`) are checked
against the results the analyses really return; the chapters and the report
are executed in Chinese and every table header and categorical cell they show
is read back from the HTML.
"""

from __future__ import annotations

import argparse
import gettext
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

import kitlib as kl
from kitlib import cli
from kitlib.data.cases import case_dir
from kitlib.i18n import (
    ARGPARSE_ZH,
    CLI_TEXTS,
    COLUMN_LABELS,
    QUALITY_ISSUES,
    argv_lang,
    column_labels,
    display_table,
    locale_lang,
    quality_issue,
    value_labels,
)
from kitlib.report import ReportJob, ReportResult, execute, grid, run_jobs
from kitlib.report.grid import Withheld

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ALL = [*sorted(NOTEBOOKS.glob("0*.ipynb")), NOTEBOOKS / "report.ipynb"]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
NUMBER = re.compile(r"^[-+−]?[\d.,]*\d[\d.,]*%?$|^[<>≤≥]\s*[.\d]+$|^p?\s*[<>]\s*\.\d+$")
ITEM_CODE = re.compile(r"^[A-Z]{1,2}\d{1,3}( \(R\))?$")  # questionnaire item ids (P02, F10), marked (R) when reverse-keyed
#: Symbols and abbreviations that read the same in both languages.
TOKENS = {"", "–", "-", "nan", "NaN", "n", "p", "t", "α", "ω", "√AVE", "AVE", "χ²", "NPS", "CSI", "CFI", "TLI", "RMSEA", "SRMR",
          "ΔCFI", "ΔRMSEA", "ΔSRMR", "Δχ²", "d_z", "ML", "MLR", "WLSMV", "E", "P", "R²", "A", "O", "M", "I", "R", "Q"}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def unlabelled(frame_columns) -> list[str]:
    """Columns of a result table with no display label (the ``*_zh`` / ``*_en`` wordings themselves excepted)."""
    return [c for c in frame_columns if not str(c).endswith(("_zh", "_en")) and c not in COLUMN_LABELS]


# ---------------------------------------------------------------------------- catalogs


def test_every_chinese_column_label_is_chinese_or_a_symbol():
    labels = column_labels("zh")
    english = {name: label for name, label in labels.items() if not CJK.search(label) and label not in TOKENS}
    assert not english, english
    assert labels["alpha_ci_low"] != labels["alpha_ci_high"] and labels["fong_significant"] == "Fong 检验显著"


@pytest.fixture(scope="module")
def bank():
    return kl.load_case("bank", on_invalid="exclude")


def test_every_column_of_the_result_tables_has_a_label(bank):
    perceptions, model = bank.servqual("P"), bank.codebook.servqual_model("P")
    gaps = kl.servqual_gaps(bank)
    tables = {
        "kano_table": kl.kano_table(bank),
        "gaps.dimensions": gaps.dimensions, "gaps.overall": gaps.overall, "gaps.items": gaps.items,
        "perception_scores": kl.perception_scores(bank).dimensions,
        "reliability": kl.reliability(perceptions, model),
        "validity": kl.validity(perceptions, model).table,
        "ipa": kl.ipa(bank).table,
        "trend": kl.trend(bank).changes,
        "nps_table": kl.nps_table(bank, by="provider"),
        "csi": kl.csi(bank).dimensions,
        "self_view_gap": kl.self_view_gap(bank),
        "fit": kl.cfa(perceptions, model).fit.to_frame().T,
    }
    missing = {name: unlabelled(table.columns) for name, table in tables.items() if unlabelled(table.columns)}
    assert not missing, missing


def test_categorical_values_have_wordings(bank):
    kano = kl.kano_table(bank)
    assert set(kl.service.kano.CATEGORIES) <= set(value_labels("category", "zh"))
    assert set(kano["category"]) <= set(value_labels("category", "en"))
    assert set(kl.ipa(bank).table["quadrant"]) <= set(value_labels("quadrant", "zh"))
    assert set(kl.classify_changes(kl.trend(bank).changes)) <= set(value_labels("change", "zh"))
    assert set(kl.trend(bank).changes["test"]) <= set(value_labels("test", "zh"))
    for lang in ("zh", "en"):
        assert {kind for kind in kl.data.codebook.KINDS} == set(value_labels("column_kind", lang))
    assert value_labels("nothing_here", "zh") == {}


def test_display_table_words_headers_and_values_and_keeps_numbers(bank):
    kano = kl.kano_table(bank).set_index(["feature"])[["M", "category", "better", "fong_significant"]]
    zh, en = display_table(kano, "zh"), display_table(kano, "en")
    assert list(zh.columns) == ["必备型", "类别", "满意影响 Better", "Fong 检验显著"]
    assert list(en.columns) == ["M", "category", "Better", "Fong significant"]
    assert zh.index.name == "功能" and en.index.name == "feature"
    assert set(zh["类别"]) <= {"魅力型", "期望型", "必备型", "无差异型", "反向型", "可疑结果"}
    assert set(zh["Fong 检验显著"]) <= {"是", "否"} and set(en["Fong significant"]) <= {"yes", "no"}
    assert zh["满意影响 Better"].dtype == float and zh["满意影响 Better"].tolist() == kano["better"].tolist()
    assert kano.columns.tolist() == ["M", "category", "better", "fong_significant"]  # the input is not changed
    overall = display_table(kl.servqual_gaps(bank).overall.set_index("score")[["gap"]], "zh")
    assert overall.index.name == "总分" and list(overall.index) == ["未加权", "按重要性加权"]
    levels = display_table(pd.DataFrame({"verdict": ["holds", "does not hold"]}, index=pd.Index(["metric", "scalar"], name="level")), "zh")
    assert levels.index.tolist() == ["度量（metric，载荷相等）", "标量（scalar，载荷与截距相等）"]
    assert levels["结论"].tolist() == ["成立", "不成立"]
    hidden = display_table(pd.DataFrame({"suppression": ["n<5", "complementary", ""]}), "zh")
    assert hidden["不显示的原因"].tolist() == ["少于 5 人", "为保护小组一并隐藏", ""]
    series = display_table(pd.Series([3, 2], index=pd.Index(["servqual_P", "nps"], name="column_kind"), name="columns"), "zh")
    assert series.to_dict() == {"列数": {"SERVQUAL 感知题": 3, "推荐意愿（NPS）": 2}}
    with pytest.raises(kl.OptionError):
        display_table(kano, "fr")


# ---------------------------------------------------------------------------- data-quality notes


@pytest.fixture(scope="module")
def flawed_survey(tmp_path_factory):
    """The it_firm data with an out-of-scale answer, a word among numbers, a spelling variant and a stray column."""
    folder = tmp_path_factory.mktemp("flawed")
    frame = pd.read_csv(case_dir("it_firm") / "responses.csv", dtype=str, keep_default_na=False).head(60)
    frame.loc[1, "P01"] = "99"
    frame.loc[2, "P02"] = "good"
    frame.loc[3, "department"] = frame.loc[3, "department"].upper()
    frame["note_to_self"] = "x"
    frame.to_csv(folder / "responses.csv", index=False)
    shutil.copy(case_dir("it_firm") / "codebook.yaml", folder / "codebook.yaml")
    return kl.load_survey(folder / "responses.csv", on_invalid="exclude")


def test_every_quality_note_is_worded_in_chinese(flawed_survey):
    quality = pd.concat([flawed_survey.quality, *(kl.load_case(case, on_invalid="exclude").quality for case in kl.CASES)])
    issues = set(quality["issue"])
    assert {"excluded", "flagged", "recoded"} <= set(quality["action"])
    assert len(issues) >= 8, issues
    for issue in issues:
        zh = quality_issue(issue, "zh")
        assert CJK.search(zh) and zh != issue, issue
        assert quality_issue(issue, "en") == issue
        assert not re.search(r"\b(the|is|are|and|of|in)\b", zh), zh  # no English sentence left inside
    assert quality_issue("a note nobody wrote", "zh") == "a note nobody wrote"
    assert quality_issue("holds values outside the scale 1..7 (declare codes such as 99 under 'missing:')", "zh") \
        == QUALITY_ISSUES("scale_range", "zh", low="1", high="7")


# ---------------------------------------------------------------------------- command line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_follows_lang(lang, capsys):
    other = {"zh": "en", "en": "zh"}[lang]
    for argv in (["--lang", lang, "--help"], ["report", "--help", f"--lang={lang}"], ["codebook", "draft", "--lang", lang, "-h"]):
        with pytest.raises(SystemExit) as finished:
            cli.main(argv)
        assert finished.value.code == 0
        shown = capsys.readouterr().out
        assert shown.startswith({"zh": "用法：", "en": "usage: "}[lang]), shown[:40]
        assert ({"zh": "选项", "en": "options"}[lang] + ":") in shown
        if argv[0] == "report":
            for key in ("case", "report_lang", "fresh_kernels", "scheduler"):
                assert " ".join(CLI_TEXTS(key, lang).split()) in " ".join(shown.split()), key
                assert " ".join(CLI_TEXTS(key, other).split()) not in " ".join(shown.split()), key
        if lang == "en":
            assert not CJK.search(shown)
    assert argparse._ is gettext.gettext  # argparse's wording is restored after the command


@pytest.mark.parametrize(("environment", "lang"), [({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
                                                    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
                                                    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"), ({}, "en")])
def test_without_lang_the_locale_decides(environment, lang, monkeypatch, capsys):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert locale_lang() == lang
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert CLI_TEXTS("description", lang) in capsys.readouterr().out
    assert argv_lang(["report", "--lang", "fr"]) is None  # an invalid --lang is left to argparse to refuse


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_errors_follow_lang(lang, capsys):
    assert cli.main(["report", "--workers", "0", "--no-progress", "--lang", lang]) == 2
    assert CLI_TEXTS("at_least_one", lang, option="--workers") in capsys.readouterr().err
    with pytest.raises(SystemExit) as finished:
        cli.main(["report", "--case", "nowhere", "--lang", lang])
    assert finished.value.code == 2
    error = capsys.readouterr().err
    if lang == "zh":
        assert "错误" in error and "无效的选项 'nowhere'" in error and "error:" not in error
    else:
        assert "error: argument --case: invalid choice: 'nowhere'" in error
    with pytest.raises(SystemExit):
        cli.main(["report", "--param", "no_equals_sign", "--lang", lang])
    assert CLI_TEXTS("bad_parameter", lang, text="'no_equals_sign'") in capsys.readouterr().err


def test_every_argparse_text_we_translate_exists_in_argparse():
    import inspect

    source = inspect.getsource(argparse)
    missing = [text for text in ARGPARSE_ZH if repr(text) not in source and f'"{text}"' not in source]
    assert not missing, missing


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_summary_follows_lang(lang, tmp_path, monkeypatch, capsys):
    """The summary table, the failure lines and the closing line of `kitlib report` (runs faked, index real)."""
    jobs = [ReportJob(name="bank", case="bank"), ReportJob(name="broken", case="bank")]
    results = [ReportResult(name="bank", title="bank", status="ok", path="bank.html", seconds=3.2,
                            summary={"n": 1220, "csi": 71.3, "nps": -27.1, "largest_gap_dimension": "响应性"}),
               ReportResult(name="broken", title="broken", status="failed", seconds=0.4, error="DataFileError: unreadable")]
    monkeypatch.setattr(grid, "plan_batch", lambda *args, **kwargs: (jobs, {"bank": Withheld(small=1, protection=1)}))
    monkeypatch.setattr(execute, "LocalWorkers", lambda *args, **kwargs: SimpleNamespace(close=lambda stop=False: None, surveys=None))
    monkeypatch.setattr(execute, "run_jobs", lambda *args, **kwargs: results)
    code = cli.main(["report", "--case", "bank", "--by", "provider", "--out", str(tmp_path), "--lang", lang, "--no-progress"])
    assert code == 1
    captured = capsys.readouterr()
    header = captured.out.splitlines()[1]
    for column in ("report", "status", "largest_gap", "seconds"):
        assert COLUMN_LABELS(column, lang) in header, header
    assert CLI_TEXTS("summary", lang, ok=1, failed=1, index=tmp_path / "index.html") in captured.out
    assert CLI_TEXTS("failed_report", lang, report="broken", error="DataFileError: unreadable") in captured.err
    assert CLI_TEXTS("withheld", lang, source="bank", small=1, protection=1, min_n=5) in captured.out
    assert {"zh": "失败", "en": "failed"}[lang] in captured.out
    if lang == "zh":
        assert not re.search(r"\b(ok|failed|status|report|withheld)\b", captured.out + captured.err)


# ---------------------------------------------------------------------------- executed notebooks


class Cells(HTMLParser):
    """Text of every ``<th>`` and ``<td>`` of an HTML table."""

    def __init__(self):
        super().__init__()
        self.cells, self.current = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self.current = [tag, ""]

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.current:
            self.cells.append((self.current[0], self.current[1].strip()))
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current[1] += data


def untranslated(cell: tuple[str, str]) -> bool:
    """A header that is neither Chinese, a number, an item code nor a symbol; or a cell holding an identifier.

    Body cells may hold respondents' free text in any language (quotes), so a
    ``<td>`` fails only when it is a single English word or identifier
    (``holds``, ``True``, ``must_be``).
    """
    tag, text = cell
    if CJK.search(text) or NUMBER.match(text) or ITEM_CODE.match(text) or text in TOKENS:
        return False
    return tag == "th" or bool(IDENTIFIER.match(text))


@pytest.fixture(scope="module")
def executed_in_chinese(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh-notebooks")
    jobs = [ReportJob(name=f"{path.stem}__{case}", case=case, notebook=str(path), parameters={"lang": "zh"})
            for path in ALL for case in ("bank", "it_firm")]
    results = run_jobs(jobs, out, fmt="ipynb", progress=False)
    return out, {result.name: result for result in results}


def html_cells(path: Path) -> list[tuple[str, str]]:
    notebook = nbformat.read(path, as_version=4)
    cells = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text/html" in output.get("data", {}):
                parser = Cells()
                parser.feed(output["data"]["text/html"])
                cells += parser.cells
    return cells


@pytest.mark.slow
@pytest.mark.parametrize("case", ["bank", "it_firm"])
@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_chinese_tables_have_no_identifier(executed_in_chinese, path, case):
    out, results = executed_in_chinese
    name = f"{path.stem}__{case}"
    assert results[name].status == "ok", results[name].error
    cells = html_cells(out / f"{name}.ipynb")
    if path.stem not in ("report", "00_start_here"):  # the report's tables depend on the data; the others always show some
        assert any(tag == "th" and CJK.search(text) for tag, text in cells), f"{name} shows no table"
    leaked = sorted({text for tag, text in cells if untranslated((tag, text))})
    assert not leaked, f"{name}: {leaked}"


@pytest.mark.slow
def test_chinese_data_quality_sentence_has_no_english(executed_in_chinese):
    out, _ = executed_in_chinese
    for case in ("bank", "it_firm"):
        notebook = nbformat.read(out / f"00_start_here__{case}.ipynb", as_version=4)
        texts = [output["data"]["text/markdown"] for cell in notebook.cells for output in cell.get("outputs", [])
                 if "text/markdown" in output.get("data", {})]
        line = next(text for text in texts if text.startswith("数据质量"))
        assert "直线作答" in line and not re.search(r"[A-Za-z]{2,}", line), line


def test_the_checker_catches_identifiers():
    assert untranslated(("th", "alpha_ci_low")) and untranslated(("td", "True")) and untranslated(("td", "holds"))
    assert untranslated(("th", "unweighted")) and untranslated(("th", "Fong significant"))
    assert not untranslated(("th", "α 置信下限")) and not untranslated(("td", "0.81")) and not untranslated(("th", "P13 (R)"))
    assert not untranslated(("td", "Far too slow, I waited days for a reply"))  # a respondent's quote


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_codebook_check_reports_quality_in_lang(lang, capsys):
    folder = case_dir("bank")
    assert cli.main(["codebook", "check", str(folder / "codebook.yaml"), "--data", str(folder / "responses.csv"), "--lang", lang]) == 0
    shown = capsys.readouterr().out
    assert quality_issue("same answer to every perception item (straight-lining)", lang) in shown
    assert COLUMN_LABELS("respondent", lang) in shown and value_labels("action", lang)["flagged"] in shown
    if lang == "zh":
        assert "straight-lining" not in shown and "flagged" not in shown


def test_lang_is_accepted_after_every_subcommand():
    for argv in (["exercises", "release", "out"], ["codebook", "draft", "export.xlsx"], ["codebook", "check", "book.yaml"]):
        assert cli.parser("en").parse_args([*argv, "--lang", "zh"]).messages == "zh"
        assert cli.parser("zh").parse_args(argv).messages == "zh"
    assert cli.parser("en").parse_args(["--lang", "zh", "report"]).messages == "zh"


def test_gap_explorer_names_cases_providers_and_departments_in_chinese():
    from kitlib.widgets import gap_explorer
    from kitlib.widgets.gaps import draw_gap_view

    panel = gap_explorer(lang="zh", case="bank")
    case_box, provider_box, _ = panel.children[0].children
    assert all(CJK.search(label) for label, _ in case_box.options), case_box.options
    assert all(CJK.search(label) for label, _ in provider_box.options), provider_box.options
    book = kl.load_case("bank").codebook
    ax = draw_gap_view(panel.table, provider_box.value, "总体", "zh", 5, codebook=book)
    names = [tick.get_text() for tick in ax.get_yticklabels()]
    assert names and all(CJK.search(name) for name in names), names
    assert book.value_label("provider", provider_box.value, "zh") in ax.get_title()
