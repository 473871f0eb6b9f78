"""Writing a rendered report: to stdout, or atomically to a file."""

from __future__ import annotations

import contextlib
import os
import stat
import sys


def write_output(text: str, path: str | os.PathLike[str] | None) -> None:
    """Write ``text`` to stdout when ``path`` is None, else replace ``path`` atomically: the text goes
    to a temporary file in the same directory, which then takes the target's name, so readers see the
    old file or the complete new one, never a partial write."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import tempfile  # only here: its import (shutil, random, compression modules) costs 5 ms

    target = os.path.abspath(path)
    mode = _mode_for(target)
    try:
        folder, name = os.path.split(target)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as error:
        raise OSError(error.errno, f"cannot write the report: {error.strerror}", str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _mode_for(target: str) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0o666 less the umask)."""
    with contextlib.suppress(FileNotFoundError):
        return stat.S_IMODE(os.stat(target).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
