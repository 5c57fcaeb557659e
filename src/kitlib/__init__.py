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

from kitlib._lazy import attach

# Every public name is loaded on first use (PEP 562): ``import kitlib`` costs a few milliseconds, and
# ``kitlib report`` can start its kernels before the scientific stack is loaded.  ``kl.name`` imports
# the module that defines it; ``dir(kl)`` and tab completion list every name.
_EXPORTS = {
    # Data: cases, codebooks, survey files
    "kitlib.data": (
        "CASES", "Codebook", "CodebookDraft", "Survey", "case_dir", "draft_codebook", "load_case", "load_codebook",
        "load_survey",
    ),
    # kitlib's exceptions
    "kitlib.errors": (
        "AnalysisInputError", "CodebookError", "DataFileError", "DataValidationError", "DuplicateRespondentError",
        "EncodingError", "KitError", "MissingColumnError", "NonNumericError", "OptionError", "OutOfRangeError",
    ),
    # Confidentiality: small groups and publishable comments
    "kitlib.privacy": (
        "Comments", "publishable_comments", "suppress_small_groups",
    ),
    # Psychometrics: reliability, factor analysis, validity, CFA and invariance
    "kitlib.psychometrics": (
        "CFAResult", "EFAResult", "Factorability", "ParallelAnalysis", "ScaleCheck", "ScaleCutoffs", "StructureMatch",
        "ValidityResult", "cfa", "check_scales", "efa", "factorability", "htmt", "item_analysis", "parallel_analysis",
        "reliability", "structure_match", "validity", "InvarianceResult", "ModelSpec", "invariance", "parse_model",
    ),
    # Service-quality analyses: gaps, KANO, NPS, CSI, IPA, waves, PDCA, voice, standards, journey
    "kitlib.service": (
        "CSIResult", "DriverResult", "GapFocus", "GapResult", "ImprovementPlan", "Instrument", "IPAResult",
        "NPSDifference", "NPSResult", "PerceptionResult", "ProviderMatrix", "TrendResult", "classify_changes", "csi",
        "driver_importance", "drivers", "improvement_plan", "instrument", "ipa", "kano_classify", "kano_table",
        "largest_gap", "nps", "nps_difference", "nps_table", "perception_scores", "provider_matrix", "self_view_gap",
        "servqual_gaps", "summarize_kano_counts", "trend", "uncertain_quadrants", "weakest_cell", "CommentThemes",
        "SLAResult", "comment_sentiment", "comment_themes", "journey_map", "mask_personal_data", "moments_of_truth",
        "read_journey", "read_notes", "read_tickets", "satisfaction_link", "sla", "suggest_themes", "HeadlineChange",
        "WaveView", "headline_change", "kano_priorities", "largest_weights", "latest_wave", "plan_target",
        "wave_changes",
    ),
    # Tests shared by the analyses
    "kitlib.stats": (
        "paired_test", "welch_test",
    ),
    # One disclosure audit over the linked tables of a batch
    "kitlib.disclosure": (
        "DisclosureAudit", "attach_audit", "audit_disclosure",
    ),
}

#: Charts, widgets and exercises (seaborn, ipywidgets): subpackages reached as ``kl.plot`` and so on.
_SUBPACKAGES = ("plot", "widgets", "exercises")

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

__version__ = "0.1.0"


__getattr__, __dir__ = attach(__name__, _EXPORTS, _SUBPACKAGES,
                              # the paired test under its earlier name (kitlib 0.1), kept so existing notebooks run
                              renamed={"paired_gap_test": ("kitlib.stats", "paired_test")})
