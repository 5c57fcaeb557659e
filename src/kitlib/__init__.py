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

from . import plot
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

# --- service quality: gaps, KANO, NPS/CSI/IPA, trends, confidentiality (issue 4) ---

__version__ = "0.1.0"
