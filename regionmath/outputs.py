"""Output files: checked before the work that fills them, written whole or not at all.

A command that writes a file checks the path first (:func:`check_output_file`,
:func:`check_output_dir`), so that a bad path costs one line and no computation, and writes
through a temporary file in the same directory that replaces the target only when complete
(:func:`atomic_output`), so that no partial file is ever left behind.

Examples
--------
>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> check_output_file(os.path.join(d, "net.npz")).name
'net.npz'
>>> check_output_file(os.path.join(d, "missing", "net.npz"))
Traceback (most recent call last):
...
regionmath.errors.RegionmathError: cannot write .../missing/net.npz: the directory .../missing does not exist
>>> with atomic_output(os.path.join(d, "a.txt")) as f:
...     _ = f.write(b"whole")
>>> sorted(os.listdir(d))
['a.txt']
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import RegionmathError

__all__ = ["check_output_file", "check_output_dir", "atomic_output"]


def _probe(directory: Path, target) -> None:
    """Create and delete a file in ``directory``: the only test that holds for root, read-only
    file systems and pseudo file systems such as /proc alike."""
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".regionmath-probe-")
        os.close(fd)
        os.unlink(name)
    except OSError as e:
        raise RegionmathError(f"cannot write {target}: {directory} does not accept new files "
                              f"({e.strerror or type(e).__name__})") from None


def check_output_file(path) -> Path:
    """Check that a file can be written at ``path`` (its directory exists and accepts files;
    the path is not a directory). Returns the path.

    Raises
    ------
    RegionmathError
        One line naming what is wrong.
    """
    if path is None or str(path).strip() == "":
        raise RegionmathError("an output path is required (a file name such as net.npz)")
    path = Path(path)
    if path.is_dir():
        raise RegionmathError(f"cannot write {path}: it is a directory; give a file name")
    parent = path.parent
    if not parent.exists():
        raise RegionmathError(f"cannot write {path}: the directory {parent} does not exist")
    if not parent.is_dir():
        raise RegionmathError(f"cannot write {path}: {parent} is a file, not a directory")
    if path.exists() and not os.access(path, os.W_OK):
        raise RegionmathError(f"cannot write {path}: the file exists and is read-only")
    _probe(parent, path)
    return path


def check_output_dir(path) -> Path:
    """Check that ``path`` is, or can be made, a directory that accepts files. Nothing is
    created. Returns the path.

    Raises
    ------
    RegionmathError
    """
    if path is None or str(path).strip() == "":
        raise RegionmathError("an output directory is required")
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise RegionmathError(f"cannot write into {path}: it is a file, not a directory")
        _probe(path, path)
        return path
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise RegionmathError(f"cannot create the directory {path}: {ancestor} is a file, not a directory")
    try:   # a directory made and removed again: the only test that /proc and read-only mounts fail
        probe = Path(tempfile.mkdtemp(dir=ancestor, prefix=".regionmath-probe-"))
        probe.rmdir()
    except OSError as e:
        raise RegionmathError(f"cannot create the directory {path}: {ancestor} does not accept new entries "
                              f"({e.strerror or type(e).__name__})") from None
    return path


@contextlib.contextmanager
def atomic_output(path):
    """A binary file object whose content replaces ``path`` when the block ends without error;
    on error the temporary file is removed and ``path`` is untouched.

    Raises
    ------
    RegionmathError
        When the path cannot be written (checked first with :func:`check_output_file`).
    """
    path = check_output_file(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)   # mkstemp makes 0600; the result gets the usual mode
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
