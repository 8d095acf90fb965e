"""The solvers' set-up in one place: silent HiGHS models and SCIP runs whose chatter never
reaches standard output.

Standard output belongs to the result (``regionmath count --json`` prints exactly one JSON
document), but the solvers' C libraries write to file descriptor 1 directly: highspy 1.16
prints a banner when ``highspy.Highs()`` is constructed, before ``output_flag`` can be set,
and SCIP/SoPlex print warnings and errors ("unresolved numerical troubles in LP") while
solving. Python-level redirection (``contextlib.redirect_stdout``) does not see them; only
an fd-level redirect does. Every HiGHS model in the package comes from :func:`new_highs`,
and every SCIP solve runs inside :func:`captured_c_stdout`, whose text goes to stderr and
is returned so that a caller can tell a solver failure from a result.

Examples
--------
The factory prints nothing, whatever the highspy version:

>>> h = new_highs()
>>> type(h).__name__
'Highs'
>>> with captured_c_stdout() as captured:
...     _ = os.write(1, b"chatter\\n")
>>> captured.text
'chatter\\n'
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading

__all__ = ["new_highs", "captured_c_stdout", "CapturedOutput"]

#: the HiGHS options every model of the package gets (tiny LPs, one core each)
HIGHS_DEFAULTS = {"output_flag": False, "threads": 1}

_fd_lock = threading.RLock()   # fd 1 is process-wide: one redirect at a time


class CapturedOutput:
    """What a C library wrote to fd 1 inside :func:`captured_c_stdout` (``text``)."""

    text = ""


def _flush_c_stdio():
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # pragma: no cover - no C runtime to flush
        pass


@contextlib.contextmanager
def captured_c_stdout(echo=True):
    """Capture everything written to file descriptor 1 meanwhile (C libraries included).

    Parameters
    ----------
    echo : bool
        Copy the captured text to stderr afterwards (diagnostics belong there).

    Yields
    ------
    CapturedOutput
        Its ``text`` holds what was written, once the block has left.
    """
    captured = CapturedOutput()
    with _fd_lock:
        try:
            sys.stdout.flush()
            saved = os.dup(1)
        except (OSError, ValueError, AttributeError):   # no fd 1 (embedded interpreter)
            yield captured
            return
        import tempfile   # the captured SCIP solves only; not a HiGHS count's start-up
        with tempfile.TemporaryFile(mode="w+b") as tmp:
            try:
                os.dup2(tmp.fileno(), 1)
                yield captured
            finally:
                _flush_c_stdio()
                os.dup2(saved, 1)
                os.close(saved)
                tmp.seek(0)
                captured.text = tmp.read().decode("utf-8", "replace")
    if echo and captured.text:
        try:
            sys.stderr.write(captured.text)
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):  # pragma: no cover
            pass


def new_highs(**options):
    """A silent ``highspy.Highs`` model with :data:`HIGHS_DEFAULTS` and ``options`` set.

    The constructor's banner (highspy >= 1.16) is captured and dropped: it is no diagnostic.

    Parameters
    ----------
    **options
        HiGHS option names and values, e.g. ``presolve="off"``.

    Returns
    -------
    highspy.Highs
    """
    import highspy
    with captured_c_stdout(echo=False):
        h = highspy.Highs()
        for name, value in {**HIGHS_DEFAULTS, **options}.items():
            h.setOptionValue(name, value)
    return h
