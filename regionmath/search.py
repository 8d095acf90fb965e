"""Searching for networks with many linear regions: best-known counts for small architectures.

The published bounds bracket the maximal number of activation regions of an architecture:
an upper bound (the smallest applicable registry entry, :func:`regionmath.bounds.tightest_upper`)
and a lower bound realised by a construction (:func:`regionmath.bounds.best_lower`). For small
architectures the gap can be probed directly: search over the weights for a network with
as many regions as possible, and count them exactly. A count that meets the upper bound
*settles* the maximum; a count above the best published lower bound *beats* it.

What is counted is the number of activation regions in all of ``R^n0`` (the bounds are
statements about ``R^n0``), by the exact enumerator in its unbounded mode
(:func:`count_in_rn0`). The MILP of Serra et al. cannot count there: its big-M constants
need a bounded domain.

The search (:func:`search_max_regions`) is a restarted stochastic hill-climb with a little
annealing; every step is one exact enumeration, so the objective is an integer and no
gradient or surrogate is used. Moves are local and geometric (the table :data:`MOVES`, one
function each; the climb's state is :class:`_Climb`):

* *re-anchor*: move one unit's hyperplane (maxout: one piece's tie) so that it passes
  through a point of an existing region, as seen by its layer -- the move that makes a
  later layer cut regions of the earlier ones;
* *jitter*: a Gaussian perturbation of one unit's weights and bias, at one of several scales;
* *shake*: a small perturbation of a whole layer.

Restarts alternate between fresh data-anchored random networks and kicks of the best
network found; by default the published constructions that apply to the architecture
(:mod:`regionmath.constructions`) are the first starting points. The best network is then
normalised (each unit's incoming weights scaled to at most 1 in absolute value, the next
layer compensating, which changes no region), rounded to short rationals (few significant bits)
until the count survives, and recounted with every witness certified in exact arithmetic.

The best network found for each small architecture is stored by :mod:`regionmath.records`,
which also recounts the stored networks against the bounds.

Examples
--------
Three lines in general position cut the plane into ``Phi(3, 2) = 7`` regions; the search
reaches that maximum (the exact ``zaslavsky`` entry) at once:

>>> from regionmath import Architecture
>>> result = search_max_regions(Architecture(2, (3,)), time_limit=20, seed=0, use_constructions=False)
>>> result.count, result.certified, result.settled
(7, True, True)

Counting in ``R^n0``, certified:

>>> from regionmath.network import Network
>>> count_in_rn0(Network.from_exact([[[1], [1]]], [[0, "-1/2"]])).count
3

References
----------
.. [1] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and Counting Linear Regions of
   Deep Neural Networks", ICML 2018 (Thm 1: the upper bound; the exact 1-D maximum; Sec. 4:
   counting).
.. [2] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the Number of Linear Regions of Deep
   Neural Networks", NIPS 2014 (Thm 4: the folding lower bound; Thm 8: maxout).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .architecture import Architecture
from .counting.line import LINE_GAP, count_line_float, line_breakpoints, line_points  # noqa: F401
from .errors import RegionmathError
from .exact import round_to_bits

# -- counting in all of R^n0 ---------------------------------------------------------------------
def count_in_rn0(network, method="enumerate", time_limit=None, progress=None, certify=True, collect=True,
                 definition="interior"):
    """Count the activation regions of ``network`` in all of ``R^n0`` (its box is ignored);
    ``definition="pieces"``: the linear regions of its function (:mod:`regionmath.counting.pieces`).

    :func:`regionmath.counting.count_regions` with ``domain="R^n0"``.

    Parameters
    ----------
    network : Network
    method : {"enumerate", "line"}
        The enumerator counts in ``R^n0``; "line" (``n0 = 1`` only) finds the exact
        breakpoints on the line (:func:`regionmath.counting.line.count_line`), with the same
        exact certificate. The MILP of Serra et al. (2018, Sec. 4) needs a bound ``M`` on
        every pre-activation, which exists only on a bounded domain, and brute force shares
        its LPs with a box: any other method raises RegionmathError.
    time_limit : float or None
        Seconds; when reached the result has ``complete=False`` (a lower bound).
    progress : callable or None
        Passed to the counter.
    certify : bool
        Check every witness in exact arithmetic and that the patterns are distinct; then
        ``certified`` is True and ``count`` is a proved lower bound on the regions.
    collect : bool
        Keep the regions (needed to certify).

    Returns
    -------
    CountResult
        With ``info["domain"] == "R^n0"``.

    References
    ----------
    .. [1] T. Serra, C. Tjandraatmadja, S. Ramalingam, ICML 2018, Sec. 4 (the MILP and its
       bounded domain).
    """
    from .counting import RN0, count_regions
    if method == "line":
        if network.n0 != 1:
            raise RegionmathError(f"method 'line' counts networks on R^1 only, got a {network.architecture} network")
        return count_regions(network, domain=RN0, method="line", time_limit=time_limit, progress=progress,
                             certify=certify, definition=definition)
    if method != "enumerate":
        raise RegionmathError(f"counting in all of R^n0 needs method 'enumerate' or 'line' (got {method!r}): the "
                              "MILP's big-M constants and the brute-force LPs need a bounded box")
    return count_regions(network, domain=RN0, method="enumerate", time_limit=time_limit, progress=progress,
                         certify=certify, jobs=1, collect=collect or certify or definition == "pieces",
                         definition=definition)


def certify_rn0(network, regions) -> bool:
    """Exact certificate for regions counted in ``R^n0``: every witness passes
    :func:`regionmath.counting.certify.certify_regions` with no box, and no pattern repeats."""
    from .counting.certify import certify_regions
    return certify_regions(network, regions, bounded=False) and regions.distinct()


def rn0_method(arch) -> str:
    """The counter of R^n0 for ``arch``: the exact line counter for relu with one input (no LP),
    else the enumerator."""
    return "line" if arch.n0 == 1 and arch.activation == "relu" else "enumerate"


# -- the search ------------------------------------------------------------------------------------
@dataclass
class SearchResult:
    """The best network a search found.

    ``count`` is the certified number of regions in ``R^n0`` of ``network`` (exact rational
    weights); ``float_count`` the count of the float network before rounding. ``complete`` is
    False when the time limit (or an interruption) stopped the search before its evaluation
    budget was spent or the upper bound reached: the result is then the best so far.
    ``settled`` is True when ``count`` meets the tightest published upper bound.
    """

    architecture: Architecture
    network: object
    count: int
    certified: bool
    complete: bool
    settled: bool
    upper: Optional[tuple] = None          # (bound id, value) or None
    float_count: int = 0
    evaluations: int = 0
    restarts: int = 0
    seconds: float = 0.0
    seed: int = 0
    origin: str = ""                       # "random" or "construction:<id>"
    bits: int = 0                          # significant bits of the rounding that kept the count
    history: list = field(default_factory=list)   # (evaluation, seconds, best) at each improvement
    #: why the search stopped: "settled" (the upper bound was met), "evaluations" (the budget
    #: was spent), "time-limit" or "interrupted"
    stop_reason: str = ""
    undecided: int = 0                     # candidates skipped: an LP of their count was undecided

    def as_dict(self) -> dict:
        return {"architecture": str(self.architecture), "n0": self.architecture.n0,
                "widths": list(self.architecture.widths), "activation": self.architecture.activation,
                "rank": self.architecture.rank, "count": str(self.count), "certified": self.certified,
                "complete": self.complete, "settled": self.settled,
                "upper": None if self.upper is None else {"id": self.upper[0], "value": str(self.upper[1])},
                "float_count": str(self.float_count), "evaluations": self.evaluations,
                "restarts": self.restarts, "seconds": round(self.seconds, 2), "seed": self.seed,
                "origin": self.origin, "bits": self.bits, "stop_reason": self.stop_reason,
                "undecided_candidates": self.undecided}


def _check_arch(arch):
    if not isinstance(arch, Architecture):
        raise RegionmathError(f"search needs an Architecture, got {type(arch).__name__}")


def _make_network(arch, params):
    from .network import Network
    return Network([W for W, _ in params], [b for _, b in params], arch.activation, arch.rank)


#: networks with a region only found beyond this distance are refused by the search: float
#: witnesses out there lose the precision the exact certificate needs (a float at 1e12 is
#: only known to 1e-4), and the inputs can always be rescaled to keep the regions near
WITNESS_CAP = 1e5


class _Objective:
    """The float count of a parameter list in R^n0 (exact enumeration, no certification)."""

    def __init__(self, arch, deadline, definition="interior"):
        self.arch, self.deadline, self.evaluations, self.failures = arch, deadline, 0, 0
        self.definition = definition
        self.undecided = 0   # candidates skipped because HiGHS left one of their LPs undecided

    def __call__(self, params):
        from .counting.parallel import count_enumerate
        left = None if self.deadline is None else self.deadline - time.time()
        if left is not None and left <= 0:
            raise _OutOfTime()
        self.evaluations += 1
        if self.arch.n0 == 1 and self.arch.activation == "relu" and self.definition != "pieces":
            count, points = _count_line_relu(params)
            if np.abs(points).max() > WITNESS_CAP:
                self.failures += 1
                return -1, np.zeros((0, 1))
            return count, points
        try:
            res = count_enumerate(_make_network(self.arch, params), time_limit=left, jobs=1, unbounded=True,
                                  collect=True)
        except RuntimeError:  # the LP solver gave up on a numerically nasty network: skip it
            self.failures += 1
            return -1, np.zeros((0, self.arch.n0))
        if not res.complete:
            if res.incomplete_reason == "interrupted":
                raise KeyboardInterrupt
            if res.incomplete_reason == "time-limit":
                raise _OutOfTime()
            # an LP the solver could not decide (a near-degenerate candidate): its count is
            # only a lower bound, so the candidate is skipped and the search goes on
            self.undecided += 1
            self.failures += 1
            return -1, np.zeros((0, self.arch.n0))
        wit = np.asarray(res.regions.witnesses, dtype=float).reshape(-1, self.arch.n0)
        if len(wit) and np.abs(wit).max() > WITNESS_CAP:
            self.failures += 1
            return -1, np.zeros((0, self.arch.n0))
        if self.definition == "pieces":   # the function's pieces, joined in floats (certified at the end)
            from .counting.pieces import pieces_of_regions
            joined = pieces_of_regions(_make_network(self.arch, params), res.regions.patterns, unbounded=True,
                                       certify=False, witnesses=wit)
            return joined["count"], wit
        return res.count, wit


class _OutOfTime(Exception):
    pass


# the float line counter of the objective (and its names, kept for records/ and bench/)
_line_breakpoints, _line_points, _count_line_relu = line_breakpoints, line_points, count_line_float


def _best_offset_line(arch, params, l, r, rng):
    """The bias of relu unit ``r`` of layer ``l`` on R^1 whose zero level crosses the most
    pieces of the piecewise-linear function ``W_r . h_{l-1}`` (a one-dimensional stabbing
    problem over the intervals of the earlier layers); ties broken at random."""
    W = params[l][0][r]
    bps = _line_breakpoints(params[:l]) if l else np.empty(0)
    pts = np.r_[bps, _line_points(bps)[[0, -1]]]   # the breakpoints, then a point on each ray
    h = pts[:, None]
    for Wp, bp in params[:l]:
        h = np.maximum(h @ Wp.T + bp, 0)
    g = h @ W
    if not len(bps):
        return -g[0] + rng.normal(), int(np.any(W != 0))
    gb, g_left, g_right = g[:-2], g[-2], g[-1]
    lo, hi = np.minimum(gb[:-1], gb[1:]), np.maximum(gb[:-1], gb[1:])
    levels = np.unique(np.r_[gb, g_left, g_right])
    cand = np.r_[levels[0] - 1, (levels[:-1] + levels[1:]) / 2, levels[-1] + 1]
    hits = ((cand[:, None] > lo) & (cand[:, None] < hi)).sum(axis=1)
    hits += (g_left < gb[0]) & (cand < gb[0]) & (cand > g_left) | (g_left > gb[0]) & (cand > gb[0]) & (cand < g_left)
    hits += (g_right < gb[-1]) & (cand < gb[-1]) & (cand > g_right) | (g_right > gb[-1]) & (cand > gb[-1]) & (cand < g_right)
    best = np.flatnonzero(hits == hits.max())
    i = int(rng.choice(best))
    # a random level inside the chosen gap between critical values
    below = levels[i - 1] if i > 0 else levels[0] - 2
    above = levels[i] if i < len(levels) else levels[-1] + 2
    return -(below + (above - below) * rng.uniform(0.2, 0.8)), int(hits.max())


def _best_unit_line(arch, params, l, r, rng, tries=16):
    """Relu unit ``r`` of layer ``l`` on R^1 remade: among ``tries`` random directions (and
    the current one, perturbed), the one whose best offset crosses the most pieces."""
    W = params[l][0]
    best = None
    for t in range(tries):
        w = rng.normal(size=W.shape[1]) if t % 2 else W[r] + rng.normal(scale=0.3 * (np.abs(W[r]).max() + 1e-9),
                                                                        size=W.shape[1])
        trial = [(Wp, bp) for Wp, bp in params]
        Wt = W.copy()
        Wt[r] = w
        trial[l] = (Wt, params[l][1])
        b, hits = _best_offset_line(arch, trial, l, r, rng)
        if best is None or hits > best[0]:
            best = (hits, w, b)
    return best[1], best[2]


def _layer_inputs(arch, params, X):
    """The input of every layer at the points X (rows), as a list of arrays."""
    outs, h = [], X
    for W, b in params:
        outs.append(h)
        z = h @ W.T + b
        h = np.maximum(z, 0) if arch.activation == "relu" else z.reshape(len(z), -1, arch.rank).max(axis=2)
    return outs


def _random_params(arch, rng, points):
    """A random network whose every hyperplane passes through the image of a random point
    (so each unit cuts where the inputs are, layer after layer)."""
    params = []
    h = points
    sizes = arch.layer_sizes
    k = arch.rank
    for l in range(arch.L):
        rows = sizes[l + 1] * k
        W = rng.normal(size=(rows, sizes[l]))
        anchor = h[rng.integers(len(h), size=rows)]
        b = -(W * anchor).sum(axis=1) + rng.normal(scale=0.05, size=rows)
        params.append((W, b))
        z = h @ W.T + b
        h = np.maximum(z, 0) if arch.activation == "relu" else z.reshape(len(z), -1, k).max(axis=2)
    return params


def _sample_points(arch, rng, m=64):
    return rng.normal(size=(m, arch.n0))


def _copy(params):
    return [(W.copy(), b.copy()) for W, b in params]


#: the relative sizes of a jitter, drawn at random for each move: coarse moves escape a
#: plateau, fine ones settle a near-degenerate arrangement
JITTER_SCALES = (0.3, 0.1, 0.03, 0.01)


def _line_relu(arch):
    return arch.n0 == 1 and arch.activation == "relu"


def _move_line_cascade(arch, params, p, l, r, rng, anchors, scale):
    """Move one unit, then let every later unit answer with its best direction and offset."""
    W, b = p[l]
    W[r] += rng.normal(scale=scale * (np.abs(W[r]).max() + 1e-9), size=W.shape[1])
    b[r] = _best_offset_line(arch, p, l, r, rng)[0]
    for m in range(l + 1, arch.L):
        for u in rng.permutation(arch.widths[m]):
            p[m][0][u], p[m][1][u] = _best_unit_line(arch, p, m, u, rng, tries=6)


def _move_line_best_unit(arch, params, p, l, r, rng, anchors, scale):
    """The unit's best direction and offset on the line (:func:`_best_unit_line`)."""
    p[l][0][r], p[l][1][r] = _best_unit_line(arch, params, l, r, rng)


def _move_line_best_offset(arch, params, p, l, r, rng, anchors, scale):
    """The unit's offset crossing the most pieces of its input (:func:`_best_offset_line`)."""
    p[l][1][r] = _best_offset_line(arch, params, l, r, rng)[0]


def _move_turn(arch, params, p, l, r, rng, anchors, scale):
    """Turn a relu unit round: the same hyperplane, the other side on."""
    W, b = p[l]
    W[r], b[r] = -W[r], -b[r]


def _move_clone(arch, params, p, l, r, rng, anchors, scale):
    """Clone another unit's direction with an offset through a point: a layer reuses a
    direction that already cuts many regions of the layers below."""
    W, b = p[l]
    k = arch.rank
    u, v = divmod(r, k)[0], int(rng.integers(arch.widths[l] - 1))
    v += v >= u
    H = _layer_inputs(arch, params, anchors[rng.integers(len(anchors), size=2)])[l]
    rows = slice(u * k, u * k + k)
    W[rows] = W[v * k:v * k + k] * (1 + rng.normal(scale=scale, size=(k, W.shape[1])))
    if arch.activation == "relu":  # through the point
        b[r] = -W[r] @ H[0]
    else:  # the other unit translated by the difference of two points
        b[rows] = b[v * k:v * k + k] - W[rows] @ (H[0] - H[1])


def _move_reanchor(arch, params, p, l, r, rng, anchors, scale):
    """Re-anchor: the unit's hyperplane (maxout: a tie of this piece with another) through a
    point of an existing region, as its layer sees it, nudged off it."""
    W, b = p[l]
    h = _layer_inputs(arch, params, anchors[rng.integers(len(anchors), size=1)])[l][0]
    if arch.activation == "relu":
        b[r] = -W[r] @ h
    else:
        u, k = divmod(r, arch.rank)
        other = u * arch.rank + int((k + 1 + rng.integers(arch.rank - 1)) % arch.rank)
        b[r] = (W[other] - W[r]) @ h + b[other]
    b[r] += rng.normal(scale=1e-3 * (1 + abs(b[r])))   # off the point: it must not sit on a boundary


def _move_jitter(arch, params, p, l, r, rng, anchors, scale):
    """A Gaussian perturbation of one unit's weights and bias, relative to their size."""
    W, b = p[l]
    mag = np.abs(W[r]).max() + 1e-9
    W[r] += rng.normal(scale=scale * mag, size=W.shape[1])
    b[r] += rng.normal(scale=scale * (mag + abs(b[r])))


def _move_shake(arch, params, p, l, r, rng, anchors, scale):
    """A small perturbation of a whole layer (a tenth of a jitter)."""
    W, b = p[l]
    mag = np.abs(W).max() + 1e-9
    W += rng.normal(scale=0.1 * scale * mag, size=W.shape)
    b += rng.normal(scale=0.1 * scale * (mag + np.abs(b)), size=b.shape)


#: the hill-climb's moves, in order: a uniform draw ``u`` picks the first move whose
#: ``u < below`` and whose condition holds. Relu networks on the line get their exact moves
#: 35% of the time; otherwise re-anchoring (about 30%) and jitter (30%) dominate. The
#: probabilities were tuned on the records run (bench/bench_search.md).
MOVES = (
    ("line-cascade", 0.10, lambda arch, l, anchors: _line_relu(arch) and l + 1 < arch.L, _move_line_cascade),
    ("line-best-unit", 0.20, lambda arch, l, anchors: _line_relu(arch), _move_line_best_unit),
    ("line-best-offset", 0.35, lambda arch, l, anchors: _line_relu(arch), _move_line_best_offset),
    ("turn", 0.10, lambda arch, l, anchors: arch.activation == "relu", _move_turn),
    ("clone", 0.25, lambda arch, l, anchors: arch.widths[l] > 1 and len(anchors) > 0, _move_clone),
    ("re-anchor", 0.55, lambda arch, l, anchors: len(anchors) > 0, _move_reanchor),
    ("jitter", 0.85, lambda arch, l, anchors: True, _move_jitter),
    ("shake", 1.00, lambda arch, l, anchors: True, _move_shake),
)


def _mutate(arch, params, rng, anchors):
    """One local move of :data:`MOVES` on one unit of a random layer (a copy of ``params``)."""
    p = _copy(params)
    l = int(rng.integers(arch.L))
    r = int(rng.integers(p[l][0].shape[0]))
    u = rng.random()
    scale = float(rng.choice(JITTER_SCALES))
    for _, below, applies, move in MOVES:
        if u < below and applies(arch, l, anchors):
            move(arch, params, p, l, r, rng, anchors, scale)
            break
    return p


def _kick(arch, params, rng, anchors):
    p = params
    for _ in range(1 + int(rng.integers(arch.N))):
        p = _mutate(arch, p, rng, anchors)
    return p


def _construction_seeds(arch):
    """(id, float params) of every published construction that applies to ``arch``."""
    from .constructions import REGISTRY, build
    seeds = []
    for cid in sorted(REGISTRY):
        try:
            c = build(cid, arch)
        except RegionmathError:
            continue
        net = c.network
        if net.widths != arch.widths or net.activation != arch.activation or net.rank != arch.rank:
            continue
        seeds.append((cid, [(W.copy(), b.copy()) for W, b in zip(net.weights, net.biases)]))
    return seeds


def search_max_regions(arch, time_limit=60.0, seed=0, max_evals=None, use_constructions=True,
                       progress=None, patience=None, temperature=0.02, kick=0.3,
                       definition="interior") -> SearchResult:
    """Search the weights of ``arch`` for a network with as many regions in ``R^n0`` as possible.

    A restarted hill-climb with annealing over exact region counts (module docstring). It
    stops at the tightest published upper bound (the maximum is then settled), at
    ``max_evals`` evaluations, or at the time limit; the best network is rounded to
    rationals and its count certified in exact arithmetic.

    Parameters
    ----------
    arch : Architecture
        ReLU or maxout.
    time_limit : float or None
        Seconds for the search (the final rounding and certification come on top; they are
        short for the architectures this is meant for). None: no limit (give ``max_evals``).
    seed : int
        Seed of the random generator: the same seed and budget give the same search.
    max_evals : int or None
        Budget of count evaluations.
    use_constructions : bool
        Start from the published constructions that apply (then random restarts).
    progress : callable or None
        Called after each improvement and every few seconds with a dict ``evaluations``,
        ``best``, ``current``, ``restarts``, ``seconds``, ``upper``.
    patience : int or None
        Evaluations without improvement before a restart (default ``40 + 10 N``).
    kick : float
        The probability that a restart kicks the best network instead of starting afresh.
    temperature : float
        Annealing: a move losing a fraction ``f`` of the current count is accepted with
        probability ``exp(-f / temperature)``.
    definition : {"interior", "pieces"}
        Maximise the activation regions, or the linear regions of the function (Montúfar
        2014's definition; the search then stops at the tightest upper bound proved for
        pieces, and the result's ``count`` is its certified number of pieces).

    Returns
    -------
    SearchResult

    References
    ----------
    .. [1] T. Serra, C. Tjandraatmadja, S. Ramalingam, ICML 2018, Thm 1 (the upper bound the
       search stops at) and Sec. 4 (what is counted).
    """
    from . import bounds
    _check_arch(arch)
    if time_limit is None and max_evals is None:
        raise RegionmathError("a search needs a budget: give a time limit and/or a number of evaluations")
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise RegionmathError(f"time limit must be a positive number of seconds, got {time_limit!r}")
    if max_evals is not None and (isinstance(max_evals, bool) or not isinstance(max_evals, int) or max_evals < 1):
        raise RegionmathError(f"max_evals must be a positive integer, got {max_evals!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise RegionmathError(f"seed must be a non-negative integer, got {seed!r}")
    if definition not in ("interior", "pieces"):
        raise RegionmathError(f"the search maximises definition 'interior' or 'pieces', got {definition!r}")
    upper = bounds.tightest_upper(arch, "pieces" if definition == "pieces" else "activation regions")
    climb = _Climb(arch, None if upper is None else upper[1], time_limit, max_evals, progress, definition)
    rng = np.random.default_rng(int(seed))
    patience = patience or (40 + 10 * arch.N)   # a run gets more tries the more units it can move
    objective = climb.objective
    starts = []
    complete = True
    stop_reason = None
    try:
        # every construction is counted first; the climbs start from the best of them
        for cid, params in (_construction_seeds(arch) if use_constructions else []):
            if climb.done():
                break
            c, a = objective(params)
            climb.consider(c, params, a, f"construction:{cid}")
            starts.append((c, cid, params))
        starts.sort(key=lambda t: -t[0])
        while not climb.done():
            # a starting point: the next construction, a random network, or a kick of the best
            if starts:
                _, cid, params = starts.pop(0)
                origin = f"construction:{cid}"
            elif climb.best_params is not None and rng.random() < kick:
                params, origin = _kick(arch, climb.best_params, rng, climb.best_anchors), climb.best_origin
            else:
                params, origin = _random_params(arch, rng, _sample_points(arch, rng)), "random"
            climb.restarts += 1
            cur, anchors = objective(params)
            climb.consider(cur, params, anchors, origin)
            run_best, stale = cur, 0
            while stale < patience and not climb.done():
                cand = _mutate(arch, params, rng, anchors)
                c, a = objective(cand)
                climb.current = c
                if c > run_best:
                    run_best, stale = c, 0
                else:
                    stale += 1
                if c >= cur or rng.random() < math.exp((c - cur) / (temperature * max(cur, 1))):
                    params, cur, anchors = cand, c, a
                    if max(np.abs(W).max() for W, _ in params) > RESCALE_ABOVE:
                        params = _normalise(arch, params)
                    climb.consider(c, cand, a, origin)
                climb.report()
    except _OutOfTime:
        complete, stop_reason = False, "time-limit"
    except KeyboardInterrupt:
        complete, stop_reason = False, "interrupted"
    if climb.best_params is None:
        if stop_reason == "interrupted":
            raise KeyboardInterrupt
        raise RegionmathError(f"the time limit ({time_limit} s) ended the search before one network was counted; "
                              "give more time")
    if not climb.done():
        complete = False
    if stop_reason is None:
        stop_reason = "settled" if climb.target is not None and climb.best_count >= climb.target else "evaluations"
    seconds = time.time() - climb.start
    network, count, certified, bits = exact_network(arch, climb.best_params, climb.best_count, definition)
    settled = bool(certified and climb.target is not None and count >= climb.target)
    return SearchResult(architecture=arch, network=network, count=count, certified=certified,
                        complete=complete or settled, settled=settled,
                        upper=None if upper is None else (upper[0].id, upper[1]), float_count=climb.best_count,
                        evaluations=objective.evaluations, restarts=climb.restarts, seconds=seconds,
                        seed=int(seed), origin=climb.best_origin, bits=bits, history=climb.history,
                        stop_reason=stop_reason, undecided=objective.undecided)


#: weights larger than this are scaled back (:func:`_normalise`, which changes no region):
#: repeated jitters drift the scales apart, and the LPs lose precision on badly scaled rows
RESCALE_ABOVE = 1e3


class _Climb:
    """The state of one search: the best network so far, the budget, the progress reports."""

    def __init__(self, arch, target, time_limit, max_evals, progress, definition="interior"):
        self.start = time.time()
        self.target, self.max_evals, self.progress = target, max_evals, progress
        self.objective = _Objective(arch, None if time_limit is None else self.start + float(time_limit),
                                    definition)
        self.best_count, self.best_params, self.best_origin, self.best_anchors = -1, None, "", None
        self.restarts, self.current, self.last_report = 0, 0, 0.0
        self.history = []            # (evaluation, seconds, best) at each improvement

    def done(self) -> bool:
        """The budget is spent or the upper bound is reached."""
        return (self.max_evals is not None and self.objective.evaluations >= self.max_evals) or \
            (self.target is not None and self.best_count >= self.target)

    def consider(self, count, params, anchors, origin):
        """Keep ``params`` when it beats the best count."""
        if count > self.best_count:
            self.best_count, self.best_params, self.best_origin, self.best_anchors = count, params, origin, anchors
            self.history.append((self.objective.evaluations, round(time.time() - self.start, 3), count))
            self.report(force=True)

    def report(self, force=False):
        """Call ``progress`` after an improvement and at most once a second otherwise."""
        if self.progress is None:
            return
        now = time.time()
        if force or now - self.last_report >= 1.0:
            self.last_report = now
            self.progress({"evaluations": self.objective.evaluations, "best": self.best_count,
                           "current": self.current, "restarts": self.restarts, "seconds": now - self.start,
                           "upper": self.target})


# -- rounding to rationals -------------------------------------------------------------------------
def _normalise(arch, params):
    """Scale each unit's incoming weights (all its pieces, for maxout) to max |entry| = 1 and
    divide the next layer's column by the same positive factor: relu and maxout commute with
    positive scaling, so the pattern of every input is unchanged."""
    p = _copy(params)
    k = arch.rank
    for l in range(arch.L):
        W, b = p[l]
        for u in range(arch.widths[l]):
            rows = slice(u * k, u * k + k)
            c = max(np.abs(W[rows]).max(), np.abs(b[rows]).max())
            if c > 0:
                W[rows] /= c
                b[rows] /= c
                if l + 1 < arch.L:
                    p[l + 1][0][:, u] *= c
    return p


_round_bits = round_to_bits   # the name tests and records/ use


#: the significant bits tried when rounding, shortest first
ROUNDING_BITS = (2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 53)


def exact_network(arch, params, float_count=None, definition="interior"):
    """Round float weights to short rationals -- ``j`` significant bits for ``j`` in
    :data:`ROUNDING_BITS`, after normalising -- until the count in R^n0 reaches
    ``float_count``, then certify; returns ``(network, certified count, certified, bits)``
    for the first rounding that keeps the count (else the best one tried).

    Relative (not fixed-denominator) rounding, because searched networks mix scales: a unit
    whose breakpoint lies far out has a tiny slope next to its bias. 53 bits is the float
    itself (floats are dyadic rationals), so the count survives at the latest there."""
    from .network import Network
    p = _normalise(arch, params)
    tried = []
    for bits in ROUNDING_BITS:
        Wq = [[[round_to_bits(float(v), bits) for v in row] for row in W] for W, _ in p]
        bq = [[round_to_bits(float(v), bits) for v in b] for _, b in p]
        net = Network.from_exact(Wq, bq, arch.activation, arch.rank)
        try:
            if definition == "pieces":   # certified pieces (every region and every join proved)
                res = count_in_rn0(net, method=rn0_method(arch), definition="pieces")
                if res.complete and res.certified:
                    tried.append((res.count, -bits, net, res))
                    if float_count is None or res.count >= float_count:
                        break
                continue
            res = count_in_rn0(net, method=rn0_method(arch), certify=False)
        except RuntimeError:  # the LP solver gave up on this rounding: try the next one
            continue
        if not res.complete:
            continue
        tried.append((res.count, -bits, net, res))
        if float_count is None or res.count >= float_count:
            break
    for count, neg_bits, net, res in sorted(tried, key=lambda t: (t[0], t[1]), reverse=True):
        if definition == "pieces":
            return net, count, True, -neg_bits
        if certify_rn0(net, res.regions) and len(res.regions) == count:
            return net, count, True, -neg_bits
    raise RegionmathError("no rounding of the network could be counted and certified")
