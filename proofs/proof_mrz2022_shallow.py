"""Montúfar, Ren, Zhang 2022: the sharp maximum of one maxout layer.

Statement (as carried in REFERENCES.md; MRZ 2022, arXiv 2104.08135)
--------------------------------------------------------------------
    one layer of n rank-k maxout units on R^{n_0} (with biases): sharp maximum
    sum_{j=0}^{n_0} C(n, j) (k-1)^j.

Registry entry: ``mrz2022-shallow`` (exact). REFERENCES marks it [unsure: check small cases by
counting before shipping]: done here.

Verdict
-------
* Attained: **certified by construction** on a range -- unit ``u`` is
  ``max_i (i v_u.x - i(i-1)/2)`` with directions ``v_u`` in general position, so its regions are
  cut by ``k - 1`` parallel hyperplanes ``v_u.x = 1, ..., k-1``; the layer's regions are the
  regions of ``n`` parallel families, counted exactly (one LP per pattern, exact witnesses) and
  by Whitney's formula, and equal the sum.
* Maximal: **proved for n_0 = 1** (below), for ``k = 2`` (it is then Zaslavsky's
  ``Phi(n, n_0)``) and for ``n <= n_0`` (the sum is then ``k^n``, and a layer has at most ``k^n``
  patterns). For ``n_0 >= 2, n > n_0, k >= 3`` the upper half is MRZ 2022's theorem, and here it
  is **evidence only**: random integer layers in the plane (``n = 2, 3``, ``k = 3``) never exceed
  it. **Records attain it** in every searched one-layer architecture (``n_0 <= 2``, ``n <= 2``,
  ``k = 2, 3``), so ``sharp - 1`` fails there; those all lie in the proved cases.

Argument
--------
Construction: a set of hyperplanes taking at most one from each family and at most ``n_0``
in all is independent (the ``v_u`` are in general position), so its intersection is
non-empty, and ``d + 1`` hyperplanes from distinct families never share a point for generic
offsets. Whitney's formula then sums ``(-1)^{|S| - rank S} = 1`` over the central subsets,
which are the ``sum_j C(n, j) (k-1)^j`` choices of ``j <= n_0`` families and one hyperplane in
each. For ``n_0 = 1`` a maxout unit is a convex piecewise-linear function with at most ``k``
pieces, so it changes piece at most ``k - 1`` times on the line; ``n`` units give at most
``n(k-1)`` breakpoints, hence at most ``1 + n(k-1)`` intervals, which is the formula at
``n_0 = 1``. For ``k = 2`` each unit is cut by one hyperplane and the bound is Zaslavsky's. For
``n <= n_0``, ``sum_{j<=n_0} C(n, j)(k-1)^j = sum_{j<=n} C(n, j)(k-1)^j = k^n`` (binomial theorem),
the number of argmax patterns.
"""

import math
import random
from fractions import Fraction as F

from _proofkit import (brute_patterns, check_upper_on_records, exact_pattern_ok, phi_literal, records, registry_entry,
                       regions_1d, whitney_regions)
from regionmath import Architecture


def literal(n0, n, k):
    return sum(math.comb(n, j) * (k - 1) ** j for j in range(n0 + 1))


def directions(n, n0):
    """n integer directions in general position in R^n0 (moment curve (1, t, t^2, ...))."""
    return [[(t + 1) ** e for e in range(n0)] for t in range(n)]


def families_layer(n0, n, k, offsets):
    W, b = [], []
    for u, v in enumerate(directions(n, n0)):
        for i in range(1, k + 1):
            W.append([i * c for c in v])
            b.append(F(-i * (i - 1), 2) - i * offsets[u])
    return W, b


def test_registry_value_is_the_sum():
    sharp = registry_entry("mrz2022-shallow")
    for n0 in range(1, 5):
        for n in range(1, 7):
            for k in range(2, 6):
                assert sharp.value(Architecture.maxout(n0, (n,), k)) == literal(n0, n, k)
                if k == 2:
                    assert literal(n0, n, k) == phi_literal(n, n0)


def test_parallel_families_attain_it():
    sharp = registry_entry("mrz2022-shallow")
    for n0, n, k in [(1, 3, 3), (2, 2, 3), (2, 3, 3), (2, 3, 4), (2, 4, 2), (3, 3, 2), (3, 3, 3)]:
        offsets = [F(1, 7 * (u + 2)) for u in range(n)]        # generic shifts
        W, b = families_layer(n0, n, k, offsets)
        # the arrangement of the families' hyperplanes v_u.x = s + offset_u, s = 1..k-1
        H = [[-(s + offsets[u])] + v for u, v in enumerate(directions(n, n0)) for s in range(1, k)]
        assert whitney_regions(H)[0] == literal(n0, n, k)
        if n0 == 1:
            count = len(regions_1d([W], [b], rank=k))
        else:
            R = 40 * k
            found = brute_patterns([W], [b], rank=k, box=([-R] * n0, [R] * n0))
            assert all(exact_pattern_ok([W], [b], p, x, rank=k) for p, x in found.items())
            count = len(found)
        assert count == literal(n0, n, k) == sharp.value(Architecture.maxout(n0, (n,), k))


def test_random_line_layers_never_exceed(heavy):
    sharp = registry_entry("mrz2022-shallow")
    rng = random.Random(1)
    for _ in range(600 if heavy else 150):
        n, k = rng.randint(1, 3), rng.randint(2, 4)
        W = [[rng.randint(-4, 4)] for _ in range(n * k)]
        b = [rng.randint(-4, 4) for _ in range(n * k)]
        assert len(regions_1d([W], [b], rank=k)) <= sharp.value(Architecture.maxout(1, (n,), k))


def test_random_plane_layers_never_exceed(heavy):
    sharp = registry_entry("mrz2022-shallow")
    rng = random.Random(2022)
    for _ in range(60 if heavy else 15):
        n, k = rng.randint(2, 3), 3
        W = [[rng.randint(-5, 5) for _ in range(2)] for _ in range(n * k)]
        b = [rng.randint(-5, 5) for _ in range(n * k)]
        count = len(brute_patterns([W], [b], rank=k, box=([-50] * 2, [50] * 2)))
        assert count <= sharp.value(Architecture.maxout(2, (n,), k))


def test_records_attain_the_sharp_maximum():
    sharp = registry_entry("mrz2022-shallow")
    recs = records("maxout", depth=1)
    assert check_upper_on_records(sharp.value, recs) == [r.name for r in recs]      # every one attains it
    for r in recs:
        assert r.arch.n0 == 1 or r.arch.widths[0] <= r.arch.n0                     # all in the proved cases
        if r.arch.n0 == 1:
            assert r.count_on_line() == r.count


def test_narrow_layers_reach_k_to_the_n():
    for n0 in range(1, 6):
        for n in range(1, n0 + 1):
            for k in range(2, 6):
                assert literal(n0, n, k) == k ** n
