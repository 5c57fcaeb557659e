"""One guarded entry point to ``factor_analyzer.FactorAnalyzer``.

factor_analyzer 0.5.1 calls scikit-learn's ``check_array(force_all_finite=...)``.
scikit-learn 1.6-1.7 accept it with a FutureWarning (silenced here, only
here); scikit-learn >= 1.8 removed the keyword, and the fit fails with a
``TypeError``.  kitlib pins ``scikit-learn<1.8``; if the pin is lost this
module turns the obscure ``TypeError`` into a :class:`KitError` that says how
to fix the environment (``tests/test_efa.py`` fits a model to catch it).

Example
-------
>>> import numpy as np
>>> from kitlib.psychometrics._factor_analyzer import fit_factor_analyzer
>>> corr = np.array([[1, .5, .4], [.5, 1, .3], [.4, .3, 1]])
>>> fit_factor_analyzer(corr, 1, method="minres", rotation=None, is_corr_matrix=True).loadings_.shape
(3, 1)

References
----------
Biggs, J., & Madnani, N. (2019). *factor_analyzer* 0.5.1. https://github.com/EducationalTestingService/factor_analyzer
"""

from __future__ import annotations

import numpy as np
from factor_analyzer import FactorAnalyzer

from kitlib._checks import quiet_sklearn_rename
from kitlib.errors import KitError


def fit_factor_analyzer(data: np.ndarray, n_factors: int, *, method: str, rotation, is_corr_matrix: bool) -> FactorAnalyzer:
    """Fit ``FactorAnalyzer`` on data or a correlation matrix; see the module docstring."""
    analyzer = FactorAnalyzer(
        n_factors=n_factors, rotation=rotation, method=method, is_corr_matrix=is_corr_matrix, svd_method="lapack"
    )
    try:
        with quiet_sklearn_rename():
            analyzer.fit(data)
    except TypeError as error:
        if "force_all_finite" in str(error):
            raise KitError(
                "factor_analyzer 0.5.1 does not work with scikit-learn >= 1.8; "
                "install scikit-learn<1.8 (pip install 'scikit-learn<1.8') as kitlib's pyproject pins"
            ) from error
        raise
    return analyzer
