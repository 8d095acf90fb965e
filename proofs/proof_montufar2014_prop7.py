"""Montúfar et al. 2014, Proposition 7: one maxout layer, both sides.

Statement (Sec. 4, Proposition 7)
---------------------------------
    "The maximal number of regions of a single layer maxout network with n inputs and m
    outputs of rank k is lower bounded by k^{min{n,m}} and upper bounded by
    min{sum_{j=0}^{n} C(k^2 m, j), k^m}."

Registry entries: ``montufar2014-prop7-lower``, ``montufar2014-prop7-upper``.

Verdict
-------
* Lower bound: **certified by construction** -- unit ``j <= min(n, m)`` is
  ``max_i (i x_j - i(i-1)/2)``, whose pieces change at ``x_j = 1, ..., k-1`` (App. D / Sec. 4:
  "the arrangement of hyperplanes H_i = {x_j = i}"); the ``k^min(n,m)`` regions are counted
  exactly (one LP per pattern, witnesses re-checked in exact arithmetic) and the count is
  proved complete (each unit has ``k`` states).
* Upper bound: **proved**; **records attain it** where ``k^m`` is the minimum and ``m <= n``
  (e.g. ``n = 2, m = 2, k = 3``: 9), so ``bound - 1`` fails there; where ``m > n`` no record
  attains it (``n = 1, m = 2, k = 3``: 5 against 9): unchecked there. Counted random layers:
  evidence; the
  proof in App. D actually gives the sharper ``Phi(C(k,2) m, n)`` (a unit has at most
  ``C(k,2)`` boundaries ``f_i = f_j``, not ``k^2``), which the counts also respect. The upper
  bound is not sharp; the sharp maximum is ``mrz2022-shallow`` (proof_mrz2022_shallow.py),
  which sits between the two sides on the whole range checked.

Argument
--------
Lower: the units read distinct coordinates, each splits its line into ``k`` intervals, so the
pattern map is a bijection from the ``k^min(n,m)`` grid boxes to ``[k]^min(n,m)`` (the other
units are constant). Upper: a region of the layer is a set of constant argmax pattern; it is
a union of cells of the arrangement of all hyperplanes ``f_{u,i} = f_{u,j}`` (``i < j``, at most
``C(k,2) m`` of them, identical ones merged), so there are at most ``Phi(C(k,2) m, n)`` regions
by Zaslavsky, and ``Phi`` grows with its first argument; there are at most ``k^m`` patterns.
"""

import math
import random

from _proofkit import (brute_patterns, check_upper_on_records, exact_pattern_ok, phi_literal, records, registry_entry,
                       toolkit_build, toolkit_count)
from regionmath import Architecture


def parallel_layer(n, m, k):
    """Unit j < min(n, m) reads x_j with breakpoints 1..k-1; the others are constant."""
    W, b = [], []
    for u in range(m):
        for i in range(1, k + 1):
            W.append([i if (c == u and u < n) else 0 for c in range(n)])
            b.append(-i * (i - 1) // 2 if u < n else 0)
    return W, b


def test_lower_construction_counts_exactly():
    lower = registry_entry("montufar2014-prop7-lower")
    for n, m, k in [(1, 1, 2), (1, 3, 3), (2, 2, 3), (2, 3, 2), (2, 1, 4), (3, 2, 2), (3, 3, 2)]:
        W, b = parallel_layer(n, m, k)
        found = brute_patterns([W], [b], rank=k, box=([0] * n, [k] * n))
        assert all(exact_pattern_ok([W], [b], p, x, rank=k) for p, x in found.items())
        assert len(found) == k ** min(n, m) == lower.value(Architecture.maxout(n, (m,), k))


def test_toolkit_lower_construction():
    for n, m, k in [(2, 2, 3), (2, 3, 2), (3, 2, 3)]:
        arch = Architecture.maxout(n, (m,), k)
        c = toolkit_build("montufar2014-prop7-lower", arch)
        got = toolkit_count(c.network, domain=c.domain)
        assert got.complete and got.certified
        assert c.claimed == registry_entry("montufar2014-prop7-lower").value(arch)
        assert got.count == c.claimed if c.exact else got.count >= c.claimed


def test_upper_is_min_of_zaslavsky_and_patterns():
    upper = registry_entry("montufar2014-prop7-upper")
    for n in range(1, 5):
        for m in range(1, 6):
            for k in range(2, 6):
                a = Architecture.maxout(n, (m,), k)
                assert upper.value(a) == min(phi_literal(k * k * m, n), k ** m)


def test_random_layers_respect_both_upper_forms(heavy):
    upper = registry_entry("montufar2014-prop7-upper")
    rng = random.Random(7)
    for _ in range(40 if heavy else 12):
        n, m, k = rng.randint(1, 2), rng.randint(1, 3), rng.randint(2, 3)
        W = [[rng.randint(-3, 3) for _ in range(n)] for _ in range(m * k)]
        b = [rng.randint(-4, 4) for _ in range(m * k)]
        count = len(brute_patterns([W], [b], rank=k, box=([-6] * n, [6] * n)))
        assert count <= upper.value(Architecture.maxout(n, (m,), k))
        assert count <= phi_literal(math.comb(k, 2) * m, n)


def test_sides_are_ordered_around_the_sharp_maximum():
    lower, upper = registry_entry("montufar2014-prop7-lower"), registry_entry("montufar2014-prop7-upper")
    sharp = registry_entry("mrz2022-shallow")
    for n in range(1, 5):
        for m in range(1, 7):
            for k in range(2, 6):
                a = Architecture.maxout(n, (m,), k)
                assert lower.value(a) <= sharp.value(a) <= upper.value(a)


def test_records_never_exceed_and_attain():
    upper, lower = registry_entry("montufar2014-prop7-upper"), registry_entry("montufar2014-prop7-lower")
    recs = records("maxout", depth=1)
    attained = check_upper_on_records(upper.value, recs)
    assert {"maxout3_n0-2_2", "maxout2_n0-2_2", "maxout3_n0-1_1"} <= set(attained)
    assert "maxout3_n0-1_2" not in attained
    for r in recs:
        assert r.count >= lower.value(r.arch)
