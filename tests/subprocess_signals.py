"""Helpers for tests that send signals to a subprocess."""
import signal


def default_sigint():
    """``preexec_fn`` that gives the child the default SIGINT disposition. A process started in
    the background by a shell without job control (CI runners, ``cmd &`` in a script) inherits
    SIGINT *ignored*, and Python then keeps it ignored: a Ctrl-C test would see the count run to
    its end (it did, in two CI runs of round 3)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
