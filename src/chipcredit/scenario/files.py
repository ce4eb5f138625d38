"""Reading scenario and stress-pack files: regular files only, at most `MAX_FILE_BYTES`.

Both kinds of input file are read here, so they fail the same way: a missing file, a folder,
a device or pipe, an unreadable or over-long name, a file over the size limit and text that
is not UTF-8 each give one `ScenarioError` line, never an ``OSError`` or
``UnicodeDecodeError``. The size limit is enforced on the bytes read, not on ``st_size``
(a device such as ``/dev/zero`` reports size 0 and never ends).
"""

from __future__ import annotations

import os
import stat

from chipcredit.errors import Problem, ScenarioError

__all__ = ["MAX_FILE_BYTES", "decode_text", "read_file_bytes", "shown_name", "too_big"]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest scenario or stress-pack file read (10 MB); real ones are a few kB."""


def too_big(what: str = "scenario") -> str:
    """The rule broken by a file over `MAX_FILE_BYTES`."""
    return f"the file is larger than the limit of {MAX_FILE_BYTES // 2**20} MB for a {what}"

_BOM_BYTES = b"\xef\xbb\xbf"
# O_NONBLOCK: opening a FIFO with no writer must not hang before fstat can refuse it
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def shown_name(name: str, limit: int = 1000) -> str:
    """``name`` for an error line: a name too long to be a real file is cut short, so the
    line stays one line (the rest of the name adds nothing)."""
    name = name.replace("\n", "\\n").replace("\r", "\\r")
    return name if len(name) <= limit else f"{name[:limit]}... ({len(name):,} characters)"


def _single(file: str, rule: str) -> ScenarioError:
    return ScenarioError([Problem(file, None, None, "", rule)])


def _unreadable(file: str, exc: OSError) -> ScenarioError:
    return _single(file, f"the file cannot be read: {exc.strerror or exc}")


def _check_kind(file: str, mode: int, what: str) -> None:
    if stat.S_ISDIR(mode):
        raise _single(file, f"the path is a folder, not a {what} file")
    if not stat.S_ISREG(mode):
        raise _single(file, "the path is not a regular file (a device, pipe or socket); "
                            "only files are read")


def read_file_bytes(name: str, what: str = "scenario") -> bytes:
    """The bytes of the regular file ``name``, at most `MAX_FILE_BYTES` of them.

    Raises
    ------
    FileNotFoundError
        When nothing is at ``name`` (the caller words it: it may be a bundled name).
    ScenarioError
        For a folder, device, pipe or socket, an unreadable file or name, or a file over
        the limit.
    """
    try:
        before = os.stat(name)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        if isinstance(exc, OSError):
            raise _unreadable(shown_name(name), exc) from None
        raise _single(shown_name(name), "the file name cannot be used: it holds a NUL "
                                        "character") from None
    _check_kind(name, before.st_mode, what)
    if before.st_size > MAX_FILE_BYTES:
        raise _single(name, f"{too_big(what)} ({before.st_size / 2**20:.1f} MB)")
    try:
        fd = os.open(name, _OPEN_FLAGS)
    except OSError as exc:
        raise _unreadable(name, exc) from None
    try:
        _check_kind(name, os.fstat(fd).st_mode, what)  # the file opened may not be the one stat saw
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _unreadable(name, exc) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise _single(name, too_big(what))
    return raw


def decode_text(raw: bytes, file: str, what: str = "scenario") -> str:
    """UTF-8 text of ``raw`` (a leading byte-order mark dropped), or a line-and-column error."""
    if len(raw) > MAX_FILE_BYTES:
        raise _single(file, too_big(what))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = exc.start + (3 if raw.startswith(_BOM_BYTES) else 0)
        line = raw.count(b"\n", 0, at) + 1
        start = raw.rfind(b"\n", 0, at) + 1
        col = len(raw[start:at].removeprefix(_BOM_BYTES).decode("utf-8", "replace")) + 1
        rule = (f"the file is not UTF-8 text; byte 0x{raw[at]:02X} cannot be read "
                "(save the file as UTF-8)")
        raise ScenarioError([Problem(file, line, col, "", rule)]) from None
