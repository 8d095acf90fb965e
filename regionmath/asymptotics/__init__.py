r"""Asymptotics of the region bounds: leading terms, limits, deep versus shallow.

One module per topic: :mod:`~regionmath.asymptotics.expressions` (parameter counts, the
registry's bounds on uniform networks), :mod:`~regionmath.asymptotics.limits` (leading terms
and limits), :mod:`~regionmath.asymptotics.growth` (in the width, the depth, the parameters;
App. C), :mod:`~regionmath.asymptotics.crossover` (deep versus shallow),
:mod:`~regionmath.asymptotics.serra2018` (consequences of Serra's Theorem 1) and
:mod:`~regionmath.asymptotics.forms` (the registry's asymptotic forms, checked). Every result
with several fields is a dataclass built with keywords (readable by key as well).

Every bound here is read from the registry (:func:`regionmath.bounds.get`): its sympy
expression ``expr(arch)`` is specialised to a uniform deep network (``L`` layers of width
``n``) or to a shallow one (one layer of ``L n`` units), and sympy derives the rest. Nothing
in this module restates a bound's formula.

How a leading term is found and proved
--------------------------------------
The bounds contain ``floor(n/n0)`` (and ``n mod n0``). The *leading term* is derived by
replacing each floor by its argument and keeping the dominant summands; it is then *proved*
to be the leading term: with ``q`` the period of the floors, ``n = q t + r`` makes every
residue class ``r`` floor-free, and sympy's ``limit(value/term, t, oo)`` must be the same
number in every class (then, and only then, it is the limit). The tests check the same
limits a second way, with exact rational values at growing ``n``. Expressions with
``Min(n0, n - j)`` (Serra's Theorem 1, Montúfar 2017) are evaluated for ``n >= 2 n0 + 1``,
where every such minimum is settled; that is all a limit in ``n`` needs.

Parameter counts
----------------
A hidden layer of ``n_l`` rank-``k`` units has ``k n_l (n_{l-1} + 1)`` weights and biases
(``k = 1`` for ReLU); a linear output layer of ``m`` units adds ``m (n_L + 1)``.

>>> from regionmath.asymptotics import deep_parameter_count, shallow_parameter_count
>>> from regionmath.bounds import n0, n, L
>>> deep_parameter_count().subs({n0: 2, n: 3, L: 2})            # (2*3 + 3) + (3*3 + 3)
21
>>> shallow_parameter_count(outputs=1).subs({n0: 2, n: 3, L: 2})   # 6*(2 + 1) + (6 + 1)
25

Montúfar et al. (2014), App. C: regions per parameter
-----------------------------------------------------
Theorem 4 divided by the parameter count of ``L`` layers of width ``n`` grows like
``(n/n0)^(n0 (L-1)) n^(n0-2) / ((L-1) n0!)``: the paper's rate with ``n`` where the print
has "gamma", and with the exact constant (the paper's ``/L`` is ``/(L-1)`` up to a factor
that tends to 1 as ``L`` grows; the paper's ``Theta(L n^2)`` parameters are ``(L-1) n^2``
for ``L >= 2`` and ``Theta(n)`` for ``L = 1``).

>>> from regionmath.asymptotics import regions_per_parameter
>>> r = regions_per_parameter(2, 3, "deep")
>>> r.leading                   # (n/2)^4 n^0 / ((3-1) 2!)
n**4/64
>>> r.stated_limit, r.holds     # against the printed rate with n for "gamma": L/((L-1) n0!)
(3/4, True)

Deep versus shallow
-------------------
:func:`crossover` finds, by an exact search over integers, the first depth (or width) at
which a deep lower bound exceeds the shallow maximum ``Phi(m, n0)``, for the same number
of units or of parameters, next to the estimate where the leading terms cross.

>>> from regionmath.asymptotics import crossover
>>> c = crossover(1, width=2)        # two layers of 2 units on the line beat 4 units in one
>>> c.exact, c.deep_value, c.shallow_value
(2, 6, 5)

Serra et al. (2018): structure of Theorem 1
-------------------------------------------
:func:`bottleneck_effect` states exactly when moving a unit from layer 2 to layer 1 raises
Theorem 1's value (always when ``n1 <= n0``; not in general) -- the bound's value, not the true
maximum (proofs/proof_serra2018_bottleneck.py). :func:`deep_beats_shallow_threshold`: with at
most ``n0 + 1`` units no deep architecture's Theorem-1 bound exceeds the shallow maximum,
so a deep net can beat every shallow one only from ``n0 + 2`` units on:

>>> from regionmath.asymptotics import deep_beats_shallow_threshold
>>> r = deep_beats_shallow_threshold(2)
>>> r.units, r.best_widths, r.best, r.shallow
(4, (3, 1), 14, 11)

References
----------
.. [1] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of
   deep neural networks", NIPS 2014 (arXiv 1402.1869): Thm 4, Cor 5, App. C.
.. [2] R. Pascanu, G. Montúfar, Y. Bengio, "On the number of response regions of deep
   feedforward networks with piecewise linear activations", arXiv 1312.6098 (2013).
.. [3] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions
   of deep neural networks", ICML 2018 (arXiv 1711.02114): Thm 1 and its discussion.
"""

from __future__ import annotations

from .expressions import (P, THM4, SERRA_LOWER, SERRA_THM1, ZASLAVSKY, SHAPES, BY, parameter_count,
                          deep_parameter_count, shallow_parameter_count, deep_expr, shallow_expr, deep_value,
                          shallow_value, Keyed)  # noqa: F401
from .limits import (residue_forms, leading_term, limit_at_infinity, ratio_limit, exact_ratios)  # noqa: F401
from .growth import (Rate, asymptotic_rate, growth_in_width, growth_of_shallow, DepthGrowth, growth_in_depth,
                     ParameterGrowth, growth_in_parameters, GrowthSummary, growth_summary, APPENDIX_C,
                     regions_per_parameter, folding_width)  # noqa: F401
from .crossover import (Crossover, shallow_units_for, crossover, LeadingRatio, deep_shallow_ratio,
                        crossover_table, compare)  # noqa: F401
from .serra2018 import (bottleneck_effect, BottleneckSurvey, bottleneck_survey, compositions, DeepVsShallow,
                        deep_vs_shallow, deep_beats_shallow_threshold)  # noqa: F401
from .forms import (SUMMARISES, asymptotic_coverage, check_asymptotic_form)  # noqa: F401
