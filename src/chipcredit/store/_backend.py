"""DuckDB, imported lazily: connections with retry on the store's file lock.

DuckDB lets one process open a database file for writing, and then no other process can open
it at all; several processes may open it read-only at once. So every connection here is
short-lived (open, one unit of work, close), and opening retries with exponential backoff
while another process holds a conflicting lock.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chipcredit.errors import UsageError

__all__ = [
    "INSTALL_HINT",
    "READ_TIMEOUT",
    "WRITE_TIMEOUT",
    "available",
    "connect",
    "duckdb_module",
    "one_line",
]

INSTALL_HINT = "pip install 'chipcredit[store]'"
READ_TIMEOUT = 10.0
"""Seconds a reader waits for a writer to finish before giving up."""
WRITE_TIMEOUT = 30.0
"""Seconds a writer waits for other writers and readers before giving up."""
_FIRST_DELAY = 0.01
_MAX_DELAY = 0.5

_BUSY_MARKERS = ("could not set lock", "conflicting lock", "different configuration")


def duckdb_module() -> Any:
    """The ``duckdb`` module, or a UsageError that says how to install it."""
    try:
        import duckdb
    except ImportError:
        raise UsageError(f"the run store needs DuckDB, which is not installed: {INSTALL_HINT}"
                         ) from None
    return duckdb


def available() -> bool:
    """Whether DuckDB can be imported (the ``store`` extra is installed)."""
    try:
        duckdb_module()
    except UsageError:
        return False
    return True


_HINTS = ("Did you mean", "Candidate bindings")
"""Lines of a DuckDB error worth keeping after its first: its own suggestions."""


def one_line(exc: BaseException) -> str:
    """A DuckDB error as one line: its first line and its suggestions ("Did you mean
    "runs"?"), without the ``IO Error:`` style prefix or the caret under the query."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = " ".join([lines[0], *(line for line in lines[1:] if line.startswith(_HINTS))])
    for prefix in ("IO Error: ", "Invalid Input Error: ", "Connection Error: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _BUSY_MARKERS)


def _config(read_only: bool) -> dict[str, Any]:
    # Every connection has external access off: the store never reads or writes other files,
    # and one process must open a file with one configuration (DuckDB caches instances).
    config: dict[str, Any] = {"enable_external_access": False}
    if read_only:
        config["lock_configuration"] = True
    return config


@contextlib.contextmanager
def connect(path: Path, *, read_only: bool, timeout: float) -> Iterator[Any]:
    """Open ``path`` (retrying while another process holds its lock), yield, close.

    Raises UsageError when the store stays busy for ``timeout`` seconds or cannot be opened.
    """
    duckdb = duckdb_module()
    deadline = time.monotonic() + timeout
    delay = _FIRST_DELAY
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=_config(read_only))
            break
        except duckdb.Error as exc:
            if not _is_busy(exc):
                raise UsageError(f"cannot open the run store {path}: {one_line(exc)}") from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise UsageError(
                    f"the run store {path} is busy: another process has held it for "
                    f"{timeout:g} s (a run writing its results, or a long query); "
                    "try again") from None
            time.sleep(min(delay, left))
            delay = min(delay * 2, _MAX_DELAY)
    try:
        yield con
    finally:
        con.close()
