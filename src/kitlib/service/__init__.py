"""Service-quality analyses: gaps, KANO, NPS, satisfaction indices, waves and provider maps.

==============================  ===============================================================
module                          functions
==============================  ===============================================================
:mod:`.gaps`                    :func:`servqual_gaps`, :func:`self_view_gap`
:mod:`.kano`                    :func:`kano_classify`, :func:`kano_table`, :func:`summarize_kano_counts`
:mod:`.net_promoter`            :func:`nps`, :func:`nps_table`, :func:`nps_difference`
:mod:`.key_drivers`             :func:`drivers` (Shapley/LMG, relative weights), :func:`driver_importance`, :func:`uncertain_quadrants`
:mod:`.indices`                 :func:`csi`, :func:`ipa`
:mod:`.waves`                   :func:`trend`, :func:`latest_wave`, :func:`headline_change`, :func:`wave_changes`
:mod:`.provider_receiver`       :func:`provider_matrix`
:mod:`.pdca`                    :func:`largest_gap`, :func:`plan_target`, :func:`improvement_plan`, :func:`classify_changes`,
                                :func:`kano_priorities`, :func:`largest_weights`
:mod:`.performance`             :func:`perception_scores` (perceptions-only / SERVPERF surveys)
:mod:`.capabilities`            :func:`instrument`: which analyses a questionnaire supports
:mod:`.voice`                   :func:`comment_themes`, :func:`comment_sentiment`, :func:`mask_personal_data`, :func:`suggest_themes`
:mod:`.standards`               :func:`read_tickets`, :func:`sla`, :func:`satisfaction_link`, :func:`control_limits`
:mod:`.touchpoints`             :func:`read_journey`, :func:`journey_map`, :func:`moments_of_truth`
==============================  ===============================================================

Every grouped analysis counts distinct respondents per group and hides groups below
``min_group_size`` (see :mod:`kitlib.privacy`); on a survey with a disclosure audit
attached (:func:`kitlib.attach_audit`) it also hides every cell the batch's audit withholds.

Example
-------
>>> import kitlib as kl
>>> from kitlib import service
>>> service.nps([10, 9, 3, 8]).nps
25.0

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

from kitlib._lazy import attach

# Loaded on first use (see kitlib._lazy): planning a report batch needs none of the analyses.
_EXPORTS = {
    "kitlib.service.capabilities": (
        "Instrument", "instrument",
    ),
    "kitlib.service.gaps": (
        "GapResult", "self_view_gap", "servqual_gaps",
    ),
    "kitlib.service.indices": (
        "CSIResult", "IPAResult", "csi", "ipa",
    ),
    "kitlib.service.kano": (
        "kano_classify", "kano_table", "summarize_kano_counts",
    ),
    "kitlib.service.key_drivers": (
        "DriverResult", "driver_importance", "drivers", "uncertain_quadrants",
    ),
    "kitlib.service.net_promoter": (
        "NPSDifference", "NPSResult", "nps", "nps_difference", "nps_table",
    ),
    "kitlib.service.pdca": (
        "GapFocus", "ImprovementPlan", "classify_changes", "improvement_plan", "kano_priorities", "largest_gap",
        "largest_weights", "plan_target", "weakest_cell",
    ),
    "kitlib.service.performance": (
        "PerceptionResult", "perception_scores",
    ),
    "kitlib.service.provider_receiver": (
        "ProviderMatrix", "provider_matrix",
    ),
    "kitlib.service.standards": (
        "SLAResult", "control_limits", "read_standards", "read_tickets", "satisfaction_link", "sla",
        "wilson_interval",
    ),
    "kitlib.service.touchpoints": (
        "journey_map", "moments_of_truth", "read_journey",
    ),
    "kitlib.service.voice": (
        "CommentThemes", "comment_sentiment", "comment_themes", "mask_personal_data", "read_notes", "suggest_themes",
    ),
    "kitlib.service.waves": (
        "HeadlineChange", "TrendResult", "WaveView", "headline_change", "latest_wave", "trend", "wave_changes",
    ),
}

__all__ = [
    "DriverResult", "NPSDifference", "driver_importance", "drivers", "nps_difference", "uncertain_quadrants",
    "CSIResult", "GapFocus", "GapResult", "IPAResult", "ImprovementPlan", "Instrument", "NPSResult",
    "PerceptionResult", "ProviderMatrix", "TrendResult", "classify_changes", "improvement_plan", "largest_gap",
    "weakest_cell", "csi", "instrument", "ipa", "kano_classify", "perception_scores", "kano_table", "nps",
    "nps_table", "provider_matrix", "self_view_gap", "servqual_gaps", "summarize_kano_counts", "trend",
    "CommentThemes", "comment_sentiment", "comment_themes", "mask_personal_data", "read_notes", "suggest_themes",
    "SLAResult", "control_limits", "read_standards", "read_tickets", "satisfaction_link", "sla", "wilson_interval",
    "journey_map", "moments_of_truth", "read_journey", "HeadlineChange", "WaveView", "headline_change",
    "kano_priorities", "largest_weights", "latest_wave", "plan_target", "wave_changes",
]

__getattr__, __dir__ = attach(__name__, _EXPORTS)
