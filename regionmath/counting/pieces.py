r"""The linear regions of the function a network computes ("pieces"), in any input dimension.

Montúfar, Pascanu, Cho, Bengio 2014 (Sec. 2.1) and Serra, Tjandraatmadja, Ramalingam 2018
(Definition 1) define a linear region of ``F`` as a maximal connected subset of the input
space on which ``F`` is affine. The activation regions (Serra 2018, Definition 2; what
:func:`regionmath.counting.count_regions` counts by default) refine them: neighbouring
activation regions can carry the same affine map of ``F`` (a unit that is switched off
changes nothing downstream, or its change cancels in the output), and then they lie in one
linear region of the function.

What is counted
---------------
Let ``D`` be the domain (the open box, or all of ``R^n0``) and ``F`` the network's function:
the output layer ``x -> Wout h_L(x) + bout`` when there is one, else ``x -> h_L(x)``. For an
affine map ``g`` let ``U_g`` be the interior of ``{x in D : F(x) = g(x)}``. **A piece is a
connected component of some non-empty ``U_g``**: a maximal connected *open* set on which
``F`` is affine. Open sets, because the literal "maximal connected set on which F is affine"
is not a partition once closed sets are allowed: two regions with the same map ``g`` that
meet in a single point, or that are linked by the segment where a third region's map happens
to equal ``g``, would make one connected set on which ``F = g``. Open sets join only where
they overlap, so pieces are disjoint and their number is well defined.

The count in terms of activation regions
----------------------------------------
The activation regions ``R`` (open, convex, disjoint; their closures cover ``D``) are dense,
so ``U_g`` is the interior of the union of the closures of the regions whose map is ``g``
(a point of ``{F = g}`` outside those closures lies in the closure of a region with another
map, where ``F != g`` off a lower-dimensional set, so it is not interior). Two regions ``R``,
``Q`` with the map ``g`` are in one piece iff a chain of regions with map ``g`` joins them in
which consecutive regions share an ``(n0 - 1)``-dimensional facet inside ``D``: a point in
the relative interior of a shared facet has a neighbourhood inside the two closures, and
conversely a path inside ``U_g`` can be moved off the ``(n0 - 2)``-skeleton (a set of
codimension 2 does not disconnect an open set), after which it crosses region boundaries
only through relative interiors of facets, whose both sides are then regions with map
``g``. So: **pieces = connected components of the graph on activation regions whose edges
join regions with equal maps across a common facet of dimension ``n0 - 1``.** Regions that
touch in a lower-dimensional set (a point, an edge in ``R^3``) are not joined. In one input
dimension a facet is a common endpoint, and the pieces are the maximal open intervals on
which ``F`` is affine.

The neighbour across a facet, without an all-pairs test
-------------------------------------------------------
Let ``F_R`` be a facet of region ``R``, on the hyperplane of one of its constraints. Every
unit's pre-activation is a continuous function of the input. A unit whose affine function
on ``R`` does not vanish identically on the facet's hyperplane is non-zero on the facet's
relative interior and keeps its state on the other side. The others ("tight": their row on
``R`` is a positive multiple of the facet's row, or zero) take on the other side the state
that the sign of their derivative across the facet gives, computed layer by layer with the
other side's earlier states (zero derivative: identically zero there, so off; maxout: the
tied piece with the largest derivative, the lowest index among equal ones). So the pattern
across ``F_R`` is the same at every point of the facet: every facet has exactly one
neighbouring region, and it is found by recomputing the tight units' states and looking the
pattern up in a hash table. In a generic region only the facet's own unit is tight, and the
neighbour is the pattern with that one state changed; the two maps are then equal iff the
output does not depend on that unit (column ``u`` of ``dF/dh_l`` on ``R`` is zero), which is
read off one backward pass per region, so a generic network costs one batched forward and
backward pass per region and no lookups at all.

Certificates
------------
Every activation region has a witness checked in exact arithmetic
(:mod:`regionmath.counting.certify`). A join of ``R`` and ``Q`` is made only when it is
proved in exact rationals (float weights are dyadic rationals, so every network can be
checked): a rational point ``y`` on the facet's hyperplane, strictly inside the box, such
that (i) walking from ``y`` infinitesimally into either side gives the patterns of ``R`` and
of ``Q`` (a two-term lexicographic forward pass: value, then derivative along the facet's
normal), (ii) every unit vanishing at ``y`` has, on each side, a gradient parallel to the
normal (so ``y`` is in the relative interior of the common facet and a whole neighbourhood
of ``y`` lies in the two closures), and (iii) the two affine maps of ``F`` are equal. Pairs
are kept apart by float decisions with a relative tolerance (:data:`MAP_TOL`; maps that
differ by more are different) and by the facet LP (no facet point with margin above
:data:`FACET_MARGIN`), the same regime as the enumerator's own completeness; a facet LP whose
margin falls between ``-FACET_MARGIN`` and ``FACET_MARGIN`` for two regions with equal maps (they
touch in a lower-dimensional set, or along a very thin facet) is decided by an exact rational LP
(sympy's simplex) on the region's exact constraints.

Examples
--------
``|x|`` as ``relu(x) + relu(-x)`` has two activation regions and two pieces; adding a
ReLU that is never used downstream splits a region without bending ``F``:

>>> from regionmath.network import Network
>>> from regionmath.counting import count_regions
>>> net = Network.from_exact([[[1], [-1], [1]]], [[0, 0, "-1/2"]], output=([[1, 1, 0]], [0]))
>>> r = count_regions(net, definition="pieces", jobs=1)
>>> r.count, r.info["activation_regions"], r.certified
(2, 3, True)

On the plane, the same with two inputs: the line ``x = 1/2`` splits the right half-plane
into two activation regions with the same map.

>>> net = Network.from_exact([[[1, 0], [-1, 0], [1, 0]]], [[0, 0, "-1/2"]], output=([[1, 1, 0]], [0]))
>>> r = count_regions(net, definition="pieces", jobs=1)
>>> r.count, r.info["activation_regions"], r.info["joins"]
(2, 3, 1)

References
----------
.. [1] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
   neural networks", NIPS 2014, Sec. 2.1 (linear regions of F).
.. [2] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018, Definitions 1 and 2.
"""

from __future__ import annotations

import time

import numpy as np

from ..errors import RegionmathError

#: rows of unit norm closer than this (relative) define the same hyperplane; a row or a
#: sensitivity smaller than this times the magnitude of its terms is zero
MAP_TOL = 1e-9
#: a facet is (n0 - 1)-dimensional when a point on it has every other constraint at least
#: this far (unit-normalised rows) from zero
FACET_MARGIN = 1e-9
_CHUNK_FLOATS = 4_000_000


# -- union-find -------------------------------------------------------------------------------
class _Components:
    """Union-find over ``n`` items (path halving, union by size)."""

    def __init__(self, n):
        self.parent = list(range(n))
        self.size = [1] * n
        self.count = n

    def find(self, i):
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.count -= 1
        return True

    def labels(self):
        return np.array([self.find(i) for i in range(len(self.parent))], dtype=np.int64)


# -- float data of many regions at once ---------------------------------------------------------
def _layer_slices(network):
    out, s = [], 0
    for w in network.widths:
        out.append(slice(s, s + w))
        s += w
    return out


def _output_matrix(network):
    if network.output is not None:
        return np.asarray(network.output[0], float), np.asarray(network.output[1], float)
    n = network.widths[-1]
    return np.eye(n), np.zeros(n)


def _batch_data(network, P):
    """Float data of the regions with patterns ``P`` (B x N).

    Returns a dict with, per layer ``l``: ``rows[l]`` (B, c_l, n0) and ``consts[l]`` (B, c_l),
    the constraints of each region oriented positive on it (relu: one per unit; maxout: one per
    (unit, piece), the chosen piece minus that piece, the chosen slot zero), their magnitudes
    ``mags[l]`` (for relative zero tests) and ``sens[l]`` (B, n_l): for each unit, the largest
    entry of column ``u`` of ``dF/dh_l`` relative to its magnitude (0: the output does not
    depend on the unit on this region).
    """
    relu = network.activation == "relu"
    k = network.rank
    B, n0 = len(P), network.n0
    A = np.broadcast_to(np.eye(n0), (B, n0, n0))
    c = np.zeros((B, n0))
    Amag = np.broadcast_to(np.eye(n0), (B, n0, n0))   # |W| products: magnitudes without cancellation
    cmag = np.zeros((B, n0))
    rows, consts, mags, masks = [], [], [], []
    for W, b, sl in zip(network.weights, network.biases, _layer_slices(network)):
        Z = np.einsum("ij,bjk->bik", W, A)
        zc = c @ W.T + b
        absW = np.abs(W)
        Zm = np.einsum("ij,bjk->bik", absW, Amag)
        zm = cmag @ absW.T + np.abs(b)
        st = P[:, sl].astype(np.int64)
        if relu:
            s = 2.0 * st - 1.0
            rows.append(Z * s[:, :, None])
            consts.append(zc * s)
            mags.append(Zm.sum(axis=2) + zm)
            m = st.astype(float)
            A, c = Z * m[:, :, None], zc * m
            Amag, cmag = Zm * m[:, :, None], zm * m
            masks.append(m)
        else:
            n = st.shape[1]
            Zr = Z.reshape(B, n, k, n0)
            zr = zc.reshape(B, n, k)
            top = np.take_along_axis(Zr, st[:, :, None, None], axis=2)[:, :, 0]
            topc = np.take_along_axis(zr, st[:, :, None], axis=2)[:, :, 0]
            rows.append((top[:, :, None, :] - Zr).reshape(B, n * k, n0))
            consts.append((topc[:, :, None] - zr).reshape(B, n * k))
            Zmr = Zm.reshape(B, n, k, n0).sum(axis=3) + zm.reshape(B, n, k)
            topm = np.take_along_axis(Zmr, st[:, :, None], axis=2)
            mags.append((topm + Zmr).reshape(B, n * k))
            A, c = top, topc
            Amag = np.take_along_axis(Zm.reshape(B, n, k, n0), st[:, :, None, None], axis=2)[:, :, 0]
            cmag = np.take_along_axis(zm.reshape(B, n, k), st[:, :, None], axis=2)[:, :, 0]
            masks.append(st)
    # backward: V_l = dF/dh_l on each region, with its magnitude
    Wo, _ = _output_matrix(network)
    V = np.broadcast_to(Wo, (B,) + Wo.shape)
    Vm = np.abs(V)
    sens = [None] * network.L
    for l in range(network.L - 1, -1, -1):
        sens[l] = np.abs(V).max(axis=1) / np.where(Vm.max(axis=1) > 0, Vm.max(axis=1), 1.0)
        if l == 0:
            break
        W = network.weights[l]
        if relu:
            m = masks[l]
            V = np.einsum("bmi,ij->bmj", V * m[:, None, :], W)
            Vm = np.einsum("bmi,ij->bmj", Vm * m[:, None, :], np.abs(W))
        else:
            n = network.widths[l]
            sel = np.arange(n) * k + masks[l]             # (B, n) rows of the chosen pieces
            Ws = W[sel]                                    # (B, n, n_prev)
            V = np.einsum("bmi,bij->bmj", V, Ws)
            Vm = np.einsum("bmi,bij->bmj", Vm, np.abs(Ws))
    flat = [np.abs(r).sum(axis=2) <= MAP_TOL * m for r, m in zip(rows, mags)]
    ident = [f & (np.abs(c) <= MAP_TOL * m) for f, c, m in zip(flat, consts, mags)]
    return {"rows": rows, "consts": consts, "mags": mags, "sens": sens, "flat": flat, "identically_zero": ident}


def _float_map(network, pattern):
    """The float affine map ``(A, c)`` of ``F`` on the region of ``pattern``."""
    d = _batch_data_maps(network, np.asarray(pattern)[None, :])
    return d


def _batch_data_maps(network, P):
    relu = network.activation == "relu"
    k = network.rank
    B, n0 = len(P), network.n0
    A = np.broadcast_to(np.eye(n0), (B, n0, n0))
    c = np.zeros((B, n0))
    for W, b, sl in zip(network.weights, network.biases, _layer_slices(network)):
        Z = np.einsum("ij,bjk->bik", W, A)
        zc = c @ W.T + b
        st = P[:, sl].astype(np.int64)
        if relu:
            m = st.astype(float)
            A, c = Z * m[:, :, None], zc * m
        else:
            n = st.shape[1]
            A = np.take_along_axis(Z.reshape(B, n, k, n0), st[:, :, None, None], axis=2)[:, :, 0]
            c = np.take_along_axis(zc.reshape(B, n, k), st[:, :, None], axis=2)[:, :, 0]
    Wo, bo = _output_matrix(network)
    return np.einsum("ij,bjk->bik", Wo, A), c @ Wo.T + bo


def _maps_equal(network, p, q):
    (A1, c1), (A2, c2) = (tuple(x[0] for x in _batch_data_maps(network, np.asarray(pat)[None, :])) for pat in (p, q))
    scale = max(1.0, np.abs(A1).max(initial=0), np.abs(c1).max(initial=0), np.abs(A2).max(initial=0), np.abs(c2).max(initial=0))
    return bool(np.abs(A1 - A2).max(initial=0) <= MAP_TOL * scale and np.abs(c1 - c2).max(initial=0) <= MAP_TOL * scale)


# -- the neighbour across one facet (general case) ------------------------------------------------
def _neighbour(network, pattern, data, b, group, layer_of):
    """The pattern across the facet of region ``b`` (row ``b`` of ``data``) on the hyperplane of the
    constraints ``group`` (global constraint indices, all defining the same hyperplane), or None."""
    relu = network.activation == "relu"
    k = network.rank
    per = 1 if relu else k
    rows = data["rows"]
    first = min(layer_of[j] for j in group)
    starts = np.cumsum([0] + [w * per for w in network.widths])
    l0 = first
    rep = group[0]
    lr, jr = layer_of[rep], rep - starts[layer_of[rep]]
    normal = rows[lr][b, jr]
    normal = -normal / np.linalg.norm(normal)                # from R into the neighbour
    gset = set(group)
    new = list(pattern)
    widths = network.widths
    unit_start = np.cumsum([0] + list(widths))
    # derivative of h_{l0-1} along the normal, with R's states (unchanged before layer l0)
    # recomputed from the rows: the input of layer l0 is R's affine map up to l0 - 1
    A = np.eye(network.n0)
    for l in range(l0):
        W = network.weights[l]
        Z = W @ A
        st = pattern[unit_start[l]:unit_start[l + 1]]
        if relu:
            A = Z * np.asarray(st, float)[:, None]
        else:
            A = Z[np.arange(len(st)) * k + np.asarray(st)]
    dh = A @ normal
    for l in range(l0, network.L):
        W = network.weights[l]
        dz = W @ dh
        absW = np.abs(W) @ np.abs(dh)
        tol = MAP_TOL * np.where(absW > 0, absW, 1.0)
        base_c = starts[l]
        us = unit_start[l]
        n = widths[l]
        zero_rows = data["identically_zero"][l][b] if l > l0 else None
        if relu:
            for u in range(n):
                j = base_c + u
                tight = j in gset or (zero_rows is not None and zero_rows[u])
                if tight:
                    new[us + u] = 1 if dz[u] > tol[u] else 0
            dh = dz * np.asarray(new[us:us + n], float)
        else:
            out = np.empty(n)
            for u in range(n):
                ch = pattern[us + u]
                S = [ch] + [o for o in range(k) if o != ch and (base_c + u * k + o in gset or
                                                               (zero_rows is not None and zero_rows[u * k + o]))]
                if len(S) > 1:
                    vals = [dz[u * k + o] for o in S]
                    top = max(vals)
                    t = max(tol[u * k + o] for o in S)
                    new[us + u] = min(o for o, v in zip(S, vals) if v >= top - t)
                out[u] = dz[u * k + new[us + u]]
            dh = out
    return tuple(new)


def _pair_key(a, b, row, const):
    """Two regions and a hyperplane (rounded, sign-normalised): a facet LP refused from one side
    needs no second LP from the other."""
    v = np.append(row, const)
    v = v / np.linalg.norm(row)
    nz = np.flatnonzero(np.abs(v) > 1e-12)
    if len(nz) and v[nz[0]] < 0:
        v = -v
    return (min(a, b), max(a, b), tuple(np.round(v, 7)))


def _could_share(data, b, group, layer_of, w):
    """A necessary condition for a facet of region ``b`` on the hyperplane of ``group`` shared with
    the region of the point ``w``: up to the facet's first layer ``l0`` the two regions have the
    same affine constraints, the group's reversed, so ``w`` must satisfy them (with a margin for
    rounding)."""
    l0 = min(layer_of[j] for j in group)
    per_layer = [data["rows"][l][b] @ w + data["consts"][l][b] for l in range(l0 + 1)]
    vals = np.concatenate(per_layer)
    mags = np.concatenate([data["mags"][l][b] for l in range(l0 + 1)])
    tol = 1e-7 * np.maximum(mags, 1.0) * (1.0 + np.abs(w).max(initial=0.0))
    gset = set(group)
    for j, v in enumerate(vals):
        if j in gset:
            if v > tol[j]:
                return False
        elif v < -tol[j]:
            return False
    return True


def _groups(data, b, candidates, layer_of):
    """Split constraint indices ``candidates`` of region ``b`` into groups defining one hyperplane."""
    flat_rows = np.concatenate([r[b] for r in data["rows"]])
    flat_c = np.concatenate([c[b] for c in data["consts"]])
    norms = np.linalg.norm(flat_rows, axis=1)
    nz = ~np.concatenate([z[b] for z in data["flat"]])
    G = np.zeros_like(flat_rows)
    g = np.zeros_like(flat_c)
    G[nz] = flat_rows[nz] / norms[nz, None]
    g[nz] = flat_c[nz] / norms[nz]
    groups, seen = [], set()
    for j in candidates:
        if j in seen:
            continue
        close = np.nonzero((np.abs(G - G[j]).max(axis=1) <= 1e3 * MAP_TOL) & (np.abs(g - g[j]) <= 1e3 * MAP_TOL * (1 + abs(g[j]))) & nz)[0]
        grp = sorted(int(i) for i in close)
        seen.update(grp)
        groups.append(grp)
    return groups


# -- the facet LP and the exact certificate ----------------------------------------------------------
def _facet_point(network, data, b, group, unbounded):
    """A point of the facet of region ``b`` on the hyperplane of ``group`` with every other
    constraint at least ``margin`` away: ``(point, margin)``; margin None when infeasible.

    One HiGHS LP: maximise ``t <= 1`` subject to the facet's row ``= 0``, every other live row
    (unit-normalised) ``>= t`` and, in a box, ``x - lo >= t``, ``hi - x >= t``.
    """
    import highspy
    from .solvers import new_highs
    flat_rows = np.concatenate([r[b] for r in data["rows"]])
    flat_c = np.concatenate([c[b] for c in data["consts"]])
    norms = np.linalg.norm(flat_rows, axis=1)
    live = ~np.concatenate([z[b] for z in data["flat"]])
    rep = group[0]
    live[list(group)] = False
    others = np.nonzero(live)[0]
    n0 = network.n0
    G = flat_rows[others] / norms[others, None]
    g = flat_c[others] / norms[others]
    rows = [np.hstack([G, -np.ones((len(others), 1))])]      # G x - t >= -g
    lower = [-g]
    if not unbounded:
        lo, hi = network.box
        I = np.eye(n0)
        rows += [np.hstack([I, -np.ones((n0, 1))]), np.hstack([-I, -np.ones((n0, 1))])]
        lower += [lo, -hi]
    M = np.vstack(rows)
    lower = np.concatenate(lower)
    inf = highspy.kHighsInf
    eq = np.hstack([flat_rows[rep] / norms[rep], [0.0]])
    M = np.vstack([M, eq])
    lower = np.concatenate([lower, [-flat_c[rep] / norms[rep]]])
    upper = np.concatenate([np.full(len(lower) - 1, inf), lower[-1:]])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n0 + 1, len(lower)
    cost = np.zeros(n0 + 1)
    cost[n0] = -1.0
    lp.col_cost_ = cost
    lp.col_lower_ = np.r_[np.full(n0, -inf), -inf]
    lp.col_upper_ = np.r_[np.full(n0, inf), 1.0]
    lp.row_lower_, lp.row_upper_ = lower, upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    m = len(lower)
    lp.a_matrix_.start_ = np.arange(0, (n0 + 2) * m, m, dtype=np.int32)
    lp.a_matrix_.index_ = np.tile(np.arange(m, dtype=np.int32), n0 + 1)
    lp.a_matrix_.value_ = M.T.ravel()
    h = _lp_solver(new_highs)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, None
    sol = np.array(h.getSolution().col_value)
    return sol[:n0], float(sol[n0])


_SOLVER = []


def _lp_solver(new_highs):
    """One HiGHS instance for the facet LPs, reused (creating one costs as much as a solve)."""
    if not _SOLVER:
        _SOLVER.append(new_highs(presolve="off", primal_feasibility_tolerance=1e-10,
                                 dual_feasibility_tolerance=1e-10))
    h = _SOLVER[0]
    h.clearModel()
    return h


def _exact_layers(network):
    from .certify import _exact_layers as ex
    Ws, bs, lo, hi = ex(network)
    return Ws, bs, lo, hi


def _exact_output(network):
    from gmpy2 import mpq
    if network.output is None:
        return None
    Wo, bo = network.output
    return [[mpq(float(v)) for v in row] for row in Wo], [mpq(float(v)) for v in bo]


def _exact_rows_upto(network, pattern, layer):
    """Exact ``(A, c)``: the input of hidden layer ``layer`` (0-based) as an affine map on ``pattern``."""
    from gmpy2 import mpq
    Ws, bs, _, _ = _exact_layers(network)
    n0, k = network.n0, network.rank
    A = None   # None: the identity (the first layer's rows are W1 itself)
    c = [mpq(0)] * n0
    pos = 0
    for l in range(layer):
        W, bb = Ws[l], bs[l]
        Z = [list(row) for row in W] if A is None else [[sum((w * A[i][j] for i, w in enumerate(row)), mpq(0)) for j in range(n0)] for row in W]
        zc = [sum((w * ci for w, ci in zip(row, c)), mpq(0)) + be for row, be in zip(W, bb)]
        n = network.widths[l]
        st = pattern[pos:pos + n]
        pos += n
        if network.activation == "relu":
            A = [Z[u] if st[u] else [mpq(0)] * n0 for u in range(n)]
            c = [zc[u] if st[u] else mpq(0) for u in range(n)]
        else:
            A = [Z[u * k + st[u]] for u in range(n)]
            c = [zc[u * k + st[u]] for u in range(n)]
    if A is None:
        A = [[mpq(int(i == j)) for j in range(n0)] for i in range(n0)]
    return A, c


def _exact_constraint(network, pattern, j):
    """The exact row ``(gradient, constant)`` of global constraint ``j`` on ``pattern``, oriented
    positive on the region."""
    from gmpy2 import mpq
    relu = network.activation == "relu"
    k = network.rank
    per = 1 if relu else k
    starts = np.cumsum([0] + [w * per for w in network.widths])
    l = int(np.searchsorted(starts, j, side="right") - 1)
    A, c = _exact_rows_upto(network, pattern, l)
    Ws, bs, _, _ = _exact_layers(network)
    W, bb = Ws[l], bs[l]
    n0 = network.n0

    def row(r):
        return ([sum((W[r][i] * A[i][jj] for i in range(len(A))), mpq(0)) for jj in range(n0)],
                sum((W[r][i] * c[i] for i in range(len(c))), mpq(0)) + bb[r])

    local = j - starts[l]
    ustart = sum(network.widths[:l])
    if relu:
        gr, gc = row(local)
        s = 1 if pattern[ustart + local] else -1
        return [s * v for v in gr], s * gc
    u, o = divmod(local, k)
    ch = pattern[ustart + u]
    g1, c1 = row(u * k + ch)
    g2, c2 = row(u * k + o)
    return [a - b for a, b in zip(g1, g2)], c1 - c2


def _exact_all_constraints(network, pattern):
    """Every constraint of ``pattern``'s region exactly: a list over global constraint indices of
    ``(gradient, constant)``, oriented positive on the region (maxout: chosen minus other piece;
    the chosen slot is the zero row)."""
    from gmpy2 import mpq
    Ws, bs, _, _ = _exact_layers(network)
    n0, k = network.n0, network.rank
    relu = network.activation == "relu"
    A = [[mpq(int(i == j)) for j in range(n0)] for i in range(n0)]
    c = [mpq(0)] * n0
    out, pos = [], 0
    for l, (W, bb) in enumerate(zip(Ws, bs)):
        Z = [list(row) for row in W] if l == 0 else [[sum((row[i] * A[i][j] for i in range(len(A)) if row[i]), mpq(0)) for j in range(n0)] for row in W]
        zc = [sum((w * ci for w, ci in zip(row, c) if w), mpq(0)) + be for row, be in zip(W, bb)]
        n = network.widths[l]
        st = pattern[pos:pos + n]
        pos += n
        if relu:
            for u in range(n):
                sgn = 1 if st[u] else -1
                out.append(([sgn * v for v in Z[u]], sgn * zc[u]))
            A = [Z[u] if st[u] else [mpq(0)] * n0 for u in range(n)]
            c = [zc[u] if st[u] else mpq(0) for u in range(n)]
        else:
            for u in range(n):
                top = u * k + st[u]
                for o in range(k):
                    r = u * k + o
                    out.append(([a - b for a, b in zip(Z[top], Z[r])], zc[top] - zc[r]))
            A = [Z[u * k + st[u]] for u in range(n)]
            c = [zc[u * k + st[u]] for u in range(n)]
    return out


def _exact_facet_point(network, pattern, constraint, unbounded):
    """Decide exactly (sympy's rational simplex) whether the hyperplane of ``constraint`` holds an
    ``(n0 - 1)``-dimensional facet of the region of ``pattern`` inside the domain: a rational
    point of it with every other constraint strict, or None when there is none."""
    import sympy as sp
    from sympy.solvers.simplex import lpmax
    rows = _exact_all_constraints(network, pattern)
    a, ac = rows[constraint]
    xs = sp.symbols(f"x0:{network.n0}")
    t = sp.Symbol("t")
    Q = lambda v: sp.Rational(int(v.numerator), int(v.denominator))  # noqa: E731
    cons = [sp.Eq(sum(Q(ai) * x for ai, x in zip(a, xs)) + Q(ac), 0), t <= 1]
    for j, (g, gc) in enumerate(rows):
        if j == constraint or all(v == 0 for v in g) or _parallel(g, a) and (
                (gc == 0 and ac == 0) or (ac != 0 and all(gi * ac == ai * gc for gi, ai in zip(g, a)))):
            continue   # no hyperplane, or the facet's own hyperplane (a tight unit)
        cons.append(sum(Q(gi) * x for gi, x in zip(g, xs)) + Q(gc) - t >= 0)
    if not unbounded:
        _, _, lo, hi = _exact_layers(network)
        for x, l_, h_ in zip(xs, lo, hi):
            cons += [x - Q(l_) - t >= 0, Q(h_) - x - t >= 0]
    try:
        value, point = lpmax(t, cons)
    except Exception:   # infeasible: the hyperplane misses the region's closure
        return None
    if not value > 0:
        return None
    from gmpy2 import mpq
    return [mpq(int(sp.fraction(point.get(x, 0))[0]), int(sp.fraction(point.get(x, 0))[1])) for x in xs]


def _parallel(g, d):
    """True when the exact vector ``g`` is a multiple of ``d`` (zero included)."""
    i = next((i for i, v in enumerate(d) if v != 0), None)
    if i is None:
        return all(v == 0 for v in g)
    lam = g[i] / d[i]
    return all(gv == lam * dv for gv, dv in zip(g, d))


def _exact_side(network, y, d):
    """Walk from ``y`` infinitesimally along ``d``: ``(pattern, A_out, c_out)`` of the region entered,
    or None when some unit vanishing at ``y`` has a gradient not parallel to ``d`` (``y`` is then
    not in the relative interior of a facet on the hyperplane normal to ``d``)."""
    from gmpy2 import mpq
    Ws, bs, _, _ = _exact_layers(network)
    n0, k = network.n0, network.rank
    relu = network.activation == "relu"
    A = [[mpq(int(i == j)) for j in range(n0)] for i in range(n0)]
    c = [mpq(0)] * n0
    pattern = []
    first = True
    for W, bb in zip(Ws, bs):
        Z = [list(row) for row in W] if first else [[sum((row[i] * A[i][j] for i in range(len(A)) if row[i]), mpq(0)) for j in range(n0)] for row in W]
        first = False
        zc = [sum((w * ci for w, ci in zip(row, c) if w), mpq(0)) + be for row, be in zip(W, bb)]
        val = [sum((gi * yi for gi, yi in zip(g, y)), mpq(0)) + cc for g, cc in zip(Z, zc)]
        der = [sum((gi * di for gi, di in zip(g, d)), mpq(0)) for g in Z]
        if relu:
            st = []
            for r in range(len(Z)):
                if val[r] == 0 and not _parallel(Z[r], d):
                    return None
                st.append(1 if (val[r] > 0 or (val[r] == 0 and der[r] > 0)) else 0)
            A = [Z[r] if st[r] else [mpq(0)] * n0 for r in range(len(Z))]
            c = [zc[r] if st[r] else mpq(0) for r in range(len(Z))]
        else:
            st = []
            for u in range(len(Z) // k):
                rs = range(u * k, u * k + k)
                top = max(val[r] for r in rs)
                tied = [r for r in rs if val[r] == top]
                for r in tied[1:]:
                    if not _parallel([a - b for a, b in zip(Z[r], Z[tied[0]])], d):
                        return None
                best = max(der[r] for r in tied)
                st.append(min(r for r in tied if der[r] == best) - u * k)
            A = [Z[u * k + s] for u, s in enumerate(st)]
            c = [zc[u * k + s] for u, s in enumerate(st)]
        pattern.extend(st)
    out = _exact_output(network)
    if out is not None:
        Wo, bo = out
        A = [[sum((row[i] * A[i][j] for i in range(len(A)) if row[i]), mpq(0)) for j in range(n0)] for row in Wo]
        c = [sum((w * ci for w, ci in zip(row, c)), mpq(0)) + be for row, be in zip(Wo, bo)]
    return tuple(pattern), A, c


def certify_join(network, pattern_r, pattern_q, point, constraint, unbounded=False) -> bool:
    """Prove in exact rationals that the regions of ``pattern_r`` and ``pattern_q`` share a facet
    of dimension ``n0 - 1`` inside the domain and carry the same affine map of ``F``.

    ``constraint`` is the global index of a constraint of ``pattern_r`` (relu: the unit; maxout:
    ``unit * k + piece``) whose hyperplane holds the facet; ``point`` a float point near the facet.
    The point is projected exactly onto the hyperplane; see the module docstring for what is
    checked there.
    """
    from gmpy2 import mpq
    g, gc = _exact_constraint(network, pattern_r, constraint)
    gg = sum((v * v for v in g), mpq(0))
    if gg == 0:
        return False
    y = [v if isinstance(v, type(mpq(0))) else mpq(float(v)) for v in point]
    t = (sum((a * b for a, b in zip(g, y)), mpq(0)) + gc) / gg
    y = [yi - t * gi for yi, gi in zip(y, g)]
    if not unbounded:
        _, _, lo, hi = _exact_layers(network)
        if any(not (a < v < b) for v, a, b in zip(y, lo, hi)):
            return False
    back = _exact_side(network, y, g)                 # g points into the region of pattern_r
    fwd = _exact_side(network, y, [-v for v in g])
    if back is None or fwd is None:
        return False
    if back[0] != tuple(pattern_r) or fwd[0] != tuple(pattern_q):
        return False
    return back[1] == fwd[1] and back[2] == fwd[2]


# -- the counter ---------------------------------------------------------------------------------
def pieces_of_regions(network, patterns, unbounded=False, certify=True, deadline=None, witnesses=None):
    """Join activation regions into the pieces of ``F``.

    Parameters
    ----------
    network : Network
    patterns : array (R, N)
        The patterns of all activation regions of the domain (each with non-empty interior).
    unbounded : bool
        The domain is ``R^n0`` rather than the network's box.
    certify : bool
        Prove every join in exact arithmetic (a join that fails the proof is not made).
    deadline : float or None
        ``time.time()`` after which the search stops (the result is then incomplete).
    witnesses : array (R, n0) or None
        A point of each region; when given, a neighbour whose point violates the constraints it
        shares with the region (those of the layers up to the facet's) is dropped before the
        facet LP.

    Returns
    -------
    dict
        ``count`` (pieces), ``labels`` (a piece label per region), ``joins`` (certified joins that
        merged two components), ``candidates`` (neighbour pairs with equal float maps examined),
        ``undecided`` (facet LPs too close to call), ``uncertified`` (joins whose exact proof failed,
        left apart), ``complete``.
    """
    P = np.asarray(patterns)
    R = len(P)
    relu = network.activation == "relu"
    k = network.rank
    per = 1 if relu else k
    n0 = network.n0
    comps = _Components(R)
    stats = {"joins": 0, "candidates": 0, "undecided": 0, "uncertified": 0, "lookups": 0}
    if R <= 1:
        return dict(count=R, labels=np.arange(R), complete=True, **stats)
    layer_of = np.repeat(np.arange(network.L), [w * per for w in network.widths])
    unit_of_con = np.concatenate([np.repeat(np.arange(w), per) + s for w, s in
                                  zip(network.widths, np.cumsum([0] + list(network.widths))[:-1])])
    index = None
    complete = True
    rejected = set()
    W = None if witnesses is None else np.asarray(witnesses, dtype=float).reshape(R, n0)
    chunk = max(1, _CHUNK_FLOATS // max(1, network.N * per * n0))
    P = P.astype(np.int16)
    for a in range(0, R, chunk):
        if deadline is not None and time.time() > deadline:
            complete = False
            break
        Pb = P[a:a + chunk]
        data = _batch_data(network, Pb)
        zero = np.concatenate(data["flat"], axis=1)               # no hyperplane: not a facet
        ident = np.concatenate(data["identically_zero"], axis=1)  # tight on every facet
        if not relu:   # the chosen slot of each maxout unit is no constraint
            chosen = np.zeros_like(zero)
            for l, sl in enumerate(_layer_slices(network)):
                base = sum(w * k for w in network.widths[:l])
                cols = base + np.arange(sl.stop - sl.start) * k + Pb[:, sl]
                np.put_along_axis(chosen, cols.astype(np.int64), True, axis=1)
            zero_con = ident & ~chosen
            zero = zero | chosen
        else:
            zero_con = ident
        sens = np.concatenate(data["sens"], axis=1)                 # (B, N)
        insensitive = sens <= MAP_TOL
        # a region is generic when no constraint is zero and no two define one hyperplane; then
        # only units whose output sensitivity is zero can have a neighbour with the same map
        flat_rows = np.concatenate(data["rows"], axis=1)
        flat_c = np.concatenate(data["consts"], axis=1)
        nrm = np.linalg.norm(flat_rows, axis=2)
        safe = np.where(nrm > 0, nrm, 1.0)
        rng = np.random.default_rng(12345)
        rho = rng.standard_normal(n0 + 1)
        key = (flat_rows @ rho[:n0] + flat_c * rho[n0]) / safe
        key = np.where(zero, np.arange(key.shape[1])[None, :] * 1e6 + 1e9, key)
        ks = np.sort(key, axis=1)
        coincide = (np.diff(ks, axis=1) <= 1e3 * MAP_TOL * (1 + np.abs(ks[:, 1:]))).any(axis=1)
        generic = ~coincide & ~zero_con.any(axis=1)
        for i in range(len(Pb)):
            if deadline is not None and (i & 255) == 0 and time.time() > deadline:
                complete = False
                break
            ins = np.nonzero(insensitive[i])[0]
            if generic[i] and not len(ins):
                continue
            if index is None:
                index = {P[r].tobytes(): r for r in range(R)}
            r_idx = a + i
            pat = tuple(int(v) for v in Pb[i])
            if generic[i]:
                tasks = []
                for u in ins:
                    if relu:
                        tasks.append(([int(u)], None))
                    else:
                        l = int(np.searchsorted(np.cumsum(network.widths), u, side="right"))
                        base = sum(w * k for w in network.widths[:l])
                        uu = u - sum(network.widths[:l])
                        for o in range(k):
                            if o != pat[u]:
                                tasks.append(([int(base + uu * k + o)], None))
            else:
                cand = [j for j in range(flat_rows.shape[1]) if not zero[i, j]]
                tasks = [(grp, "general") for grp in _groups(data, i, cand, layer_of)]
            for grp, mode in tasks:
                if mode is None:   # generic: change one state
                    j = grp[0]
                    u = unit_of_con[j]
                    q = list(pat)
                    q[u] = 1 - q[u] if relu else int(j - (j // k) * k)
                    q = tuple(q)
                else:
                    q = _neighbour(network, pat, data, i, grp, layer_of)
                stats["lookups"] += 1
                other = index.get(np.asarray(q, dtype=np.int16).tobytes())
                if other is None or comps.find(other) == comps.find(r_idx):
                    continue
                if mode is not None and not _maps_equal(network, pat, q):
                    continue
                if W is not None and not _could_share(data, i, grp, layer_of, W[other]):
                    continue
                key = _pair_key(r_idx, other, flat_rows[i, grp[0]], flat_c[i, grp[0]])
                if key in rejected:       # the same facet already refused from the other side
                    continue
                stats["candidates"] += 1
                point, margin = _facet_point(network, data, i, grp, unbounded)
                if margin is None or margin < -FACET_MARGIN:
                    rejected.add(key)
                    continue
                if margin <= FACET_MARGIN:
                    # too close to call in floats: decide with an exact rational LP
                    point = _exact_facet_point(network, pat, grp[0], unbounded) if certify else None
                    if point is None:
                        if not certify:
                            stats["undecided"] += 1
                        continue
                if certify and not certify_join(network, pat, q, point, grp[0], unbounded):
                    stats["uncertified"] += 1
                    continue
                if comps.union(r_idx, other):
                    stats["joins"] += 1
        if not complete:
            break
    return dict(count=comps.count, labels=comps.labels(), complete=complete, **stats)


def join_pieces(network, regions, unbounded=False, certify=True, deadline=None):
    """The pieces of ``F`` from a count of its activation regions: what
    ``count_regions(..., definition="pieces")`` returns.

    Parameters
    ----------
    network : Network
    regions : CountResult
        A count of the activation regions ("interior") whose ``regions`` hold every pattern.
    unbounded : bool
        The domain is ``R^n0``.
    certify : bool
        Prove every join in exact arithmetic.
    deadline : float or None
        ``time.time()`` after which the joining stops (the result is then incomplete).

    Returns
    -------
    CountResult
        ``count`` the pieces, ``definition`` ``"pieces"``, ``certified`` True when every region
        and every join is proved; ``info`` adds ``activation_regions``, ``joins``, ``candidates``,
        ``undecided``, ``uncertified_joins``, ``neighbour_lookups``, ``seconds_joining`` and
        ``piece_labels`` (a piece label per region).

    Raises
    ------
    RegionmathError
        When the regions' patterns were not kept.

    See Also
    --------
    pieces_of_regions : the joining itself.
    regionmath.pictures.linear_pieces : the same count on exact 2-D polygons.
    """
    from .result import CountResult
    start = time.perf_counter()
    pats = np.asarray(regions.regions.patterns)
    if len(pats) != regions.count:
        raise RegionmathError("the pieces are joined from the activation regions' patterns; "
                              "count them with collect=True")
    joined = pieces_of_regions(network, pats, unbounded=unbounded, certify=certify, deadline=deadline,
                               witnesses=_float_witnesses(regions.regions))
    complete = bool(regions.complete and joined["complete"])
    reason = None if complete else (regions.incomplete_reason or "time-limit")
    certified = None
    if certify:
        certified = bool(regions.certified and joined["undecided"] == 0 and joined["uncertified"] == 0)
    info = dict(regions.info)
    info.update({"activation_regions": int(regions.count), "joins": joined["joins"],
                 "candidates": joined["candidates"], "undecided": joined["undecided"],
                 "uncertified_joins": joined["uncertified"], "neighbour_lookups": joined["lookups"],
                 "seconds_joining": round(time.perf_counter() - start, 3), "piece_labels": joined["labels"]})
    return CountResult(count=int(joined["count"]), method=regions.method, complete=complete,
                       seconds=regions.seconds + time.perf_counter() - start, regions=regions.regions,
                       certified=certified, definition="pieces", info=info, incomplete_reason=reason)


def _float_witnesses(regions):
    try:
        return np.array([[float(v) for v in w] for w in regions.witnesses], dtype=float)
    except (TypeError, ValueError, AttributeError):
        return None
