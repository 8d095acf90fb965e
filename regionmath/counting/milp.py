"""Counting regions with a mixed-integer program and SCIP's counting mode.

Serra, Tjandraatmadja and Ramalingam (2018, Sec. 4) write the network as a MILP whose binary
variables are the activation pattern: for each relu unit ``i``

    W_i h + b_i = h_i - hbar_i,   0 <= h_i <= M_i z_i,   0 <= hbar_i <= Mbar_i (1 - z_i),
    z_i in {0, 1},

with the input ``x`` ranging over the box; the regions are the distinct ``z`` for which
the margin ``f = min over active units of h_i`` can be positive. Their number is the number
of distinct binary vectors with a feasible continuous completion once ``f > 0`` is imposed,
which is exactly what SCIP's counting mode counts (``setParamsCountsols``, ``count``). The
vectors themselves come back through SCIP's collected sparse solutions
(``SCIPgetCountedSparseSols``, reached with ctypes: pyscipopt does not wrap it), one search
tree, no re-solving.

How this module builds it:

* ``M_i``, ``Mbar_i`` come from :func:`regionmath.counting.propagation.lp_bounds` (interval
  arithmetic tightened by LPs over the earlier layers), never from a guessed constant; units
  that are stably active or inactive on the box get no binary.
* The input is mapped to ``[-1, 1]^n0`` and every unit is rescaled so that its bounds lie in
  ``[-1, 1]`` (positive rescaling does not change any pattern), so the strictness margin
  ``eps`` means the same for every network, whatever the scale of its weights. SCIP's
  feasibility tolerance is tightened from its default 1e-6 to :data:`FEASTOL` = 1e-8 and
  ``eps`` (:data:`EPS`) is ten times that: at the default (1e-6 and 1e-5) thin regions were
  lost on the random test set (1 of 88 regions on one network, 8 of 11,567 on a random
  8-input (8, 8) network).
* Maxout units (rank ``k``): one binary per piece, ``sum_r y_r = 1``, ``h >= z_r``,
  ``h <= z_r + (max_j hi_j - lo_r)(1 - y_r)``; the chosen piece beats the lower-indexed
  pieces by ``eps`` (ties go to the lowest index), which mirrors relu (pieces ``0`` and ``z``).

What the MILP accepts is the "semi-closed" set of Serra's printed formulation: active units
``>= eps``, inactive units ``<= 0`` (closed). On degenerate networks that includes patterns
whose region is flat (units ``x`` and ``-x``: the pattern (0, 0) at ``x = 0``); a relu unit
that is identically zero on a region must be allowed there, so the inactive side cannot be
made strict inside the MILP. Hence every candidate is confirmed by the witness LP
(:mod:`regionmath.counting.lp`), which also provides the witness point:

* ``definition="interior"``: kept iff the region has non-empty interior (positive margin);
* ``definition="serra2018"`` (relu only): kept iff Serra's set (active strict, inactive
  closed) is non-empty, the count of the formulation as printed.

What can be lost: an interior region on which no point has every active unit above ``eps``
(after rescaling) -- a region thinner than about 1e-7 of the units' ranges. ``recheck=True``
looks for such regions next to the counted ones: it flips every unit of every counted
pattern and tests the flipped pattern by the LP, until nothing new appears. On a generic
network (no facet shared by two units) crossing a facet flips exactly one unit and the
regions' facet-adjacency graph is connected, so the recheck then finds every region; it
costs about one LP per unit per region.

So SCIP's count cannot prove that it missed nothing, and numerical trouble (weights of very
different scales, near-parallel units) loses more. The contract of every counter holds
anyway: SCIP's own errors (captured from its output) make the count incomplete with the
reason ``solver-failure``, and with ``exhaustive=True`` (the default, interior definition)
the collected set is checked against the enumerator's, whose every dropped branch carries a
proof (:mod:`regionmath.counting.enumerate`): the count is ``complete`` only if SCIP found
every region, else it is incomplete (``solver-failure``) and says so.

Examples
--------
>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1]))   # units x and -x
>>> count_milp(net).count, count_milp(net, definition="serra2018").count
(2, 3)
>>> net = Network.from_exact([[[1, 0], [0, 1], [1, 1]]], [[0, 0, "1/2"]], box=([-1, -1], [1, 1]))
>>> r = count_milp(net); r.count, r.complete, sorted(g.pattern for g in r.regions)[:2]
(7, True, [(0, 0, 0), (0, 0, 1)])
"""

from __future__ import annotations

import ctypes
import glob
import itertools
import os
import time

import numpy as np

from .result import CountResult, Region, RegionArray
from ..errors import RegionmathError
from .lp import MARGIN_TOL, witness_lp
from .solvers import captured_c_stdout
from .propagation import SAFETY, interval_bounds, lp_bounds

from .tolerances import MILP_EPS as EPS, MILP_FEASTOL as FEASTOL, MILP_MIN_RATIO  # the one home of tolerances
#: what to retry with when SCIP reports numerical trouble (the last is SCIP's default)
_LOOSER = [(1e-6, 1e-7), (1e-5, 1e-6)]


# -- the bundled SCIP library, for SCIPgetCountedSparseSols --------------------------------------
_LIB = None


__all__ = ["FEASTOL", "EPS", "count_milp"]


def _scip_lib():
    """The libscip that pyscipopt loaded (the wheel bundles it in pyscipopt.libs)."""
    global _LIB
    if _LIB is None:
        import pyscipopt
        base = os.path.dirname(pyscipopt.__file__)
        paths = sorted(glob.glob(os.path.join(base, "..", "pyscipopt.libs", "libscip*.so*")))
        if not paths:
            raise RegionmathError("cannot find the SCIP library bundled with pyscipopt; "
                                  "method milp needs the pyscipopt wheel (pip install pyscipopt==6.3.0)")
        lib = ctypes.CDLL(paths[0])
        lib.SCIPgetCountedSparseSols.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_void_p)),
                                                 ctypes.POINTER(ctypes.c_int),
                                                 ctypes.POINTER(ctypes.POINTER(ctypes.c_void_p)),
                                                 ctypes.POINTER(ctypes.c_int)]
        lib.SCIPgetCountedSparseSols.restype = None
        lib.SCIPsparseSolGetNVars.argtypes = [ctypes.c_void_p]
        lib.SCIPsparseSolGetNVars.restype = ctypes.c_int
        lib.SCIPsparseSolGetVars.argtypes = [ctypes.c_void_p]
        lib.SCIPsparseSolGetVars.restype = ctypes.POINTER(ctypes.c_void_p)
        for name in ("SCIPsparseSolGetLbs", "SCIPsparseSolGetUbs"):
            getattr(lib, name).argtypes = [ctypes.c_void_p]
            getattr(lib, name).restype = ctypes.POINTER(ctypes.c_longlong)
        lib.SCIPvarGetName.argtypes = [ctypes.c_void_p]
        lib.SCIPvarGetName.restype = ctypes.c_char_p
        lib.SCIPgetNCountedSols.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint)]
        lib.SCIPgetNCountedSols.restype = ctypes.c_longlong
        _LIB = lib
    return _LIB


def _scip_pointer(model):
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    return get(model.to_ptr(False), b"scip")


def _counted_vectors(model, names):
    """Every binary vector SCIP's counting mode collected, as dicts name -> value over ``names``
    (sparse solutions list ranges; they are expanded)."""
    lib = _scip_lib()
    scip = _scip_pointer(model)
    vars_p = ctypes.POINTER(ctypes.c_void_p)()
    sols_p = ctypes.POINTER(ctypes.c_void_p)()
    nvars, nsols = ctypes.c_int(), ctypes.c_int()
    lib.SCIPgetCountedSparseSols(scip, ctypes.byref(vars_p), ctypes.byref(nvars), ctypes.byref(sols_p),
                                 ctypes.byref(nsols))
    out = []
    for s in range(nsols.value):
        sol = sols_p[s]
        n = lib.SCIPsparseSolGetNVars(sol)
        svars = lib.SCIPsparseSolGetVars(sol)
        lbs, ubs = lib.SCIPsparseSolGetLbs(sol), lib.SCIPsparseSolGetUbs(sol)
        keys, ranges = [], []
        for i in range(n):
            name = lib.SCIPvarGetName(svars[i]).decode()
            if name.startswith("t_"):
                name = name[2:]
            keys.append(name)
            ranges.append(range(int(lbs[i]), int(ubs[i]) + 1))
        for values in itertools.product(*ranges):
            out.append(dict(zip(keys, values)))
    return out


def _n_counted(model):
    valid = ctypes.c_uint()
    return int(_scip_lib().SCIPgetNCountedSols(_scip_pointer(model), ctypes.byref(valid)))


# -- the formulation ----------------------------------------------------------------------
class _Formulation:
    """The MILP of a network, normalised; ``fixed`` holds the states of stable units and
    ``binaries`` the (unit, name) of every binary, so patterns can be read back."""

    def __init__(self, network, bounds="lp", eps=EPS, strict=True):
        from pyscipopt import Model, quicksum
        self.network = network
        self.n_units = network.N
        if bounds == "lp":
            zb = lp_bounds(network)
        elif bounds == "interval":
            zb = interval_bounds(network)
        else:
            raise RegionmathError(f"unknown bounds {bounds!r}; allowed: lp, interval")
        lo0, hi0 = network.box
        center, half = (lo0 + hi0) / 2.0, (hi0 - lo0) / 2.0
        m = self.model = Model("regions")
        m.hideOutput()
        u = [m.addVar(f"u{j}", lb=-1.0, ub=1.0) for j in range(network.n0)]
        prev_terms = u           # the previous layer's (rescaled) outputs
        k = network.rank
        self.fixed = {}          # unit index -> state
        self.binaries = {}       # unit index -> [(state, var name)]
        unit0 = 0
        for l, (W, b, (zlo, zhi)) in enumerate(zip(network.weights, network.biases, zb)):
            if l == 0:
                Wu, bu = W * half[None, :], W @ center + b
            else:
                Wu, bu = W / prev_scale[None, :], b
            if strict:
                _check_holdable(Wu[:, [not isinstance(t, float) for t in prev_terms]], l)
            else:   # drop what SCIP would drop anyway, so that the model says what it solves
                A = np.abs(Wu)
                Wu = np.where(A < MILP_MIN_RATIO * A.max(axis=1, keepdims=True, initial=0.0), 0.0, Wu)
            # widen the bounds against rounding, then normalise each unit to [-1, 1]
            widen = SAFETY * np.maximum(np.abs(zlo), np.abs(zhi))
            zlo, zhi = zlo - widen, zhi + widen
            outs, out_scale = [], []
            if network.activation == "relu":
                for i in range(W.shape[0]):
                    s = 1.0 / (max(abs(zlo[i]), abs(zhi[i])) or 1.0)
                    expr = quicksum(float(s * Wu[i, j]) * prev_terms[j] for j in range(len(prev_terms))
                                    if Wu[i, j] != 0 and not isinstance(prev_terms[j], float)) + float(s * bu[i])
                    lo, hi = s * zlo[i], s * zhi[i]
                    unit = unit0 + i
                    if zhi[i] <= 0:                     # never positive: bit 0
                        self.fixed[unit] = 0
                        outs.append(None)
                    elif zlo[i] > 0:                    # always positive: bit 1
                        self.fixed[unit] = 1
                        h = m.addVar(f"h{unit}", lb=lo, ub=hi)
                        m.addCons(h == expr)
                        outs.append(h)
                    else:
                        z = m.addVar(f"z{unit}", vtype="B")
                        h = m.addVar(f"h{unit}", lb=0.0, ub=hi)
                        hbar = m.addVar(f"hbar{unit}", lb=0.0, ub=-lo)
                        m.addCons(h - hbar == expr)
                        m.addCons(h <= hi * z)
                        m.addCons(hbar <= -lo * (1 - z))
                        m.addCons(h >= eps * z)         # active units strictly positive
                        self.binaries[unit] = [(1, z.name)]
                        outs.append(h)
                    out_scale.append(s)
            else:
                for uu in range(W.shape[0] // k):
                    rows = range(uu * k, uu * k + k)
                    s = 1.0 / (max(max(abs(zlo[r]), abs(zhi[r])) for r in rows) or 1.0)
                    exprs = [quicksum(float(s * Wu[r, j]) * prev_terms[j] for j in range(len(prev_terms))
                                      if Wu[r, j] != 0 and not isinstance(prev_terms[j], float)) + float(s * bu[r]) for r in rows]
                    lo, hi = s * zlo[list(rows)], s * zhi[list(rows)]
                    unit = unit0 + uu
                    # a piece below another's lower bound never wins; a later copy of an
                    # identical row never wins either (ties go to the lowest index)
                    alive = []
                    for j, r in enumerate(rows):
                        dup = any(np.array_equal(W[r], W[q]) and b[r] == b[q] for q in rows[:j])
                        if hi[j] >= lo.max() and not dup:
                            alive.append(j)
                    top = float(hi.max())
                    h = m.addVar(f"h{unit}", lb=float(lo.max()), ub=top)
                    for j in range(k):
                        m.addCons(h >= exprs[j])
                    if len(alive) == 1:
                        self.fixed[unit] = alive[0]
                        m.addCons(h <= exprs[alive[0]])
                    else:
                        ys = {}
                        for j in alive:
                            ys[j] = m.addVar(f"y{unit}_{j}", vtype="B")
                            m.addCons(h <= exprs[j] + (top - float(lo[j])) * (1 - ys[j]))
                            for q in (q for q in alive if q < j):   # strictly above lower live pieces
                                big = eps + float(hi[q]) - float(lo[j])
                                m.addCons(exprs[j] >= exprs[q] + eps - big * (1 - ys[j]))
                        m.addCons(quicksum(ys.values()) == 1)
                        self.binaries[unit] = [(j, y.name) for j, y in ys.items()]
                    outs.append(h)
                    out_scale.append(s)
            # the next layer sees h' = s h (stably inactive units: 0)
            prev_scale = np.array(out_scale)
            prev_terms = [o if o is not None else 0.0 for o in outs]
            unit0 += len(outs)

    def pattern(self, values: dict) -> tuple:
        out = []
        for unit in range(self.n_units):
            if unit in self.fixed:
                out.append(self.fixed[unit])
                continue
            states = self.binaries[unit]
            if self.network.activation == "relu":
                out.append(int(values.get(states[0][1], 0)))
            else:
                chosen = [s for s, name in states if values.get(name, 0) == 1]
                out.append(chosen[0] if len(chosen) == 1 else -1)
        return tuple(out)


def _check_holdable(Wu, l):
    """Refuse a layer whose normalised rows SCIP cannot hold: a nonzero coefficient below
    :data:`~regionmath.counting.tolerances.MILP_MIN_RATIO` of its row's largest falls under
    SCIP's epsilon and would be dropped, silently changing the regions."""
    A = np.abs(Wu)
    if not A.size:
        return
    top = A.max(axis=1, keepdims=True)
    tiny = (A > 0) & (A < MILP_MIN_RATIO * top)
    if tiny.any() or not np.isfinite(A).all():
        raise RegionmathError(f"method milp cannot hold layer {l + 1} of this network: its weights span more than "
                              f"{1 / MILP_MIN_RATIO:.0e} within a unit after normalisation, below SCIP's precision; "
                              "use method enumerate (exact at every scale)")


# -- counting -------------------------------------------------------------------------------
def _progress_handler(model, progress, start, every=1.0):
    from pyscipopt import Eventhdlr, SCIP_EVENTTYPE

    class Progress(Eventhdlr):
        last = 0.0

        def eventinit(self):
            self.model.catchEvent(SCIP_EVENTTYPE.NODESOLVED, self)

        def eventexit(self):
            self.model.dropEvent(SCIP_EVENTTYPE.NODESOLVED, self)

        def eventexec(self, event):
            now = time.perf_counter() - start
            if now - self.last >= every:
                self.last = now
                n = _n_counted(self.model)
                progress({"count": n, "seconds": now, "rate": n / now if now > 0 else None,
                          "candidates": n})

    model.includeEventhdlr(Progress(), "regionmath_progress", "reports the running count")


def count_milp(network, time_limit=None, definition="interior", progress=None, eps=EPS, bounds="lp",
               recheck=False, feastol=FEASTOL, exhaustive=True, **options) -> CountResult:
    """Count the activation regions of ``network`` in its box with SCIP's counting mode.

    Parameters
    ----------
    network : Network
    time_limit : float or None
        Seconds in all: two thirds for SCIP's search, the rest for confirming the collected
        patterns by LP; when reached, the regions confirmed so far are returned with
        ``complete=False``.
    definition : {"interior", "serra2018"}
        "interior": patterns whose region has non-empty interior (the toolkit's definition);
        "serra2018" (relu only): active units strict, inactive closed, as printed.
    progress : callable or None
        Called about once a second during the search with ``{"count", "seconds", "rate"}``
        (``count``: candidate patterns so far, before the LP confirmation).
    eps : float
        Strictness margin on the rescaled pre-activations (default :data:`EPS`).
    bounds : {"lp", "interval"}
        How the big-M constants are derived (:mod:`regionmath.counting.propagation`).
    feastol : float
        SCIP's feasibility tolerance (default :data:`FEASTOL`). If SCIP reports numerical
        trouble, the count is redone with looser tolerances (``eps, feastol`` = 1e-6, 1e-7,
        then SCIP's default 1e-5, 1e-6) with ``recheck`` on, and ``info["fallback"]`` is True.
    recheck : bool
        After counting, test every single-unit flip of every counted pattern by the LP
        (repeated until nothing new appears) to catch regions thinner than ``eps``.
    exhaustive : bool
        Prove that SCIP missed no region by comparing with the proved enumeration (default);
        a miss makes the count incomplete with the reason ``solver-failure``. False keeps
        SCIP's own set, complete as far as SCIP knows (``info["exhaustive"]`` is then None).

    Returns
    -------
    CountResult
        ``info`` holds ``candidates`` (vectors SCIP counted), ``rejected`` (candidates the
        LP refused: flat or, rarely, numerically spurious), ``recheck_found``.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, "Bounding and counting linear regions of deep neural
    networks", ICML 2018, Sec. 4 (the MILP; one-tree enumeration of its solutions).
    """
    if definition not in ("interior", "serra2018"):
        raise RegionmathError(f"unknown definition {definition!r}; allowed: interior, serra2018")
    if definition == "serra2018" and network.activation != "relu":
        raise RegionmathError("definition serra2018 is defined for relu networks only; use interior")
    if options:
        raise RegionmathError(f"unknown option(s) for method milp: {', '.join(sorted(options))}; "
                              "allowed: eps, feastol, bounds, recheck, exhaustive")
    if not 0 < eps < 0.5:
        raise RegionmathError(f"eps must lie in (0, 0.5), got {eps!r}")
    if not 1e-9 <= feastol <= 1e-4 or not feastol < eps:
        raise RegionmathError(f"feastol must lie in [1e-9, 1e-4] and below eps, got {feastol!r}")
    start = time.perf_counter()
    fallback, failure = False, None
    for e, f in [(eps, feastol)] + [t for t in _LOOSER if t[1] > feastol]:
        try:
            # with the exhaustive check every miss is caught, so coefficients SCIP cannot hold
            # may be dropped explicitly instead of refusing the network
            strict = not (exhaustive and definition == "interior")
            complete, vectors, candidates, form = _count_vectors(network, bounds, e, f, time_limit, progress, start,
                                                                 strict)
            if _solver_failed(form.solver_messages):
                raise RuntimeError("SCIP: " + form.solver_messages.strip().splitlines()[0])
            failure = None
            break
        except Exception as err:  # noqa: BLE001 - SCIP reports LP trouble as a bare Exception
            if "SCIP" not in str(err):
                raise
            failure = str(err).splitlines()[0][:200]
            if f >= _LOOSER[-1][1]:
                # SCIP failed at every tolerance: what it counted is not a count
                return CountResult(0, "milp", False, time.perf_counter() - start,
                                   RegionArray.empty(network.N, network.n0), definition=definition,
                                   info={"solver_error": failure}, incomplete_reason="solver-failure")
            # numerical trouble at a tight tolerance: retry looser, and look for thin regions
            fallback, recheck = True, True
    eps, feastol = e, f
    search_seconds = time.perf_counter() - start
    closed = definition == "serra2018"
    regions, seen, rejected = [], set(), 0
    for values in vectors:
        if time_limit is not None and time.perf_counter() - start > time_limit:
            complete = False                     # the rest stays unconfirmed: not counted
            break
        pattern = form.pattern(values)
        if pattern in seen or -1 in pattern:
            continue
        seen.add(pattern)
        w = witness_lp(network, pattern, closed_inactive=closed)
        if w.point is not None and w.margin > MARGIN_TOL:
            regions.append(Region(pattern, w.point))
        else:
            rejected += 1
    found_later = 0
    if recheck and complete:
        found_later = _flip_closure(network, regions, seen, closed, start, time_limit)
        complete = complete and found_later is not None
        found_later = found_later or 0
    reason = None if complete else "time-limit"
    proof = None
    if exhaustive and complete and definition == "interior":
        complete, reason, proof = _exhaustive(network, regions, start, time_limit)
    info = {"exhaustive": proof,
            "candidates": candidates, "rejected": rejected, "recheck_found": found_later,
            "eps": eps, "feastol": feastol, "bounds": bounds, "fallback": fallback,
            "search_seconds": round(search_seconds, 3)}
    regions = RegionArray.from_regions(regions, network.N, network.n0)
    return CountResult(len(regions), "milp", complete, time.perf_counter() - start, regions,
                       definition=definition, info=info, incomplete_reason=reason)


def _exhaustive(network, regions, start, time_limit):
    """Whether SCIP's regions are all the regions: SCIP cannot prove that it missed none (its
    tolerances drop thin regions, numerical trouble drops more), so the set is compared with
    the enumerator's, whose every pruned branch carries a proof. Returns (complete, reason,
    how it was proved)."""
    from .parallel import count_enumerate
    left = None if time_limit is None else max(time_limit - (time.perf_counter() - start), 0.01)
    ref = count_enumerate(network, time_limit=left, jobs=1)
    if not ref.complete:
        return False, ref.incomplete_reason or "time-limit", None
    from . import certify_count
    if not certify_count(network, ref, True):
        return False, ref.incomplete_reason or "undecided-lp", None
    mine = {tuple(r.pattern) for r in regions}
    theirs = {tuple(r.pattern) for r in ref.regions}
    if theirs <= mine:
        return True, None, "every region of the proved enumeration is among them"
    # SCIP missed regions: its count is a solver failure, not a count
    return False, "solver-failure", None


def _solver_failed(messages) -> bool:
    """True when SCIP's captured output reports an error (numerical trouble it could not
    resolve, a failed call): its count is then not a count."""
    return bool(messages) and "ERROR" in messages


def _count_vectors(network, bounds, eps, feastol, time_limit, progress, start, strict=True):
    """Build the MILP and count it; (complete, collected vectors, SCIP's count, formulation)."""
    from pyscipopt import SCIP_PARAMSETTING
    form = _Formulation(network, bounds=bounds, eps=eps, strict=strict)
    if not form.binaries:                        # every unit stable: one candidate
        form.solver_messages = ""
        return True, [{}], 1, form
    model = form.model
    model.setParamsCountsols()
    model.setParam("constraints/countsols/collect", True)
    model.setPresolve(SCIP_PARAMSETTING.OFF)     # keep every binary in the collected vectors
    model.setParam("numerics/feastol", feastol)
    if time_limit is not None:   # two thirds for the search, the rest for the witness LPs
        model.setParam("limits/time", max(2 / 3 * float(time_limit) - (time.perf_counter() - start), 0.01))
    if progress is not None:
        _progress_handler(model, progress, start)
    with captured_c_stdout() as chatter:       # SCIP/SoPlex warn on stdout; it goes to stderr
        model.count()
    form.solver_messages = chatter.text
    complete = model.getStatus() not in ("timelimit", "userinterrupt", "memlimit")
    names = [name for states in form.binaries.values() for _, name in states]
    return complete, _counted_vectors(model, names), _n_counted(model), form


def _flip_closure(network, regions, seen, closed, start, time_limit):
    """Add regions reached from counted ones by flipping one unit; None if time ran out."""
    choices = (0, 1) if network.activation == "relu" else tuple(range(network.rank))
    frontier = [r.pattern for r in regions]
    added = 0
    while frontier:
        nxt = []
        for pattern in frontier:
            for i in range(len(pattern)):
                for s in choices:
                    if s == pattern[i]:
                        continue
                    if time_limit is not None and time.perf_counter() - start > time_limit:
                        return None
                    p = pattern[:i] + (s,) + pattern[i + 1:]
                    if p in seen:
                        continue
                    seen.add(p)
                    w = witness_lp(network, p, closed_inactive=closed)
                    if w.point is not None and w.margin > MARGIN_TOL:
                        regions.append(Region(p, w.point))
                        nxt.append(p)
                        added += 1
        frontier = nxt
    return added
