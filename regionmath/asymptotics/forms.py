"""The registry's asymptotic forms, checked exactly with sympy limits."""

from __future__ import annotations

from typing import Optional

import sympy as sp

from .. import bounds
from ..architecture import Architecture
from ..bounds import L, k, n, n0, width_symbols  # noqa: F401  (docstring examples use them)
from ..errors import HypothesisError, RegionmathError
from .expressions import THM4, deep_expr
from .limits import limit_at_infinity
from .growth import Rate, asymptotic_rate, growth_in_depth



# -- 5. the registry's asymptotic forms ----------------------------------------------------------------
# asymptotic-only entries (no value) and the entry whose values they summarise
SUMMARISES = {"montufar2014-cor5": THM4}


def asymptotic_coverage(activation: Optional[str] = None) -> dict:
    """``{bound id: [variables with an asymptotic form]}`` for every registry entry."""
    out = {}
    for b in bounds.all_bounds(activation):
        have = []
        for var in ("n", "L"):
            try:
                b.asymptotic(var)
                have.append(var)
            except RegionmathError:
                pass
        out[b.id] = have
    return out


def check_asymptotic_form(bound_id: str, var: str, n0_value: int, *, depth: Optional[int] = None,
                          width: Optional[int] = None) -> Rate:
    """Check the registry's asymptotic form of ``bound_id`` exactly, with sympy limits.

    ``var="n"``: ``depth`` layers of width ``n -> oo`` (``depth`` defaults to 1 for entries
    that only apply to one layer, else 3). ``var="L"``: width ``width`` (default ``3 n0``),
    depth ``L -> oo``. An asymptotic-only entry is checked on the values of the entry it
    summarises (:data:`SUMMARISES`). The returned :class:`Rate` has ``stated`` the form's
    term, ``stated_limit`` the exact limit of value/term and ``holds`` the verdict; when the
    form claims a ``constant``, ``stated_limit`` must equal it.
    """
    b = bounds.get(bound_id)
    form = b.asymptotic(var)
    source = bound_id if b.has_value else SUMMARISES.get(bound_id)
    if source is None:
        raise RegionmathError(f"{bound_id} is asymptotic only and summarises no registry entry with values")
    if var == "n":
        if depth is None:
            depth = next((d for d in (3, 2, 1)
                          if bounds.get(source).applies(Architecture(n0_value, (6 * n0_value,) * d))), None)
            if depth is None:
                raise HypothesisError(source, bounds.get(source).hypotheses(Architecture(n0_value, (6 * n0_value,))))
        expr = deep_expr(source, n0_value, depth)
        fixed = {n0: n0_value, L: depth}
        rate = asymptotic_rate(f"{bound_id} (L={depth})", expr, n, fixed, form.term.subs(fixed), form.order)
    else:
        width = 3 * n0_value if width is None else width
        dg = growth_in_depth(source, n0_value, width)
        if dg is None:
            raise RegionmathError(f"{source} is not geometric in the depth at width {width}")
        fixed = {n0: n0_value, n: width}
        term = form.term.subs(fixed)
        lim = limit_at_infinity(dg.closed_form / term, L)
        rate = Rate(f"{bound_id} (n={width})", L, fixed, dg.closed_form, dg.closed_form, sp.Integer(1),
                    term, form.order, lim)
    if form.constant is not None and rate.stated_limit != sp.sympify(form.constant).subs(rate.fixed):
        raise RegionmathError(f"{bound_id}: value/term -> {rate.stated_limit}, the registry claims {form.constant}")
    return rate
