"""Montúfar et al. 2014, Theorem 8: deep maxout networks. False for one input; true otherwise.

Statement (Sec. 4)
------------------
    "Theorem 8. A maxout network with L layers of width n_0 and rank k can compute functions
    with at least k^{L-1} k^{n_0} linear regions."

The proof (App. D) is a sketch: each layer is to "identify at least k regions of its input"
with units whose pieces are ``+-e_i`` for ``floor(k/2)`` coordinates ("if k is larger than
2n_0 ... choose W_i = 0 for i > 2n_0") and "a slight rotation" for the other units.

Registry entry: ``montufar2014-thm8`` (lower). Construction: ``montufar2014-thm8``.

Verdict
-------
* **Refuted for n0 = 1, k >= 3, L >= 2.** A maxout network on the line with ``L`` layers of
  width 1 and rank ``k`` has at most ``1 + (k-1)(2^L - 1)`` activation regions, which is
  ``< k^L`` for every ``k >= 3, L >= 2``. Smallest counterexample: ``n0 = 1, k = 3, L = 2``:
  at most 7 regions (attained, explicit network below), the theorem claims 9. The linear
  regions of the function (Montúfar's definition) are unions of activation regions, so the
  theorem fails under either definition. The registry's maxout upper bounds do not see this:
  ``serra2018-maxout`` gives ``(1 + k(k-1)/2)^L >= k^L`` here.
* **Holds for n0 >= 2, for k = 2, and for L = 1** by explicit constructions whose regions are
  counted and certified:
  - ``k <= 2^n0``: each layer folds every coordinate once with a unit computing
    ``|2u - 1|`` (two pieces used, the others constant ``-1``): ``2^n0 >= k`` boxes per layer
    are mapped affinely onto the cube; the last layer cuts the cube by ``k - 1`` parallel
    hyperplanes per coordinate. Exactly ``2^(n0(L-1)) k^n0`` regions: **proved** (the fold
    argument of Thm 4) and certified on the listed cases.
  - ``n0 >= 2, k > 2^n0``: two units on ``(u_1, u_2)`` whose level sets are interleaved
    ``k``-gons (rational vertices) cross ``2k`` times; near each crossing the layer is an
    invertible linear map onto a common square. ``2k * 2^(n0 - 2) >= k`` regions are
    identified per layer, so at least ``(2k 2^(n0-2))^(L-1) k^n0`` regions. The geometric
    argument is a **sketch**; what is checked is **certified by construction on a range**:
    ``(n0, k, L)`` in ``(2, 5, 2), (2, 6, 2), (2, 7, 2), (2, 5, 3)`` (and ``(2, 9, 2), (3, 9, 2)``
    with ``--heavy``), each counted exactly at ``(2k 2^(n0-2))^(L-1) k^n0``. Outside that range
    the case ``k > 2^n0`` is **evidence** (the construction's pattern, not a proof).
  So the exact hypotheses are: **every width equals n0, and (n0 >= 2 or k = 2 or L = 1)**.
  The paper's sketch as written does not give this for ``k > 2 n0`` (the extra zero pieces
  are never maximal, so a unit has at most ``2 n0`` useful pieces); the toolkit does not use it.

Argument (n0 = 1)
-----------------
Let ``h_0(x) = x`` and ``h_l = g_l(h_{l-1})``, ``g_l(t) = max_i (a_i t + b_i)`` convex.

(A) *``h_l`` is monotone on each of at most ``2^l`` intervals partitioning the line.* A
convex ``g_l`` is non-increasing up to some ``t*`` and non-decreasing after. On an interval
where ``h_{l-1}`` is monotone, ``{h_{l-1} <= t*}`` is an end segment, so the interval splits
in at most two on which ``g_l o h_{l-1}`` is monotone.

(B) *``r_l <= r_{l-1} + (k-1) 2^(l-1)``*, ``r_l`` the number of activation regions of layers
``1..l`` (intervals of constant pattern). The argmax of ``g_l`` at ``t`` (lowest index on
ties) changes only at ``k - 1`` values ``beta_1 < ... < beta_{k-1}`` of ``t`` (an upper envelope
of ``k`` lines). On a region ``R`` of layers ``< l``, ``t = h_{l-1}`` is affine: if constant, the
layer-``l`` pattern is constant on ``R``; otherwise ``R`` is cut once for every ``beta_i``
crossed in its interior. On one interval ``I`` of (A), where ``h_{l-1}`` is monotone, the
preimage of ``beta_i`` is an interval ``J``; if ``J`` met the interior of a strictly monotone
``R`` in a point ``x`` and had positive length, ``h_{l-1}`` would be constant near ``x`` on one
side inside ``R``: impossible. So each ``(I, beta_i)`` gives at most one new cut, and there are
at most ``(k-1) 2^(l-1)`` new cuts. With ``r_0 = 1``: ``r_L <= 1 + (k-1)(2^L - 1)``.

(C) ``k^L - 1 - (k-1)(2^L - 1) = (k-1) sum_{i<L} (k^i - 2^i) >= (k-1)(k-2) > 0`` for ``k >= 3``,
``L >= 2``.

Certified records reach the bound (``k = 3, L = 2``: 7; ``k = 2, L = 2``: 4), so the
checks fail for ``line_bound - 1``. The bound appears to be the exact maximum: besides the explicit 7-region network for
``k = 3, L = 2``, random search with hill-climbing over small rational weights reaches it for
``(k, L) = (4, 2)`` (10) and ``(3, 3)`` (15) and never exceeds it.

The tests check (C) with sympy, the bound (B) against the exact regions of random and
hill-climbed networks (exact rational breakpoints, an implementation independent of the
toolkit), the explicit 7-region network for ``k = 3, L = 2``, the toolkit's refusal, and
the constructions for ``n0 >= 2`` and ``k = 2`` with the toolkit's counter.
"""

import random
from fractions import Fraction as F

import pytest
import sympy as sp

from _proofkit import check_upper_on_records, records, regions_1d

from regionmath import Architecture, HypothesisError


def line_bound(k, L):
    return 1 + (k - 1) * (2 ** L - 1)


def regions_width1(pieces_per_layer):
    """Exact activation regions on all of R of a width-1 maxout net given as [(a_i, b_i)] per layer."""
    weights = [[[a] for a, _ in layer] for layer in pieces_per_layer]
    biases = [[b for _, b in layer] for layer in pieces_per_layer]
    return len({p for p, _ in regions_1d(weights, biases, rank=len(pieces_per_layer[0]))})


def test_inequality_C_symbolic():
    k = sp.Symbol("k", integer=True, positive=True)
    for L in range(2, 9):
        diff = sp.expand(k ** L - line_bound(k, L))
        rhs = sp.expand((k - 1) * sum(k ** i - 2 ** i for i in range(L)))
        assert sp.simplify(diff - rhs) == 0
        # every term k^i - 2^i (i >= 1) is positive for k >= 3: substitute k = 3 + s, s >= 0
        s = sp.Symbol("s", nonnegative=True)
        poly = sp.Poly(sp.expand(diff.subs(k, 3 + s)), s)
        assert all(c > 0 for c in poly.coeffs())
    assert line_bound(3, 2) == 7 < 3 ** 2
    assert line_bound(2, 5) == 2 ** 5          # k = 2: the bound is k^L, no contradiction


def test_seven_regions_attained_for_k3_L2():
    """f1 = max(-x, x, 2x - 1) (breaks at 0, 1); g cuts at levels 1/2 and 2, each crossed twice."""
    net = [[(-1, 0), (1, 0), (2, -1)],
           [(0, 0), (1, F(-1, 2)), (2, F(-5, 2))]]
    assert regions_width1(net) == 7 == line_bound(3, 2)


@pytest.mark.parametrize("k, L, trials", [(3, 2, 150), (3, 3, 100), (4, 2, 100)])
def test_random_line_networks_respect_the_bound(k, L, trials, heavy):
    rng = random.Random(20140208 + 10 * k + L)
    trials = trials * (10 if heavy else 1)
    best = 0
    for _ in range(trials):
        net = [[(F(rng.randint(-6, 6), rng.randint(1, 3)), F(rng.randint(-6, 6), rng.randint(1, 3)))
                for _ in range(k)] for _ in range(L)]
        # hill-climb: perturb one coefficient while the count does not drop
        r = regions_width1(net)
        for _ in range(15):
            l, i, c = rng.randrange(L), rng.randrange(k), rng.randrange(2)
            trial = [list(layer) for layer in net]
            a, b = trial[l][i]
            v = F(rng.randint(-6, 6), rng.randint(1, 3))
            trial[l][i] = (v, b) if c == 0 else (a, v)
            rt = regions_width1(trial)
            if rt >= r:
                net, r = trial, rt
        best = max(best, r)
        assert r <= line_bound(k, L) < k ** L
    assert best >= line_bound(k, L) - (k - 1)        # the search gets near the bound


def test_registry_upper_bound_does_not_catch_it():
    from _proofkit import registry_entry
    entry = registry_entry("serra2018-maxout")
    for k in (3, 4, 5):
        for L in (2, 3):
            assert entry.value(Architecture(1, (1,) * L, "maxout", k)) >= k ** L > line_bound(k, L)


@pytest.mark.parametrize("k, L", [(3, 2), (4, 3), (5, 2)])
def test_toolkit_refuses_where_false(k, L):
    from _proofkit import registry_entry
    registry_entry("montufar2014-thm8")
    from regionmath.constructions import build
    with pytest.raises(HypothesisError, match="refuted for n0 = 1"):
        build("montufar2014-thm8", Architecture(1, (1,) * L, "maxout", k))


def test_records_respect_and_attain_the_line_bound():
    recs = [r for r in records("maxout", n0=1) if set(r.arch.widths) == {1}]
    for r in recs:
        assert r.count_on_line() == r.count, r.name
    attained = check_upper_on_records(lambda a: line_bound(a.rank, a.L), recs)
    assert {"maxout3_n0-1_1-1", "maxout2_n0-1_1-1"} <= set(attained)


@pytest.mark.parametrize("n0, k, L", [(1, 2, 3), (1, 5, 1), (2, 3, 2), (2, 4, 2), (2, 5, 2), (2, 3, 3), (3, 3, 2),
                                      (2, 6, 2), (2, 7, 2), (2, 5, 3),
                                      pytest.param(2, 9, 2, marks=pytest.mark.heavy),
                                      pytest.param(3, 9, 2, marks=pytest.mark.heavy)])
def test_holds_by_construction(n0, k, L):
    from _proofkit import toolkit_module, registry_entry
    registry_entry("montufar2014-thm8")
    toolkit_module("regionmath.counting.enumerate")
    from regionmath.constructions import build
    from regionmath.verify import verify
    c = build("montufar2014-thm8", Architecture(n0, (n0,) * L, "maxout", k))
    report = verify(c)
    assert report.complete and report.certified is True
    assert report.counted >= k ** (L - 1) * k ** n0
    if k <= 2 ** n0:   # the fold construction's count, derived in the docstring
        assert report.counted == 2 ** (n0 * (L - 1)) * k ** n0
    elif n0 >= 2:      # the interleaved k-gons: 2k 2^(n0-2) regions identified per layer
        assert report.counted == (2 * k * 2 ** (n0 - 2)) ** (L - 1) * k ** n0
