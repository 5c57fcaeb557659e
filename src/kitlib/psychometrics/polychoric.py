"""Polychoric correlations, thresholds and their asymptotic covariance matrix, as lavaan computes them.

An ordinal item ``y`` with categories ``1..K`` is taken to be a coarsened standard-normal variable
``y*``: ``y = c`` when ``tau_{c-1} < y* <= tau_c`` (``tau_0 = -inf``, ``tau_K = +inf``).  The
polychoric correlation of two items is the correlation of their ``y*``.  kitlib estimates it in
lavaan's two steps (Olsson 1979, "two-step" estimator):

1. thresholds of each item from its marginal proportions, ``tau_c = Phi^-1(P(y <= c))``;
2. each correlation by maximum likelihood of the item pair's contingency table given those
   thresholds.

For WLSMV estimation the asymptotic covariance matrix ``Gamma`` of the thresholds and correlations
is computed from the per-respondent scores of the univariate and bivariate likelihoods
(Muthén 1984; Muthén, du Toit & Spisic 1997), exactly as ``lavaan:::muthen1984``.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(1)
>>> z = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=2000)
>>> df = pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1, columns=["a", "b"])
>>> result = polychoric_correlations(df)
>>> round(float(result.corr.loc["a", "b"]), 1)
0.5

References
----------
Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
*Psychometrika*, 44(4), 443–460.
Muthén, B. (1984). A general structural equation model with dichotomous, ordered categorical, and
continuous latent variable indicators. *Psychometrika*, 49(1), 115–132.
Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). *Robust inference using weighted least squares and
quadratic estimating equations in latent variable modeling with categorical and continuous outcomes*.
Unpublished technical report.
Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate normal and t
probabilities. *Statistics and Computing*, 14, 251–260.
Drezner, Z., & Wesolowsky, G. O. (1990). On the computation of the bivariate normal integral.
*Journal of Statistical Computation and Simulation*, 35, 101–107.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2), 1–36.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from kitlib._checks import numeric_items
from kitlib.errors import AnalysisInputError

__all__ = ["PolychoricResult", "bivariate_normal_cdf", "bivariate_normal_pdf", "polychoric_correlations"]

_TWO_PI = 2 * np.pi
#: lavaan floors cell probabilities at sqrt(machine epsilon) before taking logs.
_PI_FLOOR = np.sqrt(np.finfo(float).eps)
#: lavaan keeps polychoric correlations within these bounds (``nlminb(lower = -0.999, upper = 0.999)``).
_RHO_BOUND = 0.999
_GAUSS = {n: np.polynomial.legendre.leggauss(n) for n in (6, 12, 20)}


def _bvn_upper(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``P(X > h, Y > k)`` for finite 1-d arrays (Genz's BVND, vectorised)."""
    out = np.empty(h.shape)
    ar = np.abs(r)
    # |r| < 0.925: Drezner & Wesolowsky's formula, integrating over asin(r) with 6, 12 or 20 Gauss points
    for low, high, n in ((0.0, 0.3, 6), (0.3, 0.75, 12), (0.75, 0.925, 20)):
        m = (ar >= low) & (ar < high)
        if not m.any():
            continue
        t, w = _GAUSS[n]
        hm, km, rm = h[m], k[m], r[m]
        hk = (hm * km)[:, None]
        hs = ((hm * hm + km * km) / 2)[:, None]
        asr = np.arcsin(rm) / 2
        sn = np.sin(asr[:, None] * (1 + t)[None, :])
        bvn = np.exp((sn * hk - hs) / (1 - sn * sn)) @ w
        out[m] = bvn * asr / _TWO_PI + ndtr(-hm) * ndtr(-km)
    m = ar >= 0.925
    if m.any():
        t, w = _GAUSS[20]
        hm, km, rm = h[m], k[m], r[m]
        km = np.where(rm < 0, -km, km)
        hk = hm * km
        bvn = np.zeros(hm.shape)
        inner = np.abs(rm) < 1
        if inner.any():
            hi, ki, hki, ri = hm[inner], km[inner], hk[inner], rm[inner]
            as_ = 1 - ri * ri
            a = np.sqrt(as_)
            bs = (hi - ki) ** 2
            c = (4 - hki) / 8
            d = (12 - hki) / 80
            asr = -(bs / as_ + hki) / 2
            with np.errstate(over="ignore", under="ignore"):
                b0 = np.where(asr > -100, a * np.exp(asr) * (1 - c * (bs - as_) * (1 - d * bs) / 3 + c * d * as_ * as_), 0.0)
                b = np.sqrt(bs)
                sp = np.sqrt(_TWO_PI) * ndtr(-b / a)
                b0 = np.where(hki > -100, b0 - np.exp(-hki / 2) * sp * b * (1 - c * bs * (1 - d * bs) / 3), b0)
                half = a / 2
                xs = (half[:, None] * (1 + t)[None, :]) ** 2
                asx = -(bs[:, None] / xs + hki[:, None]) / 2
                spx = 1 + c[:, None] * xs * (1 + 5 * d[:, None] * xs)
                rs = np.sqrt(1 - xs)
                ep = np.exp(-(hki[:, None] / 2) * xs / (1 + rs) ** 2) / rs
                terms = np.where(asx > -100, np.exp(asx) * (spx - ep), 0.0) @ w
            bvn[inner] = (half * terms - b0) / _TWO_PI
        positive = rm > 0
        lower = np.where(hm < 0, ndtr(km) - ndtr(hm), ndtr(-hm) - ndtr(-km))
        bvn = np.where(positive, bvn + ndtr(-np.maximum(hm, km)), np.where(hm >= km, -bvn, lower - bvn))
        out[m] = bvn
    return np.clip(out, 0.0, 1.0)


def bivariate_normal_cdf(h, k, rho) -> np.ndarray:
    """Standard bivariate normal distribution function ``Phi2(h, k; rho) = P(X <= h, Y <= k)``, vectorised.

    ``h``, ``k`` and ``rho`` broadcast against each other; ``h`` and ``k`` may be ``±inf``.

    Notes
    -----
    Genz's (2004) algorithm BVND, written with NumPy arrays: for ``|rho| < 0.925`` the
    Drezner–Wesolowsky (1990) form

    .. math:: \\Phi_2(h, k; \\rho) = \\Phi(h)\\Phi(k) + \\frac{1}{2\\pi}\\int_0^{\\arcsin\\rho}
              \\exp\\Big(-\\frac{h^2 - 2hk\\sin\\theta + k^2}{2\\cos^2\\theta}\\Big)\\,d\\theta

    with 6, 12 or 20 Gauss–Legendre points (more as ``|rho|`` grows), and for ``|rho| >= 0.925``
    Genz's asymptotic expansion around ``|rho| = 1`` plus a 20-point correction.  Accuracy is about
    ``1e-15`` (double precision), the accuracy of the Fortran code R's ``pbivnorm`` (used by lavaan)
    wraps.  It is about two orders of magnitude faster than ``scipy.stats.multivariate_normal.cdf``,
    which integrates one point at a time.

    Example
    -------
    >>> float(bivariate_normal_cdf(0.0, 0.0, 0.5).round(6))   # 1/4 + asin(0.5)/(2 pi) = 1/3
    0.333333

    References
    ----------
    Genz, A. (2004). *Statistics and Computing*, 14, 251–260.
    Drezner, Z., & Wesolowsky, G. O. (1990). *Journal of Statistical Computation and Simulation*, 35, 101–107.
    """
    h, k, rho = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(rho, float))
    out = np.zeros(h.shape)
    finite = np.isfinite(h) & np.isfinite(k)
    if finite.any():
        out[finite] = _bvn_upper(-h[finite], -k[finite], rho[finite])
    h_top, k_top = h == np.inf, k == np.inf
    only_k = h_top & (k > -np.inf)
    out[only_k] = ndtr(k[only_k])
    only_h = k_top & (h > -np.inf) & ~h_top
    out[only_h] = ndtr(h[only_h])
    return out


def bivariate_normal_pdf(h, k, rho) -> np.ndarray:
    """Standard bivariate normal density ``phi2(h, k; rho)``; 0 where ``h`` or ``k`` is infinite.

    Example
    -------
    >>> float(bivariate_normal_pdf(0.0, 0.0, 0.0).round(6))   # 1 / (2 pi)
    0.159155
    """
    h, k, rho = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(rho, float))
    out = np.zeros(h.shape)
    f = np.isfinite(h) & np.isfinite(k)
    r2 = 1 - rho[f] ** 2
    out[f] = np.exp(-(h[f] ** 2 - 2 * rho[f] * h[f] * k[f] + k[f] ** 2) / (2 * r2)) / (_TWO_PI * np.sqrt(r2))
    return out


@dataclass(frozen=True, repr=False)
class PolychoricResult:
    """Result of :func:`polychoric_correlations`.

    Attributes
    ----------
    corr : DataFrame
        Polychoric correlation matrix (unit diagonal).
    thresholds : Series
        Thresholds, indexed lavaan-style ``"item|t1"``, ``"item|t2"``, ... (item order, then threshold).
    categories : dict of str to list of float
        The answer values observed for each item, lowest first (category ``c`` of the model is the
        ``c``-th of them; values nobody chose are not categories).
    n : int
        Respondents used (those who answered every item).
    gamma : DataFrame or None
        Asymptotic covariance matrix ``Gamma`` of ``sqrt(N) (estimates - true values)``, thresholds
        first and then the correlations in lavaan's order (below the diagonal, column by column:
        ``(2,1), (3,1), ..., (p,1), (3,2), ...``); only when ``polychoric_correlations(..., gamma=True)``.
    """

    corr: pd.DataFrame
    thresholds: pd.Series
    categories: dict
    n: int
    gamma: pd.DataFrame | None = None

    def __repr__(self) -> str:
        p = self.corr.shape[0]
        return (f"PolychoricResult({p} items, n={self.n}, "
                f"{len(self.thresholds)} thresholds, gamma={'yes' if self.gamma is not None else 'no'})\n"
                f"{self.corr.round(3).to_string()}")


def _codes(values: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Integer category codes 0..K-1 per column, and each column's observed values."""
    codes = np.empty(values.shape, dtype=np.intp)
    levels = []
    for j in range(values.shape[1]):
        levels_j, codes[:, j] = np.unique(values[:, j], return_inverse=True)
        levels.append(levels_j)
    return codes, levels


class _Pairs:
    """All item pairs of a coded data matrix, in lavaan's order, with padded extended thresholds."""

    def __init__(self, codes: np.ndarray, n_cat: np.ndarray, tau: list[np.ndarray]):
        n, p = codes.shape
        self.n, self.p = n, p
        self.kmax = int(n_cat.max())
        self.n_cat = n_cat
        # lavaan's vech order below the diagonal: column j = 0..p-2, row i = j+1..p-1
        self.i, self.j = (np.array(v, dtype=np.intp) for v in zip(*[(i, j) for j in range(p) for i in range(j + 1, p)]))
        ext = np.full((p, self.kmax + 1), np.inf)
        ext[:, 0] = -np.inf
        for v in range(p):
            ext[v, 1:n_cat[v]] = tau[v]
        self.ext = ext                              # (p, kmax + 1): -inf, tau_1.., +inf (padded with +inf)
        k = self.kmax
        flat = (np.arange(len(self.i))[None, :] * k + codes[:, self.i]) * k + codes[:, self.j]
        self.freq = np.bincount(flat.ravel(), minlength=len(self.i) * k * k).reshape(len(self.i), k, k).astype(float)
        self.codes = codes

    def cells(self, rho: np.ndarray, derivatives: int = 1):
        """Cell probabilities (floored as lavaan does) and their first (and second) derivatives in rho."""
        h = self.ext[self.i][:, :, None]
        k = self.ext[self.j][:, None, :]
        r = rho[:, None, None]
        corner = bivariate_normal_cdf(h, k, r)
        dens = bivariate_normal_pdf(h, k, r)

        def cell(c):
            return c[:, 1:, 1:] - c[:, :-1, 1:] - c[:, 1:, :-1] + c[:, :-1, :-1]

        pi = np.maximum(cell(corner), _PI_FLOOR)
        dpi = cell(dens)
        if derivatives < 2:
            return pi, dpi
        one = 1 - r * r
        with np.errstate(invalid="ignore"):
            g = (h * k * one - r * (h * h - 2 * r * h * k + k * k) + r * one) / (one * one)
            d2 = np.where(dens > 0, dens * g, 0.0)
        return pi, dpi, cell(d2)

    def loglik(self, rho: np.ndarray, freq: np.ndarray) -> np.ndarray:
        pi, _ = self.cells(rho)
        return (freq * np.log(pi)).sum(axis=(1, 2))

    def fitting_frequencies(self) -> tuple[np.ndarray, np.ndarray]:
        """Tables for the ML step, with lavaan's rules for 2 x 2 tables, and the pairs whose correlation is fixed.

        lavaan (``lav_bvord_cor_twostep_fit``, ``zero.add = c(0.5, 0)``, ``zero.keep.margins = TRUE``):
        one empty cell of a 2 x 2 table gets 0.5 moved in from the off-diagonal (margins kept); two empty
        cells give rho = +1 or -1; a 2 x 2 table with ``n11 n22 = n12 n21`` gives rho = 0.  Larger tables
        are used as they are.  (The asymptotic covariance uses the observed tables.)
        """
        freq = self.freq.copy()
        fixed = np.full(len(self.i), np.nan)
        binary = np.flatnonzero((self.n_cat[self.i] == 2) & (self.n_cat[self.j] == 2))
        for q in binary:
            table = freq[q, :2, :2]
            empty = table == 0
            if empty.sum() == 2:
                fixed[q] = 1.0 if table[0, 0] > 0 else -1.0
                continue
            if empty.sum() == 1:
                sign = 1.0 if (empty[0, 0] or empty[1, 1]) else -1.0
                table += sign * np.array([[0.5, -0.5], [-0.5, 0.5]])
            if table[0, 0] * table[1, 1] == table[0, 1] * table[1, 0]:
                fixed[q] = 0.0
        return freq, fixed


def _fit_correlations(pairs: _Pairs, start: np.ndarray, tol: float = 1e-12, max_iter: int = 100) -> np.ndarray:
    """Maximum-likelihood correlation of every pair given the thresholds: safeguarded Newton, all pairs at once."""
    freq, fixed = pairs.fitting_frequencies()
    rho = np.clip(np.where(np.isnan(fixed), start, 0.0), -_RHO_BOUND, _RHO_BOUND)
    logl = pairs.loglik(rho, freq)
    for _ in range(max_iter):
        pi, dpi, d2pi = pairs.cells(rho, derivatives=2)
        score = dpi / pi
        grad = (freq * score).sum(axis=(1, 2))
        hess = (freq * (d2pi / pi - score * score)).sum(axis=(1, 2))
        step = np.where(hess < 0, -grad / np.where(hess < 0, hess, -1.0), np.sign(grad) * 0.05)
        step = np.clip(step, -0.5, 0.5)
        for _halving in range(40):
            new = np.clip(rho + step, -_RHO_BOUND, _RHO_BOUND)
            new_logl = pairs.loglik(new, freq)
            worse = new_logl < logl - 1e-12 * np.abs(logl)
            if not worse.any():
                break
            step = np.where(worse, step / 2, step)
        moved = np.abs(new - rho)
        rho, logl = new, new_logl
        if moved.max() < tol:
            break
    return np.where(np.isnan(fixed), rho, fixed)


def _gamma(pairs: _Pairs, tau: list[np.ndarray], rho: np.ndarray) -> np.ndarray:
    """``Gamma = N B^-1 (S'S) B^-T`` of thresholds and correlations (lavaan's ``muthen1984``, no covariates)."""
    codes, n, p = pairs.codes, pairs.n, pairs.p
    n_th = np.array([len(t) for t in tau])
    start = np.concatenate([[0], np.cumsum(n_th)])
    total_th = int(start[-1])
    # univariate threshold scores: d log P(y = c) / d tau_k = phi(tau_k) (1{c = k} - 1{c = k + 1}) / P(c)
    sc_th = np.zeros((n, total_th))
    a11_inv = np.zeros((total_th, total_th))
    for v in range(p):
        ext = np.concatenate([[-np.inf], tau[v], [np.inf]])
        prob = np.diff(ndtr(ext))
        dens = np.exp(-tau[v] ** 2 / 2) / np.sqrt(_TWO_PI)
        c = codes[:, v]
        block = np.zeros((n, len(tau[v])))
        rows = np.arange(n)
        upper = c < len(tau[v])
        block[rows[upper], c[upper]] = dens[c[upper]] / prob[c[upper]]
        lower = c > 0
        block[rows[lower], c[lower] - 1] = -dens[c[lower] - 1] / prob[c[lower]]
        cols = slice(start[v], start[v + 1])
        sc_th[:, cols] = block
        a11_inv[cols, cols] = np.linalg.inv(block.T @ block)
    # bivariate scores: d log pi_ab / d rho, and d pi_ab / d tau (for A21)
    pi, dpi = pairs.cells(rho)
    s_rho = dpi / pi
    npair = len(rho)
    a22 = (pairs.freq * s_rho * s_rho).sum(axis=(1, 2))
    g = pairs.freq * s_rho / pi                               # (pairs, K, K)
    one = np.sqrt(1 - rho * rho)[:, None, None]
    a21 = np.zeros((npair, total_th))
    pidx = np.arange(npair)
    for first, other, axis in ((pairs.i, pairs.j, 1), (pairs.j, pairs.i, 2)):
        t_own = pairs.ext[first][:, 1:-1]                       # (pairs, kmax - 1), +inf where padded
        t_oth = pairs.ext[other]                                 # (pairs, kmax + 1)
        finite = np.isfinite(t_own)
        t_own0 = np.where(finite, t_own, 0.0)
        dens = np.where(finite, np.exp(-t_own0 ** 2 / 2) / np.sqrt(_TWO_PI), 0.0)
        z = (t_oth[:, None, :] - rho[:, None, None] * t_own0[:, :, None]) / one
        d1 = dens[:, :, None] * np.diff(ndtr(z), axis=2)         # (pairs, kmax - 1, kmax): d pi / d tau_k, other's cell b
        gg = g if axis == 1 else np.swapaxes(g, 1, 2)             # rows: this item's category
        contrib = (d1 * (gg[:, :-1, :] - gg[:, 1:, :])).sum(axis=2)   # (pairs, kmax - 1)
        for pos in range(pairs.kmax - 1):
            has = pos < n_th[first]
            a21[pidx[has], start[first[has]] + pos] = contrib[has, pos]
    sc_cor = s_rho[pidx[None, :], codes[:, pairs.i], codes[:, pairs.j]]  # (n, pairs)
    inf_th = sc_th @ a11_inv
    inf_cor = (sc_cor - inf_th @ a21.T) / a22
    influence = np.hstack([inf_th, inf_cor])
    return n * (influence.T @ influence)


def polychoric_correlations(df: pd.DataFrame, items=None, *, gamma: bool = False) -> PolychoricResult:
    """Polychoric correlations and thresholds (two-step ML, as lavaan), optionally with their ``Gamma``.

    Parameters
    ----------
    df : DataFrame
        Ordinal answers (numbers; any ordered codes), respondents in rows.
    items : list of str, optional
        Columns to use (default: all).  Respondents with a blank in any of them are left out.
    gamma : bool
        Also compute the asymptotic covariance matrix of thresholds and correlations (needed for
        WLSMV; costs one pass over the respondents).

    Returns
    -------
    PolychoricResult

    Raises
    ------
    AnalysisInputError
        Unknown, non-numeric or constant items; fewer than 2 items or 3 complete respondents.

    Notes
    -----
    *Thresholds.*  With ``p_c`` the share of answers in category ``c`` of an item,
    ``tau_c = Phi^{-1}(p_1 + ... + p_c)``, ``c = 1..K-1`` (the ML estimate without covariates).

    *Correlations* (Olsson 1979).  For items ``i, j`` with cell counts ``n_ab``, ``rho`` maximises

    .. math:: \\ell(\\rho) = \\sum_{a,b} n_{ab} \\log \\pi_{ab}(\\rho), \\quad
              \\pi_{ab} = \\Phi_2(\\tau_a, \\tau_b) - \\Phi_2(\\tau_{a-1}, \\tau_b)
                        - \\Phi_2(\\tau_a, \\tau_{b-1}) + \\Phi_2(\\tau_{a-1}, \\tau_{b-1})

    with the thresholds held at their step-1 values.  ``d pi / d rho`` is the same difference of
    bivariate normal densities ``phi2`` and ``d phi2 / d rho = phi2 g(h, k)``, so kitlib runs a
    safeguarded Newton iteration on all pairs at once (start: Pearson correlation, as lavaan;
    ``|rho| <= 0.999``; cell probabilities floored at ``sqrt(eps)``; empty cells are left empty, as lavaan
    does for tables larger than 2 x 2).  ``Phi2`` comes from :func:`bivariate_normal_cdf`.

    *Gamma* (Muthén 1984; Muthén, du Toit & Spisic 1997).  Per respondent, the scores ``s_th``
    (of the univariate likelihoods, in the thresholds) and ``s_rho`` (of the bivariate likelihoods,
    in the correlations) are stacked into ``S`` (N x (thresholds + correlations)).  With the
    blocks ``A11 = blockdiag_i(s_th,i' s_th,i)``, ``A21 = sum_n s_rho d log pi / d tau`` and
    ``A22 = diag(sum_n s_rho^2)`` of the Jacobian of the estimating equations,

    .. math:: \\Gamma = N \\, B^{-1} (S'S) B^{-T}, \\qquad
              B^{-1} = \\begin{pmatrix} A_{11}^{-1} & 0 \\\\ -A_{22}^{-1} A_{21} A_{11}^{-1} & A_{22}^{-1}\\end{pmatrix},

    which is lavaan's ``NACOV`` (``lavInspect(fit, "gamma")``).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 1, 2, 2, 3, 3, 1, 2, 3, 3], "b": [1, 2, 2, 2, 3, 3, 1, 1, 2, 3]})
    >>> result = polychoric_correlations(df)
    >>> list(result.thresholds.index)
    ['a|t1', 'a|t2', 'b|t1', 'b|t2']

    References
    ----------
    Olsson, U. (1979). *Psychometrika*, 44, 443–460.
    Muthén, B. (1984). *Psychometrika*, 49, 115–132.
    Rosseel, Y. (2012). *Journal of Statistical Software*, 48(2).
    """
    data = numeric_items(df, items, min_items=2, min_rows=3, what="polychoric correlations")
    names = list(data.columns)
    codes, levels = _codes(data.to_numpy())
    n, p = codes.shape
    n_cat = np.array([len(level) for level in levels])
    if np.any(n_cat > 50):
        many = [names[v] for v in np.flatnonzero(n_cat > 50)]
        raise AnalysisInputError(f"polychoric correlations: item(s) {', '.join(many)} have more than 50 distinct values; "
                                 "they do not look like ordinal answers")
    tau = []
    for v in range(p):
        counts = np.bincount(codes[:, v], minlength=n_cat[v])
        tau.append(ndtri(np.cumsum(counts)[:-1] / n))
    pairs = _Pairs(codes, n_cat, tau)
    with np.errstate(invalid="ignore", divide="ignore"):
        pearson = np.corrcoef(codes, rowvar=False)
    start = np.nan_to_num(pearson[pairs.i, pairs.j])
    start[np.abs(start) >= 1] = 0.0
    rho = _fit_correlations(pairs, start)
    corr = np.eye(p)
    corr[pairs.i, pairs.j] = corr[pairs.j, pairs.i] = rho
    th_names = [f"{name}|t{k + 1}" for name, t in zip(names, tau) for k in range(len(t))]
    thresholds = pd.Series(np.concatenate(tau), index=th_names, name="threshold")
    gamma_frame = None
    if gamma:
        cor_names = [f"{names[i]}~~{names[j]}" for i, j in zip(pairs.i, pairs.j)]
        labels = th_names + cor_names
        gamma_frame = pd.DataFrame(_gamma(pairs, tau, rho), index=labels, columns=labels)
    return PolychoricResult(
        corr=pd.DataFrame(corr, index=names, columns=names),
        thresholds=thresholds,
        categories={name: [float(x) for x in level] for name, level in zip(names, levels)},
        n=n,
        gamma=gamma_frame,
    )
