"""Exact enumeration of the activation regions of a ReLU or maxout network.

The regions are found depth-first, layer by layer. On a region of the earlier layers every
layer before ``l`` is affine, so each unit of layer ``l`` has an affine pre-activation there
and cuts the region by a hyperplane (a maxout unit of rank ``k`` by the ``k(k-1)/2``
hyperplanes where two of its pieces tie). A region is a convex polytope: the domain box cut
by the half-spaces of the decisions made on the way down. Memory grows with the depth, not
with the number of regions.

At each region the search asks, for every undecided unit of the current layer, which of its
states (relu: off/on; maxout: which piece is largest) meet the region's interior:

* a unit that is one-signed on the whole box (interval arithmetic whose margin exceeds its
  rounding error bound), or identically zero (decided exactly), is decided when the layer is
  entered;
* every region carries interior points already found in it (LP solutions of its
  ancestors); a point strictly inside a state, with margin, proves that state;
* a state no point proves costs one LP: is there a point of the region with every slack
  at least ``min_margin`` (box-normalised coordinates ``u in [-1, 1]^n0`` and unit-normalised
  rows, so a slack is a distance relative to the box)? One HiGHS model per process holds a
  row per constraint, switched on and off through its bounds and warm started; a layer's rows
  get their coefficients when the search enters that layer at a new region. For ReLU
  networks in a box the LP is solved by a dense dual simplex on a warm dictionary, compiled
  with numba (:mod:`regionmath.counting.simplex`: a few microseconds where HiGHS pays ~100 us
  per call at 64 inputs), HiGHS only when it fails or its ray proves nothing. The LP's solution
  joins the known points at once, so it may prove the states of the units asked after it; a
  unit left with one state takes it at once, so the later LPs of the same region are solved
  with its row switched on.

Inside the last layer of a ReLU network (where almost every node of the search lies) the
same search runs compiled (:mod:`regionmath.counting.lastlayer`); it gives a subtree back to
this module whenever a branch needs more than the kernel's filtered certificate. Entering a
ReLU layer at a region (its rows, their rounding bounds, the units one-signed on the box) is
one compiled call too (:mod:`regionmath.counting.layerentry`).

A unit with one state left takes it for the whole subtree (tested as high in the tree as
possible, so its LP is paid once); the first unit with two or more states splits the
region, and the other undecided units are asked again in each child.

What is counted, and why the count is a proof. Every counted region has a witness that the
counting front end checks in exact rational arithmetic (:func:`regionmath.counting.count_regions`;
a witness that fails sends its pattern to an exact decision). Every branch the search drops
(an LP that finds no point with margin ``min_margin``) is *proved* empty (no interior) by a
Farkas certificate: the LP's dual ray ``y >= 0`` on the branch's rows, with

    U(y) = sum_r y_r c_r + sum_j |sum_r y_r a_rj| <= 0      (rows a_r . u + c_r > 0, u in the box)

so that no point of the box satisfies every strict row (:mod:`regionmath.counting.exact_lp`).
``U`` is first evaluated in floats with a rigorous bound on its rounding error (``|fl(U) - U|
<= gamma_K M``, M the same sum of absolute values, Higham 2002 Sec. 3; the *filter*, which
decides almost every branch of an ordinary net), then, if that is inconclusive, exactly from
the exact weights; if the ray does not certify either (the branch is thin but not empty, or
the LP was in numerical trouble, or a composed row is too small for floats to see), the
branch is searched with exact decisions: a float LP whose point or duals are checked exactly,
else the exact rational simplex. A branch that even that cannot decide in
:data:`~regionmath.counting.tolerances.EXACT_SECONDS` stops the count with the reason
``undecided-lp``. So a complete, certified count is the exact number of patterns whose region
has non-empty interior, whatever the scale of the weights or of the box. ``info["proofs"]``
tallies how the dropped branches were proved.

A unit whose pre-activation is identically zero on a region is inactive there and imposes
no constraint (maxout: identical pieces tie and the lowest index wins), as in
:mod:`regionmath.counting.certify`. The domain is the network's box, or all of R^n0
(``unbounded=True``; there the ray must cancel exactly, so it is checked by the exact simplex
on the few rows it uses).

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
from . import tolerances as tol
from .solvers import new_highs

try:  # highspy is a hard dependency; the import guard only keeps the error message short
    import highspy
except ImportError:  # pragma: no cover
    highspy = None



_OPTIMAL = highspy.HighsModelStatus.kOptimal if highspy else None
_INFEASIBLE = highspy.HighsModelStatus.kInfeasible if highspy else None


__all__ = ["Enumerator"]


class _Stop(Exception):
    """Raised inside the search when the time limit or a stop request is reached."""


class _SolverFailure(_Stop):
    """HiGHS could not decide an LP twice (warm, then cold): stop this subtree, incomplete."""


simplex = lastlayer = layerentry = None   # the numba kernel modules, imported when a count wants them


def _load_kernels(network) -> bool:
    """Whether the compiled kernels may serve ``network``, importing them if so. Importing
    numba takes about 0.35 s and loading the kernels about a second: a network with fewer
    than :data:`~regionmath.counting.tolerances.KERNEL_MIN_UNITS` units has at most 2^N
    regions and so about N 2^N LPs, which HiGHS solves in less time."""
    global simplex, lastlayer, layerentry
    if network.N < tol.KERNEL_MIN_UNITS:
        return False
    if simplex is None:
        from . import lastlayer as _lastlayer
        from . import layerentry as _layerentry
        from . import simplex as _simplex
        simplex, lastlayer, layerentry = _simplex, _lastlayer, _layerentry
    return simplex.available()


def _kernel_affordable(deadline):
    """Whether a count ending at ``deadline`` (``time.time()`` seconds, or None) can pay for
    the numba kernels: always when numba's disk cache holds them, else only with
    :data:`~regionmath.counting.tolerances.KERNEL_COMPILE_SECONDS` to spare (a first count
    after installing compiles them; a short one runs on HiGHS instead)."""
    if simplex.compiled_on_disk(lastlayer.KERNELS + layerentry.KERNELS):
        return True
    return deadline is None or deadline - time.time() > tol.KERNEL_COMPILE_SECONDS


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

    def __init__(self, network, unbounded=False, min_margin=1e-7, deadline=None):
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
        # the LP's columns are box-normalised coordinates u (x = centre + half * u, u in
        # [-1, 1]^n0): every margin and tolerance is then relative to the box, whatever its width
        lo, hi = np.asarray(network.box[0], float), np.asarray(network.box[1], float)
        self.centre = np.zeros(self.n0) if unbounded else (lo + hi) / 2
        self.half = np.ones(self.n0) if unbounded else (hi - lo) / 2
        self.lo, self.hi = (None, None) if unbounded else (-np.ones(self.n0), np.ones(self.n0))
        self.network = network
        self.min_margin = float(min_margin)
        # a known point proves an option when its slack exceeds this: LP points have slack
        # min_margin up to the LP's tolerance (tolerances.LP_FEASTOL)
        self.point_margin = tol.POINT_MARGIN_FRACTION * self.min_margin
        # how each dropped branch was proved empty (filtered float certificate, exact
        # certificate, exact decision) and the regions found by the exact fallback
        self.failure = None  # why a subtree stopped undecided ("undecided-lp")
        self._exact_seen = set()   # regions the exact fallback found in the current subtree
        self.stats = {"pruned": 0, "filter": 0, "exact_farkas": 0, "exact_lp": 0, "exact_regions": 0,
                      "exact_rows": 0, "undecided": 0}
        self.lp_retries = 0
        self.lp_fallbacks = 0   # LPs the dense kernel left to HiGHS (simplex.FAILED, or a ray the filter rejects)
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
        self._kernel_deadline = deadline   # whether the numba kernels are worth loading
        self._build_lp()
        self.maps = [None] * (self.L + 1)
        self.maps[0] = (np.diag(self.half), self.centre.copy())
        # magnitudes |W| |A| of the terms summed into each map (the float filter's error bound)
        # and the number of roundings on every path into it (tolerances.rounding_gamma)
        self.mags = [None] * (self.L + 1)
        self.mags[0] = (np.diag(self.half), np.abs(self.centre))
        self.rounds = [2] + [0] * self.L
        self.entry_fixed = [dict() for _ in range(self.L)]
        self.hard = [False] * self.L
        self._exact_maps = [None] * (self.L + 1)
        self.layers = [None] * self.L
        self.pattern = [0] * self.N
        self.lp_count = 0
        self.node_count = 0
        self.deadline = None
        self.stop_event = None
        self.leaves_p, self.leaves_x = [], []
        self._chunks = []   # (patterns, witnesses) arrays from the compiled last-layer search
        self._buf_p = np.zeros((1024, self.N), dtype=np.int16)
        self._buf_x = np.zeros((1024, self.n0))
        self.last_layer_aborts = 0
        if self._klp is not None:
            self._warm_up()
        self.leaf_count = 0
        self.collect = True
        self.cutoff = None
        self.roots = []
        self.tick = None  # called every 256 nodes (progress in the serial driver); the clock is read at every node

    # -- the LP model: columns x_1..x_n0, one row per constraint ----------------------------
    def _build_lp(self):
        inf = highspy.kHighsInf
        h = new_highs(primal_feasibility_tolerance=tol.LP_FEASTOL, dual_feasibility_tolerance=tol.LP_FEASTOL)
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
        self._cuts = [np.zeros(0, dtype=np.intp)] * self.L   # the cutting constraints of each layer
        # each row unnormalised (G, g), with the magnitudes bounding its float error and its
        # rounding count: what a dual ray is checked against (:meth:`_filter_proves`)
        self._Gu = np.zeros((self.n_rows, n0))
        self._gu = np.zeros(self.n_rows)
        self._rmag = np.zeros(self.n_rows)
        self._cmag = np.zeros(self.n_rows)
        self._rK = np.zeros(self.n_rows)
        self._rnorm = np.zeros(self.n_rows)    # the LP row's norm (0: not a float row)
        self._rbound = np.zeros(self.n_rows)   # rmag + cmag: the row's value magnitude on the box
        self._ray = None     # the dual ray of the last infeasible LP
        self._ray_filtered = False   # ... and the float filter has proved it already
        # HiGHS's copy of the rows is brought up to date only before HiGHS solves
        # (:meth:`_highs_sync`): the signs it holds and the layers whose coefficients are stale
        self._hs_sign = np.zeros(self.n_rows)
        self._hs_stale = set()
        # ReLU networks in a box solve their LPs with the dense warm-started kernel
        # (:mod:`regionmath.counting.simplex`; HiGHS only when it fails): ~100 us of HiGHS's
        # fixed cost per call at 64 inputs, against a few us
        self._klp = None
        if (self.relu and not self.unbounded and _load_kernels(self.network)
                and _kernel_affordable(self._kernel_deadline)):
            self._klp = simplex.DenseLP(self.n_rows, n0, A=self._G, g=self._g,
                                        rows=(self._Gu, self._gu, self._rnorm, self._rbound, self._rK))
            # what the compiled layer entry (layerentry.enter_relu) reads and writes
            self._Wc = [np.ascontiguousarray(W) for W in self.W]
            self._absW = [np.abs(W) for W in self._Wc]
            self._bc = [np.ascontiguousarray(b) for b in self.b]
            self._absb = [np.abs(b) for b in self._bc]
            self._entry_rows = (self._Gu, self._gu, self._rmag, self._cmag, self._rK, self._rnorm, self._rbound,
                                self._row_on, self._G, self._g, self._hs_sign)

    def _set_rows(self, rows, on):
        """Switch signed rows ``(row, +-1)`` on (``s (a.x + c) >= min_margin``) or off."""
        h, bounds, inf = self.h, self._row_on, self.inf
        sign = self._sign
        hs = self._hs_sign
        for r, s in rows:
            sign[r] = s if on else 0
            hs[r] = sign[r]
            if not on:
                h.changeRowBounds(r, -inf, inf)
            elif s > 0:
                h.changeRowBounds(r, bounds[r, 0], inf)
            else:
                h.changeRowBounds(r, -inf, bounds[r, 1])

    def _solve(self):
        """A point of the region cut out by the rows switched on now (every slack at least
        ``min_margin``), or None when there is none (``self._ray``: its certificate, if any)."""
        self.lp_count += 1
        klp = self._klp
        if klp is not None:
            status = klp.solve(self._sign, self.min_margin)
            if status == simplex.FEASIBLE:
                return klp.x[:self.n0].copy()
            if status == simplex.INFEASIBLE:   # its ray passed the float filter
                self._ray, self._ray_filtered = klp.ray.copy(), True
                return None
            # the kernel failed, or its ray proves nothing: HiGHS decides as before
            self.lp_fallbacks += 1
        return self._highs_solve()

    def _highs_sync(self):
        """Bring HiGHS's rows up to date: coefficients of stale layers, bounds from the signs."""
        h, inf = self.h, self.inf
        for l in sorted(self._hs_stale):
            self._load_coefficients(l)
        self._hs_stale.clear()
        changed = np.flatnonzero(self._sign != self._hs_sign)
        if len(changed):
            bounds = self._row_on
            for r in changed.tolist():
                s = self._sign[r]
                if s > 0:
                    h.changeRowBounds(r, bounds[r, 0], inf)
                elif s < 0:
                    h.changeRowBounds(r, -inf, bounds[r, 1])
                else:
                    h.changeRowBounds(r, -inf, inf)
            self._hs_sign[changed] = self._sign[changed]

    def _highs_solve(self):
        """:meth:`_solve` by HiGHS (the rows synchronised first; a single LP stops at the deadline)."""
        self._highs_sync()
        h = self.h
        if self.deadline is not None:
            left = self.deadline - time.time()
            if left <= 0:
                raise _Stop()
            h.setOptionValue("time_limit", max(left, 1e-3))
        h.run()
        status = h.getModelStatus()
        if status == _INFEASIBLE:
            self._ray = self._dual_ray()
            return None
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
            # numerical trouble: forget the basis and solve cold once more
            self.lp_retries += 1
            if self.deadline is not None and time.time() >= self.deadline:
                raise _Stop()    # HiGHS stopped at the time limit, not in trouble
            h.clearSolver()
            h.run()
            status = h.getModelStatus()
            if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
                if self.deadline is not None and time.time() >= self.deadline:
                    raise _Stop()
                # HiGHS cannot decide: the caller decides this branch exactly (no ray)
                self._ray = None
                return None
        if status != highspy.HighsModelStatus.kOptimal:
            self._ray = self._dual_ray()
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
        self._hs_sign[:] = 0

    # -- a layer's constraints on the current region --------------------------------------
    def _enter_layer(self, l):
        """Compute layer ``l``'s affine constraints on the current region, the options of each
        unit, and load the coefficients into the layer's LP rows."""
        if l > 0:
            self.rounds[l] = self.rounds[l - 1] + self.W[l - 1].shape[1] + 3
        for m in range(max(l, 1), self.L + 1):   # the exact maps of this path from layer l on
            self._exact_maps[m] = None
        # roundings on every path into a row of the layer (a maxout difference adds one)
        K = self.rounds[l] + self.W[l].shape[1] + 3
        if self._klp is not None:
            rem = self._enter_relu_compiled(l, K)
            if rem is not None:
                return rem
        if l > 0:
            self.maps[l] = self._next_map(l - 1)
            self.mags[l] = self._next_map(l - 1, mags=True)
        A, c = self.maps[l]
        mA, mc = self.mags[l]
        W, b = self.W[l], self.b[l]
        Az, cz = W @ A, W @ c + b
        absW = np.abs(W)
        # magnitudes of the summed terms: |fl(G) - G| <= gamma_K * mG entrywise (Higham 2002,
        # Sec. 3.5), K roundings on every path; the exact rows are those of the exact weights
        mAz, mcz = absW @ mA, absW @ mc + np.abs(b)
        mG, mg = mAz, mcz
        n = self.widths[l]
        if self.relu:
            G, g = Az, cz
        else:
            k = self.k
            I = np.array([u * k + j for u in range(n) for j, m in self.pairs])
            J = np.array([u * k + m for u in range(n) for j, m in self.pairs])
            G, g, mG, mg, K = Az[I] - Az[J], cz[I] - cz[J], mG[I] + mG[J], mg[I] + mg[J], K + 1
        rmag = mG.sum(axis=1)
        gam = self._row_gamma(K)
        l1 = np.abs(G).sum(axis=1)
        err = gam * (rmag + mg)       # bounds |exact - float| of the row's value on the box
        norms = np.linalg.norm(G, axis=1)
        # a row the float data cannot tell from zero (or too tiny for a relative bound) is
        # decided exactly: identically zero, a constant, or a cut floats cannot represent
        maybe_zero = (l1 <= gam * rmag) | (rmag + mg < tol.FILTER_TINY) | ~np.isfinite(l1)
        safe = np.where(maybe_zero | (norms == 0), 1.0, norms)
        Gh, gh = G / safe[:, None], g / safe
        # state of each constraint: 2 cuts, +1 positive on the whole domain, -1 negative, 0
        # identically zero; each one-signed verdict is proved: the float interval bound clears
        # zero by more than its rounding error bound
        state = np.full(len(g), 2)
        if not self.unbounded:
            state[(g - l1 - err > 0) & ~maybe_zero] = 1
            state[(g + l1 + err < 0) & ~maybe_zero] = -1
        hard = False
        for ci in np.nonzero(maybe_zero)[0].tolist():
            a_exact, c_exact = self._exact_row(l, ci)
            self.stats["exact_rows"] += 1
            if any(a_exact):
                hard = True           # a real cut the float rows cannot see: exact search below
                state[ci] = 2
            else:
                state[ci] = (c_exact > 0) - (c_exact < 0)
        self.hard[l] = hard
        base = self.row_base[l]
        rows = slice(base, base + len(g))
        self._Gu[rows], self._gu[rows] = G, g
        self._rmag[rows], self._cmag[rows], self._rK[rows] = rmag, mg, K
        self._rnorm[rows] = np.where(maybe_zero, 0.0, norms)
        self._rbound[rows] = rmag + mg
        # the cutting rows: row ci holds Gh[ci] . x; on: >= -gh + m (plus) or <= -gh - m (minus)
        base = self.row_base[l]
        cuts = np.nonzero(state == 2)[0]
        self._cuts[l] = cuts
        self._row_on[base + cuts, 0] = -gh[cuts] + self.min_margin
        self._row_on[base + cuts, 1] = -gh[cuts] - self.min_margin
        self._G[base:base + len(gh)] = Gh
        self._g[base:base + len(gh)] = gh
        # the rows' bounds changed with the region: HiGHS must reload them even where a row's
        # sign is the one it held last (a sibling region's bound would cut the wrong set)
        self._hs_sign[base:base + len(gh)] = np.nan
        if self._klp is None:
            self._load_coefficients(l)
        else:   # HiGHS gets them if it is ever asked (:meth:`_highs_sync`); the kernel starts afresh
            self._hs_stale.add(l)
            self._klp.reset()
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
        self.layers[l] = (Az, cz, Gh, gh, options, idx, sgn, mAz, mcz)
        return self._entry_units(l, options)

    def _row_gamma(self, K):
        """The float filter's relative error bound for a row of ``K`` roundings per path (and
        the ``n0 + 4`` of evaluating it on the box)."""
        return tol.FILTER_SAFETY * tol.rounding_gamma(K + self.n0 + 4)

    def _enter_relu_compiled(self, l, K):
        """:meth:`_enter_layer` for a ReLU layer (``K`` roundings per row), its arithmetic in
        one compiled call (:func:`regionmath.counting.layerentry.enter_relu`, the same
        formulas); None when a row needs exact arithmetic, which the numpy path gives."""
        if l > 0:
            prev = self.layers[l - 1]
            A, c, mA, mc = prev[0], prev[1], prev[7], prev[8]
            start = self.layer_start[l - 1]
            on = np.array(self.pattern[start:start + self.widths[l - 1]], dtype=np.int8)
        else:
            (A, c), (mA, mc) = self.maps[0], self.mags[0]
            on = np.ones(self.n0, dtype=np.int8)
        out = layerentry.enter_relu(self._Wc[l], self._bc[l], self._absW[l], self._absb[l], A, c, mA, mc, on,
                                    self._row_gamma(K), tol.FILTER_TINY, not self.unbounded, self.min_margin,
                                    self.row_base[l], K, self._entry_rows)
        if out is None:
            return None
        Az, cz, mAz, mcz, Gh, gh, state = out
        self.hard[l] = False
        self._cuts[l] = np.flatnonzero(state == 2)
        self._hs_stale.add(l)
        self._klp.reset()
        options = [[[(u, -1)], [(u, 1)]] if s == 2 else [None, []] if s == 1 else [[], None]
                   for u, s in enumerate(state.tolist())]
        self.layers[l] = (Az, cz, Gh, gh, options, None, None, mAz, mcz)   # relu reads no idx, sgn
        return self._entry_units(l, options)

    def _entry_units(self, l, options):
        """The units of layer ``l`` left undecided on entry, as ``(unit, live options)``; a
        unit with one possible option and nothing to check is decided on the whole domain."""
        rem = []
        start = self.layer_start[l]
        fixed_at_entry = self.entry_fixed[l] = {}
        for u, opts in enumerate(options):
            alive = tuple(j for j, cons in enumerate(opts) if cons is not None)
            if len(alive) == 1 and not opts[alive[0]]:
                self.pattern[start + u] = alive[0]
                fixed_at_entry[u] = alive[0]
            else:
                rem.append((u, alive))
        self._entry_rem = tuple(rem)
        return self._entry_rem

    def _load_coefficients(self, l):
        """Write layer ``l``'s cutting rows into the HiGHS model (those that changed)."""
        base, h = self.row_base[l], self.h
        Gh = self._G[base:base + self.widths[l] * self.cons_per_unit]
        loaded = self._coef_layer[l]
        if loaded is None:
            loaded = self._coef_layer[l] = np.full_like(Gh, np.nan)
        for ci in self._cuts[l].tolist():
            row = Gh[ci]
            if not np.array_equal(loaded[ci], row):
                r = base + ci
                for j in range(self.n0):
                    h.changeCoeff(r, j, float(row[j]))
                loaded[ci] = row

    def _next_map(self, l, mags=False):
        """The affine map of layer ``l``'s output on the current region (its pattern is set);
        ``mags``: the magnitudes of its terms instead."""
        Az, cz = (self.layers[l][7], self.layers[l][8]) if mags else (self.layers[l][0], self.layers[l][1])
        start = self.layer_start[l]
        states = self.pattern[start:start + self.widths[l]]
        if self.relu:
            on = np.array(states, dtype=bool)
            return Az * on[:, None], cz * on
        rows = np.arange(len(states)) * self.k + np.array(states)
        return Az[rows], cz[rows]

    # -- proofs: every dropped branch is empty, or it is searched exactly ---------------------
    def _dual_ray(self):
        """HiGHS's Farkas ray of the infeasible LP just solved (one value per row), or None."""
        try:
            _, has, ray = self.h.getDualRay()
        except Exception:  # noqa: BLE001 - no ray: the exact route decides
            return None
        return np.asarray(ray, dtype=float) if has else None

    def _exact_map(self, l):
        """The exact affine map (rows of rationals) of layer ``l``'s input on the current
        region in box coordinates u, composed from the exact weights; cached per path."""
        if self._exact_maps[l] is None:
            from .exact_lp import exact_layers, ZERO
            layers, (centre, half) = exact_layers(self.network)
            n0 = self.n0
            if self.unbounded:
                centre, half = [ZERO] * n0, [ZERO + 1] * n0
            if l == 0:
                A = [[half[i] if j == i else ZERO for j in range(n0)] for i in range(n0)]
                c = list(centre)
            else:
                Ap, cp = self._exact_map(l - 1)
                W, b = layers[l - 1]
                start = self.layer_start[l - 1]
                states = self.pattern[start:start + self.widths[l - 1]]
                if self.relu:
                    sel = [(i, s == 1) for i, s in enumerate(states)]
                else:
                    sel = [(u * self.k + s, True) for u, s in enumerate(states)]
                A, c = [], []
                for r, on in sel:
                    if not on:
                        A.append([ZERO] * n0)
                        c.append(ZERO)
                        continue
                    Wr = W[r]
                    A.append([sum((w * Ap[i][j] for i, w in enumerate(Wr) if w), ZERO) for j in range(n0)])
                    c.append(sum((w * cp[i] for i, w in enumerate(Wr) if w), ZERO) + b[r])
            self._exact_maps[l] = (A, c)
        return self._exact_maps[l]

    def _exact_row(self, l, ci):
        """Constraint ``ci`` of layer ``l`` on the current region, exactly: (coefficients, constant)."""
        from .exact_lp import exact_layers, ZERO
        A, c = self._exact_map(l)
        W, b = exact_layers(self.network)[0][l]

        def unit(r):
            Wr = W[r]
            return ([sum((w * A[i][j] for i, w in enumerate(Wr) if w), ZERO) for j in range(self.n0)],
                    sum((w * c[i] for i, w in enumerate(Wr) if w), ZERO) + b[r])
        if self.relu:
            return unit(ci)
        u, p = divmod(ci, self.cons_per_unit)
        j, m = self.pairs[p]
        (a1, c1), (a2, c2) = unit(u * self.k + j), unit(u * self.k + m)
        return [x - y for x, y in zip(a1, a2)], c1 - c2

    def _signed_rows(self, extra):
        """The rows switched on (index and sign arrays) plus ``extra`` signed rows."""
        idx = np.flatnonzero(self._sign)
        sg = self._sign[idx]
        if extra:
            more = [(r, s) for r, s in extra if not self._sign[r]]
            if more:
                idx = np.concatenate([idx, np.array([r for r, _ in more], dtype=idx.dtype)])
                sg = np.concatenate([sg, np.array([s for _, s in more])])
        return idx, sg

    def _multipliers(self, rows, ray):
        """Farkas multipliers of the signed rows from a HiGHS dual ray (the ray's sign
        convention: + on rows at their lower bound), for the unnormalised rows."""
        idx, sg = rows
        norms = self._rnorm[idx]
        mu = np.maximum(ray[idx] * sg, 0.0)
        mu = np.divide(mu, norms, out=np.zeros_like(mu), where=norms > 0)
        return idx, sg, mu

    def _filter_proves(self, rows, ray):
        """Prove emptiness from the ray in floats with a rigorous error bound: the certificate's
        value U (exact: <= 0 proves emptiness, :func:`exact_lp.farkas_holds`) is computed
        with its magnitude M, and |U_float - U_exact| <= gamma_K M (Higham 2002, Sec. 3.1)."""
        if self.unbounded:
            return False      # the certificate needs sum y a = 0 exactly: floats cannot prove it
        idx, sg, mu = self._multipliers(rows, ray)
        w = mu * sg
        d = w @ self._Gu[idx]
        U = w @ self._gu[idx] + np.abs(d).sum()
        M = mu @ self._rbound[idx]
        if not (M > tol.FILTER_TINY and U < 0):
            return False
        K = self._rK[idx].max() + len(idx) + self.n0 + 4
        return bool(U + tol.FILTER_SAFETY * tol.rounding_gamma(K) * M < 0)

    def _exact_proves(self, rows, ray):
        """The same certificate checked in exact rational arithmetic against the exact rows."""
        from .exact_lp import ExactRows, farkas_holds, exact_layers
        idx, sg, mu = self._multipliers(rows, ray)
        keep = mu > 0
        if not keep.any():
            return False
        A, c = [], []
        for r, s in zip(idx[keep].tolist(), sg[keep].tolist()):
            l = next(m for m in range(self.L - 1, -1, -1) if self.row_base[m] <= r)
            a, cc = self._exact_row(l, r - self.row_base[l])
            A.append([v if s > 0 else -v for v in a])
            c.append(cc if s > 0 else -cc)
        _, (centre, half) = exact_layers(self.network)
        rows_q = ExactRows(A, c, centre, half, not self.unbounded)
        if not self.unbounded and farkas_holds(rows_q, mu[keep].tolist()):
            return True
        # the float multipliers are off by rounding (on R^n0 they must cancel exactly): the
        # few rows they use are decided by the exact simplex; if those rows alone have no
        # common point, neither has the region
        from .exact_lp import max_margin_exact, support_farkas
        support = (mu[keep] > 1e-9 * mu.max()).tolist()
        sub = ExactRows([a for a, k in zip(A, support) if k], [v for v, k in zip(c, support) if k],
                        centre, half, not self.unbounded)
        if self.unbounded and support_farkas(sub) is not None:
            return True
        return max_margin_exact(sub).nonempty is False

    def _partial(self, l, test):
        """The current region as a partial pattern (None: undecided): the earlier layers in
        full, layer ``l``'s decided units, and ``test = (unit index, state)`` if given."""
        start = self.layer_start[l]
        p = list(self.pattern[:start]) + [None] * (self.N - start)
        for u, j in self.entry_fixed[l].items():
            p[start + u] = j
        for g, j in self.log:
            if g >= start:
                p[g] = j
        if self.relu:
            base = self.row_base[l]
            for u in range(self.widths[l]):
                sg = self._sign[base + u]
                if sg:
                    p[start + u] = 1 if sg > 0 else 0
        if test is not None:
            p[test[0]] = test[1]
        return p

    def _drop(self, l, extra=(), test=None, ray=None):
        """A branch the float LP found without a point of margin ``min_margin``: prove it empty
        (the ray's certificate, filtered, then exact) or search it exactly."""
        self.stats["pruned"] += 1
        filtered, self._ray_filtered = self._ray_filtered and ray is None, False
        ray = self._ray if ray is None else ray
        self._ray = None
        if filtered:
            self.stats["filter"] += 1
            return
        if ray is not None:
            rows = self._signed_rows(extra)
            if len(rows[0]) and self._filter_proves(rows, ray):
                self.stats["filter"] += 1
                return
            if len(rows[0]) and self._exact_proves(rows, ray):
                self.stats["exact_farkas"] += 1
                return
        self.stats["exact_lp"] += 1
        self._exact_subtree(self._partial(l, test))

    def _exact_subtree(self, partial):
        """Count every region extending ``partial`` with exact decisions (a float LP checked
        exactly, else the exact simplex): the fallback for near-degenerate branches."""
        from .exact_lp import decide_pattern
        net, bounded = self.network, not self.unbounded
        limit = time.perf_counter() + tol.EXACT_SECONDS
        choices = (0, 1) if self.relu else tuple(range(self.k))

        def decide(p):
            self._check_stop()
            d = decide_pattern(net, tuple(p), bounded, deadline=limit)
            if d.nonempty is None:
                self.stats["undecided"] += 1
                raise _SolverFailure("an exact decision ran out of time")
            return d

        def rec(p, d):
            i = next((i for i, v in enumerate(p) if v is None), None)
            if i is None:
                # two branches dropped at one node (units u and u') overlap where both take
                # their dropped states: such a region is found by both exact searches, once
                key = tuple(p)
                if key in self._exact_seen:
                    return
                self._exact_seen.add(key)
                self.stats["exact_regions"] += 1
                self.leaf_count += 1
                if self.collect:
                    self.leaves_p.append(tuple(p))
                    x = np.array([float(v) for v in d.witness])
                    self.leaves_x.append((x - self.centre) / self.half)
                return
            for s in choices:
                q = list(p)
                q[i] = s
                dq = decide(q)
                if dq.nonempty:
                    rec(q, dq)

        d = decide(partial)
        if d.nonempty:
            rec(partial, d)

    def _rows_of(self, l, cons):
        base = self.row_base[l]
        return [(base + ci, s) for ci, s in cons]

    # -- the search -----------------------------------------------------------------------
    def explore(self, l, rem, P, mP, depth=0):
        """Enumerate the regions below the current region. Layer ``l`` is entered; ``rem``
        lists its undecided units as ``(unit, live options)``; the rows of ``P`` are interior
        points of the region with margins ``mP``; ``depth`` counts the splits above."""
        if self.hard[l]:   # a cut the float rows cannot see: this subtree is searched exactly
            return self._exact_subtree(self._partial(l, None))
        if self.relu:
            return self._explore_relu(l, [u for u, _ in rem], self._lift(P), depth)
        self.node_count += 1
        if self.deadline is not None and time.time() >= self.deadline:
            raise _Stop()
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
            if self.hard[l]:
                return self._exact_subtree(self._partial(l, None))
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
                        x = self._option_lp(l, options[u][j], (start + u, j))
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
                        P, mP = self._region_point(l)
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
                    Pc, mc = self._region_point(l, (start + u, j))
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
        a node's tests cost a few array operations; a point's margin is read at the leaf.
        A row is switched on by its sign (``self._sign``); :meth:`_solve` reads the signs."""
        self.node_count += 1
        deadline = self.deadline
        if deadline is not None and time.time() >= deadline:
            raise _Stop()
        if self.node_count & 255 == 0:
            self._check_stop()
        R = self.n_rows
        while not units:  # the layer is decided: enter the next one, or a region is complete
            if l == self.L - 1:
                self._leaf_relu(Q)
                return
            l += 1
            units = [u for u, _ in self._enter_layer(l)]
            if self.hard[l]:
                return self._exact_subtree(self._partial(l, None))
            Q = self._lift(Q[:, R:])
        if depth == self.cutoff:
            P = Q[:, R:].copy()
            self.roots.append((tuple(self.log), l, tuple((u, (0, 1)) for u in units), P, np.ones(len(P))))
            return
        if l == self.L - 1 and self._klp is not None and self.cutoff is None and self._last_layer(l, units, Q):
            return
        sign, pattern, log = self._sign, self.pattern, self.log
        lift = self._lift
        solve = self._solve
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
                sign[r] = 1.0 if j else -1.0
                x = solve()
                if x is None:
                    self._drop(l, (), (start + u, j))
                    if on if not j else off:
                        # the unit takes its other side for the whole subtree: switch that
                        # side on now (it holds for the later units' LPs too)
                        sign[r] = -1.0 if j else 1.0
                        rows_on.append(r)
                    else:
                        sign[r] = 0.0
                    continue
                sign[r] = 0.0
                q = lift(x[None, :])[0]
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
                    sign[r] = 1.0 if j else -1.0
                    rows_on.append(r)
                pattern[start + u] = j
                log.append((start + u, j))
            Q = Q[m > tol]
            if not len(Q):
                x = solve()
                if x is None:
                    self._drop(l)
                Q = None if x is None else lift(x[None, :])
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
                    sign[r] = 1.0
                    Qc = Q[col > tol]
                else:
                    sign[r] = -1.0
                    Qc = Q[col < -tol]
                if not len(Qc):
                    x = solve()
                    if x is None:
                        self._drop(l, (), (g, j))
                        continue
                    Qc = lift(x[None, :])
                pattern[g] = j
                log.append((g, j))
                self._explore_relu(l, rest, Qc, depth + 1)
                log.pop()
            sign[r] = 0.0
        del log[log_len:]
        for r in rows_on:
            sign[r] = 0.0

    def _lift(self, P):
        """Points (rows of ``P``) lifted to ``[G p + g, p]``: their values on every row, then
        the points (``H p + hg`` without multiplying the identity block, which at 784 inputs
        was 98% of the work)."""
        R = self.n_rows
        Q = np.empty((len(P), R + self.n0))
        np.matmul(P, self._G.T, out=Q[:, :R])
        Q[:, :R] += self._g
        Q[:, R:] = P
        return Q

    def _warm_up(self):
        """Load (or compile) the numba kernels now, with the argument types of the search,
        so that a count never loads them half-way (where a Ctrl-C could meet numba's loader)."""
        sign = np.zeros(self.n_rows)
        self._klp.solve(sign, self.min_margin)
        z1, z2 = np.zeros(1), np.zeros((1, 1))
        layerentry.enter_relu(z2, z1, z2, z1, z2, z1, z2, z1, np.ones(1, dtype=np.int8), 0.0, 0.0, True, 0.0, 0, 0,
                              (z2, z1, z1, z1, z1, z1, z1, np.zeros((1, 2)), z2, z1, z1))
        lastlayer.search(np.zeros(0, dtype=np.int64), np.zeros((1, self.n_rows + self.n0)), 0, 0, self.n_rows,
                         self.point_margin, self._H, self._hg, np.zeros(self.N, dtype=np.int64), sign,
                         self._buf_p, self._buf_x, None, self._klp, self.min_margin)
        self._klp.reset()

    def _last_layer(self, l, units, Q):
        """The subtree of the current region in the last layer, searched by the compiled
        search (:mod:`regionmath.counting.lastlayer`). False when it gave up (the caller then
        searches the same subtree here); raises _Stop at the deadline, keeping what it found."""
        sign = self._sign
        saved = sign.copy()
        pattern = np.array(self.pattern, dtype=np.int64)
        Q = np.ascontiguousarray(Q)
        while True:
            status, n, lps, pruned = lastlayer.search(units, Q, self.row_base[l], self.layer_start[l], self.n_rows,
                                                      self.point_margin, self._H, self._hg, pattern, sign,
                                                      self._buf_p, self._buf_x, self.deadline, self._klp,
                                                      self.min_margin)
            if status == lastlayer.ABORT and n >= len(self._buf_p):   # the leaf buffer is full
                sign[:] = saved
                self._buf_p = np.zeros((4 * len(self._buf_p), self.N), dtype=np.int16)
                self._buf_x = np.zeros((len(self._buf_p), self.n0))
                continue
            break
        if status == lastlayer.ABORT:
            sign[:] = saved
            self.last_layer_aborts += 1
            return False
        self.lp_count += lps
        self.stats["pruned"] += pruned
        self.stats["filter"] += pruned
        self.leaf_count += n
        if self.collect and n:
            self._chunks.append((self._buf_p[:n].copy(), self._buf_x[:n].copy()))
        if status == lastlayer.TIMEOUT:
            raise _Stop()
        return True

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

    def _option_lp(self, l, cons, test):
        rows = self._rows_of(l, cons)
        on = [(r, s) for r, s in rows if not self._sign[r]]
        self._set_rows(on, True)
        try:
            x = self._solve()
            if x is None:
                self._drop(l, (), test)
            return x
        finally:
            self._set_rows(on, False)

    def _region_point(self, l, test=None):
        """A point of the current region by an LP, or (None, None) when it has none with
        margin ``min_margin`` (the region is then proved empty or searched exactly)."""
        x = self._solve()
        if x is None:
            self._drop(l, (), test)
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
        self.leaves_p, self.leaves_x, self.leaf_count, self._chunks = [], [], 0, []
        self.cutoff, self.roots = None, []
        root_log, layer, rem, P, mP = root
        complete = True
        self._exact_seen = set()
        try:
            self.replay(root_log, layer)
            self.explore(layer, rem, P, mP)
        except _SolverFailure:
            complete, self.failure = False, "undecided-lp"
        except _Stop:
            complete = False
        return self.leaf_count, complete, self._take_leaves()

    def _take_leaves(self):
        parts_p, parts_x = [p for p, _ in self._chunks], [x for _, x in self._chunks]
        if self.collect and self.leaves_p:
            parts_p.append(np.array(self.leaves_p, dtype=np.int16))
            parts_x.append(np.array(self.leaves_x, dtype=float).reshape(len(self.leaves_p), self.n0))
        if not self.collect or not parts_p:
            pats = np.zeros((0, self.N), dtype=np.int16)
            wits = np.zeros((0, self.n0))
        else:
            pats = np.concatenate(parts_p)
            wits = self.centre + self.half * np.concatenate(parts_x)
        self.leaves_p, self.leaves_x, self._chunks = [], [], []
        return pats, wits

    def split(self, depth, deadline=None, stop_event=None, collect=True):
        """The regions after ``depth`` splits (subtree roots) and the complete regions met
        above that depth; returns (roots, count, complete, (patterns, witnesses))."""
        self.deadline, self.stop_event, self.collect = deadline, stop_event, collect
        self.leaves_p, self.leaves_x, self.leaf_count, self._chunks = [], [], 0, []
        self.cutoff, self.roots = depth, []
        complete = True
        self._exact_seen = set()
        try:
            P, mP = self.root_points()
            self.replay((), 0)
            self.explore(0, self._entry_rem, P, mP)
        except _SolverFailure:
            complete, self.failure = False, "undecided-lp"
        except _Stop:
            complete = False
        roots, self.roots, self.cutoff = self.roots, [], None
        return roots, self.leaf_count, complete, self._take_leaves()
