"""lavaan-style measurement-model syntax for :func:`kitlib.cfa` and :func:`kitlib.invariance`.

A model is either the dict ``{factor: [items]}`` kitlib has always accepted (simple structure: each
item under one factor) or a lavaan model string::

    visual  =~ x1 + x2 + x3
    textual =~ x4 + x5 + x6
    speed   =~ x7 + x8 + x9 + x1      # cross-loading: x1 also measures speed
    x7 ~~ x8                          # correlated residuals

Both are parsed into a :class:`ModelSpec`, the structure the estimator in
:mod:`kitlib.psychometrics.confirmatory` uses.  Supported: ``=~`` (the first indicator of each factor
is its marker, loading fixed to 1 as lavaan's default), ``~~`` between two items (residual
covariance) or between two factors (a factor covariance; already free, accepted for clarity), comments
(``#``, ``!``) and ``;`` or new lines between statements.  Not supported (an error says so): regressions
``~``, intercepts ``~ 1``, defined parameters ``:=``, constraints, and modifiers such as ``0*x1`` or
``a*x1``.

Example
-------
>>> spec = parse_model("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6 + x3\\nx1 ~~ x4")
>>> spec.factors, spec.items
(('visual', 'textual'), ('x1', 'x2', 'x3', 'x4', 'x5', 'x6'))
>>> spec.residual_covariances
(('x1', 'x4'),)
>>> spec.as_dict()["textual"]
['x4', 'x5', 'x6', 'x3']

References
----------
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2), 1–36 (the model syntax, section 5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kitlib._checks import check_model
from kitlib.errors import AnalysisInputError

__all__ = ["ModelSpec", "parse_model", "model_spec"]

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class ModelSpec:
    """A CFA measurement model: factors, their indicators, and residual covariances.

    Attributes
    ----------
    factors : tuple of str
        Latent factors in the order they are defined.
    indicators : tuple of tuple of str
        The items of each factor, in syntax order (the first is the marker).
    residual_covariances : tuple of (str, str)
        Pairs of items whose residuals covary (``x1 ~~ x4``).
    simple : bool
        Whether every item loads on exactly one factor and no residuals covary (what the FIML
        estimator and the dict form can express).
    """

    factors: tuple[str, ...]
    indicators: tuple[tuple[str, ...], ...]
    residual_covariances: tuple[tuple[str, str], ...] = ()

    @property
    def items(self) -> tuple[str, ...]:
        """Observed items, in order of first appearance."""
        return tuple(dict.fromkeys(item for members in self.indicators for item in members))

    @property
    def loadings(self) -> tuple[tuple[str, str], ...]:
        """``(factor, item)`` pairs in syntax order."""
        return tuple((f, item) for f, members in zip(self.factors, self.indicators) for item in members)

    @property
    def simple(self) -> bool:
        return not self.residual_covariances and len(self.items) == len(self.loadings)

    def as_dict(self) -> dict[str, list[str]]:
        """``{factor: [items]}`` (a cross-loaded item appears under each of its factors)."""
        return {f: list(members) for f, members in zip(self.factors, self.indicators)}

    def syntax(self) -> str:
        """The model as lavaan syntax."""
        lines = [f"{f} =~ {' + '.join(members)}" for f, members in zip(self.factors, self.indicators)]
        lines += [f"{a} ~~ {b}" for a, b in self.residual_covariances]
        return "\n".join(lines)

    def n_free(self) -> int:
        """Free parameters of the covariance structure (marker identification, no means)."""
        k = len(self.factors)
        return len(self.loadings) - k + k * (k + 1) // 2 + len(self.items) + len(self.residual_covariances)


def _names(text: str, statement: str) -> list[str]:
    names = [part.strip() for part in text.split("+")]
    for name in names:
        if "*" in name:
            raise AnalysisInputError(f"model syntax: modifiers such as '{name}' are not supported (in '{statement}')")
        if not _NAME.match(name):
            raise AnalysisInputError(f"model syntax: '{name}' is not a variable name (in '{statement}')")
    return names


def parse_model(text: str) -> ModelSpec:
    """Parse a lavaan measurement model string into a :class:`ModelSpec`.

    Parameters
    ----------
    text : str
        Statements ``factor =~ item + item + ...`` and ``item ~~ item``, separated by new lines
        or ``;``; ``#`` and ``!`` start comments.  Repeating ``factor =~`` adds indicators.

    Returns
    -------
    ModelSpec

    Raises
    ------
    AnalysisInputError
        Unsupported operators (``~``, ``:=``, ``==``, ``<``, ``>``), modifiers (``0*x1``), a factor
        used as an item, a variance ``x ~~ x`` (always free), an item listed twice under one factor,
        no ``=~`` statement.

    Notes
    -----
    The marker of each factor is its first indicator (loading fixed to 1); factor variances and
    covariances and the residual variances are free, as in ``lavaan::cfa``.  A string model may
    place an item under several factors (cross-loadings), which the dict form rejects.

    Example
    -------
    >>> parse_model("f =~ a + b + c; g =~ d + e + f2").factors
    ('f', 'g')

    References
    ----------
    Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
    """
    if not isinstance(text, str):
        raise AnalysisInputError(f"model syntax must be a string, not {type(text).__name__}")
    indicators: dict[str, list[str]] = {}
    pairs: list[tuple[str, str]] = []
    for raw in re.split(r"[\n;]", text):
        statement = re.split(r"[#!]", raw, maxsplit=1)[0].strip()
        if not statement:
            continue
        if "=~" in statement:
            lhs, rhs = statement.split("=~", 1)
            factor = lhs.strip()
            if not _NAME.match(factor):
                raise AnalysisInputError(f"model syntax: '{factor}' is not a factor name (in '{statement}')")
            members = indicators.setdefault(factor, [])
            for item in _names(rhs, statement):
                if item in members:
                    raise AnalysisInputError(f"model syntax: item '{item}' is listed twice under '{factor}'")
                members.append(item)
        elif "~~" in statement:
            lhs, rhs = statement.split("~~", 1)
            left = _names(lhs, statement)
            right = _names(rhs, statement)
            if len(left) != 1:
                raise AnalysisInputError(f"model syntax: '{statement}' needs one variable left of '~~'")
            pairs += [(left[0], other) for other in right]
        elif any(op in statement for op in (":=", "==", "<", ">", "~")):
            raise AnalysisInputError(
                f"model syntax: '{statement}' is not a measurement statement; only '=~' and '~~' are supported"
            )
        else:
            raise AnalysisInputError(f"model syntax: cannot read '{statement}'")
    if not indicators:
        raise AnalysisInputError("model syntax: no factor defined; write e.g. 'visual =~ x1 + x2 + x3'")
    factors = list(indicators)
    for factor in factors:
        for other, members in indicators.items():
            if factor in members:
                raise AnalysisInputError(f"model syntax: factor '{factor}' is used as an item of '{other}' (second-order models are not supported)")
    items = {item for members in indicators.values() for item in members}
    residual: list[tuple[str, str]] = []
    for a, b in pairs:
        if a == b:
            raise AnalysisInputError(f"model syntax: '{a} ~~ {a}' is a variance, which is always free; remove it")
        if a in indicators and b in indicators:
            continue  # factor covariances are free already
        for name in (a, b):
            if name not in items:
                raise AnalysisInputError(f"model syntax: '{name}' in '{a} ~~ {b}' is not an item of any factor")
        if (a, b) not in residual and (b, a) not in residual:
            residual.append((a, b))
    return ModelSpec(tuple(factors), tuple(tuple(indicators[f]) for f in factors), tuple(residual))


def model_spec(df, model, *, what: str = "cfa") -> ModelSpec:
    """A dict or string model as a :class:`ModelSpec`, checked against the columns of ``df``.

    Dicts go through :func:`kitlib._checks.check_model` (each item under one factor); strings
    through :func:`parse_model` (cross-loadings and ``~~`` allowed).  Every factor needs at least
    2 indicators, a one-factor model 3.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame(columns=["a", "b", "c"])
    >>> model_spec(df, {"f": ["a", "b", "c"]}).simple
    True

    References
    ----------
    Brown, T. A. (2015). *Confirmatory Factor Analysis for Applied Research* (2nd ed.), ch. 3–5.
    """
    if isinstance(model, ModelSpec):
        spec = model
    elif isinstance(model, str):
        spec = parse_model(model)
    else:
        one_factor = isinstance(model, Mapping) and len(model) == 1
        checked = check_model(df, model, min_items=3 if one_factor else 2, what=what)
        return ModelSpec(tuple(checked), tuple(tuple(items) for items in checked.values()))
    minimum = 3 if len(spec.factors) == 1 else 2
    for factor, members in zip(spec.factors, spec.indicators):
        if len(members) < minimum:
            raise AnalysisInputError(f"{what}: factor '{factor}' has {len(members)} item(s); it needs at least {minimum}")
    absent = [item for item in spec.items if item not in df.columns]
    if absent:
        raise AnalysisInputError(f"{what}: model item(s) not in the data: {', '.join(absent)}")
    return spec
