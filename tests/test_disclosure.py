"""The batch disclosure audit (issue 12): an attacker with exact arithmetic recovers no small group.

The attacker knows every cell the audit lets a batch publish — its respondent
count and the sum of every rating (so every mean) — for the shipped cases and
for variants built to be hard: one person rating several providers, a
department of 7 split 6 + 1 across waves, a 3-person provider × department
cell.  Published cells are sums of the finest cells; the attacker solves for a
small cell exactly when its 0/1 vector is a rational combination of the
published vectors.  The test builds those vectors from the raw data (not from
the audit's own bookkeeping) and checks the span with exact fractions.
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

import kitlib as kl
from kitlib.data.cases import case_dir
from kitlib.disclosure import MISSING, attach_audit, audit_disclosure
from kitlib.report.chapter import select, withheld_groups
from kitlib.report.grid import plan_batch

CASES = ("it_firm", "manufacturer", "bank")


# ----------------------------------------------------------------------------- exact linear algebra
def _reduce(basis: list[tuple[int, list[Fraction]]], vector: list[Fraction]) -> list[Fraction]:
    """``vector`` minus its components along the row-echelon ``basis`` (pivot, row), exactly."""
    v = list(vector)
    for pivot, row in basis:
        if v[pivot]:
            factor = v[pivot]
            v = [a - factor * b for a, b in zip(v, row, strict=True)]
    return v


def _add(basis, vector) -> bool:
    """Add ``vector`` to the echelon ``basis``; False if it was already in the span."""
    v = _reduce(basis, vector)
    pivot = next((i for i, value in enumerate(v) if value), None)
    if pivot is None:
        return False
    head = v[pivot]
    row = [value / head for value in v]
    basis[:] = [(p, [a - r[pivot] * b for a, b in zip(r, row, strict=True)]) for p, r in basis]
    basis.append((pivot, row))
    return True


def recoverable(published: list[list[int]], secret: list[int]) -> bool:
    """Whether ``secret`` is a rational combination of the ``published`` vectors (exact)."""
    basis: list = []
    for vector in published:
        _add(basis, [Fraction(value) for value in vector])
    return not any(_reduce(basis, [Fraction(value) for value in secret]))


def cell_vectors(survey, audit) -> tuple[pd.DataFrame, list[list[int]]]:
    """The audit's cells and, rebuilt from the raw rows, each cell's 0/1 vector over the finest cells."""
    keys = pd.DataFrame({name: survey.data[name].map(lambda v: MISSING if pd.isna(v) else str(v)) for name in audit.dimensions})
    inner = keys.drop_duplicates().reset_index(drop=True)
    vectors = []
    for _, cell in audit.cells.iterrows():
        member = np.ones(len(inner), dtype=bool)
        for name in audit.dimensions:
            if cell[name] is not None and not (isinstance(cell[name], float) and np.isnan(cell[name])):
                member &= (inner[name] == cell[name]).to_numpy()
        vectors.append(member.astype(int).tolist())
    return audit.cells, vectors


def people(survey, audit, cell) -> int:
    """Distinct respondents of one cell, counted from the raw rows."""
    rows = pd.Series(True, index=survey.data.index)
    for name in audit.dimensions:
        if cell[name] is not None:
            rows &= survey.data[name].astype(str) == cell[name]
    return survey.data.loc[rows, survey.codebook.respondent_id].nunique()


def assert_nothing_recoverable(survey, audit) -> None:
    cells, vectors = cell_vectors(survey, audit)
    shown = [vectors[i] for i in np.flatnonzero(cells["status"] == "shown")]
    small = np.flatnonzero(cells["status"] == "small")
    assert len(small), "the test needs a small cell to attack"
    for i in small:
        assert not recoverable(shown, vectors[i]), f"cell {cells.iloc[i][list(audit.dimensions)].to_dict()} is recoverable"
    for i in np.flatnonzero(cells["status"] == "shown"):
        assert people(survey, audit, cells.iloc[i]) >= audit.min_group_size
    for i in small:
        assert people(survey, audit, cells.iloc[i]) < audit.min_group_size


# ----------------------------------------------------------------------------- hard variants
def _rows(case: str) -> pd.DataFrame:
    return pd.read_csv(case_dir(case) / "responses.csv", dtype=str, keep_default_na=False)


def _write(tmp_path, case: str, data: pd.DataFrame):
    folder = tmp_path / case
    folder.mkdir(exist_ok=True)
    data.to_csv(folder / "responses.csv", index=False)
    shutil.copy(case_dir(case) / "codebook.yaml", folder / "codebook.yaml")
    return folder / "responses.csv"


def several_providers(tmp_path):
    """A department of 3 people who each rate 4 providers (12 rows); no other row of theirs."""
    data = _rows("bank")
    providers = sorted(data["provider"].unique())[:4]
    template = data[data["wave"] == "2026Q2"].head(12).copy()
    template["department"] = "Legal Desk"
    template["respondent_id"] = [f"LD{person}" for person in range(3) for _ in providers]
    template["provider"] = providers * 3
    template["comment"] = "法务台的意见 Legal Desk note"
    return _write(tmp_path, "bank", pd.concat([data, template], ignore_index=True)), "Legal Desk"


def wave_split(tmp_path):
    """A department of 7: 6 answer in the latest wave, 1 in the first."""
    data = _rows("bank")
    extra = data.head(7).copy()
    extra["department"] = "Audit Desk"
    extra["respondent_id"] = [f"AD{i}" for i in range(7)]
    extra["provider"] = "HR"
    extra["wave"] = ["2026Q2"] * 6 + ["2025Q4"]
    return _write(tmp_path, "bank", pd.concat([data, extra], ignore_index=True)), "Audit Desk"


def small_crossing(tmp_path):
    """A 3-person provider × department cell inside a large department (filters intersect there)."""
    data = _rows("it_firm")
    big = data["department"].value_counts().index[0]
    provider = data["provider"].value_counts().index[-1]
    rows = data.index[(data["department"] == big) & (data["provider"] == provider)]
    data = data.drop(rows[3:])
    return _write(tmp_path, "it_firm", data), (provider, big)


@pytest.mark.parametrize("case", CASES)
def test_no_small_cell_is_recoverable_in_the_cases(case):
    survey = kl.load_case(case)
    assert_nothing_recoverable(survey, audit_disclosure(survey))


@pytest.mark.parametrize("threshold", [3, 10, 30])
def test_no_small_cell_is_recoverable_at_other_thresholds(threshold):
    survey = kl.load_case("bank")
    assert_nothing_recoverable(survey, audit_disclosure(survey, threshold))


def test_people_not_rows_three_people_twelve_rows(tmp_path):
    path, department = several_providers(tmp_path)
    survey = kl.load_survey(path, on_invalid="exclude")
    audit = audit_disclosure(survey)
    assert audit.unit == "respondents"
    mine = audit.cells[audit.cells["department"] == department]
    assert set(mine["status"]) == {"small"} and mine["n"].max() == 3 and mine["n_rows"].max() == 12
    assert_nothing_recoverable(survey, audit)
    jobs, withheld = plan_batch(data=[str(path)], by="department")
    assert department not in {job.group for job in jobs} and withheld["responses"].small >= 1
    assert department in withheld_groups(select(survey), "department")


def test_wave_split_seven_is_six_plus_one(tmp_path):
    path, department = wave_split(tmp_path)
    survey = kl.load_survey(path, on_invalid="exclude")
    audit = audit_disclosure(survey)
    assert audit.status(department=department, wave="2025Q4") == "small"
    pooled, latest = audit.shown(department=department), audit.shown(department=department, wave="2026Q2")
    assert not (pooled and latest), "pooled 7 minus latest 6 would give the seventh person"
    assert_nothing_recoverable(survey, audit)
    pooled_jobs, _ = plan_batch(data=[str(path)], by="department")
    wave_jobs, _ = plan_batch(data=[str(path)], by="department", parameters={"wave": "2026Q2"})
    both = {j.group for j in pooled_jobs} & {j.group for j in wave_jobs}
    assert department not in both


def test_filter_intersection_three_person_cell(tmp_path):
    path, (provider, department) = small_crossing(tmp_path)
    survey = kl.load_survey(path, on_invalid="exclude")
    audit = audit_disclosure(survey)
    assert audit.status(provider=provider, department=department) == "small"
    assert_nothing_recoverable(survey, audit)
    # The route: the department's report minus its reports for every other provider.
    others = [p for p in survey.data["provider"].unique() if p != provider]
    planned = {tuple(sorted(job.notebook_parameters().items())) for job in
               plan_batch(data=[str(path)], by="provider", parameters={"department": department})[0]}
    route = [audit.shown(department=department)] + [audit.shown(provider=p, department=department) for p in others]
    assert not all(route)
    assert not any(dict(key).get("provider") == provider for key in planned)
    with pytest.raises(kl.AnalysisInputError, match="fewer than 5"):
        select(survey, provider=provider, department=department)


def test_every_pair_of_report_scopes_is_safe():
    """Any two planned reports (any filters and splits a user can pass) are cells the audit publishes."""
    survey = kl.load_case("bank")
    audit = audit_disclosure(survey)
    scopes = []
    for by in (None, "provider", "department"):
        for parameters in ({}, {"wave": "2025Q4"}, {"wave": "2026Q2"}, {"provider": "IT"}, {"department": "Treasury"}):
            jobs, _ = plan_batch(["bank"], by=by, parameters=parameters)
            for job in jobs:
                values = job.notebook_parameters()
                scopes.append({name: values[name] for name in ("provider", "department", "wave") if values.get(name)})
    assert scopes and all(audit.shown(**scope) for scope in scopes)


def test_protection_is_worded_apart_from_small(tmp_path):
    survey = kl.load_case("bank")
    audit = audit_disclosure(survey)
    protected = audit.cells[(audit.cells["status"] == "protection") & (audit.cells["level"] == "department")]
    small = audit.cells[(audit.cells["status"] == "small") & (audit.cells["level"] == "department")]
    with pytest.raises(kl.AnalysisInputError, match="protect a smaller group"):
        select(survey, department=protected["department"].iloc[0])
    with pytest.raises(kl.AnalysisInputError, match="fewer than 5") as error:
        select(survey, department=small["department"].iloc[0])
    assert small["department"].iloc[0] not in str(error.value)
    table = pd.DataFrame({"department": [protected["department"].iloc[0], small["department"].iloc[0]], "mean": [4.0, 5.0]})
    hidden = audit.hide(table, "department")
    assert hidden["suppression"].tolist() == ["complementary", "n<5"] and hidden["mean"].isna().all()


def test_threshold_cannot_be_lowered_on_an_audited_survey():
    survey = attach_audit(kl.load_case("bank"), 5)
    with pytest.raises(kl.OptionError, match="min_group_size=5"):
        attach_audit(survey, 1)
    assert attach_audit(survey.filter(provider="IT"), 5).disclosure is survey.disclosure


def test_audit_round_trips_and_is_deterministic(tmp_path):
    survey = kl.load_case("manufacturer")
    audit = audit_disclosure(survey)
    audit.to_json(tmp_path / "audit.json")
    again = kl.DisclosureAudit.from_json(tmp_path / "audit.json")
    assert again.fingerprint == audit.fingerprint
    pd.testing.assert_frame_equal(again.cells.astype(str), audit.cells.astype(str))
    shuffled = kl.Survey(survey.data.sample(frac=1, random_state=1), survey.codebook)
    assert audit_disclosure(shuffled).cells.set_index(["provider", "department", "level"])["status"].sort_index().equals(
        audit.cells.set_index(["provider", "department", "level"])["status"].sort_index())


def test_comments_come_only_from_finest_cells_of_ten():
    survey = kl.load_case("bank")
    audit = audit_disclosure(survey)
    allowed = audit.comment_rows(survey.data)
    finest = survey.data.groupby(list(audit.dimensions))["respondent_id"].transform("nunique")
    assert allowed.equals(finest >= 10) and 0 < allowed.sum() < len(allowed)


def test_every_level_is_audited():
    audit = audit_disclosure(kl.load_case("bank"))
    levels = {" × ".join(level) for depth in range(4) for level in combinations(audit.dimensions, depth)}
    assert set(audit.cells["level"]) == levels
    assert "protection" in repr(audit) or "hidden to protect" in repr(audit)


def test_the_attacker_breaks_table_by_table_suppression():
    """Negative control: with only primary suppression the same attacker recovers a small cell."""
    survey = kl.load_case("bank")
    audit = audit_disclosure(survey)
    cells, vectors = cell_vectors(survey, audit)
    naive = [vectors[i] for i in np.flatnonzero(cells["status"] != "small")]
    assert any(recoverable(naive, vectors[i]) for i in np.flatnonzero(cells["status"] == "small"))


# ----------------------------------------------------------------------------- a whole batch, end to end (slow)
def _scope_vector(inner: pd.DataFrame, scope: dict) -> list[int]:
    member = np.ones(len(inner), dtype=bool)
    for name, value in scope.items():
        member &= (inner[name] == value).to_numpy()
    return member.astype(int).tolist()


@pytest.mark.slow
@pytest.mark.parametrize("variant", [several_providers, wave_split])
def test_batch_attacker_recovers_nothing(tmp_path, variant):
    """Run the batches a quality office would run on one data set; attack everything they publish."""
    from kitlib.report import run_jobs

    path, planted = variant(tmp_path)
    survey = kl.load_survey(path, on_invalid="exclude")
    audit = audit_disclosure(survey)
    largest = survey.data["department"].value_counts().index[0]
    batches = [dict(by=None), dict(by="department"), dict(by="department", parameters={"wave": "2026Q2"}),
               dict(by="provider", parameters={"department": largest}), dict(by="department", parameters={"provider": "IT"})]
    published, pages = [], []
    for number, options in enumerate(batches):
        parameters = {"lang": "en", **options.get("parameters", {})}
        jobs, _ = plan_batch(data=[str(path)], by=options["by"], parameters=parameters)
        out = tmp_path / f"batch{number}"
        results = run_jobs(jobs, out, workers=2, progress=False)
        assert all(result.status == "ok" for result in results), [result.error for result in results]
        for job, result in zip(jobs, results, strict=True):
            values = job.notebook_parameters()
            scope = {name: str(values[name]) for name in ("provider", "department", "wave") if values.get(name)}
            assert audit.shown(**scope)
            published.append(scope)
            headline = dict(scope)  # the key figures describe the latest wave of the report's scope
            if "wave" not in scope and not result.summary["pooled"]:
                headline["wave"] = max(kl.Survey(survey.data, survey.codebook).filter(**scope).data["wave"])
            if result.summary["withheld"]:  # the latest wave of this scope is hidden: its count is published nowhere
                assert not audit.shown(**headline) and result.summary["n"] is None and result.summary["csi"] is None
                continue
            assert audit.shown(**headline)
            cell = audit.cells.copy()
            for name in audit.dimensions:
                cell = cell[cell[name] == headline[name]] if name in headline else cell[cell[name].isna()]
            assert result.summary["n"] == int(cell["n"].iloc[0]), "the index counts people, as the audit does"
            published.append(headline)
        pages += [page.read_text(encoding="utf-8") for page in out.rglob("*.html")]
        pages += [page.read_text(encoding="utf-8") for page in (out / "failed").glob("*")] if (out / "failed").exists() else []
    # Everything the batches published, plus every cell the audit lets any report show inside its tables.
    keys = pd.DataFrame({name: survey.data[name].astype(str) for name in audit.dimensions}).drop_duplicates()
    cells, vectors = cell_vectors(survey, audit)
    shown = [vectors[i] for i in np.flatnonzero(cells["status"] == "shown")]
    known = shown + [_scope_vector(keys.reset_index(drop=True), scope) for scope in published]
    for i in np.flatnonzero(cells["status"] == "small"):
        assert not recoverable(known, vectors[i]), cells.iloc[i].to_dict()
    # No small group is named anywhere, in either language, nor are its comments.
    small = set(audit.cells.loc[(audit.cells["status"] == "small") & (audit.cells["level"] == "department"), "department"])
    if variant is several_providers:  # 3 people x 4 rows: small; the 7 = 6 + 1 department is not (only its first wave is)
        assert planted in small
    else:
        assert audit.status(department=planted, wave="2025Q4") == "small"
    names = small | {survey.codebook.value_label("department", name, lang) for name in small for lang in ("zh", "en")}
    for text in pages:
        for name in names:
            assert name not in text
        assert "Legal Desk note" not in text
