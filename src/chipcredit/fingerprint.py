"""The code fingerprint: which chipcredit code made a run, beyond its version number.

The version (`chipcredit._version`) changes at releases only, so two commits hours apart
that give different numbers both call themselves 0.1.0. The fingerprint is a sha256 over
the package's own shipped files (its modules and its data: bundled scenarios, stress
packs, locale texts), so a run's JSON summary and its row in the run store say which code
made it, and two workers of a Dask cluster can be checked to run the same code.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__all__ = ["SHIPPED_SUFFIXES", "code_sha256", "package_files"]

SHIPPED_SUFFIXES = (".py", ".yaml", ".csv", ".typed")
"""Endings of the files the package ships (pyproject's package data, and its modules);
an editor's backup or a compiled ``.pyc`` beside them does not change the fingerprint."""

_ROOT = Path(__file__).resolve().parent


def package_files(root: Path = _ROOT) -> list[Path]:
    """The shipped files under ``root``, sorted by their path relative to it (as text with
    ``/``, so the order is the same on every platform)."""
    found = [p for p in root.rglob("*")
             if p.is_file() and p.name.endswith(SHIPPED_SUFFIXES)
             and "__pycache__" not in p.relative_to(root).parts]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def digest(root: Path) -> str:
    """sha256 over the shipped files under ``root``: each one's relative path, a NUL, its
    byte count, a NUL and its bytes, in `package_files` order (the lengths keep a file's
    end from being read as the next one's name), 64 hex digits."""
    sha = hashlib.sha256()
    for path in package_files(root):
        data = path.read_bytes()
        sha.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        sha.update(str(len(data)).encode("ascii") + b"\0")
        sha.update(data)
    return sha.hexdigest()


@functools.cache
def code_sha256() -> str:
    """The fingerprint of the chipcredit package this process imported, 64 hex digits.

    Computed once per process, on first use (a couple of MB of files, a tenth of a second), so
    an edit to the source after that is not seen until the next process: the fingerprint
    describes the code that was loaded, which is the code that runs.
    """
    return digest(_ROOT)
