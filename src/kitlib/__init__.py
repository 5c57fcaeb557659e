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

from kitlib.data import CASES, Codebook, CodebookDraft, Survey, case_dir, draft_codebook, load_case, load_codebook, load_survey
from kitlib.errors import (
    AnalysisInputError,
    CodebookError,
    DataFileError,
    DataValidationError,
    DuplicateRespondentError,
    EncodingError,
    KitError,
    MissingColumnError,
    NonNumericError,
    OptionError,
    OutOfRangeError,
)
from kitlib.privacy import Comments, publishable_comments, suppress_small_groups
from kitlib.psychometrics import (
    CFAResult,
    EFAResult,
    Factorability,
    ParallelAnalysis,
    ScaleCheck,
    ScaleCutoffs,
    StructureMatch,
    ValidityResult,
    cfa,
    check_scales,
    efa,
    factorability,
    htmt,
    item_analysis,
    parallel_analysis,
    reliability,
    structure_match,
    validity,
)
from kitlib.service import (
    CSIResult,
    DriverResult,
    GapFocus,
    GapResult,
    ImprovementPlan,
    Instrument,
    IPAResult,
    NPSDifference,
    NPSResult,
    PerceptionResult,
    ProviderMatrix,
    TrendResult,
    classify_changes,
    csi,
    driver_importance,
    drivers,
    improvement_plan,
    instrument,
    ipa,
    kano_classify,
    kano_table,
    largest_gap,
    nps,
    nps_difference,
    nps_table,
    perception_scores,
    provider_matrix,
    self_view_gap,
    servqual_gaps,
    summarize_kano_counts,
    trend,
    uncertain_quadrants,
    weakest_cell,
)
from kitlib.stats import paired_test, welch_test

#: The paired test under its earlier name (kitlib 0.1), kept so existing notebooks run.
paired_gap_test = paired_test

__all__ = [
    "DriverResult",
    "drivers",
    "driver_importance",
    "NPSDifference",
    "nps_difference",
    "uncertain_quadrants",
    "AnalysisInputError",
    "case_dir",
    "CASES",
    "cfa",
    "draft_codebook",
    "CFAResult",
    "Codebook",
    "CodebookDraft",
    "CodebookError",
    "Comments",
    "csi",
    "CSIResult",
    "GapFocus",
    "ImprovementPlan",
    "classify_changes",
    "improvement_plan",
    "Instrument",
    "instrument",
    "largest_gap",
    "PerceptionResult",
    "perception_scores",
    "weakest_cell",
    "DataFileError",
    "DataValidationError",
    "DuplicateRespondentError",
    "efa",
    "EFAResult",
    "EncodingError",
    "Factorability",
    "factorability",
    "GapResult",
    "htmt",
    "ipa",
    "IPAResult",
    "item_analysis",
    "kano_classify",
    "kano_table",
    "KitError",
    "load_case",
    "load_codebook",
    "load_survey",
    "MissingColumnError",
    "NonNumericError",
    "nps",
    "nps_table",
    "NPSResult",
    "OptionError",
    "OutOfRangeError",
    "paired_gap_test",
    "paired_test",
    "parallel_analysis",
    "ParallelAnalysis",
    "ScaleCheck",
    "ScaleCutoffs",
    "provider_matrix",
    "ProviderMatrix",
    "publishable_comments",
    "reliability",
    "check_scales",
    "self_view_gap",
    "servqual_gaps",
    "structure_match",
    "StructureMatch",
    "summarize_kano_counts",
    "suppress_small_groups",
    "Survey",
    "trend",
    "TrendResult",
    "validity",
    "ValidityResult",
    "welch_test",
]

# Measurement invariance (multi-group CFA) and lavaan model syntax.
from kitlib.psychometrics import InvarianceResult, ModelSpec, invariance, parse_model  # noqa: E402

__all__ += ["InvarianceResult", "ModelSpec", "invariance", "parse_model"]

# Voice of the internal customer, service standards and tickets, journey and moments of truth (issue 14).
from kitlib.service import (  # noqa: E402
    CommentThemes,
    SLAResult,
    comment_sentiment,
    comment_themes,
    journey_map,
    mask_personal_data,
    moments_of_truth,
    read_journey,
    read_notes,
    read_tickets,
    satisfaction_link,
    sla,
    suggest_themes,
)

__all__ += ["CommentThemes", "SLAResult", "comment_sentiment", "comment_themes", "journey_map", "mask_personal_data", "moments_of_truth",
            "read_journey", "read_notes", "read_tickets", "satisfaction_link", "sla", "suggest_themes"]

# Latest wave and its change, and the plan rules (issue 11).
from kitlib.service import (  # noqa: E402
    HeadlineChange,
    WaveView,
    headline_change,
    kano_priorities,
    largest_weights,
    latest_wave,
    plan_target,
    wave_changes,
)

__all__ += ["HeadlineChange", "WaveView", "headline_change", "kano_priorities", "largest_weights", "latest_wave", "plan_target",
            "wave_changes"]

# One disclosure audit over the linked tables of a whole batch (issue 12).
from kitlib.disclosure import DisclosureAudit, attach_audit, audit_disclosure  # noqa: E402

__all__ += ["DisclosureAudit", "attach_audit", "audit_disclosure"]

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
