"""Montúfar et al. 2014, Proposition 3: at most 2^N regions.

Statement (Sec. 3, Proposition 3)
---------------------------------
    "The maximal number of linear regions of the functions computed by any rectifier network
    with a total of N hidden units is bounded from above by 2^N."

Registry entry: ``montufar2014-prop3`` (upper).

Verdict
-------
**Proved**; **records attain it** (``L = 1``, ``n_1 <= n_0``: e.g. ``n_0 = 3``, width 3: 8
regions), so ``2^N - 1`` fails there; it is far above every deep record (unchecked there).
Also **checked on a range**: the registry's value is the number of 0/1 patterns
(counted by listing them); counted regions of random small networks never exceed it; it is
attained exactly when ``L = 1`` and ``n_1 <= n_0`` (then ``Phi(n_1, n_0) = 2^{n_1}``); and it is
never below the sharper upper bounds of Montúfar 2017 and Serra et al. 2018 (Thm 1).

Argument
--------
Fix an activation pattern ``s`` in ``{0,1}^N``. On the set ``R_s`` of inputs with pattern ``s``
every layer is affine (units with ``s_i = 0`` output 0, the others their pre-activation), so
``R_s`` is cut out by finitely many linear inequalities: it is convex, hence connected, and
the network is affine on it. Every activation region (non-empty interior) is one ``R_s``, so
there are at most ``2^N`` of them; a linear region in Montúfar's sense (a maximal connected set
on which the function is affine) contains the interior of at least one ``R_s`` and distinct
linear regions contain disjoint ones, so there are at most as many linear regions. For
``L = 1`` and ``n_1 <= n_0`` with linearly independent rows all ``2^{n_1}`` sign vectors occur.
"""

import itertools
import random

from _proofkit import architectures, brute_patterns, check_upper_on_records, phi_literal, records, registry_entry
from regionmath import Architecture


def test_value_is_the_number_of_patterns():
    prop3 = registry_entry("montufar2014-prop3")
    for arch in architectures(range(1, 3), range(1, 5), range(1, 4)):
        patterns = sum(1 for _ in itertools.product((0, 1), repeat=arch.N))
        assert prop3.value(arch) == patterns


def test_random_networks_never_exceed(heavy):
    prop3 = registry_entry("montufar2014-prop3")
    rng = random.Random(3)
    for _ in range(30 if heavy else 8):
        n0 = rng.randint(1, 3)
        widths = tuple(rng.randint(1, 3) for _ in range(rng.randint(1, 2)))
        W, b, prev = [], [], n0
        for w in widths:
            W.append([[rng.randint(-3, 3) for _ in range(prev)] for _ in range(w)])
            b.append([rng.randint(-3, 3) for _ in range(w)])
            prev = w
        count = len(brute_patterns(W, b, box=([-4] * n0, [4] * n0)))
        assert count <= prop3.value(Architecture(n0, widths))


def test_attained_by_shallow_narrow_layers():
    prop3 = registry_entry("montufar2014-prop3")
    for n0 in range(1, 4):
        for n1 in range(1, n0 + 1):
            # n1 coordinate hyperplanes through the centre of the box: all 2^n1 orthants
            W = [[[1 if c == r else 0 for c in range(n0)] for r in range(n1)]]
            count = len(brute_patterns(W, [[0] * n1]))
            assert count == prop3.value(Architecture(n0, (n1,))) == phi_literal(n1, n0)


def test_never_below_the_sharper_upper_bounds():
    prop3 = registry_entry("montufar2014-prop3")
    sharper = [registry_entry(i) for i in ("montufar2017", "serra2018-thm1")]
    for arch in architectures(range(1, 5), range(1, 7), range(1, 4)):
        for s in sharper:
            assert s.value(arch) <= prop3.value(arch)


def test_records_never_exceed_and_attain():
    prop3 = registry_entry("montufar2014-prop3")
    attained = check_upper_on_records(prop3.value, records("relu"))
    assert {"relu_n0-2_2", "relu_n0-3_3"} <= set(attained)
    assert all(n.count("-") == 1 for n in attained)           # only one-layer records attain 2^N
