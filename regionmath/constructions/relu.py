"""Rectifier constructions: general position, folding, and the turned fold.

Every construction here acts on the unit cube ``[0, 1]^n0`` (the domain, also
``network.box``). The first ``L - 1`` layers *fold*: each is split into ``n0`` groups, group
``j`` reads only the effective coordinate ``u_j`` in ``[0, 1]`` and its activations, summed
with fixed signs (absorbed into the next layer's weights), give a function that maps each of
``q`` intervals affinely onto ``[0, 1]``. Those folds multiply: ``prod_l prod_j q_{l,j}`` boxes
of the input are each mapped affinely onto ``[0, 1]^n0``, and every unit's breakpoints lie in
distinct boxes, so the activation regions of the first ``L - 1`` layers are exactly those boxes.
The last layer cuts ``[0, 1]^n0`` by ``n_L`` hyperplanes in general position whose every region
meets the open cube (:func:`~regionmath.constructions.layers.general_position`): ``Phi(n_L, n0)``
regions in every box. Distinct boxes have distinct patterns in the earlier layers, so the
network has exactly ``prod_l prod_j q_{l,j} * Phi(n_L, n0)`` activation regions in the cube.

========================== ===================== ============================ ===========
id                         fold per group         ``q`` per group             hypotheses
========================== ===================== ============================ ===========
``montufar2014-thm4``      sawtooth               ``floor(n_l/n0)``           ``n_l >= n0``
``montufar2014-thm4-eq7``  sawtooth               ``floor(n_l/n0)`` or ``+1`` ``n_l >= n0``
``pascanu2013``            sawtooth on ``u_1``    ``floor(n_l/n0)`` on ``u_1``  ``n_l >= n0``
``serra2018-lower``        turned sawtooth        ``floor(n_l/n0) + 1``       ``n_l >= 3 n0``
``serra2018-exact-1d``     turned sawtooth        ``n_l + 1``                  ``n0 = 1``
========================== ===================== ============================ ===========

Examples
--------
>>> from regionmath import Architecture
>>> c = montufar2014_thm4_eq7(Architecture(2, (5, 3)))      # groups of 2 and 3 units
>>> c.designed, c.exact
(42, True)
"""

from __future__ import annotations

from fractions import Fraction

from ..architecture import Architecture
from ..combinatorics import phi
from ..errors import HypothesisError
from .base import Construction, claimed_value, register, require
from .layers import (Stack, finish_layer, general_position, no_all_off_orientation, relu_fold_layer,
                     sawtooth, turned_sawtooth)

F = Fraction
MONTUFAR2014 = "Montúfar, Pascanu, Cho, Bengio, On the number of linear regions of deep neural networks, NIPS 2014"


def _unit_cube(n0):
    return ([F(0)] * n0, [F(1)] * n0)


def _relu_arch(cid, arch):
    require(cid, arch, [(arch.activation == "relu", f"a relu architecture (got {arch.activation})")])


def _folded(arch, groups_per_layer, fold, for_pieces=False):
    """The stack: folding layers from ``groups_per_layer`` then a general-position layer.

    ``for_pieces`` (needs ``n_L > n0``) orients the last layer so that no region has all its
    units off (:func:`~regionmath.constructions.layers.no_all_off_orientation`) and keeps every
    row dependent on every coordinate: then neighbouring regions carry different maps of
    ``F = h_L`` and every activation region is a linear region of the function.

    Returns ``(network, pieces)`` with ``pieces = prod of the pieces of every group``.
    """
    d = arch.n0
    stack = Stack(d)
    pieces = 1
    for width, groups in zip(arch.widths[:-1], groups_per_layer):
        rows, biases, cols, a = relu_fold_layer(groups, d, fold)
        stack.add(*finish_layer(rows, biases, cols, a, width, d))
        for kind, p in groups:
            pieces *= 1 if kind == "pass" else (p + 1 if fold is turned_sawtooth else p)
    rows, biases = general_position(arch.widths[-1], d, nonzero=for_pieces)
    if for_pieces:
        signs = no_all_off_orientation(arch.widths[-1], d)
        rows = [[s * v for v in r] for s, r in zip(signs, rows)]
        biases = [s * b for s, b in zip(signs, biases)]
    stack.add(rows, biases)
    return stack.network(box=_unit_cube(d)), pieces


def _make(cid, arch, groups_per_layer, fold, notes, for_pieces=False):
    claimed = claimed_value(cid, arch)
    if for_pieces:
        require(cid, arch, [(arch.L == 1 or arch.widths[-1] > arch.n0,
                             f"the variant for the function's pieces needs n_L > n0 (got n_L = {arch.widths[-1]}, "
                             f"n0 = {arch.n0}): with n_L <= n0 some region has every last-layer unit off")])
        notes += "; last layer oriented so that no region has all units off (every region a piece of F)"
    net, pieces = _folded(arch, groups_per_layer, fold, for_pieces and arch.L > 1)
    designed = pieces * phi(arch.widths[-1], arch.n0)
    return Construction(cid, net, _unit_cube(arch.n0), claimed, exact=designed == claimed,
                        designed=designed, notes=notes)


@register("zaslavsky")
def zaslavsky(arch: Architecture) -> Construction:
    """One layer of ``n1`` hyperplanes in general position, every region meeting the cube.

    ``Phi(n1, n0)`` activation regions in ``[0, 1]^n0``: the maximum for one layer.

    References
    ----------
    Zaslavsky, "Facing up to arrangements: face-count formulas for partitions of space by
    hyperplanes", Mem. AMS 154, 1975. Montúfar et al. 2014, Sec. 2.2.
    """
    _relu_arch("zaslavsky", arch)
    claimed = claimed_value("zaslavsky", arch)
    require("zaslavsky", arch, [(arch.L == 1, f"a single hidden layer (got L = {arch.L})")])
    rows, biases = general_position(arch.widths[0], arch.n0)
    stack = Stack(arch.n0)
    stack.add(rows, biases)
    designed = phi(arch.widths[0], arch.n0)
    return Construction("zaslavsky", stack.network(box=_unit_cube(arch.n0)), _unit_cube(arch.n0), claimed,
                        exact=designed == claimed, designed=designed,
                        notes="hyperplanes tangent to the dual moment curve, all vertices inside the cube")


@register("montufar2014-thm4")
def montufar2014_thm4(arch: Architecture, for_pieces: bool = False) -> Construction:
    """Montúfar's sawtooth folding: groups of ``floor(n_l/n0)`` units per coordinate.

    Layer ``l < L`` splits into ``n0`` groups of ``p = floor(n_l/n0)`` units (the remainder
    units are dead: ``relu(-1)``); group ``j`` computes ``relu(p u_j + 1)`` and
    ``relu(2p u_j - 2(i-1))``, whose alternating sum (minus 1) maps each ``[i/p, (i+1)/p]`` onto
    ``[0, 1]`` (App. B's weights, scaled to the unit interval; Sec. 3.1's printed biases are
    half of App. B's and fold onto ``[0, 1/2]``). The last layer: ``n_L`` hyperplanes in
    general position. Exactly ``prod_l floor(n_l/n0)^n0 * Phi(n_L, n0)`` regions in the cube.

    References
    ----------
    Montúfar, Pascanu, Cho, Bengio, "On the number of linear regions of deep neural
    networks", NIPS 2014, Theorem 4, Sec. 3.1 and App. B.
    """
    _relu_arch("montufar2014-thm4", arch)
    claimed_value("montufar2014-thm4", arch)  # the registry checks n_l >= n0 first
    groups = [[("fold", w // arch.n0)] * arch.n0 for w in arch.widths[:-1]]
    return _make("montufar2014-thm4", arch, groups, sawtooth,
                 "sawtooth folds (App. B weights scaled to [0,1]); remainder units dead; general-position last layer", for_pieces)


@register("montufar2014-thm4-eq7")
def montufar2014_thm4_eq7(arch: Architecture, for_pieces: bool = False) -> Construction:
    """Theorem 4 with the remainder units used: eq. (7) of App. B.

    With ``m_l = n_l mod n0``, the first ``n0 - m_l`` groups have ``floor(n_l/n0)`` units and
    the last ``m_l`` have one more; otherwise as :func:`montufar2014_thm4`.

    References
    ----------
    Montúfar et al. 2014, App. B, eq. (7).
    """
    _relu_arch("montufar2014-thm4-eq7", arch)
    claimed_value("montufar2014-thm4-eq7", arch)
    n0 = arch.n0
    groups = [[("fold", w // n0 + (1 if j >= n0 - w % n0 else 0)) for j in range(n0)] for w in arch.widths[:-1]]
    return _make("montufar2014-thm4-eq7", arch, groups, sawtooth,
                 "sawtooth folds using the remainder units (eq. 7); general-position last layer", for_pieces)


@register("pascanu2013")
def pascanu2013(arch: Architecture, for_pieces: bool = False) -> Construction:
    """A fold of one coordinate per layer: ``floor(n_l/n0)`` pieces, the rest passed through.

    Layer ``l < L`` folds ``u_1`` into ``p = floor(n_l/n0)`` pieces with ``p`` units (the
    sawtooth; for ``p = 2`` it is the pair ``relu(2u + 1), relu(4u - 2)`` computing the fold
    ``1 - |2u - 1|``) and passes ``u_2 .. u_n0`` through with one unit each (``relu(u_j + 1)``)
    (``p + n0 - 1 <= n_l``). Exactly ``prod_l floor(n_l/n0) * Phi(n_L, n0)`` regions: the
    bound of Pascanu et al., which has no exponent ``n0`` on the product. (Folding every
    coordinate by a pair of units, ``|x|`` per coordinate, gives ``2^n0`` per layer, which is
    below ``floor(n_l/n0)`` when ``n_l > 2^n0 n0``, e.g. ``n0 = 1, n_l = 3``: so it cannot
    realise this bound in general; the one-coordinate sawtooth does, exactly.)

    References
    ----------
    Pascanu, Montúfar, Bengio, "On the number of response regions of deep feed forward
    networks with piece-wise linear activations", arXiv 1312.6098 (ICLR 2014).
    """
    _relu_arch("pascanu2013", arch)
    claimed_value("pascanu2013", arch)
    n0 = arch.n0
    groups = [[("fold", w // n0)] + [("pass", 1)] * (n0 - 1) for w in arch.widths[:-1]]
    return _make("pascanu2013", arch, groups, sawtooth,
                 "sawtooth fold of the first coordinate, the others passed through; general-position last layer", for_pieces)


def _serra_hypotheses(cid, arch):
    require(cid, arch, [(w >= 3 * arch.n0, f"n_{l} >= 3 n0 (got n_{l} = {w} < {3 * arch.n0})")
                        for l, w in enumerate(arch.widths[:-1], 1)])


@register("serra2018-lower")
def serra2018_lower(arch: Architecture, for_pieces: bool = False) -> Construction:
    """Folds with ``floor(n_l/n0) + 1`` pieces per group: one unit per group turned round.

    Group ``j`` of layer ``l < L`` has ``p = floor(n_l/n0) >= 3`` units with breakpoints at
    ``(2i-1)/(2p+1)``, all inside ``(0, 1)``; unit 3 faces the other way, which supplies the
    slope of the first piece without a unit of its own, so ``p`` units make ``p + 1`` pieces
    each mapped onto ``[0, 1]`` (:func:`~regionmath.constructions.layers.turned_sawtooth`).
    Exactly ``prod_l (floor(n_l/n0) + 1)^n0 * Phi(n_L, n0)`` regions in the cube.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, "Bounding and counting linear regions of deep neural
    networks", ICML 2018, the lower bound for ``n_l >= 3 n0`` (re-derived here: the weights
    are ours; the counts are verified).
    """
    _relu_arch("serra2018-lower", arch)
    claimed_value("serra2018-lower", arch)
    _serra_hypotheses("serra2018-lower", arch)
    groups = [[("fold", w // arch.n0)] * arch.n0 for w in arch.widths[:-1]]
    return _make("serra2018-lower", arch, groups, turned_sawtooth,
                 "turned sawtooth folds (unit 3 of each group faces left); general-position last layer", for_pieces)


@register("serra2018-exact-1d")
def serra2018_exact_1d(arch: Architecture, for_pieces: bool = False) -> Construction:
    """``n0 = 1``: turned folds with ``n_l + 1`` pieces, then ``n_L`` points: ``prod (n_l + 1)``.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, ICML 2018 (the bound of Thm 1 is attained for
    ``n0 = 1``, ``n_l >= 3``).
    """
    _relu_arch("serra2018-exact-1d", arch)
    claimed_value("serra2018-exact-1d", arch)
    require("serra2018-exact-1d", arch, [(arch.n0 == 1, f"n0 = 1 (got n0 = {arch.n0})")])
    _serra_hypotheses("serra2018-exact-1d", arch)
    groups = [[("fold", w)] for w in arch.widths[:-1]]
    return _make("serra2018-exact-1d", arch, groups, turned_sawtooth,
                 "turned sawtooth folds of the line; n_L points in (0,1)", for_pieces)


def _zonotope_first_layer(n0: int, m: int):
    """``2m`` units ``relu(<a_i, x>), relu(-<a_i, x>)`` with the ``a_i`` in general position
    (any ``n0`` independent), and a scale ``s`` such that ``gamma(x) = sum_i |<a_i, x>|``
    reaches ``s`` inside every cone region of the box ``[-1, 1]^n0``.

    For ``m >= n0`` the ``a_i`` are moment-curve vectors ``(1, t, ..., t^(n0-1))`` (dyadic ``t``) and
    ``s`` the largest ``2^-c <= 1/||A^-1||_oo`` (``A`` the first ``n0`` of them): ``||x||_oo <= ||A^-1||_oo ||A x||_oo
    <= ||A^-1||_oo gamma(x)``, and every open cone region contains points with ``||x||_oo = 1``.
    For ``m < n0`` the ``a_i`` are coordinate vectors and ``s = 1``.
    """
    import sympy as sp
    if m >= n0:
        ts = [F(2 * i - m - 1, 2 ** m.bit_length()) for i in range(1, m + 1)]     # dyadic, distinct
        vecs = [[t ** j for j in range(n0)] for t in ts]
        inv = sp.Matrix([[sp.Rational(v.numerator, v.denominator) for v in row] for row in vecs[:n0]]).inv()
        norm = max(sum(abs(inv[i, j]) for j in range(n0)) for i in range(n0))
        scale = F(1)
        while 1 / scale < norm:          # the dyadic scale 2^-c <= 1/||A^-1||
            scale /= 2
    else:
        vecs = [[F(int(i == j)) for j in range(n0)] for i in range(m)]
        scale = F(1)
    rows = []
    for v in vecs:
        rows.append(list(v))
        rows.append([-c for c in v])
    return rows, [F(0)] * (2 * m), scale


def _arora(cid, arch, turned, for_pieces=False):
    _relu_arch(cid, arch)
    claimed = claimed_value(cid, arch)
    n0, L = arch.n0, arch.L
    m, w = arch.widths[0] // 2, arch.widths[1]
    if turned:
        require(cid, arch, [(L == 2 or w >= 3, f"w >= 3 when L >= 3 (got w = {w}): a layer of w units folds the "
                                             f"line into w + 1 pieces onto one interval only if w >= 3")])
    rows, biases, scale = _zonotope_first_layer(n0, m)
    box = ([F(-1)] * n0, [F(1)] * n0)
    stack = Stack(n0)
    stack.add(rows, biases, [[1 / scale] * (2 * m)], [F(0)])       # u = gamma(x) / s, one effective input
    fold = turned_sawtooth if turned else sawtooth
    for width in arch.widths[1:-1]:
        r, b, c, a = relu_fold_layer([("fold", w)], 1, fold)
        stack.add(*finish_layer(r, b, c, a, width, 1))
    r, b = general_position(arch.widths[-1], 1)
    if for_pieces:   # w >= 2 > 1: no region with every last unit off (the effective input is gamma)
        signs = no_all_off_orientation(arch.widths[-1], 1)
        r, b = [[s * v for v in row] for s, row in zip(signs, r)], [s * v for s, v in zip(signs, b)]
    stack.add(r, b)
    return Construction(cid, stack.network(box=box), box, claimed, exact=False, designed=None,
                        notes=f"zonotope first layer (gamma = sum |<a_i,x>|, scale 1/{scale}), "
                              f"{'turned ' if turned else ''}sawtooth folds of gamma, {w} points last; "
                              "extra regions where gamma exceeds the scale"
                              + ("; last layer oriented so that no region has all units off" if for_pieces else ""))


@register("arora2018")
def arora2018(arch: Architecture, for_pieces: bool = False) -> Construction:
    """Arora et al.: a zonotope's support function, then a sawtooth of it.

    Layer 1 has ``2m`` units computing ``relu(+-<a_i, x>)``; their sum ``gamma(x) = sum_i
    |<a_i, x>|`` is the support function of the zonotope ``sum_i [-a_i, a_i]``, linear on each
    of the ``2 sum_{j<n0} C(m-1, j)`` cones of the central arrangement ``{<a_i, x> = 0}`` (the
    zonotope's vertices). ``gamma / s`` sweeps ``(0, 1)`` inside every cone of the box
    ``[-1, 1]^n0``; layers ``2 .. L-1`` fold it ``w`` times each and layer ``L`` cuts it at ``w``
    points. At least ``2 sum_{j<n0} C(m-1, j) w^(L-2) (w+1)`` regions, which is at least the
    claim ``2 sum_j C(m-1, j) w^(L-1)``; more appear where ``gamma > s`` (``exact`` is False).

    References
    ----------
    Arora, Basu, Mianjy, Mukherjee, "Understanding deep neural networks with rectified linear
    units", ICLR 2018, Theorem 2.11(i) (zonotope construction).
    """
    return _arora("arora2018", arch, turned=False, for_pieces=for_pieces)


@register("serra2018-arora-improved")
def serra2018_arora_improved(arch: Architecture, for_pieces: bool = False) -> Construction:
    """Arora et al.'s construction with turned folds: ``w + 1`` pieces per later layer.

    As :func:`arora2018`, with layers ``2 .. L-1`` folding ``gamma`` into ``w + 1`` pieces by
    :func:`~regionmath.constructions.layers.turned_sawtooth` (needs ``w >= 3`` when
    ``L >= 3``). At least ``2 sum_{j<n0} C(m-1, j) (w+1)^(L-1)`` regions.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, ICML 2018 (improvement of Arora et al.'s bound).
    """
    return _arora("serra2018-arora-improved", arch, turned=True, for_pieces=for_pieces)


__all__ = ["zaslavsky", "montufar2014_thm4", "montufar2014_thm4_eq7", "pascanu2013", "serra2018_lower",
           "serra2018_exact_1d", "arora2018", "serra2018_arora_improved",
           "HypothesisError"]
