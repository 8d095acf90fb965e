"""Montúfar et al. 2014, App. C: regions per parameter.

Statement (App. C)
------------------
    "The number of parameters of a deep model with L layers of width n behaves as
    Theta(Ln^2) [...] The number of parameters of a shallow model with Ln hidden units
    behaves as Theta(Ln). Our Theorem 4 and the discussion of shallow networks given in
    Sec. 2.2, imply the following asymptotic rates (number of linear regions per parameter):
    For a deep model: Omega((gamma/n_0)^{n_0(L-1)} n^{n_0-2} / L). For a shallow model:
    O(L^{n_0-1} n^{n_0-1})."

Verdict
-------
* The printed "gamma" is a **typo for n**: with ``gamma = n`` the deep rate is **proved** (sympy
  limits of Thm 4 / parameter count, every residue class of ``n`` mod ``n_0``) and it is *tight*:
  the ratio tends to the positive constant ``L / ((L-1) n_0!)``. So no faster-growing reading
  of gamma (``n^a``, ``a > 1``) is true, and ``n`` is the one that Theorem 4 gives; "gamma" is
  not defined anywhere in the paper.
* Parameter counts: ``Theta(L n^2)`` holds for ``L >= 2`` only (the count is
  ``(L-1) n^2 + (n_0 + L) n``; at ``L = 1`` it is ``Theta(n)``), so the deep rate is stated for
  ``L >= 2``. The shallow count ``(n_0 + 1) L n`` is ``Theta(L n)``. Both **proved** with sympy
  from :meth:`regionmath.Architecture.parameter_count`.
* Shallow rate: **proved** and tight (ratio -> ``1/((n_0 + 1) n_0!)``).

Argument
--------
Architecture.parameter_count counts ``n_l (n_{l-1} + 1)`` per layer; for ``L`` layers of width
``n`` that is ``n(n_0 + 1) + (L - 1) n (n + 1)``. Theorem 4 is ``~ (n/n_0)^{n_0(L-1)} n^{n_0}/n_0!``
(proof_montufar2014_cor5.py); dividing gives ``(n/n_0)^{n_0(L-1)} n^{n_0-2} / ((L-1) n_0!)``,
which is the printed rate with ``gamma = n`` times ``L/((L-1) n_0!)``.
"""

import math

import sympy as sp

from _proofkit import registry_entry
from regionmath import Architecture

t, nn, LL = sp.symbols("t n L", positive=True)


def phi_poly(m_expr, d):
    return sum(sp.expand_func(sp.binomial(m_expr, j)) for j in range(d + 1))


def deep_params(n0v, Lv):
    """Architecture.parameter_count for L layers of width n, fitted exactly as a polynomial in n."""
    pts = [(w, Architecture(n0v, (w,) * Lv).parameter_count()) for w in (1, 2, 3, 4)]
    return sp.expand(sp.interpolate(pts, nn))


def test_parameter_counts():
    for n0v in (1, 2, 3):
        for Lv in (1, 2, 3, 5):
            p = deep_params(n0v, Lv)
            assert p == (Lv - 1) * nn ** 2 + (n0v + Lv) * nn
            assert Architecture(n0v, (7,) * Lv).parameter_count() == p.subs(nn, 7)
            shallow = Architecture(n0v, (Lv * 7,)).parameter_count()
            assert shallow == (n0v + 1) * Lv * 7
            lim = sp.limit(p / (Lv * nn ** 2), nn, sp.oo)
            assert (lim > 0) == (Lv >= 2)          # Theta(L n^2) only for L >= 2


def test_deep_rate_with_gamma_read_as_n_is_tight():
    for n0v, Lv in [(1, 2), (1, 3), (2, 2), (2, 3), (3, 2)]:
        p = deep_params(n0v, Lv)
        for r in range(n0v):
            nv = n0v * t + r
            thm4 = t ** (n0v * (Lv - 1)) * phi_poly(nv, n0v)
            rate = (nv / n0v) ** (n0v * (Lv - 1)) * nv ** (n0v - 2) / Lv
            lim = sp.limit(thm4 / p.subs(nn, nv) / rate, t, sp.oo)
            assert lim == sp.Rational(Lv, (Lv - 1) * math.factorial(n0v))
            # a faster-growing gamma (n^2) would make the claimed rate false: the ratio tends to 0
            faster = (nv ** 2 / n0v) ** (n0v * (Lv - 1)) * nv ** (n0v - 2) / Lv
            assert sp.limit(thm4 / p.subs(nn, nv) / faster, t, sp.oo) == 0


def test_deep_rate_against_registry_values():
    thm4 = registry_entry("montufar2014-thm4")
    for n0v, Lv in [(1, 2), (2, 2), (2, 3)]:
        target = sp.Rational(Lv, (Lv - 1) * math.factorial(n0v))
        q = []
        for nv in (10 ** 3, 10 ** 5, 10 ** 7):
            a = Architecture(n0v, (nv,) * Lv)
            rate = sp.Rational(nv, n0v) ** (n0v * (Lv - 1)) * sp.Integer(nv) ** (n0v - 2) / Lv
            q.append(abs(sp.Rational(thm4.value(a), a.parameter_count()) / rate - target))
        assert q[0] >= q[1] >= q[2] and q[2] < target / 100


def test_shallow_rate():
    for n0v, Lv in [(1, 2), (2, 2), (2, 5), (3, 3)]:
        m = Lv * nn
        per_param = phi_poly(m, n0v) / ((n0v + 1) * m)
        lim = sp.limit(per_param / (Lv ** (n0v - 1) * nn ** (n0v - 1)), nn, sp.oo)
        assert lim == sp.Rational(1, (n0v + 1) * math.factorial(n0v))
