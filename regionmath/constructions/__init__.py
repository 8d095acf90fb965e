"""Explicit networks that realise the published lower bounds.

A lower bound on the maximal number of linear regions is proved by exhibiting weights. This
package writes those weights down, one function per published construction, with exact
rational weights (:meth:`regionmath.network.Network.from_exact`) so that every region the
counters find can be certified in exact arithmetic (:mod:`regionmath.verify`).

A :class:`Construction` carries the network, its input domain (a box, also ``network.box``),
the number of regions it is *claimed* to have in that domain -- for a lower-bound
construction the registry's value ``regionmath.bounds.get(id).value(arch)``, never a retyped
formula -- whether the count should *equal* the claim (``exact``), and the count the weights
were *designed* to produce (``designed``, derived from the construction's own parameters:
equal to the claim, or larger where the construction beats the bound it realises).

Families
--------
* :mod:`~regionmath.constructions.relu`: ``zaslavsky`` (one layer in general position),
  ``pascanu2013``, ``montufar2014-thm4`` and ``montufar2014-thm4-eq7`` (sawtooth folding),
  ``serra2018-exact-1d`` and ``serra2018-lower`` (folding with one unit per group turned
  round), ``arora2018`` and ``serra2018-arora-improved`` (zonotope first layer);
* :mod:`~regionmath.constructions.maxout`: ``montufar2014-prop7-lower`` (parallel
  hyperplanes), ``montufar2014-thm8`` (folding by maxout units; refused where the theorem is
  false), ``shi`` and ``catalan`` (App. D, Example 9).
* :mod:`~regionmath.constructions.conv`: ``xiong2020-deep-lower`` (folds with shared filters,
  then a general-position kernel on disjoint windows).
* :mod:`~regionmath.constructions.layers`: the building blocks (folds, general position).

Examples
--------
>>> from regionmath import Architecture
>>> from regionmath.constructions import build
>>> c = build("montufar2014-thm4", Architecture(1, (3, 2)))
>>> c.network.widths, c.claimed, c.exact           # 3 folds, then 2 points on the line
((3, 2), 9, True)
>>> c.network.weights[0].ravel().tolist(), c.network.biases[0].tolist()   # relu(3x+1), relu(6x-2), relu(6x-4)
([3.0, 6.0, 6.0], [1.0, -2.0, -4.0])
>>> build("serra2018-lower", Architecture(2, (5, 4)))
Traceback (most recent call last):
...
regionmath.errors.HypothesisError: serra2018-lower does not apply: ...
"""

from __future__ import annotations

from .base import (REGISTRY, SHALLOW, Construction, build, claimed_value, ids, pieces_variants,  # noqa: F401
                   register, require)

from . import relu  # noqa: E402,F401  (registers the rectifier constructions)
from . import maxout  # noqa: E402,F401  (registers the maxout constructions)
from . import conv  # noqa: E402,F401  (registers the convolutional construction)

__all__ = ["Construction", "REGISTRY", "SHALLOW", "build", "pieces_variants", "ids", "register", "claimed_value", "require"]
