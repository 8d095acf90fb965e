"""Montúfar et al. 2014, App. D, Example 9: Shi and Catalan arrangements from maxout layers.

Statement (App. D, Example 9)
-----------------------------
    "Consider a layer with n inputs and m = n(n-1)/2 rank-3 maxout units labeled by the pairs
    (i, j), 1 <= i < j <= n. The input and bias weights can be chosen in such a way that the
    regions of unit (i, j) are delimited by the two hyperplanes H_{(i,j),s} = {x in R^n :
    x_i - x_j = s} for s in {0, 1}. The intersections of the regions of all units are given by
    the regions of the hyperplane arrangement {H_{(i,j),s}}_{1<=i<j<=n, s=1,2}, which is known
    as the Shi arrangement S_n and has (n+1)^{n-1} regions. [...] A related arrangement,
    corresponding to rank-4 maxout units, is the Catalan arrangement, which has triplets of
    parallel hyperplanes, and a total of n! C_n regions, where C_n := 1/(n+1) C(2n, n)."

Verdict
-------
* Shi ``s in {0, 1}``: ``(n+1)^{n-1}`` regions -- **proved** (Stanley 2004, Cor. 5.1) and
  **checked on a range** (n = 2..4) by Whitney's formula and by a geometric sweep
  (certified witnesses); the relatively bounded regions are ``(n-1)^{n-1}``.
* The second index set "s = 1, 2" is a **typo**, refuted: ``x_i - x_j in {1, 2}`` gives 18
  regions for ``n = 3``, not 16 (counted both ways). The toolkit uses ``{0, 1}``.
* Catalan ``x_i - x_j in {-1, 0, 1}``: ``n! C_n`` regions -- **proved** (Stanley 2004, Prop.
  5.15), **checked** for n = 2..4.
* Realisation by maxout layers: **certified by construction** -- unit ``(i, j)`` with pieces
  ``0, t, 2t - 1`` (rank 3; breakpoints ``t = 0, 1``) or ``0, t + 1, 2t + 1, 3t`` (rank 4;
  breakpoints ``t = -1, 0, 1``), ``t = x_i - x_j``; the layer's activation regions are counted
  (one LP per pattern, exact witnesses) and equal the arrangement's regions. The toolkit's
  ``shi``/``catalan`` constructions and ``regionmath.arrangements`` are checked against the
  same numbers.

Argument
--------
A convex piecewise-linear function of ``t`` with slopes ``0 < 1 < 2 (< 3)`` changes piece
exactly at its breakpoints, so unit ``(i, j)`` has the slabs between the parallel hyperplanes
as its regions, and the layer's pattern is the vector of slabs, i.e. the position of ``x``
relative to every hyperplane of the arrangement: activation regions = arrangement regions.
Rank 3 (4) is the least rank for 2 (3) parallel cuts. The counts are Stanley's (finite-field
method: ``chi_Shi(t) = t (t-n)^{n-1}``, ``chi_Cat(t) = t (t-n-1)...(t-2n+1)``).
"""

import itertools
import math

import pytest

from _proofkit import brute_patterns, exact_pattern_ok, sweep_regions, toolkit_build, toolkit_count, whitney_regions
from regionmath import Architecture


def deformed_braid(n, shifts):
    """Hyperplanes x_i - x_j = s, s in shifts, as rows [c, a_1..a_n] (c + a.x = 0)."""
    H = []
    for i, j in itertools.combinations(range(n), 2):
        for s in shifts:
            row = [-s] + [0] * n
            row[1 + i], row[1 + j] = 1, -1
            H.append(row)
    return H


def maxout_layer(n, shifts):
    """Unit (i, j): convex in t = x_i - x_j with breakpoints at `shifts` (rank len(shifts)+1)."""
    W, b = [], []
    for i, j in itertools.combinations(range(n), 2):
        acc = 0
        for a in range(len(shifts) + 1):
            acc += shifts[a - 1] if a else 0
            row = [0] * n
            row[i], row[j] = a, -a
            W.append(row)
            b.append(-acc)
    return W, b


def shi_count(n):
    return (n + 1) ** (n - 1)


def catalan_count(n):
    return math.factorial(n) * math.comb(2 * n, n) // (n + 1)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_shi_and_catalan_counts(n):
    shi, cat = deformed_braid(n, [0, 1]), deformed_braid(n, [-1, 0, 1])
    assert whitney_regions(shi) == (shi_count(n), (n - 1) ** (n - 1))
    assert whitney_regions(cat)[0] == catalan_count(n)
    if n <= 3:
        assert sweep_regions(shi) == (shi_count(n), True)
        assert sweep_regions(cat) == (catalan_count(n), True)


def test_s_in_1_2_is_a_typo():
    H = deformed_braid(3, [1, 2])
    assert whitney_regions(H)[0] == sweep_regions(H)[0] == 18 != shi_count(3)


@pytest.mark.parametrize("name, shifts, count", [("shi", [0, 1], shi_count), ("catalan", [-1, 0, 1], catalan_count)])
def test_maxout_layer_realises_the_arrangement(name, shifts, count):
    for n in (2, 3):
        W, b = maxout_layer(n, shifts)
        k = len(shifts) + 1
        found = brute_patterns([W], [b], rank=k, box=([-n] * n, [n] * n))
        assert all(exact_pattern_ok([W], [b], p, x, rank=k) for p, x in found.items())
        assert len(found) == count(n)


@pytest.mark.parametrize("name, count, rank", [("shi", shi_count, 3), ("catalan", catalan_count, 4)])
def test_toolkit_arrangements_and_constructions(name, count, rank):
    from regionmath import arrangements
    for n in (2, 3, 4):
        A = arrangements.named(name, n)
        assert A.regions() == count(n)
    for n in (2, 3):
        arch = Architecture.maxout(n, (n * (n - 1) // 2,), rank)
        c = toolkit_build(name, arch)
        got = toolkit_count(c.network, domain=c.domain)
        assert got.complete and got.certified and got.count == count(n) == c.claimed
