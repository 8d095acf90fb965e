"""Serra et al. 2018: the bottleneck effect (Prop. 2), about Theorem 1's value and about true maxima.

Statement (Prop. 2 of the ICML paper as restated in REFERENCES.md [restated: the poster does not
carry it; wording unconfirmed])
-----------------------------------------------------------------------------------------
    of two layers of equal width, removing a unit from the layer closer to the input lowers
    Theorem 1 by at least as much; for large n0, moving a unit from layer 1 to layer 2
    strictly lowers it.

Both are statements about the *value of Theorem 1*, an upper bound, not about the maximal
number of regions. ``regionmath.asymptotics.bottleneck_effect`` tabulates the sign of moving a
unit from layer 2 to layer 1 for Theorem 1.

Verdict
-------
* Prop. 2, two layers: ``Thm1(n0; n-1, n) <= Thm1(n0; n, n-1)``, strictly iff ``n <= 2 n0``:
  **proved** (below) and checked exhaustively for ``n0 <= 8, n <= 12`` (``n0 <= 12, n <= 15``
  with ``--heavy``).
* Prop. 2 for a pair of equal-width layers ``i < j`` inside a deeper network (``L = 3``):
  **exhaustive on a range** (``n0 <= 4``, widths ``<= 6``; ``n0 <= 5``, widths ``<= 7`` with
  ``--heavy``): it holds there; no proof here.
* "For large n0 moving a unit from layer 1 to layer 2 strictly lowers it": with two layers,
  if ``n1 <= n0`` and ``n2 >= 2`` then ``Thm1(n1 + 1, n2 - 1) > Thm1(n1, n2)``: **proved** (an
  injection, below) and checked exhaustively on the same range.
* **About true maxima the Theorem-1 picture can be wrong.** At ``n0 = 1``, Theorem 1 says
  ``(2, 2) -> (3, 1)`` (a unit moved forward) lowers the bound, 9 -> 8; the true maxima go
  the other way, 7 -> 8 (7: the proved line bound, attained by a certified record; 8: exact,
  proof_serra2018_exact_1d.py). A real case where moving a unit from layer 2 to layer 1
  lowers the **true maximum**: ``n0 = 1``, ``(3, 3) -> (4, 2)``: 16 -> 15, both exact
  (``prod (n_l + 1)`` with every earlier width ``>= 3``; certified records reach both).
* Prop. 2 read for true maxima at ``n0 = 1`` holds for every ``n``: **proved** from the exact
  values (``n >= 4``: both are ``n (n + 1)``; ``n = 2``: 4 <= 5; ``n = 3``: 9 <= 12, each value
  the proved line bound and attained by a record).

Argument
--------
For two layers Theorem 1 counts pairs ``(S, T)``, ``S`` a subset of the ``n1`` units of layer 1
and ``T`` of the ``n2`` of layer 2, with ``|S| <= n0``, ``|T| <= n0``, ``|S| + |T| <= n1``
(``j_1 = |S|``, ``j_2 = |T|``). By sizes: ``sum C(n1, s) C(n2, t)`` over ``s, t <= n0``, ``s + t <= n1``.

*Prop. 2.* ``(n-1, n)``: ``sum C(n-1, s) C(n, t)`` over ``D = {s, t <= n0, s + t <= n - 1}``;
``(n, n-1)``: ``sum C(n, s) C(n-1, t)`` over ``D`` and the extra line ``s + t = n``. ``D`` is
symmetric in ``(s, t)``, so swapping ``s`` and ``t`` makes the sums over ``D`` equal, and the
difference is the extra line, non-empty (with positive terms) iff some ``s + t = n`` has
``s, t <= n0`` and ``t <= n - 1``, i.e. iff ``n <= 2 n0``.

*Moving a unit forward when n1 <= n0.* Move unit ``x`` from layer 2 to layer 1. Send
``(S, T)`` to ``(S, T)`` if ``x`` is not in ``T``, and to ``(S + x, T - x)`` if it is. Sizes are kept
or shifted by one between the parts, so ``|S'| + |T'| <= n1 < n1 + 1``; ``|S'| <= n0`` since
``x`` in ``T`` forces ``|S| <= n1 - 1 <= n0 - 1``; ``|T'| <= n0``. Images of the two kinds differ by
whether ``x`` is in ``S'``: the map is injective. A pair with ``|S'| + |T'| = n1 + 1`` (``S'`` = the
old layer 1, ``T'`` one unit of the new layer 2, which exists as ``n2 >= 2``) is not an image.
"""

import itertools

import pytest

from _proofkit import check_upper_on_records, records, registry_entry
from proof_serra2018_exact_1d import line_upper
from regionmath import Architecture


def thm1(n0, widths):
    return registry_entry("serra2018-thm1").value(Architecture(n0, tuple(widths)))


def prop2_gap(n0, n):
    """Thm1(n, n-1) - Thm1(n-1, n): what removing a unit from layer 1 costs beyond layer 2."""
    return thm1(n0, (n, n - 1)) - thm1(n0, (n - 1, n))


def test_prop2_two_layers(heavy):
    n0s, ns = (range(1, 13), range(2, 16)) if heavy else (range(1, 9), range(2, 13))
    for n0 in n0s:
        for n in ns:
            gap = prop2_gap(n0, n)
            assert gap >= 0
            assert (gap > 0) == (n <= 2 * n0)


def test_prop2_equal_pair_in_three_layers(heavy):
    n0s, ws = (range(1, 6), range(2, 8)) if heavy else (range(1, 5), range(2, 7))
    for n0 in n0s:
        for widths in itertools.product(ws, repeat=3):
            for i, j in itertools.combinations(range(3), 2):
                if widths[i] == widths[j]:
                    first = list(widths)
                    first[i] -= 1
                    later = list(widths)
                    later[j] -= 1
                    assert thm1(n0, first) <= thm1(n0, later)


def test_moving_a_unit_forward_strictly_helps_when_n1_at_most_n0():
    for n0 in range(1, 9):
        for n1 in range(1, n0 + 1):
            for n2 in range(2, 13):
                assert thm1(n0, (n1 + 1, n2 - 1)) > thm1(n0, (n1, n2))


def test_true_maxima_on_the_line():
    """(2,2) -> (3,1): Thm 1 9 -> 8 but true maxima 7 -> 8; (3,3) -> (4,2): true 16 -> 15."""
    exact = registry_entry("serra2018-exact-1d")
    recs = {r.name: r for r in records("relu", n0=1)}

    def true_max(widths):
        """Exact where the proved line bound is attained by a certified record."""
        r = recs["relu_n0-1_" + "-".join(map(str, widths))]
        assert r.count_on_line() == r.count == line_upper(widths)
        return r.count

    assert thm1(1, (2, 2)) == 9 > thm1(1, (3, 1)) == 8
    assert true_max((2, 2)) == 7 < true_max((3, 1)) == 8 == exact.value(Architecture(1, (3, 1)))
    assert true_max((3, 3)) == 16 > true_max((4, 2)) == 15
    assert exact.value(Architecture(1, (3, 3))) == 16 and exact.value(Architecture(1, (4, 2))) == 15
    # Prop. 2 read for true maxima at n0 = 1
    assert true_max((1, 2)) == 4 <= true_max((2, 1)) == 5
    assert true_max((2, 3)) == 9 <= true_max((3, 2)) == 12
    for n in range(4, 40):
        assert line_upper((n - 1, n)) == line_upper((n, n - 1)) == n * (n + 1)


def test_records_check_the_bound_used():
    # the line bound behind the true maxima is an upper bound the records never beat
    assert check_upper_on_records(lambda a: line_upper(a.widths), records("relu", n0=1))
