"""Maxout lower bounds read for the function's pieces (issue 17).

Statement
---------
Montúfar 2014 Prop. 7 (lower ``k^min(n0, n1)``, one layer) and Theorem 8 (``k^(L-1) k^n0`` for L
layers of width ``n0``) count linear regions of the function (Sec. 2.1: "pieces"); Montúfar,
Ren, Zhang 2022 give the sharp one-layer maximum ``sum_j C(n1, j) (k-1)^j``.

Verdicts for pieces
-------------------
* **One layer (Prop. 7 lower, MRZ 2022, Thm 8 at L = 1): proved.** With ``F = h_1`` two
  neighbouring activation regions differ in the maximal piece of one unit, so that unit's output
  (a coordinate of ``F``) changes from one affine function to another that differs from it (the
  two pieces are not identical: identical pieces tie everywhere and the lowest index wins, so
  they never bound a region): every activation region is a piece. Checked on random layers.
* **Theorem 8, k = 2, n0 >= 2: certified by construction** on ``n0 = 2``, widths ``(2, 2)``,
  ``(2, 2, 2)`` (and ``(2, 2, 2, 2)`` with ``--heavy``), ``n0 = 3``, ``(3, 3)``: the construction's
  pieces (9, 36, 144, 27) exceed the claims (8, 16, 32, 16) although its folds join regions.
* **Theorem 8, n0 = 1, k = 2, L = 2: holds** (4 claimed): ``max(|x|, 2|x| - 1/2)``, written as two
  rank-2 units, has 4 pieces (certified); the toolkit's construction has only 3.
* **Open elsewhere**: the construction falls short of the claim for pieces at ``n0 = 2``, widths
  ``(2, 2)``, ``k = 3`` (36 activation regions, 25 pieces < 27) and ``k = 4`` (64, 49 < 64), and
  at ``n0 = 1``, ``(1, 1, 1)``, ``k = 2`` (8, 6 < 8); at ``k = 5`` it has 201 >= 125. Whether Thm 8
  holds for pieces there is not decided (the registry's pieces reading asks L = 1, or k = 2
  with n0 >= 2, or n0 = 1, k = 2, L = 2).

The checks count with the certified pieces counter (every join proved in exact rationals);
the mutation check shows that the shortfalls are seen (a claim of one more piece fails).
"""

import numpy as np
import pytest

from _proofkit import module_or_skip, registry_entry


def _count(net):
    from regionmath.counting import count_regions
    r = count_regions(net, definition="pieces", jobs=1)
    assert r.complete and r.certified
    return r.info["activation_regions"], r.count


@pytest.mark.parametrize("n0,width,k,seed", [(2, 3, 3, 0), (2, 4, 2, 1), (3, 3, 3, 2), (1, 4, 3, 3), (3, 2, 4, 4)])
def test_one_layer_every_region_is_a_piece(n0, width, k, seed):
    from regionmath.network import Network
    rng = np.random.default_rng(seed)
    net = Network([rng.standard_normal((width * k, n0))], [0.3 * rng.standard_normal(width * k)], "maxout", k)
    regions, pieces = _count(net)
    assert pieces == regions


@pytest.mark.parametrize("cid,n0,widths,k", [("montufar2014-prop7-lower", 2, (3,), 3),
                                             ("montufar2014-prop7-lower", 3, (2,), 4),
                                             ("montufar2014-thm8", 3, (3,), 3)])
def test_one_layer_constructions(cid, n0, widths, k):
    from regionmath import Architecture
    c = module_or_skip("regionmath.constructions").build(cid, Architecture(n0, widths, "maxout", k))
    regions, pieces = _count(c.network)
    assert pieces == regions >= c.claimed


@pytest.mark.parametrize("n0,widths,pieces", [(2, (2, 2), 9), (2, (2, 2, 2), 36), (3, (3, 3), 27)])
def test_thm8_k2_certified_by_construction(n0, widths, pieces):
    from regionmath import Architecture
    a = Architecture(n0, widths, "maxout", 2)
    c = module_or_skip("regionmath.constructions").build("montufar2014-thm8", a)
    assert _count(c.network)[1] == pieces >= c.claimed
    assert registry_entry("montufar2014-thm8").holds_for(a, "pieces")


def test_thm8_k2_deeper(heavy):
    from regionmath import Architecture
    widths, pieces, claimed = ((2, 2, 2, 2), 144, 32) if heavy else ((2, 2, 2), 36, 16)
    a = Architecture(2, widths, "maxout", 2)
    c = module_or_skip("regionmath.constructions").build("montufar2014-thm8", a)
    assert _count(c.network)[1] == pieces >= c.claimed == claimed


def test_thm8_line_two_layers_holds():
    from regionmath import Architecture
    from regionmath.network import Network
    # unit 1: max(x, -x) = |x|; unit 2: max(h, 2h - 1/2): 4 pieces on [-1, 1] (slopes -2, -1, 1, 2)
    net = Network.from_exact([[[1], [-1]], [[1], [2]]], [[0, 0], [0, "-1/2"]], "maxout", 2)
    a = Architecture(1, (1, 1), "maxout", 2)
    claimed = registry_entry("montufar2014-thm8").value(a)
    assert _count(net) == (4, 4) and claimed == 4
    c = module_or_skip("regionmath.constructions").build("montufar2014-thm8", a)
    assert _count(c.network) == (4, 3)                       # the construction has 3


@pytest.mark.parametrize("n0,widths,k,regions,pieces", [(2, (2, 2), 3, 36, 25), (2, (2, 2), 4, 64, 49),
                                                        (1, (1, 1, 1), 2, 8, 6)])
def test_thm8_construction_falls_short_elsewhere(n0, widths, k, regions, pieces):
    from regionmath import Architecture
    a = Architecture(n0, widths, "maxout", k)
    c = module_or_skip("regionmath.constructions").build("montufar2014-thm8", a)
    assert _count(c.network) == (regions, pieces) and pieces < c.claimed
    assert not registry_entry("montufar2014-thm8").holds_for(a, "pieces")     # open: not claimed
    assert registry_entry("montufar2014-thm8").holds_for(a, "activation regions")


def test_mutation():
    from regionmath import Architecture
    c = module_or_skip("regionmath.constructions").build("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 3))
    regions, pieces = _count(c.network)
    assert not pieces >= c.claimed           # the shortfall is seen: claiming "holds" here fails
    assert regions >= c.claimed              # while the activation-region claim holds
