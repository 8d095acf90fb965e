"""The rectifier bound registry (regionmath.bounds.relu).

Every expected value here comes from a second method: the literal sum over Serra's index set
``J``, a third enumeration straight from J's definition (a box of candidate vectors filtered
by the inequalities), the closed forms retyped from the papers with ``math.comb``, hand counts,
or sampling a concrete network's activation patterns.
"""

import itertools
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from regionmath import Architecture, HypothesisError, RegionmathError, bounds
from regionmath.bounds import L, n, n0, substitute, width_symbols
from regionmath.bounds.relu import rank_symbols, serra2018_thm1_by_enumeration, serra2018_thm1_dp
from regionmath.cli import main

RELU_IDS = ["zaslavsky", "montufar2014-prop3", "pascanu2013", "montufar2014-thm4", "montufar2014-thm4-eq7",
            "montufar2014-cor5", "montufar2017", "raghu2017", "serra2018-thm1", "serra2018-thm1-rank",
            "serra2018-exact-1d", "serra2018-lower", "arora2018", "serra2018-arora-improved"]


# -- independent reference formulas (retyped from the papers, nothing from the package) ---------
def phi_ref(m, d):
    return sum(math.comb(m, j) for j in range(d + 1))


def thm1_from_definition(n0_, widths, caps=None):
    """Sum over every vector of the box prod [0, n0] that satisfies J's inequalities."""
    caps = caps or widths
    total = 0
    for js in itertools.product(range(n0_ + 1), repeat=len(widths)):
        ok = all(js[l] <= min([n0_] + [widths[i] - js[i] for i in range(l)] + [caps[l]]) for l in range(len(widths)))
        if ok:
            total += math.prod(math.comb(w, j) for w, j in zip(widths, js))
    return total


def montufar2017_ref(n0_, widths):
    return math.prod(phi_ref(w, min([n0_] + list(widths[:l + 1]))) for l, w in enumerate(widths))


def folding_ref(n0_, widths, per_layer):
    return math.prod(per_layer(w) for w in widths[:-1]) * phi_ref(widths[-1], n0_)


def applicable_values(arch, kinds):
    return {b.id: b.value(arch) for b in bounds.applicable(arch) if b.kind in kinds}


def architectures(max_n0, max_L, max_width):
    for n0_ in range(1, max_n0 + 1):
        for depth in range(1, max_L + 1):
            for widths in itertools.product(range(1, max_width + 1), repeat=depth):
                yield Architecture(n0_, widths)


# -- the registry holds exactly the brief's entries ---------------------------------------------------
def test_every_rectifier_entry_is_registered_with_provenance():
    ids = {b.id for b in bounds.all_bounds("relu")}
    assert set(RELU_IDS) <= ids
    for i in RELU_IDS:
        b = bounds.get(i)
        assert b.activation == "relu" and b.source.citation and b.statement
    assert not bounds.get("raghu2017").has_value and "no explicit constant" in bounds.get("raghu2017").statement
    assert not bounds.get("montufar2014-cor5").has_value
    assert bounds.get("serra2018-thm1-rank").needs_weights


# -- the big sweep: n0 <= 4, L <= 3, widths <= 8 (default) ----------------------------------------------
def test_sweep_relations(heavy):
    max_n0, max_L, max_w = (5, 4, 9) if heavy else (4, 3, 8)
    thm1, m17, prop3 = (bounds.get(i) for i in ("serra2018-thm1", "montufar2017", "montufar2014-prop3"))
    checked_equal_2n0 = checked_1d = 0
    for a in architectures(max_n0, max_L, max_w):
        dp = thm1.value(a)
        # three ways to Theorem 1
        assert dp == serra2018_thm1_by_enumeration(a.n0, a.widths), a
        if a.L <= 3:
            assert dp == thm1_from_definition(a.n0, a.widths), a
        # upper-bound chain, each link against an independent value
        assert m17.value(a) == montufar2017_ref(a.n0, a.widths)
        assert prop3.value(a) == 2 ** a.N
        assert dp <= m17.value(a) <= 2 ** a.N, a
        # every applicable lower (or exact) bound below every applicable upper (or exact) bound
        lows, ups = applicable_values(a, ("lower", "exact")), applicable_values(a, ("upper", "exact"))
        assert max(lows.values(), default=0) <= min(ups.values()), (a, lows, ups)
        if a.L == 1:
            assert dp == bounds.get("zaslavsky").value(a) == phi_ref(a.widths[0], a.n0)
        if a.n0 == 1 and all(w >= 3 for w in a.widths):
            assert dp == math.prod(w + 1 for w in a.widths) == bounds.get("serra2018-exact-1d").value(a)
            checked_1d += 1
        if all(w >= 2 * a.n0 for w in a.widths):     # Serra 2018's remark
            assert dp == m17.value(a), a
            checked_equal_2n0 += 1
        if all(w >= 2 * a.n0 for w in a.widths[:-1]):  # the toolkit's sharper form: the last layer is free
            assert dp == m17.value(a), a
    assert checked_equal_2n0 > 50 and checked_1d > 50


def test_thm1_is_strictly_below_montufar2017_at_a_bottleneck():
    # n0 = 3, (4, 4): j_1 = 2, 3 leave a 2- and 1-dimensional image; by hand
    # 1*Phi(4,3) + 4*Phi(4,3) + 6*Phi(4,2) + 4*Phi(4,1) = 15 + 60 + 66 + 20
    a = Architecture(3, (4, 4))
    assert bounds.get("serra2018-thm1").value(a) == 161 < bounds.get("montufar2017").value(a) == 15 * 15


def test_equality_with_montufar2017_can_fail_when_an_early_layer_is_below_2n0():
    a = Architecture(2, (3, 3))      # n_1 = 3 < 2 n0: j_1 = 2 leaves a line
    assert bounds.get("serra2018-thm1").value(a) < bounds.get("montufar2017").value(a)


# -- the lower bounds against their printed formulas --------------------------------------------------
@pytest.mark.parametrize("a", [Architecture(*x) for x in
                               [(1, (3, 4, 5)), (2, (5, 4)), (2, (7, 6, 3)), (3, (10, 9, 4)), (3, (7, 3)), (2, (2, 2, 1))]])
def test_folding_lower_bounds_match_the_printed_formulas(a):
    d = a.n0
    assert bounds.get("pascanu2013").value(a) == folding_ref(d, a.widths, lambda w: w // d)
    assert bounds.get("montufar2014-thm4").value(a) == folding_ref(d, a.widths, lambda w: (w // d) ** d)
    eq7 = folding_ref(d, a.widths, lambda w: (w // d) ** (d - w % d) * (w // d + 1) ** (w % d))
    assert bounds.get("montufar2014-thm4-eq7").value(a) == eq7
    # App. B: eq. (7) equals Thm 4 when every remainder is zero and is larger otherwise
    thm4 = bounds.get("montufar2014-thm4").value(a)
    assert (eq7 == thm4) == all(w % d == 0 for w in a.widths[:-1])
    assert eq7 >= thm4


def test_serra_lower_and_arora_match_the_printed_formulas():
    a = Architecture(2, (6, 7, 3))
    assert bounds.get("serra2018-lower").value(a) == 4 ** 2 * 4 ** 2 * phi_ref(3, 2)
    b = Architecture(3, (8, 5, 5, 5))          # m = 4, w = 5
    base = 2 * sum(math.comb(3, j) for j in range(3))
    assert bounds.get("arora2018").value(b) == base * 5 ** 3
    assert bounds.get("serra2018-arora-improved").value(b) == base * 6 ** 3


def test_hand_counts_from_the_papers():
    # three lines in general position cut the plane into 7 regions; 4 points cut the line into 5
    assert bounds.get("zaslavsky").value(Architecture(2, (3,))) == 7
    assert bounds.get("zaslavsky").value(Architecture(1, (4,))) == 5
    # Serra's 1-D construction: n units fold [0,1] into n + 1 pieces; 3 layers of 3 units: 4^3
    assert bounds.get("serra2018-exact-1d").value(Architecture(1, (3, 3, 3))) == 64
    # Montúfar Thm 4, n0 = 2, two layers of 4: 2^2 folds, then 4 lines: 4 * 11
    assert bounds.get("montufar2014-thm4").value(Architecture(2, (4, 4))) == 44


# -- hypotheses ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("bound_id, a, words", [
    ("zaslavsky", Architecture(2, (3, 3)), "L = 1"),
    ("pascanu2013", Architecture(3, (2, 5)), "n_1 = 2"),
    ("montufar2014-thm4", Architecture(3, (5, 2, 4)), "n_2 = 2"),
    ("montufar2014-thm4-eq7", Architecture(2, (1, 4)), "n_1 = 1"),
    ("serra2018-lower", Architecture(2, (5, 6)), "3 n0"),
    ("serra2018-exact-1d", Architecture(2, (3, 3)), "n0 = 1"),
    ("serra2018-exact-1d", Architecture(1, (2, 3)), "n_1 = 2"),
    ("arora2018", Architecture(2, (5, 3)), "even"),
    ("arora2018", Architecture(2, (6, 3, 4)), "equal widths"),
    ("serra2018-arora-improved", Architecture(2, (6,)), "L = 1"),
    ("serra2018-arora-improved", Architecture(2, (6, 1)), "w >= 2"),
])
def test_violated_hypotheses_raise_naming_them(bound_id, a, words):
    b = bounds.get(bound_id)
    assert not b.applies(a) and any(words in v for v in b.hypotheses(a))
    with pytest.raises(HypothesisError, match=words):
        b.value(a)


def test_last_layer_is_free_for_the_folding_bounds():
    # the last layer is an arrangement in general position: any width is allowed there
    assert bounds.get("serra2018-lower").value(Architecture(2, (6, 3))) == 4 ** 2 * phi_ref(3, 2)
    assert bounds.get("montufar2014-thm4").value(Architecture(3, (3, 1))) == 1 * phi_ref(1, 3)


def test_asymptotic_only_entries_have_no_value():
    a = Architecture(2, (4, 4))
    for i in ("raghu2017", "montufar2014-cor5"):
        with pytest.raises(RegionmathError, match="asymptotic only"):
            bounds.get(i).value(a)
        assert bounds.get(i).asymptotic("n").constant is None


def test_ranks_are_validated():
    b, a = bounds.get("serra2018-thm1-rank"), Architecture(3, (4, 2))
    for ranks, words in [(None, "needs ranks"), ([1], "one rank per"), ([4, 1], "0..3"), ([1, 3], "0..2"),
                         ([-1, 1], "0..3"), ([1.5, 1], "integer")]:
        with pytest.raises(RegionmathError, match=words):
            b.value(a, ranks=ranks)


# -- the rank refinement -------------------------------------------------------------------------------
def test_rank_bound_with_full_ranks_is_theorem_1_and_lower_ranks_never_raise_it():
    for a in architectures(3, 3, 5):
        full = [min(x, y) for x, y in zip(a.layer_sizes[1:], a.layer_sizes[:-1])]
        thm1 = bounds.get("serra2018-thm1").value(a)
        rank = bounds.get("serra2018-thm1-rank")
        assert rank.value(a, ranks=full) == thm1
        for ranks in itertools.product(*[range(r + 1) for r in full]):
            v = rank.value(a, ranks=list(ranks))
            assert v <= thm1
            assert v == thm1_from_definition(a.n0, a.widths, caps=list(ranks))


def test_rank_bound_holds_for_a_sampled_low_rank_network():
    # W^1 of rank 1: every pattern met by 200k random inputs is a region (almost surely open)
    rng = np.random.default_rng(7)
    W1 = np.outer(rng.normal(size=4), rng.normal(size=3))
    b1, W2, b2 = rng.normal(size=4), rng.normal(size=(4, 4)), rng.normal(size=4)
    x = rng.uniform(-20, 20, size=(200_000, 3))
    h = np.maximum(x @ W1.T + b1, 0)
    pats = np.concatenate([h > 0, (h @ W2.T + b2) > 0], axis=1)
    seen = len({row.tobytes() for row in np.packbits(pats, axis=1)})
    bound = bounds.get("serra2018-thm1-rank").value(Architecture(3, (4, 4)), ranks=[1, 4])
    assert 5 <= seen <= bound
    # a rank-1 first layer makes the network a function of one number: at most 5 * 5 patterns
    assert seen <= 25


# -- sympy expressions ---------------------------------------------------------------------------------
EXPR_CASES = {
    "zaslavsky": [(2, (3,)), (3, (5,)), (1, (4,))],
    "charisopoulos2018": [(2, (3,)), (3, (5,)), (4, (2,))],
    "montufar2014-prop3": [(2, (3, 4)), (1, (2, 2, 2))],
    "pascanu2013": [(2, (5, 4)), (1, (3, 2, 4)), (3, (7, 3))],
    "montufar2014-thm4": [(2, (5, 4)), (1, (3, 2, 4)), (3, (7, 8, 2))],
    "montufar2014-thm4-eq7": [(2, (5, 4)), (3, (7, 8, 2)), (2, (3, 5, 1))],
    "montufar2017": [(2, (3, 4)), (3, (2, 5, 4)), (1, (3, 1, 2))],
    "serra2018-thm1": [(2, (3, 3)), (2, (3, 3, 4)), (3, (5, 4, 6)), (1, (2, 1))],
    "serra2018-exact-1d": [(1, (3, 4)), (1, (3, 5, 2))],
    "serra2018-lower": [(2, (6, 7)), (1, (3, 4, 2))],
    "arora2018": [(2, (6, 3)), (3, (8, 5, 5))],
    "serra2018-arora-improved": [(2, (6, 3)), (3, (8, 5, 5))],
    "hinz2019": [(2, (3, 3)), (3, (5, 4, 6))],
    "hinz2021": [(2, (4, 4)), (3, (4, 4, 4)), (1, (2, 1))],
    "pieces-1d-one-unit": [(1, (6, 1)), (1, (3, 4, 1)), (1, (1, 1))],
}


def test_every_entry_with_a_value_has_an_expression_case():
    with_value = {b.id for b in bounds.all_bounds("relu") if b.has_value and not b.needs_weights
                  and not b.convolutional}      # (convolutional entries: tests/test_bounds_conv.py)
    assert with_value <= set(EXPR_CASES)


@pytest.mark.parametrize("bound_id, case", [(i, c) for i, cs in EXPR_CASES.items() for c in cs])
def test_expression_evaluates_to_the_value(bound_id, case):
    b, a = bounds.get(bound_id), Architecture(*case)
    got = substitute(b.expr(a), a).doit()
    assert got == b.value(a) == int(got)


def test_rank_expression_evaluates_to_the_value():
    b, a = bounds.get("serra2018-thm1-rank"), Architecture(3, (5, 4, 3))
    for ranks in ([3, 4, 3], [1, 4, 2], [2, 0, 3]):
        e = substitute(b.expr(a), a).subs(dict(zip(rank_symbols(3), ranks)))
        assert e.doit() == b.value(a, ranks=ranks)


# -- asymptotics ---------------------------------------------------------------------------------------
def _ratio(b, form, n0_, depth, width):
    a = Architecture(n0_, (width,) * depth)
    term = form.term.subs({n0: n0_, L: depth, n: width})
    return Fraction(b.value(a)) / Fraction(int(sp.numer(term)), int(sp.denom(term)))


ASYMPTOTIC_CASES = {
    "zaslavsky": [(1, 1), (2, 1), (4, 1)],
    "charisopoulos2018": [(1, 1), (3, 1)],
    "montufar2014-prop3": [(2, 2), (3, 3)],
    "pascanu2013": [(1, 3), (2, 2), (3, 3)],
    "montufar2014-thm4": [(1, 3), (2, 2), (3, 3)],
    "montufar2014-thm4-eq7": [(2, 2), (3, 3)],
    "montufar2017": [(1, 2), (2, 3), (4, 2)],
    "serra2018-thm1": [(1, 2), (2, 3), (4, 2)],
    "serra2018-exact-1d": [(1, 2), (1, 4)],
    "serra2018-lower": [(1, 2), (2, 3), (3, 2)],
    "arora2018": [(1, 2), (2, 3), (3, 2)],
    "serra2018-arora-improved": [(1, 2), (2, 3), (3, 2)],
}


def test_every_constant_claim_is_checked():
    claimed = {b.id for b in bounds.all_bounds("relu") if b._asymptotic(n) is not None and b._asymptotic(n).constant is not None}
    assert claimed <= set(ASYMPTOTIC_CASES)


@pytest.mark.parametrize("bound_id, n0_, depth", [(i, *c) for i, cs in ASYMPTOTIC_CASES.items() for c in cs])
def test_value_over_leading_term_tends_to_the_constant(bound_id, n0_, depth):
    b = bounds.get(bound_id)
    form = b.asymptotic("n")
    c = Fraction(str(form.constant))
    errors = []
    for width in (12 * 10, 12 * 100, 12 * 1000, 12 * 10000):   # even and divisible by every n0 <= 4
        errors.append((width, abs(_ratio(b, form, n0_, depth, width) - c)))
    # the error shrinks like 1/n: error * n stays below a fixed multiple of n0^2 L + L
    for width, err in errors:
        assert err * width <= 4 * (n0_ ** 2 * depth + depth) + 4, (bound_id, width, float(err))
    assert errors[-1][1] < errors[0][1] or errors[0][1] == 0


@pytest.mark.parametrize("bound_id, n0_, depth", [
    ("montufar2017", 2, 2), ("serra2018-lower", 1, 2), ("montufar2014-thm4", 2, 2), ("zaslavsky", 3, 1),
    ("serra2018-arora-improved", 2, 3),
])
def test_sympy_limit_agrees(bound_id, n0_, depth):
    x = sp.Symbol("x", positive=True, integer=True)
    b = bounds.get(bound_id)
    shift = 12 * n0_                  # widths x + shift keep every Min and hypothesis settled for x > 0
    a = Architecture(n0_, (shift,) * depth)
    e = b.expr(a).subs({n0: n0_, **{w: 2 * x + shift for w in width_symbols(depth)}}).doit()
    term = b.asymptotic("n").term.subs({n0: n0_, L: depth, n: 2 * x + shift})
    assert sp.limit(sp.expand_func(e) / term, x, sp.oo) == b.asymptotic("n").constant


def test_unconstant_rates_are_consistent_with_the_values():
    # Cor. 5: Theorem 4 / (n/n0)^((L-1) n0) n^n0 -> 1/n0!; Raghu: Theorem 1 / n^(L n0) -> 1/(n0!)^L
    cor5, thm4 = bounds.get("montufar2014-cor5"), bounds.get("montufar2014-thm4")
    raghu, thm1 = bounds.get("raghu2017"), bounds.get("serra2018-thm1")
    for n0_, depth in [(2, 2), (3, 3)]:
        r1 = _ratio(thm4, cor5.asymptotic("n"), n0_, depth, 12 * 10000)
        r2 = _ratio(thm1, raghu.asymptotic("n"), n0_, depth, 12 * 10000)
        assert abs(r1 - Fraction(1, math.factorial(n0_))) < Fraction(1, 100)
        assert abs(r2 - Fraction(1, math.factorial(n0_) ** depth)) < Fraction(1, 100)


# -- property tests ------------------------------------------------------------------------------------
arch_strategy = st.builds(lambda n0_, ws: Architecture(n0_, tuple(ws)),
                          st.integers(1, 6), st.lists(st.integers(1, 14), min_size=1, max_size=4))


@settings(max_examples=150, deadline=None)
@given(arch_strategy)
def test_property_relations_on_random_architectures(a):
    thm1 = bounds.get("serra2018-thm1").value(a)
    assert thm1 == serra2018_thm1_by_enumeration(a.n0, a.widths)
    assert thm1 <= montufar2017_ref(a.n0, a.widths) <= 2 ** a.N
    lows, ups = applicable_values(a, ("lower", "exact")), applicable_values(a, ("upper", "exact"))
    assert max(lows.values(), default=0) <= min(ups.values())
    if all(w >= 2 * a.n0 for w in a.widths[:-1]):
        assert thm1 == montufar2017_ref(a.n0, a.widths)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.lists(st.integers(1, 14), min_size=1, max_size=4), st.integers(1, 13))
def test_property_adding_a_layer_or_moving_units_forward(n0_, widths, extra):
    thm1 = bounds.get("serra2018-thm1")
    a = Architecture(n0_, tuple(widths))
    # another layer never lowers the bound (j = 0 in the new layer keeps every old term)
    assert thm1.value(Architecture(n0_, tuple(widths) + (extra,))) >= thm1.value(a)
    # the bottleneck effect for two layers: while n_1 <= n0, a unit moved from layer 2 to layer 1
    # never lowers the bound (exhaustive for n0 <= 8, widths <= 15 when written; see the next test)
    if len(widths) >= 2 and widths[1] >= 2 and widths[0] <= n0_:
        two = (widths[0], widths[1])
        moved = (widths[0] + 1, widths[1] - 1)
        assert thm1.value(Architecture(n0_, moved)) >= thm1.value(Architecture(n0_, two))


def test_moving_a_unit_forward_can_lower_theorem_1():
    # "moving a unit from layer 2 to layer 1 can only help" is not true in general: on the line
    # Theorem 1 is prod (n_l + 1), largest for balanced widths; and with a third layer the
    # shrunken second layer becomes the new bottleneck
    thm1 = bounds.get("serra2018-thm1")
    assert thm1.value(Architecture(1, (3, 1))) == 4 * 2 < thm1.value(Architecture(1, (2, 2))) == 3 * 3
    assert thm1.value(Architecture(3, (3, 1, 2))) < thm1.value(Architecture(3, (2, 2, 2)))


# -- helpers over the registry -------------------------------------------------------------------------
def test_tightest_upper_and_best_lower():
    a = Architecture(2, (6, 6))
    upper, uv = bounds.tightest_upper(a)
    lower, lv = bounds.best_lower(a)
    assert uv == min(montufar2017_ref(2, (6, 6)), thm1_from_definition(2, (6, 6)), 2 ** 12)
    assert lv == 4 ** 2 * phi_ref(6, 2)          # serra2018-lower: (floor(6/2) + 1)^2 Phi(6, 2)
    assert upper.kind == "upper" and lower.id == "serra2018-lower"
    shallow = Architecture(3, (7,))               # exact: both sides meet
    assert bounds.tightest_upper(shallow)[1] == bounds.best_lower(shallow)[1] == phi_ref(7, 3)
    assert bounds.best_lower(Architecture(4, (3, 3))) is None       # no lower bound applies


# -- command line ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, words", [
    (["bound", "zaslavsky", "--n0", "2", "--widths", "3,3"], "L = 1"),
    (["bound", "serra2018-lower", "--n0", "2", "--widths", "5,6"], "3 n0"),
    (["bound", "arora2018", "--n0", "2", "--widths", "5,3"], "even"),
    (["bound", "raghu2017", "--n0", "2", "--widths", "3"], "asymptotic only"),
    (["bound", "serra2018-thm1-rank", "--n0", "2", "--widths", "3"], "weights"),
])
def test_cli_hypothesis_violation_is_one_line_exit_2(argv, words, capsys):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and words in err


def test_cli_prints_theorem_1_in_full():
    widths = ",".join(["1000"] * 100)
    r = subprocess.run([sys.executable, "-m", "regionmath.cli", "bound", "serra2018-thm1", "--n0", "784",
                        "--widths", widths], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    value = int(r.stdout.strip())
    assert value == serra2018_thm1_dp(784, (1000,) * 100)
    # bracketed independently: every j_l <= 216 keeps the running minimum at 784, so those terms
    # alone give Phi(1000, 216)^100; Montúfar 2017's Phi(1000, 784)^100 is above
    assert phi_ref(1000, 216) ** 100 < value < phi_ref(1000, 784) ** 100


def test_arora_improved_needs_three_units_to_fold():
    # w + 1 pieces per folding layer need a turned fold of >= 3 units (proof_serra2018_turned_fold.py)
    improved = bounds.get("serra2018-arora-improved")
    assert improved.applies(Architecture(2, (4, 2)))            # L = 2: the last layer does not fold
    assert not improved.applies(Architecture(2, (4, 2, 2)))
    assert improved.applies(Architecture(2, (4, 3, 3)))
    assert bounds.get("arora2018").applies(Architecture(2, (4, 2, 2)))
