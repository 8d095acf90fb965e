r"""Asymptotics of the region bounds: leading terms, limits, deep versus shallow.

Every bound here is read from the registry (:func:`regionmath.bounds.get`): its sympy
expression ``expr(arch)`` is specialised to a uniform deep network (``L`` layers of width
``n``) or to a shallow one (one layer of ``L n`` units), and sympy derives the rest. Nothing
in this module restates a bound's formula.

How a leading term is found and proved
--------------------------------------
The bounds contain ``floor(n/n0)`` (and ``n mod n0``). The *leading term* is derived by
replacing each floor by its argument and keeping the dominant summands; it is then *proved*
to be the leading term: with ``q`` the period of the floors, ``n = q t + r`` makes every
residue class ``r`` floor-free, and sympy's ``limit(value/term, t, oo)`` must be the same
number in every class (then, and only then, it is the limit). The tests check the same
limits a second way, with exact rational values at growing ``n``. Expressions with
``Min(n0, n - j)`` (Serra's Theorem 1, Montúfar 2017) are evaluated for ``n >= 2 n0 + 1``,
where every such minimum is settled; that is all a limit in ``n`` needs.

Parameter counts
----------------
A hidden layer of ``n_l`` rank-``k`` units has ``k n_l (n_{l-1} + 1)`` weights and biases
(``k = 1`` for ReLU); a linear output layer of ``m`` units adds ``m (n_L + 1)``.

>>> from regionmath.asymptotics import deep_parameter_count, shallow_parameter_count
>>> from regionmath.bounds import n0, n, L
>>> deep_parameter_count().subs({n0: 2, n: 3, L: 2})            # (2*3 + 3) + (3*3 + 3)
21
>>> shallow_parameter_count(outputs=1).subs({n0: 2, n: 3, L: 2})   # 6*(2 + 1) + (6 + 1)
25

Montúfar et al. (2014), App. C: regions per parameter
-----------------------------------------------------
Theorem 4 divided by the parameter count of ``L`` layers of width ``n`` grows like
``(n/n0)^(n0 (L-1)) n^(n0-2) / ((L-1) n0!)``: the paper's rate with ``n`` where the print
has "gamma", and with the exact constant (the paper's ``/L`` is ``/(L-1)`` up to a factor
that tends to 1 as ``L`` grows; the paper's ``Theta(L n^2)`` parameters are ``(L-1) n^2``
for ``L >= 2`` and ``Theta(n)`` for ``L = 1``).

>>> from regionmath.asymptotics import regions_per_parameter
>>> r = regions_per_parameter(2, 3, "deep")
>>> r.leading                   # (n/2)^4 n^0 / ((3-1) 2!)
n**4/64
>>> r.stated_limit, r.holds     # against the printed rate with n for "gamma": L/((L-1) n0!)
(3/4, True)

Deep versus shallow
-------------------
:func:`crossover` finds, by an exact search over integers, the first depth (or width) at
which a deep lower bound exceeds the shallow maximum ``Phi(m, n0)``, for the same number
of units or of parameters, next to the estimate where the leading terms cross.

>>> from regionmath.asymptotics import crossover
>>> c = crossover(1, width=2)        # two layers of 2 units on the line beat 4 units in one
>>> c.exact, c.deep_value, c.shallow_value
(2, 6, 5)

Serra et al. (2018): structure of Theorem 1
-------------------------------------------
:func:`bottleneck_effect` states exactly when moving a unit from layer 2 to layer 1 helps
(always when ``n1 <= n0``; not in general). :func:`deep_beats_shallow_threshold`: with at
most ``n0 + 1`` units no deep architecture's Theorem-1 bound exceeds the shallow maximum,
so a deep net can beat every shallow one only from ``n0 + 2`` units on:

>>> from regionmath.asymptotics import deep_beats_shallow_threshold
>>> r = deep_beats_shallow_threshold(2)
>>> r.units, r.best_widths, r.best, r.shallow
(4, (3, 1), 14, 11)

References
----------
.. [1] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of
   deep neural networks", NIPS 2014 (arXiv 1402.1869): Thm 4, Cor 5, App. C.
.. [2] R. Pascanu, G. Montúfar, Y. Bengio, "On the number of response regions of deep
   feedforward networks with piecewise linear activations", arXiv 1312.6098 (2013).
.. [3] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions
   of deep neural networks", ICML 2018 (arXiv 1711.02114): Thm 1 and its discussion.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import asdict, dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Optional

import mpmath
import sympy as sp

from . import bounds
from .architecture import Architecture
from .bounds import L, k, n, n0, width_symbols
from .errors import HypothesisError, RegionmathError
from .exact import to_fraction

P = sp.Symbol("P", positive=True)          # a number of parameters
_t = sp.Symbol("t", positive=True, integer=True)   # n = q t + r in a residue class

THM4 = "montufar2014-thm4"
SERRA_LOWER = "serra2018-lower"
SERRA_THM1 = "serra2018-thm1"
ZASLAVSKY = "zaslavsky"
SHAPES = ("deep", "shallow")
BY = ("units", "parameters")


# -- 1. parameter counts ------------------------------------------------------------------------
def parameter_count(arch: Architecture, outputs=0) -> sp.Expr:
    """Weights and biases of ``arch`` as a sympy expression in ``n0, n_1..n_L`` (and ``k``).

    Substituting the numbers of ``arch`` gives ``arch.parameter_count(outputs)``.

    >>> from regionmath import Architecture
    >>> parameter_count(Architecture(2, (3, 4)))
    n0*n_1 + n_1*n_2 + n_1 + n_2
    """
    rank = 1 if arch.activation == "relu" else k
    sizes = (n0,) + width_symbols(arch.L)
    hidden = sum(rank * sizes[l] * (sizes[l - 1] + 1) for l in range(1, len(sizes)))
    return sp.expand(hidden + outputs * (sizes[-1] + 1))


def deep_parameter_count(outputs=0, rank=1) -> sp.Expr:
    """Parameters of ``L`` hidden layers of width ``n`` on ``n0`` inputs (symbolic ``L``)."""
    return sp.expand(rank * n * (n0 + 1) + (L - 1) * rank * n * (n + 1) + outputs * (n + 1))


def shallow_parameter_count(outputs=0, rank=1) -> sp.Expr:
    """Parameters of one hidden layer of ``L n`` units on ``n0`` inputs."""
    return sp.expand(rank * L * n * (n0 + 1) + outputs * (L * n + 1))


# -- bound expressions specialised to uniform networks ------------------------------------------
def _placeholder_arch(n0_value: int, depth: int) -> Architecture:
    # expr() is symbolic in the widths; the numbers only have to make a valid Architecture
    # that meets every entry's hypotheses (6 n0 is even and >= 3 n0)
    return Architecture(n0_value, (6 * n0_value,) * depth)


_m = sp.Symbol("m", positive=True, integer=True)
_CASES = (sp.Min, sp.Max, sp.Heaviside, sp.Piecewise)


@lru_cache(maxsize=512)
def _specialised(bound_id: str, n0_value: int, widths: tuple) -> sp.Expr:
    b = bounds.get(bound_id)
    if b.activation != "relu":
        raise RegionmathError(f"{bound_id} is a {b.activation} bound; the deep/shallow asymptotics here are for relu")
    expr = b.expr(_placeholder_arch(n0_value, len(widths)))
    ws = width_symbols(len(widths))

    def evaluate(values):
        subs = {n0: n0_value, L: len(widths)}
        subs.update(zip(ws, values))
        return sp.expand_func(expr.subs(subs).doit())

    out = evaluate(widths)
    free = set().union(*(sp.sympify(w).free_symbols for w in widths))
    if out.has(*_CASES) and len(free) == 1:
        # Min(n0, n - j) and the like stay unevaluated for a symbolic width: evaluate for
        # width >= 2 n0 + 1 (all that matters as it grows) by writing it as m + 2 n0, m >= 1
        (var,) = free
        shift = 2 * n0_value
        out = evaluate([sp.sympify(w).subs(var, _m + shift) for w in widths]).subs(_m, var - shift)
        if out.has(*_CASES):
            raise RegionmathError(f"{bound_id}: could not evaluate its expression for a symbolic width")
    return out


def deep_expr(bound_id: str, n0_value: int, depth: int, width=n) -> sp.Expr:
    """The bound ``bound_id`` for ``depth`` layers of width ``width`` (default the symbol ``n``).

    >>> deep_expr("montufar2014-prop3", 2, 3)
    2**(3*n)
    """
    return _specialised(bound_id, int(n0_value), (sp.sympify(width),) * int(depth))


def shallow_expr(n0_value: int, units=None, bound_id: str = ZASLAVSKY) -> sp.Expr:
    """The bound ``bound_id`` for one hidden layer of ``units`` units (default ``L n``)."""
    return _specialised(bound_id, int(n0_value), (sp.sympify(L * n if units is None else units),))


def deep_value(bound_id: str, n0_value: int, depth: int, width: int) -> int:
    """Exact registry value for ``depth`` layers of width ``width`` (raises if it does not apply)."""
    return bounds.get(bound_id).value(Architecture(n0_value, (width,) * depth))


def shallow_value(n0_value: int, units: int, bound_id: str = ZASLAVSKY) -> int:
    return bounds.get(bound_id).value(Architecture(n0_value, (units,)))


# -- leading terms and limits ------------------------------------------------------------------
def _period(expr: sp.Expr, var: sp.Symbol) -> int:
    """Least common period in ``var`` of the floors, ceilings and Mods in ``expr``."""
    q = 1
    for atom in expr.atoms(sp.floor, sp.ceiling, sp.Mod):
        if isinstance(atom, sp.Mod):
            arg, mod = atom.args
            coeff = sp.Rational(sp.Poly(arg, var).coeff_monomial(var))
            if not mod.is_Integer:
                raise RegionmathError(f"cannot take the period of {atom}: modulus is not a number")
            q = math.lcm(q, int(mod) // math.gcd(int(mod), int(coeff.p)) * int(coeff.q))
        else:
            coeff = sp.Rational(sp.Poly(atom.args[0], var).coeff_monomial(var))
            q = math.lcm(q, int(coeff.q))
    return q


def residue_forms(expr: sp.Expr, var: sp.Symbol) -> list:
    """``[(r, expr at var = q t + r)]`` for the floors' period ``q``: each form is floor-free."""
    q = _period(expr, var)
    out = []
    for r in range(q):
        form = expr.subs(var, q * _t + r)     # floor(t + r/q) and Mod evaluate on substitution
        if form.has(sp.floor, sp.ceiling, sp.Mod):
            raise RegionmathError(f"could not remove the floors of {expr} in the class {var} = {q}t+{r}")
        out.append((r, form))
    return out


def _drop_floors(expr: sp.Expr) -> sp.Expr:
    # floor(x) = x + O(1) and Mod(.) = O(1): enough to *guess* the leading term, which is
    # then proved class by class in ratio_limit()
    expr = expr.replace(lambda e: isinstance(e, (sp.floor, sp.ceiling)), lambda e: e.args[0])
    return expr.replace(lambda e: isinstance(e, sp.Mod), lambda e: sp.Integer(0))


def _dominant_sum(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    expr = sp.expand(expr)
    if expr.is_polynomial(var):
        poly = sp.Poly(expr, var)
        return sp.factor(poly.LC()) * var ** poly.degree()
    terms = sp.Add.make_args(expr)
    keep = [a for a in terms
            if all(sp.limit(b / a, var, sp.oo).is_finite for b in terms if b is not a)]
    return sp.factor(sp.Add(*keep))


def leading_term(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The dominant part of ``expr`` as ``var -> oo`` (floors replaced by their arguments).

    >>> leading_term(sp.floor(n / 2) ** 2 * (n**2 + 3 * n + 2) / 2, n)
    n**4/8
    """
    num, den = sp.fraction(sp.together(_drop_floors(sp.sympify(expr))))
    return sp.simplify(_dominant_sum(num, var) / _dominant_sum(den, var))


def _lc_degree(expr: sp.Expr, var: sp.Symbol):
    """``(leading coefficient, degree)`` of a rational function of ``var`` without expanding
    products of powers; None when ``expr`` is not a rational function of ``var``."""
    if not expr.has(var):
        return expr, 0
    if expr == var:
        return sp.Integer(1), 1
    if expr.is_Pow and expr.exp.is_Integer:
        inner = _lc_degree(expr.base, var)
        return None if inner is None else (inner[0] ** expr.exp, inner[1] * int(expr.exp))
    if expr.is_Mul:
        lc, deg = sp.Integer(1), 0
        for factor in expr.args:
            part = _lc_degree(factor, var)
            if part is None:
                return None
            lc, deg = lc * part[0], deg + part[1]
        return lc, deg
    if expr.is_Add:
        parts = [_lc_degree(term, var) for term in expr.args]
        if any(p is None for p in parts):
            return None
        top = max(d for _, d in parts)
        lc = sp.simplify(sum(c for c, d in parts if d == top))
        if lc != 0:
            return lc, top
        if expr.is_polynomial(var):          # the top terms cancel: expand to see what is left
            poly = sp.Poly(expr, var)
            return poly.LC(), poly.degree()
    return None


def limit_at_infinity(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """``lim expr`` as ``var -> oo``: by leading coefficients for a rational function, else
    sympy's limit."""
    part = _lc_degree(sp.sympify(expr), var)
    if part is not None:
        lc, deg = part
        if deg < 0:
            return sp.Integer(0)
        if deg == 0:
            return sp.simplify(lc)
        return sp.oo * sp.sign(lc)
    return sp.simplify(sp.limit(expr, var, sp.oo))


def ratio_limit(expr: sp.Expr, term: sp.Expr, var: sp.Symbol) -> Optional[sp.Expr]:
    """``lim expr/term`` as ``var -> oo`` (an integer variable), exactly; None if it does not exist.

    The limit is taken separately in every residue class modulo the period of the floors
    of ``expr`` and ``term``; it exists when all classes agree.

    >>> ratio_limit(sp.floor(n / 3) ** 2, n**2, n)
    1/9
    >>> ratio_limit(sp.Mod(n, 2) + 1, sp.Integer(1), n) is None      # 1 for n even, 2 for n odd
    True
    """
    ratio = sp.sympify(expr) / sp.sympify(term)
    values = set()
    for _, form in residue_forms(ratio, var):
        values.add(limit_at_infinity(form, _t))
    if len(values) != 1:
        return None
    return values.pop()


def exact_ratios(values, term: sp.Expr, var: sp.Symbol, points) -> list:
    """``[(x, Fraction(value(x)) / term(x))]``: the second check of a limit, in exact arithmetic."""
    out = []
    for x in points:
        t_x = sp.nsimplify(term.subs(var, x))
        if not t_x.is_Rational:
            raise RegionmathError(f"term {term} is not rational at {var} = {x}")
        out.append((x, Fraction(int(values(x))) / to_fraction(t_x)))
    return out


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


def growth_in_parameters(bound_id: str, n0_value: int, *, depth=None, width=None, outputs=0) -> dict:
    """Growth of a deep bound in the number of parameters ``P``.

    With ``depth`` fixed (width ``n -> oo``): ``P ~ (L-1) n^2`` (``L >= 2``), so the bound is
    a polynomial in ``P``; returned ``{"kind": "polynomial", "degree", "leading"}``.
    With ``width`` fixed (``L -> oo``): ``P`` is linear in ``L`` and the bound grows
    exponentially; returned ``{"kind": "exponential", "base_per_parameter"}``.
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
        return {"kind": "polynomial", "degree": sp.limit(sp.log(in_p) / sp.log(P), P, sp.oo), "leading": in_p}
    dg = growth_in_depth(bound_id, n0_value, width)
    if dg is None:
        raise RegionmathError(f"{bound_id} is not geometric in the depth at width {width}")
    return {"kind": "exponential", "base_per_parameter": dg.base_per_parameter(outputs), "per_layer": dg.base}


def growth_summary(bound_id: str, n0_value: int, *, depth: int = 3, width: Optional[int] = None) -> dict:
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
    return {"bound": bound_id, "n0": n0_value, "depth": depth, "width": width,
            "width_leading": in_n.leading, "width_degree": sp.degree(in_n.leading, n),
            "depth_base": None if in_l is None else in_l.base,
            "parameters_degree": in_p["degree"],
            "parameters_base": None if in_l is None else in_l.base_per_parameter()}


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


def folding_width(n0_value: int, deep: str = THM4, limit: int = 1000) -> int:
    """The narrowest width at which ``deep`` applies and grows with the depth (Thm 4: ``2 n0``;
    Serra's lower bound: ``3 n0``): the natural width for a depth crossover."""
    b = bounds.get(deep)
    for w in range(1, limit + 1):
        two, three = Architecture(n0_value, (w, w)), Architecture(n0_value, (w, w, w))
        if b.applies(two) and b.applies(three) and b.value(three) > b.value(two):
            return w
    raise RegionmathError(f"{deep} does not grow with the depth at any width up to {limit} for n0 = {n0_value}")


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
    if variable == "L":
        dg = growth_in_depth(deep, n0_value, width)
        if dg is not None and dg.base <= 1:
            # the deep bound is constant in the depth, the shallow maximum grows: no crossover
            return Crossover(n0_value, deep, shallow, by, variable, width, depth, None, None, None, None,
                             estimate, limit, note=f"{deep} does not grow with the depth at width {width}")
    start = last = time.monotonic()
    for x in candidates:
        now = time.monotonic()
        if time_limit is not None and now - start > time_limit:
            return Crossover(n0_value, deep, shallow, by, variable, width, depth, None, None, None, None, estimate,
                             x - 1, note=f"time limit {time_limit} s reached", complete=False)
        if progress is not None and now - last >= 1.0:
            last = now
            progress({"variable": variable, "at": x, "seconds": now - start})
        d, w = arch_of(x)
        dv = deep_b.value(Architecture(n0_value, (w,) * d))
        units, sv = shallow_at(d, w)
        if dv > sv:
            return Crossover(n0_value, deep, shallow, by, variable, width, depth, x, dv, sv, units, estimate, limit,
                             note=note)
    return Crossover(n0_value, deep, shallow, by, variable, width, depth, None, None, None, None, estimate, limit,
                     note=note)


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


def deep_shallow_ratio(n0_value: int, *, width: Optional[int] = None, depth: Optional[int] = None,
                       by: str = "units", deep: str = THM4, shallow: str = ZASLAVSKY, outputs: int = 0) -> dict:
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
        return {"variable": str(var), "ratio": None, "limit": None,
                "note": f"{deep} is not geometric in the depth at width {width}"}
    ratio = sp.simplify((d / s_).subs(_x, var))
    return {"variable": str(var), "ratio": ratio, "limit": limit_at_infinity(ratio, var), "note": ""}


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


# -- 4. Serra et al. 2018: structure of Theorem 1 ------------------------------------------------------
def bottleneck_effect(n0_value: int, n1: int, n2: int, bound_id: str = SERRA_THM1) -> int:
    """Sign of ``bound(n1 + 1, n2 - 1) - bound(n1, n2)``: moving one unit from layer 2 to layer 1.

    What holds for Serra et al.'s Theorem 1 (computed for every ``n0 <= 8`` and every split
    of ``N <= 34`` units; the tests recheck it against a brute-force sum over ``J``):

    * ``n1 <= n0`` (the first layer no wider than the input): the move strictly raises the
      bound, whatever ``n2``. This is "for large n0 it strictly helps".
    * ``n1 < n2``: the move never lowers the bound; it leaves it unchanged exactly when
      ``n2 = n1 + 1`` and ``n1 >= 2 n0``.
    * ``n1 >= 2 n0``: the bound is ``Phi(n1, n0) Phi(n2, n0)`` before and after, and since
      ``Phi(m+1, d)/Phi(m, d)`` decreases in ``m``, the sign is that of ``n2 - 1 - n1``: the
      move helps iff ``n1 < n2 - 1`` and hurts iff ``n1 >= n2`` (``n0 = 1``: (2, 2) gives 9,
      (3, 1) gives 8).
    * ``n0 < n1 < 2 n0`` and ``n1 >= n2``: both signs occur (``n0 = 3``: (4, 3) helps,
      (4, 2) hurts).

    So "moving a unit from layer 2 to layer 1 can only help" holds while the first layer is
    the narrower one or no wider than the input; it is false in general.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, ICML 2018, Theorem 1 and its discussion.
    """
    if n2 < 2:
        raise RegionmathError(f"layer 2 needs at least 2 units to give one away, got n2={n2}")
    b = bounds.get(bound_id)
    before = b.value(Architecture(n0_value, (n1, n2)))
    after = b.value(Architecture(n0_value, (n1 + 1, n2 - 1)))
    return (after > before) - (after < before)


def bottleneck_survey(n0_value: int, max_units: int, bound_id: str = SERRA_THM1) -> dict:
    """Every split ``(n1, n2)`` of ``3 <= N <= max_units`` units, grouped by the effect of the move.

    Returns ``{"helps": [...], "neutral": [...], "hurts": [...]}`` lists of ``(n1, n2)``.
    """
    out = {"helps": [], "neutral": [], "hurts": []}
    for total in range(3, max_units + 1):
        for n1 in range(1, total - 1):
            sign = bottleneck_effect(n0_value, n1, total - n1, bound_id)
            out[{1: "helps", 0: "neutral", -1: "hurts"}[sign]].append((n1, total - n1))
    return out


def compositions(total: int, max_depth: Optional[int] = None):
    """All width tuples of ``depth >= 2`` layers summing to ``total`` (at most ``max_depth`` layers)."""
    top = total if max_depth is None else min(total, max_depth)
    for depth in range(2, top + 1):
        for cuts in itertools.combinations(range(1, total), depth - 1):
            edges = (0,) + cuts + (total,)
            yield tuple(edges[i + 1] - edges[i] for i in range(depth))


@dataclass(frozen=True)
class DeepVsShallow:
    """The best deep architecture with ``units`` hidden units against the shallow maximum."""

    n0: int
    units: int
    shallow: int                    # Phi(units, n0), the exact shallow maximum
    best_widths: tuple
    best: int                       # the best deep value of ``bound``
    bound: str

    @property
    def deep_can_win(self) -> bool:
        return self.best > self.shallow


def deep_vs_shallow(n0_value: int, units: int, bound_id: str = SERRA_THM1, max_depth: Optional[int] = None,
                    shallow: str = ZASLAVSKY) -> DeepVsShallow:
    """The deep architecture (``>= 2`` layers, ``units`` in all) with the largest ``bound_id``.

    With an upper bound (Serra Thm 1) ``deep_can_win`` False proves that no deep network with
    that many units has more regions than the best shallow one; with a lower bound
    (Montúfar Thm 4, Serra's lower bound) True proves that one has. Architectures where a
    lower bound's hypotheses fail are skipped.

    References
    ----------
    Serra et al., ICML 2018, Theorem 1 and the deep-vs-shallow discussion after it.
    """
    b = bounds.get(bound_id)
    best, best_w = -1, None
    for widths in compositions(units, max_depth):
        arch = Architecture(n0_value, widths)
        if not b.applies(arch):
            continue
        v = b.value(arch)
        if v > best:
            best, best_w = v, widths
    return DeepVsShallow(n0_value, units, shallow_value(n0_value, units, shallow), best_w, best, bound_id)


def deep_beats_shallow_threshold(n0_value: int, bound_id: str = SERRA_THM1, max_units: int = 60,
                                 max_depth: Optional[int] = None) -> Optional[DeepVsShallow]:
    """The smallest number of units at which some deep architecture's ``bound_id`` exceeds
    the shallow maximum (None if none up to ``max_units``).

    For Thm 1 (an upper bound) this is where a deep net *may* first win; for a lower bound
    it is where one provably wins. Computed: for Thm 1 it is ``n0 + 2`` (the widths
    ``(n0 + 1, 1)``: ``2^(n0+2) - 2 > Phi(n0 + 2, n0) = 2^(n0+2) - n0 - 3``); with ``n0 + 1``
    units or fewer no deep architecture's bound exceeds ``Phi(N, n0)``. So "a deep net beats
    every shallow net with the same number of units only if that number exceeds n0" holds,
    and in the sharper form "only if it is at least n0 + 2".
    """
    for total in range(2, max_units + 1):
        # every composition while they are few; up to three layers beyond (they suffice here)
        depth_cap = max_depth if max_depth is not None else (None if total <= 12 else 3)
        r = deep_vs_shallow(n0_value, total, bound_id, depth_cap)
        if r.best_widths is not None and r.deep_can_win:
            return r
    return None


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
