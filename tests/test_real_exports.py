"""From a raw export to a report: a Chinese-platform XLSX, a survey-platform CSV and an SPSS file.

Each export is built from the IT-firm case the way the tools write them (title rows, metadata columns,
text answers, 不适用, 15% blanks, question-text and import-id header rows, SPSS labels); then
``kitlib codebook draft`` writes a codebook, ``kitlib codebook check`` accepts it, and
``kitlib report --data FILE --codebook drafted.yaml`` runs end to end without edits.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest

import kitlib as kl

SATISFACTION = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
ROWS = 240


def base_answers(seed: int = 7) -> pd.DataFrame:
    """240 IT-firm answers: provider, department, the 22 perception items on 1..5, NPS, overall, comment."""
    survey = kl.load_case("it_firm")
    data = survey.data.sample(ROWS, random_state=seed).reset_index(drop=True)
    perceptions = survey.codebook.items("servqual_P")
    five = data[perceptions].apply(lambda column: np.ceil(column * 5 / 7).clip(1, 5))
    return pd.concat([data[["respondent_id", "provider", "department"]], five,
                      data[["nps", "overall"]].assign(overall=lambda f: np.ceil(f["overall"] * 5 / 7).clip(1, 5)),
                      data[["comment"]]], axis=1)


def blank(frame: pd.DataFrame, columns, share: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = frame.copy().astype(object)
    for column in columns:
        out.loc[rng.random(len(out)) < share, column] = None
    return out


def chinese_platform_xlsx(path) -> None:
    """问卷星-style workbook: a merged title row, a blank row, metadata columns, text answers, 不适用 and 15% blanks."""
    data = base_answers()
    perceptions = [c for c in data.columns if c.startswith("P")]
    texts = blank(data, perceptions + ["overall"], 0.15, seed=3)
    rng = np.random.default_rng(11)
    for column in perceptions:
        answered = texts[column].notna()
        texts.loc[answered, column] = [SATISFACTION[int(v) - 1] for v in texts.loc[answered, column]]
        texts.loc[answered & (rng.random(len(texts)) < 0.02), column] = "不适用"
    texts.loc[texts["overall"].notna(), "overall"] = [SATISFACTION[int(v) - 1] for v in texts["overall"].dropna()]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    book = kl.load_case("it_firm").codebook
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来自IP", "您评价的服务部门", "您所在的部门"]
    header += [f"{i}.{book.label(p, 'zh')}" for i, p in enumerate(perceptions, start=1)]
    header += ["23.您向同事推荐该部门服务的可能性有多大？", "24.总体而言，您对该部门的服务满意吗？", "25.意见与建议"]
    sheet.append(["2026年内部服务满意度调查（导出数据）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    sheet.append([])
    sheet.append(header)
    for number, row in enumerate(texts.itertuples(index=False), start=1):
        values = [number, f"2026/11/{1 + number % 28} 10:{number % 60:02d}:00", f"{60 + number % 300}秒", "手机提交", f"10.0.{number % 255}.{number % 7}",
                  row.provider, row.department]
        values += [getattr(row, p) for p in perceptions] + [int(row.nps), row.overall, row.comment]
        sheet.append(values)
    workbook.save(path)


def survey_platform_csv(path) -> None:
    """Qualtrics-style CSV: three header rows (names, question texts, import ids) and metadata columns."""
    data = base_answers(seed=8)
    perceptions = [c for c in data.columns if c.startswith("P")]
    data = blank(data, perceptions, 0.05, seed=4)
    book = kl.load_case("it_firm").codebook
    names = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished", "RecordedDate",
             "ResponseId", "Q1", "Q2"] + [f"Q3_{i}" for i in range(1, 23)] + ["Q4", "Q5", "Q6"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
             "Recorded Date", "Response ID", "Which service department are you rating?", "Your department"]
    texts += [f"How much do you agree? - {book.label(p, 'en')}" for p in perceptions]
    texts += ["How likely are you to recommend this department to a colleague?", "Overall, how satisfied are you?",
              "Comments and suggestions"]
    imports = [json.dumps({"ImportId": name}) for name in names]
    rows = []
    for number, row in enumerate(data.itertuples(index=False)):
        rows.append(["2026-11-02 09:00:00", "2026-11-02 09:07:00", "IP Address", "10.1.1.1", "100", "420", "True",
                     "2026-11-02 09:07:01", f"R_{number:05d}", row.provider, row.department]
                    + ["" if pd.isna(getattr(row, p)) else str(int(getattr(row, p))) for p in perceptions]
                    + [str(int(row.nps)), str(int(row.overall)), "" if pd.isna(row.comment) else row.comment])
    frame = pd.DataFrame([texts, imports, *rows], columns=names)
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def spss_file(path) -> None:
    """SPSS .sav with variable labels and value labels (numeric codes for groups and answers)."""
    pyreadstat = pytest.importorskip("pyreadstat")
    data = base_answers(seed=9)
    perceptions = [c for c in data.columns if c.startswith("P")]
    providers = sorted(data["provider"].unique())
    departments = sorted(data["department"].unique())
    frame = pd.DataFrame({
        "id": np.arange(1, len(data) + 1),
        "provider": [providers.index(v) + 1 for v in data["provider"]],
        "dept": [departments.index(v) + 1 for v in data["department"]],
        **{f"p{i}": data[p].astype(float) for i, p in enumerate(perceptions, start=1)},
        "nps": data["nps"].astype(float),
        "overall": data["overall"].astype(float),
    })
    book = kl.load_case("it_firm").codebook
    labels = {"id": "Respondent ID", "provider": "Rated service department", "dept": "Your department",
              **{f"p{i}": book.label(p, "en") for i, p in enumerate(perceptions, start=1)},
              "nps": "How likely are you to recommend this department?", "overall": "Overall satisfaction"}
    agree = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"}
    value_labels = {"provider": {i + 1: v for i, v in enumerate(providers)}, "dept": {i + 1: v for i, v in enumerate(departments)},
                    **{f"p{i}": agree for i in range(1, 23)}}
    pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=value_labels)


EXPORTS = {"platform.xlsx": chinese_platform_xlsx, "qualtrics.csv": survey_platform_csv, "export.sav": spss_file}


def kitlib(*args, cwd):
    return subprocess.run([sys.executable, "-m", "kitlib.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=900)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_drafted_codebook_loads_the_export(tmp_path, name):
    path = tmp_path / name
    EXPORTS[name](path)
    before = path.read_bytes()
    drafted = kl.draft_codebook(path)
    survey = kl.load_survey(path, drafted.codebook, on_invalid="exclude")
    assert len(survey) >= 0.9 * ROWS
    assert drafted.codebook.role("provider") == "provider"
    assert len(drafted.codebook.items("servqual_P")) == 22
    assert drafted.codebook.items("nps") and drafted.codebook.items("overall")
    assert path.read_bytes() == before


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_goes_from_draft_to_report(tmp_path, name):
    path = tmp_path / name
    EXPORTS[name](path)
    codebook = tmp_path / "codebook.yaml"
    done = kitlib("codebook", "draft", path, "-o", codebook, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    checked = kitlib("codebook", "check", codebook, "--data", path, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    report = kitlib("report", "--data", path, "--codebook", codebook, "--out", tmp_path / "out", "--workers", "1",
                    "--no-progress", "--lang", "en", cwd=tmp_path)
    assert report.returncode == 0, report.stdout + report.stderr
    pages = [p for p in (tmp_path / "out").glob("*.html") if p.name != "index.html"]
    assert len(pages) == 1 and (tmp_path / "out" / "index.html").exists()
    html = pages[0].read_text(encoding="utf-8")
    assert "Traceback" not in html and "Error" not in html.split("</style>")[-1]
