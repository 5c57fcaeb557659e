"""Helpers shared by the chapter and report notebooks.

They keep notebook cells short: open the survey a notebook's parameters name
(a shipped case, or a researcher's own file that overrides it), restrict it
to one provider / department / wave without ever showing a withheld group,
print conclusions built from computed numbers in Chinese or English, and
record a report's key figures for the index page.

Example
-------
>>> from kitlib.report.chapter import open_survey, pick
>>> survey = open_survey(case="bank")
>>> pick("en", zh="银行", en="bank")
'bank'

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4. Wiley.
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import json

from kitlib.atomic import write_atomically
from kitlib.data.cases import load_case
from kitlib.data.codebook import SERVQUAL_DIMENSIONS
from kitlib.data.readers import load_survey
from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError, KitError
from kitlib.i18n import pick, say
from kitlib.privacy import suppress_small_groups
from kitlib.report.grid import group_counts

__all__ = ["available", "dimension_grid", "dimension_order", "group_counts", "open_survey", "pick", "record_summary", "say",
           "select", "visible", "withheld_groups"]




def open_survey(case: str = "it_firm", data_path: str = "", codebook_path: str = "") -> Survey:
    """The survey a notebook runs on: ``data_path`` (+ codebook) if given, else the shipped ``case``.

    Rows that break a codebook rule are excluded and listed in ``survey.quality``
    so that a researcher's imperfect file still produces a report.
    """
    if data_path:
        return load_survey(data_path, codebook_path or None, on_invalid="exclude")
    if not case:
        raise KitError("set either 'case' (it_firm, manufacturer, bank) or 'data_path' in the parameters cell")
    return load_case(case, on_invalid="exclude")


def available(info, section: str, lang: str) -> bool:
    """Whether the survey supports ``section``; if not, display the one-line note saying why.

    ``info`` is :func:`kitlib.instrument` of the survey; ``section`` one of
    :data:`kitlib.service.capabilities.SECTIONS`.  Chapters and the report
    write ``if available(info, "gaps", lang): ...`` so that a section the
    questionnaire cannot feed is replaced by its note, never by an error.

    Example
    -------
    >>> import kitlib as kl
    >>> available(kl.instrument(kl.load_case("bank")), "trend", "en")
    True
    """
    if info.supports(section):
        return True
    from IPython.display import Markdown, display

    display(Markdown(info.note(section, lang)))
    return False


def withheld_groups(survey: Survey, by: str, min_group_size: int = 5) -> set[str]:
    """Values of ``by`` that :func:`~kitlib.confidentiality.suppress_small_groups` hides."""
    checked = suppress_small_groups(group_counts(survey, by), by, min_n=min_group_size)
    return {str(value) for value in checked.loc[checked["suppressed"], by]}


def select(survey: Survey, *, provider: str = "", department: str = "", wave: str = "", min_group_size: int = 5) -> Survey:
    """Restrict ``survey`` to one provider, department and/or wave ("" = all).

    Raises
    ------
    AnalysisInputError
        The value does not occur, or the group is withheld for confidentiality
        (its name is not repeated in the message).
    """
    filters = {"provider": provider, "department": department}
    for column, value in filters.items():
        if not value:
            continue
        if column not in survey.data or value not in set(survey.data[column].astype(str)):
            raise AnalysisInputError(f"no respondents with {column} = {value!r} in this survey")
        if value in withheld_groups(survey, column, min_group_size):
            raise AnalysisInputError(
                f"this {column} group is withheld: fewer than {min_group_size} respondents "
                "(or hidden so that such a group cannot be worked out by differencing)"
            )
    chosen = {column: value for column, value in filters.items() if value}
    if wave:
        column = survey.wave_column()
        if column is None:
            raise AnalysisInputError(f"wave {wave!r} was requested but this survey has a single wave")
        if wave not in set(survey.data[column].astype(str)):
            raise AnalysisInputError(f"no wave {wave!r}; the survey has {sorted(survey.data[column].dropna().unique())}")
        chosen[column] = wave
    return survey.filter(**chosen) if chosen else survey


def record_summary(path: str, **figures) -> None:
    """Write a report's key figures as JSON to ``path`` (atomically; nothing if ``path`` is "")."""
    if not path:
        return
    write_atomically(path, json.dumps(figures, ensure_ascii=False, default=float))


def dimension_order(codebook) -> list[str]:
    """The codebook's SERVQUAL dimensions in the canonical order (Parasuraman et al. 1988).

    Tangibles, reliability, responsiveness, assurance, empathy first; any other
    dimension of a researcher's codebook follows in codebook order.

    Example
    -------
    >>> from kitlib.data.cases import load_case
    >>> dimension_order(load_case("bank").codebook)
    ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy']
    """
    present = list(codebook.servqual_model("P")) or list(codebook.servqual_model("E"))
    return [name for name in SERVQUAL_DIMENSIONS if name in present] + [name for name in present if name not in SERVQUAL_DIMENSIONS]


def dimension_grid(table, index: str, values: str, codebook, lang: str):
    """``table`` (one row per group and ``dimension``) as a group × dimension grid.

    Columns follow :func:`dimension_order` and carry the dimension labels of
    ``lang``; rows carry the codebook value labels of ``index``.  Pass a
    :func:`visible` table, so that withheld groups are not among the rows.
    """
    pick(lang, "", "")
    grid = table.pivot(index=index, columns="dimension", values=values)
    grid = grid[[name for name in dimension_order(codebook) if name in grid.columns]]
    return (grid.rename(index=lambda value: codebook.value_label(index, value, lang),
                        columns=lambda name: codebook.label(name, lang))
            .rename_axis(columns=None))


def visible(table):
    """Rows of a grouped result that may be shown: suppressed rows and bookkeeping columns dropped.

    Blanked rows of :func:`~kitlib.confidentiality.suppress_small_groups`
    still carry the group's name; reports drop them so that a withheld group
    appears nowhere.
    """
    if "suppressed" not in table:
        return table
    keep = ~table["suppressed"].astype(bool)
    return table.loc[keep].drop(columns=[c for c in ("suppressed", "suppression", "group_n") if c in table])
