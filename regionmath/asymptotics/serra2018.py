"""Serra et al. 2018, Theorem 1: the bottleneck and the deep-beats-shallow threshold."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Optional


import sympy as sp

from .. import bounds
from ..architecture import Architecture
from ..bounds import L, k, n, n0, width_symbols  # noqa: F401  (docstring examples use them)
from ..errors import RegionmathError
from .expressions import Keyed, SERRA_THM1, ZASLAVSKY, shallow_value



# -- 4. Serra et al. 2018: structure of Theorem 1 ------------------------------------------------------
def bottleneck_effect(n0_value: int, n1: int, n2: int, bound_id: str = SERRA_THM1) -> int:
    """Sign of ``bound(n1 + 1, n2 - 1) - bound(n1, n2)``: moving one unit from layer 2 to layer 1.

    What holds for Serra et al.'s Theorem 1 (computed for every ``n0 <= 8`` and every split
    of ``N <= 34`` units; the tests recheck it against a brute-force sum over ``J``):

    * ``n1 <= n0`` (the first layer no wider than the input): the move strictly raises the
      bound, whatever ``n2``. This is "for large n0 it strictly helps".
    * ``n1 < n2``: the move never lowers the bound; it leaves it unchanged exactly when
      ``n2 = n1 + 1`` and ``n1 >= 2 n0``.
    * ``n1 >= 2 n0``: the bound is ``Phi(n1, n0) Phi(n2, n0)`` before and after, and since
      ``Phi(m+1, d)/Phi(m, d)`` decreases in ``m``, the sign is that of ``n2 - 1 - n1``: the
      move helps iff ``n1 < n2 - 1`` and hurts iff ``n1 >= n2`` (``n0 = 1``: (2, 2) gives 9,
      (3, 1) gives 8).
    * ``n0 < n1 < 2 n0`` and ``n1 >= n2``: both signs occur (``n0 = 3``: (4, 3) helps,
      (4, 2) hurts).

    So "moving a unit from layer 2 to layer 1 can only help" holds for Theorem 1 while the
    first layer is the narrower one or no wider than the input; it is false in general.
    All of this is about Theorem 1's value. The true maxima can move the other way: at
    ``n0 = 1``, (2, 2) -> (3, 1) lowers Theorem 1 (9 -> 8) but raises the maximum (7 -> 8); a
    move that lowers the true maximum is ``n0 = 1``, (3, 3) -> (4, 2): 16 -> 15, both exact
    (proofs/proof_serra2018_bottleneck.py, which also proves Serra's Prop. 2 for two layers).

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, ICML 2018, Theorem 1 and its discussion.
    """
    if n2 < 2:
        raise RegionmathError(f"layer 2 needs at least 2 units to give one away, got n2={n2}")
    b = bounds.get(bound_id)
    before = b.value(Architecture(n0_value, (n1, n2)))
    after = b.value(Architecture(n0_value, (n1 + 1, n2 - 1)))
    return (after > before) - (after < before)


@dataclass(frozen=True)
class BottleneckSurvey(Keyed):
    """The splits ``(n1, n2)`` where moving a unit from layer 2 to layer 1 ``helps``, is
    ``neutral`` or ``hurts`` (:func:`bottleneck_effect`)."""

    helps: list
    neutral: list
    hurts: list


def bottleneck_survey(n0_value: int, max_units: int, bound_id: str = SERRA_THM1) -> BottleneckSurvey:
    """Every split ``(n1, n2)`` of ``3 <= N <= max_units`` units, grouped by the effect of the move.

    Returns a :class:`BottleneckSurvey` of lists of ``(n1, n2)``.
    """
    out = {"helps": [], "neutral": [], "hurts": []}
    for total in range(3, max_units + 1):
        for n1 in range(1, total - 1):
            sign = bottleneck_effect(n0_value, n1, total - n1, bound_id)
            out[{1: "helps", 0: "neutral", -1: "hurts"}[sign]].append((n1, total - n1))
    return BottleneckSurvey(**out)


def compositions(total: int, max_depth: Optional[int] = None):
    """All width tuples of ``depth >= 2`` layers summing to ``total`` (at most ``max_depth`` layers)."""
    top = total if max_depth is None else min(total, max_depth)
    for depth in range(2, top + 1):
        for cuts in itertools.combinations(range(1, total), depth - 1):
            edges = (0,) + cuts + (total,)
            yield tuple(edges[i + 1] - edges[i] for i in range(depth))


@dataclass(frozen=True)
class DeepVsShallow:
    """The best deep architecture with ``units`` hidden units against the shallow maximum."""

    n0: int
    units: int
    shallow: int                    # Phi(units, n0), the exact shallow maximum
    best_widths: tuple
    best: int                       # the best deep value of ``bound``
    bound: str

    @property
    def deep_can_win(self) -> bool:
        return self.best > self.shallow


def deep_vs_shallow(n0_value: int, units: int, bound_id: str = SERRA_THM1, max_depth: Optional[int] = None,
                    shallow: str = ZASLAVSKY) -> DeepVsShallow:
    """The deep architecture (``>= 2`` layers, ``units`` in all) with the largest ``bound_id``.

    With an upper bound (Serra Thm 1) ``deep_can_win`` False proves that no deep network with
    that many units has more regions than the best shallow one; with a lower bound
    (Montúfar Thm 4, Serra's lower bound) True proves that one has. Architectures where a
    lower bound's hypotheses fail are skipped.

    References
    ----------
    Serra et al., ICML 2018, Theorem 1 and the deep-vs-shallow discussion after it.
    """
    b = bounds.get(bound_id)
    best, best_w = -1, None
    for widths in compositions(units, max_depth):
        arch = Architecture(n0_value, widths)
        if not b.applies(arch):
            continue
        v = b.value(arch)
        if v > best:
            best, best_w = v, widths
    return DeepVsShallow(n0_value, units, shallow_value(n0_value, units, shallow), best_w, best, bound_id)


def deep_beats_shallow_threshold(n0_value: int, bound_id: str = SERRA_THM1, max_units: int = 60,
                                 max_depth: Optional[int] = None) -> Optional[DeepVsShallow]:
    """The smallest number of units at which some deep architecture's ``bound_id`` exceeds
    the shallow maximum (None if none up to ``max_units``).

    For Thm 1 (an upper bound) this is where a deep net *may* first win; for a lower bound
    it is where one provably wins. Computed: for Thm 1 it is ``n0 + 2`` (the widths
    ``(n0 + 1, 1)``: ``2^(n0+2) - 2 > Phi(n0 + 2, n0) = 2^(n0+2) - n0 - 3``); with ``n0 + 1``
    units or fewer no deep architecture's bound exceeds ``Phi(N, n0)``. So "a deep net beats
    every shallow net with the same number of units only if that number exceeds n0" holds,
    and in the sharper form "only if it is at least n0 + 2".
    """
    for total in range(2, max_units + 1):
        # every composition while they are few; up to three layers beyond (they suffice here)
        depth_cap = max_depth if max_depth is not None else (None if total <= 12 else 3)
        r = deep_vs_shallow(n0_value, total, bound_id, depth_cap)
        if r.best_widths is not None and r.deep_can_win:
            return r
    return None
