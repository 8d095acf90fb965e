"""Records: the best-known networks of small architectures, stored with exact weights, and the
table that recounts them against the published bounds.

A records folder (``records/`` in a source checkout, :data:`RECORDS_DIR`; any folder can be
given) holds one ``<name>.npz`` per architecture (:func:`record_name`) with exact rational
weights, and ``index.json`` saying how each was found. :func:`build_records` fills it by
searching (:func:`regionmath.search.search_max_regions`, offline work);
:func:`records_table` recounts the stored networks in ``R^n0`` -- it never searches -- and
compares them with the bounds (:func:`regionmath.bounds.tightest_upper`,
:func:`regionmath.bounds.best_lower`). :mod:`regionmath.tables` formats the table.

Examples
--------
>>> from regionmath import Architecture
>>> record_name(Architecture(2, (3, 3))), record_name(Architecture(1, (1, 1), "maxout", 3))
('relu_n0-2_3-3', 'maxout3_n0-1_1-1')
>>> len(scope_architectures())
798
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from .architecture import Architecture
from .errors import RegionmathError
from .search import count_in_rn0, rn0_method, search_max_regions

__all__ = ["RECORDS_DIR", "RECORDS_COLUMNS", "RecordsTable", "record_name", "scope_architectures", "read_index",
           "build_records", "record_row", "records_table"]

#: the records folder of a source checkout (``records/`` beside the package); the functions
#: take the folder as an argument, this is only their default
RECORDS_DIR = Path(__file__).resolve().parent.parent / "records"

#: the architectures the records cover: relu n0 <= 3, L <= 3, widths <= 6 ...
RELU_SCOPE = {"n0": (1, 2, 3), "L": (1, 2, 3), "width": 6}
#: ... and small maxout ones: n0 <= 2, L <= 2, widths <= 2, rank 2 or 3
MAXOUT_SCOPE = {"n0": (1, 2), "L": (1, 2), "width": 2, "rank": (2, 3)}

# -- records ---------------------------------------------------------------------------------------
def record_name(arch) -> str:
    """The file stem of an architecture's record, e.g. ``relu_n0-2_3-3`` or ``maxout3_n0-1_1-1``."""
    act = "relu" if arch.activation == "relu" else f"maxout{arch.rank}"
    return f"{act}_n0-{arch.n0}_{'-'.join(map(str, arch.widths))}"


def scope_architectures():
    """Every architecture the records table covers, small first: relu with n0 <= 3, L <= 3,
    widths <= 6; maxout with n0 <= 2, L <= 2, widths <= 2, rank 2 or 3."""
    import itertools
    archs = []
    for n0 in RELU_SCOPE["n0"]:
        for L in RELU_SCOPE["L"]:
            for ws in itertools.product(range(1, RELU_SCOPE["width"] + 1), repeat=L):
                archs.append(Architecture(n0, ws))
    for k in MAXOUT_SCOPE["rank"]:
        for n0 in MAXOUT_SCOPE["n0"]:
            for L in MAXOUT_SCOPE["L"]:
                for ws in itertools.product(range(1, MAXOUT_SCOPE["width"] + 1), repeat=L):
                    archs.append(Architecture(n0, ws, "maxout", k))
    return archs


def _search_order(arch):
    return (arch.activation != "relu", arch.N * arch.rank, arch.n0, arch.L, arch.widths)


def read_index(folder=None) -> dict:
    """``records/index.json``: record name -> how the stored network was found."""
    path = Path(folder or RECORDS_DIR) / "index.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text())


def build_records(archs=None, folder=None, budget=None, per_arch=None, seed=0, progress=None, small_first=True):
    """Search each architecture (small first) and store the best network in ``folder``.

    Offline work, not part of any test. ``per_arch(arch)`` gives the search's seconds
    (default ``min(120, 4 + 3 N)``); ``budget`` caps the total seconds; an existing record
    is replaced only by a larger certified count (``small_first=False`` keeps the given
    order). Writes ``<name>.npz`` and updates
    ``index.json`` after every architecture, so an interrupted run keeps what it found.
    """
    from .network import Network
    folder = Path(folder or RECORDS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    archs = list(archs or scope_architectures())
    if small_first:
        archs.sort(key=_search_order)
    per_arch = per_arch or (lambda a: min(120.0, 4.0 + 3.0 * a.N * a.rank))
    index = read_index(folder)
    start = time.time()
    for arch in archs:
        if budget is not None and time.time() - start >= budget:
            break
        name = record_name(arch)
        old = index.get(name)
        if old is not None and old.get("settled"):
            continue
        limit = per_arch(arch)
        if budget is not None:
            limit = min(limit, budget - (time.time() - start))
        if limit <= 1:
            break
        try:
            result = search_max_regions(arch, time_limit=limit, seed=seed)
        except Exception as e:  # noqa: BLE001 - an offline batch: report and go on
            print(f"{arch}: search failed: {type(e).__name__}: {e}", flush=True)
            continue
        if old is not None and int(old["count"]) >= result.count:
            continue
        path = folder / f"{name}.npz"
        result.network.save(folder / f"{name}.part.npz")
        check = count_in_rn0(Network.load(folder / f"{name}.part.npz"), method=rn0_method(arch))  # as the table will
        if not (check.complete and check.certified and check.count == result.count):
            (folder / f"{name}.part.npz").unlink()
            print(f"{arch}: {result.count} regions found, but the stored file recounts to {check.count} "
                  f"(certified: {check.certified}); not stored", flush=True)
            continue
        (folder / f"{name}.part.npz").replace(path)
        entry = result.as_dict()
        entry["file"] = f"{name}.npz"
        index[name] = entry
        (folder / "index.json.part").write_text(json.dumps(dict(sorted(index.items())), indent=1) + "\n")
        (folder / "index.json.part").replace(folder / "index.json")
        if progress is None:
            print(f"{arch}: {result.count} (upper {result.upper[1] if result.upper else '-'}"
                  f"{', settled' if result.settled else ''}) in {result.seconds:.1f} s, "
                  f"{result.evaluations} evals, from {result.origin}", flush=True)
        else:
            progress(f"{arch}: {result.count} (upper {result.upper[1] if result.upper else '-'}"
                     f"{', settled' if result.settled else ''}) in {result.seconds:.1f} s, "
                     f"{result.evaluations} evals, from {result.origin}")
    return index


# -- the records table -----------------------------------------------------------------------------
RECORDS_COLUMNS = ["architecture", "tightest upper", "by", "best published lower", "by",
                   "construction count", "best found", "gap", "status", "best found: pieces"]


def _construction_count(bound_id, arch):
    """The certified count in R^n0 of the construction realising ``bound_id``, or None."""
    from .constructions import REGISTRY, build
    if bound_id not in REGISTRY:
        return None
    try:
        c = build(bound_id, arch)
    except RegionmathError:
        return None
    res = count_in_rn0(c.network, method=rn0_method(arch))
    return res.count if res.complete and res.certified else None


def record_row(arch, folder=None, index=None):
    """One row of the records table for ``arch`` (recounts the stored network, never searches)."""
    from . import bounds
    from .network import Network
    folder = Path(folder or RECORDS_DIR)
    index = read_index(folder) if index is None else index
    up = bounds.tightest_upper(arch)
    low = bounds.best_lower(arch)
    up_v, up_id = (up[1], up[0].id) if up else (None, "")
    low_v, low_id = (low[1], low[0].id) if low else (None, "")
    name = record_name(arch)
    path = folder / f"{name}.npz"
    if name not in index or not path.is_file():
        return [str(arch), up_v, up_id, low_v, low_id, None, None, None, "not searched", None]
    con = _construction_count(low_id, arch) if low else None
    net = Network.load(path)
    if net.architecture != arch:
        raise RegionmathError(f"{path} holds a {net.architecture} network, not {arch}")
    res = count_in_rn0(net, method=rn0_method(arch))
    if not (res.complete and res.certified):
        raise RegionmathError(f"the stored record {path} did not recount and certify ({res.count} regions)")
    found = res.count
    gap = None if up_v is None else up_v - found
    if up_v is not None and found > up_v:
        status = "EXCEEDS upper bound"
    elif up_v is not None and found == up_v:
        status = "settled"
    elif low_v is not None and found > low_v:
        status = "beats published lower bound"
    elif low_v is not None and found == low_v:
        status = "meets published lower bound"
    elif low_v is not None:
        status = "below published lower bound"
    else:
        status = "no published lower bound"
    if status == "settled" and low_v is not None and found > low_v and low[0].kind != "exact":
        status = "settled; beats published lower bound"
    if con is not None and found > con:
        status += "; beats its construction"
    return [str(arch), up_v, up_id, low_v, low_id, con, found, gap, status, _pieces_of(net, res)]


def _pieces_of(net, res):
    """The stored network's linear pieces in R^n0 (its activation regions joined, every join
    proved), or None when a join could not be proved."""
    from .counting.pieces import _float_witnesses, pieces_of_regions
    joined = pieces_of_regions(net, res.regions.patterns, unbounded=True, witnesses=_float_witnesses(res.regions))
    return joined["count"] if joined["undecided"] == 0 and joined["uncertified"] == 0 else None


def _row_task(args):
    return record_row(*args)


@dataclass
class RecordsTable:
    """The records table's data: column names and one row per architecture."""

    columns: list
    rows: list


#: rows already recounted in this process, by architecture, folder and the stored file's
#: identity (index entry, size, modification time): a stored network's recount never changes
_ROWS = {}


def _cache_key(arch, folder, index):
    name = record_name(arch)
    path = Path(folder) / f"{name}.npz"
    stat = path.stat() if name in index and path.is_file() else None
    return (str(arch), str(Path(folder).resolve()), json.dumps(index.get(name), sort_keys=True),
            None if stat is None else (stat.st_size, stat.st_mtime_ns))


def records_table(archs=None, folder=None, jobs=None) -> RecordsTable:
    """The records table: for each architecture in scope, the bounds, the published
    construction's certified count, and the certified count of the stored best network
    (recounted, not searched again; a row already recounted in this process is reused).

    The recounts run on ``jobs`` local processes (default: every core); rows come back in
    the order of ``archs`` (default :func:`scope_architectures`), so the table is
    deterministic.

    Parameters
    ----------
    archs : list of Architecture or None
    folder : path or None
        The records folder (default :data:`RECORDS_DIR`, a source checkout's ``records/``).
    jobs : int or None

    Returns
    -------
    RecordsTable
        ``.rows`` in the order of :data:`RECORDS_COLUMNS`; :mod:`regionmath.tables` formats it.
    """
    import os
    folder = Path(folder or RECORDS_DIR)
    index = read_index(folder)
    archs = list(archs or scope_architectures())
    keys = [_cache_key(a, folder, index) for a in archs]
    todo = [(a, folder, index) for a, key in zip(archs, keys) if key not in _ROWS]
    jobs = jobs or os.cpu_count() or 1
    searched = sum(record_name(t[0]) in index for t in todo)
    if jobs > 1 and searched > 8:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(jobs) as pool:
            rows = list(pool.map(_row_task, todo, chunksize=4))
    else:
        rows = [record_row(*t) for t in todo]
    for t, row in zip(todo, rows):
        _ROWS[_cache_key(t[0], folder, index)] = row
    return RecordsTable(list(RECORDS_COLUMNS), [list(_ROWS[key]) for key in keys])


if __name__ == "__main__":  # pragma: no cover - the offline records run
    import sys
    build_records(budget=float(sys.argv[1]) if len(sys.argv) > 1 else None)
