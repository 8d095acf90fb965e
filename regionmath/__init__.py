"""regionmath: the linear regions of piecewise-linear neural networks.

Exact bounds (:mod:`regionmath.bounds`), explicit constructions
(:mod:`regionmath.constructions`), region counters (:mod:`regionmath.counting`) and
hyperplane arrangements (:mod:`regionmath.arrangements`).

The names most used are here at the top level; each is imported when first used, so that
``import regionmath`` stays cheap (sympy, numpy and the solvers load only when needed).

>>> import regionmath as rm
>>> arch = rm.Architecture(2, (3, 3))
>>> rm.bounds.get("serra2018-thm1").value(arch)     # sum over J of C(3, j1) C(3, j2): 7 + 21 + 12
40
>>> c = rm.build("serra2018-lower", rm.Architecture(1, (3, 4)))
>>> rm.count_regions(c.network).count == c.claimed
True
>>> rm.Arrangement([[0, 1, 0], [0, 0, 1], [-1, 1, 1]]).regions()   # x = 0, y = 0, x + y = 1
7
"""

from __future__ import annotations

import importlib

from .errors import DomainWarning, HypothesisError, RegionmathError

__version__ = "0.1.0"

# name -> (module, attribute or None for the module itself); imported on first use
_LAZY = {
    "Architecture": ("regionmath.architecture", "Architecture"),
    "bounds": ("regionmath.bounds", None),
    "Network": ("regionmath.network", "Network"),
    "count_regions": ("regionmath.counting", "count_regions"),
    "CountResult": ("regionmath.counting", "CountResult"),
    "build": ("regionmath.constructions", "build"),
    "Construction": ("regionmath.constructions", "Construction"),
    "Arrangement": ("regionmath.arrangements", "Arrangement"),
    "from_sklearn": ("regionmath.importers", "from_sklearn"),
    "from_torch": ("regionmath.importers", "from_torch"),
}

__all__ = ["RegionmathError", "HypothesisError", "DomainWarning", "__version__"] + list(_LAZY)


def __getattr__(name):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'regionmath' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
