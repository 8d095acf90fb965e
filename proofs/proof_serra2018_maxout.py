"""Serra, Tjandraatmadja, Ramalingam 2018: the upper bound for deep maxout networks.

Statement (poster, Theorem 2; ICML paper, Theorem 10 [number unsure])
----------------------------------------------------------------------
    "The maximal number of regions of a maxout network is at most
    prod_{l=1}^{L} sum_{j=0}^{d_l} binom(k-1 j) n_l  where d_l = min{n_0, n_1, ..., n_l}."

(the poster's binomial is garbled). The bound the argument gives, and the toolkit carries, is
``prod_l Phi(k(k-1)/2 * n_l, d_l)``; asymptotically ``O((k^2 n)^{L n_0})``.

Registry entry: ``serra2018-maxout`` (upper).

Verdict
-------
* The reading ``prod_l sum_{j<=d_l} C(k-1, j) n_l`` of the printed formula is **refuted**:
  smallest counterexample (ordered by ``n_0``, then ``n_1 + k``) ``n_0 = 2``, one layer of
  ``n_1 = 3`` rank-2 units, which the reading caps at ``(1 + 1 + 0) * 3 = 6``, while three
  rank-2 units cutting along three lines in general position have 7 regions (counted
  exactly here).
* ``prod_l Phi(C(k,2) n_l, d_l)``: **proved** (sketch below) and **checked on a range**: the
  registry value is the literal product; at ``L = 1`` it is never below the sharp maximum
  (``mrz2022-shallow``) and never above Prop. 7's ``Phi(k^2 n_1, n_0)``; for ``k = 2`` it is
  Montúfar 2017's relu bound; counted random deep maxout networks never exceed it; the
  registry's asymptotic constant is the limit computed here with sympy.

Argument (sketch, following Serra et al. 2018)
----------------------------------------------
Fix the argmax pattern of layers ``1..l-1``: on that set the input of layer ``l`` is an affine
image of ``R^{n_0}`` of dimension at most ``d_{l-1}``, and at most ``n_l`` (the layer's width) after
layer ``l``. Inside it, layer ``l``'s regions are unions of cells of the arrangement of the
``C(k,2) n_l`` hyperplanes ``f_{u,i} = f_{u,j}``, restricted to a space of dimension at most
``d_l``, so each region of layers ``< l`` splits into at most ``Phi(C(k,2) n_l, d_l)`` pieces
(Zaslavsky). Multiplying over layers gives the bound.
"""

import math
import random
from fractions import Fraction as F

import sympy as sp

from _proofkit import brute_patterns, exact_pattern_ok, phi_literal, registry_entry
from regionmath import Architecture


def literal(arch):
    out, d = 1, arch.n0
    for w in arch.widths:
        d = min(d, w)
        out *= phi_literal(math.comb(arch.rank, 2) * w, d)
    return out


def poster_reading(arch):
    out, d = 1, arch.n0
    for w in arch.widths:
        d = min(d, w)
        out *= sum(math.comb(arch.rank - 1, j) * w for j in range(d + 1))
    return out


def maxout_archs(n0s, ws, ks, Ls):
    for n0 in n0s:
        for k in ks:
            for L in Ls:
                for widths in __import__("itertools").product(ws, repeat=L):
                    yield Architecture.maxout(n0, widths, k)


def test_registry_value_is_the_literal_product():
    b = registry_entry("serra2018-maxout")
    for a in maxout_archs(range(1, 5), range(1, 6), range(2, 5), range(1, 4)):
        assert b.value(a) == literal(a)


def test_one_layer_sits_between_sharp_maximum_and_prop7():
    b, sharp = registry_entry("serra2018-maxout"), registry_entry("mrz2022-shallow")
    for a in maxout_archs(range(1, 6), range(1, 9), range(2, 6), (1,)):
        assert sharp.value(a) <= b.value(a) <= phi_literal(a.rank ** 2 * a.widths[0], a.n0)


def test_rank_two_is_montufar2017():
    b, m17 = registry_entry("serra2018-maxout"), registry_entry("montufar2017")
    for a in maxout_archs(range(1, 5), range(1, 6), (2,), range(1, 4)):
        assert b.value(a) == m17.value(Architecture(a.n0, a.widths))


def test_poster_reading_is_refuted():
    # smallest (n0, n1 + k) where the reading falls below the sharp one-layer maximum
    sharp = registry_entry("mrz2022-shallow")
    first = next((n0, n1, k) for n0 in range(1, 4) for s in range(3, 12) for k in range(2, s)
                 for n1 in [s - k] if n1 >= 1
                 and poster_reading(Architecture.maxout(n0, (n1,), k)) < sharp.value(Architecture.maxout(n0, (n1,), k)))
    assert first == (2, 3, 2)
    # three rank-2 units max(0, l_i(x)) cutting along x = 0, y = 0, x + y = 1: counted exactly
    W = [[0, 0], [1, 0], [0, 0], [0, 1], [0, 0], [1, 1]]
    b = [0, 0, 0, 0, 0, -1]
    found = brute_patterns([W], [b], rank=2, box=([-3, -3], [3, 3]))
    assert all(exact_pattern_ok([W], [b], p, x, rank=2) for p, x in found.items())
    a = Architecture.maxout(2, (3,), 2)
    assert len(found) == 7 > poster_reading(a) == 6
    assert len(found) <= registry_entry("serra2018-maxout").value(a)


def test_random_deep_maxout_networks_never_exceed(heavy):
    b = registry_entry("serra2018-maxout")
    rng = random.Random(10)
    for _ in range(20 if heavy else 6):
        n0, k = rng.randint(1, 2), rng.randint(2, 3)
        widths = (rng.randint(1, 2), rng.randint(1, 2))
        W, bs, prev = [], [], n0
        for w in widths:
            W.append([[rng.randint(-3, 3) for _ in range(prev)] for _ in range(w * k)])
            bs.append([rng.randint(-3, 3) for _ in range(w * k)])
            prev = w
        count = len(brute_patterns(W, bs, rank=k, box=([-5] * n0, [5] * n0)))
        assert count <= b.value(Architecture.maxout(n0, widths, k))


def test_asymptotic_constant_is_the_limit():
    b = registry_entry("serra2018-maxout")
    form = b.asymptotic("n")
    n = sp.Symbol("n", positive=True)
    for n0v, kv, Lv in [(1, 2, 1), (1, 3, 2), (2, 3, 1), (2, 2, 2), (3, 4, 1)]:
        c = sp.Integer(kv * (kv - 1) // 2)
        phi_poly = sum(sp.expand_func(sp.binomial(c * n, j)) for j in range(n0v + 1))
        subs = {sp.Symbol("n0", positive=True, integer=True): n0v, sp.Symbol("k", positive=True, integer=True): kv,
                sp.Symbol("L", positive=True, integer=True): Lv}
        term = form.term.subs(subs).subs(form.variable, n)
        limit = sp.limit(phi_poly ** Lv / term, n, sp.oo)
        assert sp.simplify(limit - form.constant.subs(subs)) == 0
        assert limit > 0


def test_expressions_are_the_literal_formulas():
    from regionmath.bounds import substitute
    cases = [Architecture.maxout(2, (3, 2), 3), Architecture.maxout(1, (2,), 4), Architecture.maxout(3, (2, 4), 2)]
    b = registry_entry("serra2018-maxout")
    for a in cases:
        assert sp.Integer(substitute(b.expr(a), a).doit()) == literal(a)
    sharp = registry_entry("mrz2022-shallow")
    for a in cases[:2]:
        expected = sum(math.comb(a.widths[0], j) * (a.rank - 1) ** j for j in range(a.n0 + 1))
        assert sp.Integer(substitute(sharp.expr(a), a).doit()) == expected
