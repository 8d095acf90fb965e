"""Tests for regionmath.asymptotics.

Every asymptotic statement is checked two ways: sympy's exact limit of value/term, and exact
rational values (registry values, Architecture.parameter_count) at growing n or L whose
distance to the limit shrinks. Expected values are derived here independently: closed forms
typed from the papers, math.comb sums, and brute force over Serra's index set J.
"""

import contextlib
import io
import itertools
import json
import math
import subprocess
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from regionmath import Architecture, RegionmathError, bounds
from regionmath import asymptotics as A
from regionmath.bounds import L, n, n0
from regionmath.cli import main

THM4, ZAS, SERRA_LOWER, THM1, PASCANU = ("montufar2014-thm4", "zaslavsky", "serra2018-lower",
                                         "serra2018-thm1", "pascanu2013")


def need(*ids):
    missing = [i for i in ids if i not in bounds.REGISTRY]
    if missing:
        pytest.skip(f"registry entries not present yet: {', '.join(missing)}")


# -- independent references -------------------------------------------------------------------
def phi_ref(m, d):
    return sum(math.comb(m, j) for j in range(d + 1))


def thm4_ref(n0_, widths):
    """Montúfar 2014, Thm 4 as printed."""
    out = phi_ref(widths[-1], n0_)
    for w in widths[:-1]:
        out *= (w // n0_) ** n0_
    return out


def thm1_ref(n0_, widths):
    """Serra 2018, Thm 1 by brute force over the index set J."""
    total = 0
    for js in itertools.product(*[range(w + 1) for w in widths]):
        ok, cap = True, n0_
        for w, j in zip(widths, js):
            if j > min(cap, w):
                ok = False
                break
            cap = min(cap, w - j)
        if ok:
            total += math.prod(math.comb(w, j) for w, j in zip(widths, js))
    return total


def approaches(pairs, limit, final_tol):
    """Distances |ratio - limit| (exact Fractions) shrink along the points and end below final_tol."""
    limit = Fraction(int(sp.Rational(limit).p), int(sp.Rational(limit).q))
    errs = [abs(r - limit) for _, r in pairs]
    assert all(b < a or a == b == 0 for a, b in zip(errs, errs[1:])), errs     # 0: exact at every point
    assert errs[-1] < final_tol * limit


def frac(expr):
    q = sp.Rational(expr)
    return Fraction(int(q.p), int(q.q))


# -- 1. parameter counts ----------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), st.lists(st.integers(1, 12), min_size=1, max_size=5), st.integers(0, 4),
       st.sampled_from([1, 2, 3]))
def test_parameter_count_matches_architecture(n0_, widths, outputs, rank):
    arch = Architecture(n0_, tuple(widths)) if rank == 1 else Architecture.maxout(n0_, widths, rank)
    expr = A.parameter_count(arch, outputs)
    assert int(bounds.substitute(expr, arch)) == arch.parameter_count(outputs)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), st.integers(1, 15), st.integers(1, 6), st.integers(0, 3), st.sampled_from([1, 2, 4]))
def test_deep_and_shallow_counts(n0_, w, depth, outputs, rank):
    make = (lambda ws: Architecture(n0_, ws)) if rank == 1 else (lambda ws: Architecture.maxout(n0_, ws, rank))
    subs = {n0: n0_, n: w, L: depth}
    assert A.deep_parameter_count(outputs, rank).subs(subs) == make((w,) * depth).parameter_count(outputs)
    assert A.shallow_parameter_count(outputs, rank).subs(subs) == make((w * depth,)).parameter_count(outputs)


def test_deep_parameters_are_L_minus_1_n_squared():
    # App. C says Theta(L n^2): the exact leading term is (L-1) n^2, and Theta(n) at L = 1
    for depth in (1, 2, 5):
        p = A.deep_parameter_count().subs({n0: 3, L: depth})
        want = (depth - 1) * n**2 if depth > 1 else 4 * n
        assert A.leading_term(p, n) == want
        assert A.ratio_limit(p, want, n) == 1


# -- leading terms and limits ------------------------------------------------------------------
def test_limits_by_residue_class():
    assert A.ratio_limit(sp.floor(n / 3) ** 2, n**2, n) == sp.Rational(1, 9)
    assert A.ratio_limit(sp.floor(n / 2) * sp.floor((n + 1) / 2), n**2, n) == sp.Rational(1, 4)
    # no limit: the classes n even / n odd disagree
    assert A.ratio_limit(sp.Mod(n, 2) + 1, sp.Integer(1), n) is None
    assert A.ratio_limit(n - 2 * sp.floor(n / 2) + n, n, n) == 1
    assert A.leading_term(sp.floor(n / 2) ** 2 * (n**2 + 3 * n + 2) / 2, n) == n**4 / 8
    assert A.leading_term(3 * 2**L + L**5, L) == 3 * 2**L


# -- 2. Montúfar 2014 App. C -------------------------------------------------------------------
@pytest.mark.parametrize("n0_,depth", [(1, 2), (2, 2), (2, 3), (3, 2), (3, 4), (4, 3)])
def test_appendix_c_deep_rate(n0_, depth):
    need(THM4)
    rate = A.regions_per_parameter(n0_, depth, "deep")
    # by hand: floor(n/n0)^(n0(L-1)) Phi(n, n0) / ((L-1) n^2) ~ (n/n0)^(n0(L-1)) n^(n0-2) / ((L-1) n0!)
    by_hand = (n / n0_) ** (n0_ * (depth - 1)) * n ** (n0_ - 2) / ((depth - 1) * math.factorial(n0_))
    assert sp.simplify(rate.leading - by_hand) == 0
    # the paper's term with gamma read as n: Theta, constant L/((L-1) n0!)
    want = sp.Rational(depth, (depth - 1) * math.factorial(n0_))
    assert rate.stated_limit == want and rate.holds and rate.tight
    # second way: exact values from the registry and Architecture.parameter_count
    q = n0_
    pts = [q * 10**i for i in range(1, 5)]
    pairs = [(w, Fraction(bounds.get(THM4).value(Architecture(n0_, (w,) * depth)),
                          Architecture(n0_, (w,) * depth).parameter_count())
              / frac(rate.stated.subs(n, w))) for w in pts]
    approaches(pairs, want, 1e-2)


@pytest.mark.parametrize("n0_,depth", [(2, 2), (3, 3)])
def test_appendix_c_gamma_is_a_typo_for_n(n0_, depth):
    need(THM4)
    gamma = sp.Symbol("gamma", positive=True)
    value = A.deep_expr(THM4, n0_, depth) / A.deep_parameter_count().subs({n0: n0_, L: depth})
    printed = ((gamma / n0_) ** (n0_ * (depth - 1)) * n ** (n0_ - 2) / depth).subs(gamma, 5)
    # with a constant gamma the printed rate is a true but loose Omega (ratio -> oo): it would
    # say regions per parameter grow like n^(n0-2), not exponentially in the depth
    assert A.ratio_limit(value, printed, n) == sp.oo
    assert sp.degree(printed, n) == n0_ - 2
    # with gamma = n the rate is tight, of degree n0 L - 2 in n
    fixed = ((n / n0_) ** (n0_ * (depth - 1)) * n ** (n0_ - 2) / depth)
    assert A.ratio_limit(value, fixed, n).is_finite and A.ratio_limit(value, fixed, n).is_positive
    assert sp.degree(A.leading_term(value, n), n) == n0_ * depth - 2


@pytest.mark.parametrize("n0_,depth", [(1, 3), (2, 2), (3, 4), (5, 2)])
def test_appendix_c_shallow_rate(n0_, depth):
    need(ZAS)
    rate = A.regions_per_parameter(n0_, depth, "shallow")
    want = sp.Rational(1, (n0_ + 1) * math.factorial(n0_))     # Phi(Ln, n0)/(Ln(n0+1)) over (Ln)^(n0-1)
    assert rate.stated_limit == want and rate.holds
    pairs = [(w, Fraction(phi_ref(depth * w, n0_), Architecture(n0_, (depth * w,)).parameter_count())
              / frac(rate.stated.subs(n, w))) for w in (10, 100, 1000, 10000)]
    approaches(pairs, want, 1e-2)


# -- 3. Cor 5 and Pascanu 2013: growth in n, L and parameters ------------------------------------
@pytest.mark.parametrize("n0_,depth", [(1, 3), (2, 2), (2, 4), (3, 3)])
def test_cor5_growth_in_width(n0_, depth):
    need(THM4)
    cor5 = (n / n0_) ** ((depth - 1) * n0_) * n ** n0_
    rate = A.growth_in_width(THM4, n0_, depth)
    assert A.ratio_limit(rate.expr, cor5, n) == sp.Rational(1, math.factorial(n0_))
    pairs = A.exact_ratios(lambda w: thm4_ref(n0_, (w,) * depth), cor5, n, [n0_ * 10**i for i in range(1, 5)])
    approaches(pairs, sp.Rational(1, math.factorial(n0_)), 1e-2)
    # shallow with Ln units: O(L^n0 n^n0), constant 1/n0!
    shallow = A.growth_of_shallow(n0_, depth)
    assert A.ratio_limit(shallow.expr, (depth * n) ** n0_, n) == sp.Rational(1, math.factorial(n0_))


@pytest.mark.parametrize("n0_,depth", [(1, 3), (2, 3), (3, 2)])
def test_pascanu2013_growth_in_width(n0_, depth):
    need(PASCANU)
    rate = A.growth_in_width(PASCANU, n0_, depth)
    term = (n / n0_) ** (depth - 1) * n ** n0_
    assert A.ratio_limit(rate.expr, term, n) == sp.Rational(1, math.factorial(n0_))
    # Cor 5 beats it by a factor growing like n^((n0-1)(L-1)): strictly for n0 >= 2
    need(THM4)
    gap = A.ratio_limit(A.deep_expr(THM4, n0_, depth), rate.expr, n)
    assert gap == (1 if n0_ == 1 else sp.oo)


@pytest.mark.parametrize("n0_,w", [(1, 2), (2, 5), (2, 6), (3, 7)])
def test_growth_in_depth_is_geometric(n0_, w):
    need(THM4)
    dg = A.growth_in_depth(THM4, n0_, w)
    assert dg.base == (w // n0_) ** n0_
    for depth in (1, 5, 12, 30):       # the closed form in L against exact values
        assert dg.closed_form.subs(L, depth) == thm4_ref(n0_, (w,) * depth)
    # per parameter: each layer adds w(w+1) parameters
    assert sp.simplify(dg.base_per_parameter() - sp.Integer(dg.base) ** sp.Rational(1, w * (w + 1))) == 0


def test_growth_in_parameters_fixed_depth():
    need(THM4)
    for n0_, depth in ((1, 2), (2, 3), (3, 2)):
        g = A.growth_in_parameters(THM4, n0_, depth=depth)
        # P ~ (L-1) n^2 and Thm 4 ~ n^(n0 L): degree n0 L / 2 in P
        assert g["kind"] == "polynomial" and g["degree"] == sp.Rational(n0_ * depth, 2)
        # exact: value at the width whose leading parameter count is P, over the leading term
        pairs = []
        for w in (n0_ * 10**i for i in range(1, 4)):
            p_lead = (depth - 1) * w * w
            pairs.append((w, Fraction(thm4_ref(n0_, (w,) * depth)) / frac(g["leading"].subs(A.P, p_lead))))
        approaches(pairs, 1, 5e-2)


def test_growth_in_parameters_fixed_width():
    need(THM4)
    # width 4 on R^2: each layer multiplies Thm 4 by floor(4/2)^2 = 4 and adds 4*5 parameters
    g = A.growth_in_parameters(THM4, 2, width=4)
    assert g["kind"] == "exponential" and g["per_layer"] == 4
    assert sp.simplify(g["base_per_parameter"] - sp.Integer(4) ** sp.Rational(1, 20)) == 0
    with pytest.raises(RegionmathError):
        A.growth_in_parameters(THM4, 2)


@pytest.mark.parametrize("bound_id,n0_,per_layer", [(THM4, 3, lambda w, d: (w // d) ** d),
                                                     (PASCANU, 3, lambda w, d: w // d),
                                                     (SERRA_LOWER, 2, lambda w, d: (w // d + 1) ** d)])
def test_growth_summary(bound_id, n0_, per_layer):
    need(bound_id)
    g = A.growth_summary(bound_id, n0_, depth=3)
    w = g["width"]
    assert g["depth_base"] == per_layer(w, n0_)
    # degree in n: the product has (L-1) folding factors of degree n0 (Pascanu: 1), times Phi ~ n^n0
    fold_degree = 1 if bound_id == PASCANU else n0_
    assert g["width_degree"] == 2 * fold_degree + n0_
    assert g["parameters_degree"] == sp.Rational(2 * fold_degree + n0_, 2)     # P ~ 2 n^2 at L = 3


# -- crossovers --------------------------------------------------------------------------------
def serra_lower_ref(n0_, widths):
    """Serra 2018's lower bound as printed: (floor(n_l/n0) + 1)^n0 per folding layer."""
    out = phi_ref(widths[-1], n0_)
    for w in widths[:-1]:
        out *= (w // n0_ + 1) ** n0_
    return out


def crossover_ref(n0_, width=None, depth=None, by="units", limit=2000, deep=thm4_ref, first_width=None):
    """Independent search with the typed bounds and phi_ref."""
    def shallow(d, w):
        if by == "units":
            return phi_ref(d * w, n0_)
        params = Architecture(n0_, (w,) * d).parameter_count()
        return phi_ref(params // (n0_ + 1), n0_)
    if depth is None:
        for d in range(2, limit):
            if deep(n0_, (width,) * d) > shallow(d, width):
                return d
    else:
        for w in range(first_width or n0_, limit):
            if deep(n0_, (w,) * depth) > shallow(depth, w):
                return w
    return None


@pytest.mark.parametrize("n0_", range(1, 9))
def test_crossover_rows_against_brute_force(n0_):
    need(THM4, ZAS)
    # floor(w/n0)^n0 > 1 from w = 2 n0: the narrowest width where Thm 4 grows with depth
    assert A.folding_width(n0_, THM4) == 2 * n0_
    for by in A.BY:
        c = A.crossover(n0_, by=by)           # width 2 n0, depth searched
        assert c.width == 2 * n0_ and c.exact == crossover_ref(n0_, width=2 * n0_, by=by)
        c3 = A.crossover(n0_, by=by, width=3 * n0_ + 1)
        assert c3.exact == crossover_ref(n0_, width=3 * n0_ + 1, by=by)
        c2 = A.crossover(n0_, by=by, depth=2)  # width searched
        assert c2.exact == crossover_ref(n0_, depth=2, by=by)
        assert c2.deep_value == thm4_ref(n0_, (c2.exact,) * 2)
    # leading terms at depth 2: (n/n0)^n0 n^n0/n0! = (2n)^n0/n0! at n = 2 n0 exactly
    assert abs(A.crossover(n0_, depth=2).estimate - 2 * n0_) < 1e-6


def test_crossover_time_limit_and_progress(monkeypatch):
    """On the search's own clock (here a fake one that advances 0.25 s per reading, so the
    test does not depend on the machine's load): progress about once a second, and at the
    time limit an incomplete record whose ``searched_to`` is the last value tried."""
    need(PASCANU, ZAS)
    import importlib
    import types
    module = importlib.import_module("regionmath.asymptotics.crossover")
    readings = iter(0.25 * i for i in range(10**6))
    monkeypatch.setattr(module, "time", types.SimpleNamespace(monotonic=lambda: next(readings)))
    seen = []
    # Pascanu's bound ~ n^(n0+1) never catches Phi(~n^2/(n0+1), n0) ~ n^(2 n0) for n0 >= 2
    c = A.crossover(3, depth=2, by="parameters", deep=PASCANU, limit=10**7, time_limit=1.5, progress=seen.append)
    # readings 0 (start), then one per candidate: 0.25, 0.5, ...; the candidate read at 1.75 s
    # (the 7th) finds the limit passed, so the 6 before it were tried
    first = next(w for w in range(1, 100) if bounds.get(PASCANU).applies(Architecture(3, (w, w))))
    assert not c.complete and c.exact is None and c.searched_to == first + 5 and "time limit" in c.note
    assert [info["seconds"] for info in seen] == [1.0] and seen[0] == {"variable": "n", "at": first + 3,
                                                                       "seconds": 1.0}


def test_crossover_time_limit_on_the_real_clock():
    """The same search with the machine's clock stops, incomplete, soon after its limit."""
    need(PASCANU, ZAS)
    import time
    start = time.monotonic()
    c = A.crossover(3, depth=2, by="parameters", deep=PASCANU, limit=10**7, time_limit=0.5)
    assert not c.complete and c.exact is None and "time limit" in c.note
    assert time.monotonic() - start < 0.5 + 30     # one candidate's exact values past the limit at most


def test_crossover_without_growth():
    need(THM4, ZAS)
    c = A.crossover(2, width=3)     # floor(3/2) = 1: Thm 4 is constant in the depth
    assert c.exact is None and "does not grow" in c.note


def test_crossover_table_rows(heavy):
    need(THM4, ZAS, SERRA_LOWER)
    n0s = range(1, 9) if heavy else range(1, 5)
    rows = A.crossover_table(n0s)
    assert len(rows) == len(n0s) * 2 * 2
    for row in rows:
        ref, first = (thm4_ref, row["n0"]) if row["deep"] == THM4 else (serra_lower_ref, 3 * row["n0"])
        assert row["width"] == (2 if row["deep"] == THM4 else 3) * row["n0"]
        assert row["depth_at_width"] == crossover_ref(row["n0"], width=row["width"], by=row["by"], deep=ref)
        assert row["width_at_depth"] == crossover_ref(row["n0"], depth=row["depth"], by=row["by"], deep=ref,
                                                      first_width=first)


def test_crossover_bad_input():
    need(THM4, ZAS)
    with pytest.raises(RegionmathError):
        A.crossover(2, width=4, depth=3)
    with pytest.raises(RegionmathError):
        A.crossover(2, depth=1)
    with pytest.raises(RegionmathError):
        A.crossover(2, by="weights")
    with pytest.raises(RegionmathError):
        A.crossover(3, width=2)     # Thm 4 needs n >= n0
    with pytest.raises(RegionmathError):
        A.crossover(2, deep="serra2018-thm1")     # an upper bound proves no win


# -- 4. Serra 2018 structure ------------------------------------------------------------------
@pytest.mark.parametrize("n0_", [1, 2, 3, 5, 8])
def test_bottleneck_effect(n0_, heavy):
    need(THM1)
    max_units = 22 if heavy else 14
    survey = A.bottleneck_survey(n0_, max_units)
    for total in range(3, max_units + 1):
        for n1 in range(1, total - 1):
            n2 = total - n1
            before, after = thm1_ref(n0_, (n1, n2)), thm1_ref(n0_, (n1 + 1, n2 - 1))
            sign = (after > before) - (after < before)
            assert (n1, n2) in survey[{1: "helps", 0: "neutral", -1: "hurts"}[sign]]
            if n1 <= n0_:
                assert sign == 1                       # a first layer no wider than the input
            if n1 < n2:
                assert sign >= 0
                assert (sign == 0) == (n2 == n1 + 1 and n1 >= 2 * n0_)
            if n1 >= 2 * n0_:                          # product regime: sign of n2 - 1 - n1
                assert sign == (n2 - 1 > n1) - (n2 - 1 < n1)
            if sign < 0:
                assert n1 >= max(n2, n0_ + 1)
    # it is not general: it can hurt once layer 1 is the wider one and at least n0 wide
    assert survey["hurts"] or n0_ >= max_units - 1
    if n0_ == 1:
        assert (2, 2) in survey["hurts"]
    if n0_ == 3:                                       # the band n0 < n1 < 2 n0 has both signs
        assert (4, 3) in survey["helps"] and (4, 2) in survey["hurts"]


@pytest.mark.parametrize("n0_", range(1, 7))
def test_deep_vs_shallow_threshold(n0_):
    need(THM1, ZAS)
    # N <= n0 + 1: no deep architecture's Thm 1 bound exceeds Phi(N, n0) (all compositions)
    for total in range(2, n0_ + 2):
        for widths in A.compositions(total):
            assert thm1_ref(n0_, widths) <= phi_ref(total, n0_)
    r = A.deep_beats_shallow_threshold(n0_)
    assert r.units == n0_ + 2 and r.best_widths == (n0_ + 1, 1)
    assert r.best == thm1_ref(n0_, (n0_ + 1, 1)) == 2 ** (n0_ + 2) - 2
    assert r.shallow == phi_ref(n0_ + 2, n0_) == 2 ** (n0_ + 2) - n0_ - 3
    # a provable win needs a lower bound above the shallow maximum
    low = A.deep_beats_shallow_threshold(n0_, THM4)
    assert low.units > n0_ and thm4_ref(n0_, low.best_widths) > phi_ref(low.units, n0_)
    for total in range(2, low.units):
        assert all(thm4_ref(n0_, w) <= phi_ref(total, n0_)
                   for w in A.compositions(total, 3) if min(w) >= n0_)


# -- 5. the registry's asymptotic forms, and the command line ----------------------------------
def _forms():
    out = []
    for b in bounds.all_bounds("relu"):
        for var in ("n", "L"):
            try:
                b.asymptotic(var)
            except RegionmathError:
                continue
            if b.has_value or b.id in A.SUMMARISES:
                out.append((b.id, var))
    return out


def test_every_relu_form_checks_out(heavy):
    forms = _forms()
    assert forms, "no relu asymptotic forms in the registry"
    for bound_id, var in forms:
        for n0_ in ((1, 2, 3, 4) if heavy else (1, 2)):
            try:
                rate = A.check_asymptotic_form(bound_id, var, n0_)
            except RegionmathError as e:
                if "does not apply" in str(e) or "not geometric" in str(e):
                    continue
                raise
            assert rate.holds, (bound_id, var, n0_, str(rate))


def test_forms_checked_on_exact_values():
    for bound_id, var in _forms():
        b = bounds.get(bound_id)
        src = bounds.get(bound_id if b.has_value else A.SUMMARISES[bound_id])
        form = b.asymptotic(var)
        if form.constant is None:
            continue
        n0_ = 2
        try:
            rate = A.check_asymptotic_form(bound_id, var, n0_)
        except RegionmathError:
            continue
        if var == "n":
            depth = rate.fixed[L]
            pts = [n0_ * 10**i for i in range(1, 4)]
            pairs = [(w, Fraction(src.value(Architecture(n0_, (w,) * depth))) / frac(rate.stated.subs(n, w)))
                     for w in pts]
        else:
            w = rate.fixed[n]
            pairs = [(d, Fraction(src.value(Architecture(n0_, (w,) * d))) / frac(rate.stated.subs(L, d)))
                     for d in (5, 10, 20)]
            if len({r for _, r in pairs}) == 1:     # exactly geometric: the ratio is constant
                assert pairs[0][1] == frac(rate.stated_limit)
                continue
        approaches(pairs, rate.stated_limit, 5e-2)


def _cli(*args):
    """Run the command in-process; the same contract as a subprocess (one stderr line, exit 2)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_cli_bound_asymptotic_every_entry():
    for b in bounds.all_bounds():
        r = _cli("bound", b.id, "--asymptotic", "--json")
        if r.returncode == 0:
            rec = json.loads(r.stdout)
            assert rec["id"] == b.id and rec["order"] in ("O", "Omega", "Theta")
        else:
            assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1


def test_cli_compare():
    need(THM4, ZAS)
    r = _cli("compare", "--n0", "2", "--by", "parameters", "--json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["crossover"]["exact"] == crossover_ref(2, width=4, by="parameters")
    assert rec["ratio_limit"] == "oo"
    r = _cli("compare", "--n0", "2")
    assert r.returncode == 0 and "first exceeds" in r.stdout
    for bad in (["--n0", "0"], ["--n0", "2", "--depth", "1"], ["--n0", "2", "--by", "weights"],
                ["--n0", "2", "--width", "4", "--depth", "3"], ["--n0", "3", "--width", "2"]):
        r = _cli("compare", *bad)
        assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, (bad, r.stderr)
