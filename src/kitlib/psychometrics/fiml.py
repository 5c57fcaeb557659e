"""Full information maximum likelihood (FIML) for a CFA with missing answers (lavaan's ``missing = "ml"``).

Example
-------
>>> import pandas as pd
>>> import kitlib as kl
>>> bfi = pd.read_csv("tests/fixtures/data/bfi.csv")
>>> model = {"neuroticism": ["N1", "N2", "N3", "N4", "N5"], "openness": ["O1", "O3", "O4"]}
>>> bool(kl.cfa(bfi, model, missing="fiml").fit["n"] > kl.cfa(bfi, model, missing="listwise").fit["n"])
True

References
----------
Arbuckle, J. L. (1996). Full information estimation in the presence of incomplete data. In
G. A. Marcoulides & R. E. Schumacker (Eds.), *Advanced Structural Equation Modeling* (pp. 243–277).
Dempster, A. P., Laird, N. M., & Rubin, D. B. (1977). Maximum likelihood from incomplete data via the
EM algorithm. *JRSS B*, 39, 1–38.
Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from kitlib.errors import AnalysisInputError

__all__ = ["FIMLFit", "fit_fiml", "independence_fit", "minus_two_loglik", "Pattern", "patterns", "saturated_em"]

EM_TOLERANCE = 1e-10
EM_MAX_ITER = 5000


@dataclass(frozen=True)
class Pattern:
    """Respondents sharing one missing-data pattern: observed columns, count, mean, covariance (divisor n)."""

    observed: np.ndarray
    n: int
    mean: np.ndarray
    cov: np.ndarray


@dataclass(frozen=True)
class FIMLFit:
    """H0 parameters, the saturated (EM) moments, and the chi-squares against H1."""

    parameters: object
    sample_cov: np.ndarray
    sample_mean: np.ndarray
    chi2: float
    baseline_chi2: float


def patterns(data: pd.DataFrame) -> list[Pattern]:
    """Group respondents by which items they answered."""
    values = data.to_numpy(dtype=float)
    present = ~np.isnan(values)
    keys, inverse = np.unique(present, axis=0, return_inverse=True)
    groups = []
    for k, key in enumerate(keys):
        rows = values[inverse.ravel() == k][:, key]
        groups.append(Pattern(np.flatnonzero(key), len(rows), rows.mean(axis=0), np.cov(rows, rowvar=False, bias=True).reshape(key.sum(), key.sum())))
    return groups


def minus_two_loglik(groups: list[Pattern], cov: np.ndarray, mean: np.ndarray) -> float:
    """``-2 log L`` of normal data with missing values (the constant included)."""
    total = 0.0
    for g in groups:
        o = g.observed
        sigma = cov[np.ix_(o, o)]
        d = g.mean - mean[o]
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return np.inf
        spread = g.cov + np.outer(d, d)
        total += g.n * (logdet + np.trace(np.linalg.solve(sigma, spread)) + len(o) * np.log(2 * np.pi))
    return float(total)


def saturated_em(groups: list[Pattern], n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """EM estimates of the unrestricted mean vector and covariance matrix."""
    n = sum(g.n for g in groups)
    cov, mean = independence_fit(groups, n_items)
    previous = np.inf
    for _ in range(EM_MAX_ITER):
        first = np.zeros(n_items)
        second = np.zeros((n_items, n_items))
        for g in groups:
            o = g.observed
            m = np.setdiff1d(np.arange(n_items), o)
            filled_mean = mean.copy()
            extra = np.zeros((n_items, n_items))
            if m.size:
                coef = np.linalg.solve(cov[np.ix_(o, o)], cov[np.ix_(o, m)]).T
                filled_mean[m] = mean[m] + coef @ (g.mean - mean[o])
                extra[np.ix_(m, m)] = cov[np.ix_(m, m)] - coef @ cov[np.ix_(o, m)]
            filled_mean[o] = g.mean
            within = np.zeros((n_items, n_items))
            within[np.ix_(o, o)] = g.cov
            if m.size:
                within[np.ix_(m, o)] = coef @ g.cov
                within[np.ix_(o, m)] = within[np.ix_(m, o)].T
                within[np.ix_(m, m)] = coef @ g.cov @ coef.T
            first += g.n * filled_mean
            second += g.n * (within + extra + np.outer(filled_mean, filled_mean))
        mean = first / n
        cov = second / n - np.outer(mean, mean)
        current = minus_two_loglik(groups, cov, mean)
        if abs(previous - current) < EM_TOLERANCE * max(1.0, abs(current)):
            break
        previous = current
    return cov, mean


def independence_fit(groups: list[Pattern], n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """ML means and variances of the baseline model (uncorrelated items): per item, its answers."""
    total = np.zeros(n_items)
    squares = np.zeros(n_items)
    count = np.zeros(n_items)
    for g in groups:
        total[g.observed] += g.n * g.mean
        squares[g.observed] += g.n * (np.diag(g.cov) + g.mean**2)
        count[g.observed] += g.n
    mean = total / count
    return np.diag(squares / count - mean**2), mean


def fit_fiml(data: pd.DataFrame, model: dict[str, list[str]], fit_ml_covariance) -> FIMLFit:
    """Fit the CFA ``model`` to ``data`` (with NaN for missing answers) by FIML; see the module docstring.

    Notes
    -----
    Respondents are grouped by missing-data pattern; each pattern contributes
    ``n_o [log|Sigma_oo| + tr(Sigma_oo^-1 (S_o + (m_o - mu_o)(m_o - mu_o)'))]`` to
    ``-2 log L``.  The saturated (H1) model is estimated by EM, the independence
    (baseline) model in closed form (per-item means and variances of the
    available answers), and the CFA (H0) by quasi-Newton with the analytic
    gradient, started from the ML fit to the EM covariance matrix.  Then
    ``chi2 = -2 (log L_H0 - log L_H1)`` and the baseline chi2 likewise, as lavaan.
    """
    from kitlib.psychometrics.confirmatory import Parameters

    items = list(data.columns)
    n_items, n_factors = len(items), len(model)
    groups = patterns(data)
    for j, item in enumerate(items):
        if sum(g.n for g in groups if j in g.observed) < 2:
            raise AnalysisInputError(f"cfa (fiml): item '{item}' has fewer than 2 answers")
    h1_cov, h1_mean = saturated_em(groups, n_items)
    start = fit_ml_covariance(pd.DataFrame(h1_cov, index=items, columns=items), len(data), model)

    free_lam = np.zeros((n_items, n_factors), dtype=bool)
    for f, members in enumerate(model.values()):
        for item in members[1:]:
            free_lam[items.index(item), f] = True
    lower = np.tril_indices(n_factors)
    sizes = np.cumsum([free_lam.sum(), len(lower[0]), n_items, n_items])

    def unpack(x):
        lam = start.lam.copy()
        lam[free_lam] = x[: sizes[0]]
        psi = np.zeros((n_factors, n_factors))
        psi[lower] = x[sizes[0] : sizes[1]]
        psi = psi + np.tril(psi, -1).T
        return lam, psi, x[sizes[1] : sizes[2]], x[sizes[2] : sizes[3]]

    scale = sum(g.n for g in groups)

    def objective(x):
        lam, psi, theta, mu = unpack(x)
        cov = lam @ psi @ lam.T + np.diag(theta)
        value, grad_cov, grad_mu = 0.0, np.zeros((n_items, n_items)), np.zeros(n_items)
        for g in groups:
            o = g.observed
            sigma = cov[np.ix_(o, o)]
            try:
                factor = np.linalg.cholesky(sigma)
            except np.linalg.LinAlgError:
                return np.inf, np.zeros_like(x)
            inverse = np.linalg.inv(sigma)
            d = g.mean - mu[o]
            spread = g.cov + np.outer(d, d)
            value += g.n * (2 * np.log(np.diag(factor)).sum() + np.sum(inverse * spread))
            grad_cov[np.ix_(o, o)] += g.n * (inverse - inverse @ spread @ inverse)
            grad_mu[o] += -2 * g.n * inverse @ d
        grad_lam = 2 * grad_cov @ lam @ psi
        grad_psi = lam.T @ grad_cov @ lam
        grad_psi = 2 * grad_psi - np.diag(np.diag(grad_psi))
        gradient = np.concatenate([grad_lam[free_lam], grad_psi[lower], np.diag(grad_cov), grad_mu])
        return value / scale, gradient / scale

    x0 = np.concatenate([start.lam[free_lam], start.psi[lower], start.theta, h1_mean])
    result = optimize.minimize(objective, x0, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 10000})
    if not np.isfinite(result.fun):
        raise AnalysisInputError("cfa (fiml): the estimation did not converge; check the model and the missing-data pattern")
    lam, psi, theta, mu = unpack(result.x)
    parameters = Parameters(lam=lam, psi=psi, theta=theta, mu=mu)
    h1 = minus_two_loglik(groups, h1_cov, h1_mean)
    h0 = minus_two_loglik(groups, parameters.implied_cov(), mu)
    baseline = minus_two_loglik(groups, *independence_fit(groups, n_items))
    return FIMLFit(parameters=parameters, sample_cov=h1_cov, sample_mean=h1_mean, chi2=h0 - h1, baseline_chi2=baseline - h1)
