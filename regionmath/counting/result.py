"""What every counter returns: a :class:`CountResult` whose regions are a :class:`RegionArray`.

One region type for every method (line, enumerate, milp, brute): the counted regions as two
arrays, one pattern row and one witness row per region, plus a boolean ``certified`` array
once the exact check (:mod:`regionmath.counting.certify`) has run. Reading one entry gives a
:class:`Region` (pattern tuple, witness, certified).

Witnesses are floats (an LP's point) or exact rationals (the line counter's interval
midpoints, held in an ``object`` array); both are checked exactly.

Examples
--------
>>> import numpy as np
>>> regions = RegionArray.from_regions([Region((1, 0), np.array([0.5, -0.5]))], N=2, n0=2)
>>> len(regions), regions[0].pattern, regions.distinct()
(1, (1, 0), True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

#: why a count stopped early (``CountResult.incomplete_reason``); a complete count has None
INCOMPLETE_REASONS = ("time-limit", "interrupted", "undecided-lp", "solver-failure")


__all__ = ["INCOMPLETE_REASONS", "Region", "RegionArray", "CountResult"]


@dataclass
class Region:
    """One counted region: its flat pattern, a witness point, and whether it was certified."""

    pattern: tuple
    witness: np.ndarray
    certified: Optional[bool] = None


class RegionArray:
    """The counted regions as two arrays (patterns, witnesses), read as :class:`Region` objects.

    A million regions cost ``N*2 + n0*8`` bytes each instead of a Python object apiece.

    Parameters
    ----------
    patterns : ndarray of int, shape (R, N)
        One flat activation pattern per region (relu 0/1; maxout the winning piece).
    witnesses : ndarray, shape (R, n0)
        One point inside each region: floats, or exact rationals in an ``object`` array.
    """

    def __init__(self, patterns, witnesses):
        self.patterns = patterns
        self.witnesses = witnesses
        self.certified = None  # a boolean array once certified

    @classmethod
    def empty(cls, N=0, n0=0) -> "RegionArray":
        """No regions (a count that kept none)."""
        return cls(np.zeros((0, N), dtype=np.int16), np.zeros((0, n0)))

    @classmethod
    def from_regions(cls, regions, N, n0) -> "RegionArray":
        """Pack a list of :class:`Region` (patterns of ``N`` units, witnesses in ``R^n0``).

        Float witnesses stay floats; a witness with a rational entry keeps every witness exact.
        """
        regions = list(regions)
        if not regions:
            return cls.empty(N, n0)
        patterns = np.array([r.pattern for r in regions], dtype=np.int16).reshape(len(regions), N)
        rows = [list(r.witness) for r in regions]
        exact = any(not isinstance(v, (float, int, np.floating, np.integer)) for row in rows for v in row)
        witnesses = np.array(rows, dtype=object if exact else float).reshape(len(regions), n0)
        out = cls(patterns, witnesses)
        if all(r.certified is not None for r in regions):
            out.certified = np.array([bool(r.certified) for r in regions], dtype=bool)
        return out

    @property
    def exact_witnesses(self) -> bool:
        """True when the witnesses are rationals (checked one by one), not floats."""
        return self.witnesses.dtype == object

    def distinct(self) -> bool:
        """True when no pattern repeats (a region is never counted twice)."""
        if not len(self.patterns):
            return True
        # each row as one opaque byte string: sorting those is ~10x faster than unique(axis=0)
        P = np.ascontiguousarray(self.patterns)
        rows = P.view(np.dtype((np.void, P.dtype.itemsize * P.shape[1]))).ravel()
        # sorted, a repeat sits next to its twin (np.unique would load numpy.ma: ~30 ms)
        rows = np.sort(rows)
        return not bool((rows[1:] == rows[:-1]).any())

    def __len__(self):
        return len(self.patterns)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        cert = None if self.certified is None else bool(self.certified[i])
        return Region(tuple(int(v) for v in self.patterns[i]), self.witnesses[i].copy(), cert)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


@dataclass
class CountResult:
    """The outcome of a count.

    ``complete`` is False when the count stopped early: ``count`` is then a lower bound and
    ``incomplete_reason`` says why (one of :data:`INCOMPLETE_REASONS`). ``certified`` is True
    when every counted region's witness passed the exact check and no pattern repeats.
    ``regions`` is a :class:`RegionArray` (empty when the counter was told not to keep them).
    """

    count: int
    method: str
    complete: bool
    seconds: float
    regions: RegionArray = field(default_factory=RegionArray.empty)
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
        import json
        return json.dumps(self.as_dict())
