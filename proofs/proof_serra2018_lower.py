"""Serra et al. 2018: the improved lower bound (turned folds).

Statement (poster, Sec. 5 summary: "insights on obtaining more linear regions"; ICML paper,
Theorem 8 [number unsure], as carried in REFERENCES.md)
---------------------------------------------------------------------------------------
    lower bound (prod_{l<L} (floor(n_l/n_0) + 1)^{n_0}) * Phi(n_L, n_0), every n_l >= 3 n_0.

Registry entry: ``serra2018-lower`` (lower). Arora et al.'s bound and Serra's improvement of it:
proof_serra2018_arora.py.

Verdict
-------
* ``serra2018-lower``: **certified by construction** (the toolkit's turned-sawtooth networks,
  counted exactly: on the line by the independent exact counter, in the plane by one LP per
  pattern with exact witnesses, and by the toolkit's counter) on the listed architectures; in
  general it rests on the sketch below (the turned fold is proved, the composition is Lemma
  2's).
  It exceeds Montúfar's Thm 4 / eq. (7) on the whole range and never exceeds Thm 1. The
  width condition is needed only for ``l < L``; for ``n_0 = 1`` a layer of 2 units cannot fold
  3 times (proof_serra2018_exact_1d.py), so ``3 n_0`` cannot be lowered to ``2 n_0`` there.

Argument (sketch)
-----------------
A group of ``p >= 3`` units reading one coordinate can make a sawtooth with ``p + 1`` pieces,
each mapped onto ``[0, 1]``: ``p - 1`` units place the interior breakpoints and one unit,
facing the other way, gives the first piece its slope (with ``p = 2`` the middle slope would
have to be the sum of the outer ones, see proof_serra2018_exact_1d.py). Folding every
coordinate this way in each layer ``l < L`` and cutting the cube by ``n_L`` hyperplanes in general
position gives the product (Lemma 2, proof_montufar2014_lemma2.py).
"""

import math
from fractions import Fraction as F

import pytest

from _proofkit import (architectures, brute_patterns, exact_pattern_ok, phi_literal, regions_1d, registry_entry,
                       toolkit_build, toolkit_count)
from regionmath import Architecture


def lower_literal(arch):
    return math.prod((w // arch.n0 + 1) ** arch.n0 for w in arch.widths[:-1]) * phi_literal(arch.widths[-1], arch.n0)


def test_serra_lower_values_and_order():
    lower, eq7, t1 = (registry_entry(i) for i in ("serra2018-lower", "montufar2014-thm4-eq7", "serra2018-thm1"))
    for arch in architectures(range(1, 4), range(1, 13), range(1, 4)):
        if not all(w >= 3 * arch.n0 for w in arch.widths[:-1]):
            assert not lower.applies(arch)
            continue
        assert lower.value(arch) == lower_literal(arch)
        assert lower.value(arch) <= t1.value(arch)
        if arch.L > 1:
            assert lower.value(arch) > eq7.value(arch)


@pytest.mark.parametrize("n0, widths", [(1, (3, 2)), (1, (4, 3, 1)), (2, (6, 2)), (2, (7, 1)), (2, (6, 3))])
def test_construction_certified(n0, widths):
    arch = Architecture(n0, widths)
    c = toolkit_build("serra2018-lower", arch)
    net = c.network
    claimed = registry_entry("serra2018-lower").value(arch)
    if n0 == 1:
        count = len(regions_1d(net.exact_weights, net.exact_biases, lo=F(c.domain[0][0]), hi=F(c.domain[1][0])))
    else:
        W = [[list(r) for r in M] for M in net.exact_weights]
        b = [list(v) for v in net.exact_biases]
        found = brute_patterns(W, b, box=c.domain)
        assert all(exact_pattern_ok(W, b, p, x) for p, x in found.items())
        count = len(found)
    assert count == claimed == c.claimed if c.exact else count >= claimed
    got = toolkit_count(net, domain=c.domain)
    assert got.complete and got.certified and got.count == count
