"""Verify a construction: count its regions, certify every witness, compare with the claim.

:func:`verify` counts the activation regions of a :class:`~regionmath.constructions.Construction`
in its domain with :func:`regionmath.counting.count_regions` and checks every region's
witness point in exact rational arithmetic. The construction *agrees* when the count is
complete and certified and equals the claim (``construction.exact``) or is at least the claim
(a construction that beats the bound it realises).

The counting methods are those of :data:`regionmath.counting.COUNTING_METHODS`; for a network
with one input, ``method="line"`` counts exactly without LPs
(:func:`regionmath.counting.line.count_line`), a second, independent method for tests.

:func:`verification_rows` runs a list of cases (default :data:`DEFAULT_CASES`, about a minute
in all) and returns the rows of the verification table.

Examples
--------
>>> from regionmath import Architecture
>>> from regionmath.constructions import build
>>> report = verify(build("montufar2014-thm4", Architecture(1, (3, 3, 2))), method="line")
>>> report.claimed, report.counted, report.agrees, report.certified
(27, 27, True, True)
>>> print(report)                                    # doctest: +ELLIPSIS
montufar2014-thm4 on 1->3-3-2: claimed 27, counted 27 (line, complete, certified): agrees (exact ...
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from .architecture import Architecture
from .counting import METHODS  # noqa: F401  (the one method table, re-exported)
from .errors import RegionmathError


__all__ = ["VerificationReport", "count", "verify", "DEFAULT_CASES", "verification_rows", "pieces_verdict"]


@dataclass
class VerificationReport:
    """Claimed vs counted for one construction.

    ``agrees`` is True when the count is certified and equals the claim (an exact
    construction; the count complete) or is at least the claim (``exact`` False; an
    incomplete count is a lower bound and can show that). It is False only when a complete
    count is below the claim (or, for an exact construction, differs from it), and None --
    inconclusive -- otherwise: an incomplete count that has not reached the claim, or a count
    whose witnesses were not all certified.
    """

    construction: str
    architecture: str
    claimed: int
    counted: int
    method: str
    agrees: Optional[bool]
    certified: Optional[bool]
    complete: bool
    seconds: float
    exact: bool = True
    designed: Optional[int] = None
    notes: str = ""
    regions: list = field(default_factory=list, repr=False)
    incomplete_reason: Optional[str] = None
    about: str = "both"                      # the count the source states the claim for
    pieces: Optional[int] = None             # the function's linear regions (Montufar 2014)
    pieces_certified: Optional[bool] = None  # every join proved exactly (and every region)
    agrees_pieces: Optional[bool] = None     # the claim read for pieces holds for this network

    @property
    def verdict(self) -> str:
        """``"agrees"``, ``"disagrees"`` or ``"inconclusive"``."""
        return {True: "agrees", False: "disagrees", None: "inconclusive"}[self.agrees]

    def as_dict(self) -> dict:
        """JSON-ready: exact integers as decimal strings."""
        return {"construction": self.construction, "architecture": self.architecture,
                "claimed": str(self.claimed), "counted": str(self.counted), "method": self.method,
                "agrees": self.agrees, "verdict": self.verdict, "certified": self.certified,
                "complete": self.complete, "incomplete_reason": self.incomplete_reason,
                "exact": self.exact, "seconds": round(self.seconds, 3), "about": self.about,
                "pieces": None if self.pieces is None else str(self.pieces),
                "pieces_certified": self.pieces_certified, "agrees_pieces": self.agrees_pieces}

    def __str__(self):
        state = "complete" if self.complete else f"INCOMPLETE: {self.incomplete_reason or 'stopped early'}"
        cert = {True: "certified", False: "NOT certified", None: "not certified"}[self.certified]
        rule = "exact construction: counted == claimed" if self.exact else "lower bound: counted >= claimed"
        if self.agrees is None:
            verdict = (f"inconclusive (counted at least {self.counted} of the claimed {self.claimed})"
                       if not self.complete else "inconclusive (the count is not certified)")
        else:
            verdict = "agrees" if self.agrees else "DISAGREES"
        pieces = "" if self.pieces is None else (
            f"; pieces {self.pieces}: " + pieces_verdict(self.agrees_pieces, self.about, words=True))
        return (f"{self.construction} on {self.architecture}: claimed {self.claimed}, counted {self.counted} "
                f"({self.method}, {state}, {cert}): {verdict} ({rule}){pieces}; {self.seconds:.2f} s")


def pieces_verdict(agrees_pieces, about, words=False) -> str:
    """How a claim read for pieces came out: a value stated for activation regions only that
    pieces do not reach refutes nothing ("not claimed"); one stated for pieces does.

    ``words``: "agrees" / "DISAGREES" (a report line) instead of "yes" / "NO" (a table cell).
    """
    if agrees_pieces is False and about == "activation regions":
        return "not reached (not claimed for pieces)" if words else "no (not claimed)"
    if agrees_pieces is None:
        return "-"
    if words:
        return "agrees" if agrees_pieces else "DISAGREES"
    return "yes" if agrees_pieces else "NO"


def count(network, method="auto", time_limit=None, progress=None):
    """Count and certify the regions of ``network`` in its box with ``method`` (one of
    :data:`regionmath.counting.METHODS`)."""
    from .counting import count_regions
    return count_regions(network, method=method, time_limit=time_limit, progress=progress)


def verify(construction, method="auto", time_limit=None, progress=None) -> VerificationReport:
    """Count a construction's regions in its domain, certify them, compare with the claim.

    Parameters
    ----------
    construction : Construction
    method : {"auto", "enumerate", "milp", "brute", "line"}
        ``"line"`` is the exact breakpoint count for one input; ``"auto"`` lets
        :func:`regionmath.counting.count_regions` choose.
    time_limit : float or None
        Seconds; an incomplete count can still establish ``>= claim`` for a construction that
        is not exact, never ``== claim``.
    progress : callable or None
        Passed to the counter.

    Returns
    -------
    VerificationReport

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, "Bounding and counting linear regions of deep neural
    networks", ICML 2018, Sec. 4 (counting regions of a given network).
    """
    if time_limit is not None and not time_limit > 0:
        raise RegionmathError(f"time limit must be a positive number of seconds, got {time_limit!r}")
    start = time.perf_counter()
    result = count(construction.network, method=method, time_limit=time_limit, progress=progress)
    counted, claimed = int(result.count), int(construction.claimed)
    certified = result.certified
    agrees = verdict(counted, claimed, bool(result.complete), certified is True, construction.exact)
    pieces = pieces_certified = agrees_pieces = None
    if result.complete:
        pieces, pieces_certified = count_pieces_of(construction.network, result)
        # read for pieces the claim is a lower bound on the maximum: this network must reach it
        agrees_pieces = verdict(pieces, claimed, True, pieces_certified, exact=False)
    return VerificationReport(construction=construction.id, architecture=str(construction.network.architecture),
                              claimed=claimed, counted=counted, method=result.method, agrees=agrees,
                              certified=certified, complete=bool(result.complete),
                              seconds=time.perf_counter() - start, exact=construction.exact,
                              designed=construction.designed, notes=construction.notes, regions=result.regions,
                              incomplete_reason=None if result.complete else result.incomplete_reason,
                              about=claim_about(construction.id), pieces=pieces,
                              pieces_certified=pieces_certified, agrees_pieces=agrees_pieces)


def claim_about(construction_id) -> str:
    """Which count the source states the claim for (the registry's ``about``; "both" otherwise)."""
    from . import bounds
    return bounds.REGISTRY[construction_id].about if construction_id in bounds.REGISTRY else "both"


def count_pieces_of(network, regions_result):
    """``(pieces, certified)``: the function's linear regions, joined from a complete count of the
    activation regions (:func:`regionmath.counting.pieces.pieces_of_regions`)."""
    from .counting.pieces import _float_witnesses, pieces_of_regions
    regions = regions_result.regions
    joined = pieces_of_regions(network, regions.patterns, witnesses=_float_witnesses(regions))
    return int(joined["count"]), bool(regions_result.certified and joined["undecided"] == 0
                                      and joined["uncertified"] == 0)


def verdict(counted, claimed, complete, certified, exact):
    """True (agrees), False (disagrees) or None (inconclusive) for a count against a claim.

    Parameters
    ----------
    counted, claimed : int
    complete : bool
        An incomplete count is a lower bound on the regions.
    certified : bool
        Every counted region's witness passed the exact check (the count is a proved lower
        bound).
    exact : bool
        The claim is the exact number of regions (else a lower bound on them).

    Examples
    --------
    >>> verdict(10, 12, complete=False, certified=True, exact=True)    # None: inconclusive
    >>> verdict(10, 12, complete=True, certified=True, exact=True)
    False
    >>> verdict(12, 12, complete=False, certified=True, exact=False)   # >= shown on the way
    True
    """
    if complete and (counted < claimed or (exact and counted != claimed)):
        return False             # the whole count is below (or, exactly, off) the claim
    if certified and not exact and counted >= claimed:
        return True              # proved lower bound reaches the claim, complete or not
    if certified and exact and complete and counted == claimed:
        return True
    if certified and exact and counted > claimed:
        return False             # more proved regions than an exact claim allows
    return None


#: (construction id, Architecture) pairs of the verification table; about a minute in all
DEFAULT_CASES = (
    ("zaslavsky", Architecture(2, (5,))),
    ("zaslavsky", Architecture(3, (6,))),
    ("pascanu2013", Architecture(2, (5, 4))),
    ("montufar2014-thm4", Architecture(1, (3, 4, 3))),
    ("montufar2014-thm4", Architecture(2, (4, 3))),
    ("montufar2014-thm4", Architecture(2, (5, 2, 3))),
    ("montufar2014-thm4-eq7", Architecture(2, (5, 3))),
    ("montufar2014-thm4-eq7", Architecture(3, (4, 3))),
    ("serra2018-exact-1d", Architecture(1, (3, 4, 3))),
    ("serra2018-lower", Architecture(2, (6, 3))),
    ("serra2018-lower", Architecture(2, (7, 2))),
    ("arora2018", Architecture(2, (6, 3, 3))),
    ("serra2018-arora-improved", Architecture(2, (6, 3, 3))),
    ("montufar2014-prop7-lower", Architecture(2, (3,), "maxout", 3)),
    ("montufar2014-prop7-lower", Architecture(3, (2,), "maxout", 4)),
    ("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 3)),
    ("montufar2014-thm8", Architecture(1, (1, 1, 1), "maxout", 2)),
    ("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 4)),
    ("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 5)),
    ("shi", Architecture(3, (3,), "maxout", 3)),
    ("catalan", Architecture(3, (3,), "maxout", 4)),
    ("xiong2020-deep-lower", Architecture.cnn((1, 2, 2), ["2:1x1", "2:2x2:s2"])),
    ("xiong2020-deep-lower", Architecture.cnn((2, 1, 1), ["4:1x1", "2:1x1"])),
)


def verification_rows(cases=None, method="auto", time_limit=None, progress=None) -> list:
    """Build and verify each case; one row per case for the verification table.

    Each row is a dict with ``construction, architecture, claimed, counted, method, certified,
    complete, agrees, seconds`` (``claimed``/``counted`` exact ints), and for the function's
    pieces ``about`` (the count the source states the claim for), ``pieces`` (of the same
    network), ``pieces_variant`` (of the construction's variant for pieces, None when it has
    none or the architecture does not allow it), ``pieces_certified`` and ``agrees_pieces`` (the
    claim read for pieces holds for one of the two networks). A case whose registry entry is
    missing or whose hypotheses fail gives a row with ``counted`` None and the reason in
    ``error``.
    """
    from .constructions import build
    rows = []
    for cid, arch in (DEFAULT_CASES if cases is None else cases):
        try:
            report = verify(build(cid, arch), method=method, time_limit=time_limit)
        except RegionmathError as e:
            rows.append({"construction": cid, "architecture": str(arch), "claimed": None, "counted": None,
                         "method": method, "certified": None, "complete": False, "agrees": False,
                         "seconds": 0.0, "error": str(e), "about": claim_about(cid), "pieces": None,
                         "pieces_variant": None, "pieces_certified": None, "agrees_pieces": None})
            continue
        variant = None
        agrees_pieces, pieces_certified = report.agrees_pieces, report.pieces_certified
        if not agrees_pieces:
            try:
                other = verify(build(cid, arch, for_pieces=True), method=method, time_limit=time_limit)
                variant = other.pieces
                agrees_pieces, pieces_certified = other.agrees_pieces, other.pieces_certified
            except RegionmathError:
                pass
        rows.append({"construction": cid, "architecture": report.architecture, "claimed": report.claimed,
                     "counted": report.counted, "method": report.method, "certified": report.certified,
                     "complete": report.complete, "agrees": report.agrees, "seconds": report.seconds,
                     "about": report.about, "pieces": report.pieces, "pieces_variant": variant,
                     "pieces_certified": pieces_certified, "agrees_pieces": agrees_pieces})
        if progress is not None:
            progress(rows[-1])
    return rows
