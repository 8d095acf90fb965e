"""Published bounds on the number of linear regions, one registry entry per result.

>>> from regionmath import Architecture, bounds
>>> a = Architecture(2, (4, 4))
>>> bounds.get("montufar2014-prop3").value(a)
256

See :mod:`regionmath.bounds.base` for the conventions every entry follows.
"""

from .base import (COUNTS, REGISTRY, AsymptoticForm, Bound, Source, all_bounds, applicable, best_lower, get,
                   k, L, n, n0, register, substitute, substitution, tightest_upper, width_symbols)
from . import relu  # noqa: F401  (registers the rectifier entries)
from . import maxout  # noqa: F401  (registers the maxout entries)
from . import hinz  # noqa: F401  (registers the histogram-framework entries)
from . import weights  # noqa: F401  (registers the weight-aware entries)
from . import conv  # noqa: F401  (registers the convolutional entries)

__all__ = ["COUNTS", "REGISTRY", "AsymptoticForm", "Bound", "Source", "all_bounds", "applicable", "best_lower", "get",
           "tightest_upper",
           "register", "substitute", "substitution", "width_symbols", "n0", "n", "L", "k"]
