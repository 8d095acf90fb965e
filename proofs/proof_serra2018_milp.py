"""Serra et al. 2018, Sec. 4: what the MILP counts, and the toolkit's two definitions.

Statement (poster, Sec. 4)
--------------------------
    "W_i^l h^{l-1} + b_i^l = h_i^l - hbar_i^l (1), h_i^l <= M z_i^l (2), hbar_i^l <= M(1 - z_i^l)
    (3), h_i^l >= 0 (4), hbar_i^l >= 0 (5), z_i^l in {0, 1} (6) [...] We want to consider a
    neuron active (z_i^l = 1) only when its output is strictly positive. We do that by
    maximizing the minimum output f of an active neuron, which is positive in the
    non-degenerate cases that we want to count: max f s.t. (1)-(6), f <= h_i^l + (1 - z_i^l) M,
    x in X. We count the distinct solutions on z with f > 0."

Verdict
-------
**Proved** (below) and **checked** on degenerate and random networks against hand counts and
an independent LP enumeration:

* ``definition="serra2018"`` counts the patterns ``z`` whose *semi-closed* set
  ``S_z = {x in X : active units > 0, inactive units <= 0}`` is non-empty -- exactly the
  MILP as printed (with ``M`` a valid bound on ``|W h + b|`` over ``X``).
* ``definition="interior"`` (the toolkit's) counts the patterns whose region has non-empty
  interior: some ``x`` with active units ``> 0`` and inactive units ``< 0``, except units
  whose affine function on the region is identically zero, which are inactive there.
* The two agree on networks in general position and differ exactly by the *flat* patterns:
  smallest example units ``x`` and ``-x`` on ``[-1, 1]``: interior 2, serra2018 3 (the pattern
  ``(0, 0)`` at the single point ``x = 0``). "positive in the non-degenerate cases" is
  therefore not a proof that the MILP counts regions: on folding constructions, whose units
  come in opposite pairs, the printed MILP over-counts.

Supplement, Thm 20 / Cor. 21 (as read: the set of inputs of one activation pattern is a
polyhedron, so regions are finite unions of polyhedra; for unbounded input a valid ``M``
exists) [wording unconfirmed: the supplement is not in papers/]:
* The set of inputs with pattern ``z`` is ``{x : a_i(x) > 0 (z_i = 1), a_i(x) <= 0 (z_i = 0)}``
  with every ``a_i`` affine on it (induction over layers): a polyhedron with some strict
  inequalities -- **proved** (the induction below).
* Unbounded input: there are at most ``2^N`` patterns; each region with interior contains a
  point, and a box ``B`` around these finitely many points meets the interior of every region,
  so counting in ``B`` (where ``M`` exists: ``|W h + b|`` is bounded on ``B``) counts the regions
  of ``R^n0`` -- **proved** (existence). Checked on certified records on the line: the count
  in the box ``[first breakpoint - 1, last + 1]`` (one LP per pattern) equals the exact count
  on the whole line.

Argument
--------
(MILP = serra2018.) If ``x in S_z``, put ``h_i = max(0, a_i)``, ``hbar_i = max(0, -a_i)`` for every
pre-activation ``a_i``: (1)-(6) hold (``a_i > 0`` when ``z_i = 1`` so ``hbar_i = 0``; ``a_i <= 0``
when ``z_i = 0`` so ``h_i = 0``), the ``h`` are the network's true activations, and
``f = min_{z_i = 1} h_i > 0`` (``f = M`` if no unit is active). Conversely if ``f > 0``: an active
unit has ``h_i >= f > 0`` and ``hbar_i <= 0``, so ``a_i = h_i > 0``; an inactive one has ``h_i <= 0``,
so ``h_i = 0`` and ``a_i = -hbar_i <= 0``; in both cases ``h_i = relu(a_i)``, so by induction over
the layers the ``h`` are the true activations at ``x`` and ``x in S_z``. (Interior.) On the set of
pattern ``z`` every pre-activation is an affine function ``a_i`` of ``x``. If the set contains an
open ``U``, each inactive ``a_i <= 0`` on ``U`` is either identically 0 or negative off a
hyperplane; removing finitely many hyperplanes from ``U`` leaves points where every
non-identically-zero inactive unit is strictly negative. Conversely such a point has, by
continuity, a neighbourhood with the same pattern.
"""

import random

import pytest

from _proofkit import brute_patterns, records, regions_1d, toolkit_count
from regionmath.network import Network

DEGENERATE = [
    # (name, weights, biases, box, interior count, serra2018 count), counted by hand
    ("x and -x", [[[1], [-1]]], [[0, 0]], ([-1], [1]), 2, 3),
    ("x, -x and y", [[[1, 0], [-1, 0], [0, 1]]], [[0, 0, 0]], ([-1, -1], [1, 1]), 4, 6),
    ("zero unit", [[[1], [0]]], [[0, 0]], ([-1], [1]), 2, 2),
    ("same hyperplane twice", [[[1], [2]]], [[0, 0]], ([-1], [1]), 2, 2),
    ("|x| then relu", [[[1], [-1]], [[1, 1]]], [[0, 0], [0]], ([-1], [1]), 2, 3),
    ("folded twice", [[[1], [-1]], [[1, 1], [-1, -1]]], [[0, 0], ["-1/2", "1/2"]], ([-1], [1]), 4, 7),
]


@pytest.mark.parametrize("name, W, b, box, interior, serra", DEGENERATE, ids=[d[0] for d in DEGENERATE])
def test_degenerate_networks(name, W, b, box, interior, serra):
    net = Network.from_exact(W, b, box=box)
    assert len(brute_patterns(net.weights, net.biases, box=net.box)) == interior
    assert len(brute_patterns(net.weights, net.biases, box=net.box, definition="serra2018")) == serra
    got_i = toolkit_count(net, method="milp", definition="interior")
    got_s = toolkit_count(net, method="milp", definition="serra2018")
    assert got_i.complete and got_i.certified and got_i.count == interior
    assert got_s.complete and got_s.count == serra
    assert toolkit_count(net, method="enumerate").count == interior


def test_random_networks_both_definitions(heavy):
    rng = random.Random(2018)
    for _ in range(12 if heavy else 4):
        n0 = rng.randint(1, 2)
        widths = (rng.randint(2, 3), rng.randint(1, 3))
        W, b, prev = [], [], n0
        for w in widths:
            W.append([[rng.randint(-3, 3) for _ in range(prev)] for _ in range(w)])
            b.append([rng.randint(-2, 2) for _ in range(w)])
            prev = w
        net = Network.from_exact(W, b, box=([-2] * n0, [2] * n0))
        ref_i = brute_patterns(net.weights, net.biases, box=net.box)
        ref_s = brute_patterns(net.weights, net.biases, box=net.box, definition="serra2018")
        assert set(ref_i) <= set(ref_s)
        got_i = toolkit_count(net, method="milp", definition="interior")
        got_s = toolkit_count(net, method="milp", definition="serra2018")
        assert got_i.certified and {r.pattern for r in got_i.regions} == set(ref_i)
        assert got_s.count == len(ref_s)


BOX_MARGIN = 1      # the box reaches this far beyond the outermost breakpoints


def test_a_box_around_the_breakpoints_counts_the_whole_line():
    recs = [r for r in records("relu", n0=1) if r.arch.N <= 5][::2]
    assert len(recs) >= 8
    for r in recs:
        net = r.network()
        line = regions_1d(net.exact_weights, net.exact_biases)
        assert len(line) == r.count
        cuts = [iv[0] for _, iv in line[1:]]
        box = ([float(min(cuts)) - BOX_MARGIN], [float(max(cuts)) + BOX_MARGIN])
        assert len(brute_patterns(net.weights, net.biases, box=box)) == r.count, r.name
