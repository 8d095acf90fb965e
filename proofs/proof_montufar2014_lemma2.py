"""Montúfar et al. 2014, Lemma 2 and eq. (6): the count of the folding construction.

Statement (Sec. 2.3, Lemma 2)
-----------------------------
    "The maximal number of linear regions of the functions computed by an L-layer neural
    network with piecewise linear activations is at least N = sum_{R in P^L} N_R^{L-1}, where
    N_R^{L-1} is defined by Eq. (3), and P^L is a set of neighborhoods in distinct linear
    regions of the function computed by the last hidden layer."

Statement (App. B, eq. (6))
---------------------------
    "the number of input-space neighborhoods that are mapped by the first L-1 layers onto the
    (open) unit hypercube (0,1)^{n_0} [...] is N^{L-1}_{(0,1)^{n_0}} = prod_{l=1}^{L-1}
    prod_{i=1}^{n_0} p_{l,i}."

Verdict
-------
**Certified by construction** (exact counts) and **proved**. The folding network of App. B is
written out here with exact rational weights, independently of
``regionmath.constructions``, and its activation regions on ``[0, 1]^{n_0}`` are counted exactly
(on the line by exact breakpoints, in the plane by one LP per pattern with exact witness
checks). The count equals Lemma 2's ``N`` with eq. (6): ``prod_{l<L} prod_i p_{l,i} *
Phi(n_L, n_0)`` -- no more and no fewer. The toolkit's own construction
(``regionmath.constructions.build("montufar2014-thm4", arch)``) is counted the same way and
must reach the registry value.

Argument
--------
Lemma 2: the first ``L - 1`` layers map each of the ``N_R^{L-1}`` preimages of ``R`` onto ``R``;
preimages of different ``R`` lie in different activation regions of the last layer (by
continuity the last layer's pattern on a preimage is the pattern on ``R``), and preimages of
the same ``R`` are separated by the earlier layers' patterns. So the activation regions are at
least ``sum_R N_R^{L-1}``. In the folding construction the earlier layers cut ``[0,1]^{n_0}``
into ``prod p_{l,i}`` boxes, each mapped affinely and bijectively onto ``[0,1]^{n_0}``
(proof_montufar2014_folding.py), and the last layer's hyperplanes, tangent to a circle inside
the cube, have every vertex inside the cube, so each of their ``Phi(n_L, n_0)`` regions meets
every box: the count is exactly the product.

A note on definitions: Lemma 2 is stated for linear regions of the function (Montúfar's
definition); what is counted here, and by the toolkit, are activation regions. A generic
linear read-out (an output layer) makes the two agree on this construction; the toolkit's
bounds are read as bounds on activation regions.
"""

import math
from fractions import Fraction as F

import pytest

from _proofkit import brute_patterns, exact_pattern_ok, phi_literal, registry_entry, regions_1d, toolkit_build, toolkit_count
from regionmath import Architecture


def fold_coefficients(p):
    """The alternating coefficients of the normalised p-fold on [0, 1]."""
    return [F(1)] + [F(2 * (-1) ** q) for q in range(1, p)]


def tangent_lines(count):
    """`count` lines tangent to the circle of radius 3/10 about (1/2, 1/2), normals in the first
    quadrant (rational: (1-s^2, 2s)/(1+s^2)); all their crossings lie inside (0, 1)^2."""
    rows, biases = [], []
    for i in range(count):
        s = F(i + 1, count + 1)
        a, b = (1 - s * s) / (1 + s * s), 2 * s / (1 + s * s)
        rows.append([a, b])
        biases.append(-(a / 2 + b / 2) - F(3, 10))   # a.t + bias = 0  <=>  a.(t - c) = r
    return rows, biases


def folding_network(n0, widths):
    """App. B's construction on [0, 1]^n0 with exact weights: (weights, biases, claimed count)."""
    assert n0 in (1, 2)
    W, b = [], []
    prev = None   # previous layer: list of (coordinate, coefficient) per unit
    for w in widths[:-1]:
        sizes = [len(range(i, w, n0)) for i in range(n0)]
        rows, bias, cur = [], [], []
        for i, p in enumerate(sizes):
            for q in range(p):
                if prev is None:
                    row = [F(p) if c == i else F(0) for c in range(n0)]
                else:
                    row = [p * coef if coord == i else F(0) for coord, coef in prev]
                rows.append(row)
                bias.append(F(-q))
                cur.append((i, fold_coefficients(p)[q]))
        W.append(rows)
        b.append(bias)
        prev = cur
    nL = widths[-1]
    if n0 == 1:
        eff_rows, eff_b = [[F(1)] for _ in range(nL)], [F(-(i + 1), nL + 1) for i in range(nL)]
    else:
        eff_rows, eff_b = tangent_lines(nL)
    if prev is None:
        W.append(eff_rows)
    else:
        W.append([[r[coord] * coef for coord, coef in prev] for r in eff_rows])
    b.append(eff_b)
    groups = [math.prod(len(range(i, w, n0)) for i in range(n0)) for w in widths[:-1]]
    return W, b, math.prod(groups) * phi_literal(nL, n0)


@pytest.mark.parametrize("widths", [(1,), (3,), (2, 2), (3, 4), (5, 1), (2, 3, 2), (4, 3, 5), (3, 3, 3, 3)])
def test_line_construction_counts_exactly(widths):
    W, b, claimed = folding_network(1, widths)
    regions = regions_1d(W, b, lo=F(0), hi=F(1))
    assert len(regions) == len({p for p, _ in regions}) == claimed
    assert registry_entry("montufar2014-thm4-eq7").value(Architecture(1, widths)) == claimed


@pytest.mark.parametrize("widths", [(3,), (2, 3), (4, 3), (5, 2), (4, 1), (2, 2, 2)])
def test_plane_construction_counts_exactly(widths):
    W, b, claimed = folding_network(2, widths)
    found = brute_patterns(W, b, box=([0, 0], [1, 1]))
    assert all(exact_pattern_ok(W, b, pat, x) for pat, x in found.items())
    assert len(found) == claimed
    assert registry_entry("montufar2014-thm4-eq7").value(Architecture(2, widths)) == claimed


@pytest.mark.parametrize("n0, widths", [(1, (3, 3)), (2, (2, 3)), (2, (4, 4)), (2, (3, 2, 3)), (3, (3, 3))])
def test_toolkit_construction_reaches_the_registry_value(n0, widths):
    arch = Architecture(n0, widths)
    c = toolkit_build("montufar2014-thm4", arch)
    got = toolkit_count(c.network, domain=c.domain)
    assert got.complete and got.certified
    assert c.claimed == registry_entry("montufar2014-thm4").value(arch)
    assert got.count == c.claimed if c.exact else got.count >= c.claimed
