"""Leading terms and limits, proved in every residue class of the floors."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Optional

import sympy as sp

from ..bounds import L, k, n, n0, width_symbols  # noqa: F401  (docstring examples use them)
from ..errors import RegionmathError
from ..exact import to_fraction
from .expressions import _t



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
