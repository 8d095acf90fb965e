"""Running the region enumeration in independent subtrees: in this process, on local worker
processes, or on a Dask cluster, with a checkpoint to resume an interrupted count.

The search tree of :mod:`regionmath.counting.enumerate` splits at a depth ``d``: the regions
after ``d`` splits are the roots of disjoint subtrees whose leaves, together, are all the
regions (``d`` is chosen so that every worker gets about 32 subtrees). Each subtree is one
task, :func:`subtree_task`, whatever runs it: this process (``jobs=1``), a pool of local
processes (``jobs=n``, the default: every core), or Dask (``client=``). A task returns its
count, whether it finished, and its regions' patterns and witnesses. On Ctrl-C the workers
are told to stop, return what they found, and the result is marked incomplete.

Checkpoint: a JSON file lists the finished subtrees with their counts, and a ``.regions``
file beside it holds their patterns and witnesses (fixed-size binary records, appended
before the JSON is rewritten atomically, so a crash between the two leaves only bytes that
the next run truncates). A stopped count (time limit, Ctrl-C, a lost worker) keeps what it
found; resumed, it skips the finished subtrees and recounts the unfinished ones from
scratch, so no region is counted twice.

Examples
--------
>>> import tempfile, os
>>> from regionmath.network import Network
>>> net = Network([[[1, 0], [0, 1], [1, 1]], [[1, -1, 1], [0, 1, -1]]], [[0, 0, -1/2], [0.1, 0.2]])
>>> path = os.path.join(tempfile.mkdtemp(), "count.json")
>>> first = run_enumeration(net, jobs=1, checkpoint=path, split_depth=2)
>>> again = run_enumeration(net, jobs=1, checkpoint=path, split_depth=2)   # all subtrees done
>>> first.count == again.count, again.info["resumed_subtrees"] == again.info["subtrees"]
(True, True)
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from pathlib import Path

import numpy as np

from ..errors import RegionmathError
from .enumerate import Enumerator
from .result import CountResult, RegionArray

CHECKPOINT_FORMAT = "regionmath-enumerate-checkpoint-1"
#: with several workers, subtrees run in this process for up to this many seconds first
SERIAL_SECONDS = 2.0


# -- the task every runner executes ---------------------------------------------------------
_LOCAL = threading.local()  # one Enumerator per thread (Dask may run several tasks per process)
_STOP_EVENT = None   # set by the local pool's initializer


__all__ = ["CHECKPOINT_FORMAT", "SERIAL_SECONDS", "subtree_task", "fingerprint", "Checkpoint",
           "count_enumerate", "run_enumeration"]


def _enumerator(key, network, unbounded, min_margin, deadline=None):
    cached = getattr(_LOCAL, "enumerator", None)
    if cached is None or cached[0] != key:
        cached = _LOCAL.enumerator = (key, Enumerator(network, unbounded=unbounded, min_margin=min_margin,
                                                      deadline=deadline))
    return cached[1]


def one_blas_thread():
    """A context in which BLAS (numpy's matrix products) runs on one thread. The search's
    products are small (a few points times a layer's rows), and OpenBLAS's idle threads spin:
    at 784 inputs with 2 processes they took 40% of the CPU (bench/bench_speed.md, round 5)."""
    from threadpoolctl import threadpool_limits
    return threadpool_limits(limits=1, user_api="blas")


def subtree_task(key, network, unbounded, min_margin, root, deadline, collect):
    """Count one subtree (a root of :meth:`Enumerator.split`). Returns
    ``(root decisions, count, complete, patterns, witnesses, lps, why incomplete or None)``."""
    import contextlib
    enum = _enumerator(key, network, unbounded, min_margin, deadline)
    # a local pool's worker (no network sent) has BLAS limited for its whole life; a Dask worker not
    with contextlib.nullcontext() if network is None else one_blas_thread():
        return _serial(enum, root, deadline, collect, _STOP_EVENT)


def _pool_init(key, network, unbounded, min_margin, stop_event):
    import signal
    global _STOP_EVENT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and tells us via the event
    try:
        # a session of its own: Linux shares a loaded CPU fairly between sessions
        # (sched_autogroup), so workers in the parent's session would together get one
        # process's share (bench/bench_speed.md, part E: 2 processes 0.98x -> 1.28x of 1)
        os.setsid()
    except (AttributeError, OSError):  # pragma: no cover - not POSIX, or already a leader
        pass
    _STOP_EVENT = stop_event
    one_blas_thread()     # for the worker's life (a forked worker inherits the parent's limit too)
    _enumerator(key, network, unbounded, min_margin)


def _pool_task(key, unbounded, min_margin, root, deadline, collect):
    return subtree_task(key, None, unbounded, min_margin, root, deadline, collect)


# -- checkpoint -----------------------------------------------------------------------------
def fingerprint(network, unbounded, min_margin) -> str:
    """A hash of everything that decides the regions: weights, activation, domain, margin."""
    h = hashlib.sha256()
    h.update(f"{network.activation}|{network.rank}|{unbounded}|{min_margin!r}|{network.widths}|{network.n0}".encode())
    for W, b in zip(network.weights, network.biases):
        h.update(np.ascontiguousarray(W, dtype=float).tobytes())
        h.update(np.ascontiguousarray(b, dtype=float).tobytes())
    if not unbounded:
        h.update(np.ascontiguousarray(network.box[0], dtype=float).tobytes())
        h.update(np.ascontiguousarray(network.box[1], dtype=float).tobytes())
    return h.hexdigest()


def _key(decisions) -> str:
    """A subtree's name: its root's decisions ``unit:option`` in order."""
    return ",".join(f"{g}:{j}" for g, j in decisions)


class Checkpoint:
    """The finished subtrees of one count, in ``path`` (JSON) and ``path.regions`` (records)."""

    def __init__(self, path, key, N, n0):
        self.path = Path(path)
        self.regions_path = self.path.with_name(self.path.name + ".regions")
        self.dtype = np.dtype([("p", np.int16, (N,)), ("x", np.float64, (n0,))])
        self.key = key
        self.depth = None
        self.done = {}        # subtree key -> count
        self.records = 0      # regions stored in the .regions file
        import json   # loaded with a checkpoint only
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text())
                ok = data.get("format") == CHECKPOINT_FORMAT
            except (OSError, ValueError):
                ok = False
            if not ok:
                raise RegionmathError(f"{self.path} is not a regionmath enumeration checkpoint; "
                                      "give a new path or delete the file")
            if data["fingerprint"] != key:
                raise RegionmathError(f"the checkpoint {self.path} belongs to another network, domain or margin; "
                                      "give a new path to start afresh")
            self.depth = int(data["split_depth"])
            self.done = {k: int(v) for k, v in data["done"].items()}
            self.records = int(data["records"])
        # drop bytes appended after the last committed JSON (a crash between the two writes)
        if self.regions_path.exists():
            with open(self.regions_path, "r+b") as f:
                f.truncate(self.records * self.dtype.itemsize)
        elif self.records:
            self.records = 0  # regions file lost: counts stay, witnesses are gone

    def set_depth(self, depth):
        self.depth = depth
        self._write()

    def record(self, prefix, count, pats, wits):
        if len(pats):
            rec = np.empty(len(pats), dtype=self.dtype)
            rec["p"], rec["x"] = pats, wits
            with open(self.regions_path, "ab") as f:
                rec.tofile(f)
                f.flush()
                os.fsync(f.fileno())
            self.records += len(pats)
        self.done[_key(prefix)] = int(count)
        self._write()

    def _write(self):
        import json
        data = {"format": CHECKPOINT_FORMAT, "fingerprint": self.key, "split_depth": self.depth,
                "records": self.records, "done": self.done}
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(self.path)

    def stored_regions(self):
        if not self.records or not self.regions_path.exists():
            return None
        rec = np.fromfile(self.regions_path, dtype=self.dtype, count=self.records)
        return rec["p"].copy(), rec["x"].copy()


# -- the driver -----------------------------------------------------------------------------
def _choose_depth(enum, target, deadline, collect):
    """The smallest number of splits that leaves at least ``target`` subtrees (or none)."""
    depth = 0
    while True:
        roots, count, complete, leaves = enum.split(depth, deadline=deadline, collect=collect)
        if not complete or len(roots) >= target or not roots or depth >= enum.N:
            return depth, roots, count, complete, leaves
        depth += 1


def count_enumerate(network, time_limit=None, definition="interior", progress=None, *, jobs=None,
                    client=None, checkpoint=None, unbounded=False, min_margin=1e-7, collect=True,
                    split_depth=None, **options):
    """Count the activation regions of ``network`` by exact depth-first enumeration.

    Parameters
    ----------
    network : Network
        A ReLU or maxout network; its box is the domain unless ``unbounded``.
    time_limit : float or None
        Seconds; when reached the result is ``complete=False`` and holds what was found.
    definition : {"interior"}
        Only the toolkit's definition (regions with non-empty interior) is enumerated.
    progress : callable or None
        Called now and then with ``{"count", "seconds", "rate"}`` (regions per second),
        ``lps`` (LPs solved so far), ``subtrees_done``, ``subtrees``, and once enough
        subtrees have finished an estimate of the total: ``estimate``, ``estimate_error``
        (two standard errors), ``estimate_method``. The subtrees run in a random order, so
        the first ones finished are a random sample of all; the estimate is the sample
        mean times the number of subtrees (unbiased; the error counts the finite
        population). It costs no LP.
    jobs : int or None
        Local worker processes (default: every core; 1 runs in this process).
    client : dask.distributed.Client or None
        Run the subtrees on a Dask cluster instead of local processes.
    checkpoint : path or None
        A JSON file recording the finished subtrees (and a ``.regions`` file beside it with
        their witnesses); an existing checkpoint for the same network resumes the count.
    unbounded : bool
        Count the regions of all of R^n0 instead of the box.
    min_margin : float
        The LPs' margin, relative to the half-width of the box (default 1e-7). It sets
        speed, not what is counted: a region thinner than this is found by the exact
        fallback (every dropped branch is proved empty; :mod:`regionmath.counting.enumerate`).
    collect : bool
        Keep every region's pattern and witness (needed for certification).
    split_depth : int or None
        Split into the subtrees of the first ``split_depth`` units (default: chosen so that
        every worker gets many subtrees).

    Returns
    -------
    CountResult
        ``regions`` lists every counted region (pattern and witness) when ``collect``;
        ``info`` holds ``lps`` (LPs solved), ``subtrees`` and ``jobs``.

    References
    ----------
    .. [1] T. Serra, C. Tjandraatmadja, S. Ramalingam, ICML 2018, Sec. 4 (the regions counted).
    """
    if definition != "interior":
        raise RegionmathError(f"the enumerator counts regions with non-empty interior only "
                              f"(definition 'interior'), got {definition!r}; use method='milp' for 'serra2018'")
    if options:
        raise RegionmathError(f"unknown option(s) for the enumerator: {', '.join(sorted(options))}; allowed: "
                              "jobs, client, checkpoint, unbounded, min_margin, collect, split_depth")
    if not (isinstance(min_margin, (int, float)) and 0 < min_margin < 1):
        raise RegionmathError(f"min_margin must be a number between 0 and 1, got {min_margin!r}")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise RegionmathError(f"jobs must be a positive integer, got {jobs!r}")
    if split_depth is not None and (not isinstance(split_depth, int) or not 0 <= split_depth <= network.N):
        raise RegionmathError(f"split_depth must be an integer between 0 and {network.N}, got {split_depth!r}")
    with one_blas_thread():
        return run_enumeration(network, time_limit=time_limit, progress=progress, jobs=jobs, client=client,
                               checkpoint=checkpoint, unbounded=unbounded, min_margin=float(min_margin),
                               collect=collect, split_depth=split_depth)


def run_enumeration(network, time_limit=None, progress=None, jobs=None, client=None, checkpoint=None,
                    unbounded=False, min_margin=1e-7, collect=True, split_depth=None) -> CountResult:
    """Split, run the subtrees (here, on ``jobs`` processes, or on a Dask ``client``), merge.

    See :func:`count_enumerate` for the parameters.
    """
    start = time.perf_counter()
    deadline = None if time_limit is None else time.time() + time_limit
    key = fingerprint(network, unbounded, min_margin)
    if client is not None:
        workers = max(1, sum(client.nthreads().values()))
    else:
        workers = jobs or os.cpu_count() or 1
    ck = Checkpoint(checkpoint, key, network.N, network.n0) if checkpoint is not None else None
    enum = Enumerator(network, unbounded=unbounded, min_margin=min_margin, deadline=deadline)

    if ck is not None and ck.depth is not None:
        if split_depth is not None and split_depth != ck.depth:
            raise RegionmathError(f"the checkpoint {ck.path} splits at depth {ck.depth}, not {split_depth}; "
                                  "resume with the same split or give a new path")
        split_depth = ck.depth
    try:
        if split_depth is not None:
            roots, count, complete, leaves = enum.split(split_depth, deadline=deadline, collect=collect)
            depth = split_depth
        else:
            # one subtree is fastest alone; shown progress needs many to estimate the total
            single = workers == 1 and ck is None and progress is None
            depth, roots, count, complete, leaves = _choose_depth(enum, 1 if single else 32 * workers, deadline,
                                                                  collect)
        split_reason = None if complete else _why_stopped(deadline, None)
    except KeyboardInterrupt:   # Ctrl-C while splitting: the regions met so far, flagged
        depth, roots, complete, split_reason = split_depth or 0, [], False, "interrupted"
        count, leaves = enum.leaf_count, enum._take_leaves()
        if collect:
            count = len(leaves[0])   # the signal may fall between counting a leaf and storing it
    lps = enum.lp_count
    if ck is not None and ck.depth is None and complete:
        ck.set_depth(depth)

    pats_parts, wits_parts = [leaves[0]], [leaves[1]]
    total = count  # regions found above the split depth (only when the whole tree is that shallow)
    above = count
    # the subtrees run in a random order (fixed by the network), so that those finished first
    # are a random sample of all of them: the progress's estimate of the total (_estimate)
    order = [_key(r[0]) for r in roots]
    random.Random(int(key[:16], 16)).shuffle(order)
    rank = {k: i for i, k in enumerate(order)}
    roots = sorted(roots, key=lambda r: rank[_key(r[0])])
    sizes = {}            # finished subtree -> its count
    resumed = 0
    if ck is not None and ck.done:
        known = {_key(r[0]) for r in roots}
        if not complete or not set(ck.done) <= known:
            raise RegionmathError(f"the checkpoint {ck.path} does not match this network's subtrees; "
                                  "give a new path to start afresh")
        resumed = len(ck.done)
        total += sum(ck.done.values())
        sizes.update(ck.done)
        stored = ck.stored_regions() if collect else None
        if stored is not None:
            pats_parts.append(stored[0])
            wits_parts.append(stored[1])
        roots = [r for r in roots if _key(r[0]) not in ck.done]

    n_roots = len(roots)
    roots = list(roots)
    # "stopped": no more subtrees are started (time limit, Ctrl-C, a lost worker); a subtree
    # left undecided by an LP only leaves its own regions out, the others are still counted
    state = {"total": total, "last": 0.0, "lp_mark": 0, "complete": complete, "lps": lps, "error": None,
             "interrupted": split_reason == "interrupted", "finished": resumed, "stopped": not complete,
             "undecided": int(split_reason == "undecided-lp"), "timed_out": split_reason == "time-limit",
             "proofs": dict(enum.stats)}

    def report(current=0, current_lps=0):
        if progress is None:
            return
        now = time.perf_counter()
        if now - state["last"] < 0.5 and current >= 0:
            return
        state["last"] = now
        seconds = now - start
        n = state["total"] + max(current, 0)
        progress({"count": n, "seconds": seconds, "rate": n / seconds if seconds > 0 else 0.0,
                  "lps": state["lps"] + current_lps, "subtrees_done": state["finished"],
                  "subtrees": n_roots + resumed, **_estimate(order, sizes, above)})

    def accept(result):
        prefix, n, done, pats, wits, n_lps, why = result[:7]
        for k, v in (result[7] if len(result) > 7 else {}).items():
            state["proofs"][k] = state["proofs"].get(k, 0) + v
        state["total"] += n
        state["lps"] += n_lps
        if collect:
            pats_parts.append(pats)
            wits_parts.append(wits)
        if done:
            state["finished"] += 1
            sizes[_key(prefix)] = n
            if ck is not None:
                ck.record(prefix, n, pats if collect else pats[:0], wits if collect else wits[:0])
        else:
            state["complete"] = False
            if why == "undecided-lp":
                state["undecided"] += 1
            else:
                state["stopped"] = True
                state["timed_out"] |= why == "time-limit"
                state["interrupted"] |= why == "interrupted"
        report()

    if complete and roots:
        try:
            if client is not None:
                _run_dask(client, key, network, unbounded, min_margin, roots, deadline, collect, accept, state)
            else:
                # subtrees run here first: a count that ends within SERIAL_SECONDS never pays
                # for starting processes (which made small counts slower than one process)
                budget = float("inf") if workers == 1 or len(roots) == 1 else start + SERIAL_SECONDS
                enum.tick = lambda: report(enum.leaf_count, enum.lp_count - state["lp_mark"])
                while roots and not state["stopped"] and time.perf_counter() < budget:
                    state["lp_mark"] = enum.lp_count
                    accept(_serial(enum, roots.pop(0), deadline, collect))
                enum.tick = None
                if roots and not state["stopped"]:
                    _run_pool(workers, key, network, unbounded, min_margin, roots, deadline, collect, accept, state)
        except KeyboardInterrupt:
            state["interrupted"] = True
            state["complete"] = False
            if enum.tick is not None and collect:   # stopped in a subtree run here: keep the regions it stored
                pats, wits = enum._take_leaves()
                state["total"] += len(pats)
                state["lps"] += enum.lp_count - state["lp_mark"]
                pats_parts.append(pats)
                wits_parts.append(wits)
    if deadline is not None and time.time() >= deadline and state["finished"] < n_roots + resumed:
        state["timed_out"] = True
    finished_all = state["complete"] and state["finished"] == n_roots + resumed and state["error"] is None
    reason = None
    if not finished_all:   # the most telling first: more time would not decide an undecided LP
        reason = ("interrupted" if state["interrupted"] else "undecided-lp" if state["undecided"]
                  else "time-limit" if state["timed_out"] else "solver-failure")
    report(-1)
    if collect:
        pats = np.concatenate(pats_parts) if pats_parts else np.zeros((0, network.N), np.int16)
        wits = np.concatenate(wits_parts) if wits_parts else np.zeros((0, network.n0))
        regions = RegionArray(pats, wits)
    else:
        regions = RegionArray.empty(network.N, network.n0)
    info = {"lps": state["lps"], "subtrees": n_roots + resumed, "split_depth": depth, "jobs": workers,
            "resumed_subtrees": resumed, "subtrees_in_workers": state.get("in_workers", 0), "domain": "R^n0" if unbounded else "box", "min_margin": min_margin}
    info["proofs"] = state["proofs"]   # how each dropped branch was proved empty (enumerate.py)
    if state["interrupted"]:
        info["interrupted"] = True
    if state["undecided"]:
        info["undecided_subtrees"] = state["undecided"]
    if state["error"]:
        info["error"] = state["error"]
    if ck is not None:
        info["checkpoint"] = str(ck.path)
    return CountResult(count=state["total"], method="enumerate", complete=bool(finished_all),
                       seconds=time.perf_counter() - start, regions=regions, info=info, incomplete_reason=reason)


def _estimate(order, sizes, above, least=3) -> dict:
    """The total number of regions estimated from the subtrees finished so far.

    The subtrees run in a random order (``order``). Its first ``k`` subtrees, once all of them
    have finished, are a simple random sample of the ``n`` subtrees, so ``above + n * mean``
    of their counts is an unbiased estimate of the total (``above``: the regions met above
    the split), with standard error ``n s sqrt((1 - k/n) / k)`` (``s`` the sample standard
    deviation; finite population correction). Subtrees finished out of order (another
    worker was quicker) wait until those before them finish: the quick ones are the small
    ones, and counting them first would bias the estimate low. No estimate from fewer than
    ``least`` subtrees, nor when every subtree has finished (the count is then exact).

    Returns ``{}`` or ``{"estimate", "estimate_error" (two standard errors),
    "estimate_method"}``.
    """
    k, n = 0, len(order)
    while k < n and order[k] in sizes:
        k += 1
    if k < least or k == n:
        return {}
    x = np.array([sizes[key] for key in order[:k]], dtype=float)
    error = 2 * n * float(x.std(ddof=1)) * ((1 - k / n) / k) ** 0.5
    return {"estimate": above + n * float(x.mean()), "estimate_error": error,
            "estimate_method": f"from {k} of {n} subtrees sampled at random"}


def _why_stopped(deadline, stop_event):
    """Why a subtree returned unfinished. The enumerator stops at the deadline, at a stop
    request, or on an LP HiGHS could not decide; the first two stay true once true, so
    neither holding now means the LP."""
    if deadline is not None and time.time() >= deadline:
        return "time-limit"
    if stop_event is not None and stop_event.is_set():
        return "interrupted"
    return "undecided-lp"


def _serial(enum, root, deadline, collect, stop_event=None):
    if (deadline is not None and time.time() >= deadline) or (stop_event is not None and stop_event.is_set()):
        # a queued subtree started after the end: replaying its root would only cost time
        empty = (np.zeros((0, enum.N), dtype=np.int16), np.zeros((0, enum.n0)))
        return (root[0], 0, False, *empty, 0, _why_stopped(deadline, stop_event))
    lps, before = enum.lp_count, dict(enum.stats)
    count, complete, (pats, wits) = enum.run_subtree(root, deadline=deadline, stop_event=stop_event, collect=collect)
    why = None if complete else _why_stopped(deadline, stop_event)
    proofs = {k: v - before.get(k, 0) for k, v in enum.stats.items()}
    return root[0], count, complete, pats, wits, enum.lp_count - lps, why, proofs


def _run_pool(workers, key, network, unbounded, min_margin, roots, deadline, collect, accept, state):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures import TimeoutError as FuturesTimeout   # not the builtin before 3.11
    from concurrent.futures.process import BrokenProcessPool

    if "fork" in mp.get_all_start_methods():
        # fork starts a worker in milliseconds (forkserver: ~2 s); HiGHS's worker threads, the
        # one thing that must not be forked, are shut down first
        import highspy
        highspy.Highs.resetGlobalScheduler(True)
        ctx = mp.get_context("fork")
    else:  # pragma: no cover - Windows, macOS defaults
        ctx = mp.get_context("spawn")
    stop = ctx.Event()
    ex = ProcessPoolExecutor(max_workers=min(workers, len(roots)), mp_context=ctx, initializer=_pool_init,
                             initargs=(key, network, unbounded, min_margin, stop))
    futures = [ex.submit(_pool_task, key, unbounded, min_margin, root, deadline, collect) for root in roots]
    state["in_workers"] = len(futures)
    accepted = set()

    def drain():
        """Stop: running subtrees return what they found; queued ones are cancelled."""
        stop.set()
        for fut in futures:
            fut.cancel()
        for fut in futures:
            if fut in accepted or fut.cancelled():
                continue
            try:
                accept(fut.result())
            except Exception:  # noqa: BLE001 - best effort while stopping
                pass
        state["complete"] = False
        state["stopped"] = True

    try:
        try:
            # at the deadline the parent stops the workers itself: a worker checks the
            # clock only every few hundred nodes, and queued subtrees need not start at all
            timeout = None if deadline is None else max(deadline - time.time(), 0.0)
            for fut in as_completed(futures, timeout=timeout):
                accepted.add(fut)
                accept(fut.result())
        except FuturesTimeout:
            state["timed_out"] = True
            drain()
        except KeyboardInterrupt:
            state["interrupted"] = True
            drain()
    except BrokenProcessPool:
        state["error"] = "a worker process died; the finished subtrees are kept"
        state["complete"] = False
        state["stopped"] = True
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def _run_dask(client, key, network, unbounded, min_margin, roots, deadline, collect, accept, state):
    from distributed import as_completed

    net_future = client.scatter(network, broadcast=True)
    futures = [client.submit(subtree_task, key, net_future, unbounded, min_margin, root, deadline, collect,
                             pure=False) for root in roots]
    state["in_workers"] = len(futures)
    try:
        for fut in as_completed(futures):
            try:
                accept(fut.result())
            except Exception as e:  # noqa: BLE001 - a lost worker or a failed task
                state["error"] = f"a Dask task failed ({type(e).__name__}); the finished subtrees are kept"
                state["complete"] = False
                state["stopped"] = True
    except KeyboardInterrupt:
        state["interrupted"] = True
        state["complete"] = False
        state["stopped"] = True
        client.cancel(futures)
