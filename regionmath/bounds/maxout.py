"""Bounds for maxout networks of rank k.

A rank-``k`` maxout unit outputs the largest of ``k`` affine functions of its input; its
regions are the cells of an upper envelope (a power diagram). A layer's regions are the
intersections of its units' regions, so they are not the regions of a hyperplane
arrangement in general; every bound below says how the published argument gets around that.

======================== ====== ===============================================================
id                       kind   statement
======================== ====== ===============================================================
montufar2014-prop7-lower lower  one layer of ``n_1`` units on ``R^n0``: ``k^min(n0, n_1)``
montufar2014-prop7-upper upper  one layer: ``min(Phi(k^2 n_1, n0), k^n_1)``
montufar2014-thm8        lower  ``L`` layers of width ``n0``: ``k^(L-1) k^n0`` (``n0 >= 2``, ``k = 2`` or ``L = 1``)
serra2018-maxout         upper  ``prod_l Phi(k(k-1)/2 n_l, d_l)``, ``d_l = min(n0, n_1..n_l)``
mrz2022-shallow          exact  one layer: ``sum_{j<=n0} C(n_1, j) (k-1)^j`` (sharp maximum)
======================== ====== ===============================================================

Examples
--------
>>> from regionmath import Architecture, bounds
>>> a = Architecture.maxout(2, (3,), rank=3)
>>> [bounds.get(i).value(a) for i in ("montufar2014-prop7-lower", "mrz2022-shallow",
...                                    "montufar2014-prop7-upper", "serra2018-maxout")]
[9, 19, 27, 46]

For ``k = 2`` a maxout unit ``max(f1, f2)`` cuts along one hyperplane, so the sharp shallow
count is Zaslavsky's ``Phi(n_1, n0)``:

>>> bounds.get("mrz2022-shallow").value(Architecture.maxout(2, (5,), rank=2))
16
"""

import sympy as sp

from ..combinatorics import phi
from .base import AsymptoticForm, Bound, Source, L, k, n, n0, register, width_symbols

MONTUFAR2014 = "Montúfar, Pascanu, Cho, Bengio 2014"
MONTUFAR2014_REF = "On the number of linear regions of deep neural networks, NIPS 2014 (arXiv 1402.1869)"
SERRA2018 = "Serra, Tjandraatmadja, Ramalingam 2018"
SERRA2018_REF = "Bounding and counting linear regions of deep neural networks, ICML 2018 (arXiv 1711.02114)"
MRZ2022 = "Montúfar, Ren, Zhang 2022"
MRZ2022_REF = ("Sharp bounds for the number of regions of maxout networks and vertices of Minkowski sums, "
               "SIAM J. Appl. Algebra Geom. 2022 (arXiv 2104.08135)")

_j = sp.Symbol("j", integer=True, nonnegative=True)


def phi_expr(m, d) -> sp.Expr:
    """Zaslavsky's ``Phi(m, d) = sum_{j=0}^{d} C(m, j)`` as an unevaluated sympy sum."""
    return sp.Sum(sp.binomial(m, _j), (_j, 0, d))


def _one_layer(arch):
    return [] if arch.L == 1 else [f"it is a result for one hidden layer, the architecture has {arch.L}"]


@register
class MontufarProp7Lower(Bound):
    id = "montufar2014-prop7-lower"
    kind = "lower"
    activation = "maxout"
    source = Source(MONTUFAR2014, "Proposition 7 (lower bound)", MONTUFAR2014_REF)
    statement = ("A layer of n_1 rank-k maxout units on R^n0 can have k^min(n0, n_1) regions "
                 "(each unit cuts one coordinate by k-1 parallel hyperplanes).")

    about = "pieces"
    pieces_verdict = ("pieces: proved: one layer with F = h_1, neighbouring regions differ in one unit's maximal piece, so F differs there")

    def _hypotheses(self, arch):
        return _one_layer(arch)

    def _value(self, arch):
        return arch.rank ** min(arch.n0, arch.widths[0])

    def _expr(self, arch):
        return k ** sp.Min(n0, width_symbols(1)[0])

    def _asymptotic(self, var):
        if var == n:  # constant in the width once n >= n0
            return AsymptoticForm("Theta", k ** n0, n, constant=sp.Integer(1), fixed=(n0, k),
                                  note="one layer; k^min(n0, n) = k^n0 for n >= n0")
        return None


@register
class MontufarProp7Upper(Bound):
    id = "montufar2014-prop7-upper"
    kind = "upper"
    activation = "maxout"
    source = Source(MONTUFAR2014, "Proposition 7 (upper bound), proof in App. D", MONTUFAR2014_REF,
                    note="k^2 n_1 counts every ordered pair of pieces; C(k,2) n_1 (serra2018-maxout) is tighter")
    statement = ("A layer of n_1 rank-k maxout units on R^n0 has at most min(Phi(k^2 n_1, n0), k^n_1) "
                 "regions: extend every boundary f_i = f_j to a hyperplane (Zaslavsky), or count patterns.")

    about = "pieces"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"

    def _hypotheses(self, arch):
        return _one_layer(arch)

    def _value(self, arch):
        m = arch.widths[0]
        return min(phi(arch.rank ** 2 * m, arch.n0), arch.rank ** m)

    def _expr(self, arch):
        m = width_symbols(1)[0]
        return sp.Min(phi_expr(k ** 2 * m, n0), k ** m)

    def _asymptotic(self, var):
        if var == n:
            return AsymptoticForm("O", (k ** 2 * n) ** n0, n, constant=1 / sp.factorial(n0), fixed=(n0, k),
                                  note="Montúfar 2014 App. D: O((k^2 m)^n), polynomial in k and m")
        return None


THM8_PROOF = "proofs/proof_montufar2014_thm8.py"


def montufar2014_thm8_refuted(n0: int, rank: int, depth: int):
    """Why Theorem 8 is false at ``(n0, k, L)``, or None where the toolkit proves it.

    For ``n0 = 1``, ``k >= 3``, ``L >= 2`` a width-1 maxout network on the line has at most
    ``1 + (k-1)(2^L - 1) < k^L`` regions (proof and certified extremal network in
    proofs/proof_montufar2014_thm8.py). Everywhere else (``n0 >= 2``, or ``k = 2``, or
    ``L = 1``) a construction realises it (regionmath.constructions, montufar2014-thm8).
    """
    if n0 == 1 and rank >= 3 and depth >= 2:
        most = 1 + (rank - 1) * (2 ** depth - 1)
        return (f"refuted for n0 = 1, k >= 3, L >= 2: a width-1 maxout network on the line has at most "
                f"1 + (k-1)(2^L - 1) = {most} < k^L = {rank ** depth} regions ({THM8_PROOF}); "
                f"it holds for n0 >= 2, for k = 2 and for L = 1")
    return None


def montufar2014_thm8_hypotheses(arch) -> list:
    """The hypotheses under which the toolkit states Montúfar 2014 Theorem 8.

    As printed the theorem has none beyond the shape (``L`` layers of width ``n0``); its
    proof (App. D) is a sketch, and the statement is false for one input
    (:func:`montufar2014_thm8_refuted`), so the toolkit adds ``n0 >= 2 or k = 2 or L = 1``.
    """
    bad = []
    if any(w != arch.n0 for w in arch.widths):
        bad.append(f"every hidden layer must have width n0 = {arch.n0}, got widths {list(arch.widths)}")
    refuted = montufar2014_thm8_refuted(arch.n0, arch.rank, arch.L)
    if refuted:
        bad.append(refuted)
    return bad


@register
class MontufarThm8(Bound):
    id = "montufar2014-thm8"
    kind = "lower"
    activation = "maxout"
    source = Source(MONTUFAR2014, "Theorem 8, proof sketch in App. D", MONTUFAR2014_REF,
                    note="the proof in App. D is a sketch; the toolkit refutes the theorem for n0 = 1, k >= 3, "
                         "L >= 2 (" + THM8_PROOF + ") and proves it by construction otherwise (n0 >= 2, or k = 2, "
                         "or L = 1); hypotheses in montufar2014_thm8_hypotheses")
    statement = ("A maxout network of rank k with L hidden layers of width n0 can have "
                 "k^(L-1) k^n0 regions; as printed it claims this for every (n0, k, L), the toolkit for n0 >= 2, "
                 "k = 2 or L = 1 (false for n0 = 1, k >= 3, L >= 2).")

    about = "pieces"
    pieces_verdict = ("pieces: proved for L = 1; certified by construction for k = 2, n0 >= 2 on a range; n0 = 1, k = 2, L = 2: 4 pieces attained by max(|x|, 2|x| - 1/2) (the construction has 3); open otherwise: the construction falls short (n0 = 2, widths (2, 2), k = 3: 36 activation regions, 25 pieces < 27) (proofs/proof_pieces_maxout.py)")

    def _pieces_hypotheses(self, arch):
        if arch.L == 1 or (arch.rank == 2 and arch.n0 >= 2) or (arch.n0 == 1 and arch.rank == 2 and arch.L == 2):
            return []
        return [f"for the function's pieces only L = 1, k = 2 with n0 >= 2, and n0 = 1, k = 2, L = 2 are decided "
                f"(got n0 = {arch.n0}, k = {arch.rank}, L = {arch.L}); the construction falls short elsewhere"]

    def _hypotheses(self, arch):
        return montufar2014_thm8_hypotheses(arch)

    def _value(self, arch):
        return arch.rank ** (arch.L - 1 + arch.n0)

    def _expr(self, arch):
        return k ** (arch.L - 1) * k ** n0

    def _asymptotic(self, var):
        if var == L:
            return AsymptoticForm("Omega", k ** (L - 1) * k ** n0, L, constant=sp.Integer(1), fixed=(n0, k),
                                  note="exponential in depth; the width is fixed at n0")
        return None


@register
class Serra2018Maxout(Bound):
    id = "serra2018-maxout"
    kind = "upper"
    activation = "maxout"
    source = Source(SERRA2018, "Theorem 10 (ICML); Theorem 2 of the poster", SERRA2018_REF,
                    unsure="theorem number in the ICML paper",
                    note=("the poster's binomial is garbled; the argument is k(k-1)/2 * n_l (one hyperplane per "
                          "pair of pieces of each unit). The other reading, C(k-1, j) * n_l, is refuted by "
                          "3 rank-2 units on R^2 with 7 regions (tests/test_bounds_maxout.py)"))
    statement = ("A rank-k maxout network has at most prod_l Phi(k(k-1)/2 n_l, d_l) regions, "
                 "d_l = min(n0, n_1, ..., n_l).")

    about = "both"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"

    def _value(self, arch):
        pairs = arch.rank * (arch.rank - 1) // 2
        out, d = 1, arch.n0
        for w in arch.widths:
            d = min(d, w)
            out *= phi(pairs * w, d)
        return out

    def _expr(self, arch):
        ws = width_symbols(arch.L)
        out = sp.Integer(1)
        for l, w in enumerate(ws):
            out *= phi_expr(k * (k - 1) / 2 * w, sp.Min(n0, *ws[:l + 1]))
        return out

    def _asymptotic(self, var):
        if var == n:
            c = (((k - 1) / (2 * k)) ** n0 / sp.factorial(n0)) ** L
            return AsymptoticForm("O", (k ** 2 * n) ** (L * n0), n, constant=c, fixed=(n0, L, k),
                                  note="Serra 2018: O((k^2 n)^(L n0)) for L layers of width n")
        return None


@register
class MRZ2022Shallow(Bound):
    id = "mrz2022-shallow"
    kind = "exact"
    activation = "maxout"
    source = Source(MRZ2022, "Sec. 3, sharp bound for one layer with biases", MRZ2022_REF,
                    unsure="theorem number",
                    note=("exact form checked by counting: the maximum over many weights equals it, and no "
                          "weights exceed it, for small (n0, n_1, k) (tests/test_bounds_maxout.py)"))
    statement = ("The maximum number of regions of one layer of n_1 rank-k maxout units on R^n0 "
                 "(with biases) is sum_{j=0}^{n0} C(n_1, j) (k-1)^j.")

    about = "both"
    pieces_verdict = ("pieces: holds: one layer with F = h_1 has as many pieces as activation regions (neighbours differ in one unit's maximal piece)")

    def _hypotheses(self, arch):
        return _one_layer(arch)

    def _value(self, arch):
        m, km1 = arch.widths[0], arch.rank - 1
        total, c = 0, 1  # c = C(m, j), updated incrementally
        for j in range(0, min(arch.n0, m) + 1):
            total += c * km1 ** j
            c = c * (m - j) // (j + 1)
        return total

    def _expr(self, arch):
        m = width_symbols(1)[0]
        return sp.Sum(sp.binomial(m, _j) * (k - 1) ** _j, (_j, 0, n0))

    def _asymptotic(self, var):
        if var == n:
            return AsymptoticForm("Theta", ((k - 1) * n) ** n0, n, constant=1 / sp.factorial(n0), fixed=(n0, k))
        return None
