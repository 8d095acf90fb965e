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
* Theorem 1 is an upper bound on the activation regions (hence on the pieces): **proved**
  below for every architecture (the recursion of the proof is shown to unroll to the ``J``-sum
  by induction, and that identity is checked exhaustively for ``n_0 <= 4``, widths ``<= 7``,
  ``L <= 3``). **Certified records attain it** (the check ``Thm 1 - 1`` fails on them): every
  ``L = 1`` record, ``n_0 = 1`` records with earlier widths ``>= 3``, and some ``n_0 = 2, 3``
  deep records (listed by ``test_records_never_exceed_the_upper_bounds``).
* Montúfar 2017 and ``2^N`` are upper bounds: **proved** (each is ``>=`` Theorem 1, below).
* Theorem 1 <= Montúfar 2017, with equality **iff** ``d_i + d_{i+1} <= n_i`` for every ``i < L``:
  **proved** and checked exhaustively. In particular Theorem 1 reduces to Montúfar 2017 whenever
  ``n_l >= 2 n_0`` for every ``l < L`` (no condition on the last layer). That condition is
  sufficient, not necessary: ``n_0 = 3``, widths ``(4, 1)`` has ``d = (3, 1)``, ``3 + 1 <= 4``, and
  both bounds are 30 although ``4 < 2 n_0``. The smallest architecture where the two differ is
  ``n_0 = 1``, widths ``(1, 1)``: 3 against 4.
* Tight at ``L = 1``: **proved** (it is Zaslavsky's ``Phi(n_1, n_0)``; see
  proof_montufar2014_zaslavsky.py) and **certified**: random integer layers counted exactly
  reach the value, and so do the ``L = 1`` records.
* Rank version (``n_l`` as the cap replaced by ``rank W^l``): **proved** (the same recursion with
  ``j <= min(rank W^l, d)``); every record is checked against it with its own exact ranks.
* Counted random deep networks never exceed either bound: **evidence** only (random networks
  are far from extremal); the records are what gives the upper-bound checks their power.

Proof of Theorem 1 (the three steps of Serra et al.'s proof -- Lemmas 4-6 of the ICML
version; the numbering is not confirmed from the source text -- written out)
-----------------------------------------------------------------------------------------
Let ``M_l(d)`` be the largest number of activation regions that layers ``l..L`` can have on a
``d``-dimensional affine space (``M_{L+1} = 1``).

(i) *Image dimension.* On a region ``P`` of layer ``l`` (input an affine space of dimension
``d``) with active set ``S``, ``h_l = D_S (W_l h + b_l)`` is affine with image of dimension
``<= min(|S|, d)``. The later layers' pattern at ``x`` depends on ``h_l(x)`` only, and an affine
map is open onto its image, so distinct later patterns with non-empty interior in ``P`` are
distinct regions, with non-empty relative interior, of layers ``l+1..L`` on the affine hull of
the image: at most ``M_{l+1}(min(|S|, d))`` of them (``M_{l+1}`` is non-decreasing in ``d``: a
network on ``R^e`` is a network on ``R^{e'}``, ``e' >= e``, that ignores the extra coordinates).

(ii) *Active-set histogram.* Let ``h[k]`` be the number of regions of layer ``l`` with ``k``
active units. Patterns of distinct regions differ, so ``sum_{k>=t} h[k] <= sum_{k>=t} C(n_l, k)``
for every ``t``; and ``sum_k h[k] <= Phi(n_l, d)`` (Zaslavsky, any arrangement). With
``gamma[k] = C(n_l, k)`` for ``k >= n_l - d`` (else 0) this says: every tail sum of ``h`` is at most
the same tail sum of ``gamma`` (for ``t <= n_l - d`` the tail of ``gamma`` is ``Phi(n_l, d)``).

(iii) *Recursion.* ``f(k) = R_{l+1}(min(k, d))`` is non-decreasing in ``k`` (``R`` below is
non-decreasing in ``d``, by induction: a larger ``d`` adds terms and raises arguments). Abel
summation, ``sum_k h[k] f(k) = f(0) T_h(0) + sum_{t>=1} (f(t) - f(t-1)) T_h(t)`` with tail sums
``T``, and (ii) give ``M_l(d) <= sum_k gamma[k] f(k)``; with ``j = n_l - k`` inactive units,

    ``R_l(d) = sum_{j=0}^{min(n_l, d)} C(n_l, j) R_{l+1}(min(n_l - j, d))``,  ``R_{L+1} = 1``,

and ``M_l <= R_l`` by induction from ``l = L`` down. Unrolled from ``R_1(n_0)``, the dimension
carried to layer ``l`` is ``min(n_0, n_1 - j_1, ..., n_{l-1} - j_{l-1})`` and ``j_l`` runs up to that
and ``n_l``: exactly the set ``J``. So Theorem 1 = ``R_1(n_0)`` bounds the activation regions,
and a fortiori the pieces (each piece contains an activation region's interior).

Rank version: inside a ``d``-dimensional input the layer's hyperplanes have normals spanning
at most ``min(d, rank W^l)`` dimensions, so the arrangement is a cylinder and has at most
``Phi(n_l, min(d, rank W^l))`` regions; (ii)-(iii) then run ``j`` up to ``min(rank W^l, d)``.

"""

import itertools
import math
import random
from fractions import Fraction
from functools import lru_cache

import numpy as np

from _proofkit import (_rank, architectures, brute_patterns, check_upper_on_records, exact_pattern_ok, phi_literal,
                       records, registry_entry)
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


def recursion(n0, widths, caps=None):
    """``R_1(n_0)`` of the proof's recursion (caps: the ranks, for the rank version)."""
    caps = widths if caps is None else caps

    @lru_cache(maxsize=None)
    def R(l, d):
        if l == len(widths):
            return 1
        n = widths[l]
        return sum(math.comb(n, j) * R(l + 1, min(n - j, d)) for j in range(min(caps[l], d) + 1))
    return R(0, n0)


def histogram_tails_dominated(hist, n, d):
    """Step (ii): every tail sum of a realised active-set histogram is at most gamma's."""
    gamma = [math.comb(n, k) if k >= n - d else 0 for k in range(n + 1)]
    return all(sum(hist.get(k, 0) for k in range(t, n + 1)) <= sum(gamma[t:]) for t in range(n + 1))


RANGE = (range(1, 5), range(1, 8), range(1, 4))


def test_recursion_unrolls_to_the_J_sum():
    for arch in architectures(*RANGE):
        assert recursion(arch.n0, arch.widths) == thm1_literal(arch.n0, arch.widths)
    for arch in architectures(range(1, 4), range(1, 6), range(1, 3)):
        full = [min(arch.layer_sizes[l], arch.layer_sizes[l + 1]) for l in range(arch.L)]
        for ranks in itertools.product(*[range(0, f + 1) for f in full]):
            assert recursion(arch.n0, arch.widths, ranks) == thm1_literal(arch.n0, arch.widths, ranks)


def test_recursion_is_monotone_in_the_dimension():
    for arch in architectures(range(1, 2), range(1, 7), range(1, 4)):
        vals = [recursion(d, arch.widths) for d in range(0, 8)]
        assert vals == sorted(vals)


def test_active_set_histograms_of_counted_layers():
    """Step (ii) on real layers (evidence for the counting, which is proved above)."""
    rng = random.Random(4)
    for _ in range(12):
        n0, n = rng.randint(1, 3), rng.randint(2, 5)
        W = [[rng.randint(-5, 5) for _ in range(n0)] for _ in range(n)]
        b = [rng.randint(-5, 5) for _ in range(n)]
        found = brute_patterns([W], [b], box=([-40] * n0, [40] * n0))
        hist = {}
        for p in found:
            hist[sum(p)] = hist.get(sum(p), 0) + 1
        assert histogram_tails_dominated(hist, n, n0)


def exact_ranks(net):
    return [_rank([[Fraction(v) for v in row] for row in W]) for W in net.exact_weights]


def test_records_never_exceed_the_upper_bounds():
    """The power of the upper-bound checks: records attain Thm 1 (so ``Thm 1 - 1`` fails)."""
    t1, m17, rk = (registry_entry(i) for i in ("serra2018-thm1", "montufar2017", "serra2018-thm1-rank"))
    recs = records("relu")
    attained = check_upper_on_records(t1.value, recs)
    assert len(attained) >= 100 and "relu_n0-1_3-3" in attained and "relu_n0-2_4" in attained
    assert any(r.startswith("relu_n0-2_") and r.count("-") >= 2 for r in attained)    # a deep plane record
    assert check_upper_on_records(m17.value, recs)                                  # attained too (L = 1 ...)
    ranked = {r.name: exact_ranks(r.network()) for r in recs if r.arch.N <= 9}
    sub = [r for r in recs if r.name in ranked]
    assert check_upper_on_records(lambda a, _m={r.arch: r.name for r in sub}: rk.value(a, ranks=ranked[_m[a]]), sub)


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
