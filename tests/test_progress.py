"""Progress off a terminal: a line every ~10 s on stderr, nothing on stdout, nothing when quiet."""

import io

from regionmath.progress import ProgressReport, describe


def test_lines_every_ten_seconds_off_a_terminal():
    err = io.StringIO()
    times = iter([0.0, 3.0, 9.9, 10.0, 15.0, 20.5, 31.0])
    report = ProgressReport("count", stream=err, tty=False, clock=lambda: next(times))
    for count in (1, 2, 3, 4, 5, 6):
        report({"count": count * 1000, "seconds": count, "rate": 1000.0, "lps": count * 3000})
    report.close()
    lines = err.getvalue().splitlines()
    assert lines == ["count: 3,000 regions, 1,000 regions/s, 9,000 LPs, 3 s elapsed",
                     "count: 5,000 regions, 1,000 regions/s, 15,000 LPs, 5 s elapsed",
                     "count: 6,000 regions, 1,000 regions/s, 18,000 LPs, 6 s elapsed"]


def test_quiet_prints_nothing_and_estimates_are_labelled():
    err = io.StringIO()
    report = ProgressReport("count", stream=err, tty=False, quiet=True, every=0.0)
    report({"count": 5, "seconds": 1})
    assert err.getvalue() == "" and report.info["count"] == 5
    text = describe({"count": 500, "seconds": 10, "rate": 50.0, "estimate": 2000})
    assert "estimated total 2,000" in text and "estimated time left 30 s" in text


def test_bar_on_a_terminal_is_erased_at_the_end():
    class Tty(io.StringIO):
        def isatty(self):
            return True
    err = Tty()
    with ProgressReport("count", stream=err) as report:
        report({"count": 42, "seconds": 1.0, "rate": 42.0, "lps": 7, "subtrees": 4, "subtrees_done": 1})
    out = err.getvalue()
    assert "42" in out and "LPs=7" in out and "subtrees=1/4" in out
    assert out.endswith("\r") or out.endswith("\x1b[A") or out.rstrip(" ").endswith("\r")


def test_the_enumerators_estimate_is_unbiased_and_uses_only_a_finished_prefix():
    """parallel._estimate: over every sample of k subtrees the estimate averages to the true
    total (the expansion estimator of a simple random sample; checked exactly over all
    C(8, 3) samples), and a subtree finished out of order is not used before those ahead."""
    from itertools import combinations
    from regionmath.counting.parallel import _estimate
    sizes = [1, 1, 2, 3, 5, 40, 200, 7]                 # heavy-tailed, like subtree sizes
    names = [f"s{i}" for i in range(8)]
    estimates = []
    for chosen in combinations(range(8), 3):
        order = [names[i] for i in chosen] + [names[i] for i in range(8) if i not in chosen]
        out = _estimate(order, {names[i]: sizes[i] for i in chosen}, above=10)
        estimates.append(out["estimate"])
        assert out["estimate_error"] > 0 and out["estimate_method"] == "from 3 of 8 subtrees sampled at random"
    assert abs(sum(estimates) / len(estimates) - (10 + sum(sizes))) < 1e-9
    order = ["a", "b", "c", "d", "e"]
    assert _estimate(order, {"a": 1, "b": 2, "d": 3, "e": 400}, 0) == {}          # c not finished: k = 2
    assert _estimate(order, {"a": 1, "b": 2, "c": 3, "e": 400}, 0)["estimate"] == 5 * 2
    assert _estimate(order, dict.fromkeys(order, 1), 0) == {}                      # all done: exact
