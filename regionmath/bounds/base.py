"""The bound registry: one :class:`Bound` object per published result.

A registry entry is the single source of a bound's value, sympy expression, asymptotic form,
hypotheses and citation; tables, the command line and proofs/ read it and never restate a
formula.

Symbols
-------
``n0`` (input dimension), ``n_1, ..., n_L`` (widths; :func:`width_symbols`), ``n`` (a uniform
width), ``L`` (depth), ``k`` (maxout rank): all positive integers.

Conventions for an entry
------------------------
* ``hypotheses(arch)`` returns the violated conditions in words (empty: it applies);
* ``value(arch)`` returns an exact int and raises :class:`~regionmath.errors.HypothesisError`
  naming the violated conditions; an asymptotic-only result has ``has_value = False`` and
  ``value`` raises as well;
* ``expr(arch)`` is a sympy expression in the symbols of ``arch`` (``n0``, ``n_1..n_L``,
  ``k``) with ``L = arch.L`` fixed; ``substitute(expr, arch).doit()`` equals ``value(arch)``;
* ``asymptotic(var)`` describes the growth for uniform width ``n -> oo`` (``var="n"``) with
  ``n0`` and ``L`` fixed, or ``L -> oo`` (``var="L"``) where the paper states it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import sympy as sp

from ..architecture import Architecture, as_architecture
from ..errors import HypothesisError, RegionmathError

n0, n, L, k = sp.symbols("n0 n L k", positive=True, integer=True)

#: the two counts a bound can be about (DESIGN.md, "What is counted"): activation regions
#: (Serra et al. 2018, Definition 2) and the linear regions of the function, "pieces"
#: (Montúfar et al. 2014, Sec. 2.1; Serra et al. 2018, Definition 1). Pieces <= activation
#: regions, so an upper bound on activation regions bounds pieces, and a lower bound on pieces
#: bounds activation regions; the converses need proofs.
COUNTS = ("activation regions", "pieces")


__all__ = ["width_symbols", "substitution", "substitute", "Source", "AsymptoticForm", "Bound", "REGISTRY",
           "register", "hypotheses_in_words", "describe", "get", "all_bounds", "applicable",
           "tightest_upper", "best_lower"]


def width_symbols(count: int) -> tuple:
    """``(n_1, ..., n_count)`` as positive integer sympy symbols."""
    return tuple(sp.Symbol(f"n_{i}", positive=True, integer=True) for i in range(1, count + 1))


def substitution(arch: Architecture) -> dict:
    """The map from the symbols of ``expr(arch)`` to the numbers of ``arch`` (with ``d_l``, the
    filters of a convolutional layer ``l``)."""
    subs = {n0: arch.n0, k: arch.rank, L: arch.L}
    subs.update(dict(zip(width_symbols(arch.L), arch.widths)))
    for l, layer in enumerate(arch.conv, 1):
        if layer is not None:
            subs[sp.Symbol(f"d_{l}", positive=True, integer=True)] = layer.filters
    return subs


def substitute(expr: sp.Expr, arch: Architecture) -> sp.Expr:
    return expr.subs(substitution(arch))


@dataclass(frozen=True)
class Source:
    """Where a result comes from.

    ``unsure`` is None when the statement and its number were read in the source, and
    otherwise says what is not confirmed (shown wherever the bound is shown).
    """

    citation: str           # "Montúfar, Pascanu, Cho, Bengio 2014"
    where: str              # "Theorem 4" / "Prop. 7" / "App. B, eq. (7)"
    reference: str = ""     # full reference: venue, arXiv id
    unsure: Optional[str] = None
    note: str = ""          # what the toolkit changed or checked (typos, tightened hypotheses)

    def __str__(self):
        s = f"{self.citation}, {self.where}"
        if self.unsure:
            s += f" [unsure: {self.unsure}]"
        return s


@dataclass(frozen=True)
class AsymptoticForm:
    """Growth of a bound as ``variable -> oo``.

    ``order`` is "Theta", "O" or "Omega" as the source states it; ``term`` is the leading
    term. When ``constant`` is not None the toolkit claims ``value / term -> constant`` and
    the tests check it; when it is None only the order is claimed (no published constant).
    """

    order: str
    term: sp.Expr
    variable: sp.Symbol
    constant: Optional[sp.Expr] = None
    fixed: tuple = ()       # symbols held fixed, e.g. (n0, L)
    note: str = ""

    def __str__(self):
        s = f"{self.order}({sp.sstr(self.term)}) as {self.variable} -> oo"
        if self.constant is not None:
            s += f" (value/term -> {self.constant})"
        return s

    def latex(self):
        return rf"\{self.order}\left({sp.latex(self.term)}\right)" if self.order != "O" else rf"O\left({sp.latex(self.term)}\right)"


class Bound:
    """A published bound on the number of linear regions.

    Subclasses set the class attributes and override ``_hypotheses``, ``_value``, ``_expr``
    and ``_asymptotic``; users call the public methods, which check the activation and the
    hypotheses.
    """

    id: str = ""
    kind: str = ""            # "upper" | "lower" | "exact"
    activation: str = "relu"  # "relu" | "maxout"
    source: Source = None
    statement: str = ""       # the result in one sentence, as the toolkit states it
    has_value: bool = True    # False for asymptotic-only results
    needs_weights: bool = False  # True when value() needs more than an architecture
    convolutional: bool = False  # True when it is a bound for convolutional architectures (bounds/conv.py)
    about: str = "both"       # the count the source states it for: "activation regions" | "pieces" | "both"
    counts: tuple = COUNTS    # the counts the toolkit proves it for (under ``hypotheses_for``)
    pieces_verdict: str = ""  # how the pieces reading was decided (verdict, proof file)

    # -- to override -----------------------------------------------------------------
    def _hypotheses(self, arch: Architecture) -> list:
        return []

    def _value(self, arch: Architecture, **extra) -> int:
        raise NotImplementedError

    def _expr(self, arch: Architecture) -> sp.Expr:
        raise NotImplementedError

    def _asymptotic(self, var) -> Optional[AsymptoticForm]:
        return None

    def _pieces_hypotheses(self, arch: Architecture) -> list:
        """Extra conditions under which a lower (or exact) bound is proved for pieces."""
        return []

    # -- public ----------------------------------------------------------------------
    def hypotheses(self, arch: Architecture) -> list:
        """Violated hypotheses of this result for ``arch`` (an Architecture or a tuple
        ``(n0, widths)``), in words (empty: it applies)."""
        arch = as_architecture(arch)
        if arch.activation != self.activation:
            return [f"it is a bound for {self.activation} networks, the architecture is {arch.activation}"]
        if arch.is_convolutional and not self.convolutional and self.kind != "upper":
            # an upper bound over all weights bounds the restricted ones (Montúfar 2014, App. E); a
            # lower or exact one needs weights a convolution cannot have
            article = "an" if self.kind == "exact" else "a"
            return [f"{article} {self.kind} bound for fully connected weights; the architecture has convolutional layers, "
                    "whose restricted weights can have fewer regions (proofs/proof_montufar2014_appe.py)"]
        return list(self._hypotheses(arch))

    def applies(self, arch: Architecture) -> bool:
        return not self.hypotheses(arch)

    def hypotheses_for(self, arch: Architecture, count: str) -> list:
        """Violated conditions of the statement read for ``count`` (one of :data:`COUNTS`).

        An upper bound proved for activation regions holds for pieces as it is; a lower or
        exact bound read for pieces needs the entry's extra conditions (``pieces_verdict``
        says how they were decided).
        """
        if count not in COUNTS:
            raise RegionmathError(f"unknown count {count!r}; allowed: {', '.join(COUNTS)}")
        bad = self.hypotheses(arch)
        if count not in self.counts:
            return bad + [f"{self.id} is proved for {' and '.join(self.counts)} only, not for {count}"]
        if count == "pieces" and self.kind in ("lower", "exact") and not bad:
            bad = list(self._pieces_hypotheses(arch))
        return bad

    def holds_for(self, arch: Architecture, count: str) -> bool:
        """True when the statement is proved for ``count`` at ``arch`` (see :meth:`hypotheses_for`)."""
        return not self.hypotheses_for(arch, count)

    def check(self, arch: Architecture) -> None:
        arch = as_architecture(arch)
        bad = self.hypotheses(arch)
        if bad:
            raise HypothesisError(self.id, bad)

    def value(self, arch: Architecture, **extra) -> int:
        """The exact bound (a Python int) for ``arch``."""
        if not self.has_value:
            raise RegionmathError(f"{self.id} is asymptotic only (no published constant): it has no exact value; "
                                  "ask for its asymptotic form")
        arch = as_architecture(arch)
        self.check(arch)
        return int(self._value(arch, **extra))

    def expr(self, arch: Architecture) -> sp.Expr:
        """The bound as a sympy expression in ``n0``, ``n_1..n_L`` (and ``k``), ``L = arch.L``."""
        if not self.has_value:
            raise RegionmathError(f"{self.id} is asymptotic only: it has no exact expression")
        return self._expr(as_architecture(arch))

    def asymptotic(self, var="n") -> AsymptoticForm:
        """Leading growth for uniform width ``n -> oo`` (``var="n"``) or depth ``L -> oo``."""
        var = {"n": n, "L": L, n: n, L: L}.get(var)
        if var is None:
            raise RegionmathError("asymptotic variable must be 'n' (width) or 'L' (depth)")
        form = self._asymptotic(var)
        if form is None:
            raise RegionmathError(f"{self.id} has no asymptotic form in {var} (the source states none)")
        return form

    def __repr__(self):
        return f"<Bound {self.id}: {self.kind} ({self.activation}), {self.source}>"


REGISTRY: dict = {}


def register(cls):
    """Class decorator: instantiate and add to :data:`REGISTRY` (ids are unique); the class
    gets a docstring written from its data (:func:`describe`), so ``help(bounds.get(id))``
    shows the statement, the hypotheses and the source."""
    obj = cls()
    if not obj.id or obj.id in REGISTRY:
        raise ValueError(f"bad or duplicate bound id {obj.id!r}")
    if obj.kind not in ("upper", "lower", "exact"):
        raise ValueError(f"bound {obj.id}: kind must be upper, lower or exact")
    if obj.about not in COUNTS + ("both",) or not obj.counts or set(obj.counts) - set(COUNTS):
        raise ValueError(f"bound {obj.id}: about must be one of {COUNTS + ('both',)} and counts a subset of {COUNTS}")
    REGISTRY[obj.id] = obj
    if not cls.__doc__:
        cls.__doc__ = describe(obj)
    return cls


def _probe_architectures(activation):
    """Small architectures on which the hypotheses of most results fail in some way."""
    shapes = [(3, (1, 1, 1)), (3, (2,)), (1, (1,)), (2, (1, 1)), (5, (3, 3)), (1, (2, 2)), (2, (3, 3)), (1, (3,))]
    ranks = (2, 3, 4) if activation == "maxout" else (1,)
    return [Architecture(d, w, activation, r) for d, w in shapes for r in ranks]


def hypotheses_in_words(bound: Bound) -> list:
    """The conditions ``bound.hypotheses`` checks, in words, read off its messages on small
    architectures (the numbers of a particular architecture removed)."""
    import re
    found, seen = [], set()
    for arch in _probe_architectures(bound.activation):
        for message in bound._hypotheses(arch):
            general = re.split(r", (?:but|got) |; got ", message)[0]
            general = re.sub(r", the architecture has \d+$", "", general)
            general = re.sub(r"((?:>=|width) [\w ]*n0) = \d+", r"\1", general)   # ">= 3 n0 = 6": drop the 6
            general = re.sub(r"\b(\d+) = \1\b", r"\1", general)
            key = re.sub(r"\d+", "#", general)     # the same condition seen with other numbers
            if key not in seen:
                seen.add(key)
                found.append(general)
    return found


def describe(bound: Bound) -> str:
    """A numpydoc docstring for a registry entry, written from its data."""
    lines = [f"{bound.id}: {'exact maximum' if bound.kind == 'exact' else bound.kind + ' bound'} on the number "
             f"of linear regions of {bound.activation} networks.", ""]
    if bound.statement:
        lines += [bound.statement, ""]
    facts = [f"``bounds.get({bound.id!r})``"]
    facts.append("exact integer value: ``value(arch)``" if bound.has_value else "asymptotic only: no exact value")
    if bound.needs_weights:
        facts.append("needs the weights, not only the architecture")
    lines += ["; ".join(facts) + ".", "", "Notes", "-----", "Hypotheses, as ``hypotheses(arch)`` checks them "
              "(it returns the violated ones for an architecture):", ""]
    conditions = hypotheses_in_words(bound)
    lines += [f"- {c}" for c in conditions] or ["- none beyond the activation"]
    lines.append("")
    for var in ("n", "L"):
        try:
            lines += [f"Growth: {bound.asymptotic(var)}.", ""]
        except RegionmathError:
            pass
    if bound.source is not None and bound.source.note:
        lines += [f"What the toolkit checked or changed: {bound.source.note}.", ""]
    if bound.source is not None:
        lines += ["References", "----------", f".. [1] {bound.source.citation}, {bound.source.where}."
                  + (f" {bound.source.reference}." if bound.source.reference else "")]
        if bound.source.unsure:
            lines.append(f"   Not confirmed in the source: {bound.source.unsure}.")
    return "\n".join(lines) + "\n"


def get(bound_id: str) -> Bound:
    """The registry entry ``bound_id``; an unknown id raises with the list of known ids."""
    try:
        return REGISTRY[bound_id]
    except KeyError:
        raise RegionmathError(f"unknown bound id {bound_id!r}; known ids: {', '.join(sorted(REGISTRY))}") from None


def all_bounds(activation: Optional[str] = None) -> list:
    return [b for b in REGISTRY.values() if activation is None or b.activation == activation]


def applicable(arch: Architecture, with_value: bool = True, count: str = "activation regions") -> list:
    """Entries proved for ``count`` at ``arch`` (and that have a value, by default)."""
    return [b for b in all_bounds(arch.activation)
            if b.holds_for(arch, count) and (b.has_value or not with_value) and not b.needs_weights]


def tightest_upper(arch: Architecture, count: str = "activation regions"):
    """``(bound, value)``: the smallest value among the upper and exact entries proved for ``count``.

    None when no such entry applies. Ties go to the entry registered first.
    """
    found = [(b.value(arch), i, b) for i, b in enumerate(applicable(arch, count=count)) if b.kind in ("upper", "exact")]
    if not found:
        return None
    value, _, bound = min(found, key=lambda t: (t[0], t[1]))
    return bound, value


def best_lower(arch: Architecture, count: str = "activation regions"):
    """``(bound, value)``: the largest value among the lower and exact entries proved for ``count``.

    None when no such entry applies. Ties go to the entry registered first.
    """
    found = [(b.value(arch), i, b) for i, b in enumerate(applicable(arch, count=count)) if b.kind in ("lower", "exact")]
    if not found:
        return None
    value, _, bound = max(found, key=lambda t: (t[0], -t[1]))
    return bound, value
