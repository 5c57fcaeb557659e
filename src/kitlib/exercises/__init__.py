"""Instant feedback for the course exercises in ``exercises/``.

Each exercise notebook ends its TODO cells with a ``check_*`` call.  A check
works out the expected answer from the participant's own data (with kitlib or
the textbook formula — nothing is stored), compares, and returns a
:class:`CheckResult`: what is right, and for what is wrong a hint in Chinese
(``lang="zh"``) or English (``lang="en"``), naming the typical mistake when it
recognises one (gap computed as E − P, reverse-keyed item not recoded, KANO
table transposed, NPS with passives counted…).  Checks never raise on a wrong
answer.

The student notebooks themselves are written from the solution sources by
:func:`release` (``make student``).

Example
-------
>>> from kitlib.exercises import check_nps
>>> check_nps(60.0, [10, 9, 8, 7, 3], lang="en").mistakes
['passives_as_promoters']

References
----------
Hattie, J., & Timperley, H. (2007). The power of feedback. *Review of
Educational Research*, 77(1), 81–112.
"""

from kitlib.exercises.cleaning import check_cleaning
from kitlib.exercises.csi import check_csi
from kitlib.exercises.factor import check_factor_analysis
from kitlib.exercises.gap import check_gap
from kitlib.exercises.ipa import check_ipa
from kitlib.exercises.kano import check_better_worse, check_kano
from kitlib.exercises.nps import check_nps
from kitlib.exercises.pdca import ACTIVITIES, PDCA_ORDER, check_service_standard
from kitlib.exercises.reliability import check_reliability
from kitlib.exercises.result import CheckResult, Finding
from kitlib.exercises.standards import check_sla, sla_exercise_data
from kitlib.exercises.student_release import release
from kitlib.exercises.themes import SENTIMENT_COMMENTS, check_theme_coding, theme_exercise_data

__all__ = [
    "ACTIVITIES",
    "PDCA_ORDER",
    "SENTIMENT_COMMENTS",
    "CheckResult",
    "Finding",
    "check_better_worse",
    "check_cleaning",
    "check_csi",
    "check_factor_analysis",
    "check_gap",
    "check_ipa",
    "check_kano",
    "check_nps",
    "check_reliability",
    "check_service_standard",
    "check_sla",
    "check_theme_coding",
    "release",
    "sla_exercise_data",
    "theme_exercise_data",
]
