"""Serra et al. 2018: deep versus shallow with the same number of units (Cor. 3 of the ICML paper
[numbering as in REFERENCES.md]).

Statement (poster, Sec. 3, "Deep vs. shallow trade-off")
--------------------------------------------------------
    "Since the bound is exact for shallow networks, they can attain more linear regions than
    deep networks with the same number of units if n_0 is sufficiently large; the opposite is
    known for small n_0."

REFERENCES.md: "a deep net beats every shallow net with the same units only if that number
exceeds n0".

Verdict
-------
* "Only if ``N > n_0``": **proved**, and in fact **sharpened**: a deep network (``L >= 2``) with
  ``N`` units never has more regions than the best shallow network with ``N`` units unless
  ``N >= n_0 + 2``. Checked exhaustively with the registry's Theorem 1 for ``n_0 <= 7``.
* The sharpened threshold is attained for ``n_0 = 1``: widths ``(2, 1)`` (``N = 3``) reach 5
  regions on the line, certified exactly, against ``Phi(3, 1) = 4`` for one layer of 3 units.
* "Shallow wins for large ``n_0``": **proved** -- every deep architecture with ``N`` units is
  matched by the shallow one once ``n_0 >= N - 1``; checked on every architecture with
  ``N <= 10``.
* "The opposite for small ``n_0``": **certified by construction** -- ``n_0 = 2``, widths
  ``(6, 1)``: the turned-fold construction has 32 regions (counted exactly) against
  ``Phi(7, 2) = 29``; this is the smallest ``N`` at which a registry lower bound for a deep
  architecture exceeds the shallow maximum when ``n_0 = 2``.

Argument
--------
Theorem 1 is an upper bound (proved in proof_serra2018_thm1.py). The shallow maximum with ``N`` units is ``Phi(N, n_0)`` (Zaslavsky), which is ``2^N`` for
``N <= n_0`` and ``2^N - 1`` for ``N = n_0 + 1``. For a deep architecture, Theorem 1 sums
``prod_l C(n_l, j_l)`` over ``J``, a subset of the box ``prod_l {0..n_l}`` whose full sum is
``2^N``; the corner ``j = (n_1, ..., n_L)`` is not in ``J`` because ``j_2 <= n_1 - j_1 = 0 < n_2``, so
Theorem 1 is at most ``2^N - 1 <= Phi(N, n_0)`` whenever ``N <= n_0 + 1``. The same count shows
shallow >= deep whenever ``n_0 >= N - 1``. For ``n_0 = 1`` and widths ``(2, 1)``: the first layer
cuts the line in 3 pieces and the second unit's pre-activation can change sign twice
(proof_serra2018_exact_1d.py), giving 5 > 4.
"""

from fractions import Fraction as F

from _proofkit import (brute_patterns, exact_pattern_ok, phi_literal, regions_1d, registry_entry, toolkit_build,
                       toolkit_count)
from regionmath import Architecture


def compositions(N, min_parts=2):
    """Every tuple of positive widths summing to N with at least min_parts layers."""
    if N == 0:
        yield ()
        return
    for first in range(1, N + 1):
        for rest in compositions(N - first, 0):
            if len(rest) + 1 >= min_parts:
                yield (first,) + rest


def test_deep_never_beats_shallow_below_n0_plus_2():
    t1, shallow = registry_entry("serra2018-thm1"), registry_entry("zaslavsky")
    for n0 in range(1, 8):
        for N in range(2, n0 + 2):
            best_shallow = shallow.value(Architecture(n0, (N,)))
            assert best_shallow == phi_literal(N, n0)
            for widths in compositions(N):
                assert t1.value(Architecture(n0, widths)) <= best_shallow


def test_shallow_wins_once_n0_reaches_N_minus_1():
    t1 = registry_entry("serra2018-thm1")
    for N in range(2, 11):
        for widths in compositions(N):
            for n0 in range(N - 1, N + 2):
                assert t1.value(Architecture(n0, widths)) <= phi_literal(N, n0)


def test_threshold_n0_plus_2_is_attained_on_the_line():
    # widths (2, 1): relu(-x - 2), relu(x - 1), then -2 u1 - 2 u2 + 3 changes sign twice
    W = [[[-1], [1]], [[-2, -2]]]
    b = [[-2, -1], [3]]
    regions = regions_1d(W, b)
    assert len(regions) == 5 > registry_entry("zaslavsky").value(Architecture(1, (3,))) == 4


def test_deep_wins_for_small_n0_certified():
    arch = Architecture(2, (6, 1))
    lower, shallow = registry_entry("serra2018-lower"), registry_entry("zaslavsky").value(Architecture(2, (7,)))
    assert lower.value(arch) == 32 > shallow == 29
    # the smallest N where a registry lower bound for a deep architecture beats Phi(N, 2)
    lows = [registry_entry(i) for i in ("montufar2014-thm4-eq7", "serra2018-lower", "arora2018",
                                         "serra2018-arora-improved", "pascanu2013")]
    first = next(N for N in range(3, 12) for w in compositions(N)
                 for b in lows if b.applies(Architecture(2, w)) and b.value(Architecture(2, w)) > phi_literal(N, 2))
    assert first == 7
    c = toolkit_build("serra2018-lower", arch)
    Wq = [[list(r) for r in M] for M in c.network.exact_weights]
    bq = [list(v) for v in c.network.exact_biases]
    found = brute_patterns(Wq, bq, box=c.domain)
    assert all(exact_pattern_ok(Wq, bq, p, x) for p, x in found.items())
    assert len(found) >= 32
    got = toolkit_count(c.network, domain=c.domain)
    assert got.certified and got.count == len(found)
