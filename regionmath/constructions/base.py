"""The construction registry: :class:`Construction`, ``@register(id)`` and :func:`build`.

Kept apart from the families (:mod:`~regionmath.constructions.relu`,
:mod:`~regionmath.constructions.maxout`) so that they import it without importing the package
that imports them (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from ..architecture import Architecture
from ..errors import HypothesisError, RegionmathError


@dataclass
class Construction:
    """A network realising a bound, with the count it is claimed to have.

    Attributes
    ----------
    id : str
        The id of the bound it realises (``regionmath.bounds.get(id)``), or ``"shi"`` /
        ``"catalan"`` for the arrangement layers.
    network : Network
        Exact rational weights; ``network.box`` is the domain.
    domain : (lo, hi)
        The box in which the regions are counted (lists of Fractions).
    claimed : int
        The number of regions claimed in the domain (the registry's value).
    exact : bool
        True when the count should equal ``claimed``; False when it should be at least
        ``claimed`` (the construction beats the bound, or counts extra regions outside the
        identified part of the domain).
    designed : int or None
        The count the weights are designed to produce when it is known exactly (it equals
        ``claimed`` when ``exact``); None when only ``>= claimed`` is known.
    notes : str
        What the construction does and any choice it makes.
    """

    id: str
    network: object
    domain: tuple
    claimed: int
    exact: bool
    designed: Optional[int] = None
    notes: str = ""
    architecture: Optional[Architecture] = field(default=None, repr=False)

    def __str__(self):
        rel = "=" if self.exact else ">="
        return f"{self.id} on {self.network.architecture}: {rel} {self.claimed} regions in the box"


#: id -> construction function(arch) -> Construction
REGISTRY: dict = {}


def register(construction_id: str):
    """Decorator: file a construction function under the bound id it realises."""
    def deco(fn: Callable):
        if construction_id in REGISTRY:
            raise ValueError(f"duplicate construction id {construction_id!r}")
        REGISTRY[construction_id] = fn
        fn.construction_id = construction_id
        return fn
    return deco


def ids() -> list:
    """The ids with a construction."""
    return sorted(REGISTRY)


#: one-layer constructions: with ``F = h_1`` every activation region is a piece of ``F`` (two
#: neighbours differ in one unit, whose output is 0 or one piece on one side and a different
#: affine function on the other), so they serve both definitions unchanged
SHALLOW = ("zaslavsky", "montufar2014-prop7-lower", "shi", "catalan")


def build(construction_id: str, arch: Architecture, for_pieces: bool = False) -> Construction:
    """The construction realising ``construction_id`` on ``arch``.

    ``for_pieces=True`` asks for weights whose every activation region is a linear region of
    the function (Montúfar 2014's definition): the folding constructions orient their last
    layer so that no region has every unit off (needs ``n_L > n0``); one-layer constructions
    are unchanged (:data:`SHALLOW`).

    Raises :class:`~regionmath.errors.RegionmathError` for an unknown id (or one without a
    variant for pieces) and :class:`~regionmath.errors.HypothesisError` (naming the
    hypothesis) when the construction does not apply to ``arch``.
    """
    if not isinstance(arch, Architecture):
        raise RegionmathError(f"build needs an Architecture, got {type(arch).__name__}")
    fn = REGISTRY.get(construction_id)
    if fn is None:
        raise RegionmathError(f"no construction for {construction_id!r}; constructions exist for: {', '.join(ids())}")
    if for_pieces and construction_id not in SHALLOW:
        import inspect
        if "for_pieces" not in inspect.signature(fn).parameters:
            raise RegionmathError(f"{construction_id} has no variant for the function's pieces; variants exist for: "
                                  f"{', '.join(pieces_variants())}")
        c = fn(arch, for_pieces=True)
    else:
        c = fn(arch)
    c.architecture = arch
    return c


def pieces_variants() -> list:
    """The ids whose construction has weights for the function's pieces (see :func:`build`)."""
    import inspect
    return sorted(i for i, fn in REGISTRY.items()
                  if i in SHALLOW or "for_pieces" in inspect.signature(fn).parameters)


def claimed_value(bound_id: str, arch: Architecture) -> int:
    """The registry's value of ``bound_id`` at ``arch`` (raises HypothesisError if it does not apply)."""
    from .. import bounds
    if bound_id not in bounds.REGISTRY:
        raise RegionmathError(f"the bound {bound_id!r} is not in the registry yet; known ids: "
                              f"{', '.join(sorted(bounds.REGISTRY))}")
    return bounds.get(bound_id).value(arch)


def require(construction_id: str, arch: Architecture, conditions) -> None:
    """Raise HypothesisError naming every ``(holds, words)`` condition that fails."""
    bad = [words for holds, words in conditions if not holds]
    if bad:
        raise HypothesisError(construction_id, bad)
