"""The function's pieces on a line when the last hidden layer has one unit (issue 17).

Statement
---------
Let ``F = a relu(g) + b`` (or ``relu(g)``: no output layer) on an interval, where ``g`` is the
pre-activation of the single unit of the last hidden layer of a rectifier network with one
input and widths ``(n_1, ..., n_(L-1), 1)``, and ``P = prod_{l<L} (n_l + 1)``. Then ``F`` has at
most

    2P - floor((P - 1)/2)        linear pieces (Montúfar 2014's linear regions),

registry entry ``pieces-1d-one-unit``. For ``L = 2`` (widths ``(p, 1)``, ``P = p + 1``) this is
``p + 2 + ceil(p/2)``, and it is the maximum for every ``p >= 2`` (for ``p = 1`` the maximum is 3).

Consequences (verdicts)
-----------------------
* Montúfar 2014 Theorem 4 (and eq. (7), and Pascanu 2013, which coincide at ``n0 = 1``), read for
  pieces as its paper states it: at widths ``(p, 1)`` it claims ``2p``. **Refuted for p >= 6**
  (smallest: ``(6, 1)``, 12 claimed, at most 11); **holds for p <= 5** (the networks below attain
  ``p + 2 + ceil(p/2) >= 2p``). In general it is refuted for ``n0 = 1``, ``n_L = 1`` wherever its
  value exceeds ``2P - floor((P-1)/2)`` (e.g. ``(10, 10, 1)``: 200 > 182).
* Serra 2018's exact ``n0 = 1`` maximum ``prod (n_l + 1)``, read for pieces (Serra et al. remark
  that the two definitions "differ only in degenerate cases" with "no effect on the bounds"):
  **refuted whenever n_L = 1 and L >= 2** (``2P > 2P - floor((P-1)/2)`` as ``P >= 4``); smallest
  under its hypotheses ``(3, 1)``: 8 activation regions attained, at most 7 pieces. The same
  holds for Serra's lower bound at ``n0 = 1`` (its value equals the exact one there).

Argument
--------
Pieces of ``F`` (open, maximal, on which ``F`` is affine) on an interval are ``1 +`` the number of
points where ``F`` is not locally affine. ``g = W_L h_(L-1) + b_L`` is continuous, piecewise
affine, and affine on every activation region of the first ``L - 1`` layers; on a line those
number at most ``P`` (each unit of layer ``l`` cuts each interval at most once), so ``g`` has at
most ``m <= P - 1`` breakpoints. With ``a = 0`` ``F`` is constant; otherwise ``F`` is not locally
affine only at (i) breakpoints ``t`` of ``g`` with ``g(t) >= 0`` (where ``g < 0`` near ``t``, ``F``
is constant) and (ii) sign changes of ``g`` that are not breakpoints (zeros inside an affine
piece of non-zero slope). Let the sign changes of ``g`` be ``c_1 < ... < c_r``. On each of the
``r - 1`` intervals ``(c_j, c_(j+1))`` ``g`` has one sign and is not identically zero; if there is
no breakpoint of ``g`` in it where ``g`` has that strict sign, then the component of
``{g != 0}`` through a point of strict sign is an interval on which ``g`` is affine and zero at both
ends: impossible. So every such interval holds a breakpoint with the strict sign of the
interval, distinct intervals distinct breakpoints; hence ``r - 1 <= m``, and the
``floor((r - 1)/2)`` (at least) intervals where ``g < 0`` each hold a breakpoint with ``g < 0``,
which is not of kind (i). So the number of non-affine points is at most
``m - floor((r-1)/2) + r``, which grows with ``r``; at ``r = m + 1`` it is ``2m + 1 - floor(m/2)``,
and with ``m <= P - 1`` the pieces are at most ``2P - floor((P-1)/2)``.

Attained for ``(p, 1)``, ``p >= 2``: a zigzag ``g`` with breakpoints ``t_i = i/(p+1)`` in ``[0, 1]`` and
a sign change inside every affine piece, its first inner interval positive. With units
``relu(s_i (x - t_i))`` every unit changes the slope of ``g`` by its coefficient at ``t_i``,
whatever its orientation, and the slope of the first piece is minus the sum of the
coefficients of the units facing left: one linear condition on the values of ``g`` at the
knots, met by the amplitudes below (one unit faces left: the ``p``-th for odd ``p``, the
``(p-1)``-th for even ``p``; ``p = 2`` uses two sign changes and both breakpoints on the
positive side, which gives the same count). ``p = 1``: ``g`` is monotone, one sign change at
most, so ``F`` has at most 3 pieces (``relu(1 - 2 relu(x))`` on ``[-1, 1]`` has 3).

Checks below: the registry's value against the formula written out; the zigzag networks counted
by an independent exact breakpoint walk (F evaluated in Fractions) and by the toolkit's certified
pieces counter, equal to the bound; random small-integer networks never above it; the verdicts
in the registry; and a mutation check (the bound plus or minus one fails).
"""

from fractions import Fraction as F

import numpy as np
import pytest

from _proofkit import registry_entry


def bound_written_out(widths):
    P = 1
    for w in widths[:-1]:
        P *= w + 1
    return 2 * P - (P - 1) // 2


def line_max_two_layers(p):
    """The maximum for widths (p, 1): p + 2 + ceil(p/2) for p >= 2, 3 for p = 1."""
    return 3 if p == 1 else p + 2 + (p + 1) // 2


# -- an independent exact count on the line ----------------------------------------------------------
def F_exact(Ws, bs, x):
    h = [x]
    for W, b in zip(Ws, bs):
        h = [max(sum((w * v for w, v in zip(row, h)), F(0)) + bb, F(0)) for row, bb in zip(W, b)]
    return h


def kinks(Ws, bs, lo, hi):
    """All candidate non-affine points: every zero of every unit's pre-activation, layer by layer."""
    pts = [lo, hi]
    for depth in range(1, len(Ws) + 1):
        new = set()
        ends = sorted(set(pts))
        for x0, x1 in zip(ends, ends[1:]):
            # on (x0, x1) the first depth - 1 layers are affine: pre-activations of layer depth are affine
            a, b = x0 + (x1 - x0) / 3, x0 + 2 * (x1 - x0) / 3

            def pre(x):
                h = [x]
                for W, bb in zip(Ws[:depth - 1], bs[:depth - 1]):
                    h = [max(sum((w * v for w, v in zip(row, h)), F(0)) + c, F(0)) for row, c in zip(W, bb)]
                return [sum((w * v for w, v in zip(row, h)), F(0)) + c for row, c in zip(Ws[depth - 1], bs[depth - 1])]

            for za, zb in zip(pre(a), pre(b)):
                if za != zb:
                    r = a - za * (b - a) / (zb - za)
                    if x0 < r < x1:
                        new.add(r)
        pts += list(new)
    return sorted(set(pts))


def pieces_on_line(Ws, bs, lo=F(0), hi=F(1)):
    ends = kinks(Ws, bs, lo, hi)
    slopes = []
    for x0, x1 in zip(ends, ends[1:]):
        a, b = x0 + (x1 - x0) / 3, x0 + 2 * (x1 - x0) / 3
        slopes.append(tuple((v - u) / (b - a) for u, v in zip(F_exact(Ws, bs, a), F_exact(Ws, bs, b))))
    return 1 + sum(s != t for s, t in zip(slopes, slopes[1:]))


# -- the zigzag networks --------------------------------------------------------------------------------
def zigzag(p):
    """Exact weights of widths (p, 1) on [0, 1] whose function has line_max_two_layers(p) pieces."""
    t = [F(i, p + 1) for i in range(1, p + 1)]
    if p == 2:
        v, left = [F(-1), F(3, 2), F(1), F(-2)], {2}
    else:
        left = {p} if p % 2 else {p - 1}
        amp = [F(3)] + [F(1)] * (p + 1)
        v = [(-1) ** (j + 1) * amp[j] for j in range(p + 2)]
    knots = [F(0)] + t + [F(1)]
    s = [(v[j + 1] - v[j]) / (knots[j + 1] - knots[j]) for j in range(p + 1)]
    c = [s[i] - s[i - 1] for i in range(1, p + 1)]          # unit i changes the slope by c_i at t_i
    assert s[0] == -sum(c[i - 1] for i in left), "the zigzag's slope condition"
    alpha = v[0] - sum(c[i - 1] * t[i - 1] for i in left)   # left-facing units are active at x = 0
    W1 = [[-1] if i in left else [1] for i in range(1, p + 1)]
    b1 = [t[i - 1] if i in left else -t[i - 1] for i in range(1, p + 1)]
    return [W1, [c]], [b1, [alpha]]


@pytest.mark.parametrize("p", range(2, 11))
def test_zigzag_attains_the_bound(p):
    Ws, bs = zigzag(p)
    assert pieces_on_line(Ws, bs) == line_max_two_layers(p) == bound_written_out((p, 1))


@pytest.mark.parametrize("p", range(2, 9))
def test_zigzag_counted_by_the_toolkit(p):
    from regionmath.counting import count_regions
    from regionmath.network import Network
    Ws, bs = zigzag(p)
    net = Network.from_exact(Ws, bs, box=([0], [1]))
    r = count_regions(net, definition="pieces", jobs=1)
    assert r.complete and r.certified
    assert r.count == line_max_two_layers(p)
    assert r.info["activation_regions"] <= 2 * (p + 1)


def test_p_equal_one_is_three():
    # g = w relu(a x + b) + c is monotone: one sign change at most, so at most 3 pieces; 3 is
    # reached by relu(1 - 2 relu(x)) on [-1, 1]: 1, then 1 - 2x, then 0
    assert pieces_on_line([[[1]], [[-2]]], [[0], [1]], F(-1), F(1)) == 3
    rng = np.random.default_rng(0)
    for _ in range(300):
        a, b, w, c = (F(int(v), 2) for v in rng.integers(-6, 7, size=4))
        assert pieces_on_line([[[a]], [[w]]], [[b], [c]], F(-2), F(2)) <= 3


def test_random_networks_never_exceed_the_bound():
    rng = np.random.default_rng(17)
    for _ in range(200):
        widths = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(1, 3)))] + [1]
        Ws, bs, prev = [], [], 1
        for w in widths:
            Ws.append([[F(int(v), 2) for v in rng.integers(-6, 7, size=prev)] for _ in range(w)])
            bs.append([F(int(v), 3) for v in rng.integers(-4, 5, size=w)])
            prev = w
        top = bound_written_out(widths) if len(widths) > 2 else line_max_two_layers(widths[0])
        assert pieces_on_line(Ws, bs, F(-2), F(2)) <= top


def test_registry_value_is_the_formula():
    from regionmath import Architecture
    b = registry_entry("pieces-1d-one-unit")
    for widths in [(1, 1), (3, 1), (6, 1), (10, 10, 1), (2, 3, 4, 1)]:
        assert b.value(Architecture(1, widths)) == bound_written_out(widths)
    for p in range(2, 30):
        assert bound_written_out((p, 1)) == p + 2 + -(-p // 2)
    # an upper bound on pieces only: activation regions reach 2P (Serra 2018)
    assert not b.holds_for(Architecture(1, (6, 1)), "activation regions")


def test_verdicts_in_the_registry():
    from regionmath import Architecture
    thm4 = registry_entry("montufar2014-thm4")
    for p in range(1, 16):
        a = Architecture(1, (p, 1))
        claimed = thm4.value(a)
        assert claimed == 2 * p
        refuted = claimed > line_max_two_layers(p)
        assert refuted == (p >= 6)
        assert thm4.holds_for(a, "pieces") == (not refuted)
        assert thm4.holds_for(a, "activation regions")
    assert thm4.value(Architecture(1, (10, 10, 1))) == 200 > bound_written_out((10, 10, 1)) == 182
    assert not thm4.holds_for(Architecture(1, (10, 10, 1)), "pieces")
    exact1d = registry_entry("serra2018-exact-1d")
    for widths in [(3, 1), (4, 1), (3, 3, 1), (5, 4, 1)]:
        a = Architecture(1, widths)
        assert exact1d.value(a) > bound_written_out(widths)
        assert not exact1d.holds_for(a, "pieces") and exact1d.holds_for(a, "activation regions")
    assert (exact1d.value(Architecture(1, (3, 1))), bound_written_out((3, 1))) == (8, 7)


def test_mutations_fail():
    # the checks above have power: the bound moved by one is contradicted by the networks
    for p in range(2, 9):
        got = pieces_on_line(*zigzag(p))
        for mutated in (line_max_two_layers(p) - 1, line_max_two_layers(p) + 1):
            assert got != mutated
        assert got > line_max_two_layers(p) - 1          # "at most bound - 1" is false
