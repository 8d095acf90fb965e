"""regionmath: the linear regions of piecewise-linear neural networks.

Exact bounds (:mod:`regionmath.bounds`), explicit constructions
(:mod:`regionmath.constructions`), region counters (:mod:`regionmath.counting`) and
hyperplane arrangements (:mod:`regionmath.arrangements`).
"""

from .architecture import Architecture
from .errors import HypothesisError, RegionmathError
from . import bounds

__version__ = "0.1.0"
__all__ = ["Architecture", "RegionmathError", "HypothesisError", "bounds"]
