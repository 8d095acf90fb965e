"""Parameter counts and the registry's bounds specialised to uniform deep and shallow networks
(the symbols and bound ids the other modules share)."""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .. import bounds
from ..architecture import Architecture
from ..bounds import L, k, n, n0, width_symbols  # noqa: F401  (docstring examples use them)
from ..errors import RegionmathError



P = sp.Symbol("P", positive=True)          # a number of parameters
_t = sp.Symbol("t", positive=True, integer=True)   # n = q t + r in a residue class

THM4 = "montufar2014-thm4"
SERRA_LOWER = "serra2018-lower"
SERRA_THM1 = "serra2018-thm1"
ZASLAVSKY = "zaslavsky"
SHAPES = ("deep", "shallow")
BY = ("units", "parameters")



# -- 1. parameter counts ------------------------------------------------------------------------
def parameter_count(arch: Architecture, outputs=0) -> sp.Expr:
    """Weights and biases of ``arch`` as a sympy expression in ``n0, n_1..n_L`` (and ``k``).

    Substituting the numbers of ``arch`` gives ``arch.parameter_count(outputs)``.

    >>> from regionmath import Architecture
    >>> parameter_count(Architecture(2, (3, 4)))
    n0*n_1 + n_1*n_2 + n_1 + n_2
    """
    rank = 1 if arch.activation == "relu" else k
    sizes = (n0,) + width_symbols(arch.L)
    hidden = sum(rank * sizes[l] * (sizes[l - 1] + 1) for l in range(1, len(sizes)))
    return sp.expand(hidden + outputs * (sizes[-1] + 1))


def deep_parameter_count(outputs=0, rank=1) -> sp.Expr:
    """Parameters of ``L`` hidden layers of width ``n`` on ``n0`` inputs (symbolic ``L``)."""
    return sp.expand(rank * n * (n0 + 1) + (L - 1) * rank * n * (n + 1) + outputs * (n + 1))


def shallow_parameter_count(outputs=0, rank=1) -> sp.Expr:
    """Parameters of one hidden layer of ``L n`` units on ``n0`` inputs."""
    return sp.expand(rank * L * n * (n0 + 1) + outputs * (L * n + 1))


# -- bound expressions specialised to uniform networks ------------------------------------------
def _placeholder_arch(n0_value: int, depth: int) -> Architecture:
    # expr() is symbolic in the widths; the numbers only have to make a valid Architecture
    # that meets every entry's hypotheses (6 n0 is even and >= 3 n0)
    return Architecture(n0_value, (6 * n0_value,) * depth)


_m = sp.Symbol("m", positive=True, integer=True)
_CASES = (sp.Min, sp.Max, sp.Heaviside, sp.Piecewise)


@lru_cache(maxsize=512)
def _specialised(bound_id: str, n0_value: int, widths: tuple) -> sp.Expr:
    b = bounds.get(bound_id)
    if b.activation != "relu":
        raise RegionmathError(f"{bound_id} is a {b.activation} bound; the deep/shallow asymptotics here are for relu")
    expr = b.expr(_placeholder_arch(n0_value, len(widths)))
    ws = width_symbols(len(widths))

    def evaluate(values):
        subs = {n0: n0_value, L: len(widths)}
        subs.update(zip(ws, values))
        return sp.expand_func(expr.subs(subs).doit())

    out = evaluate(widths)
    free = set().union(*(sp.sympify(w).free_symbols for w in widths))
    if out.has(*_CASES) and len(free) == 1:
        # Min(n0, n - j) and the like stay unevaluated for a symbolic width: evaluate for
        # width >= 2 n0 + 1 (all that matters as it grows) by writing it as m + 2 n0, m >= 1
        (var,) = free
        shift = 2 * n0_value
        out = evaluate([sp.sympify(w).subs(var, _m + shift) for w in widths]).subs(_m, var - shift)
        if out.has(*_CASES):
            raise RegionmathError(f"{bound_id}: could not evaluate its expression for a symbolic width")
    return out


def deep_expr(bound_id: str, n0_value: int, depth: int, width=n) -> sp.Expr:
    """The bound ``bound_id`` for ``depth`` layers of width ``width`` (default the symbol ``n``).

    >>> deep_expr("montufar2014-prop3", 2, 3)
    2**(3*n)
    """
    return _specialised(bound_id, int(n0_value), (sp.sympify(width),) * int(depth))


def shallow_expr(n0_value: int, units=None, bound_id: str = ZASLAVSKY) -> sp.Expr:
    """The bound ``bound_id`` for one hidden layer of ``units`` units (default ``L n``)."""
    return _specialised(bound_id, int(n0_value), (sp.sympify(L * n if units is None else units),))


def deep_value(bound_id: str, n0_value: int, depth: int, width: int) -> int:
    """Exact registry value for ``depth`` layers of width ``width`` (raises if it does not apply)."""
    return bounds.get(bound_id).value(Architecture(n0_value, (width,) * depth))


def shallow_value(n0_value: int, units: int, bound_id: str = ZASLAVSKY) -> int:
    return bounds.get(bound_id).value(Architecture(n0_value, (units,)))


class Keyed:
    """Read a result's fields by name as well (``r["degree"]`` is ``r.degree``), as the dicts
    these results replace were read."""

    def __getitem__(self, key):
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}
