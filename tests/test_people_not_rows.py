"""People, not rows (issue 12): every confidentiality threshold counts distinct respondents.

The variant is built from the shipped IT-firm case: the 3 Internal Audit
respondents each rate 4 providers (12 rows: by rows the department would pass
the threshold of 5), a new "Legal" department has 5 respondents with one row
each, and a new "Board" department 2 respondents (so that Internal Audit and
Board, 5 people together, need no complementary cell).  Internal Audit must
be hidden everywhere, Legal shown.
"""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import kitlib as kl
from kitlib.service import _shared as svc
from kitlib.widgets.gaps import draw_gap_view, gap_view

AUDIT, LEGAL, BOARD = "Internal Audit", "Legal", "Board"


def _with_data(survey, data):
    return dataclasses.replace(survey, data=data.reset_index(drop=True))


def _copies_for_other_providers(rows: pd.DataFrame, providers: list[str], extra: int) -> pd.DataFrame:
    """Each row again for the next ``extra`` providers (same respondent, same answers)."""
    copies = []
    for shift in range(1, extra + 1):
        copy = rows.copy()
        copy["provider"] = [providers[(providers.index(p) + shift) % len(providers)] for p in rows["provider"]]
        copies.append(copy)
    return pd.concat(copies)


@pytest.fixture(scope="module")
def original():
    return kl.load_case("it_firm")


@pytest.fixture(scope="module")
def variant(original):
    data = original.data.copy()
    providers = sorted(data["provider"].unique())
    audit = data[data["department"] == AUDIT]
    legal = data[data["department"] == "Sales"].groupby("provider").head(1).index
    board = data[data["department"] == "Marketing"].index[:2]
    data.loc[legal, "department"] = LEGAL
    data.loc[board, "department"] = BOARD
    data["comment"] = data["comment"].astype(object)
    data.loc[audit.index, "comment"] = "audit secret"
    return _with_data(original, pd.concat([data, _copies_for_other_providers(audit.assign(comment="audit secret"), providers, 3)]))


@pytest.fixture(scope="module")
def doubled(original):
    """Every respondent rates one more provider with the same answers: people unchanged, rows doubled."""
    providers = sorted(original.data["provider"].unique())
    return _with_data(original, pd.concat([original.data, _copies_for_other_providers(original.data, providers, 1)]))


def test_the_variant_has_twelve_rows_but_three_people(variant):
    rows = variant.data[variant.data["department"] == AUDIT]
    assert len(rows) == 12 and rows["respondent_id"].nunique() == 3
    sizes = svc.group_sizes(variant.data, ["department"], svc.respondent_column(variant)).set_index("department")
    assert sizes.loc[AUDIT].tolist() == [3, 12]
    assert sizes.loc[LEGAL].tolist() == [5, 5]
    assert svc.person_ids(variant) is not None


def _by_department(table: pd.DataFrame, stats: list[str]) -> None:
    audit = table[table["department"] == AUDIT]
    assert len(audit) and audit["suppressed"].all(), "the 3-person department is shown"
    assert (audit["suppression"] == "n<5").all()
    assert (audit["group_n"] == 3).all()
    assert audit[[c for c in stats if c in audit]].isna().all().all()
    legal = table[table["department"] == LEGAL]
    assert len(legal) and not legal["suppressed"].any(), "the 5-person department is hidden"
    assert (legal["group_n"] == 5).all()


def test_every_grouped_table_hides_the_three_people_and_shows_the_five(variant):
    gaps = kl.servqual_gaps(variant, by="department")
    for table in (gaps.items, gaps.dimensions, gaps.overall):
        _by_department(table, ["n", "gap", "p", "ci_low"])
    assert (gaps.dimensions.loc[gaps.dimensions["department"] == LEGAL, "n"] == 5).all()
    assert gaps.unit == "respondent_mean"
    scores = kl.perception_scores(variant, by="department")
    for table in (scores.items, scores.dimensions, scores.overall):
        _by_department(table, ["n", "mean", "ci_low"])
    nps = kl.nps_table(variant, by="department")
    _by_department(nps, ["n", "nps", "promoters"])
    assert nps.attrs["unit"] == "rating"
    kano = kl.kano_table(variant, by="department")
    _by_department(kano, ["A", "O", "n", "better", "worse"])
    assert kano.loc[kano["department"] == AUDIT, "category"].isna().all()
    _by_department(kl.csi(variant, by="department").table, ["n", "csi"])


def test_the_two_way_matrix_and_the_gap_explorer_hide_the_department(variant):
    matrix = kl.provider_matrix(variant, value="overall")
    audit = matrix.cells[matrix.cells["department"] == AUDIT]
    assert audit["suppressed"].all() and audit["mean"].isna().all() and (audit["group_n"] == 3).all()
    gaps = kl.servqual_gaps(variant, by=["provider", "department"])
    assert gaps.dimensions.loc[gaps.dimensions["department"] == AUDIT, "suppressed"].all()
    for provider in sorted(variant.data["provider"].unique()):
        table = gap_view(variant, provider)
        assert table.loc[table["department"] == AUDIT, "suppressed"].all()
        ax = draw_gap_view(table, provider, "overall", "en", 5)
        shown = " ".join(t.get_text() for t in ax.texts + ax.get_yticklabels() + [ax.title])
        plt.close(ax.figure)
        assert AUDIT not in shown and "内审部" not in shown


def test_the_department_alone_is_hidden_in_every_ungrouped_analysis(variant):
    audit = variant.filter(department=AUDIT)
    assert len(audit.data) == 12
    assert kl.servqual_gaps(audit).dimensions["gap"].isna().all()
    assert kl.perception_scores(audit).dimensions["mean"].isna().all()
    assert np.isnan(kl.nps_table(audit)["nps"].iat[0])
    assert kl.kano_table(audit)["category"].isna().all()
    assert kl.csi(audit).suppressed and kl.ipa(audit).suppressed
    assert kl.driver_importance(audit, n_boot=0).attrs["suppressed"]
    legal = variant.filter(department=LEGAL)
    assert not kl.servqual_gaps(legal).dimensions["suppressed"].any() and not kl.csi(legal).suppressed


def test_comments_count_people_and_no_view_differences_out_a_withheld_comment(variant):
    shown_all = kl.publishable_comments(variant).table["comment"]
    for by in ("department", "provider", ["provider", "department"]):
        grouped = kl.publishable_comments(variant, by=by)
        assert "audit secret" not in set(grouped.table["comment"])
        # the all-comments view minus a grouped view leaves nothing
        assert sorted(shown_all) == sorted(grouped.table["comment"])
    by_rows = kl.publishable_comments(variant.data, by="department", complementary=False)  # no ids declared: 12 rows pass
    assert "audit secret" in set(by_rows.table["comment"])
    by_people = kl.publishable_comments(variant.data, by="department", respondent="respondent_id", complementary=False)
    assert "audit secret" not in set(by_people.table["comment"])
    withheld = by_people.suppressed.set_index("department")
    assert withheld.at[AUDIT, "n"] == 3 and withheld.at[AUDIT, "suppression"] == "n<10"


def test_duplicating_every_respondents_rows_changes_nothing_but_n_rows(original, doubled):
    before, after = (kl.servqual_gaps(s, by="department").dimensions for s in (original, doubled))
    columns = ["n", "gap", "se", "t", "p", "ci_low", "ci_high", "d_z", "suppressed"]
    pd.testing.assert_frame_equal(before[columns], after[columns])
    shown = ~after["suppressed"]
    assert (after.loc[shown, "n_rows"] == 2 * after.loc[shown, "n"]).all()
    before, after = (kl.nps_table(s, by="department") for s in (original, doubled))
    # same shares and the cluster-robust SE of the doubled ratings equals the SE of one rating each
    pd.testing.assert_frame_equal(before[["n", "nps", "se", "ci_low", "ci_high"]], after[["n", "nps", "se", "ci_low", "ci_high"]])
    assert before.attrs["unit"] == "respondent" and after.attrs["unit"] == "rating"
    before, after = (kl.csi(s, by="department") for s in (original, doubled))
    assert before.csi == pytest.approx(after.csi, abs=1e-12) and before.n == after.n
    pd.testing.assert_series_equal(before.table["csi"], after.table["csi"])
    before, after = (kl.kano_table(s, by="department") for s in (original, doubled))
    pd.testing.assert_series_equal(before["n"], after["n"])
    assert (after["A"].dropna() == 2 * before["A"].dropna()).all()
    before, after = (kl.ipa(s, importance="derived") for s in (original, doubled))
    pd.testing.assert_frame_equal(before.table, after.table)


def test_a_wave_split_counts_people_in_the_trend(original):
    """Bank: the 4-person Board Office rated by one person four times is still 4 people, hidden per wave."""
    bank = kl.load_case("bank")
    data = bank.data
    board = data[data["department"] == "Board Office"]
    providers = sorted(data["provider"].unique())
    variant = _with_data(bank, pd.concat([data, _copies_for_other_providers(board, providers, 3)]))
    result = kl.trend(variant, by="department")
    levels = result.levels[result.levels["department"] == "Board Office"]
    assert levels["suppressed"].all() and levels["mean"].isna().all()
    assert (levels["group_n"] <= 4).all()
    assert result.unit == "respondent_mean"
