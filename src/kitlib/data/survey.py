"""The :class:`Survey` object: validated responses, their codebook and a data-quality report.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> survey.servqual("P").shape[1]
22

References
----------
Groves, R. M. et al. (2009). *Survey Methodology* (2nd ed.), ch. 10
"Post-collection processing of survey data". Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kitlib.data.codebook import Codebook
from kitlib.errors import AnalysisInputError

__all__ = ["empty_quality_report", "Survey"]

QUALITY_COLUMNS = ["row", "respondent", "column", "value", "issue", "action"]


def empty_quality_report() -> pd.DataFrame:
    """An empty data-quality report with the standard columns."""
    return pd.DataFrame({name: pd.Series(dtype="object") for name in QUALITY_COLUMNS})


@dataclass
class Survey:
    """Validated survey responses.

    Attributes
    ----------
    data : DataFrame
        One row per respondent x rated provider.  Numeric items are floats
        (missing answers are NaN); reverse-keyed items are already recoded
        (``min + max - x``) so that higher always means better.
    codebook : Codebook
        What every column means.
    quality : DataFrame
        One row per excluded or flagged row/column: ``row`` (spreadsheet row,
        header = 1), ``respondent``, ``column``, ``value``, ``issue``, ``action``
        (``excluded``, ``flagged`` or ``recoded``).
    source : str or None
        The file the data came from.
    encoding : str or None
        Text encoding detected for CSV input.
    self_assessment : DataFrame or None
        Optional provider self-ratings of the perception items (one row per
        provider staff member), for the gap-model view.
    disclosure : DisclosureAudit or None
        The disclosure audit of the whole survey (:func:`kitlib.audit_disclosure`,
        attached by :func:`kitlib.disclosure.attach_audit`).  When present,
        every grouped kitlib table of this survey (and of surveys filtered
        from it) hides the cells the audit withholds.
    scope : dict
        The filters applied to the audited survey (``{"provider": "IT"}``):
        the cell this survey is; grouped tables are cells within it.
    """

    data: pd.DataFrame
    codebook: Codebook
    quality: pd.DataFrame = field(default_factory=empty_quality_report)
    source: str | None = None
    encoding: str | None = None
    self_assessment: pd.DataFrame | None = None
    disclosure: object | None = field(default=None, repr=False)
    scope: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        excluded = int((self.quality["action"] == "excluded").sum())
        flagged = int((self.quality["action"] == "flagged").sum())
        return (
            f"Survey({self.codebook.name!r}: {len(self.data)} rows x {self.data.shape[1]} columns, "
            f"{excluded} rows excluded, {flagged} flags; source={self.source!r})"
        )

    def __len__(self) -> int:
        return len(self.data)

    def respondents(self) -> int:
        """Distinct respondents (the codebook's ``respondent_id``; rows when it names none).

        The unit of every confidentiality threshold: one person who rated
        four providers has four rows but is one respondent.

        Example
        -------
        >>> import kitlib as kl
        >>> kl.load_case("bank").respondents()
        1220
        """
        column = self.codebook.respondent_id
        if column and column in self.data:
            return int(self.data[column].nunique())
        return len(self.data)

    def servqual(self, kind: str = "P") -> pd.DataFrame:
        """The 22 SERVQUAL perception (``"P"``) or expectation (``"E"``) item columns."""
        return self.data[self.codebook.items(f"servqual_{kind}")]

    def group_columns(self) -> list[str]:
        """Columns of kind ``group`` (e.g. provider, department)."""
        return self.codebook.items("group")

    def wave_column(self) -> str | None:
        """The column of kind ``wave``, if the survey has several waves."""
        waves = self.codebook.items("wave")
        return waves[0] if waves else None

    def filter(self, **equals) -> Survey:
        """A new Survey restricted to rows where each ``column == value``.

        Example
        -------
        >>> import kitlib as kl
        >>> it = kl.load_case("it_firm").filter(provider="IT Support")
        >>> set(it.data["provider"])
        {'IT Support'}
        """
        mask = pd.Series(True, index=self.data.index)
        for column, value in equals.items():
            if value is None:
                continue
            if column not in self.data:
                raise AnalysisInputError(f"cannot filter on '{column}': the survey has no such column")
            mask &= self.data[column] == value
        subset = self.data[mask]
        assessment = self.self_assessment
        if assessment is not None:
            for column, value in equals.items():
                if value is not None and column in assessment:
                    assessment = assessment[assessment[column] == value]
        scope = dict(self.scope) | {column: str(value) for column, value in equals.items() if value is not None}
        return Survey(subset, self.codebook, self.quality, self.source, self.encoding, assessment, self.disclosure, scope)
