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
* ``prod_l Phi(C(k,2) n_l, d_l)`` is an upper bound: **proved** (argument below; the earlier
  sketch was wrong, see next item). The per-layer inequality ``k^n <= Phi(C(k,2) n, n)`` is
  proved termwise (checked symbolically, and exhaustively for ``k <= 8, n <= 10``). **Records
  attain it** where ``k = 2`` (it is then Montúfar 2017's relu bound) -- e.g. ``n_0 = 1``,
  widths ``(1, 1)``: 4 -- so ``bound - 1`` fails there; **no record attains it for ``k = 3``**
  (e.g. ``n_0 = 1``, ``(1, 1)``: records 7 against 16), so for ``k >= 3`` the checks against
  records cannot see a bound that is too large there (unchecked by records).
* The sketch "layer ``l``'s regions are cells of the tie arrangement restricted to a space of
  dimension ``d_l``" is **wrong at the cap ``d_l <= n_l``**: one rank-3 unit on ``R^2`` (``d_1 = 1``)
  has a tie arrangement of 3 concurrent lines with 6 cells, against ``Phi(3, 1) = 4`` (Whitney
  count here). The unit has only 3 regions, so the bound survives; the proof below handles
  the cap by counting patterns instead of cells.
* Counted random deep maxout networks never exceed it: **evidence** only.

Argument
--------
Let the input of layer ``l`` be an affine space of dimension ``d`` (a region of layers ``< l``
mapped affinely), ``n = n_l``, ``K = C(k, 2)``.
(1) If ``d <= n``: a region of the layer has interior; off the ``<= K n`` tie hyperplanes
``f_{u,i} = f_{u,j}`` (identical pieces create none) every difference has a strict sign, so the
argmax pattern is constant on each cell, and distinct regions contain distinct cells: at most
``Phi(K n, d)`` regions (Zaslavsky).
(2) If ``d > n``: a unit has ``k`` states, so at most ``k^n = sum_j C(n, j)(k-1)^j`` patterns, and
``C(K n, j) >= C(n, j)(k-1)^j`` for ``j <= n`` factor by factor, since
``K n - i - (k-1)(n - i) = (K - k + 1) n + (k - 2) i >= 0``; so at most ``Phi(K n, n)`` regions.
Either way at most ``Phi(K n, min(d, n))``. On each region the layer's output is affine into
``R^n``: its image has dimension ``<= min(d, n)``, and the later layers have at most as many
regions there as on a space of that dimension (the count on a lower-dimensional space is
never larger: extend by ignoring coordinates). By induction from ``d = n_0``,
``prod_l Phi(K n_l, d_l)`` with ``d_l = min(n_0, n_1, ..., n_l)``.
"""

import math
import random
from fractions import Fraction as F

import sympy as sp

from _proofkit import (brute_patterns, check_upper_on_records, exact_pattern_ok, phi_literal, records,
                       registry_entry, whitney_regions)

TIE_CONSTANT = {"K": lambda k: math.comb(k, 2)}     # the number of tie hyperplanes per unit
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


def test_per_layer_pattern_bound():
    """Step (2): k^n <= Phi(K n, n), termwise (symbolic) and exhaustively on a range."""
    n_, i_, k_ = sp.symbols("n i k", integer=True, nonnegative=True)
    K = k_ * (k_ - 1) / 2
    assert sp.expand(K * n_ - i_ - (k_ - 1) * (n_ - i_) - ((K - k_ + 1) * n_ + (k_ - 2) * i_)) == 0
    assert sp.expand(K - k_ + 1 - (k_ - 1) * (k_ - 2) / 2) == 0          # >= 0 for integer k >= 2
    for k in range(2, 9):
        for n in range(1, 11):
            assert k ** n <= phi_literal(TIE_CONSTANT["K"](k) * n, n)


def test_the_old_sketch_fails_at_the_cap():
    """One rank-3 unit on R^2: 6 cells of its tie arrangement > Phi(3, 1) = 4 >= its 3 regions."""
    W = [[1, 0], [0, 1], [-1, -1]]
    b = [0, 0, 1]
    ties = [[b[i] - b[j]] + [W[i][c] - W[j][c] for c in range(2)] for i in range(3) for j in range(i + 1, 3)]
    assert whitney_regions(ties)[0] == 6 > phi_literal(3, 1) == 4
    found = brute_patterns([W], [b], rank=3, box=([-5, -5], [5, 5]))
    assert len(found) == 3 <= registry_entry("serra2018-maxout").value(Architecture.maxout(2, (1,), 3)) == 4


def test_records_never_exceed_and_attain_for_rank_two():
    b = registry_entry("serra2018-maxout")
    attained = check_upper_on_records(b.value, records("maxout"))
    assert "maxout2_n0-1_1-1" in attained and "maxout2_n0-2_2-2" in attained
    assert not any(n.startswith("maxout3") and n.count("-") >= 2 for n in attained)   # k = 3, deep: unchecked
