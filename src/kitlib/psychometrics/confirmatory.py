"""Confirmatory factor analysis (ML, robust MLR, FIML for missing answers) and the fit indices lavaan reports.

Estimation of one group uses semopy (ML, "MLW" objective) on the sample covariance
matrix with divisor N, exactly the sufficient statistics lavaan uses, so the
estimates equal lavaan's and the fit needs no pass over the raw data.
Everything a reviewer asks for next is computed here from the model matrices, following lavaan:
fit indices (chi2, CFI, TLI, RMSEA with 90% CI, SRMR), standard errors, z and p of every free
parameter (expected information), modification indices, and for ``estimator="MLR"`` the
Yuan–Bentler scaled test with robust (sandwich) standard errors and robust fit indices.
``missing="fiml"`` uses full information ML on all respondents (:mod:`kitlib.psychometrics.fiml`, as
lavaan's ``missing = "ml"``).  Several groups with equality constraints (measurement invariance,
:mod:`kitlib.psychometrics.measurement_invariance`) are fitted by the Fisher-scoring estimator :func:`fit_groups`.

Models are dicts ``{factor: [items]}`` or lavaan strings (cross-loadings, ``~~`` residual covariances),
see :mod:`kitlib.psychometrics.model_syntax`.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.cfa(survey.data, survey.codebook.servqual_model("P"))
>>> sorted(result.fit.index[:4])
['cfi', 'chi2', 'df', 'pvalue']
>>> import numpy as np
>>> from kitlib.psychometrics.confirmatory import srmr
>>> round(srmr(np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([[1.0, 0.3], [0.3, 1.0]])), 4)
0.1155

References
----------
Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor analysis.
*Psychometrika*, 34, 183–202.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2), 1–36.
Igolkina, A. A., & Meshcheryakov, G. (2020). semopy: A Python package for structural equation modeling.
*Structural Equation Modeling*, 27(6), 952–963.
Bentler, P. M. (1995). *EQS Structural Equations Program Manual* (SRMR).
Steiger, J. H. (1990). Structural model evaluation and modification: an interval estimation approach.
*Multivariate Behavioral Research*, 25, 173–180 (RMSEA and its confidence interval).
Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes. *Structural Equation Modeling*, 6, 1–55.
Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance structure
analysis with nonnormal missing data. *Sociological Methodology*, 30, 165–200.
Sörbom, D. (1989). Model modification. *Psychometrika*, 54, 371–384.
Brosseau-Liard, P. E., & Savalei, V. (2014). Adjusting incremental fit indices for nonnormality.
*Multivariate Behavioral Research*, 49, 460–470.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from threadpoolctl import threadpool_limits

from kitlib._checks import check_choice, check_not_singular, numeric_items
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.psychometrics.model_syntax import ModelSpec, model_spec

__all__ = ["cfa", "CFAResult", "choose_missing", "listwise_loss", "MAX_LISTWISE_LOSS", "fit_indices", "fit_ml_covariance",
           "fit_groups", "GroupFit", "Structure", "build_structure", "ESTIMATORS",
           "lavaan_syntax", "ml_discrepancy", "Parameters", "rmsea_ci", "srmr"]

MISSING = ("auto", "listwise", "fiml")
ESTIMATORS = ("ML", "MLR", "WLSMV")

#: ``cfa(missing="auto")`` switches to FIML when listwise deletion would drop more than this share of the
#: respondents who answered at least one item.
MAX_LISTWISE_LOSS = 0.10


@dataclass(frozen=True)
class Parameters:
    """CFA parameter matrices: loadings ``lam`` (items x factors), factor covariances ``psi``,
    residual variances ``theta`` (vector), item means ``mu`` (FIML only) and the residual
    covariances ``theta_cov`` (items x items, zero diagonal; ``None`` when there are none)."""

    lam: np.ndarray
    psi: np.ndarray
    theta: np.ndarray
    mu: np.ndarray | None = None
    theta_cov: np.ndarray | None = None

    def implied_cov(self) -> np.ndarray:
        """Model-implied covariance ``Lambda Psi Lambda' + Theta``."""
        sigma = self.lam @ self.psi @ self.lam.T + np.diag(self.theta)
        return sigma if self.theta_cov is None else sigma + self.theta_cov


@dataclass(frozen=True, repr=False)
class CFAResult:
    """Result of :func:`cfa`.

    Attributes
    ----------
    fit : Series
        ``chi2, df, pvalue, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr``, the baseline
        model's ``baseline_chi2, baseline_df`` and ``n``.  With ``estimator="MLR"`` also
        ``chi2_scaled, scaling_factor, pvalue_scaled, baseline_chi2_scaled, baseline_scaling_factor,
        cfi_scaled, tli_scaled, rmsea_scaled, cfi_robust, tli_robust, rmsea_robust`` (lavaan's
        ``chisq.scaled``, ``chisq.scaling.factor``, ``cfi.robust``, ...).
    loadings : DataFrame
        One row per loading: ``factor``, ``item``, ``estimate`` (unstandardized; first item of each
        factor fixed to 1) and ``std`` (completely standardized, lavaan's ``std.all``).
    factor_corr : DataFrame
        Factor correlations.
    residual_variances : Series
        Unstandardized residual (error) variances of the items.
    parameters : Parameters
        Estimated matrices (for :func:`kitlib.validity` and further work).
    sample_cov : DataFrame
        Covariance matrix (divisor N) the model was fitted to (FIML: the saturated-model estimate).
    model : dict
        ``{factor: [items]}`` (a cross-loaded item under each of its factors).
    missing : {"listwise", "fiml"}
        The method actually used (``cfa(missing="auto")`` resolves to one of them).
    n_dropped : int
        Respondents who answered some but not all items and were therefore left out
        (listwise deletion); 0 under FIML, which uses them.  ``fit["n"]`` is the n used.
    listwise_loss : float
        Share of the respondents with at least one answer who miss some item.
    estimates : DataFrame
        lavaan's ``parameterEstimates`` + ``std.all``: one row per parameter with ``op`` (``=~``, ``~~``),
        ``lhs``, ``rhs``, ``free``, ``est``, ``se``, ``z``, ``pvalue``, ``std.all``; fixed parameters (the
        markers) have ``se = 0`` and no z or p, as in lavaan.  Under FIML the standard errors are not
        computed (NaN).
    modification_indices : DataFrame
        lavaan's ``modindices(fit, sort. = TRUE)``: ``lhs, op, rhs, mi, epc, sepc.all`` for every
        loading and residual covariance the model fixes at zero, largest first (empty under FIML).
    estimator : {"ML", "MLR"}
    spec : ModelSpec
        The parsed model.
    """

    fit: pd.Series
    loadings: pd.DataFrame
    factor_corr: pd.DataFrame
    residual_variances: pd.Series
    parameters: Parameters
    sample_cov: pd.DataFrame
    model: dict
    missing: str
    n_dropped: int = 0
    listwise_loss: float = 0.0
    estimates: pd.DataFrame = field(default_factory=pd.DataFrame)
    modification_indices: pd.DataFrame = field(default_factory=pd.DataFrame)
    estimator: str = "ML"
    spec: ModelSpec | None = None

    def top_modifications(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` largest modification indices (lavaan ``modindices(fit, sort. = TRUE, maximum.number = n)``)."""
        return self.modification_indices.head(n)

    def __repr__(self) -> str:
        f = self.fit
        dropped = f", {self.n_dropped} incomplete dropped" if self.n_dropped else ""
        scaled = (f"\nMLR: scaled chi2={f['chi2_scaled']:.3f} (scaling factor {f['scaling_factor']:.3f}) "
                  f"robust CFI={f['cfi_robust']:.3f} TLI={f['tli_robust']:.3f} RMSEA={f['rmsea_robust']:.3f}"
                  if "chi2_scaled" in f.index else "")
        return (
            f"CFAResult({len(self.model)} factors, {len(self.residual_variances)} items, n={int(f['n'])}, "
            f"missing={self.missing!r}, estimator={self.estimator!r}{dropped})\n"
            f"chi2={f['chi2']:.3f} df={int(f['df'])} p={f['pvalue']:.3g} CFI={f['cfi']:.3f} TLI={f['tli']:.3f} "
            f"RMSEA={f['rmsea']:.3f} [{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}] SRMR={f['srmr']:.3f}{scaled}\n"
            f"standardized loadings:\n{self.loadings.set_index(['factor', 'item'])['std'].round(3).to_string()}"
        )


def lavaan_syntax(model) -> str:
    """``{factor: [items]}`` (or a :class:`ModelSpec`) as lavaan/semopy measurement syntax (``F =~ a + b + c``)."""
    if isinstance(model, ModelSpec):
        return model.syntax()
    if isinstance(model, str):
        return model
    return "\n".join(f"{factor} =~ {' + '.join(items)}" for factor, items in model.items())


def _as_spec(model) -> ModelSpec:
    if isinstance(model, ModelSpec):
        return model
    return ModelSpec(tuple(model), tuple(tuple(items) for items in model.values()))


def fit_ml_covariance(sample_cov: pd.DataFrame, n: int, model) -> Parameters:
    """ML estimates of a CFA (dict or :class:`ModelSpec`) from a covariance matrix (divisor N), via semopy.

    The fit runs with BLAS limited to one thread (``threadpoolctl``): semopy inverts small matrices
    many times, and a multi-threaded BLAS on a busy machine makes each inversion thousands of times slower.
    """
    import semopy  # imported on first fit: it loads sympy, which costs ~0.3 s at ``import kitlib``

    spec = _as_spec(model)
    # semopy parses its model text: item and factor names of any script or punctuation ("1.该部门…")
    # are replaced by plain tokens for the fit and mapped back below
    item_token = {item: f"x{k}" for k, item in enumerate(sample_cov.columns)}
    factor_token = {factor: f"F{k}" for k, factor in enumerate(spec.factors)}
    tokens = ModelSpec(tuple(factor_token[f] for f in spec.factors),
                       tuple(tuple(item_token[i] for i in members) for members in spec.indicators),
                       tuple((item_token[a], item_token[b]) for a, b in spec.residual_covariances))
    sem = semopy.Model(tokens.syntax())
    with threadpool_limits(limits=1):
        outcome = sem.fit(cov=sample_cov.rename(index=item_token, columns=item_token), n_samples=n, obj="MLW",
                          options={"ftol": 1e-12, "maxiter": 10000})
    if not getattr(outcome, "success", True):
        raise AnalysisInputError(
            f"cfa: the estimation did not converge ({outcome.message}); check the model "
            "(at least 3 items per factor helps) and that items are not nearly collinear"
        )
    estimates = sem.inspect()
    items = list(item_token.values())
    factors = list(factor_token.values())
    lam = np.zeros((len(items), len(factors)))
    psi = np.zeros((len(factors), len(factors)))
    theta = np.zeros(len(items))
    theta_cov = np.zeros((len(items), len(items)))
    for row in estimates.itertuples(index=False):
        value = float(row.Estimate)
        if row.op == "~" and row.rval in factors:
            lam[items.index(row.lval), factors.index(row.rval)] = value
        elif row.op == "~~" and row.lval in factors:
            i, j = factors.index(row.lval), factors.index(row.rval)
            psi[i, j] = psi[j, i] = value
        elif row.op == "~~" and row.lval == row.rval:
            theta[items.index(row.lval)] = value
        elif row.op == "~~":
            i, j = items.index(row.lval), items.index(row.rval)
            theta_cov[i, j] = theta_cov[j, i] = value
    return Parameters(lam=lam, psi=psi, theta=theta, theta_cov=theta_cov if spec.residual_covariances else None)


def _n_free(model) -> int:
    """Free parameters of a marker-identified CFA without means."""
    return _as_spec(model).n_free()


def ml_discrepancy(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """ML fit function ``log|Sigma| - log|S| + tr(S Sigma^-1) - p``."""
    _, logdet_implied = np.linalg.slogdet(implied_cov)
    _, logdet_sample = np.linalg.slogdet(sample_cov)
    return float(logdet_implied - logdet_sample + np.trace(np.linalg.solve(implied_cov, sample_cov)) - len(sample_cov))


# --- the estimator for one or several groups ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Structure:
    """Where the free parameters sit in each group's matrices.

    Integer arrays hold the index of the free parameter in the parameter vector, ``-1`` where the
    entry is fixed (to ``lam_value`` for loadings, 0 elsewhere).  A parameter shared by several groups
    (an equality constraint) has one index.  ``nu``/``alpha`` (intercepts, factor means) are ``None``
    without a mean structure.  ``labels`` names each free parameter ``(group, op, lhs, rhs)``.
    """

    spec: ModelSpec
    lam: tuple[np.ndarray, ...]
    lam_value: np.ndarray
    psi: tuple[np.ndarray, ...]
    theta: tuple[np.ndarray, ...]
    nu: tuple[np.ndarray, ...] | None
    alpha: tuple[np.ndarray, ...] | None
    n_par: int
    labels: tuple[tuple[int, str, str, str], ...]

    @property
    def n_groups(self) -> int:
        return len(self.lam)

    @property
    def meanstructure(self) -> bool:
        return self.nu is not None

    def matrices(self, x: np.ndarray, g: int):
        """``(Lambda, Psi, Theta, nu, alpha)`` of group ``g`` at parameters ``x`` (nu/alpha ``None`` without means)."""
        xx = np.append(x, 0.0)  # index -1 reads the trailing 0
        lam = np.where(self.lam[g] >= 0, xx[self.lam[g]], self.lam_value)
        psi, theta = xx[self.psi[g]], xx[self.theta[g]]
        if self.nu is None:
            return lam, psi, theta, None, None
        return lam, psi, theta, xx[self.nu[g]], xx[self.alpha[g]]

    def implied(self, x: np.ndarray, g: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Model-implied covariance and mean (``None`` without means) of group ``g``."""
        lam, psi, theta, nu, alpha = self.matrices(x, g)
        sigma = lam @ psi @ lam.T + theta
        return sigma, (None if nu is None else nu + lam @ alpha)

    def pack(self, parameters: Parameters, g: int = 0, x: np.ndarray | None = None) -> np.ndarray:
        """Write the matrices of group ``g`` into the parameter vector ``x`` (a new one by default)."""
        x = np.zeros(self.n_par) if x is None else x
        theta = np.diag(parameters.theta) + (0 if parameters.theta_cov is None else parameters.theta_cov)
        for index, matrix in ((self.lam[g], parameters.lam), (self.psi[g], parameters.psi), (self.theta[g], theta)):
            x[index[index >= 0]] = matrix[index >= 0]
        return x


def build_structure(spec: ModelSpec, n_groups: int = 1, equal: tuple[str, ...] = (), meanstructure: bool = False) -> Structure:
    """Free-parameter layout of a marker-identified CFA in ``n_groups`` groups.

    ``equal`` takes lavaan's ``group.equal`` names: ``"loadings"``, ``"intercepts"`` (then the factor
    means of groups 2.. are free, as in lavaan), ``"residuals"`` (residual variances).

    Example
    -------
    >>> from kitlib.psychometrics.model_syntax import parse_model
    >>> build_structure(parse_model("f =~ a + b + c")).n_par
    6
    """
    items, factors = list(spec.items), list(spec.factors)
    p, k = len(items), len(factors)
    labels: list[tuple[int, str, str, str]] = []

    def new(label):
        labels.append(label)
        return len(labels) - 1

    lam_value = np.zeros((p, k))
    marker = {}
    for f, members in enumerate(spec.indicators):
        lam_value[items.index(members[0]), f] = 1.0
        marker[f] = members[0]
    shared: dict[tuple, int] = {}
    lams, psis, thetas, nus, alphas = [], [], [], [], []
    for g in range(n_groups):
        lam = -np.ones((p, k), dtype=int)
        for factor, item in spec.loadings:
            f, i = factors.index(factor), items.index(item)
            if marker[f] == item:
                continue
            key = ("=~", factor, item)
            if "loadings" in equal and key in shared:
                lam[i, f] = shared[key]
            else:
                lam[i, f] = shared[key] = new((g, *key))
        theta = -np.ones((p, p), dtype=int)
        for a, b in spec.residual_covariances:
            i, j = items.index(a), items.index(b)
            theta[i, j] = theta[j, i] = new((g, "~~", a, b))
        for i, item in enumerate(items):
            key = ("~~", item, item)
            if "residuals" in equal and key in shared:
                theta[i, i] = shared[key]
            else:
                theta[i, i] = shared[key] = new((g, *key))
        psi = -np.ones((k, k), dtype=int)
        for f in range(k):
            for h in range(f, k):
                psi[f, h] = psi[h, f] = new((g, "~~", factors[f], factors[h]))
        lams.append(lam), thetas.append(theta), psis.append(psi)
        if meanstructure:
            nu = np.empty(p, dtype=int)
            for i, item in enumerate(items):
                key = ("~1", item, "")
                if "intercepts" in equal and key in shared:
                    nu[i] = shared[key]
                else:
                    nu[i] = shared[key] = new((g, *key))
            alpha = -np.ones(k, dtype=int)
            if g > 0 and "intercepts" in equal:
                alpha = np.array([new((g, "~1", factor, "")) for factor in factors], dtype=int)
            nus.append(nu), alphas.append(alpha)
    return Structure(spec, tuple(lams), lam_value, tuple(psis), tuple(thetas),
                     tuple(nus) if meanstructure else None, tuple(alphas) if meanstructure else None,
                     len(labels), tuple(labels))


def _independence(p: int, n_groups: int = 1) -> Structure:
    """The baseline model: uncorrelated items (variances only, no means)."""
    spec = ModelSpec((), ())
    theta = []
    for g in range(n_groups):
        t = -np.ones((p, p), dtype=int)
        t[np.diag_indices(p)] = np.arange(p) + g * p
        theta.append(t)
    empty = -np.ones((p, 0), dtype=int)
    return Structure(spec, tuple(empty for _ in range(n_groups)), np.zeros((p, 0)),
                     tuple(-np.ones((0, 0), dtype=int) for _ in range(n_groups)), tuple(theta), None, None,
                     p * n_groups, tuple((g, "~~", str(i), str(i)) for g in range(n_groups) for i in range(p)))


@dataclass(frozen=True)
class _Moments:
    n: int
    mean: np.ndarray
    cov: np.ndarray


def _derivatives(structure: Structure, x: np.ndarray, g: int, extra=None):
    """Free parameters of group ``g`` (their indices), and the derivatives of Sigma (q x p x p) and mu (q x p).

    ``extra`` (a list of ``("=~", item index, factor index)`` / ``("~~", i, j)``) appends derivatives of
    parameters the model fixes at zero (for modification indices)."""
    lam, psi, _, _, alpha = structure.matrices(x, g)
    p, k = lam.shape
    blocks = [structure.lam[g], structure.psi[g], structure.theta[g]]
    if structure.meanstructure:
        blocks += [structure.nu[g], structure.alpha[g]]
    used = np.unique(np.concatenate([b.ravel() for b in blocks]))
    used = used[used >= 0]
    position = {int(q): r for r, q in enumerate(used)}
    m = len(used) + (len(extra) if extra else 0)
    d_sigma = np.zeros((m, p, p))
    d_mu = np.zeros((m, p)) if structure.meanstructure else None
    lp = lam @ psi
    rows, cols = np.nonzero(structure.lam[g] >= 0)
    for i, f in zip(rows, cols):
        r = position[int(structure.lam[g][i, f])]
        d_sigma[r, i, :] += lp[:, f]
        d_sigma[r, :, i] += lp[:, f]
        if d_mu is not None:
            d_mu[r, i] += alpha[f]
    for f in range(k):
        for h in range(f, k):
            r = position[int(structure.psi[g][f, h])]
            outer = np.outer(lam[:, f], lam[:, h])
            d_sigma[r] += outer if f == h else outer + outer.T
    ti, tj = np.nonzero(np.triu(structure.theta[g] >= 0))
    for i, j in zip(ti, tj):
        r = position[int(structure.theta[g][i, j])]
        d_sigma[r, i, j] += 1.0
        if i != j:
            d_sigma[r, j, i] += 1.0
    if d_mu is not None:
        for i in range(p):
            d_mu[position[int(structure.nu[g][i])], i] += 1.0
        for f in range(k):
            if structure.alpha[g][f] >= 0:
                d_mu[position[int(structure.alpha[g][f])]] += lam[:, f]
    for e, (op, a, b) in enumerate(extra or ()):
        r = len(used) + e
        if op == "=~":
            d_sigma[r, a, :] += lp[:, b]
            d_sigma[r, :, a] += lp[:, b]
        else:
            d_sigma[r, a, b] += 1.0
            d_sigma[r, b, a] += 1.0
    return used, d_sigma, d_mu


def _objective(structure: Structure, moments: list[_Moments], x: np.ndarray) -> float:
    """``sum_g n_g F_g``, ``F_g = log|Sigma| - log|S| + tr(S Sigma^-1) - p + (m - mu)' Sigma^-1 (m - mu)``."""
    total = 0.0
    for g, mom in enumerate(moments):
        sigma, mu = structure.implied(x, g)
        try:
            chol = np.linalg.cholesky(sigma)
        except np.linalg.LinAlgError:
            return np.inf
        spread = mom.cov if mu is None else mom.cov + np.outer(mom.mean - mu, mom.mean - mu)
        _, logdet_s = np.linalg.slogdet(mom.cov)
        inv = np.linalg.inv(sigma)
        total += mom.n * (2 * np.log(np.diag(chol)).sum() - logdet_s + np.sum(inv * spread) - len(sigma))
    return float(total)


def _gradient_information(structure: Structure, moments: list[_Moments], x: np.ndarray, information: bool = True):
    """Gradient of :func:`_objective` and the expected information ``sum_g n_g I_g`` (per-observation ``I_g``:
    ``0.5 tr(Sigma^-1 dSigma_k Sigma^-1 dSigma_l) + dmu_k' Sigma^-1 dmu_l``)."""
    grad = np.zeros(structure.n_par)
    info = np.zeros((structure.n_par, structure.n_par)) if information else None
    for g, mom in enumerate(moments):
        sigma, mu = structure.implied(x, g)
        used, d_sigma, d_mu = _derivatives(structure, x, g)
        inv = np.linalg.inv(sigma)
        d = None if mu is None else mom.mean - mu
        spread = mom.cov if d is None else mom.cov + np.outer(d, d)
        gmat = inv - inv @ spread @ inv
        q = len(used)
        grad[used] += mom.n * np.tensordot(d_sigma, gmat, axes=([1, 2], [0, 1]))
        if d_mu is not None:
            grad[used] += -2 * mom.n * d_mu @ (inv @ d)
        if information:
            a = np.matmul(inv, d_sigma)  # Sigma^-1 dSigma_k
            block = 0.5 * a.reshape(q, -1) @ a.transpose(0, 2, 1).reshape(q, -1).T
            if d_mu is not None:
                block += d_mu @ inv @ d_mu.T
            info[np.ix_(used, used)] += mom.n * block
    return grad, info


def _start(structure: Structure, moments: list[_Moments]) -> np.ndarray:
    """Starting values: per group, one-factor moment estimates from each factor's marker; averaged over groups."""
    spec = structure.spec
    items = list(spec.items)
    total, count = np.zeros(structure.n_par), np.zeros(structure.n_par)
    for g, mom in enumerate(moments):
        s = mom.cov
        k = len(spec.factors)
        lam = structure.lam_value.copy()
        psi = np.zeros((k, k))
        markers = []
        for f, members in enumerate(spec.indicators):
            idx = [items.index(item) for item in members]
            m, others = idx[0], idx[1:]
            ratios = [s[m, a] * s[m, b] / s[a, b] for n_a, a in enumerate(others) for b in others[n_a + 1:] if abs(s[a, b]) > 1e-8]
            variance = float(np.median(ratios)) if ratios else 0.5 * s[m, m]
            variance = float(np.clip(variance, 0.05 * s[m, m], 0.95 * s[m, m]))
            psi[f, f] = variance
            for a in others:
                lam[a, f] = s[a, m] / variance
            markers.append(m)
        for f in range(k):
            for h in range(f + 1, k):
                psi[f, h] = psi[h, f] = s[markers[f], markers[h]]
        eigen = np.linalg.eigvalsh(psi) if k else np.ones(1)
        shrink = 1.0
        while k and eigen.min() <= 1e-3 * np.diag(psi).min() and shrink > 0.01:
            shrink *= 0.8
            off = (psi - np.diag(np.diag(psi))) * shrink
            eigen = np.linalg.eigvalsh(np.diag(np.diag(psi)) + off)
        psi = np.diag(np.diag(psi)) + (psi - np.diag(np.diag(psi))) * shrink
        common = np.einsum("ij,jk,ik->i", lam, psi, lam)
        theta = np.diag(np.maximum(np.diag(s) - common, 0.1 * np.diag(s)))
        x = np.zeros(structure.n_par)
        for index, matrix in ((structure.lam[g], lam), (structure.psi[g], psi), (structure.theta[g], theta)):
            x[index[index >= 0]] = matrix[index >= 0]
        mask = np.zeros(structure.n_par, dtype=bool)
        for index in (structure.lam[g], structure.psi[g], structure.theta[g]):
            mask[index[index >= 0]] = True
        if structure.meanstructure:
            x[structure.nu[g]] = mom.mean
            mask[structure.nu[g]] = True
            alpha = structure.alpha[g]
            mask[alpha[alpha >= 0]] = True
        total[mask] += mom.n * x[mask]
        count[mask] += mom.n
    return total / np.where(count > 0, count, 1)


@dataclass(frozen=True)
class GroupFit:
    """ML fit of a :class:`Structure` to the moments of one or several groups (see :func:`fit_groups`)."""

    structure: Structure
    moments: tuple
    x: np.ndarray
    chi2: float
    df: int
    information: np.ndarray
    iterations: int

    def implied(self, g: int = 0):
        return self.structure.implied(self.x, g)


def fit_groups(structure: Structure, moments, x0: np.ndarray | None = None, tol: float = 1e-11, max_iter: int = 500) -> GroupFit:
    """Maximum likelihood fit by Fisher scoring with step halving (BLAS limited to one thread).

    Parameters
    ----------
    structure : Structure
        From :func:`build_structure`.
    moments : list
        Per group ``(n, mean, cov)`` (``cov`` with divisor n).
    x0 : array, optional
        Starting values (default: moment-based, see ``_start``).

    Returns
    -------
    GroupFit
        Estimates, ``chi2 = sum_g n_g F_g`` (lavaan's ML test statistic), its df, and the expected
        information ``sum_g n_g I_g`` at the estimates (its inverse is lavaan's ``vcov``).

    Notes
    -----
    Iterates ``x <- x + t I(x)^{-1} s(x)`` with the score ``s = -grad/2`` of the log-likelihood and
    the expected (Fisher) information ``I``, halving ``t`` until the discrepancy decreases, until the
    largest step is below ``tol`` (relative).  Fisher scoring converges in a few iterations for
    CFA models and yields the information needed for standard errors on the way.

    Example
    -------
    >>> import numpy as np
    >>> from kitlib.psychometrics.model_syntax import parse_model
    >>> s = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])
    >>> fitted = fit_groups(build_structure(parse_model("f =~ a + b + c")), [(100, np.zeros(3), s)])
    >>> round(fitted.chi2, 8), fitted.df
    (0.0, 0)

    References
    ----------
    Jennrich, R. I., & Sampson, P. F. (1976). Newton-Raphson and related algorithms for maximum likelihood
    variance component estimation. *Technometrics*, 18, 11–17.
    Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
    """
    moments = [m if isinstance(m, _Moments) else _Moments(int(m[0]), np.asarray(m[1], float), np.asarray(m[2], float)) for m in moments]
    p = len(moments[0].cov)
    with threadpool_limits(limits=1):
        x = _start(structure, moments) if x0 is None else np.asarray(x0, dtype=float).copy()
        value = _objective(structure, moments, x)
        if not np.isfinite(value):
            raise AnalysisInputError("cfa: the starting values give a non-positive-definite covariance matrix; check the model")
        iteration = 0
        while iteration < max_iter:
            iteration += 1
            grad, info = _gradient_information(structure, moments, x)
            try:
                step = np.linalg.solve(2 * info, -grad)
            except np.linalg.LinAlgError as error:
                raise AnalysisInputError("cfa: the model is not identified (singular information matrix)") from error
            t = 1.0
            while True:
                candidate = x + t * step
                new_value = _objective(structure, moments, candidate)
                if np.isfinite(new_value) and new_value <= value + 1e-10 * max(1.0, abs(value)):
                    break
                t /= 2
                if t < 1e-8:
                    break
            if t < 1e-8:
                break
            x, value = candidate, new_value
            if np.max(np.abs(t * step) / np.maximum(1.0, np.abs(x))) < tol:
                break
        grad, info = _gradient_information(structure, moments, x)
    per_group = p * (p + 1) // 2 + (p if structure.meanstructure else 0)
    df = per_group * len(moments) - structure.n_par
    if not np.all(np.isfinite(x)) or np.max(np.abs(grad)) / sum(m.n for m in moments) > 1e-4:
        raise AnalysisInputError("cfa: the estimation did not converge; check the model and that items are not nearly collinear")
    return GroupFit(structure, tuple(moments), x, float(value), int(df), info, iteration)


# --- inference for one group: standard errors, modification indices, MLR ------------------------------------------------

def _parameter_table(structure: Structure, x: np.ndarray, vcov: np.ndarray | None) -> pd.DataFrame:
    """lavaan-style parameter table of a single-group fit (fixed markers included), with ``std.all``."""
    spec = structure.spec
    items, factors = list(spec.items), list(spec.factors)
    lam, psi, theta, _, _ = structure.matrices(x, 0)
    sigma = lam @ psi @ lam.T + theta
    sd_item, sd_factor = np.sqrt(np.diag(sigma)), np.sqrt(np.diag(psi))
    se_all = np.sqrt(np.diag(vcov)) if vcov is not None else np.full(structure.n_par, np.nan)
    rows = []

    def add(op, lhs, rhs, index, est, std):
        free = index >= 0
        se = se_all[index] if free else 0.0
        z = est / se if free and se > 0 else np.nan
        rows.append({"op": op, "lhs": lhs, "rhs": rhs, "free": bool(free), "est": float(est), "se": float(se), "z": z,
                     "pvalue": float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan, "std.all": float(std)})

    for factor, item in spec.loadings:
        f, i = factors.index(factor), items.index(item)
        add("=~", factor, item, structure.lam[0][i, f], lam[i, f], lam[i, f] * sd_factor[f] / sd_item[i])
    for a, b in spec.residual_covariances:
        i, j = items.index(a), items.index(b)
        add("~~", a, b, structure.theta[0][i, j], theta[i, j], theta[i, j] / np.sqrt(theta[i, i] * theta[j, j]))
    for i, item in enumerate(items):
        add("~~", item, item, structure.theta[0][i, i], theta[i, i], theta[i, i] / sigma[i, i])
    for f, factor in enumerate(factors):
        add("~~", factor, factor, structure.psi[0][f, f], psi[f, f], 1.0)
    for f in range(len(factors)):
        for h in range(f + 1, len(factors)):
            add("~~", factors[f], factors[h], structure.psi[0][f, h], psi[f, h], psi[f, h] / (sd_factor[f] * sd_factor[h]))
    return pd.DataFrame(rows, columns=["op", "lhs", "rhs", "free", "est", "se", "z", "pvalue", "std.all"])


def _modification_indices(structure: Structure, moments: _Moments, x: np.ndarray) -> pd.DataFrame:
    """Score tests (Sörbom 1989) of every loading and residual covariance fixed at zero, as lavaan's ``modindices``."""
    spec = structure.spec
    items, factors = list(spec.items), list(spec.factors)
    lam, psi, theta, _, _ = structure.matrices(x, 0)
    extra, keys = [], []
    present = set(spec.loadings)
    for f, factor in enumerate(factors):
        for i, item in enumerate(items):
            if (factor, item) not in present:
                extra.append(("=~", i, f))
                keys.append((factor, "=~", item))
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if structure.theta[0][i, j] < 0:
                extra.append(("~~", i, j))
                keys.append((items[i], "~~", items[j]))
    columns = ["lhs", "op", "rhs", "mi", "epc", "sepc.all"]
    if not extra:
        return pd.DataFrame(columns=columns)
    used, d_sigma, _ = _derivatives(structure, x, 0, extra)
    sigma = lam @ psi @ lam.T + theta
    inv = np.linalg.inv(sigma)
    a = np.matmul(inv, d_sigma)
    info = 0.5 * a.reshape(len(a), -1) @ a.transpose(0, 2, 1).reshape(len(a), -1).T  # per observation
    q = len(used)
    i11, i12, i22 = info[q:, q:], info[q:, :q], info[:q, :q]
    v = np.diag(i11) - np.einsum("ij,ji->i", i12, np.linalg.solve(i22, i12.T))
    gmat = inv - inv @ moments.cov @ inv
    score = -0.5 * np.tensordot(d_sigma[q:], gmat, axes=([1, 2], [0, 1]))  # d(log L / N)
    v = np.where(v < np.finfo(float).eps ** (1 / 3), np.nan, v)
    mi = moments.n * score**2 / v
    epc = score / v
    sd_item, sd_factor, resid_sd = np.sqrt(np.diag(sigma)), np.sqrt(np.diag(psi)), np.sqrt(np.diag(theta))
    scale = np.array([sd_factor[b] / sd_item[a] if op == "=~" else 1 / (resid_sd[a] * resid_sd[b]) for op, a, b in extra])
    table = pd.DataFrame(keys, columns=["lhs", "op", "rhs"]).assign(mi=mi, epc=epc, **{"sepc.all": epc * scale})
    return table.dropna(subset=["mi"]).sort_values("mi", ascending=False, kind="stable").reset_index(drop=True)[columns]


def _vech_rows(data: np.ndarray) -> np.ndarray:
    """Per row, ``vech(r r')`` (lower triangle by columns, lavaan's order) of the centred data."""
    rows, cols = np.tril_indices(data.shape[1])
    return data[:, rows] * data[:, cols]


def _first_order(structure: Structure, x: np.ndarray, centred: np.ndarray, d_sigma: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``B0 = (1/N) sum_i s_i s_i'``: casewise scores ``s_ik = 0.5 (r_i' M_k r_i - tr(M_k Sigma))``, ``M_k = Sigma^-1 dSigma_k Sigma^-1``."""
    inv = np.linalg.inv(sigma)
    p = len(sigma)
    m = np.matmul(np.matmul(inv, d_sigma), inv)
    rows, cols = np.tril_indices(p)
    weights = np.where(rows == cols, 1.0, 2.0)
    mvec = (m[:, rows, cols] * weights).T  # (p*, q)
    offset = np.einsum("kab,ab->k", m, sigma)
    n = len(centred)
    b0 = np.zeros((len(d_sigma), len(d_sigma)))
    for start in range(0, n, 4096):
        scores = 0.5 * (_vech_rows(centred[start:start + 4096]) @ mvec - offset)
        b0 += scores.T @ scores
    return b0 / n


def _observed_information(structure: Structure, moments: list[_Moments], x: np.ndarray) -> np.ndarray:
    """Observed information per observation, ``0.5 d2F/dx2`` (central differences of the analytic gradient)."""
    n = sum(m.n for m in moments)
    hessian = np.zeros((structure.n_par, structure.n_par))
    for k in range(structure.n_par):
        h = 1e-5 * max(1.0, abs(x[k]))
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        g_up, _ = _gradient_information(structure, moments, up, information=False)
        g_down, _ = _gradient_information(structure, moments, down, information=False)
        hessian[:, k] = (g_up - g_down) / (2 * h)
    return 0.25 * (hessian + hessian.T) / n


def _robust(structure: Structure, mom: _Moments, x: np.ndarray, centred: np.ndarray) -> tuple[np.ndarray, float]:
    """Sandwich vcov ``E^-1 B0 E^-1 / N`` (E: observed information) and ``tr(B0 E^-1)`` (lavaan MLR)."""
    sigma, _ = structure.implied(x, 0)
    _, d_sigma, _ = _derivatives(structure, x, 0)
    e_inv = np.linalg.inv(_observed_information(structure, [mom], x))
    b0 = _first_order(structure, x, centred, d_sigma, sigma)
    return e_inv @ b0 @ e_inv / mom.n, float(np.sum(b0 * e_inv.T))


def _mlr_fit(fit: pd.Series, structure: Structure, mom: _Moments, x: np.ndarray, centred: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Yuan–Bentler (Mplus variant) scaled test, robust fit indices and robust vcov, as lavaan ``estimator = "MLR"``."""
    vcov, trace_h0 = _robust(structure, mom, x, centred)
    q = np.einsum("ij,jk,ik->i", centred, np.linalg.inv(mom.cov), centred)
    trace_h1 = 0.5 * (np.mean(q**2) - len(mom.cov))  # tr(Gamma W) of the unrestricted model
    p = len(mom.cov)
    baseline = _independence(p)
    xb = np.diag(mom.cov).copy()
    _, trace_b = _robust(baseline, mom, xb, centred)
    chi2, df, n = fit["chi2"], fit["df"], fit["n"]
    c = (trace_h1 - trace_h0) / df
    c_null = (trace_h1 - trace_b) / fit["baseline_df"]
    chi2_b, df_b = fit["baseline_chi2"], fit["baseline_df"]
    scaled = fit_indices(chi2 / c, df, chi2_b / c_null, df_b, n, fit["srmr"])
    t1 = max(chi2 - c * df, 0.0)
    t2 = max(chi2 - c * df, chi2_b - c_null * df_b, 0.0)
    extra = {
        "chi2_scaled": chi2 / c,
        "scaling_factor": c,
        "pvalue_scaled": float(stats.chi2.sf(chi2 / c, df)),
        "baseline_chi2_scaled": chi2_b / c_null,
        "baseline_scaling_factor": c_null,
        "cfi_scaled": scaled["cfi"],
        "tli_scaled": scaled["tli"],
        "rmsea_scaled": float(np.sqrt(max(chi2 / (n * c * df) - 1 / n, 0.0))),
        "cfi_robust": 1.0 if t2 == 0 else 1 - t1 / t2,
        "tli_robust": 1 - ((chi2 - c * df) * df_b) / ((chi2_b - c_null * df_b) * df),
        "rmsea_robust": float(np.sqrt(max(chi2 / (n * df) - c / n, 0.0))),
    }
    return pd.concat([fit, pd.Series(extra)]).rename("fit"), vcov


# --- the public function ----------------------------------------------------------------------------------------------

def _standardized(parameters: Parameters, items, spec: ModelSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    implied_sd = np.sqrt(np.diag(parameters.implied_cov()))
    factor_sd = np.sqrt(np.diag(parameters.psi))
    factors = list(spec.factors)
    rows = []
    for factor, item in spec.loadings:
        f, i = factors.index(factor), items.index(item)
        estimate = parameters.lam[i, f]
        rows.append({"factor": factor, "item": item, "estimate": estimate, "std": estimate * factor_sd[f] / implied_sd[i]})
    corr = parameters.psi / np.outer(factor_sd, factor_sd)
    return pd.DataFrame(rows), pd.DataFrame(corr, index=factors, columns=factors)


def listwise_loss(df: pd.DataFrame, items) -> tuple[int, int, float]:
    """``(n_answered, n_complete, loss)`` of ``items``: respondents with at least one answer, with all answers,
    and the share of the former that listwise deletion drops (0 when nobody answered)."""
    answered = df[list(items)].notna()
    n_answered = int(answered.any(axis=1).sum())
    n_complete = int(answered.all(axis=1).sum())
    return n_answered, n_complete, (n_answered - n_complete) / n_answered if n_answered else 0.0


def choose_missing(df: pd.DataFrame, items, max_listwise_loss: float = MAX_LISTWISE_LOSS) -> str:
    """The method ``cfa(missing="auto")`` uses: ``"fiml"`` when listwise deletion would drop more than
    ``max_listwise_loss`` of the respondents who answered anything, else ``"listwise"``."""
    if not 0 <= max_listwise_loss <= 1:
        raise OptionError(f"cfa: max_listwise_loss must be a share between 0 and 1, not {max_listwise_loss}")
    return "fiml" if listwise_loss(df, items)[2] > max_listwise_loss else "listwise"


def cfa(df: pd.DataFrame, model, missing: str = "auto", max_listwise_loss: float = MAX_LISTWISE_LOSS,
        estimator: str = "ML", ordered: bool = False) -> CFAResult:
    """Fit a confirmatory factor model by maximum likelihood (ML or robust MLR).

    The first item of each factor is the marker (loading fixed to 1, as lavaan's default);
    factors correlate freely.

    Parameters
    ----------
    df : DataFrame
        Item responses (other columns are ignored).
    model : dict of str to list of str, or str
        Measurement model: ``{factor: [items]}`` (e.g. ``codebook.servqual_model("P")``; each item under
        one factor) or lavaan syntax (``"visual =~ x1 + x2 + x3"``; one statement per line, ``~~`` for
        correlated residuals, an item under two factors for a cross-loading), see
        :func:`kitlib.psychometrics.model_syntax.parse_model`.
    missing : {"auto", "listwise", "fiml"}
        ``"listwise"`` drops respondents with a missing item (lavaan's default);
        ``"fiml"`` uses every answer by full information ML (lavaan ``missing = "ml"``);
        ``"auto"`` (default) uses FIML when listwise deletion would drop more than
        ``max_listwise_loss`` of the respondents who answered at least one item, else
        listwise (so complete data are fitted exactly as with ``"listwise"``).
    max_listwise_loss : float, default 0.10
        Largest share of respondents ``"auto"`` lets listwise deletion drop.
    estimator : {"ML", "MLR", "WLSMV"}
        ``"ML"`` (default; standard errors from the expected information), ``"MLR"`` (ML estimates,
        Huber–White sandwich standard errors and the Yuan–Bentler scaled test, lavaan
        ``estimator = "MLR"``; listwise only), ``"WLSMV"`` (ordinal items, delegated to
        :mod:`kitlib.psychometrics.ordinal`).
    ordered : bool, default False
        Treat the items as ordinal (implies ``estimator="WLSMV"``).

    Returns
    -------
    CFAResult
        ``fit`` (chi2, df, pvalue, cfi, tli, rmsea, rmsea_ci_low/high, srmr, ``n``; with MLR the scaled
        and robust versions), ``loadings`` (standardized in ``std``), ``factor_corr``, ``estimates``
        (est, se, z, pvalue, std.all of every parameter), ``modification_indices``; ``missing`` says
        which method was used, ``n_dropped`` how many incomplete respondents listwise deletion left out.

    Raises
    ------
    AnalysisInputError
        Malformed model, a factor with fewer than 2 items (3 for a one-factor model), items
        missing or non-numeric or constant, fewer respondents than free parameters, singular
        covariance matrix, no convergence.
    OptionError
        Unknown ``missing`` or ``estimator``; ``"MLR"`` or a model with cross-loadings or correlated
        residuals together with FIML.

    Notes
    -----
    ML minimises ``F = log|Sigma| + tr(S Sigma^-1) - log|S| - p`` over ``Sigma = Lambda Psi Lambda' + Theta``
    (S with divisor N); ``chi2 = N F_min``.  Estimation uses semopy ("MLW" objective) on S, the
    sufficient statistics lavaan uses, so the estimates equal lavaan's.

    Standard errors (ML): ``vcov = (N I)^{-1}`` with the expected information per observation
    ``I_kl = 0.5 tr(Sigma^-1 dSigma/dx_k Sigma^-1 dSigma/dx_l)``; ``z = est / se``, two-sided normal p
    (lavaan ``se = "standard"``, ``information = "expected"``).  ``std.all`` divides loadings by the
    item's implied SD and multiplies by the factor SD; residual covariances are divided by the residual SDs.

    Modification indices (Sörbom 1989, lavaan ``modindices``): for each parameter fixed at zero, with the
    score ``g = d(log L / N)/dx`` and the expected information partitioned into fixed (1) and free (2)
    parts, ``V = I_11 - I_12 I_22^-1 I_21``, ``mi = N g^2 / V``, ``epc = g / V``, ``sepc.all`` = epc
    standardized as ``std.all``.

    MLR (Yuan & Bentler 2000, lavaan's Mplus variant): robust ``vcov = E^-1 B E^-1 / N`` with the observed
    information ``E`` and the casewise-score cross-product ``B``; scaling factor
    ``c = [tr(Gamma W) - tr(B E^-1)] / df`` with ``tr(Gamma W) = (mean_i q_i^2 - p) / 2``,
    ``q_i = (x_i - m)' S^-1 (x_i - m)``; ``chi2_scaled = chi2 / c``.  ``*_scaled`` indices use the
    scaled statistics of model and baseline; ``cfi_robust = 1 - max(chi2 - c df, 0) /
    max(chi2 - c df, chi2_B - c_B df_B, 0)`` and ``rmsea_robust = sqrt(max(chi2 / (N df) - c / N, 0))``
    (Brosseau-Liard & Savalei 2014), lavaan's ``.robust`` indices.

    Fit indices (chi2, CFI, TLI, RMSEA with 90% CI, SRMR) are computed the lavaan way, see
    :func:`fit_indices`.  ``missing="fiml"`` uses full information ML on every respondent with at least
    one answer (:mod:`kitlib.psychometrics.fiml`, as lavaan's ``missing = "ml"``); standard errors and
    modification indices are then not computed.  Listwise deletion is unbiased only when answers are
    missing completely at random; FIML under the weaker missing-at-random assumption (Enders 2010).

    Example
    -------
    >>> import pandas as pd
    >>> import kitlib as kl
    >>> hs = pd.read_csv("tests/fixtures/data/holzinger_swineford.csv")
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> result = kl.cfa(hs, model)
    >>> float(round(result.fit["chi2"], 3))
    85.306
    >>> float(round(result.estimates.set_index(["lhs", "rhs"]).loc[("visual", "x2"), "se"], 3))
    0.1
    >>> result.top_modifications(1)[["lhs", "op", "rhs"]].values.tolist()
    [['visual', '=~', 'x9']]
    >>> float(round(kl.cfa(hs, model, estimator="MLR").fit["chi2_scaled"], 3))
    87.132

    References
    ----------
    Brown, T. A. (2015). *Confirmatory Factor Analysis for Applied Research* (2nd ed.). Guilford.
    Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
    Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance structure
    analysis with nonnormal missing data. *Sociological Methodology*, 30, 165–200.
    Sörbom, D. (1989). Model modification. *Psychometrika*, 54, 371–384.
    Brosseau-Liard, P. E., & Savalei, V. (2014). Adjusting incremental fit indices for nonnormality.
    *Multivariate Behavioral Research*, 49, 460–470.
    Enders, C. K. (2010). *Applied Missing Data Analysis*. Guilford.
    """
    check_choice(estimator, ESTIMATORS, "cfa: estimator")
    if estimator == "WLSMV" or ordered:
        from kitlib.psychometrics.ordinal import cfa_wlsmv

        return cfa_wlsmv(df, model, missing=missing)
    check_choice(missing, MISSING, "cfa: missing")
    if not 0 <= max_listwise_loss <= 1:
        raise OptionError(f"cfa: max_listwise_loss must be a share between 0 and 1, not {max_listwise_loss}")
    spec = model_spec(df, model, what="cfa")
    items = list(spec.items)
    n_free = spec.n_free()
    numeric_items(df, items, min_items=3, min_rows=0, what="cfa", listwise=False)  # named, numeric, not constant
    if missing == "auto":
        missing = choose_missing(df, items, max_listwise_loss)
    n_answered, n_complete, loss = listwise_loss(df, items)
    structure = build_structure(spec)
    modification = pd.DataFrame(columns=["lhs", "op", "rhs", "mi", "epc", "sepc.all"])
    if missing == "fiml":
        if estimator == "MLR":
            raise OptionError("cfa: estimator='MLR' is implemented for complete data; use missing='listwise'")
        if not spec.simple:
            raise OptionError("cfa: FIML supports simple-structure models (no cross-loadings or correlated residuals); "
                              "use missing='listwise'")
        from kitlib.psychometrics.fiml import fit_fiml

        data = numeric_items(df, items, min_items=3, min_rows=n_free + 1, what="cfa", listwise=False)
        data = data.dropna(how="all")
        fitted = fit_fiml(data, spec.as_dict(), fit_ml_covariance)
        parameters, sample_cov, n = fitted.parameters, fitted.sample_cov, len(data)
        chi2, baseline_chi2 = fitted.chi2, fitted.baseline_chi2
        srmr_value = srmr(sample_cov, parameters.implied_cov(), fitted.sample_mean, parameters.mu)
        vcov = None
    else:
        data = numeric_items(df, items, min_items=3, min_rows=n_free + 1, what="cfa")
        n = len(data)
        values = data.to_numpy()
        mean = values.mean(axis=0)
        sample_cov = np.cov(values, rowvar=False, bias=True)
        check_not_singular(np.corrcoef(values, rowvar=False), items, what="cfa")
        parameters = fit_ml_covariance(pd.DataFrame(sample_cov, index=items, columns=items), n, spec)
        chi2 = n * ml_discrepancy(sample_cov, parameters.implied_cov())
        baseline_chi2 = n * ml_discrepancy(sample_cov, np.diag(np.diag(sample_cov)))
        srmr_value = srmr(sample_cov, parameters.implied_cov())
        moments = _Moments(n, mean, sample_cov)
        x = structure.pack(parameters)
        with threadpool_limits(limits=1):
            _, info = _gradient_information(structure, [moments], x)
            vcov = np.linalg.inv(info)
            modification = _modification_indices(structure, moments, x)
    p = len(items)
    df_model = p * (p + 1) // 2 - n_free
    fit = fit_indices(chi2, df_model, baseline_chi2, p * (p - 1) // 2, n, srmr_value)
    if estimator == "MLR":
        with threadpool_limits(limits=1):
            fit, vcov = _mlr_fit(fit, structure, moments, x, values - mean)
    x = structure.pack(parameters)
    loadings, factor_corr = _standardized(parameters, items, spec)
    return CFAResult(
        fit=fit,
        loadings=loadings,
        factor_corr=factor_corr,
        residual_variances=pd.Series(parameters.theta, index=items, name="residual_variance"),
        parameters=parameters,
        sample_cov=pd.DataFrame(sample_cov, index=items, columns=items),
        model=spec.as_dict(),
        missing=missing,
        n_dropped=0 if missing == "fiml" else n_answered - n_complete,
        listwise_loss=loss,
        estimates=_parameter_table(structure, x, vcov),
        modification_indices=modification,
        estimator=estimator,
        spec=spec,
    )


def srmr(sample_cov: np.ndarray, implied_cov: np.ndarray, sample_mean=None, implied_mean=None) -> float:
    """Standardized root mean square residual, lavaan's default ``srmr`` (= ``srmr_bentler``).

    Residuals ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the lower triangle including the
    diagonal; with a mean structure (FIML) also ``(m_i - mu_i) / sqrt(s_ii)``, averaged over
    ``p(p+1)/2 + p`` moments.
    """
    scale = 1 / np.sqrt(np.diag(sample_cov))
    residual = (sample_cov - implied_cov) * np.outer(scale, scale)
    lower = residual[np.tril_indices_from(residual)]
    squares, count = float((lower**2).sum()), lower.size
    if sample_mean is not None:
        mean_residual = (np.asarray(sample_mean) - np.asarray(implied_mean)) * scale
        squares, count = squares + float((mean_residual**2).sum()), count + mean_residual.size
    return float(np.sqrt(squares / count))


def rmsea_ci(chi2: float, df: int, n: int, level: float = 0.90, n_groups: int = 1) -> tuple[float, float]:
    """Confidence interval of RMSEA from the noncentral chi-square (Steiger 1990), as lavaan
    (times ``sqrt(n_groups)`` for several groups, as lavaan)."""
    if df <= 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2

    def ncp_for(probability: float) -> float:
        def gap(ncp):
            return stats.ncx2.cdf(chi2, df, ncp) - probability if ncp > 0 else stats.chi2.cdf(chi2, df) - probability

        if gap(0.0) < 0:
            return 0.0
        upper = max(chi2, 1.0)
        while gap(upper) > 0:
            upper *= 2
        return optimize.brentq(gap, 0.0, upper, xtol=1e-12)

    low = np.sqrt(ncp_for(1 - tail) / (n * df)) * np.sqrt(n_groups)
    high = np.sqrt(ncp_for(tail) / (n * df)) * np.sqrt(n_groups)
    return float(low), float(high)


def fit_indices(chi2: float, df: int, baseline_chi2: float, baseline_df: int, n: int, srmr_value: float,
                n_groups: int = 1) -> pd.Series:
    """chi2, df, pvalue, cfi, tli, rmsea (with 90% CI), srmr and the baseline model's chi2/df.

    ``n`` is the number of respondents (lavaan uses N, not N - 1, in RMSEA); with several groups
    RMSEA and its interval are multiplied by ``sqrt(n_groups)`` (Steiger 1998), as lavaan.

    Notes
    -----
    ``CFI = 1 - max(chi2 - df, 0) / max(chi2 - df, chi2_B - df_B, 0)``,
    ``TLI = (chi2_B / df_B - chi2 / df) / (chi2_B / df_B - 1)``,
    ``RMSEA = sqrt(G) sqrt(max(chi2 - df, 0) / (df N))``.
    semopy's ``calc_stats`` has no SRMR and no RMSEA confidence interval, and
    divides by ``N - 1`` in RMSEA where lavaan (0.6) divides by ``N``; kitlib
    therefore computes every index from the sample moments and the
    model-implied moments, following ``lavaan:::lav_fit_measures``.

    Example
    -------
    >>> fit = fit_indices(85.3055, 24, 918.8516, 36, 301, 0.0652)
    >>> float(round(fit["cfi"], 4)), float(round(fit["rmsea"], 4))
    (0.9306, 0.0921)

    References
    ----------
    Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
    Steiger, J. H. (1998). A note on multiple sample extensions of the RMSEA fit index. *Structural
    Equation Modeling*, 5, 411–419.
    """
    d_model = max(chi2 - df, 0.0)
    d_baseline = max(baseline_chi2 - baseline_df, d_model)
    cfi = 1.0 if d_baseline == 0 else 1 - d_model / d_baseline
    tli = ((baseline_chi2 / baseline_df) - (chi2 / df)) / ((baseline_chi2 / baseline_df) - 1) if df > 0 else float("nan")
    rmsea = float(np.sqrt(d_model / (df * n)) * np.sqrt(n_groups)) if df > 0 else float("nan")
    low, high = rmsea_ci(chi2, df, n, n_groups=n_groups)
    return pd.Series(
        {
            "chi2": chi2,
            "df": df,
            "pvalue": float(stats.chi2.sf(chi2, df)) if df > 0 else float("nan"),
            "cfi": cfi,
            "tli": tli,
            "rmsea": rmsea,
            "rmsea_ci_low": low,
            "rmsea_ci_high": high,
            "srmr": srmr_value,
            "baseline_chi2": baseline_chi2,
            "baseline_df": baseline_df,
            "n": n,
        },
        name="fit",
    )
