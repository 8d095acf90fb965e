"""Progress of long work, told truthfully on standard error.

The counters report through a callback that receives a dict now and then (``count``,
``seconds``, and where the method knows them ``rate``, ``lps``, ``subtrees_done``,
``subtrees``, ``estimate``). :class:`ProgressReport` is such a callback:

* on a terminal it draws a tqdm bar (regions found, regions/s, LPs; a total and the time left
  only where the counter gives an estimate, labelled as one);
* off a terminal (a log file, a pipe) it writes one plain line every ``every`` seconds
  (default 10), so that a log shows the work is alive;
* :meth:`ProgressReport.close` ends the bar or the last line, so the result printed next
  stands on its own line; ``quiet=True`` prints nothing.

Examples
--------
>>> import io
>>> err = io.StringIO()
>>> clock = iter([0.0, 5.0, 12.0]).__next__
>>> with ProgressReport("count", stream=err, tty=False, clock=clock) as report:
...     report({"count": 10, "seconds": 5.0, "rate": 2.0})      # 5 s after the start: too soon
...     report({"count": 250, "seconds": 12.0, "rate": 20.8, "lps": 900})
>>> print(err.getvalue(), end="")
count: 250 regions, 21 regions/s, 900 LPs, 12 s
"""

from __future__ import annotations

import os
import sys
import time

__all__ = ["ProgressReport", "describe"]


def describe(info: dict) -> str:
    """One line for a progress dict: what was found, how fast, and an estimate if there is one."""
    parts = [f"{int(info.get('count', 0)):,} regions"]
    rate = info.get("rate")
    if rate:
        parts.append(f"{rate:,.0f} regions/s")
    if info.get("lps") is not None:
        parts.append(f"{int(info['lps']):,} LPs")
    if info.get("subtrees"):
        parts.append(f"{int(info.get('subtrees_done', 0)):,}/{int(info['subtrees']):,} subtrees")
    estimate = info.get("estimate")
    if estimate:
        text = f"about {float(estimate):,.0f} in total (estimate)"
        if rate and estimate > info.get("count", 0):
            text += f", about {_duration((float(estimate) - info.get('count', 0)) / rate)} left"
        parts.append(text)
    parts.append(_duration(info.get("seconds", 0)))
    return ", ".join(parts)


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
    """

    def __init__(self, label="", stream=None, quiet=False, every=None, tty=None, clock=time.monotonic):
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
            print(f"{self.label}: {describe(self.info)}" if self.label else describe(self.info),
                  file=self.stream, flush=True)

    def _draw_bar(self):
        from tqdm import tqdm
        info = self.info
        if self._bar is None:
            self._bar = tqdm(desc=self.label or None, unit=" regions", file=self.stream, dynamic_ncols=True,
                             total=None, leave=False, mininterval=0.5)
        estimate = info.get("estimate")
        if estimate and (self._bar.total is None or self._bar.total != int(estimate)):
            self._bar.total = int(estimate)      # tqdm then shows a percentage and the time left
        self._bar.n = int(info.get("count", 0))
        extra = {}
        if info.get("lps") is not None:
            extra["LPs"] = f"{int(info['lps']):,}"
        if info.get("subtrees"):
            extra["subtrees"] = f"{int(info.get('subtrees_done', 0))}/{int(info['subtrees'])}"
        if estimate:
            extra["total"] = "estimate"
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
