"""Serra, Tjandraatmadja, Ramalingam 2018, Theorem 1, and Montúfar 2017's bound.

Statement (poster, Sec. 3, Theorem 1)
-------------------------------------
    "The maximal number of regions of a rectifier network is at most
    sum_{(j_1,...,j_L) in J} prod_{l=1}^{L} C(n_l, j_l) where J = {(j_1, ..., j_L) in Z^L :
    0 <= j_l <= min{n_0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l} for all l = 1, ..., L}. This
    bound is tight when L = 1."

Montúfar 2017 (as restated by Serra et al.): at most ``prod_l Phi(n_l, d_l)``,
``d_l = min(n_0, n_1, ..., n_l)``. With the rank remark: the cap ``n_l`` may be replaced by
``rank(W^l)``.

Registry entries: ``serra2018-thm1``, ``montufar2017``, ``serra2018-thm1-rank`` (upper).

Verdict
-------
* Theorem 1 <= Montúfar 2017, always: **proved** (below), checked exhaustively on a range.
* Equality holds **iff** ``d_i + d_{i+1} <= n_i`` for every ``i < L``: **proved** and checked
  exhaustively. In particular Theorem 1 reduces to Montúfar 2017 whenever ``n_l >= 2 n_0`` for
  every ``l < L`` (no condition on the last layer). That condition is sufficient, not
  necessary: ``n_0 = 3``, widths ``(4, 1)`` has ``d = (3, 1)``, ``3 + 1 <= 4``, and both bounds are
  30 although ``4 < 2 n_0``. The smallest architecture where the two differ is ``n_0 = 1``,
  widths ``(1, 1)``: 3 against 4.
* Tight at ``L = 1``: **proved** (it is Zaslavsky's ``Phi(n_1, n_0)``; see
  proof_montufar2014_zaslavsky.py) and **checked**: random integer layers counted exactly reach
  the value.
* Both are upper bounds: counted random deep networks never exceed them (checked on a range).
* Rank version: with full-rank weights it is Theorem 1; random networks with low-rank
  weight matrices counted exactly never exceed it (checked on a range).

Argument
--------
``J`` lies in the box ``B = prod_l {0, ..., d_l}``: ``j_l <= min(n_0, n_l)`` and ``n_i - j_i <= n_i``
for ``i < l``, so ``j_l <= min(n_0, n_1, ..., n_l) = d_l``. Every term ``prod_l C(n_l, j_l)`` with
``j in B`` is positive (``j_l <= d_l <= n_l``), and the sum over ``B`` factorises into
``prod_l sum_{j <= d_l} C(n_l, j) = prod_l Phi(n_l, d_l)``. Hence Thm 1 <= Montúfar 2017, with
equality iff ``J = B``. ``J = B`` iff the corner ``j = (d_1, ..., d_L)`` satisfies every
constraint, i.e. ``d_l <= n_i - d_i`` for ``i < l``; since ``d`` is non-increasing the binding case
is ``l = i + 1``: ``d_i + d_{i+1} <= n_i``. If ``n_i >= 2 n_0`` then ``d_i + d_{i+1} <= 2 n_0 <= n_i``.
For ``L = 1``, ``J = {0..min(n_0, n_1)}`` and the sum is ``Phi(n_1, n_0)``, attained by a layer in
general position (Zaslavsky).
"""

import itertools
import math
import random

import numpy as np

from _proofkit import architectures, brute_patterns, exact_pattern_ok, phi_literal, registry_entry
from regionmath import Architecture


def thm1_literal(n0, widths, caps=None):
    """The sum over J, enumerating J literally."""
    caps = widths if caps is None else caps
    total = 0
    for j in itertools.product(*[range(0, min(n0, c) + 1) for c in caps]):
        if all(j[l] <= min([n0, caps[l]] + [widths[i] - j[i] for i in range(l)]) for l in range(len(widths))):
            total += math.prod(math.comb(w, x) for w, x in zip(widths, j))
    return total


def d_values(arch):
    return [min((arch.n0,) + arch.widths[:l + 1]) for l in range(arch.L)]


def montufar2017_literal(arch):
    return math.prod(phi_literal(w, d) for w, d in zip(arch.widths, d_values(arch)))


RANGE = (range(1, 5), range(1, 8), range(1, 4))


def test_registry_values_are_the_literal_sums():
    t1, m17 = registry_entry("serra2018-thm1"), registry_entry("montufar2017")
    for arch in architectures(*RANGE):
        assert t1.value(arch) == thm1_literal(arch.n0, arch.widths)
        assert m17.value(arch) == montufar2017_literal(arch)


def test_never_above_montufar2017_and_equality_characterised():
    t1, m17 = registry_entry("serra2018-thm1"), registry_entry("montufar2017")
    smallest_gap = None
    for arch in architectures(*RANGE):
        a, b = t1.value(arch), m17.value(arch)
        d = d_values(arch)
        assert a <= b
        assert (a == b) == all(d[i] + d[i + 1] <= arch.widths[i] for i in range(arch.L - 1))
        if all(w >= 2 * arch.n0 for w in arch.widths[:-1]):
            assert a == b
        if a < b and smallest_gap is None:
            smallest_gap = (arch.n0, arch.widths, a, b)
    assert smallest_gap == (1, (1, 1), 3, 4)
    narrow = Architecture(3, (4, 1))           # 4 < 2 n0, yet d_1 + d_2 = 3 + 1 <= 4
    assert t1.value(narrow) == m17.value(narrow) == 30


def test_tight_for_one_layer():
    t1 = registry_entry("serra2018-thm1")
    rng = random.Random(11)
    for n0 in range(1, 5):
        for n1 in range(1, 10):
            assert t1.value(Architecture(n0, (n1,))) == phi_literal(n1, n0)
    for n0, n1 in ((1, 3), (2, 3), (2, 5), (3, 4)):
        W = [[rng.randint(-10 ** 6, 10 ** 6) for _ in range(n0)] for _ in range(n1)]
        b = [rng.randint(-10 ** 5, 10 ** 5) for _ in range(n1)]
        found = brute_patterns([W], [b], box=([-10 ** 7] * n0, [10 ** 7] * n0))
        assert all(exact_pattern_ok([W], [b], p, x) for p, x in found.items())
        assert len(found) == t1.value(Architecture(n0, (n1,)))


def test_random_deep_networks_never_exceed(heavy):
    t1, m17 = registry_entry("serra2018-thm1"), registry_entry("montufar2017")
    rng = random.Random(1711)
    for _ in range(40 if heavy else 8):
        n0 = rng.randint(1, 3)
        widths = tuple(rng.randint(1, 3) for _ in range(rng.randint(2, 3)))
        W, b, prev = [], [], n0
        for w in widths:
            W.append([[rng.randint(-4, 4) for _ in range(prev)] for _ in range(w)])
            b.append([rng.randint(-4, 4) for _ in range(w)])
            prev = w
        count = len(brute_patterns(W, b, box=([-6] * n0, [6] * n0)))
        arch = Architecture(n0, widths)
        assert count <= t1.value(arch) <= m17.value(arch)


def test_rank_version():
    rk, t1 = registry_entry("serra2018-thm1-rank"), registry_entry("serra2018-thm1")
    for arch in architectures(range(1, 4), range(1, 6), range(1, 3)):
        full = [min(arch.layer_sizes[l], arch.layer_sizes[l + 1]) for l in range(arch.L)]
        assert rk.value(arch, ranks=full) == t1.value(arch)
        for ranks in itertools.product(*[range(0, f + 1) for f in full]):
            assert rk.value(arch, ranks=ranks) == thm1_literal(arch.n0, arch.widths, ranks)
    rng = random.Random(3)
    for _ in range(10):
        n0, widths = 2, (rng.randint(2, 4), rng.randint(1, 3))
        # first layer of rank 1: all its hyperplanes parallel
        u = [rng.randint(1, 3), rng.randint(-3, 3)]
        W1 = [[c * u[0], c * u[1]] for c in (rng.choice([-2, -1, 1, 2]) for _ in range(widths[0]))]
        W2 = [[rng.randint(-3, 3) for _ in range(widths[0])] for _ in range(widths[1])]
        b = [[rng.randint(-4, 4) for _ in range(w)] for w in widths]
        ranks = [int(np.linalg.matrix_rank(np.array(M, dtype=float))) for M in (W1, W2)]
        count = len(brute_patterns([W1, W2], b, box=([-8] * n0, [8] * n0)))
        assert count <= rk.value(Architecture(n0, widths), ranks=ranks)


def test_expressions_are_the_literal_sums():
    import sympy as sp
    from regionmath.bounds import substitute
    t1, m17 = registry_entry("serra2018-thm1"), registry_entry("montufar2017")
    for arch in (Architecture(1, (1, 1)), Architecture(2, (3, 4)), Architecture(3, (2, 5, 4)), Architecture(4, (3, 1))):
        assert sp.Integer(substitute(t1.expr(arch), arch).doit()) == thm1_literal(arch.n0, arch.widths)
        assert sp.Integer(substitute(m17.expr(arch), arch).doit()) == montufar2017_literal(arch)
