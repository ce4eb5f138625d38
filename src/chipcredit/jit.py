"""Compiled kernels: numba's ``njit`` with an on-disk cache that is never stale and
always has a writable home.

numba compiles a kernel the first time it is called, which takes a fraction of a second
per kernel, and keeps the machine code on disk so that later processes load it instead.
It keys that cache on the kernel's own source file only: a kernel that calls a kernel of
another module keeps its cached code when only the callee's module changes. So every
module that declares kernels is named ``*_kernel.py`` (a test keeps that true), and the
cache folder is named after a digest of all of them (`kernel_digest`): change any kernel
and every kernel is compiled afresh into a new folder.

The folder (`choose_cache_dir`) is ``__pycache__/numba-<digest>`` in the package when the
package is writable, else ``$XDG_CACHE_HOME/chipcredit/numba/<digest>`` (by default under
``~/.cache``), else a folder in the temp directory. A ``NUMBA_CACHE_DIR`` the user set is
left alone (and keeping it fresh is then the user's business). It must be settled before
numba is imported, so every kernel is declared through `kernel` from here.

Every edit of a kernel module, and every upgrade, leaves the old digest's folder (a few MB)
behind. So each process marks the folder it uses as used now (its mtime) and removes the
folders of other digests beside it that no process has marked for `STALE_AFTER_S`
(`prune_stale`): only folders with the names chipcredit gives them, never a folder the user
chose. The day's grace spares a process of another version that is still running and may
yet compile into its own folder.

Kernels are compiled with numpy's error model (a division by zero gives inf or NaN, as in
numpy, instead of raising) and never with ``fastmath``: reassociating sums would change the
last bits of results, and results are reproducible to the bit.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

__all__ = ["STALE_AFTER_S", "choose_cache_dir", "kernel", "kernel_digest", "kernel_files",
           "prune_stale", "stale_cache_dirs"]

F = TypeVar("F", bound=Callable[..., Any])

STALE_AFTER_S = 24 * 3600.0
"""Seconds a cache folder of another digest may go unused before `prune_stale` removes it."""

# the names `choose_cache_dir` gives: numba-<digest> beside the sources, <digest> elsewhere
_BESIDE = re.compile(r"numba-[0-9a-f]{16}")
_ELSEWHERE = re.compile(r"[0-9a-f]{16}")


def _writable(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def kernel_files(package: Path) -> list[Path]:
    """Every module of ``package`` that declares kernels (``*_kernel.py``), sorted."""
    found = []
    for folder, subfolders, files in os.walk(package):
        # numba's own cache lives under __pycache__: skip it, it can hold thousands of files
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__" and not d.startswith("."))
        found += [Path(folder) / f for f in files if f.endswith("_kernel.py")]
    return sorted(found)


def kernel_digest(package: Path) -> str:
    """16 hex digits that change whenever any kernel module of ``package`` changes (its
    path within the package or a byte of it)."""
    digest = hashlib.sha256()
    for path in kernel_files(package):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def choose_cache_dir(environ: Mapping[str, str], package: Path, digest: str,
                     writable: Callable[[Path], bool] = _writable) -> str | None:
    """The ``NUMBA_CACHE_DIR`` to set before numba is imported for kernels of ``digest``,
    or None to leave it alone (the user set it)."""
    if environ.get("NUMBA_CACHE_DIR"):
        return None
    beside = package / "__pycache__" / f"numba-{digest}"
    if writable(beside):
        return str(beside)
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = base / "chipcredit" / "numba" / digest
    if writable(target):
        return str(target)
    return str(Path(tempfile.gettempdir()) / f"chipcredit-numba-{os.getuid()}" / digest)


def stale_cache_dirs(chosen: Path, now: float, stale_after: float = STALE_AFTER_S) -> list[Path]:
    """The folders beside ``chosen`` (a folder `choose_cache_dir` gave) that chipcredit made
    for other digests and that no process has marked used (their mtime) in the
    ``stale_after`` seconds before ``now`` (seconds since the epoch), sorted."""
    pattern = _BESIDE if _BESIDE.fullmatch(chosen.name) else _ELSEWHERE
    if not pattern.fullmatch(chosen.name):
        return []  # not a name chipcredit gives: not ours to tidy
    try:
        siblings = list(chosen.parent.iterdir())
    except OSError:
        return []
    stale = []
    for folder in siblings:
        if folder.name == chosen.name or not pattern.fullmatch(folder.name):
            continue
        try:
            if not folder.is_symlink() and folder.is_dir() \
                    and now - folder.stat().st_mtime >= stale_after:
                stale.append(folder)
        except OSError:  # gone meanwhile: another process pruned it
            continue
    return sorted(stale)


def prune_stale(chosen: Path, now: float, stale_after: float = STALE_AFTER_S) -> list[Path]:
    """Mark ``chosen`` used at ``now``, remove its `stale_cache_dirs` and return those removed.

    Never raises: a folder that another process removes at the same time, or that cannot
    be removed, is left to a later run."""
    try:
        os.utime(chosen, (now, now))
    except OSError:
        pass  # not made yet: numba makes the temp-dir fallback itself
    removed = []
    for folder in stale_cache_dirs(chosen, now, stale_after):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def _configure() -> None:
    package = Path(__file__).resolve().parent
    chosen = choose_cache_dir(os.environ, package, kernel_digest(package))
    if chosen is not None:
        os.environ["NUMBA_CACHE_DIR"] = chosen
        prune_stale(Path(chosen), time.time())


_configure()

import numba  # noqa: E402  (after NUMBA_CACHE_DIR is settled)


def kernel(fn: F) -> F:
    """Compile ``fn`` with numba in nopython mode, cached on disk, numpy's error model.

    Without the C-callable wrapper numba otherwise builds for every function (for passing
    a kernel as a first-class function value, which no kernel does): one LLVM module less
    per compiled signature, about a tenth of a cold first run's compile time, and the
    same machine code for the kernel itself."""
    options: dict[str, Any] = {"cache": True, "error_model": "numpy", "nogil": True,
                               "no_cfunc_wrapper": True}  # the last is missing from numba's stubs
    return cast(F, numba.njit(**options)(fn))
