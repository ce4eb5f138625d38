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

Kernels are compiled with numpy's error model (a division by zero gives inf or NaN, as in
numpy, instead of raising) and never with ``fastmath``: reassociating sums would change the
last bits of results, and results are reproducible to the bit.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

__all__ = ["choose_cache_dir", "kernel", "kernel_digest", "kernel_files"]

F = TypeVar("F", bound=Callable[..., Any])


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


def _configure() -> None:
    package = Path(__file__).resolve().parent
    chosen = choose_cache_dir(os.environ, package, kernel_digest(package))
    if chosen is not None:
        os.environ["NUMBA_CACHE_DIR"] = chosen


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
