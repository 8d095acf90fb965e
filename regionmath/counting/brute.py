"""Brute-force region counting: every activation pattern tested by the witness LP.

The reference the other counters are tested against; tiny networks only. Patterns are
built unit by unit: both states of a relu unit (every piece of a maxout unit) are tried
after each pattern of the earlier units that has a region, and kept when the witness LP
(:func:`regionmath.counting.lp.witness_lp`) of the partial pattern has a positive margin.
Dropping the extensions of an empty prefix loses nothing: a pattern's region lies inside
the region of each of its prefixes. No bound, no cheaper test, no shortcut: every surviving
prefix costs one LP per state.

Examples
--------
>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1, 0], [0, 1], [1, 1]]], [[0, 0, "1/2"]], box=([-1, -1], [1, 1]))
>>> count_brute(net).count      # three lines in general position cut the square into 7
7
"""

from __future__ import annotations

import time

from .result import CountResult, Region, RegionArray
from ..errors import RegionmathError
from .exact_lp import decide_pattern
from .lp import MARGIN_TOL, witness_lp

#: refuse networks with more patterns per layer than this
MAX_LAYER_PATTERNS = 2 ** 12


__all__ = ["MAX_LAYER_PATTERNS", "count_brute"]


def count_brute(network, time_limit=None, definition="interior", progress=None, **options) -> CountResult:
    """Count regions by testing every pattern, layer by layer, with the witness LP.

    Parameters
    ----------
    network : Network
    time_limit : float or None
        Stop after this many seconds with ``complete=False``.
    definition : {"interior", "serra2018"}
        "serra2018" (relu only): inactive units closed, as printed in Serra et al. 2018.
    progress : callable or None
        Called with ``{"count", "seconds", "layer"}`` after each layer.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, "Bounding and counting linear regions of deep neural
    networks", ICML 2018, Sec. 4.
    """
    closed = definition == "serra2018"
    if closed and network.activation != "relu":
        raise RegionmathError("definition serra2018 is defined for relu networks only; use interior")
    choices = (0, 1) if network.activation == "relu" else tuple(range(network.rank))
    worst = max(len(choices) ** w for w in network.widths)
    if worst > MAX_LAYER_PATTERNS:
        raise RegionmathError(f"brute force tries {worst} patterns per layer; allowed at most "
                              f"{MAX_LAYER_PATTERNS} (use method milp or enumerate)")
    start = time.perf_counter()
    prefixes = [((), None)]
    complete, reason = True, None
    for l, width in enumerate(network.widths, 1):
        for unit in range(width):
            found = []
            for prefix, _ in prefixes:
                for s in choices:
                    if time_limit is not None and time.perf_counter() - start > time_limit:
                        complete, reason = False, "time-limit"
                        break
                    if closed:
                        w = witness_lp(network, prefix + (s,), closed_inactive=True)
                        if w.point is not None and w.margin > MARGIN_TOL:
                            found.append((prefix + (s,), w.point))
                        continue
                    # the toolkit's definition: decided exactly (a float LP whose point or
                    # duals are checked in rationals, else the exact simplex)
                    d = decide_pattern(network, prefix + (s,), deadline=start + time_limit if time_limit else None)
                    if d.nonempty is None:
                        complete, reason = False, "undecided-lp"
                        break
                    if d.nonempty:
                        found.append((prefix + (s,), _float_witness(d.witness)))
                if not complete:
                    break
            prefixes = found
            if not complete:
                break
        if progress is not None:
            progress({"count": len(prefixes), "seconds": time.perf_counter() - start, "layer": l})
        if not complete:
            prefixes = []     # nothing of the last layer is known for sure
            break
    regions = RegionArray.from_regions([Region(p, x) for p, x in prefixes], network.N, network.n0)
    return CountResult(len(regions), "brute", complete, time.perf_counter() - start, regions,
                       definition=definition, incomplete_reason=reason)


def _float_witness(x):
    """The witness as floats when they are exactly the rational point, else the rationals."""
    from fractions import Fraction
    fl = [float(v) for v in x]
    if all(Fraction(f) == Fraction(int(v.numerator), int(v.denominator)) for f, v in zip(fl, x)):
        return fl
    return [Fraction(int(v.numerator), int(v.denominator)) for v in x]
