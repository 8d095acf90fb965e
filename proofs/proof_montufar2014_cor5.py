"""Montúfar et al. 2014, Corollary 5 (and the shallow comparison of Sec. 3.2); Raghu et al. 2017.

Statement (Sec. 3.2, Corollary 5 and the text around it)
--------------------------------------------------------
    "Assuming that n_0 = O(1) and n_i = n for all i >= 1, the number of regions of a single
    layer model with Ln hidden units behaves as O(L^{n_0} n^{n_0}) [...] Corollary 5. A
    rectifier neural network with n_0 input units and L hidden layers of width n >= n_0 can
    compute functions that have Omega((n/n_0)^{(L-1)n_0} n^{n_0}) linear regions. Thus we see
    that the number of linear regions of deep models grows exponentially in L and
    polynomially in n [...] a significant improvement over the bound Omega((n/n_0)^{L-1}
    n^{n_0}) obtained by Pascanu et al. (2013)."

Raghu et al. 2017, Thm 1 (REFERENCES.md): ``O(n^{L n_0})`` activation patterns for ``L`` layers of
width ``n``.

Registry entries: ``montufar2014-cor5`` (asymptotic only), ``montufar2014-thm4``,
``pascanu2013``, ``zaslavsky``, ``raghu2017`` (asymptotic only), ``montufar2017``.

Verdict
-------
* Cor. 5 as ``n -> oo`` with ``n_0`` and ``L`` fixed: **proved** with sympy -- Thm 4 divided by
  the registry's term tends to ``1/n_0!`` in every residue class of ``n`` mod ``n_0`` (so the
  limit exists and is positive). The shallow ``O(L^{n_0} n^{n_0})`` likewise (ratio -> ``1/n_0!``).
* "Exponentially in L": **incomplete as printed**. The constant hidden in the Omega depends on
  ``L``: Thm 4 / term is ``(n_0 floor(n/n_0)/n)^{n_0(L-1)} Phi(n, n_0)/n^{n_0}``, which decays
  geometrically in ``L`` unless ``n_0 | n``; and Thm 4 grows with ``L`` only when
  ``n >= 2 n_0``: for ``n_0 <= n < 2 n_0`` it is ``Phi(n, n_0)`` at every depth. Smallest
  counterexample to reading Cor. 5 in ``L`` with ``n`` fixed (``n_0 < n < 2 n_0`` first happens
  at ``n_0 = 2``): ``n = 3``, Thm 4 is 7 at every depth while ``(3/2)^{2(L-1)} 3^2`` grows without
  bound. The registry states Cor. 5 only as ``n -> oo`` (``fixed=(n0, L)``); growth in depth is
  checked here: geometric with base ``floor(n/n_0)^{n_0}``, which is ``>= 2^{n_0}`` iff
  ``n >= 2 n_0``.
* Improvement over Pascanu 2013: **proved** -- Thm 4 / Pascanu = ``floor(n/n_0)^{(n_0-1)(L-1)}``,
  unbounded in ``n`` when ``n_0 >= 2`` and ``L >= 2``; equal when ``n_0 = 1``.
* Deep beats shallow with the same units (``L`` fixed >= 2, ``n -> oo``): **proved**, the ratio
  grows like ``n^{n_0(L-1)}``.
* Raghu 2017: **proved** as a consequence of Montúfar 2017's bound, whose ratio to
  ``n^{L n_0}`` tends to ``(1/n_0!)^L``.

Argument
--------
With ``n = n_0 t + r``, ``floor(n/n_0) = t`` and Thm 4 is ``t^{n_0(L-1)} Phi(n, n_0)``, a polynomial
in ``t``; ``Phi(n, n_0) = n^{n_0}/n_0! + O(n^{n_0-1})`` and ``t / (n/n_0) -> 1``. Everything below
is a limit of a ratio of polynomials, computed by sympy.
"""

import math

import sympy as sp

from _proofkit import phi_literal, registry_entry
from regionmath import Architecture
from regionmath.bounds import L as L_sym, n as n_sym, n0 as n0_sym

t = sp.Symbol("t", positive=True)


def phi_poly(m_expr, d):
    return sum(sp.expand_func(sp.binomial(m_expr, j)) for j in range(d + 1))


CASES = [(1, 1), (1, 3), (2, 2), (2, 3), (3, 2), (4, 2)]


def test_cor5_limit_in_width_every_residue():
    cor5 = registry_entry("montufar2014-cor5")
    form = cor5.asymptotic("n")
    assert form.order == "Omega" and form.variable == n_sym
    for n0v, Lv in CASES:
        term = form.term.subs({n0_sym: n0v, L_sym: Lv})
        for r in range(n0v):
            nv = n0v * t + r
            thm4 = t ** (n0v * (Lv - 1)) * phi_poly(nv, n0v)        # floor(n/n0) = t on this class
            assert sp.limit(thm4 / term.subs(n_sym, nv), t, sp.oo) == sp.Rational(1, math.factorial(n0v))


def test_cor5_exact_values_approach_the_limit():
    thm4, cor5 = registry_entry("montufar2014-thm4"), registry_entry("montufar2014-cor5")
    for n0v, Lv in CASES:
        term = cor5.asymptotic("n").term.subs({n0_sym: n0v, L_sym: Lv})
        ratios = [sp.Rational(thm4.value(Architecture(n0v, (nv,) * Lv))) / term.subs(n_sym, nv)
                  for nv in (10 ** 3, 10 ** 5, 10 ** 7)]
        target = sp.Rational(1, math.factorial(n0v))
        errs = [abs(q - target) for q in ratios]
        assert errs[0] >= errs[1] >= errs[2] and errs[2] < target / 100


def test_shallow_with_Ln_units():
    shallow = registry_entry("zaslavsky")
    m = sp.Symbol("m", positive=True)
    for n0v, Lv in CASES:
        expr = phi_poly(Lv * m, n0v) / (Lv ** n0v * m ** n0v)
        assert sp.limit(expr, m, sp.oo) == sp.Rational(1, math.factorial(n0v))
        assert shallow.value(Architecture(n0v, (Lv * 50,))) == phi_literal(Lv * 50, n0v)


def test_deep_over_shallow_grows_like_n_to_the_n0_L_minus_1():
    for n0v, Lv in [(1, 2), (2, 2), (2, 3), (3, 2)]:
        deep = t ** (n0v * (Lv - 1)) * phi_poly(n0v * t, n0v)      # Thm 4 at n = n0 t
        shallow = phi_poly(Lv * n0v * t, n0v)
        lim = sp.limit(deep / shallow / t ** (n0v * (Lv - 1)), t, sp.oo)
        assert lim == sp.Rational(1, Lv ** n0v)


def test_improvement_over_pascanu():
    thm4, pascanu = registry_entry("montufar2014-thm4"), registry_entry("pascanu2013")
    for n0v in range(1, 4):
        for Lv in range(1, 4):
            for nv in range(n0v, 8 * n0v):
                a = Architecture(n0v, (nv,) * Lv)
                assert thm4.value(a) == pascanu.value(a) * (nv // n0v) ** ((n0v - 1) * (Lv - 1))


def test_growth_in_depth_needs_n_at_least_2n0():
    thm4 = registry_entry("montufar2014-thm4")
    for n0v in range(1, 4):
        for nv in range(n0v, 3 * n0v + 1):
            values = [thm4.value(Architecture(n0v, (nv,) * Lv)) for Lv in range(1, 7)]
            ratios = {sp.Rational(b, a) for a, b in zip(values, values[1:])}
            assert ratios == {sp.Integer((nv // n0v) ** n0v)}
            assert (min(ratios) >= 2 ** n0v) == (nv >= 2 * n0v)
    # smallest counterexample to the Omega read in L: n0 = 2, n = 3
    term = registry_entry("montufar2014-cor5").asymptotic("n").term
    vals = [(thm4.value(Architecture(2, (3,) * Lv)), term.subs({n0_sym: 2, L_sym: Lv, n_sym: 3})) for Lv in range(1, 30)]
    assert {v for v, _ in vals} == {7}
    assert vals[-1][1] > 10 ** 5 * vals[-1][0]


def test_raghu_is_implied_by_montufar2017():
    raghu, m17 = registry_entry("raghu2017"), registry_entry("montufar2017")
    form = raghu.asymptotic("n")
    assert form.order == "O" and not raghu.has_value
    for n0v, Lv in CASES:
        term = form.term.subs({n0_sym: n0v, L_sym: Lv})
        upper = phi_poly(n_sym, n0v) ** Lv                        # prod_l Phi(n, d_l), d_l = n0 for n >= n0
        assert sp.limit(upper / term, n_sym, sp.oo) == sp.Rational(1, math.factorial(n0v) ** Lv)
        nv = 40
        assert m17.value(Architecture(n0v, (nv,) * Lv)) == phi_literal(nv, n0v) ** Lv
