"""The folding lower bounds read for the function's pieces (issue 17).

Statement
---------
Montúfar 2014 Theorem 4 and eq. (7), Pascanu 2013, Serra 2018's lower bound and exact ``n0 = 1``
maximum, Arora et al. 2018 and Serra's improvement all claim a number of *linear regions*.
Montúfar 2014 (Sec. 2.1) defines a linear region as a maximal connected set on which the
function is affine (the toolkit's "pieces"); Serra 2018 counts activation patterns and remarks
that this "has no effect on the bounds". For pieces:

* **Proved when L = 1 or n_L > n0** (Arora-type: the last width ``w >= 2``): the constructions with
  their last layer oriented so that no region has every unit off
  (``build(id, arch, for_pieces=True)``) have exactly as many pieces as activation regions, so
  every claim they realise for activation regions holds for pieces. Certified on the range below.
* **The published constructions as they stand fall short** whenever their last layer has a
  region with every unit off: there ``F = h_L`` is the constant 0 in every fold copy, and the
  copies join across the folds. Theorem 4 at ``(3, 1)``: 6 activation regions, 5 pieces; at
  ``(3, 3, 2)``: 27 and 23; Serra's ``n0 = 1`` construction at ``(6, 1)``: 14 and 11. With
  ``n_L <= n0`` every sign vector of ``n_L`` hyperplanes in general position has a region, so the
  all-off region cannot be avoided; whether the bounds still hold for pieces there is open,
  except ``n0 = 1, n_L = 1`` (proofs/proof_pieces_line.py: refuted wherever the value exceeds
  ``2P - floor((P-1)/2)``).

Argument (every activation region of the oriented constructions is a piece)
-------------------------------------------------------------------------------
Pieces are the components of the graph joining neighbouring activation regions (across an
``(n0-1)``-dimensional facet) with equal affine maps of ``F = h_L``
(:mod:`regionmath.counting.pieces`); so it suffices that neighbours have different maps.

1. *No region has every last-layer unit off.* The last layer's pre-activations are
   ``-P_y(t_i)`` for the polynomial ``P_y(t) = eps t^n0 - sum_j y_j t^(j-1)`` (positive leading
   coefficient) at increasing ``t_i``; signs alternating over the last ``n0 + 1`` of them and
   negative at the last would need ``n0 + 1`` roots, so that sign vector has no region, and the
   orientation (``layers.no_all_off_orientation``) makes it the all-off vector. Needs ``n_L > n0``.
2. *Neighbours inside one fold copy* differ in exactly one last-layer unit (the earlier layers
   are affine on the copy): that unit's output is 0 on one side and a non-zero affine function
   on the other, so ``F = h_L`` differs.
3. *Neighbours across a fold* (the same last-layer cell seen through two adjacent copies): the
   fold map's Jacobian ``J`` changes to ``J R_i`` (``R_i`` reflects the folded coordinate ``i``), so
   ``dF`` changes by ``D W_L J (I - R_i)``, non-zero because the region has an active unit (1.)
   whose row has a non-zero ``i``-th entry (rows ``(1, t, ..., t^(n0-1))``, ``t != 0``). For Arora's
   construction ``F = phi(gamma)`` with ``phi' != 0`` on every cell (1.): across a fold ``phi'``
   changes sign, across a cone of ``gamma = sum |<a_i, x>|`` its gradient changes.
So neighbours never join: pieces = activation regions, and the claims the constructions
realise (certified in the verification table) hold for pieces.

Checks: the oriented constructions counted with the certified pieces counter on a range
(pieces = activation regions >= claim, = claim for the exact ones); the original constructions'
shortfalls at the named architectures; the registry's pieces hypotheses agree; mutation: without
the orientation the same weights lose pieces, so the check sees the orientation.
"""

import pytest

from _proofkit import module_or_skip, registry_entry

RANGE = [
    ("montufar2014-thm4", 1, (2, 2)), ("montufar2014-thm4", 1, (3, 2)), ("montufar2014-thm4", 1, (6, 2)),
    ("montufar2014-thm4", 1, (3, 3, 2)), ("montufar2014-thm4", 1, (4, 3)), ("montufar2014-thm4", 2, (4, 3)),
    ("montufar2014-thm4", 2, (4, 4, 3)), ("montufar2014-thm4", 2, (6, 3)), ("montufar2014-thm4", 3, (6, 4)),
    ("montufar2014-thm4-eq7", 2, (5, 3)), ("montufar2014-thm4-eq7", 3, (4, 4)), ("pascanu2013", 2, (5, 3)),
    ("pascanu2013", 2, (6, 4, 3)), ("serra2018-lower", 2, (6, 3)), ("serra2018-lower", 1, (4, 3, 2)),
    ("serra2018-exact-1d", 1, (3, 2)), ("serra2018-exact-1d", 1, (3, 3, 2)), ("serra2018-exact-1d", 1, (5, 2)),
    ("arora2018", 2, (6, 3, 3)), ("arora2018", 3, (6, 2, 2)), ("serra2018-arora-improved", 2, (6, 3, 3)),
    ("serra2018-arora-improved", 1, (2, 3, 3)),
]
HEAVY = [("montufar2014-thm4", 2, (6, 6, 3)), ("serra2018-lower", 2, (6, 6, 3)), ("montufar2014-thm4", 3, (3, 3, 4)),
         ("serra2018-arora-improved", 2, (4, 3, 3, 3))]
SMALLER = [("montufar2014-thm4", 2, (4, 4, 3)), ("serra2018-arora-improved", 2, (4, 3, 3))]


def _count(net):
    from regionmath.counting import count_regions
    r = count_regions(net, definition="pieces", jobs=1)
    assert r.complete and r.certified
    return r.info["activation_regions"], r.count


def _check(cid, n0, widths):
    from regionmath import Architecture
    build = module_or_skip("regionmath.constructions").build
    c = build(cid, Architecture(n0, widths), for_pieces=True)
    regions, pieces = _count(c.network)
    assert pieces == regions
    assert pieces == c.claimed if c.exact else pieces >= c.claimed
    assert registry_entry(cid).holds_for(Architecture(n0, widths), "pieces")


@pytest.mark.parametrize("cid,n0,widths", RANGE)
def test_oriented_constructions_have_a_piece_per_region(cid, n0, widths):
    _check(cid, n0, widths)


def test_oriented_constructions_larger(heavy):
    for cid, n0, widths in (HEAVY if heavy else SMALLER):
        _check(cid, n0, widths)


@pytest.mark.parametrize("cid,n0,widths,regions,pieces", [
    ("montufar2014-thm4", 1, (3, 1), 6, 5), ("montufar2014-thm4", 1, (3, 3, 2), 27, 23),
    ("serra2018-exact-1d", 1, (6, 1), 14, 11), ("montufar2014-thm4", 2, (4, 3), 28, 26),
    ("serra2018-lower", 2, (6, 3), 112, 99)])
def test_published_constructions_fall_short(cid, n0, widths, regions, pieces):
    # hand count for (3, 1): the fold has 3 copies of [0, 1]; relu of the last unit is off on one
    # end of each copy, and copies 1-2 share that end: 3 + 2 = 5 pieces of 6 regions
    from regionmath import Architecture
    build = module_or_skip("regionmath.constructions").build
    c = build(cid, Architecture(n0, widths))
    assert _count(c.network) == (regions, pieces)


def test_no_all_off_orientation_is_needed_and_enough():
    # n_L <= n0: every sign vector has a region (2^n_L = Phi(n_L, n0)), so the variant is refused
    from regionmath import Architecture
    from regionmath.errors import HypothesisError
    build = module_or_skip("regionmath.constructions").build
    with pytest.raises(HypothesisError):
        build("montufar2014-thm4", Architecture(2, (4, 2)), for_pieces=True)
    layers = module_or_skip("regionmath.constructions.layers")
    for m, d in [(2, 1), (3, 1), (3, 2), (5, 2), (4, 3)]:
        s = layers.no_all_off_orientation(m, d)
        assert len(s) == m and s[-1] == -1 and all(abs(v) == 1 for v in s)


def test_registry_pieces_hypotheses():
    from regionmath import Architecture
    thm4 = registry_entry("montufar2014-thm4")
    assert thm4.holds_for(Architecture(2, (4, 3)), "pieces")
    assert not thm4.holds_for(Architecture(2, (4, 2)), "pieces")           # n_L = n0: open
    assert thm4.holds_for(Architecture(2, (4, 2)), "activation regions")
    assert registry_entry("montufar2014-prop3").holds_for(Architecture(2, (4, 2)), "pieces")   # upper


def test_mutation_the_orientation_matters():
    # the same architecture without the orientation loses pieces: the check above would fail if the
    # variant were the published construction
    from regionmath import Architecture
    build = module_or_skip("regionmath.constructions").build
    a = Architecture(1, (3, 2))
    plain, oriented = build("montufar2014-thm4", a), build("montufar2014-thm4", a, for_pieces=True)
    assert _count(plain.network) == (9, 8) and _count(oriented.network) == (9, 9)
    assert _count(oriented.network)[1] != plain.claimed + 1
