"""Survey data: the YAML codebook, the validated :class:`Survey`, the file readers and the shipped cases.

=====================  =========================================================
module                 what it holds
=====================  =========================================================
:mod:`.codebook`       :class:`Codebook`, :func:`load_codebook`
:mod:`.survey`         :class:`Survey` (responses + codebook + quality report)
:mod:`.readers`        :func:`load_survey` (CSV/TSV/XLSX, encodings, validation)
:mod:`.cases`          :func:`load_case`, :data:`CASES` (shipped case studies)
=====================  =========================================================

Example
-------
>>> from kitlib.data import load_case
>>> load_case("it_firm").codebook.name
'it_firm'

References
----------
DDI Alliance (2014). *Data Documentation Initiative — Codebook 2.5*.
"""

from kitlib.data.cases import CASES, case_dir, load_case
from kitlib.data.codebook import Codebook, load_codebook
from kitlib.data.draft import CodebookDraft, draft_codebook
from kitlib.data.readers import load_survey
from kitlib.data.survey import Survey

__all__ = ["CASES", "Codebook", "CodebookDraft", "Survey", "case_dir", "draft_codebook", "load_case", "load_codebook", "load_survey"]
