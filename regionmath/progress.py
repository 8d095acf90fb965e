"""Progress of long work, told truthfully on standard error.

The counters report through a callback that receives a dict now and then (``count``,
``seconds``, and where the method knows them ``rate``, ``lps`` (LPs solved), ``subtrees_done``,
``subtrees``, and an estimate of the total: ``estimate``, ``estimate_error`` (two standard
errors) and ``estimate_method``, which says how it was made; the enumerator estimates from
the subtrees it finished, run in random order: :mod:`regionmath.counting.parallel`).
:class:`ProgressReport` is such a callback:

* on a terminal it draws a tqdm bar (regions found, regions/s, LPs; a total and the time left
  only where the counter gives an estimate, labelled as one, or a ``target`` such as a
  construction's claimed count);
* off a terminal (a log file, a pipe) it writes one plain line every ``every`` seconds
  (default 10), so that a log shows the work is alive;
* :meth:`ProgressReport.close` ends the bar or the last line, so the result printed next
  stands on its own line; ``quiet=True`` prints nothing.

The time left is ``(estimated total - found) / (regions per second)``: an estimate built on
an estimate, and labelled so.

Examples
--------
>>> import io
>>> err = io.StringIO()
>>> clock = iter([0.0, 5.0, 12.0]).__next__
>>> with ProgressReport("count", stream=err, tty=False, clock=clock) as report:
...     report({"count": 10, "seconds": 5.0, "rate": 2.0})      # 5 s after the start: too soon
...     report({"count": 250, "seconds": 12.0, "rate": 20.8, "lps": 900})
>>> print(err.getvalue(), end="")
count: 250 regions, 21 regions/s, 900 LPs, 12 s elapsed
>>> print(describe({"count": 500, "seconds": 10, "rate": 50.0, "lps": 2100, "estimate": 2000,
...                 "estimate_error": 300, "estimate_method": "from 8 of 64 subtrees sampled at random"}))
500 regions, 50 regions/s, 2,100 LPs, estimated total 2,000 ± 300 (from 8 of 64 subtrees sampled at random), estimated time left 30 s, 10 s elapsed
"""

from __future__ import annotations

import os
import sys
import time

__all__ = ["ProgressReport", "describe"]


def describe(info: dict, target=None, target_label="claimed") -> str:
    """One line for a progress dict: what was found, how fast, and an estimate if there is one.

    ``target`` (e.g. the count a construction claims) is shown as "of N claimed".
    """
    count = int(info.get("count", 0))
    parts = [f"{count:,} regions" + (f" of {int(target):,} {target_label}" if target is not None else "")]
    rate = info.get("rate")
    if rate:
        parts.append(f"{rate:,.0f} regions/s")
    if info.get("lps") is not None:
        parts.append(f"{int(info['lps']):,} LPs")
    if info.get("subtrees"):
        parts.append(f"{int(info.get('subtrees_done', 0)):,}/{int(info['subtrees']):,} subtrees")
    estimate = _estimate(info)
    if estimate is not None:
        text = f"estimated total {estimate:,.0f}"
        if info.get("estimate_error"):
            text += f" ± {float(info['estimate_error']):,.0f}"
        if info.get("estimate_method"):
            text += f" ({info['estimate_method']})"
        parts.append(text)
        if rate and estimate > count:
            parts.append(f"estimated time left {_duration((estimate - count) / rate)}")
    parts.append(f"{_duration(info.get('seconds', 0))} elapsed")
    return ", ".join(parts)


def _estimate(info):
    """The estimated total, never below the regions already found (the total is at least that)."""
    if not info.get("estimate"):
        return None
    return max(float(info["estimate"]), float(info.get("count", 0)))


def _duration(seconds) -> str:
    seconds = float(seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class ProgressReport:
    """A progress callback for the counters: a bar on a terminal, a line every ``every``
    seconds elsewhere, nothing when ``quiet``.

    Parameters
    ----------
    label : str
        Shown first (e.g. the command).
    stream : file or None
        Default ``sys.stderr``.
    quiet : bool
        Print nothing.
    every : float or None
        Seconds between two lines off a terminal; default 10, or the environment variable
        ``REGIONMATH_PROGRESS_SECONDS``.
    tty : bool or None
        Force the terminal (bar) or log (lines) style; default: ``stream.isatty()``.
    clock : callable
        Seconds, monotonic (for tests).
    target : int or None
        A count to measure against (e.g. a construction's claimed count), shown as "of N
        claimed" and as the bar's total when there is no estimate.
    target_label : str
        The word after ``target`` (default "claimed").
    """

    def __init__(self, label="", stream=None, quiet=False, every=None, tty=None, clock=time.monotonic,
                 target=None, target_label="claimed"):
        if every is None:
            every = float(os.environ.get("REGIONMATH_PROGRESS_SECONDS", "10"))
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.every = every
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.start = clock()
        self.last_line = self.start
        self.info = None
        self.target, self.target_label = target, target_label
        self._bar = None

    def __call__(self, info: dict) -> None:
        self.info = dict(info)
        if self.quiet:
            return
        if self.tty:
            self._draw_bar()
            return
        now = self.clock()
        if now - self.last_line >= self.every:
            self.last_line = now
            text = describe(self.info, self.target, self.target_label)
            print(f"{self.label}: {text}" if self.label else text, file=self.stream, flush=True)

    def _draw_bar(self):
        from tqdm import tqdm
        info = self.info
        if self._bar is None:
            self._bar = tqdm(desc=self.label or None, unit=" regions", file=self.stream, dynamic_ncols=True,
                             total=None, leave=False, mininterval=0.5)
        estimate = _estimate(info)
        total = int(estimate) if estimate is not None else self.target
        if total is not None and self._bar.total != int(total):
            self._bar.total = int(total)      # tqdm then shows a percentage and the time left
        self._bar.n = int(info.get("count", 0))
        extra = {}
        if info.get("lps") is not None:
            extra["LPs"] = f"{int(info['lps']):,}"
        if info.get("subtrees"):
            extra["subtrees"] = f"{int(info.get('subtrees_done', 0))}/{int(info['subtrees'])}"
        if estimate is not None:   # the bar's total and its time left are estimates: say so
            extra["total"] = "estimate" + (f" ±{float(info['estimate_error']):,.0f}" if info.get("estimate_error") else "")
        elif self.target is not None:
            extra["total"] = self.target_label
        self._bar.set_postfix(extra, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        """End the bar (erased) or the lines; what is printed next starts on a fresh line."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
