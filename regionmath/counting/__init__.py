"""Counting the linear (activation) regions of a concrete network.

What is counted: the activation patterns whose set of inputs in the domain (a box, or all of
``R^n0``) has a non-empty interior. Every counted region carries a witness point, and the count
is ``certified`` when every witness was checked exactly (:mod:`regionmath.counting.certify`:
a float filter with a rigorous error bound, exact integer arithmetic wherever it is
inconclusive) and no pattern repeats.

``count_regions(network, domain, method=...)`` dispatches through :data:`COUNTING_METHODS`,
one entry per algorithm (the CLI, :mod:`regionmath.verify` and :mod:`regionmath.search` read
the same table):

* ``"enumerate"``: exact depth-first enumeration with warm-started LPs
  (:mod:`regionmath.counting.enumerate`, run by :mod:`regionmath.counting.parallel`);
* ``"milp"``: Serra, Tjandraatmadja, Ramalingam 2018, Sec. 4: the MILP of the network with
  SCIP's counting mode (:mod:`regionmath.counting.milp`);
* ``"brute"``: every pattern tested by an LP (tiny networks only; a reference for tests);
* ``"line"``: one input, exact rational breakpoints, no LP (:mod:`regionmath.counting.line`).

Every counter returns a :class:`CountResult` whose ``regions`` is a :class:`RegionArray`
(:mod:`regionmath.counting.result`).

Examples
--------
>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1], [1], [1]]], [[-100, 0, 100]])
>>> count_regions(net, method="line").count, count_regions(net, domain=RN0, method="line").count
(2, 4)
>>> sorted(COUNTING_METHODS)
['brute', 'enumerate', 'line', 'milp']
"""

from __future__ import annotations

import importlib
import math
import numbers
import time
from dataclasses import dataclass

from ..errors import RegionmathError

__all__ = ["count_regions", "CountResult", "Region", "RegionArray", "CountingMethod", "COUNTING_METHODS",
           "METHODS", "DEFINITIONS", "DOMAINS", "RN0", "INCOMPLETE_REASONS"]

# The result types load numpy: they are imported on first use, so that the command line can
# read the method table (its --help) without numpy.
_RESULT_NAMES = ("INCOMPLETE_REASONS", "CountResult", "Region", "RegionArray")


def __getattr__(name):
    if name in _RESULT_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.result"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_RESULT_NAMES))


#: the share of a time limit given to the counter; the rest is for certifying what it found
CERTIFY_SHARE = 0.95

#: the domain "all of R^n0" (any other domain is a box)
RN0 = "R^n0"
DOMAINS = ("box", RN0)
#: "pieces" (the function's linear regions) is counted by any method that counts "interior"
#: regions, then joined (:mod:`regionmath.counting.pieces`)
DEFINITIONS = ("interior", "serra2018", "pieces")


@dataclass(frozen=True)
class CountingMethod:
    """One counting algorithm: where it lives and what it can count.

    ``function`` is ``"module:function"`` inside :mod:`regionmath.counting`, imported on first
    use (so that ``import regionmath.counting`` loads no solver).
    """

    name: str
    function: str
    summary: str
    domains: tuple = ("box",)
    definitions: tuple = ("interior",)
    one_input: bool = False

    def load(self):
        module, name = self.function.split(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)

    def check(self, network, domain, definition):
        """Raise RegionmathError when this method cannot count ``network`` this way."""
        if definition not in self.definitions:
            raise RegionmathError(f"method {self.name} counts definition(s) {', '.join(self.definitions)} only, "
                                  f"got {definition!r}")
        if domain not in self.domains:
            raise RegionmathError(f"method {self.name} counts in {' or '.join(self.domains)} only, got {domain!r}"
                                  + ("; the MILP's big-M constants and the brute-force LPs need a bounded box"
                                     if domain == RN0 else ""))
        if self.one_input and network.n0 != 1:
            raise RegionmathError(f"method {self.name} counts networks with one input; this one has {network.n0}")


#: every counting method, by name
COUNTING_METHODS = {m.name: m for m in (
    CountingMethod("enumerate", "parallel:count_enumerate",
                   "exact depth-first enumeration with warm-started LPs; local processes or Dask",
                   domains=("box", RN0)),
    CountingMethod("milp", "milp:count_milp", "Serra et al. 2018's MILP, counted by SCIP",
                   definitions=("interior", "serra2018")),
    CountingMethod("brute", "brute:count_brute", "every pattern tested by an LP (tiny networks; a reference)",
                   definitions=("interior", "serra2018")),
    CountingMethod("line", "line:count_line", "one input: exact rational breakpoints, no LP",
                   domains=("box", RN0), one_input=True),
)}
#: the names ``count_regions`` accepts ("auto" chooses)
METHODS = ("auto",) + tuple(COUNTING_METHODS)


def count_regions(network, domain=None, method="auto", time_limit=None, definition="interior",
                  certify=True, progress=None, **options) -> CountResult:
    """Count the activation regions of ``network`` in ``domain``.

    Parameters
    ----------
    network : Network or path
        A network, or the path of a network file (``.npz``, see :meth:`Network.load`).
    domain : None, (lo, hi) or "R^n0"
        None: the network's box; ``(lo, hi)``: another box (each side one number or ``n0``
        numbers); :data:`RN0`: all of ``R^n0`` (methods enumerate and line).
    method : {"auto", "enumerate", "milp", "brute", "line"}
        See :data:`COUNTING_METHODS`; "auto" takes the enumerator (the MILP for "serra2018").
    time_limit : float or None
        Seconds for counting and certifying (the counter gets :data:`CERTIFY_SHARE` of them);
        when reached the result has ``complete=False``, ``incomplete_reason="time-limit"`` and
        the count found so far.
    definition : {"interior", "serra2018", "pieces"}
        "interior" counts patterns whose region has non-empty interior (the toolkit's
        definition); "serra2018" counts what the MILP as printed in Serra et al. 2018 accepts
        (active units strict, inactive units closed), which can include flat regions;
        "pieces" counts the linear regions of the network's function (Montúfar et al. 2014,
        Sec. 2.1): the "interior" regions joined across common facets where the function's
        affine maps agree (:mod:`regionmath.counting.pieces`).
    certify : bool
        Check every witness in exact arithmetic (:func:`certify_count`); for "pieces" also
        prove every join.
    progress : callable or None
        Called with a dict (``count``, ``seconds``, ...) now and then on long counts.
    **options
        Passed to the method's function (e.g. ``jobs``, ``checkpoint`` for the enumerator).

    Returns
    -------
    CountResult
        ``incomplete_reason`` says why an incomplete count stopped (:data:`INCOMPLETE_REASONS`).

    Raises
    ------
    RegionmathError
        For an unknown method, definition or domain, a method that cannot count this network
        or domain, a time limit that is not a positive number, or a network that is neither a
        Network nor the path of a network file (one line saying what is allowed).
    """
    network = _network_argument(network)
    if method not in METHODS:
        raise RegionmathError(f"unknown counting method {method!r}; allowed: {', '.join(METHODS)}")
    if definition not in DEFINITIONS:
        raise RegionmathError(f"unknown definition {definition!r}; allowed: {', '.join(DEFINITIONS)}")
    time_limit = check_time_limit(time_limit)
    if progress is not None and not callable(progress):
        raise RegionmathError(f"progress must be a callable or None, got {type(progress).__name__}")
    if options.pop("unbounded", False):   # the older spelling of domain=RN0
        domain = RN0
    if isinstance(domain, str):
        if domain != RN0:
            raise RegionmathError(f"unknown domain {domain!r}; allowed: a box (lo, hi), None (the network's box) "
                                  f"or {RN0!r}")
        kind = RN0
    else:
        kind = "box"
        if domain is not None:
            try:
                lo, hi = domain
            except (TypeError, ValueError):
                raise RegionmathError("domain must be None, a pair (lo, hi) of numbers or n0-vectors, "
                                      f"or {RN0!r}") from None
            network = network.with_box(lo, hi)
    if method == "auto":
        method = _default_method(network, definition)
    counter = COUNTING_METHODS[method]
    base = "interior" if definition == "pieces" else definition
    counter.check(network, kind, base)
    if kind == RN0:
        options["unbounded"] = True
    start = time.perf_counter()
    deadline = None if time_limit is None else time.time() + time_limit
    # the counter stops at 95% of the limit: the exact certification of what it found comes on
    # top, and the whole stays within 5% of the limit
    budget = None if time_limit is None else CERTIFY_SHARE * time_limit if certify else time_limit
    result = counter.load()(network, time_limit=budget, definition=base, progress=progress, **options)
    if not result.complete and result.incomplete_reason is None:
        # a counter that does not say why (milp, brute, line) stops early only at its time
        # limit or when interrupted (SCIP's "userinterrupt"): without a limit it was interrupted
        interrupted = result.info.get("interrupted") or time_limit is None
        result.incomplete_reason = "interrupted" if interrupted else "time-limit"
    if certify and base == "interior":
        try:
            certify_count(network, result, bounded=kind == "box")
        except KeyboardInterrupt:   # the count stands; its certificate is unknown
            result.certified = None
            result.info["certification"] = "interrupted"
    if definition == "pieces":
        from .pieces import join_pieces
        result = join_pieces(network, result, unbounded=kind == RN0, certify=certify, deadline=deadline)
    result.seconds = time.perf_counter() - start
    return result


def _network_argument(network):
    """A Network, or the path of a network file (loaded)."""
    from ..network import Network
    if isinstance(network, Network):
        return network
    if isinstance(network, (str, bytes)) or hasattr(network, "__fspath__"):
        return Network.load(network)
    raise RegionmathError(f"network must be a regionmath Network or the path of a .npz network file, "
                          f"got {type(network).__name__}")


def check_time_limit(time_limit):
    """``time_limit`` as a float number of seconds (None: no limit); anything else raises."""
    if time_limit is None:
        return None
    if isinstance(time_limit, bool) or not isinstance(time_limit, numbers.Real):   # numpy's too
        raise RegionmathError(f"time limit must be a positive number of seconds or None, got {time_limit!r}")
    if not (time_limit > 0 and math.isfinite(time_limit)):
        raise RegionmathError(f"time limit must be a positive, finite number of seconds, got {time_limit!r}")
    return float(time_limit)


def certify_count(network, result, bounded=True) -> bool:
    """The one certification contract of every count, in a box or in ``R^n0``.

    ``result.certified`` becomes True when every region's witness passes the exact check
    (:func:`regionmath.counting.certify.certify_regions`; a region whose witness fails is
    decided exactly, :func:`_recertify`), no pattern repeats, and the regions number
    ``result.count``. Then ``result.count`` is a proved lower bound on the regions, and their
    number when the count is complete (every counter proves the branches it drops).
    """
    from .certify import certify_regions
    ok = certify_regions(network, result.regions, bounded)
    if not ok:
        ok = _recertify(network, result, bounded)
    regions = result.regions
    result.certified = bool(ok and regions.distinct() and len(regions) == result.count)
    return result.certified


def _recertify(network, result, bounded) -> bool:
    """Decide exactly every counted region whose witness failed the exact check.

    A float search may return a point of a very thin region that rounding puts just outside
    it, or (near-degenerate data) a pattern whose region is empty. Each such pattern is
    decided in exact arithmetic (:func:`regionmath.counting.exact_lp.decide_pattern`): a
    non-empty region gets an exact rational witness, an empty one is removed from the count,
    and one the exact decision cannot settle in time makes the count incomplete
    (``undecided-lp``). Returns True when every remaining region is certified.
    """
    from fractions import Fraction

    import numpy as np

    from .exact_lp import decide_pattern
    from .result import Region, RegionArray
    regions = result.regions
    if regions.certified is None:
        regions.certified = np.zeros(len(regions), dtype=bool)
    keep = np.ones(len(regions), dtype=bool)
    fixed, undecided = {}, False
    for i in np.nonzero(~regions.certified)[0].tolist():
        pattern = tuple(int(v) for v in regions.patterns[i])
        d = decide_pattern(network, pattern, bounded)
        if d.nonempty is None:
            undecided = True
        elif d.nonempty:
            fixed[i] = [Fraction(int(v.numerator), int(v.denominator)) for v in d.witness]
        else:
            keep[i] = False
    if fixed or not keep.all():
        out = []
        for i in np.nonzero(keep)[0].tolist():
            r = regions[i]
            out.append(Region(r.pattern, fixed[i], True) if i in fixed else r)
        dropped = int((~keep).sum())
        result.regions = RegionArray.from_regions(out, network.N, network.n0)
        result.count -= dropped
        result.info["exact_recertified"] = len(fixed)
        result.info["dropped_empty"] = dropped
    if undecided:
        result.complete, result.incomplete_reason = False, "undecided-lp"
    return bool(not undecided and (result.regions.certified is not None and result.regions.certified.all()))


def _default_method(network, definition):
    # the enumerator is faster than SCIP at every size measured (bench/bench_enumerate.md);
    # only the MILP implements Serra's printed definition
    return "milp" if definition == "serra2018" else "enumerate"
