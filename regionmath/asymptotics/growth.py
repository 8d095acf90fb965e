"""Growth of the bounds in the width, the depth and the number of parameters; App. C rates."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import sympy as sp

from .. import bounds
from ..architecture import Architecture
from ..bounds import L, k, n, n0, width_symbols  # noqa: F401  (docstring examples use them)
from ..errors import RegionmathError
from .expressions import Keyed, P, SHAPES, THM4, ZASLAVSKY, deep_expr, deep_parameter_count, shallow_expr, shallow_parameter_count
from .limits import leading_term, ratio_limit



# -- asymptotic statements -------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """How one quantity grows as ``variable -> oo`` with the ``fixed`` values held.

    ``leading`` is derived from ``expr`` and ``limit = lim expr/leading`` (1 when derived);
    ``stated`` is a published term with its ``order``; ``stated_limit = lim expr/stated``
    decides whether the published statement holds (``holds``) and whether it is tight.
    """

    quantity: str
    variable: sp.Symbol
    fixed: dict
    expr: sp.Expr
    leading: sp.Expr
    limit: Optional[sp.Expr]
    stated: Optional[sp.Expr] = None
    order: Optional[str] = None
    stated_limit: Optional[sp.Expr] = None

    @property
    def holds(self) -> Optional[bool]:
        """Whether the published order statement is true (None when nothing is stated)."""
        if self.stated is None or self.stated_limit is None:
            return None
        c = self.stated_limit
        if self.order == "O":
            return bool(c.is_finite)
        if self.order == "Omega":
            return bool(c.is_positive)
        return bool(c.is_finite and c.is_positive)

    @property
    def tight(self) -> Optional[bool]:
        """True when the stated term is of the exact order (a finite positive limit)."""
        if self.stated_limit is None:
            return None
        return bool(self.stated_limit.is_finite and self.stated_limit.is_positive)

    def __str__(self):
        fixed = ", ".join(f"{s}={v}" for s, v in self.fixed.items())
        s = f"{self.quantity} ~ {sp.sstr(self.leading)} as {self.variable} -> oo ({fixed})"
        if self.stated is not None:
            s += (f"; stated {self.order}({sp.sstr(self.stated)}): value/stated -> {self.stated_limit}"
                  f" ({'holds' if self.holds else 'FAILS'}{', tight' if self.tight else ''})")
        return s


def asymptotic_rate(quantity: str, expr: sp.Expr, variable: sp.Symbol, fixed: dict,
                    stated: Optional[sp.Expr] = None, order: Optional[str] = None) -> Rate:
    """Derive the leading term of ``expr``, prove ``expr/leading -> 1`` and compare to ``stated``."""
    lead = leading_term(expr, variable)
    lim = ratio_limit(expr, lead, variable)
    if lim is None or lim != 1:
        raise RegionmathError(f"{quantity}: derived leading term {lead} is wrong (limit of the ratio: {lim})")
    st_lim = None
    if stated is not None:
        stated = sp.sympify(stated).subs({s: v for s, v in fixed.items() if isinstance(s, sp.Symbol)})
        st_lim = ratio_limit(expr, stated, variable)
    return Rate(quantity, variable, dict(fixed), expr, lead, lim, stated, order, st_lim)


def _registry_term(bound_id: str, var, n0_value, other: dict):
    try:
        form = bounds.get(bound_id).asymptotic(var)
    except RegionmathError:
        return None, None
    return form.term.subs({n0: n0_value, **other}), form.order


@lru_cache(maxsize=256)
def growth_in_width(bound_id: str, n0_value: int, depth: int) -> Rate:
    """Growth of ``bound_id`` for ``depth`` layers of width ``n -> oo`` (Cor. 5 for Thm 4).

    ``stated`` is the registry's asymptotic form of the entry (when it has one).
    """
    term, order = _registry_term(bound_id, n, n0_value, {L: depth})
    return asymptotic_rate(f"{bound_id}, L={depth}", deep_expr(bound_id, n0_value, depth), n,
                           {n0: n0_value, L: depth}, term, order)


def growth_of_shallow(n0_value: int, depth: int, variable=n, width=None, bound_id: str = ZASLAVSKY) -> Rate:
    """Growth of the shallow maximum with ``L n`` units, in ``n`` (``L = depth``) or in ``L`` (``n = width``)."""
    expr = shallow_expr(n0_value, bound_id=bound_id)
    fixed = {n0: n0_value}
    if variable == n:
        expr, fixed[L] = expr.subs(L, depth), depth
    else:
        expr, fixed[n] = expr.subs(n, width), width
    return asymptotic_rate(f"{bound_id} with L*n units", expr, variable, fixed)


@dataclass(frozen=True)
class DepthGrowth:
    """A uniform-width bound as a function of the depth: ``value(L) = first * base^(L - start)``
    for ``L >= start`` (derived from the registry expression, checked for ``start <= L <= 7``)."""

    bound_id: str
    n0: int
    width: object
    start: int
    first: sp.Expr
    base: sp.Expr

    @property
    def closed_form(self) -> sp.Expr:
        return self.first * self.base ** (L - self.start)

    def base_per_parameter(self, outputs=0) -> sp.Expr:
        """The factor the bound gains per added parameter: ``base^(1/(n (n+1)))``."""
        per_layer = sp.diff(deep_parameter_count(outputs), L).subs({n: self.width, n0: self.n0})
        return self.base ** (1 / per_layer)


@lru_cache(maxsize=256)
def growth_in_depth(bound_id: str, n0_value: int, width=n) -> Optional[DepthGrowth]:
    """Find the geometric form of ``bound_id`` in the depth (width fixed); None if it is not geometric.

    The ratio ``value(L+1)/value(L)`` must be the same for every ``start <= L < 7``: of the
    registry's exact values for a numeric width, of its expressions for a symbolic one.
    """
    if isinstance(width, int):
        b = bounds.get(bound_id)
        exprs = []
        for d in range(1, 8):
            arch = Architecture(n0_value, (width,) * d)
            exprs.append(sp.Integer(b.value(arch)) if b.applies(arch) else None)
        if None in exprs[1:]:
            return None
        if exprs[0] is None:                 # e.g. a bound stated for L >= 2 only
            exprs[0] = sp.nan
    else:
        exprs = [deep_expr(bound_id, n0_value, d, width) for d in range(1, 8)]
    ratios = [sp.simplify(exprs[i + 1] / exprs[i]) for i in range(len(exprs) - 1)]
    for start in (1, 2):
        tail = ratios[start - 1:]
        if all(sp.simplify(r - tail[0]) == 0 for r in tail[1:]):
            return DepthGrowth(bound_id, n0_value, width, start, exprs[start - 1], sp.simplify(tail[0]))
    return None


@dataclass(frozen=True)
class ParameterGrowth(Keyed):
    """A deep bound in the number of parameters ``P``: ``kind`` "polynomial" (depth fixed; its
    ``degree`` in ``P`` and ``leading`` term) or "exponential" (width fixed; the growth
    ``base_per_parameter`` and the factor ``per_layer``)."""

    kind: str
    degree: Optional[sp.Expr] = None
    leading: Optional[sp.Expr] = None
    base_per_parameter: Optional[sp.Expr] = None
    per_layer: Optional[sp.Expr] = None


def growth_in_parameters(bound_id: str, n0_value: int, *, depth=None, width=None, outputs=0) -> ParameterGrowth:
    """Growth of a deep bound in the number of parameters ``P``.

    With ``depth`` fixed (width ``n -> oo``): ``P ~ (L-1) n^2`` (``L >= 2``), so the bound is
    a polynomial in ``P``: kind "polynomial" with ``degree`` and ``leading``.
    With ``width`` fixed (``L -> oo``): ``P`` is linear in ``L`` and the bound grows
    exponentially: kind "exponential" with ``base_per_parameter`` and ``per_layer``.
    """
    if (depth is None) == (width is None):
        raise RegionmathError("give exactly one of depth (width grows) or width (depth grows)")
    if depth is not None:
        params = deep_parameter_count(outputs).subs({n0: n0_value, L: depth})
        p_lead = leading_term(params, n)
        n_of_p = sp.solve(sp.Eq(p_lead, P), n)
        n_of_p = [s for s in n_of_p if s.is_positive is not False][0]
        lead = growth_in_width(bound_id, n0_value, depth).leading
        in_p = sp.simplify(lead.subs(n, n_of_p))
        return ParameterGrowth(kind="polynomial", degree=sp.limit(sp.log(in_p) / sp.log(P), P, sp.oo), leading=in_p)
    dg = growth_in_depth(bound_id, n0_value, width)
    if dg is None:
        raise RegionmathError(f"{bound_id} is not geometric in the depth at width {width}")
    return ParameterGrowth(kind="exponential", base_per_parameter=dg.base_per_parameter(outputs), per_layer=dg.base)


@dataclass(frozen=True)
class GrowthSummary(Keyed):
    """A deep bound's growth in the width (``width_leading``, ``width_degree``), the depth
    (``depth_base`` per layer) and the parameters (``parameters_degree``, ``parameters_base``)."""

    bound: str
    n0: int
    depth: int
    width: int
    width_leading: sp.Expr
    width_degree: int
    depth_base: Optional[sp.Expr]
    parameters_degree: sp.Expr
    parameters_base: Optional[sp.Expr]


def growth_summary(bound_id: str, n0_value: int, *, depth: int = 3, width: Optional[int] = None) -> GrowthSummary:
    """A deep bound's growth three ways (Cor. 5, Pascanu 2013): in the width ``n`` at ``depth``,
    in the depth at ``width`` (default its :func:`folding_width`), and in the parameters.

    >>> g = growth_summary("montufar2014-thm4", 2, depth=3, width=4)
    >>> g["width_leading"], g["depth_base"], g["parameters_degree"], g["parameters_base"]
    (n**6/32, 4, 3, 2**(1/10))
    """
    width = folding_width(n0_value, bound_id) if width is None else width
    in_n = growth_in_width(bound_id, n0_value, depth)
    in_l = growth_in_depth(bound_id, n0_value, width)
    in_p = growth_in_parameters(bound_id, n0_value, depth=depth)
    return GrowthSummary(bound=bound_id, n0=n0_value, depth=depth, width=width, width_leading=in_n.leading,
                         width_degree=sp.degree(in_n.leading, n),
                         depth_base=None if in_l is None else in_l.base, parameters_degree=in_p.degree,
                         parameters_base=None if in_l is None else in_l.base_per_parameter())


# The rates App. C states (claims under test, not bounds: the registry has no entry for them),
# with the printed "gamma" read as n.
APPENDIX_C = {"deep": ("Omega", (n / n0) ** (n0 * (L - 1)) * n ** (n0 - 2) / L),
              "shallow": ("O", L ** (n0 - 1) * n ** (n0 - 1))}


def regions_per_parameter(n0_value: int, depth: int, shape: str = "deep", bound_id: Optional[str] = None,
                          outputs: int = 0) -> Rate:
    """Montúfar et al. 2014, App. C: a bound divided by the parameter count, as ``n -> oo``.

    ``shape="deep"``: ``bound_id`` (default Thm 4) for ``depth`` layers of width ``n``;
    ``shape="shallow"``: Zaslavsky's maximum for one layer of ``depth * n`` units. ``stated``
    is the rate of App. C with the printed "gamma" read as ``n`` (see the module docstring).

    References
    ----------
    Montúfar, Pascanu, Cho, Bengio, NIPS 2014, Appendix C.
    """
    if shape not in SHAPES:
        raise RegionmathError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    order, stated = APPENDIX_C[shape]
    if shape == "deep":
        bound_id = bound_id or THM4
        value = deep_expr(bound_id, n0_value, depth)
        params = deep_parameter_count(outputs)
    else:
        bound_id = bound_id or ZASLAVSKY
        value = shallow_expr(n0_value, bound_id=bound_id).subs(L, depth)
        params = shallow_parameter_count(outputs)
    fixed = {n0: n0_value, L: depth}
    params = params.subs(fixed)
    return asymptotic_rate(f"{bound_id} per parameter ({shape})", value / params, n, fixed,
                           stated.subs(fixed), order)


def folding_width(n0_value: int, deep: str = THM4, limit: int = 1000) -> int:
    """The narrowest width at which ``deep`` applies and grows with the depth (Thm 4: ``2 n0``;
    Serra's lower bound: ``3 n0``): the natural width for a depth crossover."""
    b = bounds.get(deep)
    for w in range(1, limit + 1):
        two, three = Architecture(n0_value, (w, w)), Architecture(n0_value, (w, w, w))
        if b.applies(two) and b.applies(three) and b.value(three) > b.value(two):
            return w
    raise RegionmathError(f"{deep} does not grow with the depth at any width up to {limit} for n0 = {n0_value}")
