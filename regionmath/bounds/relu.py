"""Bounds for rectifier (ReLU) networks."""

import sympy as sp

from ..combinatorics import phi
from .base import AsymptoticForm, Bound, Source, L, n, n0, register, width_symbols

MONTUFAR2014 = "Montúfar, Pascanu, Cho, Bengio 2014"
MONTUFAR2014_REF = "On the number of linear regions of deep neural networks, NIPS 2014 (arXiv 1402.1869)"


@register
class MontufarProp3(Bound):
    id = "montufar2014-prop3"
    kind = "upper"
    activation = "relu"
    source = Source(MONTUFAR2014, "Proposition 3", MONTUFAR2014_REF)
    statement = "A rectifier network with N hidden units has at most 2^N linear regions."

    def _value(self, arch):
        return 1 << arch.N

    def _expr(self, arch):
        return sp.Integer(2) ** sp.Add(*width_symbols(arch.L))

    def _asymptotic(self, var):
        return AsymptoticForm("Theta", sp.Integer(2) ** (L * n), var, constant=sp.Integer(1), fixed=(n0, L) if var == n else (n0, n))
