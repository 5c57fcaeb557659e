"""Interactive course widgets (ipywidgets): KANO classifier, gap explorer, IPA what-if.

Each widget is a thin ipywidgets shell around a plain function that does the
work (:func:`kano_verdict`, :func:`gap_view`, :func:`what_if`), so the logic
is tested without a browser and the widgets run quietly under papermill.

Example
-------
>>> from kitlib.widgets import kano_classifier
>>> panel = kano_classifier(lang="en")

References
----------
Jupyter widgets community (2015–). *ipywidgets*. https://ipywidgets.readthedocs.io
"""

from kitlib.widgets.gaps import draw_gap_view, gap_explorer, gap_view
from kitlib.widgets.importance import draw_ipa, ipa_what_if, what_if
from kitlib.widgets.kano import kano_classifier, kano_verdict

__all__ = ["draw_gap_view", "draw_ipa", "gap_explorer", "gap_view", "ipa_what_if", "kano_classifier", "kano_verdict", "what_if"]
