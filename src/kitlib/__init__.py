"""kitlib — internal service satisfaction kit.

Departments that serve each other (HR, IT, Finance, Procurement, Maintenance…)
measure how satisfied their internal customers are, find the gaps and improve.
``import kitlib as kl`` gives the public API listed in the README.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

import importlib

from .cases import CASES, case_dir, load_case
from .codebook import Codebook, load_codebook
from .errors import (
    AnalysisInputError,
    CodebookError,
    DataFileError,
    DataValidationError,
    DuplicateRespondentError,
    EncodingError,
    KitError,
    MissingColumnError,
    NonNumericError,
    OutOfRangeError,
)
from .loading import load_survey
from .survey import Survey

# --- psychometrics (issue 3) ---
from .cfa import CFAResult, cfa
from .efa import EFAResult, efa
from .factorability import Factorability, factorability
from .item_analysis import item_analysis
from .parallel_analysis import ParallelAnalysis, parallel_analysis
from .reliability import reliability
from .structure_match import StructureMatch, structure_match
from .validity import ValidityResult, htmt, validity

# --- service quality: gaps, KANO, NPS/CSI/IPA, trends, confidentiality (issue 4) ---
from .comments import Comments, publishable_comments
from .confidentiality import suppress_small_groups
from .csi import CSIResult, csi
from .gaps import GapResult, servqual_gaps
from .ipa import IPAResult, ipa
from .kano_classify import kano_classify
from .kano_table import kano_table, summarize_kano_counts
from .nps import NPSResult, nps
from .nps_table import nps_table
from .paired_test import paired_gap_test
from .provider_matrix import ProviderMatrix, provider_matrix
from .self_view_gap import self_view_gap
from .trend import TrendResult, trend
from .welch_test import welch_test

__version__ = "0.1.0"

# Charts, widgets and exercises pull in seaborn/ipywidgets; load them on first use (``kl.plot``)
# so that ``import kitlib`` and the ``kitlib report`` command start quickly.
_LAZY_SUBPACKAGES = ("plot", "widgets", "exercises")


def __getattr__(name):
    if name in _LAZY_SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'kitlib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBPACKAGES))
