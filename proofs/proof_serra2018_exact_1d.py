"""Serra et al. 2018: the exact maximum for one input dimension.

Statement (poster, Sec. 5 summary; ICML paper, Theorem 7 [number unsure])
--------------------------------------------------------------------------
    "a tighter upper bound for rectifier networks, which is exact for unidimensional input"

i.e. for ``n_0 = 1`` the maximal number of regions is Theorem 1's value ``prod_l (n_l + 1)``;
the ICML paper attains it with widths ``n_l >= 3``.

Registry entry: ``serra2018-exact-1d`` (exact; hypotheses ``n_0 = 1``, ``n_l >= 3`` for ``l < L``).

Verdict
-------
* Exact maximum ``prod_l (n_l + 1)`` **iff every ``n_l >= 3`` for ``l < L``** (the last layer any
  width): **proved**. Upper half: a proof on the line (below; it does not need Theorem 1).
  Lower half: the turned-fold construction (proof_serra2018_turned_fold.py), **certified by
  construction** here for the widths listed in ``test_construction_attains_exactly``, and by
  the records (all 120 line records whose earlier widths are ``>= 3`` reach the product).
* Without a width hypothesis the poster's "exact for unidimensional input" is **refuted**:
  if some ``n_l <= 2`` with ``l < L`` the maximum is strictly below the product (proof below,
  every architecture). Smallest counterexample ``n_0 = 1``, widths ``(2, 1)``: at most 5 < 6.
* The sharper bound ``line_upper`` of the proof is attained by certified records in many
  narrow architectures (e.g. ``(2, m)``: ``2m + 3``; ``(2, 2, 2)``: 19), so ``line_upper - 1`` fails
  there; the records never exceed it (each record recounted here exactly on the line).

Argument (n_0 = 1)
------------------
Let ``r_l`` be the number of activation regions (intervals of constant pattern) of layers
``1..l`` on the line, ``r_0 = 1``. A new region of layer ``l`` needs a point inside a region of
layers ``< l`` where some unit of layer ``l`` changes between ``> 0`` and ``<= 0``.

(a) On a region of layers ``< l`` every unit of layer ``l`` is affine: one change at most, so
``r_l <= r_{l-1} (1 + n_l)`` -- the product, as an upper bound, by induction.

(b) *Lemma* (proof_serra2018_arora.py, complete case analysis): for a line ``y(s)`` in
``R^w`` with ``w <= 2``, ``s -> c.relu(y(s)) + e`` has at most ``w`` maximal weakly monotone pieces.
On a region of layers ``< l`` the pre-activations of layer ``l`` are affine in ``x``, so a unit of
layer ``l + 1`` is such a function there when ``n_l <= 2``; a weakly monotone function changes
between ``> 0`` and ``<= 0`` at most once. Hence, if ``n_l <= 2``,
``r_{l+1} <= r_l + n_{l+1} n_l r_{l-1}``.

(c) If ``n_l <= 2`` for some ``l < L``: ``r_{l+1} <= (1 + n_l + n_l n_{l+1}) r_{l-1}``, and
``1 + n_l + n_l n_{l+1} < (1 + n_l)(1 + n_{l+1})`` because ``n_{l+1} >= 1``; with (a) for the other
layers, ``r_L < prod_l (n_l + 1)``. For widths ``(2, m)``: ``r_2 <= 3 + 2m``.

``line_upper(widths)`` runs (a) and (b) together (the smaller of the two at each layer).
Lower half: each layer ``l < L`` folds ``[0, 1]`` onto itself ``n_l + 1`` times (a turned
sawtooth), and the last layer's ``n_L`` breakpoints cut each copy into ``n_L + 1``.
"""

import math
import random
from fractions import Fraction as F

import pytest
import sympy as sp

from _proofkit import architectures, check_upper_on_records, records, regions_1d, registry_entry, toolkit_build, toolkit_count
from regionmath import Architecture

LEMMA_PIECES = {1: 1, 2: 2}      # (b): weakly monotone pieces of a unit after a layer of width 1, 2


def line_upper(widths):
    """The proved bound on activation regions of a relu network on the line, steps (a) and (b)."""
    r = [1, 1 + widths[0]]
    for l in range(1, len(widths)):
        n_prev, n = widths[l - 1], widths[l]
        bound = r[l] * (1 + n)
        if n_prev in LEMMA_PIECES:
            bound = min(bound, r[l] + n * LEMMA_PIECES[n_prev] * r[l - 1])
        r.append(bound)
    return r[-1]


def test_product_iff_earlier_widths_at_least_3():
    for arch in architectures([1], range(1, 8), range(1, 5)):
        product = math.prod(w + 1 for w in arch.widths)
        assert line_upper(arch.widths) <= product
        assert (line_upper(arch.widths) == product) == all(w >= 3 for w in arch.widths[:-1])
    a, c = sp.symbols("a c", positive=True, integer=True)     # step (c), symbolically
    assert sp.expand((1 + a) * (1 + c) - (1 + a + a * c)) == c


def test_records_respect_line_upper_and_attain_it(heavy):
    recs = records("relu", n0=1)
    for r in (recs if heavy else recs[::3]):       # an independent exact recount on the line
        assert r.count_on_line() == r.count, r.name
    attained = check_upper_on_records(lambda a: line_upper(a.widths), recs)
    narrow = [n for n in attained if any(w in ("1", "2") for w in n.split("_")[-1].split("-")[:-1])]
    assert {"relu_n0-1_2-1", "relu_n0-1_2-2", "relu_n0-1_2-2-2", "relu_n0-1_3-3"} <= set(attained)
    assert len(narrow) >= 20
    exact = registry_entry("serra2018-exact-1d")
    assert len(check_upper_on_records(lambda a: exact.value(a) if exact.applies(a) else None, recs)) >= 100


def test_theorem1_agrees_on_the_line():
    exact, t1 = registry_entry("serra2018-exact-1d"), registry_entry("serra2018-thm1")
    for arch in architectures([1], range(1, 8), range(1, 5)):
        product = 1
        for w in arch.widths:
            product *= w + 1
        if all(w >= 2 for w in arch.widths[:-1]):
            assert t1.value(arch) == product
        else:
            assert t1.value(arch) < product
        if exact.applies(arch):
            assert exact.value(arch) == product


def test_lower_half_matches_serra_lower():
    exact, lower = registry_entry("serra2018-exact-1d"), registry_entry("serra2018-lower")
    for arch in architectures([1], range(3, 8), range(1, 4)):
        assert exact.value(arch) == lower.value(arch)


@pytest.mark.parametrize("widths", [(1,), (4,), (3, 1), (3, 2), (3, 3), (4, 2), (5, 3, 2), (3, 3, 3), (6, 4)])
def test_construction_attains_exactly(widths):
    arch = Architecture(1, widths)
    c = toolkit_build("serra2018-exact-1d", arch)
    net = c.network
    regions = regions_1d(net.exact_weights, net.exact_biases, lo=F(c.domain[0][0]), hi=F(c.domain[1][0]))
    assert len(regions) == registry_entry("serra2018-exact-1d").value(arch) == c.claimed
    if len(widths) <= 2:
        got = toolkit_count(net, domain=c.domain)
        assert got.complete and got.certified and got.count == len(regions)


def test_two_unit_layer_is_not_enough(heavy):
    t1 = registry_entry("serra2018-thm1")
    rng = random.Random(0)
    for m in (1, 2):
        best = 0
        for _ in range(4000 if heavy else 1500):
            W1 = [[rng.randint(-3, 3)] for _ in range(2)]
            b1 = [rng.randint(-3, 3) for _ in range(2)]
            W2 = [[rng.randint(-3, 3) for _ in range(2)] for _ in range(m)]
            b2 = [rng.randint(-3, 3) for _ in range(m)]
            best = max(best, len(regions_1d([W1, W2], [b1, b2])))
        assert best == 3 + 2 * m == line_upper((2, m)) < t1.value(Architecture(1, (2, m))) == 3 * (m + 1)
