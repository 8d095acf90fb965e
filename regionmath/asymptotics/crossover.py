"""Deep versus shallow: where a deep lower bound first exceeds the shallow maximum."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Optional

import mpmath
import sympy as sp

from .. import bounds
from ..architecture import Architecture
from ..bounds import L, k, n, n0, width_symbols  # noqa: F401  (docstring examples use them)
from ..errors import HypothesisError, RegionmathError
from .expressions import BY, Keyed, SERRA_LOWER, THM4, ZASLAVSKY, deep_parameter_count, shallow_expr
from .limits import leading_term, limit_at_infinity
from .growth import folding_width, growth_in_depth, growth_in_width



# -- 3. deep versus shallow: the crossover ----------------------------------------------------------
@dataclass(frozen=True)
class Crossover:
    """Where a deep lower bound first exceeds the shallow maximum.

    ``variable`` is "L" (depth searched, ``width`` fixed) or "n" (width searched, ``depth``
    fixed). ``exact`` is the first integer at which ``deep_value > shallow_value`` (None if
    not reached by ``searched_to``); ``estimate`` is the largest real point where the leading
    terms are equal. ``by="parameters"`` compares with the widest shallow layer whose
    parameter count does not exceed the deep network's.
    """

    n0: int
    deep: str
    shallow: str
    by: str
    variable: str
    width: Optional[int]
    depth: Optional[int]
    exact: Optional[int]
    deep_value: Optional[int]
    shallow_value: Optional[int]
    shallow_units: Optional[int]
    estimate: Optional[float]
    searched_to: int
    note: str = ""
    complete: bool = True           # False: the time limit stopped the search at searched_to

    def as_dict(self) -> dict:
        d = asdict(self)
        for key in ("deep_value", "shallow_value"):
            if d[key] is not None:
                d[key] = str(d[key])        # exact integers exceed 2^53
        return d

    def __str__(self):
        fixed = f"width {self.width}" if self.variable == "L" else f"depth {self.depth}"
        what = "depth" if self.variable == "L" else "width"
        est = "none" if self.estimate is None else f"{self.estimate:.3f}"
        if self.exact is None:
            return (f"n0={self.n0}, {fixed}: {self.deep} never exceeds {self.shallow} (same {self.by}) "
                    f"up to {what} {self.searched_to}; estimate {est}. {self.note}").strip()
        s = (f"n0={self.n0}, {fixed}: {self.deep} first exceeds {self.shallow} (same {self.by}) at {what} "
             f"{self.exact}: {self.deep_value} > {self.shallow_value} ({self.shallow_units} shallow units); "
             f"leading-term estimate {est}")
        return s + (f" ({self.note})" if self.note else "")


def shallow_units_for(n0_value: int, parameters: int, outputs: int = 0) -> int:
    """The most units one hidden layer can have within ``parameters`` weights and biases."""
    # units*(n0+1) + outputs*(units+1) <= parameters
    return max(0, (parameters - outputs) // (n0_value + 1 + outputs))


def _largest_crossing(f, lo: float, hi: float) -> Optional[float]:
    """The largest root of ``f`` in ``[lo, hi]`` where ``f`` turns positive for good (grid + bisection)."""
    xs = [lo * (hi / lo) ** (i / 2000) for i in range(2001)]
    vals = [f(x) for x in xs]
    if vals[-1] <= 0:
        return None
    i = len(xs) - 1
    while i > 0 and vals[i - 1] > 0:
        i -= 1
    if i == 0:
        return xs[0]
    return float(mpmath.findroot(f, (xs[i - 1], xs[i]), solver="anderson"))


def crossover(n0_value: int, *, width: Optional[int] = None, depth: Optional[int] = None, by: str = "units",
              deep: str = THM4, shallow: str = ZASLAVSKY, outputs: int = 0, limit: int = 2000,
              time_limit: Optional[float] = None, progress=None) -> Crossover:
    """The first depth (``width`` fixed) or width (``depth`` fixed) at which ``deep`` > ``shallow``.

    Parameters
    ----------
    n0_value : int
        Input dimension.
    width, depth : int
        Exactly one: the fixed width (then the depth ``L >= 2`` is searched) or the fixed
        depth ``>= 2`` (then the width is searched). Neither: width ``3 n0``.
    by : {"units", "parameters"}
        Compare with one hidden layer of the same number of units (``L n``), or with the
        widest single layer whose parameter count (``outputs`` linear outputs included)
        does not exceed the deep network's.
    deep, shallow : str
        Registry ids: a deep lower bound (``montufar2014-thm4``, ``serra2018-lower``, ...)
        and the shallow maximum (``zaslavsky``).
    limit : int
        Search bound for the searched variable.
    time_limit : float, optional
        Seconds for the exact search; when it runs out the record has ``complete=False``
        and ``searched_to`` the last value tried.
    progress : callable, optional
        Called about once a second with ``{"variable", "at", "seconds"}``.

    Returns
    -------
    Crossover

    References
    ----------
    Montúfar et al. 2014, Thm 4 and Cor 5 (deep lower bound, shallow ``O(L^n0 n^n0)``);
    Serra et al. 2018, the lower bound with ``floor(n/n0) + 1`` per layer.
    """
    if by not in BY:
        raise RegionmathError(f"by must be one of {', '.join(BY)}, got {by!r}")
    if width is not None and depth is not None:
        raise RegionmathError("give either width (the depth is searched) or depth (the width is searched), not both")
    if width is None and depth is None:
        width = folding_width(n0_value, deep)
    deep_b, shallow_b = bounds.get(deep), bounds.get(shallow)
    if deep_b.kind == "upper":
        raise RegionmathError(f"{deep} is an upper bound; a crossover needs a deep lower bound "
                              "(montufar2014-thm4, serra2018-lower, ...)")
    if depth is not None and depth < 2:
        raise RegionmathError(f"depth must be at least 2 (one layer is the shallow network), got {depth}")

    def shallow_at(d, w):
        units = d * w if by == "units" else shallow_units_for(n0_value, Architecture(n0_value, (w,) * d)
                                                               .parameter_count(outputs), outputs)
        return units, (shallow_b.value(Architecture(n0_value, (units,))) if units >= 1 else 1)

    variable = "L" if depth is None else "n"
    if variable == "L":
        bad = deep_b.hypotheses(Architecture(n0_value, (width, width)))
        if bad:
            raise HypothesisError(deep, bad)
        candidates = range(2, limit + 1)
        arch_of = lambda x: (x, width)      # noqa: E731  (depth, width)
    else:
        first = next((w for w in range(1, limit + 1) if deep_b.applies(Architecture(n0_value, (w,) * depth))), None)
        if first is None:
            raise RegionmathError(f"{deep} applies to no width up to {limit} at depth {depth}")
        candidates = range(first, limit + 1)
        arch_of = lambda x: (depth, x)      # noqa: E731

    estimate, note = _crossover_estimate(n0_value, deep, shallow, by, width, depth, outputs)
    fixed = dict(n0=n0_value, deep=deep, shallow=shallow, by=by, variable=variable, width=width, depth=depth)
    if variable == "L":
        dg = growth_in_depth(deep, n0_value, width)
        if dg is not None and dg.base <= 1:
            # the deep bound is constant in the depth, the shallow maximum grows: no crossover
            return Crossover(**fixed, exact=None, deep_value=None, shallow_value=None, shallow_units=None,
                             estimate=estimate, searched_to=limit,
                             note=f"{deep} does not grow with the depth at width {width}")
    start = last = time.monotonic()
    for x in candidates:
        now = time.monotonic()
        if time_limit is not None and now - start > time_limit:
            return Crossover(**fixed, exact=None, deep_value=None, shallow_value=None, shallow_units=None,
                             estimate=estimate, searched_to=x - 1, note=f"time limit {time_limit} s reached",
                             complete=False)
        if progress is not None and now - last >= 1.0:
            last = now
            progress({"variable": variable, "at": x, "seconds": now - start})
        d, w = arch_of(x)
        dv = deep_b.value(Architecture(n0_value, (w,) * d))
        units, sv = shallow_at(d, w)
        if dv > sv:
            return Crossover(**fixed, exact=x, deep_value=dv, shallow_value=sv, shallow_units=units,
                             estimate=estimate, searched_to=limit, note=note)
    return Crossover(**fixed, exact=None, deep_value=None, shallow_value=None, shallow_units=None,
                     estimate=estimate, searched_to=limit, note=note)


_x = sp.Symbol("x", positive=True)


def _leading_pair(n0_value, deep, shallow, by, width, depth, outputs):
    """Leading terms of the deep bound and of the shallow maximum in the searched variable ``x``."""
    x = _x
    if depth is None:
        dg = growth_in_depth(deep, n0_value, width)
        if dg is None:
            return None, None
        deep_lead = dg.closed_form.subs(L, x)            # exact in the depth
        params = deep_parameter_count(outputs).subs({n0: n0_value, n: width, L: x})
        units = x * width if by == "units" else params / (n0_value + 1 + outputs)
    else:
        deep_lead = growth_in_width(deep, n0_value, depth).leading.subs(n, x)
        params = leading_term(deep_parameter_count(outputs).subs({n0: n0_value, L: depth}), n).subs(n, x)
        units = depth * x if by == "units" else params / (n0_value + 1 + outputs)
    return deep_lead, leading_term(shallow_expr(n0_value, units=units, bound_id=shallow), x)


@dataclass(frozen=True)
class LeadingRatio(Keyed):
    """Deep over shallow leading terms in ``variable`` ("L" or "n"), and the ratio's limit
    (``ratio`` and ``limit`` None, with a ``note``, when the deep bound is not geometric)."""

    variable: str
    ratio: Optional[sp.Expr]
    limit: Optional[sp.Expr]
    note: str = ""


def deep_shallow_ratio(n0_value: int, *, width: Optional[int] = None, depth: Optional[int] = None,
                       by: str = "units", deep: str = THM4, shallow: str = ZASLAVSKY, outputs: int = 0) -> LeadingRatio:
    """The ratio of the leading terms, deep over shallow, in the depth ``L`` (``width`` fixed)
    or in the width ``n`` (``depth`` fixed), and its limit.

    >>> r = deep_shallow_ratio(2, depth=3)
    >>> r["ratio"], r["limit"]
    (n**4/144, oo)
    """
    if by not in BY:
        raise RegionmathError(f"by must be one of {', '.join(BY)}, got {by!r}")
    if width is None and depth is None:
        width = folding_width(n0_value, deep)
    var = L if depth is None else n
    d, s_ = _leading_pair(n0_value, deep, shallow, by, width, depth, outputs)
    if d is None:
        return LeadingRatio(variable=str(var), ratio=None, limit=None,
                            note=f"{deep} is not geometric in the depth at width {width}")
    ratio = sp.simplify((d / s_).subs(_x, var))
    return LeadingRatio(variable=str(var), ratio=ratio, limit=limit_at_infinity(ratio, var), note="")


def _crossover_estimate(n0_value, deep, shallow, by, width, depth, outputs):
    """``(x, note)``: the largest real ``x >= 1`` where the leading terms of deep and shallow
    are equal (``1.0`` when deep leads from the start; None when they never cross)."""
    deep_lead, s_lead = _leading_pair(n0_value, deep, shallow, by, width, depth, outputs)
    if deep_lead is None:
        return None, f"{deep} is not geometric in the depth at width {width}"
    f_sym = sp.simplify(sp.expand_log(sp.log(deep_lead) - sp.log(s_lead), force=True))
    if not f_sym.has(_x):
        return None, (f"the leading terms are proportional (deep/shallow -> {sp.nsimplify(sp.exp(f_sym))}): "
                      "no crossing at leading order")
    f = sp.lambdify(_x, f_sym, "mpmath")
    est = _largest_crossing(lambda v: f(mpmath.mpf(v)), 1.0, 1e6)
    if est is None:
        return None, "the leading terms do not cross below 10^6"
    return est, ("deep leads at leading order from the start" if est == 1.0 else "")


def crossover_table(n0s=range(1, 9), *, deep=(THM4, SERRA_LOWER), by=BY, depth: int = 2,
                    outputs: int = 0, limit: int = 2000) -> list:
    """Rows for the tables: for each ``n0``, deep bound and comparison (same units or same
    parameters), the first depth at the bound's :func:`folding_width` and the first width at
    depth ``depth`` where the deep lower bound exceeds the shallow maximum, each next to its
    leading-term estimate (None where the leading terms do not cross).

    Each row is a dict of ints, floats rounded to 3 places, strings and None (deterministic).
    """
    rows = []
    for n0_value in n0s:
        for deep_id in deep:
            width = folding_width(n0_value, deep_id)
            for how in by:
                row = {"n0": n0_value, "deep": deep_id, "by": how, "width": width, "depth": depth}
                for key, kw in (("depth_at_width", {"width": width}), ("width_at_depth", {"depth": depth})):
                    c = crossover(n0_value, by=how, deep=deep_id, outputs=outputs, limit=limit, **kw)
                    row[key] = c.exact
                    row[key + "_estimate"] = None if c.estimate is None else round(c.estimate, 3)
                rows.append(row)
    return rows




def compare(n0_value: int, *, by: str = "units", width: Optional[int] = None, depth: Optional[int] = None,
            deep: str = THM4, shallow: str = ZASLAVSKY, outputs: int = 0, limit: int = 2000) -> dict:
    """Crossover and leading-term ratio of a deep lower bound against the shallow maximum
    (what ``regionmath compare`` prints). Exact integers and expressions are strings."""
    if width is not None and depth is not None:
        raise RegionmathError("give either --width (the depth is searched) or --depth (the width is searched), not both")
    c = crossover(n0_value, width=width, depth=depth, by=by, deep=deep, shallow=shallow, outputs=outputs,
                  limit=limit)
    r = deep_shallow_ratio(n0_value, width=c.width, depth=c.depth, by=by, deep=deep, shallow=shallow,
                           outputs=outputs)
    return {"n0": n0_value, "by": by, "deep": deep, "shallow": shallow, "crossover": c.as_dict(),
            "summary": str(c), "variable": r["variable"],
            "ratio": None if r["ratio"] is None else sp.sstr(r["ratio"]),
            "ratio_limit": None if r["limit"] is None else sp.sstr(r["limit"])}
