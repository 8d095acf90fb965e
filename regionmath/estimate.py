"""Networks beyond exact reach: certified bounds and calibrated estimates of the region count.

Exact counting (:func:`regionmath.counting.count_regions`) stops at a few million regions.
For a larger network :func:`estimate_regions` gives every answer that can honestly be given,
each with the kind of guarantee it carries:

``certified_lower``
    The regions found and certified by the exact counter in part of the time: a lower bound
    that is *proved* (every region has a witness checked in exact arithmetic).
``probabilistic_lower``
    A lower bound that holds with a stated probability, by random parity (XOR) constraints on
    the binary activation variables of the counting MILP (MBound, Gomes, Sabharwal, Selman
    2006; MIPBound, Serra & Ramalingam 2020). See :func:`parity_lower_bound` for the
    derivation of the probability.
``estimate``
    An unbiased estimate of the count with a confidence interval, from random probes of the
    enumerator's search tree (Knuth 1975) in antithetic pairs (variance reduction: the second
    walk of a pair takes the other child at every split). See :func:`tree_estimate` for the
    interval (Student t with Cox's log-normal interval; Markov's inequality when fewer than
    two pairs finish) and how its calibration was checked.
``weight_aware_upper``
    Serra & Ramalingam 2020's upper bound for the given weights and domain (registry entry
    ``serra2020-weights``, :func:`regionmath.bounds.weights.serra2020_weights`).
``architecture_upper``
    The tightest upper bound of the registry that applies to the architecture alone.
``line_density`` and ``slice_counts``
    Exact region counts along random lines through the domain (per unit length; Hanin &
    Rolnick 2019) and in random 2-D squares inside the domain, with their spread.

Every count and bound is an exact integer (a decimal string in JSON); an estimate is a
float (in JSON a decimal string in scientific notation, because it can exceed the range of
a double).

Examples
--------
Five lines in general position cut a large square into Zaslavsky's 1 + 5 + 10 = 16 regions:

>>> from regionmath.network import Network
>>> W = [[1, 0], [0, 1], [1, 1], [1, -1], [1, 2]]
>>> net = Network.from_exact([W], [[0, 0, "1/3", "-1/5", "1/7"]], box=([-9, -9], [9, 9]))
>>> result = estimate_regions(net, time_limit=20, seed=0)
>>> result.certified_lower, result.complete
(16, True)
>>> result.estimate["method"]
'exact count'

References
----------
.. [1] D. E. Knuth, "Estimating the efficiency of backtrack programs", Math. Comp. 29 (1975).
.. [2] P. W. Purdom, "Tree size by partial backtracking", SIAM J. Comput. 7 (1978).
.. [3] C. P. Gomes, A. Sabharwal, B. Selman, "Model counting: a new strategy for obtaining
   good bounds", AAAI 2006 (MBound).
.. [4] T. Serra, S. Ramalingam, "Empirical bounds on linear regions of deep rectifier
   networks", AAAI 2020 (arXiv 1810.03370).
.. [5] B. Hanin, D. Rolnick, "Complexity of linear regions in deep networks", ICML 2019.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .counting.tolerances import LP_FEASTOL, MARGIN_TOL, MIN_MARGIN, POINT_MARGIN, ZERO_TOL
from .errors import RegionmathError
from .exact import to_float

__all__ = ["EstimateResult", "estimate_regions", "tree_estimate", "parity_lower_bound",
           "line_densities", "slice_counts", "TreeProber"]


#: a probe's LP over a region with more rows than this adds them lazily (row generation)
LAZY_ROWS = 48

#: a side that no known point shows is first judged by a smoothed Lagrangian dual (no LP)
#: when the region's LP is this big (columns times rows): one exact LP there takes 0.5-3 s
#: (784 columns, 300-500 dense rows) and a walk needs a hundred of them
PREDICT_SIZE = 100_000

#: the slack :meth:`TreeProber._judge` asks of every row, so that its nearly feasible point
#: (errors of about 1e-4 after a hundred steps) lies inside the region
JUDGE_DEPTH = 3e-3

#: the (softplus temperature, L-BFGS-B steps) of the judgement's stages, each run only when
#: the ones before left the side undecided (each stage about 25 ms at 784 x 400)
JUDGE_SCHEDULE = ((1e-2, 60), (3e-3, 60), (1e-3, 100), (3e-4, 150))

def _sci(x) -> Optional[str]:
    """A float as a decimal string in scientific notation (JSON: may exceed a double)."""
    if x is None:
        return None
    return f"{float(x):.6g}" if math.isfinite(x) else str(x)


# -- probes of the enumeration tree -------------------------------------------------------------
class _Node:
    """A node of the enumeration tree during a probe: the region so far (rows ``M x + q >= 0``,
    kept in numpy and in its own HiGHS model), known interior points ``P``, the layer being
    decided (its pre-activations ``G x + g`` on the region) and the states decided in it."""

    __slots__ = ("h", "M", "q", "rows", "P", "l", "u", "G", "g", "norms", "scale", "states", "Q", "rank")


class TreeProber:
    """Random probes of the enumerator's search tree of a ReLU network.

    The tree is the one :mod:`regionmath.counting.enumerate` searches: units in network
    order, layer by layer; at a node the next unit either keeps one side on the whole region
    (no branching) or cuts it (two children). Its leaves are the activation regions that hold
    a ball of radius :data:`MIN_MARGIN`. Which sides of a unit meet a node's region is decided
    as the enumerator decides it: a known interior point proves a side, otherwise one LP
    (HiGHS through :func:`regionmath.counting.solvers.new_highs`) minimises or maximises the
    unit over the region. Known points are kept spread over the region by hit-and-run steps,
    so most sides are proved without an LP. On a big region of a wide network (784 inputs,
    hundreds of rows, where one LP takes 0.3-3 s) a side no point shows is first judged by a
    smoothed Lagrangian dual (:meth:`_judge`): a dual bound proves it empty, or a point of it
    is found; only what that leaves open goes to the LP.

    The probe, :meth:`walk`, is Knuth's (1975): a random root-to-leaf walk, each step to a
    uniformly chosen child; the product of the branching factors on the way
    (``2 ** splits``) is an unbiased estimate of the number of leaves.
    (:func:`tree_estimate` pairs walks antithetically.)

    Parameters
    ----------
    network : Network
        A ReLU network (the domain is its box).
    seed : int or None
    points : int
        Known points kept in a node's region.
    predict : bool
        Judge missing sides by the dual before the LP on big regions (:data:`PREDICT_SIZE`).
    """

    def __init__(self, network, seed=None, points=8, predict=True):
        if network.activation != "relu":
            raise RegionmathError("tree probes are implemented for relu networks; this one is maxout")
        import highspy
        self.highspy = highspy
        self.W = [np.asarray(W, float) for W in network.weights]
        self.b = [np.asarray(b, float) for b in network.biases]
        self.widths = network.widths
        self.n0 = network.n0
        self.N = network.N
        self.lo, self.hi = (np.asarray(v, float) for v in network.box)
        self.rng = np.random.default_rng(seed)
        self.n_points = max(1, int(points))
        self.inf = highspy.kHighsInf
        self.lp_count = 0
        self.cols = np.arange(self.n0, dtype=np.int32)
        self.deadline = None
        self._walk_model = None
        self.reached = (0.0, 0)
        self._offsets = np.concatenate([[0], np.cumsum(self.widths)])    # units before each layer
        self._units = self.N
        self._scratch = self._scratch_node = self._scratch_taken = None
        self._projections = {}            # (layer, kind) -> [points found, failures] of a search
        self.predict = bool(predict)
        self.judged = {"empty": 0, "point": 0, "lp": 0, "unproved": 0}

    def _new_model(self):
        from .counting.solvers import new_highs
        # rows are unit-normalised (scaling buys nothing); presolve would rerun on every
        # warm-started re-solve
        return new_highs(primal_feasibility_tolerance=LP_FEASTOL, dual_feasibility_tolerance=LP_FEASTOL,
                         simplex_scale_strategy=0, presolve="off")

    def _root(self, h):
        n0 = self.n0
        n = h.getNumRow()
        if n:
            h.deleteRows(n, np.arange(n, dtype=np.int32))
        if h.getNumCol() == 0:
            empty = np.array([], dtype=np.int32)
            h.addCols(n0, np.zeros(n0), self.lo.copy(), self.hi.copy(), 0, empty, empty, np.array([], float))
        node = _Node()
        node.h, node.M, node.q, node.rows = h, np.empty((self.N, n0)), np.empty(self.N), 0
        node.Q, node.rank = np.empty((min(self.N, n0), n0)), 0      # orthonormal basis of the rows
        node.P = np.vstack([(self.lo + self.hi) / 2,
                            self.rng.uniform(self.lo, self.hi, size=(self.n_points, n0))])
        node.l, node.u = 0, 0
        self._enter(node, np.eye(n0), np.zeros(n0))
        return node

    def _enter(self, node, A, c):
        """Start deciding layer ``node.l`` on a region where its input is ``A x + c``."""
        W, b = self.W[node.l], self.b[node.l]
        node.G, node.g = W @ A, W @ c + b
        node.scale = np.abs(W) @ (np.abs(A).sum(axis=1) + np.abs(c)) + np.abs(b)
        node.norms = np.linalg.norm(node.G, axis=1)
        node.states = np.zeros(len(node.g))
        node.u = 0

    def _optimise(self, h, a, sense):
        """Minimise (sense +1) or maximise (-1) ``a.x`` over a node's region: the point, or
        None when the LP finds no point (the region holds no ball of radius MIN_MARGIN)."""
        hs = self.highspy
        h.changeColsCost(self.n0, self.cols, sense * a)
        status = self._run(h)
        if status != hs.HighsModelStatus.kOptimal:
            if status != hs.HighsModelStatus.kInfeasible:
                raise _Undecided(h.modelStatusToString(status))
            return None
        return np.clip(np.array(h.getSolution().col_value), self.lo, self.hi)

    def _run(self, h):
        """Solve the model as it stands within the time left; its status (a time-out raises,
        numerical trouble gets one more solve from scratch)."""
        hs = self.highspy
        self.lp_count += 1
        self._lp_time_limit(h)
        h.run()
        status = h.getModelStatus()
        if status == hs.HighsModelStatus.kTimeLimit:
            raise _Deadline()
        if status != hs.HighsModelStatus.kOptimal and status != hs.HighsModelStatus.kInfeasible:
            h.clearSolver()                      # numerical trouble: once more from scratch
            h.run()
            status = h.getModelStatus()
        return status

    def _lp_time_limit(self, h):
        """One LP over hundreds of columns can take seconds: it gets the time that is left."""
        if self.deadline is not None:
            left = self.deadline - time.perf_counter()
            if left <= 0:
                raise _Deadline()
            h.setOptionValue("time_limit", float(left))

    def _side_lp(self, node, a, cu, side):
        """A point of the node's region on ``side`` of the unit ``(a, cu)`` with every slack at
        least MIN_MARGIN (a feasibility LP, warm-started), or None when there is none.

        A region with many rows is solved with its rows added lazily (:meth:`_lazy_side_lp`)."""
        if node.rows > LAZY_ROWS:
            return self._lazy_side_lp(node, a, cu, side)
        h, hs, m = node.h, self.highspy, MIN_MARGIN
        r = h.getNumRow()
        if side:
            h.addRow(m - cu, self.inf, self.n0, self.cols, a)
        else:
            h.addRow(-self.inf, -m - cu, self.n0, self.cols, a)
        try:
            status = self._run(h)
            if status == hs.HighsModelStatus.kInfeasible:
                return None
            if status != hs.HighsModelStatus.kOptimal:
                raise _Undecided(h.modelStatusToString(status))
            return np.clip(np.array(h.getSolution().col_value), self.lo, self.hi)
        finally:
            h.deleteRows(1, np.array([r], dtype=np.int32))

    def _lazy_side_lp(self, node, a, cu, side):
        """:meth:`_side_lp` by row generation: the LP holds the new side (its last row) and
        only those rows of the region that some solution violated, and adds the rows its
        solution violates until it satisfies them all (then it is a point of the region) or
        is infeasible (then so is the full LP, which has more rows). The model lives for the
        whole walk (the region only gains rows), so each solve is warm. On a wide input an
        LP of a few dozen rows costs a small fraction of one with every row of the path."""
        hs, m = self.highspy, MIN_MARGIN
        h = self._scratch
        if h is None or self._scratch_node is not node:
            h = self._scratch = self._new_model()
            empty = np.array([], dtype=np.int32)
            h.addCols(self.n0, np.zeros(self.n0), self.lo.copy(), self.hi.copy(), 0, empty, empty,
                      np.array([], float))
            self._scratch_node, self._scratch_taken = node, np.zeros(self.N, bool)
            h.addRow(-self.inf, self.inf, 0, np.array([], np.int32), np.array([], float))   # the side's row
        M, q = node.M[:node.rows], node.q[:node.rows]
        taken = self._scratch_taken[:node.rows]

        def add(idx):
            last = h.getNumRow() - 1                        # the side's row stays last
            h.deleteRows(1, np.array([last], dtype=np.int32))
            if len(idx):
                taken[idx] = True
                k = len(idx)
                h.addRows(k, -q[idx], np.full(k, self.inf), k * self.n0, np.arange(k, dtype=np.int32) * self.n0,
                          np.tile(self.cols, k), np.ascontiguousarray(M[idx]).ravel())
            if side:
                h.addRow(m - cu, self.inf, self.n0, self.cols, a)
            else:
                h.addRow(-self.inf, -m - cu, self.n0, self.cols, a)
        if not taken.any():
            P = node.P
            p = P[int(np.argmax((P @ M.T + q).min(axis=1)))]
            add(np.argsort(M @ p + q)[:LAZY_ROWS // 2])
        else:
            add(np.array([], dtype=int))
        # the objective pulls the vertex into the region: the sum of all its rows' slacks
        # (a zero objective gives a corner of the box that breaks most of the missing rows)
        pull = M.sum(axis=0) + (1.0 if side else -1.0) * a
        h.changeColsCost(self.n0, self.cols, -pull / max(np.linalg.norm(pull), 1e-300))
        while True:
            status = self._run(h)
            if status == hs.HighsModelStatus.kInfeasible:
                return None
            if status != hs.HighsModelStatus.kOptimal:
                raise _Undecided(h.modelStatusToString(status))
            x = np.clip(np.array(h.getSolution().col_value), self.lo, self.hi)
            slack = M @ x + q
            bad = np.flatnonzero((slack < -10 * LP_FEASTOL) & ~taken)
            if not len(bad):
                return x
            add(bad[np.argsort(slack[bad])[:LAZY_ROWS // 2]])

    def _deepest_on(self, node, a, cu, side):
        """A point of the region on ``side`` of the unit with margin, or None when that side
        does not meet the region: a feasibility LP (warm-started, a few dual simplex steps),
        whose vertex is then pushed further from the known points (away from the hyperplane
        and the box faces) so that the points keep room around them."""
        x = self._side_lp(node, a, cu, side)
        if x is None:
            return None
        s = 1.0 if side else -1.0
        if node.rows:
            M, q = node.M[:node.rows], node.q[:node.rows]
            p = node.P[int(np.argmax((node.P @ M.T + q).min(axis=1)))]
        else:
            M, q, p = None, None, node.P[0]
        centre = (self.lo + self.hi) / 2
        for d in (x - p, centre - x):
            for f in (0.5, 0.25, 0.1):
                y = np.clip(x + f * d, self.lo + (x - self.lo) / 2, self.hi - (self.hi - x) / 2)
                if s * (a @ y + cu) > MIN_MARGIN and (M is None or (M @ y + q).min() > 0):
                    x = y
                    break
        return x

    def _predicts(self, node):
        """Whether a missing side is judged by :meth:`_judge` before any LP (a big LP)."""
        return self.predict and self.n0 * node.rows >= PREDICT_SIZE

    def _judge(self, node, a, cu, side, schedule=None):
        """Judge without an LP whether ``side`` of the unit ``(a, cu)`` meets the node's region.

        Lagrangian duality: for multipliers ``lam >= 0`` on the rows ``M x + q >= 0``,
        ``max s a.x`` over the region is at most ``D(lam) = lam.q + max over the box of
        (s a + M^T lam).x``, a closed form. L-BFGS-B (scipy) minimises ``D`` smoothed by a
        softplus of temperature ``tau`` (each ``(tau, iterations)`` of ``schedule`` in turn,
        from zero multipliers: a start from the node's last judgement proved fewer sides
        empty, 0 against 16 of 25 on one walk), with every row
        asked for a slack of :data:`JUDGE_DEPTH`. That gives

        * a bound: ``D(lam) + s cu < 0`` (with the rows as they are) proves the side empty
          (``"empty"``);
        * the box point that maximises the smoothed Lagrangian, nearly feasible for the
          deepened rows: when it satisfies the rows and lies on ``side``, a point of the side
          well inside the region (``"point"``, with it);
        * when that point lies on ``side`` but breaks some rows, alternating projections
          from it (:meth:`_project`) may mend it (``"point"``), else ``"lp"``;
        * ``"unproved"`` when it does not lie on ``side`` (the side is probably empty).

        Returns ``(verdict, point or None)``; after ``"lp"`` or ``"unproved"`` an LP decides
        (a judgement never decides a side without a proof or a point).
        """
        from scipy.optimize import minimize
        schedule = JUDGE_SCHEDULE if schedule is None else schedule
        s = 1.0 if side else -1.0
        r = node.rows
        M, q = node.M[:r], node.q[:r]
        lo, hi, w = self.lo, self.hi, self.hi - self.lo
        f, deep = s * a, q - JUDGE_DEPTH
        lam = np.zeros(r)           # a cold start proves more than the last judgement's multipliers
        gap = -math.inf
        for tau, iterations in schedule:
            def smoothed(lam):
                c = f + M.T @ lam
                z = c * w / tau
                value = lam @ deep + c @ lo + tau * np.logaddexp(0.0, z).sum()
                return value, deep + M @ (lo + w * (0.5 + 0.5 * np.tanh(z / 2)))
            fit = minimize(smoothed, lam, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * r,
                           options={"maxiter": iterations})
            lam = np.maximum(fit.x, 0.0)
            c = f + M.T @ lam
            if lam @ q + np.maximum(c * lo, c * hi).sum() + s * cu < 0:
                return "empty", None
            x = lo + w * (0.5 + 0.5 * np.tanh(c * w / tau / 2))
            gap = s * (a @ x + cu)
            if gap > MIN_MARGIN and (M @ x + q).min() > 0:
                return "point", x
        if gap > MIN_MARGIN:            # on the side, a few rows broken: projections may mend it
            y = self._project(node, a, cu, side, rounds=100, start=x)
            return ("point", y) if y is not None else ("lp", None)
        return "unproved", None

    def _shoot(self, node, a, cu, side):
        """A known point moved across the unit's hyperplane along its normal, to the place on
        that ray deepest in the new region (the largest smallest slack over the region's rows
        and the new side; a coordinate moves at most half way to its box face). Returns the
        point if it lands on ``side`` with margin, else None. Most sides are proved this way
        without an LP, and the points stay central, which keeps the next shots working."""
        s = 1.0 if side else -1.0
        M, q = node.M[:node.rows], node.q[:node.rows]
        P = node.P
        if node.rows and len(P) > 2:                    # the deepest known points first
            P = P[np.argsort(-(P @ M.T + q).min(axis=1))[:2]]
        # first along the normal's part orthogonal to every row (no row's slack changes),
        # then along the normal itself
        Qr = node.Q[:node.rank]
        steps = np.linspace(0.0, 1.0, 33)[1:, None]
        for p in P[:2]:
            gap = s * (a @ p + cu)                       # < 0: p is on the other side
            # coordinates near a box face stay put too (alternating projections)
            room = np.minimum(p - self.lo, self.hi - p) / (self.hi - self.lo)
            near = room < 0.1
            perp = a.copy()
            for _ in range(3):
                perp[near] = 0.0
                if node.rank:
                    perp -= Qr.T @ (Qr @ perp)
            dirs = [(s * perp, float(a @ perp))] if a @ perp > 1e-9 else []
            dirs.append((s * a, 1.0))
            for d, rate in dirs:
                reach = (4.0 * (MIN_MARGIN - gap) + 1e-6) / rate
                X = p + np.clip(steps * reach * d, -(p - self.lo) / 2, (self.hi - p) / 2)
                depth = s * (X @ a + cu)
                if node.rows:
                    depth = np.minimum(depth, (X @ M.T + q).min(axis=1) + MIN_MARGIN)
                k = int(np.argmax(depth))
                if depth[k] > MIN_MARGIN:
                    return X[k]
        return None

    def _projection_pays(self, l, kind="project"):
        """A search without LP (``kind``: ``"shoot"`` or ``"project"``) is tried in layer
        ``l`` while it finds a point at least once in four tries (in a deep layer of a
        narrow network, or the second layer of a wide one, they rarely do, each try costs
        products with every row of the region, and the LP decides anyway)."""
        ok, failed = self._projections.setdefault((l, kind), [0, 0])
        return failed < 8 or 4 * ok >= failed

    def _project(self, node, a, cu, side, rounds=60, start=None):
        """A point of the region on ``side`` of the unit by alternating projections (no LP):
        from the deepest known point, onto the wanted side of the unit, then onto the most
        violated row of the region, then into the box, a few dozen rounds, each asking for a
        depth of a few margins (or from ``start``). On a wide input (hundreds of columns) a round costs one
        product with the region's rows, about a thousandth of an LP; when the rounds end
        without a point the LP decides (an empty side is only ever proved by the LP)."""
        s = 1.0 if side else -1.0
        M, q = node.M[:node.rows], node.q[:node.rows]
        P = node.P
        if start is not None:
            x = start
        else:
            x = P[int(np.argmax((P @ M.T + q).min(axis=1)))] if node.rows else P[0]
        goal = 4.0 * MIN_MARGIN
        lo, hi = self.lo, self.hi
        for _ in range(rounds):
            short = goal - s * (a @ x + cu)
            if short > 0:
                x = x + (1.5 * short) * s * a          # a little past the goal: fewer rounds
            x = np.clip(x, lo, hi)
            if node.rows:
                slack = M @ x + q
                k = int(np.argmin(slack))
                if slack[k] < goal:
                    x = np.clip(x + (1.5 * (goal - slack[k])) * M[k], lo, hi)
                    slack = M @ x + q
                if slack.min() > 0 and s * (a @ x + cu) > MIN_MARGIN:
                    return x
            elif s * (a @ x + cu) > MIN_MARGIN:
                return x
        return None

    def _hit_and_run(self, node, count):
        """``count`` new points of the node's region, one hit-and-run step from each of
        random known points (they need only lie in the region: estimates stay unbiased)."""
        rng = self.rng
        M, q, P = node.M[:node.rows], node.q[:node.rows], node.P
        X = P[rng.integers(len(P), size=count)]
        D = rng.standard_normal((count, self.n0))
        slack = X @ M.T + q
        MD = D @ M.T
        with np.errstate(divide="ignore", invalid="ignore"):
            t = -slack / MD
            tmax = np.where(MD < 0, t, np.inf).min(axis=1, initial=np.inf)
            tmin = np.where(MD > 0, t, -np.inf).max(axis=1, initial=-np.inf)
            tb1, tb2 = (self.lo - X) / D, (self.hi - X) / D
        tmax = np.minimum(tmax, np.maximum(tb1, tb2).min(axis=1))
        tmin = np.maximum(tmin, np.minimum(tb1, tb2).max(axis=1))
        ok = tmax > tmin
        s = tmin + (tmax - tmin) * rng.random(count)
        Y = X[ok] + s[ok, None] * D[ok]
        return Y[(Y @ M.T + q > 0).all(axis=1)] if len(Y) else Y

    def _advance(self, node):
        """Decide units of the node until one cuts its region or a leaf is reached.

        Returns ``("leaf",)``, ``("dead",)`` or ``("split", a, c, points_pos, points_neg)``
        with the cutting unit's normalised row."""
        tol = POINT_MARGIN
        L = len(self.W)
        while True:
            if self._offsets[node.l] + node.u >= self._units:
                return ("leaf",)
            if node.u == len(node.g):
                A, c = node.G * node.states[:, None], node.g * node.states
                node.l += 1
                if node.l == L:
                    return ("leaf",)
                self._enter(node, A, c)
            if self.deadline is not None and time.perf_counter() > self.deadline:
                raise _Deadline()
            u = node.u
            norm, scale, gu = node.norms[u], node.scale[u], node.g[u]
            if norm <= ZERO_TOL * scale:                  # constant on the region
                node.states[u] = 1.0 if gu > ZERO_TOL * scale else 0.0
                node.u += 1
                continue
            a, cu = node.G[u] / norm, gu / norm
            if cu + np.minimum(a * self.lo, a * self.hi).sum() > tol:     # positive on the box
                node.states[u] = 1.0
                node.u += 1
                continue
            if cu + np.maximum(a * self.lo, a * self.hi).sum() < -tol:    # negative on the box
                node.u += 1
                continue
            v = node.P @ a + cu
            pos, neg = v > tol, v < -tol
            if not (pos.any() and neg.any()):
                # the missing side: a point shot from a known point towards the box corner
                # that is deepest on that side, else an LP (feasibility of that side)
                want = 0 if pos.any() else 1
                x = None
                if self._projection_pays(node.l, "shoot"):
                    x = self._shoot(node, a, cu, want)
                    self._projections[node.l, "shoot"][x is None] += 1
                if x is None and self._projection_pays(node.l):
                    x = self._project(node, a, cu, want)
                    self._projections[node.l, "project"][x is None] += 1
                verdict = None
                if x is None and (pos.any() or neg.any()) and self._predicts(node):
                    verdict, x = self._judge(node, a, cu, want)
                    self.judged[verdict] += 1
                if x is None and verdict != "empty":
                    x = self._deepest_on(node, a, cu, want)
                if x is None and not (pos.any() or neg.any()):
                    x = self._deepest_on(node, a, cu, 1 - want)
                if x is not None:
                    val = a @ x + cu
                    if abs(val) > tol:
                        node.P, v = np.vstack([node.P, x]), np.append(v, val)
                        pos, neg = v > tol, v < -tol
                if not (pos.any() or neg.any()):
                    return ("dead",)
            if pos.any() and neg.any():
                return ("split", a, cu, node.P[pos], node.P[neg])
            self._take(node, a, cu, 1 if pos.any() else 0, node.P[pos] if pos.any() else node.P[neg])
            if node.P is None:
                return ("dead",)

    def _take(self, node, a, cu, side, P):
        """The node goes to ``side`` of the unit ``(a, cu)``; ``P`` its known points there."""
        m = MIN_MARGIN
        r = node.rows
        if side:
            node.h.addRow(m - cu, self.inf, self.n0, self.cols, a)
            node.M[r], node.q[r] = a, cu - m
        else:
            node.h.addRow(-self.inf, -m - cu, self.n0, self.cols, a)
            node.M[r], node.q[r] = -a, -cu - m
        node.rows += 1
        if node.rank < len(node.Q):
            w = a - node.Q[:node.rank].T @ (node.Q[:node.rank] @ a)
            nw = np.linalg.norm(w)
            if nw > 1e-8:
                node.Q[node.rank] = w / nw
                node.rank += 1
        node.states[node.u] = side
        node.u += 1
        node.P = P
        K = self.n_points
        if len(P) < K:
            if len(P) == 0:
                x = self._optimise(node.h, np.zeros(self.n0), 1.0)
                if x is None:
                    node.P = None
                    return
                node.P = x[None, :]
            node.P = np.vstack([node.P, self._hit_and_run(node, K - len(node.P))])

    def walk(self, deadline=None, bits=None, units=None) -> float:
        """Knuth's probe: one random root-to-leaf walk, a uniform child at every split.
        Returns its estimate ``2 ** splits`` of the number of leaves (0.0 at a dead end).
        ``bits``: numbers in [0, 1], one per split in turn (side 1 when at least 1/2;
        default: random). ``units``: stop once that many units (in network order) are
        decided; the estimate is then of the number of regions of those units. When the
        deadline cuts the walk, :attr:`reached` holds the log2 of its estimate so far and
        the number of units it decided."""
        self.deadline, self._units = deadline, (self.N if units is None else int(units))
        if self._walk_model is None:
            self._walk_model = self._new_model()
        node = self._root(self._walk_model)
        splits = 0
        self.reached = (0.0, 0)
        while True:
            step = self._advance(node)
            if step[0] == "leaf":
                self.reached = (float(splits), self._units)
                return 2.0 ** splits
            if step[0] == "dead":
                return 0.0
            _, a, cu, Ppos, Pneg = step
            side = int((self.rng.random() if bits is None else bits[splits]) >= 0.5)
            splits += 1
            self._take(node, a, cu, side, Ppos if side else Pneg)
            if node.P is None:
                return 0.0
            self.reached = (float(splits), int(self._offsets[node.l]) + node.u)


class _Deadline(Exception):
    """The time for the probes ran out inside a walk."""


class _Undecided(Exception):
    """HiGHS could not decide an LP."""
# -- the probabilistic lower bound: random parity constraints on the counting MILP -----------------
def parity_lower_bound(network, confidence=0.99, trials=3, time_limit=None, seed=None, start=None,
                       progress=None, samples=0) -> dict:
    """A lower bound on the number of regions that holds with probability ``confidence``.

    Random parity (XOR) constraints are added to the binary activation variables ``z`` of the
    counting MILP (:mod:`regionmath.counting.milp`); a *trial* with ``r`` of them passes when
    SCIP finds a ``z`` satisfying them whose region has non-empty interior (the witness LP's
    margin is positive and the witness is checked in exact arithmetic; a flat pattern that
    only the MILP's semi-closed form accepts is cut off by a no-good constraint and the
    search goes on). Levels ``r`` are tried in increasing order, each with ``trials``
    trials; the search stops at the first level with a failed (or undecided) trial.

    Why it holds (MBound, Gomes, Sabharwal, Selman 2006). Let ``M`` be the number of regions
    and ``S`` the set of their patterns. One XOR ``a . z = b (mod 2)`` with ``b`` a fair coin
    is satisfied by any fixed ``z`` with probability exactly 1/2, whatever the variables
    ``a`` it includes; ``r`` of them with independent ``b``'s by ``2^-r``. So the expected
    number of patterns of ``S`` that survive is ``M 2^-r``, and by Markov's inequality a
    trial passes with probability at most ``M 2^-r``. If ``M < 2^(r - alpha)`` that is below
    ``2^-alpha``, and ``t`` independent trials all pass with probability below
    ``2^(-alpha t)``. The reported bound ``2^(r* - alpha)`` (``r*`` the last level passed) is
    false only if the first level tried with ``M < 2^(r - alpha)`` passed -- levels increase
    and the search stops at the first failure, and every level draws fresh XORs -- so
    ``P(bound false) <= 2^(-alpha t)``. Here ``alpha = log2(1 / (1 - confidence)) / t``, so
    the failure probability is exactly ``1 - confidence``. The probability is over the
    random XORs, for this fixed network; nothing is assumed about the network. A trial
    that is not decided in time counts as a failure (it can only lower the bound).

    Parameters
    ----------
    network : Network
    confidence : float
        The probability with which the bound holds (0 < confidence < 1).
    trials : int
        Trials per level (t); the bound loses a factor ``2^alpha``.
    time_limit : float or None
        Seconds in all; when reached, the last level passed is reported.
    seed : int or None
    start : int or None
        The first level ``r`` (default: just above the bound that ``2^(r - alpha) = 1`` gives).
    progress : callable or None
        Called with ``{"xors", "trial", "passed", "seconds"}`` after each trial.
    samples : int
        Random points of the box whose regions each trial searches first (relu): a region
        among them that satisfies the XORs and whose point passes the exact check makes the
        trial pass without the MILP (which, over hundreds of inputs, takes seconds a trial).
        The search method does not enter the probability: any pass is a checked region.

    Returns
    -------
    dict
        ``value`` (int or None when no level passed), ``probability``, ``xors`` (``r*``),
        ``alpha``, ``trials``, ``levels`` (each ``[r, trials passed]``), ``complete`` (False
        when the time limit ended the search before a failure), ``method``.

    References
    ----------
    .. [1] C. P. Gomes, A. Sabharwal, B. Selman, "Model counting: a new strategy for
       obtaining good bounds", AAAI 2006.
    .. [2] T. Serra, S. Ramalingam, "Empirical bounds on linear regions of deep rectifier
       networks", AAAI 2020 (MIPBound).
    """
    if not 0 < confidence < 1:
        raise RegionmathError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if not isinstance(trials, int) or trials < 1:
        raise RegionmathError(f"trials must be a positive integer, got {trials!r}")
    from fractions import Fraction
    from pyscipopt import quicksum
    from .counting.certify import certify_witness
    from .counting.lp import MARGIN_TOL, witness_lp
    from .counting.milp import FEASTOL, _Formulation
    from .counting.solvers import captured_c_stdout
    begin = time.perf_counter()
    deadline = None if time_limit is None else begin + float(time_limit)
    rng = np.random.default_rng(seed)
    alpha = math.log2(1.0 / (1.0 - confidence)) / trials
    out = {"value": None, "probability": confidence, "xors": None, "alpha": alpha, "trials": trials,
           "levels": [], "complete": True,
           "method": "random parity constraints on the MILP's activation variables (MBound / MIPBound)"}
    # coefficients below SCIP's precision are dropped (strict=False): the MILP only proposes
    # patterns, and a trial passes only on a witness checked exactly on the true network
    form = _Formulation(network, bounds="interval", strict=False)
    model = form.model
    model.setParam("numerics/feastol", FEASTOL)
    byname = {v.name: v for v in model.getVars()}
    zvars = [byname[name] for states in form.binaries.values() for _, name in states]
    n_b = len(zvars)
    units = np.array([u for u, states in form.binaries.items() for _ in states], dtype=int)
    if n_b == 0:       # every unit stable: one region, no randomness needed
        return {**out, "value": 1, "probability": 1.0, "xors": 0}

    pool = []              # patterns and points of random points of the box (relu), drawn once

    def sampled(masks, parities):
        """A certified region of the pool that satisfies the XORs, if one is at hand: True or None."""
        if network.activation != "relu" or not samples:
            return None
        if not pool:
            P, X = _sampled_regions(network, np.random.default_rng(None if seed is None else seed + 2), samples)
            pool.append((P[:, units].astype(np.int64), P, X))
        bits, P, X = pool[0]
        ok = np.ones(len(bits), bool)
        for mask, parity in zip(masks, parities):
            ok &= (bits[:, mask].sum(axis=1) % 2) == parity
        for i in np.flatnonzero(ok)[:4]:
            if deadline is not None and time.perf_counter() > deadline:
                return None
            if certify_witness(network, tuple(int(v) for v in P[i]), X[i]):
                return True
        return None

    def trial(r):
        """True: an interior region satisfies r fresh random XORs; False: none does; None: undecided."""
        added = []
        try:
            masks, parities = [], []
            for _ in range(r):
                mask = rng.random(n_b) < 0.5
                parity = bool(rng.integers(2))
                if not mask.any():
                    if parity:               # 0 = 1: no pattern survives
                        return False
                    continue
                masks.append(mask)
                parities.append(parity)
            if sampled(masks, parities):     # found among random points: no MILP needed
                return True
            for mask, parity in zip(masks, parities):
                added.append(model.addConsXor([z for z, m in zip(zvars, mask) if m], parity))
            while True:
                left = None if deadline is None else deadline - time.perf_counter()
                if left is not None and left <= 0.05:
                    return None
                if left is not None:
                    model.setParam("limits/time", left)
                with captured_c_stdout():
                    model.optimize()
                status = model.getStatus()
                if status == "userinterrupt":          # SCIP took the Ctrl-C: pass it on
                    raise KeyboardInterrupt
                if status == "infeasible":
                    return False
                if model.getNSols() == 0:
                    return None
                sol = model.getBestSol()
                values = {z.name: int(round(model.getSolVal(sol, z))) for z in zvars}
                pattern = form.pattern(values)
                model.freeTransform()
                w = witness_lp(network, pattern) if -1 not in pattern else None
                if w is not None and w.point is not None and w.margin > MARGIN_TOL \
                        and certify_witness(network, pattern, w.point):
                    return True
                # a flat (or numerically spurious) pattern: exclude it and search on
                ones = [z for z in zvars if values[z.name] == 1]
                zeros = [z for z in zvars if values[z.name] == 0]
                added.append(model.addCons(quicksum(1 - z for z in ones) + quicksum(zeros) >= 1))
        finally:
            model.freeTransform()
            for cons in added:
                model.delCons(cons)

    r = max(1, int(start)) if start is not None else max(1, math.ceil(alpha))
    step = 1
    while True:
        passed = 0
        for t in range(trials):
            outcome = trial(r)
            if progress is not None:
                progress({"xors": r, "trial": t + 1, "passed": outcome, "seconds": time.perf_counter() - begin})
            if outcome is None:
                out["complete"] = False
            if not outcome:
                break
            passed += 1
        out["levels"].append([r, passed])
        if passed < trials:
            break
        out["xors"] = r
        if r >= n_b:                 # 2^n_b patterns at most: nothing to gain above
            break
        r, step = min(n_b, r + step), step * 2
    if out["xors"] is not None:
        # count >= 2^(r - alpha); the count is an integer, so >= ceil of it (computed exactly
        # from a rational lower approximation of 2^-alpha, never rounded up past the truth)
        frac = Fraction(2.0 ** -alpha)
        frac = frac - frac / 10**12               # guards the float rounding of 2^-alpha
        value = (2 ** out["xors"]) * frac
        out["value"] = max(1, -(-value.numerator // value.denominator))
    return out


# -- the estimate with its interval ------------------------------------------------------------------
def tree_estimate(network, time_limit=None, pairs=None, confidence=0.95, seed=None, lower=0, upper=None,
                  progress=None, stop=None, min_pairs=0, hard_limit=None) -> dict:
    """Estimate the number of regions by Knuth probes with antithetic pairs, and an interval.

    Each sample is a pair of :meth:`TreeProber.walk` probes: the second takes the opposite
    child at every split where the first took a random one (antithetic variates). Both are
    Knuth walks, so their mean is unbiased; their estimates are negatively correlated (a
    walk into a shallow part of the tree is paired with one into a deep part), which lowers
    the variance at no extra cost: on the Serra 2018 digits nets the correlation was
    -0.1 to -0.6 (variance of a pair 1.1 to 2.7 times lower than of two independent walks).
    When not even the first walk ends in the time (784-256-256 on two cores), the walk cut
    short gives a *lower* estimate (see Returns).

    The interval (:func:`_interval`) is the union of Student's t interval on the mean of the
    pair means and Cox's interval for a log-normal mean, cut to ``[lower, upper]`` when
    proved bounds are given (the true count lies there, so cutting can only help coverage).
    Knuth estimates are right-skewed (close to log-normal), which makes the t interval alone
    too short on the right: its coverage was measured on networks with known counts
    (``tests/test_estimate.py``, ``bench/bench_estimate.md``).

    With fewer than two pairs in the time (a wide network, where one walk takes tens of
    seconds) the interval is Markov's: the estimate ``X`` (one walk, or one pair's mean) is
    unbiased and non-negative, so ``P(X >= T / (1 - confidence)) <= 1 - confidence`` for the
    true count ``T``; the lower end ``(1 - confidence) X`` is below ``T`` with probability at
    least ``confidence``, for every network, and the upper end is ``upper`` (a proved
    bound; infinite without one). Wide, and it says so: the method names the walks. The
    statement is about walks that are run to their end; a walk cut by the time limit is
    dropped, so if how long a walk takes depended on its value the failure probability
    could grow to ``(1 - confidence) / P(the walk finishes in time)`` (the same holds for
    the pairs of the t interval). Every walk decides every unit (a walk that ends early
    ends at 0, which only lowers the lower end), so its time depends on its path only
    through how many units need an LP.

    Parameters
    ----------
    network : Network
        ReLU.
    time_limit : float or None
        Seconds for the probes (at least two pairs are needed for an interval).
    pairs : int or None
        Stop after this many pairs (deterministic results for a fixed seed).
    confidence : float
    seed : int or None
    lower, upper : int or None
        Proved bounds on the count (e.g. a certified lower bound).
    progress : callable or None
    stop : callable or None
        Asked between pairs; True ends the probes (e.g. when an exact count has finished).
    min_pairs : int
        Pairs that may run past ``time_limit``, up to ``hard_limit`` seconds (two make an
        interval: on a wide network one walk can take a good part of the time).
    hard_limit : float or None
        Seconds that no walk runs past (default ``time_limit``).

    Returns
    -------
    dict
        ``value`` (float or None), ``interval`` ([lo, hi] floats or None), ``confidence``,
        ``method``, ``pairs``, ``lps``, ``complete`` (False when the time ended before the
        requested pairs, or before two pairs), ``samples`` (the pair means); ``walks`` when
        the interval is Markov's. When the first walk was cut by the time after ``d`` units
        (``depth``), ``value`` is its ``2 ** splits`` so far: an unbiased estimate of the number
        of the search tree's nodes at depth ``d`` (regions of the first ``d`` units, each of
        which holds at least one region of the network), so a *lower* estimate of the count,
        with Markov's interval (``method`` says so).
    """
    if time_limit is None and pairs is None:
        raise RegionmathError("tree_estimate needs a time limit or a number of pairs")
    from .counting.parallel import one_blas_thread
    with one_blas_thread():   # the probes' small products lose to thread start-up
        return _tree_estimate(network, time_limit, pairs, confidence, seed, lower, upper, progress, stop,
                              min_pairs, hard_limit)


def _tree_estimate(network, time_limit, pairs, confidence, seed, lower, upper, progress, stop, min_pairs=0,
                   hard_limit=None):
    start = time.perf_counter()
    deadline = None if time_limit is None else start + float(time_limit)
    hard = deadline if hard_limit is None or deadline is None else start + max(float(hard_limit), float(time_limit))
    prober = TreeProber(network, seed=seed)
    rng = np.random.default_rng(None if seed is None else seed + 1)
    means = []
    single = None                  # the first walk, whose antithetic partner may run out of time
    partial = None                 # (log2 weight, units decided) of a first walk cut by the time
    timed_out = False
    while pairs is None or len(means) < pairs:
        bits = rng.random(network.N)          # one number per random choice; the partner takes 1 - it
        limit = hard if len(means) < min_pairs else deadline
        try:
            a = prober.walk(limit, bits)
            if not means:
                single = a
            b = prober.walk(limit, 1 - bits)
        except _Deadline:
            timed_out = True
            if single is None:
                partial = prober.reached
            break
        means.append((a + b) / 2)
        if progress is not None:
            progress({"stage": "estimate", "pairs": len(means), "lps": prober.lp_count,
                      "seconds": time.perf_counter() - start})
        if deadline is not None and time.perf_counter() > deadline and len(means) >= min_pairs:
            timed_out = pairs is not None
            break
        if stop is not None and stop():
            break
    n = len(means)
    method = (f"Knuth 1975 tree probes with antithetic pairs ({n} pairs, {prober.lp_count} LPs); "
              f"interval: union of Student t on the mean and Cox's log-normal interval, cut to the proved bounds")
    out = {"value": None, "interval": None, "confidence": confidence, "method": method, "pairs": n,
           "lps": prober.lp_count, "complete": not timed_out and n >= 2, "samples": means}
    if n < 2 and single is not None:
        # too few samples for the t or log-normal interval: Markov's inequality on the mean
        # of the walks (see the docstring), which holds for any network
        walks = 2 * n if n else 1
        out["value"], out["interval"] = _markov(float(np.mean(means)) if n else float(single), confidence, lower,
                                                upper)
        out["walks"] = walks
        out["method"] = (f"Knuth 1975 tree probes ({walks} walk{'s' if walks > 1 else ''}, {prober.lp_count} LPs); "
                         f"interval: Markov's inequality (lower end {1 - confidence:g} times the estimate), upper "
                         f"end the proved upper bound: too few walks for a narrower interval")
        return out
    if n == 0 and partial is not None and partial[1] > 0:
        # the first walk, cut short after d units: 2 ** splits so far estimates the number of
        # the search tree's nodes at depth d, each a region of the first d units with an
        # interior, and each holds a region of the network: its mean is at most the count
        # (for a depth fixed in advance; here the time chose it, as for a walk's end above)
        log2_value, depth = partial
        out["value"], out["interval"] = _markov(2.0 ** min(log2_value, 1023.0), confidence, lower, upper)
        out["walks"] = 0
        out["depth"] = depth
        out["method"] = (f"a lower estimate: one Knuth 1975 walk cut by the time after {depth} of {network.N} units "
                         f"({prober.lp_count} LPs) estimates the regions of those units, at most the count; interval: "
                         f"Markov's inequality (lower end {1 - confidence:g} times the estimate), upper end the proved "
                         f"upper bound")
        return out
    if n == 0:
        out["method"] = f"Knuth 1975 tree probes: no walk finished in its time ({prober.lp_count} LPs)"
        return out
    x = np.array(means)
    mean = float(x.mean())
    out["value"] = max(mean, to_float(lower))
    if n >= 2:
        lo, hi = _interval(x, confidence)
        lo = max(lo, to_float(lower))
        if upper is not None:
            hi = min(hi, to_float(upper))
            out["value"] = min(out["value"], to_float(upper))
        out["interval"] = [lo, max(hi, lo)]
    return out


def _markov(x, confidence, lower, upper):
    """The value and Markov interval of a non-negative estimate ``x`` whose mean is at most the
    count: ``(1 - confidence) x`` exceeds the count with probability at most ``1 - confidence``;
    the upper end is the proved bound ``upper`` (infinite without one); both at least
    ``lower``, the certified count."""
    value = max(x, to_float(lower))
    lo = max((1.0 - confidence) * x, to_float(lower))
    hi = math.inf if upper is None else to_float(upper)
    return value, [lo, max(hi, lo)]


def _interval(x, confidence):
    """The union of Student's t interval on the mean and the log-normal (Cox) interval.

    A Knuth estimate is ``2 ** splits`` and the number of splits on a random path is close to
    normal, so the estimates are close to log-normal: right-skewed, their sample mean mostly
    below the true mean and the t interval too short on the right. Cox's interval for a
    log-normal mean, ``exp(m + s^2/2 +- q sqrt(s^2/n + s^4/(2(n-1))))`` with ``m, s^2`` the
    mean and variance of the logs, stretches the right end; the union keeps the t interval's
    left end when that is lower. Zero estimates (dead ends) scale the log-normal part by the
    share of positive ones.
    """
    from scipy.special import stdtrit          # Student's t quantile (scipy.stats imports slowly)
    n = len(x)
    q = float(stdtrit(n - 1, 0.5 + confidence / 2))
    mean, half = float(x.mean()), q * float(x.std(ddof=1)) / math.sqrt(n)
    lo, hi = mean - half, mean + half
    pos = x[x > 0]
    if len(pos) >= 2:
        y = np.log(pos)
        m, s2 = float(y.mean()), float(y.var(ddof=1))
        se = math.sqrt(s2 / len(pos) + s2 ** 2 / (2 * (len(pos) - 1)))
        share = len(pos) / n
        lo = min(lo, share * math.exp(m + s2 / 2 - q * se))
        hi = max(hi, share * math.exp(m + s2 / 2 + q * se))
    return max(lo, 0.0), hi


# -- densities along lines and in 2-D squares --------------------------------------------------------
def _restricted(network, point, directions, lo, hi):
    """The network on the affine set ``point + directions @ s`` for ``s`` in the box [lo, hi]
    (first layer composed with the embedding, in floating point)."""
    from .network import Network
    D = np.asarray(directions, float).reshape(network.n0, -1)
    W1 = network.weights[0] @ D
    b1 = network.weights[0] @ point + network.biases[0]
    return Network([W1] + network.weights[1:], [b1] + network.biases[1:], network.activation, network.rank,
                   box=(np.asarray(lo, float), np.asarray(hi, float)))


def _middle_point(rng, lo, hi):
    """A uniform point of the middle half of the box (lines and squares through it stay long)."""
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    return centre + rng.uniform(-0.5, 0.5, size=len(lo)) * half


def _time_left(start, time_limit, first_time_limit, done):
    """Seconds left for the next line or square: the first may run to ``first_time_limit``
    (one count of a wide network can take longer than a share), the others to ``time_limit``."""
    if time_limit is None:
        return None
    limit = time_limit if done or first_time_limit is None else max(time_limit, first_time_limit)
    return limit - (time.perf_counter() - start)


def line_densities(network, lines=8, time_limit=None, seed=None, first_time_limit=None) -> dict:
    """Exact region counts along random lines through the domain, per unit length.

    Each line passes through a uniform point of the middle half of the box in a uniformly
    random direction, and runs from box face to box face; its regions are counted exactly
    (rational breakpoints, :func:`regionmath.counting.line.count_line`: no LP and no
    tolerance, so no witness check is needed) on the one-input restriction of the network,
    composed in floating point (Hanin & Rolnick 2019: the expected count per unit length
    grows like the number of neurons). A line of a 784-256-256 network takes seconds.

    ``first_time_limit``: seconds the first line may take (default ``time_limit``).

    Returns
    -------
    dict
        ``mean`` and ``std`` of the regions per unit length, ``counts`` and ``lengths`` of
        the lines, ``lines`` (how many were counted to the end), ``complete``.
    """
    from .counting.line import count_line
    rng = np.random.default_rng(seed)
    lo, hi = (np.asarray(v, float) for v in network.box)
    start = time.perf_counter()
    counts, lengths, complete = [], [], True
    for _ in range(lines):
        left = _time_left(start, time_limit, first_time_limit, counts)
        if left is not None and left <= 0.05:
            complete = False
            break
        p = _middle_point(rng, lo, hi)
        d = rng.standard_normal(network.n0)
        d /= np.linalg.norm(d)
        with np.errstate(divide="ignore"):
            ta, tb = (lo - p) / d, (hi - p) / d
        t0, t1 = float(np.minimum(ta, tb).max()), float(np.maximum(ta, tb).min())
        r = count_line(_restricted(network, p, d, [t0], [t1]), time_limit=left)
        if not r.complete:
            complete = False
            break
        counts.append(r.count)
        lengths.append(t1 - t0)
    dens = np.array(counts) / np.array(lengths) if counts else np.zeros(0)
    return {"mean": float(dens.mean()) if len(dens) else None,
            "std": float(dens.std(ddof=1)) if len(dens) > 1 else None,
            "lines": len(counts), "counts": counts, "lengths": [round(v, 6) for v in lengths],
            "complete": complete}


def slice_counts(network, slices=4, time_limit=None, seed=None, max_side=None, first_time_limit=None) -> dict:
    """Exact region counts in random 2-D squares inside the domain.

    Each square is centred at a uniform point of the middle half of the box, spanned by two
    random orthonormal directions, and as large as the box allows (at most ``max_side``);
    its regions are counted exactly by the certified enumerator on the two-input restriction
    of the network. :func:`estimate_regions` caps the side from the line density, so that a
    square of a wide network holds tens of regions, not thousands.

    ``first_time_limit``: seconds the first square may take (default ``time_limit``).

    Returns
    -------
    dict
        ``counts``, ``sides`` (the squares' side lengths), ``mean``, ``std``, ``slices``,
        ``complete``.
    """
    from .counting import count_regions
    if network.n0 < 2:
        return {"counts": [], "sides": [], "mean": None, "std": None, "slices": 0, "complete": True}
    rng = np.random.default_rng(seed)
    lo, hi = (np.asarray(v, float) for v in network.box)
    start = time.perf_counter()
    counts, sides, complete = [], [], True
    for _ in range(slices):
        left = _time_left(start, time_limit, first_time_limit, counts)
        if left is not None and left <= 0.05:
            complete = False
            break
        p = _middle_point(rng, lo, hi)
        D, _ = np.linalg.qr(rng.standard_normal((network.n0, 2)))
        # half-side s: every corner p + s (+-d1 +-d2) inside the box
        reach = np.abs(D).sum(axis=1)
        with np.errstate(divide="ignore"):
            s = float(np.minimum((p - lo) / reach, (hi - p) / reach).min())
        if max_side is not None:
            s = min(s, max_side / 2)
        r = count_regions(_restricted(network, p, D, [-s, -s], [s, s]), method="enumerate", jobs=1, time_limit=left)
        if r.incomplete_reason == "interrupted" or r.info.get("certification") == "interrupted":
            # the counter took the Ctrl-C: pass it on
            raise KeyboardInterrupt
        if not (r.complete and r.certified):
            complete = False
            break
        counts.append(r.count)
        sides.append(2 * s)
    c = np.array(counts, dtype=float)
    return {"counts": counts, "sides": [round(v, 6) for v in sides],
            "mean": float(c.mean()) if len(c) else None, "std": float(c.std(ddof=1)) if len(c) > 1 else None,
            "slices": len(counts), "complete": complete}


# -- the report ------------------------------------------------------------------------------------
@dataclass
class EstimateResult:
    """Everything :func:`estimate_regions` could say about a network's region count.

    ``certified_lower`` is proved; ``probabilistic_lower`` holds with its ``probability``;
    ``estimate`` is a statistical estimate with a confidence interval; the upper bounds are
    proved (``weight_aware_upper`` is None, with a reason, when unavailable). ``complete`` is
    False when the time limit cut a part short (``notes`` say which).
    """

    certified_lower: int
    probabilistic_lower: dict
    estimate: dict
    weight_aware_upper: dict
    architecture_upper: Optional[dict]
    line_density: dict
    slice_counts: dict
    seconds: float
    complete: bool
    notes: list = field(default_factory=list)
    incomplete_reason: Optional[str] = None

    def as_dict(self) -> dict:
        """The JSON contract (docs/estimate.md): exact integers as decimal strings, estimates
        as decimal strings in scientific notation."""
        from .exact import decimal_string
        pl, est = self.probabilistic_lower, self.estimate
        wa, au = self.weight_aware_upper, self.architecture_upper
        return {
            "certified_lower": decimal_string(self.certified_lower),
            "probabilistic_lower": {"value": None if pl.get("value") is None else decimal_string(pl["value"]),
                                    "probability": pl.get("probability")},
            "estimate": {"value": _sci(est.get("value")),
                         "interval": None if est.get("interval") is None else [_sci(v) for v in est["interval"]],
                         "confidence": est.get("confidence"), "method": est.get("method")},
            "weight_aware_upper": {"id": wa.get("id"),
                                   "value": None if wa.get("value") is None else decimal_string(wa["value"]),
                                   **({"reason": wa["reason"]} if wa.get("value") is None else {})},
            "architecture_upper": None if au is None else {"id": au["id"], "value": decimal_string(au["value"])},
            "line_density": {k: self.line_density.get(k) for k in ("mean", "std", "lines", "counts", "lengths")},
            "slice_counts": {k: self.slice_counts.get(k) for k in ("counts", "sides", "mean", "std", "slices")},
            "seconds": round(self.seconds, 3),
            "complete": self.complete,
            "incomplete_reason": None if self.complete else self.incomplete_reason,
        }

    def __str__(self):
        d = self.as_dict()
        pl, est, wa, au = d["probabilistic_lower"], d["estimate"], d["weight_aware_upper"], d["architecture_upper"]
        lines = [f"certified lower bound     {d['certified_lower']}  (regions found and certified exactly)"]
        if pl["value"] is not None:
            lines.append(f"probabilistic lower bound {pl['value']}  (holds with probability {pl['probability']})")
        else:
            lines.append("probabilistic lower bound none  (no parity level passed in time)")
        if est["value"] is not None:
            iv = est["interval"]
            shown = f"[{iv[0]}, {iv[1]}]" if iv else "no interval"
            lines.append(f"estimate                  {est['value']}  {int(round(100 * est['confidence']))}% interval {shown}")
            lines.append(f"                          ({est['method']})")
        else:
            lines.append(f"estimate                  none ({est['method']})")
        lines.append(f"weight-aware upper bound  {wa['value'] if wa['value'] is not None else 'none (' + wa.get('reason', '') + ')'}")
        if au is not None:
            lines.append(f"architecture upper bound  {au['value']}  ({au['id']})")
        ld, sc = d["line_density"], d["slice_counts"]
        if ld["mean"] is not None:
            lines.append(f"regions per unit length   {ld['mean']:.4g} (sd {ld['std'] if ld['std'] is None else round(ld['std'], 4)}, "
                         f"{ld['lines']} random lines)")
        if sc["mean"] is not None:
            lines.append(f"regions in 2-D squares    {sc['counts']} (mean {sc['mean']:.4g})")
        lines.append(f"{'complete' if self.complete else 'INCOMPLETE: ' + '; '.join(self.notes)}; {d['seconds']} s")
        return "\n".join(lines)


def _count_worker(network, seconds, seed, conn):
    """Child process: the upper bounds (loading the registry takes seconds), then the
    certified lower bound. ``seconds = (sample, count, certify)`` are the ends of its three
    steps, counted from its start:

    1. certify the regions of 256 random points (a bound within a second or two, whatever
       the size of the network);
    2. run the enumerator (uncertified, it stops at its time limit);
    3. certify the regions it found that step 1 did not.

    After each chunk of certificates it sends ``(found, complete, certified, all_checked)``; the parent uses
    the last message it has when it needs the answer, so an enumerator that overruns its
    limit on a wide network (it checks the clock between nodes) costs only the later steps."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent handles Ctrl-C and stops us
    start = time.perf_counter()
    try:
        conn.send(("bounds",) + _upper_bounds(network))
        P, X = _sampled_regions(network, np.random.default_rng(seed), 256)
        certified, _ = _certified_regions(network, P, X, start + seconds[0],
                                          done=lambda c: conn.send((len(P), False, c, False)))
        from .counting import count_regions
        left = start + seconds[1] - time.perf_counter()
        if left > 0.05:
            r = count_regions(network, method="enumerate", jobs=1, time_limit=left, certify=False)
            Pc, Xc = np.asarray(r.regions.patterns, np.int16), np.asarray(r.regions.witnesses, float)
            if r.complete:       # the count is exact once each of its regions is certified
                ok, all_checked = _certified_regions(network, Pc, Xc, start + seconds[2])
                conn.send((r.count, True, ok, all_checked))
            else:
                known = {p.tobytes() for p in np.asarray(P, np.int16)}
                new = [i for i, p in enumerate(Pc) if p.tobytes() not in known]
                found = r.count + len(P) - (len(Pc) - len(new))
                more, _ = _certified_regions(network, Pc[new], Xc[new], start + seconds[2],
                                             done=lambda c: conn.send((found, False, certified + c, False)))
                conn.send((found, False, certified + more, False))
    except Exception as err:  # noqa: BLE001 - reported to the parent, which carries on without it
        conn.send(("error", str(err)))
    finally:
        conn.close()


class _Counter:
    """The certified lower bound, worked out in a child process (the second core) while the
    parent probes the tree (:func:`_count_worker`)."""

    def __init__(self, network, seconds, seed):
        import multiprocessing as mp
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.recv, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_count_worker, args=(network, seconds, seed, send), daemon=True)
        self.proc.start()
        send.close()
        self.got = None
        self.closed = False

    bounds = None

    def _drain(self, wait=0.0):
        try:
            while not self.closed and self.recv.poll(max(0.0, wait)):
                msg = self.recv.recv()
                if msg[0] == "bounds":
                    self.bounds = msg[1:]
                elif msg[0] != "error":
                    self.got = msg
                wait = 0.0
        except (EOFError, OSError):
            self.closed = True

    def finished(self) -> bool:
        """True once the child has an exact count, all of it certified (the probes can stop)."""
        self._drain()
        return self.got is not None and self.got[1] and self.got[3] and self.got[2] == self.got[0]

    def result(self, deadline):
        """The child's last ``(found, complete, certified, all_checked)`` by ``deadline`` (it
        is stopped then), or None."""
        while not self.closed and time.perf_counter() < deadline and not self.finished():
            self._drain(min(0.2, max(0.0, deadline - time.perf_counter())))
        self.stop()
        return self.got

    def stop(self):
        self._drain()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(1.0)
        self.closed = True
        self.recv.close()


def _certified_regions(network, patterns, witnesses, deadline, chunk=4096, done=None):
    """How many of the regions (distinct patterns) pass the exact witness check before the
    deadline; True as second value when all were checked. ``done(certified so far)`` is
    called after each chunk."""
    from .counting.certify import certify_arrays
    certified, a, size = 0, 0, 1
    while a < len(patterns):
        now = time.perf_counter()
        if now > deadline:
            return certified, False
        certified += int(certify_arrays(network, patterns[a:a + size], witnesses[a:a + size]).sum())
        if done is not None:
            done(certified)
        a += size
        # chunks sized to the time left: wide networks cost up to a second per witness
        per = (time.perf_counter() - now) / size
        size = int(min(chunk, max(1, 0.5 * (deadline - time.perf_counter()) / max(per, 1e-6))))
    return certified, True


def _sampled_regions(network, rng, count):
    """Patterns and points of ``count`` uniform random points of the box whose every unit is
    away from zero (each such point lies inside its region), one per distinct pattern."""
    lo, hi = network.box
    X = rng.uniform(lo, hi, size=(count, network.n0))
    zs = network.preactivations(X)
    strict = np.ones(count, bool)
    if network.activation == "relu":      # the exact check decides; this only skips hopeless points
        for z in zs:
            strict &= (np.abs(z) > MARGIN_TOL * (1 + np.abs(z).max())).all(axis=1)
    P = np.hstack([np.asarray(p, dtype=np.int16).reshape(count, -1) for p in network.pattern(X)])
    _, first = np.unique(P[strict], axis=0, return_index=True)
    keep = np.nonzero(strict)[0][np.sort(first)]
    return P[keep], X[keep]


def _upper_bounds(network):
    """``(architecture_upper, weight_aware_upper)``: the registry's tightest bound for the
    architecture and its weight-aware bound (loading the registry takes seconds: the child
    process does it while the parent probes)."""
    from .bounds import tightest_upper
    found = tightest_upper(network.architecture)
    return (None if found is None else {"id": found[0].id, "value": int(found[1])}), _weight_aware_upper(network)


def _weight_aware_upper(network):
    """The registry's weight-aware bound (``serra2020-weights``) on the network's box."""
    from .bounds.weights import Serra2020Weights, serra2020_weights
    try:
        return {"id": Serra2020Weights.id, "value": int(serra2020_weights(network))}
    except RegionmathError as err:          # maxout: the bound is for relu networks
        return {"id": Serra2020Weights.id, "value": None, "reason": str(err)}


#: how the time is shared between the parts that run one after the other in the main process
#: (each gets its weight's share of what is left when it starts, so a part that finishes early
#: leaves its time to the next and none can take the time of those after it); the certified
#: lower bound runs beside them in a child process
STAGE_WEIGHTS = {"estimate": 3.0, "lines": 1.0, "slices": 1.0, "parity": 3.0}
#: the MILP of the parity bound is built for at most this many (unit, input) coefficients: a
#: wider network's bound is taken on its first units (see :func:`_leading_units`)
PARITY_TERMS = 30000
#: random points whose regions a parity trial searches before the MILP
PARITY_SAMPLES = 16384
#: a slice of a wide network is a square whose side lets a line of the measured density
#: cross it about this many times (tens of regions, not thousands)
SLICE_CROSSINGS = 8.0


def _leading_units(network, terms=PARITY_TERMS):
    """The network cut to its first hidden units: whole layers while their weights hold at
    most ``terms`` entries, then the first rows of the next layer (at least one unit).

    Its count is a lower bound on the network's: each of its regions (an open set) meets the
    interior of a region of the whole network (those interiors are dense: the rest of the
    domain is a finite union of sets without interior, each in a finite union of
    hyperplanes), and that region's pattern starts with the cut network's pattern, so
    distinct regions of the cut network give distinct regions of the network."""
    from .network import Network
    Ws, bs, used = [], [], 0
    exact = network.is_exact
    for l, (W, b) in enumerate(zip(network.weights, network.biases)):
        rows = W.shape[0] if used + W.size <= terms else max(1, (terms - used) // W.shape[1])
        rows = min(rows, W.shape[0])
        src = (network.exact_weights[l], network.exact_biases[l]) if exact else (W, b)
        Ws.append(src[0][:rows])
        bs.append(src[1][:rows])
        used += rows * W.shape[1]
        if rows < W.shape[0] or used >= terms:
            break
    if len(Ws) == network.L and Ws[-1].shape[0] == network.weights[-1].shape[0]:
        return network
    if exact:
        return Network.from_exact(Ws, bs, box=network.box)
    return Network(Ws, bs, box=network.box)


def estimate_regions(network, domain=None, time_limit=60.0, seed=0, progress=None, confidence=0.95,
                     lines=8, slices=4) -> EstimateResult:
    """Every honest answer about the number of activation regions of a network too big to count.

    A child process (the second core) computes the upper bounds, then the certified lower
    bound: it certifies the regions of random points, runs the exact counter, and
    certifies what that found, to the end of the time. Meanwhile the main process computes the upper bounds and
    then, one after the other, the tree probes, the lines, the squares and the parity bound,
    each with its share (:data:`STAGE_WEIGHTS`) of the time left when it starts. When the
    exact count finishes and is certified, it is the answer: the estimate and the
    probabilistic bound are that count. Ctrl-C (KeyboardInterrupt) ends the work and
    returns what was found, with ``complete=False`` and ``incomplete_reason="interrupted"``.

    Parameters
    ----------
    network : Network
        A ReLU network (maxout: the certified count and the bounds only).
    domain : (lo, hi) or None
        A box; default the network's box.
    time_limit : float
        Seconds in all (honoured to within about a second plus one solver call).
    seed : int
        Makes the random parts reproducible.
    progress : callable or None
        Called with dicts ``{"stage", "seconds", "count", ...}`` (``count``: the regions
        certified so far), the form :class:`regionmath.progress.ProgressReport` shows.
    confidence : float
        Of the estimate's interval.
    lines, slices : int
        How many random lines and 2-D squares to count.

    Returns
    -------
    EstimateResult

    Raises
    ------
    RegionmathError
        For a bad time limit or domain.

    See Also
    --------
    regionmath.counting.count_regions : the exact count.
    parity_lower_bound, tree_estimate, line_densities, slice_counts : the parts.

    References
    ----------
    .. [1] D. E. Knuth, Math. Comp. 29 (1975); C. P. Gomes, A. Sabharwal, B. Selman, AAAI 2006;
       T. Serra, S. Ramalingam, AAAI 2020; B. Hanin, D. Rolnick, ICML 2019.
    """
    begin = time.perf_counter()
    if not (isinstance(time_limit, (int, float)) and not isinstance(time_limit, bool) and time_limit > 0):
        raise RegionmathError(f"time limit must be a positive number of seconds, got {time_limit!r}")
    if not 0 < confidence < 1:
        raise RegionmathError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if domain is not None:
        network = network.with_box(*domain)
    T = float(time_limit)
    end = begin + T
    reserve = min(1.0, 0.03 * T)            # for stopping the child and writing the report
    notes, reason = [], None
    relu = network.activation == "relu"
    state = {"count": 0}

    def report(stage, **extra):
        if progress is not None:
            progress({"stage": stage, "seconds": time.perf_counter() - begin, "count": state["count"], **extra})

    def share(stage, done):
        """Seconds for ``stage``: its weight's part of the time left (``done``: stages over)."""
        left = end - reserve - time.perf_counter()
        weights = [w for k, w in STAGE_WEIGHTS.items() if k not in done]
        return max(0.0, left * STAGE_WEIGHTS[stage] / sum(weights))

    empty_est = {"value": None, "interval": None, "confidence": confidence,
                 "method": "tree probes are implemented for relu networks only" if not relu else "not run"}
    est, prob = dict(empty_est), {"value": None, "probability": 0.99, "method": "not run"}
    ld = {"mean": None, "std": None, "lines": 0, "counts": [], "lengths": [], "complete": False}
    sc = {"counts": [], "sides": [], "mean": None, "std": None, "slices": 0, "complete": False}
    arch_upper = weight_upper = None
    certified, exact = 0, False
    counter = None
    done = set()
    try:
        # the child starts first: it needs the whole of its time
        # the child (the second core) computes the upper bounds, then the certified count
        counter = _Counter(network, (0.35 * T, 0.55 * T, T - 2 * reserve), seed)
        # the estimate: two pairs of walks may take up to twice the share (else no interval),
        # but no more than 60% of the time left
        if relu:
            t = share("estimate", done)
            hard = min(2 * t, 0.6 * (end - reserve - time.perf_counter()))
            est = tree_estimate(network, time_limit=max(0.05, t), confidence=confidence, seed=seed,
                                stop=counter.finished, min_pairs=2, hard_limit=max(0.05, hard),
                                progress=lambda i: report("estimate", **{k: i[k] for k in ("pairs", "lps")}))
        done.add("estimate")
        report("estimate", value=est.get("value"))
        if counter.finished():                          # the exact count is in: no parity bound
            done.add("parity")
        # densities: the first line may take twice its share (a line of a 784-256-256 net
        # takes seconds); the squares' side follows from the line density
        t = share("lines", done)
        ld = line_densities(network, lines=lines, time_limit=max(0.05, t), seed=seed, first_time_limit=2 * t)
        done.add("lines")
        report("lines", lines=ld["lines"])
        side = None if not ld.get("mean") else SLICE_CROSSINGS / ld["mean"]
        t = share("slices", done)
        sc = slice_counts(network, slices=slices, time_limit=max(0.05, t), seed=seed, max_side=side,
                          first_time_limit=2 * t)
        done.add("slices")
        report("slices", slices=sc["slices"])
        # the certified lower bound so far (the child goes on certifying to the end)
        counter.finished()
        got = counter.got
        if got is not None:
            certified = int(got[2])
            exact = bool(got[1] and got[3] and got[2] == got[0])
        state["count"] = certified
        report("certified", complete=exact)
        if not exact and "parity" not in done:
            # the probabilistic bound with the time left, on the network's first units when
            # it is wide, from a level whose pass would beat the certified count
            cut = _leading_units(network) if relu else network
            alpha = math.log2(100.0) / 3
            guess = est["interval"][0] if est.get("interval") else max(certified, 1)
            if not math.isfinite(guess):   # an interval end of nan or inf is no starting level
                guess = max(certified, 1)
            start = max(1, min(int(math.floor(math.log2(max(guess, 1.0)))) - 4,
                               math.ceil(math.log2(certified + 1) + alpha) + 1, cut.N))
            try:
                prob = parity_lower_bound(cut, confidence=0.99, trials=3, time_limit=max(0.05, share("parity", done)),
                                          seed=seed, start=start, samples=PARITY_SAMPLES)
                if cut is not network:
                    prob["method"] += f" (on the network's first {cut.N} units: a lower bound for the whole)"
            except RegionmathError as err:
                prob = {"value": None, "probability": 0.99, "method": str(err), "complete": False}
            done.add("parity")
            report("probabilistic", value=prob.get("value"))
    except KeyboardInterrupt:
        reason = "interrupted"
        notes.append("interrupted")
    finally:
        if counter is not None and not exact:
            # a second for the child's upper bounds if they are not in yet
            got = counter.result(deadline=time.perf_counter() + (1.0 if counter.bounds is None else 0.0))
            if got is not None and int(got[2]) > certified:
                certified = int(got[2])
                exact = bool(got[1] and got[3] and got[2] == got[0])
    if counter is not None and counter.bounds is not None:
        arch_upper, weight_upper = counter.bounds
    elif reason is None:                           # the child failed: the parent computes them
        arch_upper, weight_upper = _upper_bounds(network)
    upper = min([v["value"] for v in (arch_upper, weight_upper) if v and v.get("value") is not None], default=None)
    if upper is not None and est.get("value") is not None:        # the count is at most the proved bounds
        est["value"] = min(est["value"], to_float(upper))
        if est.get("interval") is not None:
            est["interval"] = [min(v, to_float(upper)) for v in est["interval"]]
    # the box has an interior, so some region has one: one region needs no certificate
    certified = max(certified, 1)
    if exact:
        est = {"value": float(certified), "interval": [float(certified)] * 2, "confidence": 1.0,
               "method": "exact count"}
        prob = {"value": certified, "probability": 1.0, "method": "exact count"}
        ld["complete"] = sc["complete"] = True
    else:
        notes.append("the exact count did not finish in its share of the time")
        if est.get("interval") is not None:      # the count is at least the certified one
            est["interval"] = [max(v, float(certified)) for v in est["interval"]]
            est["value"] = max(est["value"], float(certified))
        elif relu:
            notes.append("too few tree probes for an interval")
        if ld["lines"] < lines:
            notes.append(f"{ld['lines']} of {lines} lines counted in time")
        if sc["slices"] < slices:
            notes.append(f"{sc['slices']} of {slices} squares counted in time")
        if prob.get("value") is None:
            notes.append("no parity level passed in time")
        elif prob["value"] <= certified:
            notes.append("the parity bound did not beat the certified count")
    complete = exact or (reason is None and est.get("interval") is not None and ld["complete"] and sc["complete"]
                         and prob.get("complete", True) and prob.get("value") is not None)
    if not complete and reason is None:
        reason = "time-limit"
    return EstimateResult(certified, prob, est, weight_upper or {"id": "serra2020-weights", "value": None,
                                                                 "reason": "interrupted"},
                          arch_upper, ld, sc, time.perf_counter() - begin, bool(complete), notes, reason)
