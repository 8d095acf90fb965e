"""Serra and Ramalingam 2020: an upper bound for a given network from its stable units and ranks.

Statement (the toolkit's; the paper's own statement could not be read)
----------------------------------------------------------------------
Serra and Ramalingam (AAAI 2020, arXiv 1810.03370) announce "a tighter activation-based
bound for the maximum number of linear regions, which is particularly stronger in networks
with narrow layers". Only the abstract could be read, so the registry entry
``serra2020-weights`` carries [unsure] and states the bound the toolkit derives here from the
proof of Serra et al.'s Theorem 1:

    Let a ReLU network act on a box ``X``. In layer ``l`` let ``A_l`` be the units whose
    pre-activation is positive on all of ``X``, ``I_l`` those never positive on ``X``, ``U_l``
    the rest, ``u_l = |U_l|``, and ``c_l = rank W_l[U_l]``, ``a_l = rank W_l[A_l]``,
    ``r_l = rank W_l[A_l + U_l]``. Then the number of activation regions of the network in
    ``X`` (patterns whose set has non-empty interior) is at most

        B = sum over (k_1, ..., k_L), 0 <= k_l <= u_l, k_l >= u_l - min(d_{l-1}, c_l),
            of prod_l C(u_l, k_l),     d_0 = n0,  d_l = min(d_{l-1}, a_l + k_l, r_l),

    and ``B <= serra2018-thm1`` of the architecture. With no stable unit and full-rank
    weights, ``B`` is Theorem 1.

Verdict
-------
* The bound: **proved** (below); checked on random exact networks with stable units and
  rank-deficient layers, counted by an independent LP enumerator (``_proofkit.brute_patterns``),
  with the stable sets found by exact rational interval arithmetic (independent of the
  toolkit's widened float intervals).
* ``B <= Theorem 1``: **proved** (below); checked on the same networks.
* The registry value equals the literal nested sum over ``k`` on the exact profile.
* Mutation: forgetting that stably active units carry the image dimension (``a_l = 0``) gives a
  "bound" that a certified network exceeds (11 regions, mutated value 1), so the checks bite.

Argument
--------
*Regions per image dimension.* For a region ``R`` of the first ``l - 1`` layers (a prefix
pattern whose set has non-empty interior) the map ``h_{l-1}`` is affine on ``R``,
``h_{l-1}(x) = M x + c``; call ``rank M`` its image dimension (``<= n0``). Let ``N_l(d)`` be the
value of the recursion over layers ``l + 1 .. L`` started from one region at level ``d``
(``N_L = 1``), i.e. ``N_{l-1}(d) = sum_k gamma_d[k] N_l(f_d(k))`` with
``gamma_d[k] = C(u_l, k) [k >= u_l - min(d, c_l)]`` and ``f_d(k) = min(d, a_l + k, r_l)``.
Both ``gamma_d`` (pointwise) and ``f_d`` grow with ``d``, so by induction every ``N_l`` is
non-decreasing. We show that a region of image dimension ``<= d`` after layer ``l - 1`` has
at most ``N_{l-1}(d)`` full patterns extending it; at ``l = 1``, ``d = n0`` this is ``B``.

*One layer.* On ``R`` layer ``l``'s pre-activations are ``W_l (M x + c) + b_l``. Units of
``I_l`` are never positive (bit 0), units of ``A_l`` always positive: neither splits ``R``.
The units of ``U_l`` cut ``R`` by hyperplanes whose normals ``(W_l[U_l] M)_i`` span
``r <= min(c_l, d)`` dimensions (rows with zero normal are constant on ``R``). An arrangement
of ``u`` hyperplanes whose normals span ``r`` dimensions is the preimage of an arrangement
in ``R^r`` and has at most ``Phi(u, r)`` cells (Zaslavsky). Each subregion lies in one cell
and distinct subregions have distinct active sets ``S``, so at most ``C(u, k)`` have
``|S| = k``. Hence, for every ``t``, the number of subregions with ``|S| >= t`` is at most
``min(Phi(u, r), sum_{k >= t} C(u, k)) <= sum_{k >= t} gamma_d[k]`` (for ``t <= u - r`` the
right side is ``Phi(u, min(d, c_l)) >= Phi(u, r)``, above it the two tails agree). On a
subregion with active set ``A_l + S`` the new map is ``D (W_l M x + ...)`` with ``D`` selecting
those rows, of rank ``<= min(rank M, rank W_l[A_l + S]) <= min(d, a_l + |S|, r_l) = f_d(|S|)``.
By induction each subregion has at most ``N_l(f_d(|S|))`` completions; ``g(k) = N_l(f_d(k))`` is
non-decreasing and non-negative, so by Abel summation
``sum_Q g(|S_Q|) = sum_t #{Q : |S_Q| >= t} (g(t) - g(t-1)) <= sum_t Gamma(t) (g(t) - g(t-1))
= sum_k gamma_d[k] g(k) = N_{l-1}(d)``, ``Gamma`` the tail sums of ``gamma_d``.

*At most Theorem 1.* Theorem 1 is the same recursion with ``u = c = r = n_l`` and ``a = 0``
(tests/test_bounds_hinz.py checks this on a range). Compare layer by layer with
``alpha = |A_l| >= a_l`` and ``n = n_l >= u + alpha``. Shift the weight-aware index by
``alpha``: mass ``C(u, k' - alpha)`` at ``k' = k + alpha`` for ``k' >= u + alpha - min(d, c)``,
placed at level ``f <= min(d, k')``. Its tail at ``t`` is ``Phi(u, min(d, c)) <= Phi(n, d)``
in all, and ``sum_{k >= t - alpha} C(u, k) <= sum_{k' >= t} C(n, k')`` (add a fixed
``alpha``-set of ``A_l`` to each subset of ``U_l``); Theorem 1's tail is exactly
``min(Phi(n, d), sum_{k' >= t} C(n, k'))``. Abel summation against the non-decreasing
``N^T_l(min(d, k'))`` and the induction ``N^w_l <= N^T_l`` give ``N^w_{l-1}(d) <= N^T_{l-1}(d)``.
"""

import itertools
import math
import random
from fractions import Fraction

from _proofkit import _rank, brute_patterns, exact_pattern_ok, registry_entry
from regionmath.network import Network


def exact_profile(W, b, box):
    """Stable sets and ranks by exact rational interval arithmetic (no widening needed)."""
    lo = [Fraction(v) for v in box[0]]
    hi = [Fraction(v) for v in box[1]]
    out = []
    for Wl, bl in zip(W, b):
        zlo = [sum(min(w * l_, w * h_) for w, l_, h_ in zip(row, lo, hi)) + bb for row, bb in zip(Wl, bl)]
        zhi = [sum(max(w * l_, w * h_) for w, l_, h_ in zip(row, lo, hi)) + bb for row, bb in zip(Wl, bl)]
        A = [i for i, v in enumerate(zlo) if v > 0]
        I = [i for i, v in enumerate(zhi) if v <= 0 and zlo[i] <= 0]
        U = [i for i in range(len(Wl)) if i not in A and i not in I]

        def rank(idx):
            return _rank([Wl[i] for i in idx]) if idx else 0
        out.append((len(U), rank(U), rank(A), rank(sorted(A + U))))
        lo, hi = [max(v, 0) for v in zlo], [max(v, 0) for v in zhi]
    return out


def literal_sum(n0, profile, forget_active=False):
    """The nested sum of the statement, term by term."""
    total = 0
    for ks in itertools.product(*[range(u + 1) for u, *_ in profile]):
        d, ok = n0, True
        for k, (u, c, a, r) in zip(ks, profile):
            if k < u - min(d, c):
                ok = False
                break
            d = min(d, (0 if forget_active else a) + k, r)
        if ok:
            total += math.prod(math.comb(p[0], k) for p, k in zip(profile, ks))
    return total


def thm1_literal(n0, widths):
    total = 0
    for j in itertools.product(*[range(0, min(n0, w) + 1) for w in widths]):
        if all(j[l] <= min([n0, widths[l]] + [widths[i] - j[i] for i in range(l)]) for l in range(len(widths))):
            total += math.prod(math.comb(w, x) for w, x in zip(widths, j))
    return total


def random_net(rng):
    """Small integer net on a box; big biases make stable units, repeated rows low rank."""
    n0 = rng.randint(1, 3)
    widths = [rng.randint(1, 4) for _ in range(rng.randint(1, 3))]
    W, b, prev = [], [], n0
    for w in widths:
        rows = []
        for _ in range(w):
            if rows and rng.random() < 0.25:
                rows.append([rng.choice([-2, -1, 1, 2]) * v for v in rows[-1]])     # a parallel row
            else:
                rows.append([rng.randint(-3, 3) for _ in range(prev)])
        W.append([[Fraction(v) for v in r] for r in rows])
        b.append([Fraction(rng.choice([-1, 1]) * rng.choice([rng.randint(1, 3), rng.randint(1, 12)]))
                  for _ in range(w)])
        prev = w
    return n0, W, b, ([-2] * n0, [2] * n0)


def test_bound_holds_and_is_the_literal_sum(heavy):
    bound, thm1 = registry_entry("serra2020-weights"), registry_entry("serra2018-thm1")
    rng = random.Random(2020)
    stable_seen = strict_seen = 0
    runs = 120 if heavy else 16
    for _ in range(runs):
        n0, W, b, box = random_net(rng)
        net = Network.from_exact(W, b, box=box)
        profile = exact_profile(W, b, box)
        literal = literal_sum(n0, profile)
        found = brute_patterns(W, b, box=box)
        value = bound.value(net)
        # the toolkit widens float intervals, so it may see fewer stable units, never more
        assert len(found) <= literal <= value <= thm1.value(net.architecture) == thm1_literal(n0, net.widths)
        stable_seen += any(u < w for (u, *_), w in zip(profile, net.widths))
        strict_seen += value < thm1.value(net.architecture)
    assert stable_seen >= runs // 4 and strict_seen >= runs // 8


def test_registry_equals_literal_sum_on_exact_profile():
    from regionmath.bounds.weights import layer_profiles
    bound = registry_entry("serra2020-weights")
    rng = random.Random(7)
    for _ in range(20):
        n0, W, b, box = random_net(rng)
        net = Network.from_exact(W, b, box=box)
        mine = [(len(p.unstable), p.rank_cut, p.rank_active, p.rank_out) for p in layer_profiles(net)]
        if mine == exact_profile(W, b, box):
            assert bound.value(net) == literal_sum(n0, mine)


def stably_active_then_four_lines():
    """Layer 1 is x + 3 (stably active on [-1, 1]^2); layer 2 cuts the image [2, 4]^2 by four
    lines in general position crossing inside it: 11 regions."""
    W = [[[1, 0], [0, 1]], [[1, 0], [0, 1], [1, 1], [1, -1]]]
    b = [[3, 3], [-3, -3, Fraction(-13, 2), Fraction(-1, 4)]]
    return W, b, ([-1, -1], [1, 1])


def test_mutation_forgetting_active_units_fails():
    W, b, box = stably_active_then_four_lines()
    Wq = [[[Fraction(v) for v in r] for r in M] for M in W]
    bq = [[Fraction(v) for v in r] for r in b]
    found = brute_patterns(Wq, bq, box=box)
    assert len(found) == 11 and all(exact_pattern_ok(Wq, bq, p, x) for p, x in found.items())
    profile = exact_profile(Wq, bq, box)
    assert registry_entry("serra2020-weights").value(Network.from_exact(W, b, box=box)) == 11
    assert literal_sum(2, profile) == 11
    assert literal_sum(2, profile, forget_active=True) == 1 < len(found)
