"""The enumerator's fast paths (issue 21): the dense dual simplex kernel
(regionmath.counting.simplex) and the search that uses it.

Expected values come from elsewhere: HiGHS's verdict on the same LP and a certificate
checked here in exact rational arithmetic; the same count with the kernel switched off (the
HiGHS path of the previous version); brute force over every pattern (method "brute").
"""

import os
import sys
from fractions import Fraction

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from random_nets import random_relu_nets  # noqa: E402

from regionmath.counting import count_regions  # noqa: E402
from regionmath.counting import lastlayer, simplex  # noqa: E402
from regionmath.counting.parallel import count_enumerate  # noqa: E402
from regionmath.counting.solvers import new_highs  # noqa: E402
from regionmath.network import Network  # noqa: E402

pytestmark = pytest.mark.skipif(not simplex.available(), reason="numba is not installed")


@pytest.fixture(autouse=True)
def _kernel_for_every_size(monkeypatch):
    """The kernel serves these small nets too (a count serves nets under KERNEL_MIN_UNITS by
    HiGHS alone, which is the path the tests compare it with)."""
    from regionmath.counting import tolerances
    monkeypatch.setattr(tolerances, "KERNEL_MIN_UNITS", 0)


def _lp(rng, n, m, degenerate):
    """Rows (unit norm) and offsets; ``degenerate``: near-copies, opposite pairs whose slab
    is about as thin as the margin, and rows through one point."""
    A = rng.normal(size=(m, n))
    A /= np.linalg.norm(A, axis=1)[:, None]
    g = rng.normal(size=m) * 0.4 * np.sqrt(n)   # offsets on the scale of |a|_1: both verdicts occur
    if degenerate:
        for i in range(1, m, 3):
            j = int(rng.integers(0, i))
            kind = rng.integers(0, 3)
            if kind == 0:       # a near-copy
                A[i] = A[j] * (1 + 1e-9 * rng.normal())
                g[i] = g[j] + 1e-9 * rng.normal()
            elif kind == 1:     # the opposite side, a slab of width ~ margin
                A[i] = -A[j]
                g[i] = -g[j] + float(rng.choice([0.5e-7, 2e-7, 1e-6]))
            else:               # through the origin, like row 0
                g[i] = 0.0
    norms = np.linalg.norm(A, axis=1)
    return A / norms[:, None], g / norms


def _highs_feasible(A, g, sign, margin):
    import highspy
    inf = highspy.kHighsInf
    n = A.shape[1]
    h = new_highs(primal_feasibility_tolerance=1e-9, dual_feasibility_tolerance=1e-9)
    e = np.array([], dtype=np.int32)
    h.addCols(n, np.zeros(n), -np.ones(n), np.ones(n), 0, e, e, np.array([], dtype=float))
    for r in np.flatnonzero(sign):
        lo, hi = (-g[r] + margin, inf) if sign[r] > 0 else (-inf, -g[r] - margin)
        h.addRow(lo, hi, n, np.arange(n, dtype=np.int32), A[r])
    h.run()
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def _certificate_holds(A, g, sign, ray):
    """Exactly: sum_r y_r s_r (a_r . u + g_r) < 0 for every u in [-1, 1]^n (y_r = ray_r s_r)."""
    y = [Fraction(float(v)) for v in ray]
    U = sum(yr * Fraction(float(gr)) for yr, gr in zip(y, g))
    for j in range(A.shape[1]):
        U += abs(sum(yr * Fraction(float(a)) for yr, a in zip(y, A[:, j])))
    return U < 0


def _kernel_against_highs(rng, n, m, degenerate, trials, away=0.0):
    """``trials`` warm solves of the dense kernel on random sign patterns of a random LP
    (``away``: the share of half-spaces turned away from the centre, so some regions are
    empty). Every point is checked against the rows and the box, every infeasibility
    certificate exactly and against HiGHS. Returns the count of each status."""
    margin = 1e-7
    A, g = _lp(rng, n, m, degenerate)
    rows = (A, g, np.ones(m), np.abs(A).sum(axis=1) + np.abs(g), np.zeros(m))
    lp = simplex.DenseLP(m, n, rows=rows)
    lp.A[:], lp.g[:] = A, g
    lp.reset()
    seen = {s: 0 for s in (simplex.FEASIBLE, simplex.INFEASIBLE, simplex.FAILED, simplex.UNPROVED)}
    for trial in range(trials):
        sign = np.zeros(m)
        on = rng.choice(m, int(rng.integers(1, m + 1)), replace=False)
        sign[on] = rng.choice([-1.0, 1.0], len(on))
        if away:
            turned = on[rng.random(len(on)) < away]
            sign[turned] = np.where(g[turned] > 0, -1.0, 1.0)
        status = lp.solve(sign, margin)        # warm: the dictionary of the previous trial
        seen[status] += 1
        if status == simplex.FEASIBLE:
            u = lp.x[:n]
            assert np.all(np.abs(u) <= 1)
            assert np.all(sign[on] * (A[on] @ u + g[on]) >= 0.9 * margin)
        elif status == simplex.INFEASIBLE:
            assert np.all(lp.ray * sign >= 0) and np.all(lp.ray[sign == 0] == 0)
            assert _certificate_holds(A, g, sign, lp.ray)
            assert not _highs_feasible(A, g, sign, margin)
    return seen


@pytest.mark.parametrize("n,m,degenerate", [(2, 6, False), (8, 16, False), (64, 22, False), (3, 9, True),
                                            (8, 18, True)])
def test_dense_lp_agrees_with_highs(n, m, degenerate):
    seen = _kernel_against_highs(np.random.default_rng(1000 * n + m), n, m, degenerate, 150, away=0.7)
    assert seen[simplex.FEASIBLE] and seen[simplex.INFEASIBLE]
    # a failure only costs a HiGHS solve, but the kernel must decide almost everything
    assert seen[simplex.FAILED] + seen[simplex.UNPROVED] <= 15


def _near_degenerate_net(seed, n0, widths):
    """A float ReLU net with near-copies of units, units whose hyperplanes pass through a
    common point, and parallel units a margin apart (thin regions for the exact fallback)."""
    rng = np.random.default_rng(seed)
    Ws, bs, prev = [], [], n0
    for w in widths:
        W, b = rng.normal(size=(w, prev)), rng.normal(size=w) * 0.5
        for i in range(1, w, 2):
            j = int(rng.integers(0, i))
            kind = int(rng.integers(0, 3))
            if kind == 0:
                W[i], b[i] = W[j] * (1 + 1e-9), b[j] + 1e-9
            elif kind == 1:
                b[i] = -W[i] @ np.full(prev, 0.1)      # through the point (0.1, ..., 0.1)
            else:
                W[i], b[i] = W[j], b[j] + 3e-8 * np.linalg.norm(W[j])
        Ws.append(W)
        bs.append(b)
        prev = w
    return Network(Ws, bs, box=([-1] * n0, [1] * n0))


def _patterns(result):
    return {tuple(int(v) for v in p) for p in result.regions.patterns}


NETS = [(f"random{i}", net) for i, net in enumerate(random_relu_nets(12, seed=21))] + \
       [(f"near_degenerate{s}", _near_degenerate_net(s, n0, w))
        for s, (n0, w) in enumerate([(2, (4, 3)), (3, (5, 4)), (4, (4, 4)), (6, (5, 3)), (2, (6, 5))])]


@pytest.mark.parametrize("name,net", NETS, ids=[n for n, _ in NETS])
def test_fast_enumerator_equals_the_highs_path_and_brute_force(name, net, monkeypatch):
    fast = count_regions(net, method="enumerate", jobs=1)
    assert fast.complete and fast.certified
    with monkeypatch.context() as mp:      # the previous search: every LP by HiGHS
        mp.setattr(simplex, "available", lambda: False)
        slow = count_regions(net, method="enumerate", jobs=1)
    assert slow.complete and slow.certified
    assert _patterns(fast) == _patterns(slow)
    brute = count_regions(net, method="brute")
    assert fast.count == brute.count
    assert _patterns(fast) == _patterns(brute)
    with monkeypatch.context() as mp:      # the kernel, but the last layer searched in Python
        mp.setattr(lastlayer, "search", lambda *a, **k: (lastlayer.ABORT, 0, 0, 0))
        python_search = count_regions(net, method="enumerate", jobs=1)
    assert _patterns(python_search) == _patterns(brute)


def test_last_layer_search_grows_its_leaf_buffer(monkeypatch):
    """A full leaf buffer makes the compiled search give up, grow it and search again."""
    import regionmath.counting.enumerate as enumerate_module
    net = _near_degenerate_net(5, 4, (6, 6))
    init = enumerate_module.Enumerator.__init__

    def small_buffer(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self._buf_p, self._buf_x = self._buf_p[:2], self._buf_x[:2]
    monkeypatch.setattr(enumerate_module.Enumerator, "__init__", small_buffer)
    fast = count_regions(net, method="enumerate", jobs=1)
    assert fast.certified and _patterns(fast) == _patterns(count_regions(net, method="brute"))


def test_time_limit_is_honoured_on_a_784_input_net():
    """The clock is read at every node and a single LP stops at the deadline (the previous
    version read it every 256 nodes: a 784-input count with a 5 s limit ran 44 s)."""
    import time
    rng = np.random.default_rng(0)
    net = Network([rng.normal(size=(64, 784)) / 28, rng.normal(size=(64, 64)) / 8],
                  [rng.normal(size=64) * 0.1, rng.normal(size=64) * 0.1], box=([0] * 784, [1] * 784))
    start = time.perf_counter()
    result = count_regions(net, time_limit=5, jobs=1)
    assert time.perf_counter() - start < 10
    assert not result.complete and result.incomplete_reason == "time-limit"
    assert result.certified      # what it found (maybe nothing yet) is certified


def test_kernels_are_compiled_only_when_the_time_limit_can_pay_for_it():
    """A first count after installing compiles the numba kernels (15-50 s); a count with less
    than KERNEL_COMPILE_SECONDS left runs on HiGHS instead, and gets the same count."""
    import time
    from unittest import mock

    from regionmath.counting import enumerate as en
    from regionmath.counting import simplex, tolerances
    from regionmath.counting.parallel import count_enumerate
    from regionmath.network import Network

    rng = np.random.default_rng(3)
    net = Network([rng.normal(size=(5, 3)), rng.normal(size=(4, 5))], [rng.normal(size=5), rng.normal(size=4)],
                  box=([-1] * 3, [1] * 3))
    with mock.patch.object(simplex, "compiled_on_disk", return_value=False):
        short = time.time() + tolerances.KERNEL_COMPILE_SECONDS / 2
        assert en.Enumerator(net, deadline=short)._klp is None
        assert en.Enumerator(net, deadline=time.time() + 2 * tolerances.KERNEL_COMPILE_SECONDS)._klp is not None
        assert en.Enumerator(net)._klp is not None
        on_highs = count_enumerate(net, jobs=1, time_limit=tolerances.KERNEL_COMPILE_SECONDS / 2)
    with mock.patch.object(simplex, "compiled_on_disk", return_value=True):
        assert en.Enumerator(net, deadline=time.time() + 1)._klp is not None
    assert on_highs.complete and on_highs.count == count_enumerate(net, jobs=1).count


def _raw_witnesses_certify(net, **kwargs):
    from regionmath.counting.certify import certify_arrays
    raw = count_enumerate(net, jobs=1, **kwargs)
    assert raw.complete
    bounded = not kwargs.get("unbounded", False)
    return bool(certify_arrays(net, raw.regions.patterns, raw.regions.witnesses, bounded=bounded).all())


def _seed_1513_net():
    """The net (3 inputs, widths (3, 1)) on which a sibling region's LP bound, left in HiGHS
    because the row's sign was the same, gave pattern (1, 1, 1, 0) its sibling's point."""
    rng = np.random.default_rng(1513)
    Ws, bs, prev = [], [], 3
    for w in (3, 1):
        Ws.append(rng.normal(size=(w, prev)))
        bs.append(rng.normal(size=w) * 0.5)
        prev = w
    return Network(Ws, bs)


@pytest.mark.parametrize("name,net", NETS[:8] + [("seed1513", _seed_1513_net())],
                         ids=[n for n, _ in NETS[:8]] + ["seed1513"])
def test_every_raw_witness_lies_in_its_region_on_both_lp_paths(name, net, monkeypatch):
    """count_regions re-decides a pattern whose witness fails, so only the raw enumerator shows
    a witness taken from the wrong region: check them all, on the kernel and the HiGHS path."""
    assert _raw_witnesses_certify(net)
    assert _raw_witnesses_certify(net, unbounded=True)      # R^n0: the HiGHS path always
    monkeypatch.setattr(simplex, "available", lambda: False)
    assert _raw_witnesses_certify(net)


def test_dense_lp_at_784_box_columns_agrees_with_highs_and_rarely_fails():
    """784 box columns and a few rows (an MNIST net's LPs): the kernel used to let one column
    enter past its box, cycle and fail on ~40% of them (4,077 of 10,044 on init784-8x8, then
    HiGHS at ~17 ms each). Every verdict here is checked against HiGHS, every point against the
    rows, every certificate exactly; at most 2 of 120 may fail (the old kernel: ~40)."""
    seen = _kernel_against_highs(np.random.default_rng(784), 784, 16, False, 120)
    assert seen[simplex.FEASIBLE] >= 20 and seen[simplex.INFEASIBLE] >= 20
    assert seen[simplex.FAILED] + seen[simplex.UNPROVED] <= 2


def test_a_784_input_count_needs_no_highs_fallback(monkeypatch):
    """A 784-input (5, 5) net in [0, 1]^784: every LP decided by the kernel (no HiGHS
    fallback, no last-layer subtree given back), and the count and patterns equal the HiGHS
    path's (the kernel switched off). The previous kernel left 43 of its 350 LPs to HiGHS and
    gave 63 last-layer subtrees back to Python here."""
    import regionmath.counting.enumerate as enumerate_module
    rng = np.random.default_rng(7)
    Ws, bs, fan_in = [], [], 784
    for w in (5, 5):
        Ws.append(rng.uniform(-1, 1, (w, fan_in)) / np.sqrt(fan_in))
        bs.append(rng.uniform(-1, 1, w) / np.sqrt(fan_in))
        fan_in = w
    net = Network(Ws, bs, box=([0] * 784, [1] * 784))
    made = []
    init = enumerate_module.Enumerator.__init__

    def recorded(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)
    monkeypatch.setattr(enumerate_module.Enumerator, "__init__", recorded)
    fast = count_regions(net, method="enumerate", jobs=1)
    assert fast.complete and fast.certified
    assert sum(e.lp_count for e in made) > 20
    assert sum(e.lp_fallbacks for e in made) == 0
    assert sum(e.last_layer_aborts for e in made) == 0
    with monkeypatch.context() as mp:
        mp.setattr(simplex, "available", lambda: False)
        slow = count_regions(net, method="enumerate", jobs=1)
    assert slow.complete and _patterns(fast) == _patterns(slow)


def test_kernel_cache_follows_the_kernels_it_calls(tmp_path):
    """numba keys a cached kernel on its own file; a kernel compiled into another (simplex's
    into the last-layer search) must not be run stale when only its own file changes
    (simplex.tie_cache). Two throw-away modules, two processes: the second must see the edit."""
    import subprocess

    (tmp_path / "callee.py").write_text("import numba\n\n@numba.njit(cache=True)\ndef f():\n    return 1\n")
    (tmp_path / "caller.py").write_text(
        "import numba\nfrom callee import f\nfrom regionmath.counting import simplex\n\n"
        "def g():\n    return f() + 1\n\n\ng = numba.njit(cache=True)(g)\n"
        "assert simplex.tie_cache((g,), (f,))\n")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(simplex.__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), repo]),
               NUMBA_CACHE_DIR=str(tmp_path / "cache"))

    def run():
        out = subprocess.run([sys.executable, "-c", "import caller; print(caller.g())"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        return int(out.stdout.split()[-1])

    assert run() == 2
    (tmp_path / "callee.py").write_text("import numba\n\n@numba.njit(cache=True)\ndef f():\n    return 55\n")
    assert run() == 56      # without the tie numba loads g's cached code and prints 2


def test_compiled_on_disk_wants_a_fresh_index(tmp_path):
    """An index written for other sources (an older simplex.py) does not count as compiled:
    the first count would compile for 15-50 s, so a short one must not plan on the kernel."""
    from numba.core.caching import IndexDataCacheFile

    class Fake:   # the attributes compiled_on_disk reads of a numba dispatcher
        def __init__(self, stamp):
            self._cache = type("C", (), {})()
            self._cache._cache_file = IndexDataCacheFile(str(tmp_path), "k", stamp)

    Fake(("old", 1))._cache._cache_file._save_index({"sig": "k.1.nbc"})
    assert simplex.compiled_on_disk([Fake(("old", 1))])
    assert not simplex.compiled_on_disk([Fake(("new", 1))])
    assert not simplex.compiled_on_disk([Fake(("old", 1)), Fake(("old", 1)), type("D", (), {})()])


def test_compiled_layer_entry_matches_the_numpy_path():
    """layerentry.enter_relu gives what Enumerator._enter_layer's numpy path gives: the same
    one-signed units, cuts and options, the same rows to rounding; where a row needs exact
    arithmetic (an identically zero unit) it declines and the numpy path decides."""
    from regionmath.counting import enumerate as en

    rng = np.random.default_rng(11)
    rows = ("_Gu", "_gu", "_rmag", "_cmag", "_rK", "_rnorm", "_rbound", "_G", "_g")
    declined = 0
    for trial in range(40):
        n0, widths = int(rng.integers(1, 6)), [int(w) for w in rng.integers(1, 7, size=int(rng.integers(2, 4)))]
        sizes = [n0] + widths
        W = [rng.normal(size=(widths[i], sizes[i])) * 10.0 ** rng.integers(-3, 4) for i in range(len(widths))]
        b = [rng.normal(size=w) * 2 for w in widths]
        if trial % 4 == 0:
            W[1][0], b[1][0] = 0.0, 0.0      # an identically zero unit: decided exactly
        net = Network(W, b, box=([-1.0] * n0, [float(rng.integers(1, 4))] * n0))
        fast, slow = en.Enumerator(net), en.Enumerator(net)
        assert fast._klp is not None
        slow._enter_relu_compiled = lambda l, K: None
        declines = []

        def spy(l, K, real=fast._enter_relu_compiled, declines=declines):
            out = real(l, K)
            declines.append(out is None)
            return out
        fast._enter_relu_compiled = spy
        for l in range(len(widths)):
            if l:
                start = fast.layer_start[l - 1]
                for u in range(widths[l - 1]):
                    fast.pattern[start + u] = slow.pattern[start + u] = int(rng.integers(2))
            assert fast._enter_layer(l) == slow._enter_layer(l)
            assert fast.entry_fixed[l] == slow.entry_fixed[l] and fast.hard[l] == slow.hard[l]
            assert fast.layers[l][4] == slow.layers[l][4]
            assert np.array_equal(fast._cuts[l], slow._cuts[l])
            for name in rows:
                np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=1e-12, atol=0)
            cut = fast.row_base[l] + fast._cuts[l]
            np.testing.assert_allclose(fast._row_on[cut], slow._row_on[cut], rtol=1e-12, atol=1e-15)
        assert fast.stats["exact_rows"] == slow.stats["exact_rows"]
        assert len(declines) == len(widths)     # the compiled entry was asked at every layer
        declined += sum(declines)
    assert declined >= 10
