"""Exact enumeration of the activation regions of a ReLU or maxout network.

The regions are found depth-first, layer by layer. On a region of the earlier layers every
layer before ``l`` is affine, so each unit of layer ``l`` has an affine pre-activation there
and cuts the region by a hyperplane (a maxout unit of rank ``k`` by the ``k(k-1)/2``
hyperplanes where two of its pieces tie). A region is a convex polytope: the domain box cut
by the half-spaces of the decisions made on the way down. Memory grows with the depth, not
with the number of regions.

At each region the search asks, for every undecided unit of the current layer, which of its
states (relu: off/on; maxout: which piece is largest) meet the region's interior:

* a unit that is one-signed on the whole box (interval arithmetic), or identically zero,
  is decided when the layer is entered;
* every region carries interior points already found in it (LP solutions of its
  ancestors); a point strictly inside a state, with margin, proves that state;
* a state no point proves costs one LP: is there a point of the region with every slack
  at least ``min_margin`` (unit-normalised rows, so a slack is a distance)? One HiGHS model
  per process holds a row per constraint, switched on and off through its bounds and warm
  started; a layer's rows get their coefficients when the search enters that layer at a
  new region. The LP's solution joins the known points at once, so it may prove the states
  of the units asked after it; a unit left with one state takes it at once, so the later
  LPs of the same region are solved with its row switched on.

A unit with one state left takes it for the whole subtree (tested as high in the tree as
possible, so its LP is paid once); the first unit with two or more states splits the
region, and the other undecided units are asked again in each child.

What is counted: the patterns whose region contains a ball of radius ``min_margin``
(default 1e-7, the LPs' precision) are all counted, and every counted region contains a
ball of radius ``0.9 * min_margin`` around its witness. Each witness is certified exactly by
the counting front end (:func:`regionmath.counting.count_regions`). A unit whose
pre-activation is identically zero on a region is inactive there and imposes no constraint
(maxout: identical pieces tie and the lowest index wins), as in
:mod:`regionmath.counting.certify`. The domain is the network's box, or all of R^n0
(``unbounded=True``).

The search splits into independent subtrees (the regions after the first few splits), which
run here, on local processes or on a Dask cluster, with a checkpoint to resume from
(:mod:`regionmath.counting.parallel`, whose :func:`~regionmath.counting.parallel.count_enumerate`
is the entry point).

Examples
--------
Two ReLUs on a line, ``relu(x)`` and ``relu(x - 1/2)``, cut ``[-1, 1]`` into three pieces:

>>> from regionmath.network import Network
>>> from regionmath.counting.parallel import count_enumerate
>>> net = Network.from_exact([[[1], [1]]], [[0, "-1/2"]], box=([-1], [1]))
>>> result = count_enumerate(net, jobs=1)
>>> result.count, result.complete
(3, True)
>>> sorted(r.pattern for r in result.regions)
[(0, 0), (1, 0), (1, 1)]

On all of R^2, three lines in general position make seven regions (Zaslavsky):

>>> net = Network([[[1, 0], [0, 1], [1, 1]]], [[0, 0, -1]])
>>> count_enumerate(net, unbounded=True, jobs=1).count
7

References
----------
.. [1] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and Counting Linear Regions of
   Deep Neural Networks", ICML 2018, Sec. 4 (what is counted: the activation patterns whose
   region has non-empty interior).
.. [2] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the Number of Linear Regions of Deep
   Neural Networks", NIPS 2014, Sec. 2 (regions as intersections of the units' half-spaces,
   refined layer by layer).
"""

from __future__ import annotations

import time

import numpy as np

from ..errors import RegionmathError
from .solvers import new_highs

try:  # highspy is a hard dependency; the import guard only keeps the error message short
    import highspy
except ImportError:  # pragma: no cover
    highspy = None

#: relative size below which a unit's affine function counts as identically zero (or constant)
ZERO_TOL = 1e-10


_OPTIMAL = highspy.HighsModelStatus.kOptimal if highspy else None
_INFEASIBLE = highspy.HighsModelStatus.kInfeasible if highspy else None


class _Stop(Exception):
    """Raised inside the search when the time limit or a stop request is reached."""


class _SolverFailure(_Stop):
    """HiGHS could not decide an LP twice (warm, then cold): stop this subtree, incomplete."""


class Enumerator:
    """The depth-first search over one network: its LP model, the per-layer data of the
    current path and the pattern being built. One per process; reused for many subtrees.

    Parameters
    ----------
    network : Network
    unbounded : bool
        Count in all of R^n0 instead of the network's box.
    min_margin : float
        Every region containing a ball of this radius is counted (and none thinner than
        0.9 times it).
    """

    def __init__(self, network, unbounded=False, min_margin=1e-7):
        if highspy is None:  # pragma: no cover
            raise RegionmathError("the enumerator needs highspy (pip install highspy)")
        self.W = [np.asarray(W, dtype=float) for W in network.weights]
        self.b = [np.asarray(b, dtype=float) for b in network.biases]
        self.relu = network.activation == "relu"
        self.k = 1 if self.relu else int(network.rank)
        self.n_opts = 2 if self.relu else self.k  # states of a unit: relu off/on, maxout piece
        self.n0 = network.n0
        self.widths = network.widths
        self.N = sum(self.widths)
        self.L = len(self.widths)
        self.unbounded = bool(unbounded)
        self.lo, self.hi = (None, None) if unbounded else (np.asarray(network.box[0], float), np.asarray(network.box[1], float))
        self.min_margin = float(min_margin)
        # a known point proves an option when its slack exceeds this: LP points have slack
        # min_margin up to the LP's tolerance (1e-9), so counted regions hold a ball of radius
        # 0.9 * min_margin and every region holding a ball of radius min_margin is counted
        self.point_margin = 0.9 * self.min_margin
        self.lp_retries = 0
        # global unit index -> (layer, unit in layer)
        self.unit_of = [(l, u) for l, w in enumerate(self.widths) for u in range(w)]
        self.layer_start = [sum(self.widths[:l]) for l in range(len(self.widths))]
        self.log = []  # the decisions (global unit, option) on the current path
        k = self.k
        self.pairs = [(j, m) for j in range(k) for m in range(j + 1, k)]  # maxout piece pairs
        self.cons_per_unit = 1 if self.relu else len(self.pairs)
        self.row_base = []
        base = 0
        for w in self.widths:
            self.row_base.append(base)
            base += w * self.cons_per_unit
        self.n_rows = base
        self._build_lp()
        self.maps = [None] * (self.L + 1)
        self.maps[0] = (np.eye(self.n0), np.zeros(self.n0))
        self.layers = [None] * self.L
        self.pattern = [0] * self.N
        self.lp_count = 0
        self.node_count = 0
        self.deadline = None
        self.stop_event = None
        self.leaves_p, self.leaves_x = [], []
        self.leaf_count = 0
        self.collect = True
        self.cutoff = None
        self.roots = []
        self.tick = None  # called every 256 nodes (progress in the serial driver)

    # -- the LP model: columns x_1..x_n0, one row per constraint ----------------------------
    def _build_lp(self):
        inf = highspy.kHighsInf
        h = new_highs(primal_feasibility_tolerance=1e-9, dual_feasibility_tolerance=1e-9)
        # the rows are unit-normalised, so scaling buys nothing, and each re-solve paid ~10 us
        # for it; a feasibility LP has no costs to perturb, and perturbing them sent the dual
        # simplex past the first feasible basis (both measured in bench/bench_enumerate.md)
        h.setOptionValue("simplex_scale_strategy", 0)
        h.setOptionValue("dual_simplex_cost_perturbation_multiplier", 0.0)
        n0 = self.n0
        # a feasibility LP (no objective) is ~3x cheaper to re-solve than the Chebyshev-ball LP,
        # and "a point with every slack >= min_margin" is the same test as "a ball of radius
        # min_margin fits". The box is the columns' bounds: a witness on the box's boundary
        # still proves an interior (the strict unit inequalities hold on a neighbourhood, which
        # meets the box's interior).
        col_lo = np.full(n0, -inf) if self.unbounded else self.lo.copy()
        col_hi = np.full(n0, inf) if self.unbounded else self.hi.copy()
        empty_i = np.array([], dtype=np.int32)
        h.addCols(n0, np.zeros(n0), col_lo, col_hi, 0, empty_i, empty_i, np.array([], dtype=float))
        # rows start switched off (free); their coefficients are loaded on entering their layer
        for _ in range(self.n_rows):
            h.addRow(-inf, inf, 0, empty_i, np.array([], dtype=float))
        self.h = h
        self.inf = inf
        self._row_on = np.zeros((self.n_rows, 2))  # bounds when on: [plus lower, minus upper]
        # the rows as numpy data too (coefficients, offsets, the sign each is switched on with,
        # 0: off): the ReLU search carries its points' values on every row down the tree
        self._H = np.zeros((self.n_rows + n0, n0))   # [G; I]: a point p lifts to H p + hg
        self._H[self.n_rows:] = np.eye(n0)
        self._hg = np.zeros(self.n_rows + n0)        # [g; 0]
        self._G, self._g = self._H[:self.n_rows], self._hg[:self.n_rows]   # views
        self._sign = np.zeros(self.n_rows)
        self._coef_layer = [None] * self.L  # which coefficients the rows of a layer hold now

    def _set_rows(self, rows, on):
        """Switch signed rows ``(row, +-1)`` on (``s (a.x + c) >= min_margin``) or off."""
        h, bounds, inf = self.h, self._row_on, self.inf
        sign = self._sign
        for r, s in rows:
            sign[r] = s if on else 0
            if not on:
                h.changeRowBounds(r, -inf, inf)
            elif s > 0:
                h.changeRowBounds(r, bounds[r, 0], inf)
            else:
                h.changeRowBounds(r, -inf, bounds[r, 1])

    def _solve(self):
        """A point of the region cut out by the rows switched on now (every slack at least
        ``min_margin``), or None when there is none."""
        self.lp_count += 1
        h = self.h
        h.run()
        status = h.getModelStatus()
        if status == _INFEASIBLE:
            return None
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
            # numerical trouble: forget the basis and solve cold once more
            self.lp_retries += 1
            h.clearSolver()
            h.run()
            status = h.getModelStatus()
            if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
                # an undecided LP leaves this subtree uncounted: the count becomes a flagged
                # lower bound (complete=False) rather than a crash or a guess
                raise _SolverFailure(f"HiGHS could not decide a region LP ({h.modelStatusToString(status)})")
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.array(h.getSolution().col_value)
        if not self.unbounded:  # basic columns may sit 1e-9 outside their bounds
            np.minimum(x, self.hi, out=x)
            np.maximum(x, self.lo, out=x)
        return x

    def reset_rows(self):
        """Switch every unit row off (before replaying another subtree's prefix)."""
        inf = self.inf
        n = self.n_rows
        self.h.changeRowsBounds(n, np.arange(n, dtype=np.int32), np.full(n, -inf), np.full(n, inf))
        self._sign[:] = 0

    # -- a layer's constraints on the current region --------------------------------------
    def _enter_layer(self, l):
        """Compute layer ``l``'s affine constraints on the current region, the options of each
        unit, and load the coefficients into the layer's LP rows."""
        if l > 0:
            self.maps[l] = self._next_map(l - 1)
        A, c = self.maps[l]
        W, b = self.W[l], self.b[l]
        Az, cz = W @ A, W @ c + b
        absW = np.abs(W)
        sa = absW @ np.linalg.norm(A, axis=1)
        sc = absW @ np.abs(c) + np.abs(b)
        n = self.widths[l]
        if self.relu:
            G, g = Az, cz
        else:
            k = self.k
            I = np.array([u * k + j for u in range(n) for j, m in self.pairs])
            J = np.array([u * k + m for u in range(n) for j, m in self.pairs])
            G, g, sa, sc = Az[I] - Az[J], cz[I] - cz[J], sa[I] + sa[J], sc[I] + sc[J]
        norms = np.linalg.norm(G, axis=1)
        zero = norms <= ZERO_TOL * sa
        safe = np.where(zero, 1.0, norms)
        Gh, gh = G / safe[:, None], g / safe
        # state of each constraint: 2 cuts, +1 positive on the whole domain, -1 negative, 0 zero
        state = np.full(len(g), 2)
        const_sign = np.where(np.abs(g) <= ZERO_TOL * sc, 0, np.sign(g))
        state[zero] = const_sign[zero]
        if not self.unbounded:
            gmin = gh + np.minimum(Gh * self.lo, Gh * self.hi).sum(axis=1)
            gmax = gh + np.maximum(Gh * self.lo, Gh * self.hi).sum(axis=1)
            # strictly: a unit that only touches the box (gmin = 0, common in constructions on
            # [0, 1]^n0) keeps its row, so that witnesses on the box's boundary stay strict
            slack = 1e-12 * (1.0 + np.abs(self.lo).max() + np.abs(self.hi).max())
            cut = state == 2
            state[cut & (gmin > slack)] = 1
            state[cut & (gmax < -slack)] = -1
        # load the cutting rows: row ci holds Gh[ci] . x; on: >= -gh + m (plus) or <= -gh - m (minus)
        base = self.row_base[l]
        h = self.h
        cuts = np.nonzero(state == 2)[0]
        loaded = self._coef_layer[l]
        if loaded is None:
            loaded = self._coef_layer[l] = np.full_like(Gh, np.nan)
        for ci in cuts:
            row = Gh[ci]
            if not np.array_equal(loaded[ci], row):
                r = base + ci
                for j in range(self.n0):
                    h.changeCoeff(r, j, float(row[j]))
                loaded[ci] = row
        self._row_on[base + cuts, 0] = -gh[cuts] + self.min_margin
        self._row_on[base + cuts, 1] = -gh[cuts] - self.min_margin
        self._row_on_list = self._row_on.tolist()
        self._G[base:base + len(gh)] = Gh
        self._g[base:base + len(gh)] = gh
        # options of each unit: None (impossible) or the (constraint, sign) pairs it needs
        options = []
        cpu = self.cons_per_unit
        st = state.tolist()
        for u in range(n):
            if self.relu:
                s = st[u]
                if s == 2:
                    options.append([[(u, -1)], [(u, 1)]])
                elif s == 1:
                    options.append([None, []])
                else:  # identically zero or negative: inactive
                    options.append([[], None])
                continue
            opts = [[] for _ in range(self.k)]
            for p, (j, m) in enumerate(self.pairs):
                ci = u * cpu + p
                s = st[ci]
                if s == 2:
                    if opts[j] is not None:
                        opts[j].append((ci, 1))
                    if opts[m] is not None:
                        opts[m].append((ci, -1))
                elif s == 1 or s == 0:  # z_j > z_m everywhere, or a tie that j (lower index) wins
                    opts[m] = None
                else:
                    opts[j] = None
            options.append(opts)
        # every option's constraints as index/sign rows (padded with the +inf column)
        K = self.n_opts
        width = max(1, K - 1)
        idx = np.full((n * K, width), len(gh), dtype=np.intp)
        sgn = np.ones((n * K, width))
        for u, opts in enumerate(options):
            for j, cons in enumerate(opts):
                for q, (ci, sg) in enumerate(cons or ()):
                    idx[u * K + j, q], sgn[u * K + j, q] = ci, sg
        self.layers[l] = (Az, cz, Gh, gh, options, idx, sgn)
        # units with one possible option and nothing to check are decided on the whole domain
        rem = []
        start = self.layer_start[l]
        for u, opts in enumerate(options):
            alive = tuple(j for j, cons in enumerate(opts) if cons is not None)
            if len(alive) == 1 and not opts[alive[0]]:
                self.pattern[start + u] = alive[0]
            else:
                rem.append((u, alive))
        self._entry_rem = tuple(rem)
        return self._entry_rem

    def _next_map(self, l):
        """The affine map of layer ``l``'s output on the current region (its pattern is set)."""
        Az, cz = self.layers[l][0], self.layers[l][1]
        start = self.layer_start[l]
        states = self.pattern[start:start + self.widths[l]]
        if self.relu:
            on = np.array(states, dtype=bool)
            return Az * on[:, None], cz * on
        rows = np.arange(len(states)) * self.k + np.array(states)
        return Az[rows], cz[rows]

    def _rows_of(self, l, cons):
        base = self.row_base[l]
        return [(base + ci, s) for ci, s in cons]

    # -- the search -----------------------------------------------------------------------
    def explore(self, l, rem, P, mP, depth=0):
        """Enumerate the regions below the current region. Layer ``l`` is entered; ``rem``
        lists its undecided units as ``(unit, live options)``; the rows of ``P`` are interior
        points of the region with margins ``mP``; ``depth`` counts the splits above."""
        if self.relu:
            return self._explore_relu(l, [u for u, _ in rem], P @ self._H.T + self._hg, depth)
        self.node_count += 1
        if self.node_count & 255 == 0:
            self._check_stop()
        while not rem:  # the layer is decided: enter the next one, or a region is complete
            if l == self.L - 1:
                self.leaf_count += 1
                if self.collect:
                    self.leaves_p.append(tuple(self.pattern))
                    self.leaves_x.append(P[int(np.argmax(mP))])
                return
            l += 1
            rem = self._enter_layer(l)
        if depth == self.cutoff:
            self.roots.append((tuple(self.log), l, rem, P.copy(), mP.copy()))
            return
        options = self.layers[l][4]
        start = self.layer_start[l]
        tol = self.point_margin
        # 1. which options of each undecided unit meet the region: a known point inside the
        #    option proves it; otherwise one LP, whose solution becomes a known point
        V, seen = self._point_values(l, P)
        split, fixed, new = [], [], []
        for u, alive in rem:
            live = [j for j in alive if seen[self._col(u, j)]]
            if len(live) < len(alive):
                for j in alive:
                    if j not in live:
                        x = self._option_lp(l, options[u][j])
                        if x is not None:
                            live.append(j)
                            new.append(x)
                live.sort()
            if len(live) >= 2:
                split.append((u, tuple(live)))
            elif live:
                fixed.append((u, live[0]))
            else:
                return  # no option holds a ball of radius min_margin: the region is too thin to count
        if new:
            Xn = np.array(new)
            P, mP = np.concatenate([P, Xn]), np.concatenate([mP, np.full(len(new), self.min_margin)])
            V = np.concatenate([V, self._point_values(l, Xn)[0]])
        # 2. one-sided units take their side for the whole subtree
        log_len, rows_on = len(self.log), []
        try:
            for u, j in fixed:
                cons = options[u][j]
                self.pattern[start + u] = j
                self.log.append((start + u, j))
                if cons:
                    rows = self._rows_of(l, cons)
                    self._set_rows(rows, True)
                    rows_on += rows
                    m = self._margin_in(V, u, j)
                    sel = m > tol
                    if sel.any():
                        P, mP, V = P[sel], np.minimum(mP[sel], m[sel]), V[sel]
                    else:
                        P, mP = self._region_point()
                        if P is None:
                            return
                        V = self._point_values(l, P)[0]
            if not split:
                self.explore(l, (), P, mP, depth)
                return
            # 3. split by the first two-sided unit; the others are asked again in each child
            (u, alive), rest = split[0], tuple(split[1:])
            for j in alive:
                rows = self._rows_of(l, options[u][j])
                self._set_rows(rows, True)
                m = self._margin_in(V, u, j)
                sel = m > tol
                if sel.any():
                    Pc, mc = P[sel], np.minimum(mP[sel], m[sel])
                else:
                    Pc, mc = self._region_point()
                    if Pc is None:
                        self._set_rows(rows, False)
                        continue
                self.pattern[start + u] = j
                self.log.append((start + u, j))
                try:
                    self.explore(l, rest, Pc, mc, depth + 1)
                finally:
                    self.log.pop()
                    self._set_rows(rows, False)
        finally:
            del self.log[log_len:]
            if rows_on:
                self._set_rows(rows_on, False)

    def _explore_relu(self, l, units, Q, depth):
        """:meth:`explore` for ReLU networks, where unit ``u`` of layer ``l`` has the one row
        ``r = row_base[l] + u`` and two options (off: row <= -margin, on: row >= margin).
        ``units`` lists the undecided units of layer ``l``. Each row of ``Q`` is a known point
        ``p`` of the region lifted to ``H p + hg = [G p + g, p]`` (its values on every row,
        then the point), carried down the tree (a child keeps the rows of its points) so that
        a node's tests cost a few array operations; a point's margin is read at the leaf."""
        self.node_count += 1
        if self.node_count & 255 == 0:
            self._check_stop()
        R = self.n_rows
        while not units:  # the layer is decided: enter the next one, or a region is complete
            if l == self.L - 1:
                self._leaf_relu(Q)
                return
            l += 1
            units = [u for u, _ in self._enter_layer(l)]
            Q = Q[:, R:] @ self._H.T + self._hg
        if depth == self.cutoff:
            P = Q[:, R:].copy()
            self.roots.append((tuple(self.log), l, tuple((u, (0, 1)) for u in units), P, np.ones(len(P))))
            return
        h, inf, sign, pattern, log = self.h, self.inf, self._sign, self.pattern, self.log
        H, hg, bounds, lo, hi = self._H, self._hg, self._row_on_list, self.lo, self.hi
        optimal, infeasible = _OPTIMAL, _INFEASIBLE
        base, start, tol = self.row_base[l], self.layer_start[l], self.point_margin
        stop = base + self.widths[l]
        # 1. which sides of each undecided unit meet the region: a known point proves a side,
        #    otherwise one LP; the LP's point lies in the region and may prove the sides of the
        #    units after it, so its values are kept for them
        if len(Q) == 1:
            top = bot = Q[0, base:stop].tolist()
        else:
            Qs = Q[:, base:stop]
            top, bot = np.maximum.reduce(Qs).tolist(), np.minimum.reduce(Qs).tolist()
        split, fixed, new, new_vals, rows_on = [], [], [], [], []
        for u in units:
            off, on = bot[u] < -tol, top[u] > tol
            if new_vals and not (off and on):
                for ql in new_vals:
                    v = ql[u]
                    if v < -tol:
                        off = True
                    elif v > tol:
                        on = True
            if off and on:
                split.append(u)
                continue
            r = base + u
            for j in (0, 1):
                if on if j else off:
                    continue
                if j:
                    h.changeRowBounds(r, bounds[r][0], inf)
                else:
                    h.changeRowBounds(r, -inf, bounds[r][1])
                self.lp_count += 1
                h.run()
                status = h.getModelStatus()
                if status == infeasible:
                    if on if not j else off:
                        # the unit takes its other side for the whole subtree: switch that
                        # side on now (it holds for the later units' LPs too)
                        if j:
                            h.changeRowBounds(r, -inf, bounds[r][1])
                            sign[r] = -1.0
                        else:
                            h.changeRowBounds(r, bounds[r][0], inf)
                            sign[r] = 1.0
                        rows_on.append(r)
                    else:
                        h.changeRowBounds(r, -inf, inf)
                    continue
                if status == optimal:
                    x = np.array(h.getSolution().col_value)
                    if lo is not None:  # basic columns may sit 1e-9 outside their bounds
                        np.minimum(x, hi, out=x)
                        np.maximum(x, lo, out=x)
                else:
                    self.lp_count -= 1
                    x = self._solve()  # numerical trouble: _solve retries, cold if need be
                h.changeRowBounds(r, -inf, inf)
                if x is None:
                    continue
                q = H @ x + hg
                new.append(q)
                new_vals.append(q[base:stop].tolist())
                if j:
                    on = True
                else:
                    off = True
            if off and on:
                split.append(u)
            elif off or on:
                fixed.append((u, 1 if on else 0))
            else:  # neither side holds a ball of radius min_margin: too thin to count
                for r in rows_on:
                    h.changeRowBounds(r, -inf, inf)
                    sign[r] = 0.0
                return
        if new:
            Q = np.concatenate([Q, np.array(new)])
        # 2. one-sided units take their side for the whole subtree (all their rows at once)
        log_len = len(log)
        if fixed:
            rows = [base + u for u, _ in fixed]
            m = np.minimum.reduce(Q[:, rows] * np.array([1.0 if j else -1.0 for _, j in fixed]), axis=1)
            for u, j in fixed:
                r = base + u
                if not sign[r]:
                    if j:
                        h.changeRowBounds(r, bounds[r][0], inf)
                        sign[r] = 1.0
                    else:
                        h.changeRowBounds(r, -inf, bounds[r][1])
                        sign[r] = -1.0
                    rows_on.append(r)
                pattern[start + u] = j
                log.append((start + u, j))
            Q = Q[m > tol]
            if not len(Q):
                x = self._solve()
                Q = None if x is None else (H @ x + hg)[None, :]
        if Q is None:
            pass
        elif not split:
            if l == self.L - 1:
                self._leaf_relu(Q)
            else:
                self._explore_relu(l, (), Q, depth)
        else:
            # 3. split by the first two-sided unit; the others are asked again in each child
            u, rest = split[0], split[1:]
            r, g = base + u, start + u
            col = Q[:, r]
            for j in (0, 1):
                if j:
                    h.changeRowBounds(r, bounds[r][0], inf)
                    sign[r] = 1.0
                    Qc = Q[col > tol]
                else:
                    h.changeRowBounds(r, -inf, bounds[r][1])
                    sign[r] = -1.0
                    Qc = Q[col < -tol]
                if not len(Qc):
                    x = self._solve()
                    if x is None:
                        continue
                    Qc = (H @ x + hg)[None, :]
                pattern[g] = j
                log.append((g, j))
                self._explore_relu(l, rest, Qc, depth + 1)
                log.pop()
            h.changeRowBounds(r, -inf, inf)
            sign[r] = 0.0
        del log[log_len:]
        for r in rows_on:
            h.changeRowBounds(r, -inf, inf)
            sign[r] = 0.0

    def _leaf_relu(self, Q):
        """Record the current (complete) region, its witness the known point deepest inside."""
        self.leaf_count += 1
        if self.collect:
            self.leaves_p.append(tuple(self.pattern))
            R = self.n_rows
            if len(Q) > 1:
                S = self._sign
                on = S != 0
                if on.any():
                    Q = Q[[int(np.minimum.reduce(Q[:, :R][:, on] * S[on], axis=1).argmax())]]
            self.leaves_x.append(Q[0, R:])

    def _point_values(self, l, P):
        """The values the points' option margins are read from, and which options some point
        proves (a list indexed by :meth:`_col`). Relu: the unit-normalised pre-activations
        (option 0 wants them negative, option 1 positive); maxout: each option's margin."""
        Gh, gh = self.layers[l][2], self.layers[l][3]
        tol = self.point_margin
        if self.relu:
            V = P @ Gh.T + gh
            seen = np.empty(2 * V.shape[1], dtype=bool)
            seen[0::2] = (V < -tol).any(axis=0)
            seen[1::2] = (V > tol).any(axis=0)
            return V, seen.tolist()
        idx, sgn = self.layers[l][5], self.layers[l][6]
        Z = np.empty((len(P), len(gh) + 1))
        Z[:, :-1] = P @ Gh.T + gh
        Z[:, -1] = np.inf   # the column of options without a constraint
        V = (Z[:, idx] * sgn).min(axis=2)
        return V, (V > tol).any(axis=0).tolist()

    def _col(self, u, j):
        return 2 * u + j if self.relu else u * self.k + j

    def _margin_in(self, V, u, j):
        """Each point's margin in option ``j`` of unit ``u`` (from :meth:`_point_values`)."""
        if self.relu:
            return V[:, u] if j else -V[:, u]
        return V[:, u * self.k + j]

    def _option_lp(self, l, cons):
        rows = self._rows_of(l, cons)
        self._set_rows(rows, True)
        try:
            return self._solve()
        finally:
            self._set_rows(rows, False)

    def _region_point(self):
        """A point of the current region by an LP, or (None, None) when it is too thin."""
        x = self._solve()
        if x is None:
            return None, None
        return x[None, :], np.array([self.min_margin])

    def _check_stop(self):
        if self.tick is not None:
            self.tick()
        if self.deadline is not None and time.time() >= self.deadline:
            raise _Stop()
        if self.stop_event is not None and self.stop_event.is_set():
            raise _Stop()

    def root_points(self):
        """A first point of the whole domain: the centre of the box (the origin of R^n0)."""
        x = np.zeros(self.n0) if self.unbounded else (self.lo + self.hi) / 2
        return x[None, :], np.array([1.0])

    def replay(self, root_log, layer):
        """Make the region of a subtree root current: the decisions of ``root_log`` (global
        unit, option) in order, the layers up to ``layer`` entered, rows switched on."""
        self.reset_rows()
        self.log = []
        entered = 0
        self._enter_layer(0)
        for g, j in root_log:
            l, u = self.unit_of[g]
            while entered < l:
                entered += 1
                self._enter_layer(entered)
            cons = self.layers[l][4][u][j]
            if cons is None:
                raise RegionmathError("a subtree root is impossible for this network (checkpoint from another version?)")
            if cons:
                self._set_rows(self._rows_of(l, cons), True)
            self.pattern[g] = j
            self.log.append((g, j))
        while entered < layer:
            entered += 1
            self._enter_layer(entered)

    def run_subtree(self, root, deadline=None, stop_event=None, collect=True):
        """Count the regions below a subtree ``root = (log, layer, rem, points, margins)``;
        returns (count, complete, (patterns, witnesses))."""
        self.deadline, self.stop_event, self.collect = deadline, stop_event, collect
        self.leaves_p, self.leaves_x, self.leaf_count = [], [], 0
        self.cutoff, self.roots = None, []
        root_log, layer, rem, P, mP = root
        complete = True
        try:
            self.replay(root_log, layer)
            self.explore(layer, rem, P, mP)
        except _Stop:
            complete = False
        return self.leaf_count, complete, self._take_leaves()

    def _take_leaves(self):
        if not self.collect or not self.leaves_p:
            pats = np.zeros((0, self.N), dtype=np.int16)
            wits = np.zeros((0, self.n0))
        else:
            pats = np.array(self.leaves_p, dtype=np.int16)
            wits = np.array(self.leaves_x, dtype=float)
        self.leaves_p, self.leaves_x = [], []
        return pats, wits

    def split(self, depth, deadline=None, stop_event=None, collect=True):
        """The regions after ``depth`` splits (subtree roots) and the complete regions met
        above that depth; returns (roots, count, complete, (patterns, witnesses))."""
        self.deadline, self.stop_event, self.collect = deadline, stop_event, collect
        self.leaves_p, self.leaves_x, self.leaf_count = [], [], 0
        self.cutoff, self.roots = depth, []
        complete = True
        try:
            P, mP = self.root_points()
            self.replay((), 0)
            self.explore(0, self._entry_rem, P, mP)
        except _Stop:
            complete = False
        roots, self.roots, self.cutoff = self.roots, [], None
        return roots, self.leaf_count, complete, self._take_leaves()
