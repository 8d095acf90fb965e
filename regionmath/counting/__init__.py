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
DEFINITIONS = ("interior", "serra2018")


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
    definition : {"interior", "serra2018"}
        "interior" counts patterns whose region has non-empty interior (the toolkit's
        definition); "serra2018" counts what the MILP as printed in Serra et al. 2018 accepts
        (active units strict, inactive units closed), which can include flat regions.
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
            ok = _recertify(network, result, bounded)
        result.certified = ok and len(result.regions) == result.count
    result.seconds = time.perf_counter() - start
    return result


def _recertify(network, result, bounded) -> bool:
    """Decide exactly every counted region whose witness failed the exact check.

    A float search may return a point of a very thin region that rounding puts just outside
    it, or (near-degenerate data) a pattern whose region is empty. Each such pattern is
    decided in exact arithmetic (:func:`regionmath.counting.exact_lp.decide_pattern`): a
    non-empty region gets an exact rational witness, an empty one is removed from the count,
    and one the exact decision cannot settle in time makes the count incomplete
    (``undecided-lp``). Returns True when every remaining region is certified.
    """
    from .exact_lp import decide_pattern
    from fractions import Fraction
    regions = result.regions
    arrays = hasattr(regions, "patterns")
    items = list(range(len(regions))) if arrays else list(regions)
    keep, fixed, undecided = [], {}, False
    for i in range(len(items)):   # (``enumerate`` is this package's submodule here)
        item = items[i]
        ok = bool(regions.certified[item]) if arrays else bool(item.certified)
        if ok:
            keep.append(i)
            continue
        pattern = tuple(int(v) for v in regions.patterns[item]) if arrays else tuple(item.pattern)
        d = decide_pattern(network, pattern, bounded)
        if d.nonempty is None:
            undecided = True
            keep.append(i)
        elif d.nonempty:
            fixed[i] = [Fraction(int(v.numerator), int(v.denominator)) for v in d.witness]
            keep.append(i)
    dropped = len(items) - len(keep)
    if fixed or dropped:
        out = []
        for i in keep:
            r = regions[items[i]] if arrays else items[i]
            if i in fixed:
                r = Region(tuple(r.pattern), fixed[i], True)
            out.append(r)
        result.regions = out
        result.count -= dropped
        result.info["exact_recertified"] = len(fixed)
        result.info["dropped_empty"] = dropped
    if undecided:
        result.complete, result.incomplete_reason = False, "undecided-lp"
    return not undecided


def _default_method(network, definition):
    # the enumerator is faster than SCIP at every size measured (bench/bench_enumerate.md);
    # only the MILP implements Serra's printed definition
    return "milp" if definition == "serra2018" else "enumerate"
