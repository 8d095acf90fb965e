"""Charisopoulos and Maragos 2018: the tropical bound for one ReLU layer.

Statement (arXiv 1805.08749, abstract; the body could not be read)
------------------------------------------------------------------
v2: the tropical approach "enables us to refine their [Montúfar et al. 2014's] upper bounds on
linear regions of layers with ReLU or leaky ReLU activations to min{2^m, sum_{j=0}^{n} C(m, j)},
where n, m are the number of inputs and outputs, respectively".
v1 printed min{2^m, 2 sum_{j=0}^{n} C(m-1, j)} instead.

Registry entry: ``charisopoulos2018`` (upper; one layer, ``L = 1``; the v2 form). The theorem
of the body, its hypotheses and any statement for several layers were not read: the toolkit
does not apply the bound beyond one layer.

Verdict
-------
* v2: **proved**, and it **is Zaslavsky's bound**: the minimum is always ``Phi(m, n)``, never
  smaller, so it refines Montúfar's ``2^m`` exactly as far as Zaslavsky already did (Montúfar
  2014 Sec. 2.2 states ``Phi(m, n)`` for one layer itself). Records attain it (every certified
  one-layer record), so ``value - 1`` fails there.
* v1: a **valid but weaker** bound: ``min{2^m, 2 Phi(m-1, n)} = Phi(m, n) + C(m-1, n)`` for
  ``n <= m - 1`` and ``2^m = Phi(m, n)`` for ``n >= m``; above every record with ``n < m``.
Checked by proof and exhaustively for ``m <= 60``, ``n <= 65``.

Argument
--------
``Phi(m, n) = sum_{j <= min(n, m)} C(m, j) <= sum_{j <= m} C(m, j) = 2^m``, so the minimum is
``Phi(m, n)``. One layer of ``m`` units on ``R^n`` has at most as many pieces as activation
regions, and its activation regions are cells of an arrangement of at most ``m`` hyperplanes in
``R^n``: at most ``Phi(m, n)`` (Zaslavsky; ``proof_montufar2014_zaslavsky.py``). For v1, Pascal's
rule gives ``2 Phi(m-1, n) = Phi(m-1, n) + Phi(m-1, n-1) + C(m-1, n) = Phi(m, n) + C(m-1, n)``;
for ``n <= m - 1``, ``Phi(m, n) + C(m-1, n) <= Phi(m, n) + C(m, n+1) <= 2^m``, so the minimum is
that sum, larger than ``Phi(m, n)`` by ``C(m-1, n) >= 1``; for ``n >= m`` both terms are ``>= 2^m``.
"""

import math

from _proofkit import check_upper_on_records, phi_literal, records, registry_entry
from regionmath import Architecture


def v1_minimum(m, n):
    return min(2 ** m, 2 * sum(math.comb(m - 1, j) for j in range(n + 1)))


def test_minimum_is_zaslavsky():
    entry = registry_entry("charisopoulos2018")
    for m in range(1, 61):
        for n in range(0, 66):
            literal = min(2 ** m, sum(math.comb(m, j) for j in range(n + 1)))
            assert literal == phi_literal(m, n)
            if 1 <= n <= 30 and m <= 30:
                assert entry.value(Architecture(n, (m,))) == literal


def test_v1_reading_is_weaker_by_the_binomial():
    for m in range(1, 61):
        for n in range(0, 66):
            extra = math.comb(m - 1, n) if n <= m - 1 else 0
            assert v1_minimum(m, n) == phi_literal(m, n) + extra


def test_records_never_exceed_and_attain():
    entry = registry_entry("charisopoulos2018")
    one_layer = records("relu", depth=1)
    attained = check_upper_on_records(lambda a: entry.value(a) if entry.applies(a) else None, one_layer)
    assert len(attained) >= 10
    narrow = [r for r in one_layer if r.arch.n0 < r.arch.widths[0]]
    assert narrow and all(r.count < v1_minimum(r.arch.widths[0], r.arch.n0) for r in narrow)
