"""Maxout constructions: parallel hyperplanes, folding by maxout units, Shi and Catalan layers.

A maxout unit of rank ``k`` computes the upper envelope of ``k`` affine functions; its
activation regions are where each piece is the strict maximum. A unit whose pieces are
``i t - sum_{l<=i} c_l`` in one coordinate ``t`` (:func:`~regionmath.constructions.layers.convex_steps`)
has exactly the ``k`` slabs between the parallel hyperplanes ``t = c_1 < ... < c_{k-1}`` as
its regions. Note: the regions of a unit are *not* the regions cut by all ``C(k, 2)``
hyperplanes ``f_a = f_b``: for ``k >= 3`` the ties of non-adjacent pieces ``a < b`` (here at
``t = mean(c_{a+1}, ..., c_b)``) lie where a piece in between is larger and cut nothing, so a
unit has ``k`` regions, not ``C(k, 2) + 1``.

Theorem 8 (Montúfar et al. 2014)
--------------------------------
"A maxout network with L layers of width n0 and rank k can compute functions with at least
k^(L-1) k^n0 linear regions." The proof in App. D is a sketch. What the toolkit establishes
(proofs/proof_montufar2014_thm8.py):

* **false for n0 = 1, k >= 3, L >= 2**: a one-input network of width 1 has at most
  ``1 + (k-1)(2^L - 1) < k^L`` activation regions (each unit's output composed with a convex
  function at most doubles the number of monotone pieces, and every level is crossed once per
  monotone piece); e.g. ``n0 = 1, k = 3, L = 2``: at most 7 < 9. :func:`montufar2014_thm8`
  refuses these with a :class:`~regionmath.errors.HypothesisError`.
* **true when k <= 2^n0** (and for every ``k`` when ``L = 1``): the construction below folds
  each coordinate once per layer with a maxout unit computing ``|2u - 1|`` (2 of its pieces;
  the other ``k - 2`` are constant ``-1`` and never maximal), identifying ``2^n0 >= k`` boxes
  per layer, then cuts ``[0, 1]^n0`` into ``k^n0`` boxes with parallel hyperplanes: exactly
  ``2^(n0 (L-1)) k^n0 >= k^(L-1) k^n0`` regions.
* **true for n0 >= 2 and every k**: for ``k > 2^n0`` two rank-``k`` units on ``(u_1, u_2)`` whose
  level sets are interleaved ``k``-gons (:func:`~regionmath.constructions.layers.polygon_fold`)
  identify ``2k`` regions per layer (times ``2^(n0-2)`` from folding the other coordinates),
  which is at least ``k``; the count is then at least the claim, not equal to it.

So the exact hypothesis is: ``L = 1``, or ``k = 2``, or ``n0 >= 2``.

Examples
--------
>>> from regionmath import Architecture
>>> shi(Architecture(3, (3,), "maxout", 3)).designed      # (n+1)^(n-1) with n = 3
16
>>> montufar2014_thm8(Architecture(1, (1, 1), "maxout", 3))
Traceback (most recent call last):
...
regionmath.errors.HypothesisError: montufar2014-thm8 does not apply: ...
"""

from __future__ import annotations

from fractions import Fraction

from ..architecture import Architecture
from ..bounds.maxout import montufar2014_thm8_refuted
from .base import Construction, claimed_value, register, require
from .layers import (Stack, convex_steps, dyadic_steps, maxout_abs, maxout_constant, maxout_identity,
                     polygon_fold)

F = Fraction


def _unit_cube(n0):
    return ([F(0)] * n0, [F(1)] * n0)


def _maxout_arch(cid, arch):
    require(cid, arch, [(arch.activation == "maxout", f"a maxout architecture (got {arch.activation}; give --rank)")])


def _steps_layer(k, n, d):
    """``n`` units of rank ``k``: unit ``j < d`` cuts ``u_j`` at ``k - 1`` dyadic points of ``(0, 1)``;
    the others are constant."""
    rows, biases = [], []
    for j in range(n):
        if j < d:
            r, b = convex_steps(dyadic_steps(k), j, d)
        else:
            r, b = maxout_constant(k, d)
        rows += r
        biases += b
    return rows, biases


@register("montufar2014-prop7-lower")
def montufar2014_prop7_lower(arch: Architecture) -> Construction:
    """One maxout layer of ``m`` rank-``k`` units on ``n`` inputs: ``k^min(n, m)`` regions.

    Unit ``j <= min(n, m)`` cuts coordinate ``j`` at ``i / 2^c``, ``i < k <= 2^c``; the other units have
    a strictly maximal constant piece. Deeper layers (if any) are identities
    (``max(u_j, u_j - 1, ...)``) and cut nothing. Exactly ``k^min(n, m)`` regions in
    ``[0, 1]^n``.

    References
    ----------
    Montúfar et al. 2014, Proposition 7 and the paragraph before it.
    """
    cid = "montufar2014-prop7-lower"
    _maxout_arch(cid, arch)
    claimed = claimed_value(cid, arch)
    k, d = arch.rank, arch.n0
    stack = Stack(d)
    first = arch.widths[0]
    rows, biases = _steps_layer(k, first, d)
    e = min(first, d)
    out_A = [[F(int(i == u and i < e)) for u in range(first)] for i in range(d)]
    stack.add(rows, biases, out_A, [F(0)] * d)
    for w in arch.widths[1:]:
        rows, biases = [], []
        for j in range(w):
            r, b = maxout_identity(k, j, d) if j < d else maxout_constant(k, d)
            rows += r
            biases += b
        out_A = [[F(int(i == u)) for u in range(w)] for i in range(d)]
        stack.add(rows, biases, out_A, [F(0)] * d)
    designed = k ** e
    return Construction(cid, stack.network("maxout", k, box=_unit_cube(d)), _unit_cube(d), claimed,
                        exact=designed == claimed, designed=designed,
                        notes="parallel hyperplanes u_j = i/2^c (i < k <= 2^c), one family per unit")


def montufar2014_thm8_status(n0: int, k: int, L: int):
    """``(holds, reason)``: what the toolkit establishes about Theorem 8 at ``(n0, k, L)``.

    ``holds`` is True (proved by a construction) or False (refuted: see the proof file).
    """
    if L == 1:
        return True, "L = 1: k^n0 regions by parallel hyperplanes (Prop. 7)"
    refuted = montufar2014_thm8_refuted(n0, k, L)
    if refuted:
        return False, refuted
    if k <= 2 ** n0:
        return True, "k <= 2^n0: folding every coordinate once per layer identifies 2^n0 >= k regions"
    return True, "n0 >= 2, k > 2^n0: two interleaved k-gons identify 2k regions per layer"


@register("montufar2014-thm8")
def montufar2014_thm8(arch: Architecture) -> Construction:
    """Deep maxout folding: at least ``k^(L-1) k^n0`` regions wherever Theorem 8 holds.

    Layers ``1 .. L-1``: unit ``j`` computes ``max(2u_j - 1, 1 - 2u_j, -1, ..., -1) =
    |2u_j - 1|``, folding ``[0, 1]`` at ``1/2`` onto ``[0, 1]`` (2 regions per unit, ``2^n0``
    boxes per layer, each mapped affinely onto the cube). Layer ``L``: unit ``j`` cuts ``u_j``
    at ``k - 1`` points (``k^n0`` boxes). Exactly ``2^(n0 (L-1)) k^n0`` regions in ``[0, 1]^n0``: equal
    to the claim when ``k = 2^n0`` or ``L = 1``, larger otherwise.

    For ``n0 >= 2`` and ``k > 2^n0`` the first two coordinates are folded instead by
    :func:`~regionmath.constructions.layers.polygon_fold` (``2k`` regions identified per layer;
    the count is at least the claim). Refused (HypothesisError) where Theorem 8 is false
    (``n0 = 1, k >= 3, L >= 2``) and for widths other than ``n0``. The paper's sketch
    (App. D) uses ``floor(k/2)`` coordinate directions with both signs, i.e. at most ``2 n0``
    useful pieces per unit, and "slight rotations": the toolkit does not follow it.

    References
    ----------
    Montúfar et al. 2014, Theorem 8 and App. D (proof sketch); the refutation and the
    construction: proofs/proof_montufar2014_thm8.py.
    """
    cid = "montufar2014-thm8"
    _maxout_arch(cid, arch)
    claimed = claimed_value(cid, arch)
    n0, k, L = arch.n0, arch.rank, arch.L
    require(cid, arch, [(all(w == n0 for w in arch.widths), f"every width equals n0 = {n0} (got {arch.widths})")])
    holds, reason = montufar2014_thm8_status(n0, k, L)
    require(cid, arch, [(holds is True, reason)])
    stack = Stack(n0)
    polygon = k > 2 ** n0
    per_layer = 2 ** n0
    for _ in range(L - 1):
        rows, biases = [], []
        out_a = [F(0)] * n0
        out_A = [[F(int(i == u)) for u in range(n0)] for i in range(n0)]
        first = 0
        if polygon:
            r, b, delta, crossings = polygon_fold(k, n0)
            rows += r
            biases += b
            for c in (0, 1):   # u' = (q - (1 - delta)) / (2 delta): the square U onto the unit square
                out_A[c][c] = 1 / (2 * delta)
                out_a[c] = -(1 - delta) / (2 * delta)
            first = 2
            per_layer = len(crossings) * 2 ** (n0 - 2)
        for j in range(first, n0):
            r, b = maxout_abs(k, j, n0)
            rows += r
            biases += b
        stack.add(rows, biases, out_A, out_a)
    rows, biases = _steps_layer(k, n0, n0)
    stack.add(rows, biases)
    identified = per_layer ** (L - 1) * k ** n0
    designed = None if polygon else identified
    notes = ("two interleaved k-gons on (u1, u2) and |2u-1| folds on the other coordinates identify "
             f"{per_layer} regions per layer, then parallel hyperplanes: at least {identified} regions"
             if polygon else "|2u-1| folds per coordinate (2^n0 boxes per layer), then parallel hyperplanes")
    return Construction(cid, stack.network("maxout", k, box=_unit_cube(n0)), _unit_cube(n0), claimed,
                        exact=designed == claimed, designed=designed, notes=notes)


def arrangement_regions(name: str, n: int) -> int:
    """Regions of the Shi (``(n+1)^(n-1)``) or Catalan (``n! C_n``) arrangement in ``R^n``: the
    closed form of :func:`regionmath.arrangements.closed_form` (Stanley 2004)."""
    from .. import arrangements
    return int(arrangements.closed_form(name)["regions"].subs(arrangements.n_sym, n))


def _arrangement_layer(name, arch, rank, shifts):
    _maxout_arch(name, arch)
    n = arch.n0
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    require(name, arch, [(n >= 2, f"n0 >= 2 (got {n})"),
                         (arch.rank == rank, f"rank {rank} (got {arch.rank})"),
                         (arch.widths == (len(pairs),), f"one layer of n0(n0-1)/2 = {len(pairs)} units (got {arch.widths})")])
    rows, biases = [], []
    for i, j in pairs:
        # convex in t = x_i - x_j with breakpoints at the shifts: piece a is a*t - sum_{b<=a} shifts[b]
        acc = F(0)
        for a in range(rank):
            if a:
                acc += F(shifts[a - 1])
            row = [F(0)] * n
            row[i], row[j] = F(a), F(-a)
            rows.append(row)
            biases.append(-acc)
    box = ([F(-n)] * n, [F(n)] * n)
    stack = Stack(n)
    stack.add(rows, biases)
    designed = arrangement_regions(name, n)
    return Construction(name, stack.network("maxout", rank, box=box), box, designed, exact=True, designed=designed,
                        notes=f"unit (i,j) is convex in x_i - x_j with breakpoints {list(map(str, shifts))}; "
                              f"box [-n, n]^n contains a neighbourhood of every vertex (x_n = 0)")


@register("shi")
def shi(arch: Architecture) -> Construction:
    """A layer of ``n(n-1)/2`` rank-3 maxout units whose regions are the Shi arrangement.

    Unit ``(i, j)`` has pieces ``0, t, 2t - 1`` in ``t = x_i - x_j``: its regions are the slabs
    cut by ``x_i - x_j = 0`` and ``= 1`` (the paper writes ``s in {0, 1}``, and later
    ``s = 1, 2``: it is ``{0, 1}``). The layer's regions are the ``(n+1)^(n-1)`` regions of
    the Shi arrangement ``S_n``; all meet the box ``[-n, n]^n``.

    References
    ----------
    Montúfar et al. 2014, App. D, Example 9; Stanley, "An introduction to hyperplane
    arrangements", 2004, Cor. 5.1.
    """
    return _arrangement_layer("shi", arch, 3, [0, 1])


@register("catalan")
def catalan(arch: Architecture) -> Construction:
    """A layer of ``n(n-1)/2`` rank-4 units whose regions are the Catalan arrangement.

    Unit ``(i, j)`` cuts at ``x_i - x_j = -1, 0, 1``: ``n! C_n`` regions.

    References
    ----------
    Montúfar et al. 2014, App. D, Example 9; Stanley 2004, Prop. 5.15.
    """
    return _arrangement_layer("catalan", arch, 4, [-1, 0, 1])
