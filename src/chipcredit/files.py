"""Writing a file atomically: a temp file beside the target, synced, then renamed over it,
so a reader sees the old file or the whole new one, never half of it (the report, JSON
summaries, Excel exports).

The temp file's name is short and fixed in length (``.chipcredit-XXXXXXXX.tmp``, as the
command line's staged outputs), not derived from the target's: a target name of up to 255
bytes, the usual limit, is legal, and a temp name that added to it could exceed the limit.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from chipcredit.errors import UsageError

__all__ = ["TEMP_PREFIX", "check_target", "file_mode", "write_atomic", "write_text_atomic"]

TEMP_PREFIX = ".chipcredit-"
"""Start of a temp file's name; only a process killed outright leaves one behind."""


def file_mode() -> int:
    """Mode a plain new file gets (0o666 less the umask); temp files start at 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_target(path: Path) -> Path:
    """The folder ``path`` would be written in, or a one-line `UsageError`
    (``cannot write PATH: why``): the target is a folder, its folder is missing, or the
    system refuses the name (``File name too long``). Cheap: call it before the work."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        # a missing file is fine, a name too long is not (Path.is_dir raises that one)
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        pass  # no such file, or no such folder: said below
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    return folder


def write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a binary temp file beside ``path``, then rename it over ``path``.

    Raises `UsageError` with one line (``cannot write PATH: why``) when the target is a
    folder, its folder is missing, or the system refuses; nothing is left behind then. The
    checks of `check_target` come before ``write`` is called.
    """
    folder = check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """`write_atomic` of ``text`` as UTF-8 with the newlines as given."""
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))
