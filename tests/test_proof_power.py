"""The power of the proofs: every file's own check FAILS when its claim is replaced by a wrong one.

Each mutant replaces one claimed value or formula of a proof file (a registry value off by one
or scaled, a constant changed, a term dropped, a recursion weakened) and runs one of that
file's own test functions, which must then raise ``AssertionError``. A check that still passes
under its mutant has no power against that error. ``test_every_proof_file_has_a_mutant``
keeps the list complete.
"""

import importlib
import inspect
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
if str(PROOFS) not in sys.path:
    sys.path.insert(0, str(PROOFS))


class _Mutated:
    """A registry entry whose ``value`` is replaced by ``fn(original value)``."""

    def __init__(self, entry, fn):
        self._entry, self._fn = entry, fn

    def __getattr__(self, name):
        return getattr(self._entry, name)

    def value(self, arch, **kw):
        v = self._entry.value(arch, **kw)
        return v if v is None else self._fn(v)


def registry(bound_id, fn):
    def apply(mp):
        import _proofkit
        real = _proofkit.registry_entry

        def patched(bid):
            e = real(bid)
            return _Mutated(e, fn) if bid == bound_id else e
        for name, mod in list(sys.modules.items()):
            if (name.startswith("proof_") or name == "_proofkit") and getattr(mod, "registry_entry", None) is real:
                mp.setattr(mod, "registry_entry", patched)
    return apply


def attr(module, name, wrap):
    """Replace ``module.name`` by ``wrap(original)``."""
    def apply(mp):
        mod = importlib.import_module(module)
        mp.setattr(mod, name, wrap(getattr(mod, name)))
    return apply


def item(module, dict_name, key, value):
    def apply(mp):
        mp.setitem(getattr(importlib.import_module(module), dict_name), key, value)
    return apply


def minus1(v):
    return v - 1


def plus1(v):
    return v + 1


def _weak_width2(_orig):
    def bound(L):              # the false recursion r_{l+1} <= r_l + 3 r_{l-1}
        r = [1, 3]
        for _ in range(L - 1):
            r.append(r[-1] + 3 * r[-2])
        return r[L]
    return bound


def _thm1_recursion_loose(_orig):
    import math
    from functools import lru_cache

    def recursion(n0, widths, caps=None):
        caps = widths if caps is None else caps

        @lru_cache(maxsize=None)
        def R(l, d):
            if l == len(widths):
                return 1
            n = widths[l]       # mutant: the dimension after the layer is not capped by n - j
            return sum(math.comb(n, j) * R(l + 1, d) for j in range(min(caps[l], d) + 1))
        return R(0, n0)
    return recursion


def _bad_fold(orig):
    def fold(p):
        rows, biases, coeffs, alpha = orig(p)
        return rows, biases, [coeffs[0] + 1] + list(coeffs[1:]), alpha
    return fold


def _shifted_conv(orig):
    def conv(filters, length):
        return np.roll(orig(filters, length), 1, axis=1)
    return conv


def _unbalanced_groups(_orig):
    def group_sizes(n_l, n0):
        return [n_l - n0 + 1] + [1] * (n0 - 1)
    return group_sizes


def _claimed_plus1(orig):
    def folding_network(n0, widths):
        W, b, claimed = orig(n0, widths)
        return W, b, claimed + 1
    return folding_network


# (proof module, its test function, arguments, mutation)
MUTANTS = [
    ("proof_montufar2014_appc", "test_deep_rate_with_gamma_read_as_n_is_tight", {},
     attr("proof_montufar2014_appc", "phi_poly", lambda f: (lambda m, d: f(m, d - 1)))),
    ("proof_montufar2014_appc", "test_deep_rate_against_registry_values", {}, registry("montufar2014-thm4", lambda v: 2 * v)),
    ("proof_montufar2014_cor5", "test_cor5_exact_values_approach_the_limit", {}, registry("montufar2014-thm4", lambda v: 2 * v)),
    ("proof_montufar2014_cor5", "test_cor5_limit_in_width_every_residue", {},
     attr("proof_montufar2014_cor5", "phi_poly", lambda f: (lambda m, d: f(m, d - 1)))),
    ("proof_montufar2014_example9", "test_shi_and_catalan_counts", {"n": 3}, attr("proof_montufar2014_example9", "shi_count", lambda f: (lambda n: f(n) + 1))),
    ("proof_montufar2014_example9", "test_shi_and_catalan_counts", {"n": 3}, attr("proof_montufar2014_example9", "catalan_count", lambda f: (lambda n: f(n) - 1))),
    ("proof_montufar2014_folding", "test_sec31_as_printed_fails", {}, attr("proof_montufar2014_folding", "fold_sec31", lambda f: (lambda p, x: 2 * f(p, x)))),
    ("proof_montufar2014_folding", "test_rectifier_sums_exactly_on_a_range", {},
     attr("proof_montufar2014_folding", "fold_appB", lambda f: (lambda p, x: f(p, x) + (x > 1)))),
    ("proof_montufar2014_lemma2", "test_line_construction_counts_exactly", {"widths": (2, 3, 2)}, attr("proof_montufar2014_lemma2", "folding_network", _claimed_plus1)),
    ("proof_montufar2014_lemma2", "test_plane_construction_counts_exactly", {"widths": (4, 3)}, registry("montufar2014-thm4-eq7", plus1)),
    ("proof_montufar2014_prop3", "test_records_never_exceed_and_attain", {}, registry("montufar2014-prop3", minus1)),
    ("proof_charisopoulos2018", "test_records_never_exceed_and_attain", {}, registry("charisopoulos2018", minus1)),
    ("proof_montufar2014_prop7", "test_records_never_exceed_and_attain", {}, registry("montufar2014-prop7-upper", minus1)),
    ("proof_montufar2014_prop7", "test_lower_construction_counts_exactly", {}, registry("montufar2014-prop7-lower", plus1)),
    ("proof_montufar2014_stability", "test_records_keep_their_regions_under_small_perturbations", {},
     item("proof_montufar2014_stability", "CLAIM", "at least", lambda before, after: after > before)),
    ("proof_montufar2014_stability", "test_at_least_cannot_be_as_many", {},
     item("proof_montufar2014_stability", "CLAIM", "at least", lambda before, after: after == before)),
    ("proof_montufar2014_sec4", "test_rank2_maxout_by_two_rectifiers_on_a_box", {}, item("proof_montufar2014_sec4", "SIMULATION", "C", lambda bmax: bmax / 4)),
    ("proof_montufar2014_sec4", "test_folding_construction_is_a_maxout_network", {},
     item("proof_montufar2014_sec4", "CONSTANT_PIECES", "pieces", lambda k: list(range(k - 1)))),
    ("proof_montufar2014_appe", "test_restricted_weights_lose_regions", {}, attr("proof_montufar2014_appe", "families_bound", lambda f: (lambda a, b: f(a, b) - 1))),
    ("proof_montufar2014_appe", "test_conv1d_is_the_dense_matrix", {}, attr("proof_montufar2014_appe", "conv1d_matrix", _shifted_conv)),
    ("proof_montufar2014_appe", "test_library_matrix_is_direct_correlation", {}, attr("proof_montufar2014_appe", "direct_correlation", lambda f: (lambda *a: f(*a) + 1))),
    ("proof_montufar2014_appe", "test_registry_entry_takes_the_tightest_dense_bound", {}, registry("montufar2014-appe", plus1)),
    ("proof_xiong2020_deep", "test_induction_step_holds_and_is_tight", {}, attr("proof_xiong2020_deep", "phi_step", lambda f: (lambda m, d: f(m, d) - 1))),
    ("proof_xiong2020_deep", "test_one_layer_case_is_attained", {}, registry("xiong2020-deep-upper", minus1)),
    ("proof_xiong2020_deep", "test_lower_construction_counts_exactly", {"heavy": False}, registry("xiong2020-deep-lower", plus1)),
    ("proof_xiong2020_deep", "test_lower_construction_counts_exactly", {"heavy": False},
     attr("proof_xiong2020_deep", "lower_literal", lambda f: (lambda arch: f(arch) - 1))),
    ("proof_xiong2020_deep", "test_lower_never_above_the_upper_bounds", {}, registry("xiong2020-deep-lower", lambda v: v * 100)),
    ("proof_xiong2020_deep", "test_lower_literal_at_one_layer_is_refuted", {},
     attr("proof_xiong2020_deep", "lower_literal", lambda f: (lambda arch: f(arch) - 1))),
    ("proof_montufar2014_thm4", "test_registry_values_are_the_construction_counts", {}, registry("montufar2014-thm4-eq7", plus1)),
    ("proof_montufar2014_thm4", "test_eq7_is_the_best_split", {}, attr("proof_montufar2014_thm4", "group_sizes", _unbalanced_groups)),
    ("proof_montufar2014_thm4", "test_eq7_versus_thm4_and_pascanu", {}, registry("pascanu2013", lambda v: v * 2)),
    ("proof_montufar2014_thm8", "test_records_respect_and_attain_the_line_bound", {},
     attr("proof_montufar2014_thm8", "line_bound", lambda f: (lambda k, L: f(k, L) - 1))),
    ("proof_montufar2014_thm8", "test_inequality_C_symbolic", {}, attr("proof_montufar2014_thm8", "line_bound", lambda f: (lambda k, L: k ** L))),
    ("proof_montufar2014_zaslavsky", "test_generic_arrangements_attain_the_sum", {"heavy": False},
     attr("proof_montufar2014_zaslavsky", "phi_literal", lambda f: (lambda m, d: f(m, d - 1)))),
    ("proof_montufar2014_zaslavsky", "test_attained_iff_general_position_plane", {},
     attr("proof_montufar2014_zaslavsky", "phi_literal", lambda f: (lambda m, d: f(m, d) + 1))),
    ("proof_mrz2022_shallow", "test_records_attain_the_sharp_maximum", {}, registry("mrz2022-shallow", minus1)),
    ("proof_mrz2022_shallow", "test_parallel_families_attain_it", {}, attr("proof_mrz2022_shallow", "literal", lambda f: (lambda *a: f(*a) + 1))),
    ("proof_serra2018_arora", "test_records_attain_the_width2_bound", {}, attr("proof_serra2018_arora", "width2_line_bound", _weak_width2)),
    ("proof_serra2018_arora", "test_lemma_two_monotone_pieces", {}, item("proof_serra2018_exact_1d", "LEMMA_PIECES", 2, 1)),
    ("proof_serra2018_arora", "test_L4_refutes_the_formula_with_w_2", {}, attr("proof_serra2018_arora", "arora_literal", lambda f: (lambda a, e: f(a, e) - 8))),
    ("proof_serra2018_bottleneck", "test_prop2_two_layers", {"heavy": False}, attr("proof_serra2018_bottleneck", "prop2_gap", lambda f: (lambda n0, n: f(n0, n) - 1))),
    ("proof_serra2018_bottleneck", "test_true_maxima_on_the_line", {}, attr("proof_serra2018_bottleneck", "line_upper", lambda f: (lambda w: f(w) + 1))),
    ("proof_serra2018_deep_vs_shallow", "test_deep_never_beats_shallow_below_n0_plus_2", {}, registry("serra2018-thm1", plus1)),
    ("proof_serra2018_deep_vs_shallow", "test_threshold_n0_plus_2_is_attained_on_the_line", {}, registry("zaslavsky", plus1)),
    ("proof_serra2018_exact_1d", "test_records_respect_line_upper_and_attain_it", {}, attr("proof_serra2018_exact_1d", "line_upper", lambda f: (lambda w: f(w) - 1))),
    ("proof_serra2018_exact_1d", "test_product_iff_earlier_widths_at_least_3", {}, item("proof_serra2018_exact_1d", "LEMMA_PIECES", 2, 3)),
    ("proof_serra2018_exact_1d", "test_construction_attains_exactly", {"widths": (3, 3)}, registry("serra2018-exact-1d", minus1)),
    ("proof_serra2018_lower", "test_construction_certified", {"n0": 1, "widths": (3, 2)}, registry("serra2018-lower", plus1)),
    ("proof_serra2018_maxout", "test_records_never_exceed_and_attain_for_rank_two", {}, registry("serra2018-maxout", minus1)),
    ("proof_serra2018_maxout", "test_per_layer_pattern_bound", {}, item("proof_serra2018_maxout", "TIE_CONSTANT", "K", lambda k: 1)),
    ("proof_serra2018_milp", "test_a_box_around_the_breakpoints_counts_the_whole_line", {}, attr("proof_serra2018_milp", "BOX_MARGIN", lambda m: -m)),
    ("proof_serra2018_thm1", "test_records_never_exceed_the_upper_bounds", {}, registry("serra2018-thm1", minus1)),
    ("proof_serra2018_thm1", "test_records_never_exceed_the_upper_bounds", {}, registry("serra2018-thm1", lambda v: v * 3 // 4)),
    ("proof_serra2018_thm1", "test_records_never_exceed_the_upper_bounds", {}, registry("montufar2017", minus1)),
    ("proof_serra2018_thm1", "test_records_never_exceed_the_upper_bounds", {}, registry("serra2018-thm1-rank", minus1)),
    ("proof_serra2018_thm1", "test_recursion_unrolls_to_the_J_sum", {}, attr("proof_serra2018_thm1", "recursion", _thm1_recursion_loose)),
    ("proof_serra2018_turned_fold", "test_turned_fold_maps_every_piece_onto_the_unit_interval", {"p": 5}, attr("proof_serra2018_turned_fold", "_fold", _bad_fold)),
]


def _id(m):
    return f"{m[0].removeprefix('proof_')}::{m[1]}"


@pytest.mark.parametrize("module, test, kwargs, mutation", MUTANTS, ids=[_id(m) for m in MUTANTS])
def test_mutant_is_caught(module, test, kwargs, mutation, monkeypatch):
    mod = importlib.import_module(module)
    fn = getattr(mod, test)
    kwargs = dict(kwargs)
    if "heavy" in inspect.signature(fn).parameters:
        kwargs.setdefault("heavy", False)
    mutation(monkeypatch)        # (the unmutated checks run in the proofs suite itself)
    with pytest.raises(AssertionError):
        fn(**kwargs)


def test_wrong_hand_count_is_caught():
    mod = importlib.import_module("proof_serra2018_milp")
    with pytest.raises(AssertionError):   # "x and -x": the printed MILP counts 3, not 2
        mod.test_degenerate_networks("x and -x", [[[1], [-1]]], [[0, 0]], ([-1], [1]), 2, 2)


def test_every_proof_file_has_a_mutant():
    files = {p.stem for p in PROOFS.glob("proof_*.py")}
    covered = {m[0] for m in MUTANTS}
    own = {f for f in files - covered if "def test_mutation" in (PROOFS / f"{f}.py").read_text()}
    assert files - covered - own == set()      # (the pieces files carry their own test_mutation*)


def _index_rows():
    rows = []
    for line in (PROOFS / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 5 and cells[-1].startswith("`proof_"):
            rows.append([" | ".join(cells[:-4])] + cells[-4:])     # a claim may contain "|x|"
    return rows


def test_index_checked_by_agrees_with_the_files():
    rows = _index_rows()
    files = {p.stem for p in PROOFS.glob("proof_*.py")}
    listed = {f.strip("`").removesuffix(".py") for *_, f in rows}
    assert files <= listed, f"proof files missing from proofs/README.md: {files - listed}"
    kinds = ("proof", "exhaustive", "certified construction", "evidence only", "records")
    for claim, _, verdict, checked_by, f in rows:
        assert any(k in checked_by for k in kinds), (claim, checked_by)
        source = (PROOFS / f.strip("`")).read_text()
        if "records" in checked_by:
            assert "records(" in source, f"{f} is said to be checked by records but never loads them"
        if "certified construction" in checked_by:
            assert "exact_pattern_ok" in source or "regions_1d" in source or "certified" in source, f
    for f in files:
        if "check_upper_on_records(" in (PROOFS / f"{f}.py").read_text():
            assert any(r[-1].strip("`") == f"{f}.py" and "records" in r[3] for r in rows), f
