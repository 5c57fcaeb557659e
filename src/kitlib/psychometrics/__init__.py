"""Psychometrics that validate the SERVQUAL dimensions, matched against R (psych, lavaan, semTools).

==================================  ==========================================================
module                              functions
==================================  ==========================================================
:mod:`.internal_consistency`        :func:`reliability`, :func:`item_analysis`
:mod:`.exploratory`                 :func:`factorability`, :func:`parallel_analysis`,
                                    :func:`efa`, :func:`structure_match`
:mod:`.confirmatory`                :func:`cfa` (ML; FIML in :mod:`.fiml`) and fit indices
:mod:`.construct_validity`          :func:`validity`, :func:`htmt`
:mod:`.scale_check`                 :func:`check_scales` and the verdict rules it applies
==================================  ==========================================================

Example
-------
>>> import kitlib as kl
>>> from kitlib import psychometrics
>>> survey = kl.load_case("it_firm")
>>> psychometrics.reliability(survey.data, survey.codebook.servqual_model("P")).index[0]
'tangibles'

References
----------
Revelle, W. (2024). *psych: Procedures for Psychological, Psychometric, and Personality Research*.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical Software*, 48(2).
"""

from kitlib._lazy import attach

# Loaded on first use (see kitlib._lazy): planning a report batch needs none of the analyses.
_EXPORTS = {
    "kitlib.psychometrics.confirmatory": (
        "CFAResult", "cfa",
    ),
    "kitlib.psychometrics.construct_validity": (
        "ValidityResult", "htmt", "validity",
    ),
    "kitlib.psychometrics.exploratory": (
        "EFAResult", "Factorability", "ParallelAnalysis", "StructureMatch", "efa", "factorability",
        "parallel_analysis", "structure_match",
    ),
    "kitlib.psychometrics.internal_consistency": (
        "item_analysis", "reliability",
    ),
    "kitlib.psychometrics.scale_check": (
        "ScaleCheck", "ScaleCutoffs", "check_scales",
    ),
    "kitlib.psychometrics.ordinal": (
        "OrdinalCFAResult", "cfa_wlsmv", "ordinal_reliability",
    ),
    "kitlib.psychometrics.polychoric": (
        "PolychoricResult", "polychoric_correlations",
    ),
    "kitlib.psychometrics.measurement_invariance": (
        "InvarianceResult", "invariance",
    ),
    "kitlib.psychometrics.model_syntax": (
        "ModelSpec", "parse_model",
    ),
}

__all__ = [
    "CFAResult", "EFAResult", "Factorability", "ParallelAnalysis", "ScaleCheck", "ScaleCutoffs", "StructureMatch",
    "ValidityResult", "cfa", "efa", "factorability", "htmt", "item_analysis", "parallel_analysis", "reliability",
    "check_scales", "structure_match", "validity", "OrdinalCFAResult", "PolychoricResult", "cfa_wlsmv",
    "ordinal_reliability", "polychoric_correlations", "InvarianceResult", "ModelSpec", "invariance", "parse_model",
]

__getattr__, __dir__ = attach(__name__, _EXPORTS)
