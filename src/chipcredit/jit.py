"""Compiled kernels: numba's ``njit`` with an on-disk cache that always has a writable home.

numba compiles a kernel the first time it is called, which takes a second or two per
kernel, and keeps the machine code on disk so that later processes load it instead. Its
default home for that cache is the ``__pycache__`` folder beside the source. When that is
not writable (a system-wide or read-only install) and ``NUMBA_CACHE_DIR`` is unset, this
module points ``NUMBA_CACHE_DIR`` at ``$XDG_CACHE_HOME/chipcredit/numba`` (by default
``~/.cache/chipcredit/numba``), or at a folder in the temp directory when even that cannot
be made. It must run before numba is imported, so every kernel is declared through
`kernel` from here.

Kernels are compiled with numpy's error model (a division by zero gives inf or NaN, as in
numpy, instead of raising) and never with ``fastmath``: reassociating sums would change the
last bits of results, and results are reproducible to the bit.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

__all__ = ["choose_cache_dir", "kernel"]

F = TypeVar("F", bound=Callable[..., Any])


def _writable(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def choose_cache_dir(environ: Mapping[str, str], package: Path,
                     writable: Callable[[Path], bool] = _writable) -> str | None:
    """The ``NUMBA_CACHE_DIR`` to set before numba is imported, or None to leave numba's
    choice alone (the variable is set already, or ``package``'s own folder is writable)."""
    if environ.get("NUMBA_CACHE_DIR"):
        return None
    if writable(package):
        return None  # numba's default, __pycache__ beside each source
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = base / "chipcredit" / "numba"
    if writable(target):
        return str(target)
    return str(Path(tempfile.gettempdir()) / f"chipcredit-numba-{os.getuid()}")


def _configure() -> None:
    chosen = choose_cache_dir(os.environ, Path(__file__).resolve().parent)
    if chosen is not None:
        os.environ["NUMBA_CACHE_DIR"] = chosen


_configure()

import numba  # noqa: E402  (after NUMBA_CACHE_DIR is settled)


def kernel(fn: F) -> F:
    """Compile ``fn`` with numba in nopython mode, cached on disk, numpy's error model."""
    return cast(F, numba.njit(cache=True, error_model="numpy", nogil=True)(fn))
