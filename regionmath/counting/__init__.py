"""Counting the linear (activation) regions of a concrete network.

What is counted: the activation patterns whose set of inputs in the domain (a box) has a
non-empty interior. Every counted region carries a witness point, and the count is
``certified`` when every witness was checked in exact rational arithmetic
(:mod:`regionmath.counting.certify`).

``count_regions(network, method=...)`` dispatches to one function per algorithm:

* ``"milp"``: Serra, Tjandraatmadja, Ramalingam 2018, Sec. 4: the MILP of the network with
  SCIP's counting mode (:mod:`regionmath.counting.milp`);
* ``"enumerate"``: exact depth-first enumeration with warm-started LPs
  (:mod:`regionmath.counting.enumerate`);
* ``"brute"``: every pattern tested by an LP (tiny networks only; a reference for tests).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..errors import RegionmathError

METHODS = ("auto", "milp", "enumerate", "brute")
#: why a count stopped early (``CountResult.incomplete_reason``); a complete count has None
INCOMPLETE_REASONS = ("time-limit", "interrupted", "undecided-lp", "solver-failure")
DEFINITIONS = ("interior", "serra2018", "pieces")


@dataclass
class Region:
    """One counted region: its flat pattern, a witness point, and whether it was certified."""

    pattern: tuple
    witness: np.ndarray
    certified: Optional[bool] = None


@dataclass
class CountResult:
    """The outcome of a count.

    ``complete`` is False when the count stopped early: ``count`` is then a lower bound and
    ``incomplete_reason`` says why (one of :data:`INCOMPLETE_REASONS`). ``certified`` is True
    when every counted region's witness passed the exact check.
    """

    count: int
    method: str
    complete: bool
    seconds: float
    regions: list = field(default_factory=list)
    certified: Optional[bool] = None
    definition: str = "interior"
    info: dict = field(default_factory=dict)
    incomplete_reason: Optional[str] = None

    def as_dict(self) -> dict:
        d = {"count": str(self.count), "method": self.method, "complete": self.complete,
             "incomplete_reason": None if self.complete else self.incomplete_reason,
             "seconds": round(self.seconds, 3), "certified": self.certified, "definition": self.definition}
        d.update({k: v for k, v in self.info.items() if isinstance(v, (str, int, float, bool)) or v is None})
        return d

    def to_json(self) -> str:
        return json.dumps(self.as_dict())


def count_regions(network, domain=None, method="auto", time_limit=None, definition="interior",
                  certify=True, progress=None, **options) -> CountResult:
    """Count the activation regions of ``network`` in ``domain`` (default: the network's box).

    Parameters
    ----------
    network : Network
    domain : (lo, hi) or None
        A box; default ``network.box``.
    method : {"auto", "milp", "enumerate", "brute"}
    time_limit : float or None
        Seconds; when reached the result has ``complete=False`` and the count found so far.
    definition : {"interior", "serra2018", "pieces"}
        "interior" counts patterns whose region has non-empty interior (the toolkit's
        definition); "serra2018" counts what the MILP as printed in Serra et al. 2018 accepts
        (active units strict, inactive units closed), which can include flat regions;
        "pieces" counts the linear regions of the network's function (Montúfar et al. 2014,
        Sec. 2.1): the activation regions joined across common facets where the function's
        affine maps agree (:mod:`regionmath.counting.pieces`).
    certify : bool
        Check every witness in exact arithmetic.
    progress : callable or None
        Called with a dict (``count``, ``seconds``, ...) now and then on long counts.
    """
    if method not in METHODS:
        raise RegionmathError(f"unknown counting method {method!r}; allowed: {', '.join(METHODS)}")
    if definition not in DEFINITIONS:
        raise RegionmathError(f"unknown definition {definition!r}; allowed: {', '.join(DEFINITIONS)}")
    if time_limit is not None and not time_limit > 0:
        raise RegionmathError(f"time limit must be a positive number of seconds, got {time_limit!r}")
    if domain is not None:
        network = network.with_box(*domain)
    if definition == "pieces":
        from .pieces import count_pieces
        if method == "auto":
            method = "enumerate"
        return count_pieces(network, method=method, time_limit=time_limit, progress=progress,
                            certify=certify, **options)
    if method == "auto":
        method = _default_method(network, definition)
    start = time.perf_counter()
    if method == "milp":
        from .milp import count_milp as fn
    elif method == "enumerate":
        from .enumerate import count_enumerate as fn
    else:
        from .brute import count_brute as fn
    result = fn(network, time_limit=time_limit, definition=definition, progress=progress, **options)
    if certify and definition == "interior":
        from .certify import certify_regions
        bounded = not options.get("unbounded", False)   # the enumerator can count all of R^n0
        ok = certify_regions(network, result.regions, bounded)
        if not ok:
            ok = _recertify(network, result.regions, bounded)
        result.certified = ok and len(result.regions) == result.count
    result.seconds = time.perf_counter() - start
    return result


def _recertify(network, regions, bounded) -> bool:
    """Give every witness that failed the exact check a second point, the centre of the
    largest ball in its region (the max-margin LP), and check that one exactly.

    A search LP may return a vertex of a very thin region that rounding puts just outside
    it; the ball's centre is the point farthest from every facet. The count never changes,
    only its certificate; a region that still fails stays uncertified.
    """
    from .certify import certify_witness
    from .lp import witness_lp
    box = None if bounded else False
    arrays = hasattr(regions, "patterns")
    items = range(len(regions)) if arrays else list(regions)
    for item in items:
        if arrays:
            if regions.certified[item]:
                continue
            pattern = tuple(int(v) for v in regions.patterns[item])
        else:
            if item.certified:
                continue
            pattern = tuple(item.pattern)
        w = witness_lp(network, pattern, box)
        if not (w.feasible and w.point is not None and certify_witness(network, pattern, w.point, bounded)):
            continue
        if arrays:
            regions.witnesses[item], regions.certified[item] = w.point, True
        else:
            item.witness, item.certified = np.asarray(w.point, dtype=float), True
    return bool(regions.certified.all()) if arrays else all(r.certified for r in regions)


def _default_method(network, definition):
    # the enumerator is faster than SCIP at every size measured (bench/bench_enumerate.md);
    # only the MILP implements Serra's printed definition
    return "milp" if definition == "serra2018" else "enumerate"
