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

from kitlib.psychometrics.confirmatory import CFAResult, cfa
from kitlib.psychometrics.construct_validity import ValidityResult, htmt, validity
from kitlib.psychometrics.exploratory import (
    EFAResult,
    Factorability,
    ParallelAnalysis,
    StructureMatch,
    efa,
    factorability,
    parallel_analysis,
    structure_match,
)
from kitlib.psychometrics.internal_consistency import item_analysis, reliability
from kitlib.psychometrics.scale_check import ScaleCheck, ScaleCutoffs, check_scales

__all__ = [
    "CFAResult", "EFAResult", "Factorability", "ParallelAnalysis", "ScaleCheck", "ScaleCutoffs", "StructureMatch", "ValidityResult",
    "cfa", "efa", "factorability", "htmt", "item_analysis", "parallel_analysis", "reliability",
    "check_scales", "structure_match", "validity",
]

# Ordinal CFA (WLSMV) and ordinal reliability from polychoric correlations (:mod:`.ordinal`, :mod:`.polychoric`).
from kitlib.psychometrics.ordinal import OrdinalCFAResult, cfa_wlsmv, ordinal_reliability  # noqa: E402
from kitlib.psychometrics.polychoric import PolychoricResult, polychoric_correlations  # noqa: E402

__all__ += ["OrdinalCFAResult", "PolychoricResult", "cfa_wlsmv", "ordinal_reliability", "polychoric_correlations"]

# Measurement invariance across groups and lavaan model syntax (:mod:`.invariance`, :mod:`.model_syntax`).
from kitlib.psychometrics.measurement_invariance import InvarianceResult, invariance  # noqa: E402
from kitlib.psychometrics.model_syntax import ModelSpec, parse_model  # noqa: E402

__all__ += ["InvarianceResult", "ModelSpec", "invariance", "parse_model"]
