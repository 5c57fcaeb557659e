"""One disclosure audit for everything a batch of reports publishes: secondary cell suppression over linked tables.

A batch of reports publishes many tables about the same respondents: the
whole organisation, each provider, each receiving department, each survey
wave, and their crossings (a provider's report split by department, a
department's report split by wave, the provider × department map, any
``--param`` filter combination).  Hiding each table's small groups one
table at a time is not enough: the pooled report of a department of 7 minus
its latest-wave report of 6 is the seventh person's answers.

:func:`audit_disclosure` protects all those *linked tables* at once, the way
statistical offices do (τ-ARGUS; R's sdcTable, method ``"GAUSS"``):

1. The *cells* are every combination of the linked dimensions (provider,
   department, wave — whichever the survey has), at every level: the total,
   each one-way margin, each two-way crossing, the finest crossing.
2. *Primary suppression*: a cell with 1 to ``min_group_size − 1`` distinct
   respondents is sensitive ("small").
3. *Secondary suppression* by Gaussian elimination (Langsrud, 2024): the
   cells are offered for publication from the coarsest level to the finest,
   larger cells first.  A cell is published unless publishing it would let a
   sensitive cell be computed as a linear combination (sums and
   differences, the arithmetic of totals, counts and means × n) of the cells
   published so far; otherwise it is hidden "to protect another group".

Every published cell therefore belongs to one set whose linear span contains
no sensitive cell: no combination of published totals, counts or means × n
— across reports, filters, waves and levels — gives the count or the sum of
a small group.  Reports, the index, the widgets and the planner all ask the
same audit (:meth:`DisclosureAudit.shown`), so the set is the batch's.

Free-text comments cannot be summed, but set differences reveal them
(all comments minus the shown groups' comments).  A comment is therefore
published, in any view, only when its *finest* cell has at least
``comment_group_size`` (10) respondents (:meth:`DisclosureAudit.comment_rows`):
every view shows a subset of one fixed set of comments, so no difference of
views isolates a small group's comment.

Example
-------
>>> import kitlib as kl
>>> audit = kl.audit_disclosure(kl.load_case("bank"))
>>> audit.shown()                     # the whole organisation
True
>>> int((audit.cells["status"] == "small").sum()) > 0
True

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.2
"Primary and secondary cell suppression" and 4.3 "Linked tables". Wiley.
Langsrud, Ø. (2024). Secondary cell suppression by Gaussian elimination: an
algorithm suitable for handling issues with zeros and singletons. *Journal of
Official Statistics*, 40(4), 672–706.  R: sdcTable (``protectTable(method =
"GAUSS")``) and GaussSuppression.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from kitlib.atomic import write_atomically
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.privacy import COMPLEMENTARY, primary_reason

__all__ = ["COMMENT_GROUP_SIZE", "STATUSES", "DisclosureAudit", "attach_audit", "audit_disclosure", "linked_dimensions"]

#: A comment is shown only where its finest cell has at least this many distinct respondents.
COMMENT_GROUP_SIZE = 10

#: Status of a cell: shown; fewer than ``min_group_size`` respondents; hidden to protect a small group;
#: not a nameable group (a missing provider/department/wave value: counted in totals, never shown).
STATUSES = ("shown", "small", "protection", "unlabelled")

#: Numerical tolerance of the span test on 0/1 vectors (squared residual norms).
_TOLERANCE = 1e-9


def linked_dimensions(survey) -> tuple[str, ...]:
    """The columns a batch can split or filter reports by: provider, department and the wave column, if present.

    Example
    -------
    >>> import kitlib as kl
    >>> linked_dimensions(kl.load_case("bank"))
    ('provider', 'department', 'wave')
    """
    wave = survey.wave_column()
    return tuple(column for column in ("provider", "department", wave) if column and column in survey.data)


#: The value of a cell whose provider/department/wave is missing (a category of its own, never shown).
MISSING = "\x00missing"


def _key(value) -> str:
    """A dimension value as the audit stores it: text, or :data:`MISSING`."""
    return MISSING if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else str(value)


@dataclass(frozen=True)
class DisclosureAudit:
    """The published and hidden cells of all linked tables of one survey (:func:`audit_disclosure`).

    Attributes
    ----------
    dimensions : tuple of str
        The linked dimensions, e.g. ``("provider", "department", "wave")``.
    min_group_size : int
        Cells with fewer distinct respondents are never shown.
    comment_group_size : int
        Comments are shown only from finest cells at least this large.
    unit : {"respondents", "rows"}
        What ``n`` counts: distinct respondent ids (the codebook's
        ``respondent_id``) or, without ids, rows.
    cells : DataFrame
        One row per cell: the dimension columns (the value as text, or None
        for "all"), ``level`` (the dimensions fixed, joined by ``×``; ""
        for the total), ``n`` (distinct respondents), ``n_rows`` and
        ``status`` (one of :data:`STATUSES`).
    fingerprint : str
        Hash of the data and settings the audit was computed from.
    """

    dimensions: tuple[str, ...]
    min_group_size: int
    comment_group_size: int
    unit: str
    cells: pd.DataFrame = field(repr=False)
    fingerprint: str = ""

    def __repr__(self) -> str:
        counts = self.cells["status"].value_counts()
        return (f"DisclosureAudit({' × '.join(self.dimensions) or 'no dimensions'}; {len(self.cells)} cells: "
                f"{counts.get('shown', 0)} shown, {counts.get('small', 0)} with fewer than {self.min_group_size} "
                f"{self.unit}, {counts.get('protection', 0)} hidden to protect them; unit {self.unit})")

    # ------------------------------------------------------------------ lookups
    def _scope(self, scope: dict) -> dict[str, str]:
        unknown = [name for name in scope if name not in self.dimensions]
        if unknown:
            raise OptionError(f"the disclosure audit covers {', '.join(self.dimensions) or 'no dimension'}, "
                              f"not {', '.join(unknown)}")
        return {name: str(value) for name, value in scope.items() if value is not None and str(value) != ""}

    def _lookup(self) -> dict[tuple, str]:
        table = self.__dict__.get("_index")
        if table is None:
            keys = zip(*(self.cells[name] for name in self.dimensions), strict=True) if self.dimensions else [()] * len(self.cells)
            table = dict(zip((tuple(k) for k in keys), self.cells["status"], strict=True))
            object.__setattr__(self, "_index", table)
        return table

    def status(self, **scope) -> str:
        """The status of the cell ``scope`` fixes (e.g. ``provider="IT", wave="2025"``; nothing: the total).

        A combination without respondents has nothing to show and nothing to
        hide: ``"empty"``.
        """
        fixed = self._scope(scope)
        key = tuple(fixed.get(name) for name in self.dimensions)
        return self._lookup().get(key, "empty")

    def shown(self, **scope) -> bool:
        """Whether the cell ``scope`` fixes may be published."""
        return self.status(**scope) == "shown"

    def hide(self, table: pd.DataFrame, by, scope: dict | None = None) -> pd.DataFrame:
        """``table`` (one row per group of ``by``) with the cells the audit withholds marked suppressed.

        The groups' cells are ``scope`` plus each row's values of ``by`` (the
        columns of ``by`` the audit covers; with none, every row is the
        ``scope`` cell itself).
        Rows whose cell is not shown get ``suppressed = True`` and
        ``suppression`` = ``"n<k"`` (small) or ``"complementary"`` (hidden to
        protect another group), the wording of
        :func:`kitlib.privacy.suppress_small_groups`; rows it already hid stay hidden.
        """
        columns = [by] if isinstance(by, str) else list(by or [])
        audited = [name for name in columns if name in self.dimensions]
        fixed = self._scope(scope or {})
        lookup = self._lookup()
        statuses = []
        rows = zip(*(table[name] for name in audited), strict=True) if audited else [()] * len(table)
        for values in rows:
            cell = dict(fixed) | {name: _key(value) for name, value in zip(audited, values, strict=True)}
            statuses.append(lookup.get(tuple(cell.get(name) for name in self.dimensions), "empty"))
        statuses = pd.Series(statuses, index=table.index)
        out = table.copy()
        hidden = statuses.isin(["small", "protection", "unlabelled"])
        before = out["suppressed"].astype(bool) if "suppressed" in out else pd.Series(False, index=out.index)
        reason = out["suppression"] if "suppression" in out else pd.Series("", index=out.index, dtype=object)
        newly = hidden & ~before
        reason = reason.astype(object).where(~newly, np.where(statuses == "small", primary_reason(self.min_group_size), COMPLEMENTARY))
        out["suppressed"] = before | hidden
        out["suppression"] = reason
        for name in out.columns:
            if (name not in (*columns, "suppressed", "suppression") and pd.api.types.is_numeric_dtype(out[name])
                    and not pd.api.types.is_bool_dtype(out[name])):
                out[name] = out[name].astype(float).mask(out["suppressed"])
        return out

    def _groups(self, by: str, scope: dict | None) -> pd.DataFrame:
        """The cells of the groups of ``by`` within ``scope``."""
        fixed = self._scope(scope or {})
        if by not in self.dimensions:
            raise OptionError(f"the disclosure audit covers {', '.join(self.dimensions)}, not {by!r}")
        level = " × ".join(name for name in self.dimensions if name in fixed or name == by)
        rows = self.cells[self.cells["level"] == level]
        for name, value in fixed.items():
            rows = rows[rows[name] == value]
        return rows

    def withheld(self, by: str, scope: dict | None = None) -> dict[str, int]:
        """How many groups of ``by`` within ``scope`` are hidden, by reason: ``{"small": a, "protection": b}``."""
        counts = self._groups(by, scope)["status"].value_counts()
        return {"small": int(counts.get("small", 0)), "protection": int(counts.get("protection", 0))}

    def shown_groups(self, by: str, scope: dict | None = None) -> list[str]:
        """The values of ``by`` whose cell within ``scope`` may be published, sorted."""
        rows = self._groups(by, scope)
        return sorted(rows.loc[rows["status"] == "shown", by].tolist())

    def comment_rows(self, data: pd.DataFrame) -> pd.Series:
        """Rows of ``data`` whose comments may be published: finest cell of at least ``comment_group_size`` respondents.

        ``data`` is the survey's data (or a filtered part of it); the size of
        each row's finest cell is taken from the audit, i.e. from the whole
        survey, so every view applies the same rule.
        """
        finest = self.cells[self.cells["level"] == " × ".join(self.dimensions)]
        large = {tuple(row) for row in finest.loc[finest["n"] >= self.comment_group_size, list(self.dimensions)].itertuples(index=False)}
        if not self.dimensions:
            total = int(self.cells["n"].iloc[0])
            return pd.Series(total >= self.comment_group_size, index=data.index)
        keys = zip(*(data[name].map(_key) for name in self.dimensions), strict=True)
        return pd.Series([tuple(key) in large for key in keys], index=data.index)

    # ------------------------------------------------------------------ files
    def to_json(self, path) -> None:
        """Write the audit to ``path`` (atomically)."""
        payload = {"dimensions": list(self.dimensions), "min_group_size": self.min_group_size,
                   "comment_group_size": self.comment_group_size, "unit": self.unit, "fingerprint": self.fingerprint,
                   "cells": self.cells.astype(object).where(self.cells.notna(), None).to_dict(orient="list")}
        write_atomically(path, json.dumps(payload, ensure_ascii=False))

    @classmethod
    def from_json(cls, path) -> DisclosureAudit:
        """Read an audit written by :meth:`to_json`."""
        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8"))
            cells = pd.DataFrame(payload["cells"])
            return cls(tuple(payload["dimensions"]), int(payload["min_group_size"]), int(payload["comment_group_size"]),
                       payload["unit"], cells, payload.get("fingerprint", ""))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise AnalysisInputError(f"{path}: not a readable disclosure audit ({error})") from None


def _fingerprint(keys: pd.DataFrame, people: pd.Series, min_group_size: int, comment_group_size: int) -> str:
    digest = hashlib.sha256(f"{list(keys.columns)}|{min_group_size}|{comment_group_size}".encode())
    digest.update(pd.util.hash_pandas_object(keys.assign(_person=people.to_numpy()), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


_CACHE: dict[str, DisclosureAudit] = {}


def audit_disclosure(survey, min_group_size: int = 5, *, dimensions=None,
                     comment_group_size: int = COMMENT_GROUP_SIZE) -> DisclosureAudit:
    """Decide, once for a whole batch, which cells of the linked tables may be published.

    Parameters
    ----------
    survey : Survey
        The whole survey a batch reports on (not a filtered part).
    min_group_size : int, default 5
        Cells with fewer distinct respondents are sensitive.
    dimensions : sequence of str, optional
        The linked dimensions; default :func:`linked_dimensions` (provider,
        department and wave, where present).
    comment_group_size : int, default 10
        Comments are published only from finest cells at least this large.

    Returns
    -------
    DisclosureAudit
        The same data and settings always give the same audit (it is
        deterministic, and cached per process by a hash of the data).

    Notes
    -----
    Let the *inner cells* be the finest crossing of the dimensions that
    occurs in the data, and let each cell :math:`c` of every level be the
    0/1 vector :math:`x_c` of the inner cells it sums.  Additive statistics
    of a cell (row count, the sum of any rating, hence a mean times its n)
    are :math:`x_c^\\top t` for the inner-cell totals :math:`t`, so a set
    :math:`P` of published cells reveals a sensitive cell :math:`s` exactly
    when :math:`x_s \\in \\operatorname{span}\\{x_c : c \\in P\\}`.

    Cells with :math:`1 \\le n < k` respondents are sensitive (primary
    suppression).  The other cells are offered in a fixed order — coarser
    levels first, then more respondents first — and a cell is published
    unless adding :math:`x_c` to the span would make the residual of some
    sensitive :math:`x_s` (its component orthogonal to the span) vanish:
    with :math:`q` the normalised residual of :math:`x_c`, that happens when
    :math:`\\lVert r_s \\rVert^2 - (r_s^\\top q)^2 = 0`.  The span is kept as an
    orthonormal basis (Gram–Schmidt with re-orthogonalisation), so each offer
    costs :math:`O(rm)` for rank :math:`r` and :math:`m` inner cells.  This is
    the Gaussian-elimination secondary suppression of Langsrud (2024),
    without its singleton extensions: a respondent's knowledge of their own
    answers is not modelled (the threshold rule itself assumes it).

    Distinct respondents count people, not rows: a person who rates four
    providers is one respondent in their department.  Sums are over rows
    (ratings), which is what the linear model needs.

    Example
    -------
    >>> import kitlib as kl
    >>> audit = audit_disclosure(kl.load_case("it_firm"))
    >>> audit.unit, audit.dimensions
    ('respondents', ('provider', 'department'))

    References
    ----------
    Langsrud, Ø. (2024). Secondary cell suppression by Gaussian elimination.
    *Journal of Official Statistics*, 40(4), 672–706.
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4. Wiley.
    """
    from kitlib.service._shared import check_min_group_size, require_survey

    survey = require_survey(survey, "audit_disclosure")
    min_group_size = check_min_group_size(min_group_size)
    comment_group_size = check_min_group_size(comment_group_size)
    dimensions = tuple(linked_dimensions(survey) if dimensions is None else dimensions)
    missing = [name for name in dimensions if name not in survey.data]
    if missing:
        raise OptionError(f"audit_disclosure(): no column {', '.join(missing)} in the survey")
    data = survey.data
    respondent = survey.codebook.respondent_id
    unit = "respondents" if respondent and respondent in data else "rows"
    people = data[respondent] if unit == "respondents" else pd.Series(np.arange(len(data)), index=data.index)
    keys = pd.DataFrame({name: data[name].map(_key) for name in dimensions}, index=data.index)
    fingerprint = _fingerprint(keys, people, min_group_size, comment_group_size)
    if fingerprint in _CACHE:
        return _CACHE[fingerprint]
    cells, members = _cells(keys, people, dimensions)
    status = np.where(cells["unlabelled"], "unlabelled", "shown").astype(object)
    sensitive = (cells["n"] < min_group_size).to_numpy()
    status[sensitive] = "small"
    offered = np.flatnonzero(~sensitive & ~cells["unlabelled"].to_numpy())
    order = offered[np.lexsort((cells["order"].to_numpy()[offered], -cells["n"].to_numpy()[offered],
                                cells["depth"].to_numpy()[offered]))]
    published = _secondary_suppression(members, np.flatnonzero(sensitive), order)
    status[offered[~published[offered]]] = "protection"
    table = cells.drop(columns=["unlabelled", "order", "depth"]).assign(status=status)
    audit = DisclosureAudit(dimensions, min_group_size, comment_group_size, unit, table.reset_index(drop=True), fingerprint)
    _CACHE[fingerprint] = audit
    return audit


def attach_audit(survey, min_group_size: int = 5, *, comment_group_size: int = COMMENT_GROUP_SIZE):
    """``survey`` with its disclosure audit attached: its grouped tables (and its filters') then hide what the audit withholds.

    An audit already attached with the same threshold is kept (a filtered
    survey keeps the audit of the whole survey it came from); a different
    threshold on an audited survey is refused, so a batch's threshold cannot
    be lowered afterwards.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = attach_audit(kl.load_case("bank"))
    >>> survey.filter(provider="IT", wave="2026Q2").scope
    {'provider': 'IT', 'wave': '2026Q2'}
    """
    from dataclasses import replace

    current = getattr(survey, "disclosure", None)
    if current is not None:
        if current.min_group_size != min_group_size or current.comment_group_size != comment_group_size:
            raise OptionError(f"this survey's disclosure audit uses min_group_size={current.min_group_size}; "
                              f"it cannot be re-audited with {min_group_size}")
        return survey
    audit = audit_disclosure(survey, min_group_size, comment_group_size=comment_group_size)
    return replace(survey, disclosure=audit, scope={})


def _cells(keys: pd.DataFrame, people: pd.Series, dimensions: tuple[str, ...]):
    """Every cell of every level, its respondent and row counts, and the inner (finest) cells it sums."""
    filled = keys  # a missing value (MISSING) is a category of its own in the totals
    inner_codes = pd.factorize(pd.MultiIndex.from_frame(filled))[0] if dimensions else np.zeros(len(keys), dtype=np.int64)
    frames, members = [], []
    for depth in range(len(dimensions) + 1):
        for level in combinations(dimensions, depth):
            if level:
                codes, uniques = pd.factorize(pd.MultiIndex.from_frame(filled[list(level)]))
                values = [tuple(value) for value in uniques]
            else:
                codes, values = np.zeros(len(keys), dtype=np.int64), [()]
            frame = pd.DataFrame({"code": codes, "person": people.to_numpy(), "inner": inner_codes})
            n = frame.groupby("code")["person"].nunique().reindex(range(len(values))).to_numpy()
            n_rows = np.bincount(codes, minlength=len(values))
            pairs = frame[["code", "inner"]].drop_duplicates().sort_values(["code", "inner"])
            members += [group.to_numpy() for _, group in pairs.groupby("code")["inner"]]
            rows = {name: [value[level.index(name)] if name in level else None for value in values] for name in dimensions}
            frames.append(pd.DataFrame({**rows, "level": " × ".join(level), "n": n.astype(int), "n_rows": n_rows.astype(int),
                                        "unlabelled": [MISSING in value for value in values], "depth": depth}))
    cells = pd.concat(frames, ignore_index=True)
    cells["order"] = np.arange(len(cells))
    return cells, members


class _SparseRows:
    """Sparse rows with a column index: ``rows[key] = {column: value}``, ``holders[column] = {keys}``."""

    def __init__(self):
        self.rows: dict = {}
        self.holders: dict = {}

    def put(self, key, row: dict) -> None:
        self.rows[key] = row
        for column in row:
            self.holders.setdefault(column, set()).add(key)

    def eliminate(self, column: int, pivot_row: dict) -> None:
        """Subtract multiples of ``pivot_row`` (1 at ``column``) from every row with an entry at ``column``."""
        for key in list(self.holders.get(column, ())):
            row = self.rows[key]
            factor = row[column]
            for k, x in pivot_row.items():
                value = row.get(k, 0.0) - factor * x
                if abs(value) < _TOLERANCE:
                    if k in row:
                        del row[k]
                        self.holders[k].discard(key)
                else:
                    if k not in row:
                        self.holders.setdefault(k, set()).add(key)
                    row[k] = value


def _secondary_suppression(members: list[np.ndarray], sensitive: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Publish the cells of ``order`` one by one unless one would put a sensitive cell in the published span.

    Sparse Gaussian elimination: the published span is kept in reduced row
    echelon form (``basis``, one row per pivot column), each sensitive
    vector as its residual against it (zero at every pivot).  A candidate's
    residual ``w`` reveals sensitive cell ``s`` exactly when ``s``'s residual
    is a multiple of ``w``.
    """
    published = np.zeros(len(members), dtype=bool)
    basis, secrets = _SparseRows(), _SparseRows()
    for number, cell in enumerate(sensitive):
        secrets.put(number, dict.fromkeys(members[cell].tolist(), 1.0))
    for cell in order:
        support = members[cell].tolist()
        residual = dict.fromkeys(support, 1.0)
        for column in support:  # reduced echelon form: one pass over the pivots in the support
            pivot_row = basis.rows.get(column)
            if pivot_row is not None:
                for k, x in pivot_row.items():
                    residual[k] = residual.get(k, 0.0) - x
        residual = {k: x for k, x in residual.items() if abs(x) >= _TOLERANCE}
        if not residual:  # already a combination of published cells: publishing it adds nothing
            published[cell] = True
            continue
        largest = max(abs(x) for x in residual.values())
        pivot = min((k for k, x in residual.items() if abs(x) >= 0.5 * largest),
                    key=lambda k: (len(basis.holders.get(k, ())) + len(secrets.holders.get(k, ())), k))
        if any(_parallel(secrets.rows[s], residual, pivot) for s in secrets.holders.get(pivot, ())):
            continue  # would reveal a sensitive cell: hidden to protect it
        scale = residual[pivot]
        residual = {k: x / scale for k, x in residual.items()}
        basis.eliminate(pivot, residual)
        secrets.eliminate(pivot, residual)
        basis.put(pivot, residual)
        published[cell] = True
    return published


def _parallel(secret: dict, residual: dict, pivot: int) -> bool:
    """Whether ``secret`` is a multiple of ``residual`` (both sparse, both non-zero at ``pivot``)."""
    if len(secret) != len(residual):
        return False
    ratio = secret[pivot] / residual[pivot]
    return all(abs(secret.get(k, 0.0) - ratio * x) < 1e-7 for k, x in residual.items())
