"""Every floating-point tolerance of the counters, in one place, each with its reason.

The counters decide in floating point only where a decision can be *checked* or *proved*
afterwards; the tolerances below say how hard the float solvers are asked to look, never what
is true. What is counted is decided exactly (:mod:`regionmath.counting.exact_lp`,
:mod:`regionmath.counting.certify`). Every tolerance is relative to the data: the input box
is mapped to ``[-1, 1]^n0`` and every constraint row is normalised (scaled to unit length)
before a float decision, so none depends on the scale of the weights or the width of the box.

Examples
--------
>>> 0 < POINT_MARGIN < MIN_MARGIN < 1
True
>>> rounding_gamma(10) < 1e-14
True
"""

from __future__ import annotations

#: IEEE double unit roundoff (round to nearest): every +, -, *, / errs by at most this factor
UNIT_ROUNDOFF = 2.0 ** -53

#: the enumerator's LP margin, as a fraction of the half-width of the box (rows normalised, so a
#: slack is a distance in box-normalised coordinates): an LP asks for a point with every slack
#: at least this, which HiGHS (feasibility tolerance :data:`LP_FEASTOL`) answers reliably.
#: Thinner regions are not lost: an LP that finds no such point must prove emptiness (a Farkas
#: certificate), else the region is decided exactly.
MIN_MARGIN = 1e-7
#: a known point proves a side when its slack exceeds this fraction of MIN_MARGIN: LP points
#: have slack MIN_MARGIN up to the LP's feasibility tolerance (1e-9), so 0.9 leaves 100x room
POINT_MARGIN_FRACTION = 0.9
POINT_MARGIN = POINT_MARGIN_FRACTION * MIN_MARGIN
#: HiGHS primal/dual feasibility tolerance for the enumerator's LPs (rows of unit norm, the box
#: [-1, 1]^n0): 100x below MIN_MARGIN, so a margin-feasible point is really inside by ~MIN_MARGIN
LP_FEASTOL = 1e-9
#: the witness LP (lp.py) counts a pattern when its largest margin exceeds this; a smaller
#: margin is decided exactly (the float LP cannot tell 1e-10 from 0 reliably)
MARGIN_TOL = 1e-9
#: witness LP's HiGHS feasibility tolerances (its rows are normalised too)
WITNESS_FEASTOL = 1e-10
#: a composed affine function whose coefficients are below this fraction of the magnitude of
#: the terms that produced them (|W| |A|) is *possibly* identically zero: float rounding of
#: ~n*1e-16 per layer cannot tell it from zero, so it is decided exactly
ZERO_TOL = 1e-12
#: filtered exact predicates: a float value v with magnitude bound M (the same computation on
#: absolute values) has the exact value's sign when |v| > FILTER_SAFETY * gamma_K * M (Higham
#: 2002, Sec. 3.1: |fl(s) - s| <= gamma_K * M for a sum of products with K roundings on every
#: path); the safety factor absorbs the rounding of M itself and of the weights' float images
FILTER_SAFETY = 4.0
#: values with magnitude below this are never trusted to the filter (subnormal rounding is
#: absolute, not relative): they go to exact arithmetic
FILTER_TINY = 1e-200
#: SCIP's feasibility tolerance for the MILP count (SCIP's default 1e-6 loses thin regions,
#: measured in bench/milp_count.md); SCIP without GMP refuses below 1e-10
MILP_FEASTOL = 1e-8
#: the MILP's strictness margin on normalised pre-activations: 10x its feasibility tolerance
MILP_EPS = 1e-7
#: the MILP's rows must fit SCIP's numerics: after normalisation, a coefficient below this
#: fraction of its row's largest is below SCIP's epsilon (1e-9) and would be dropped
MILP_MIN_RATIO = 1e-9
#: relative widening of LP-derived bounds (big-M) against float error: the LP solves to 1e-7
#: relative accuracy at worst (HiGHS default tolerances)
BOUND_SAFETY = 1e-7
#: the search's float line objective (counting/line.py): breakpoints of a 1-D network closer
#: than this (relative to max(1, |x|)) are one; finer than the enumerator's margin, and the
#: exact certificate (distinct patterns) rejects a spurious split
LINE_GAP = 1e-9
#: the exact simplex's default time per decision inside the float counters (seconds): the
#: fallback is for rare near-degenerate cases; past this the count says "undecided-lp"
EXACT_SECONDS = 30.0

#: seconds a count must have left to compile the enumerator's numba kernels when numba's disk
#: cache does not hold them yet (measured 15-50 s on a shared 2-core machine; loading the
#: cache takes about a second); a shorter count runs on HiGHS alone
KERNEL_COMPILE_SECONDS = 60.0
#: networks with fewer units than this run on HiGHS alone: at most ~N 2^N < 10^4 LPs, under a
#: second of HiGHS, less than importing numba and loading the kernels
KERNEL_MIN_UNITS = 10


def rounding_gamma(k: int) -> float:
    """Higham's ``gamma_k = k u / (1 - k u)``: the relative error bound of ``k`` roundings."""
    ku = k * UNIT_ROUNDOFF
    return ku / (1.0 - ku)

__all__ = ["UNIT_ROUNDOFF", "MIN_MARGIN", "POINT_MARGIN_FRACTION", "POINT_MARGIN", "LP_FEASTOL", "MARGIN_TOL", "WITNESS_FEASTOL", "ZERO_TOL", "FILTER_SAFETY", "FILTER_TINY", "MILP_FEASTOL", "MILP_EPS", "MILP_MIN_RATIO", "BOUND_SAFETY", "LINE_GAP", "EXACT_SECONDS", "KERNEL_COMPILE_SECONDS", "KERNEL_MIN_UNITS"]
