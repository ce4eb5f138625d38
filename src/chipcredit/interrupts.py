"""Ctrl-C held off while work that must not be cut in half runs, and acted on right after.

Python raises KeyboardInterrupt at whatever bytecode runs when SIGINT arrives. Three kinds of
work break when that bytecode is theirs:

- numba loading a kernel from its cache (or compiling it) on the kernel's first call, which
  happens part-way through a run: the interrupt lands in llvmlite (a half-made LLVM object:
  a segfault later), or in a Python callback called from LLVM's C++ (``ctypes`` prints the
  traceback, swallows the interrupt, and the run goes on to finish with status 0);
- DuckDB, which turns an interrupt into ``RuntimeError: Query interrupted`` and an aborted
  transaction;
- moving staged output files into place (some moved, some not).

`held` holds SIGINT for a block in the main thread: the signal only sets a flag, which
`Hold.check` turns into KeyboardInterrupt at a safe point inside the block, and leaving the
block does at the latest. `compiles_held` holds it during every numba compile and cache
load (numba's ``numba:compiler_lock`` event, which brackets all of its LLVM work). Blocks
nest; elsewhere (another thread, or a SIGINT handler that is not Python's) nothing changes.

``CHIPCREDIT_TEST_INTERRUPT=POINT`` makes the process send itself SIGINT at the named point
(`test_point`), so tests interrupt a command at an exact moment instead of by timing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = ["TEST_ENV", "Hold", "compiles_held", "held", "test_point"]

TEST_ENV = "CHIPCREDIT_TEST_INTERRUPT"
"""Names the point (see `test_point`) at which a process interrupts itself, for tests."""


class Hold:
    """The SIGINT hold of this process: a depth count and whether Ctrl-C came meanwhile."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending = False
        self._previous: Any = None

    def _hold(self, signum: int, frame: FrameType | None) -> None:
        self.pending = True

    def enter(self) -> bool:
        """Start holding (or hold one level deeper); False where SIGINT cannot be held here."""
        if threading.current_thread() is not threading.main_thread():
            return False
        if self.depth == 0:
            previous = signal.getsignal(signal.SIGINT)
            if previous is not signal.default_int_handler:
                return False  # ignored, or a handler of the program's own: left alone
            self._previous = signal.signal(signal.SIGINT, self._hold)
            self.pending = False
        self.depth += 1
        return True

    def leave(self, act: bool = True) -> None:
        """One level less; at the outermost, stop holding and, if ``act`` and Ctrl-C came,
        raise KeyboardInterrupt."""
        self.depth -= 1
        if self.depth:
            return
        signal.signal(signal.SIGINT, self._previous)
        came, self.pending = self.pending, False
        if came and act:
            raise KeyboardInterrupt

    def check(self) -> None:
        """A safe point: raise KeyboardInterrupt now if Ctrl-C came while held."""
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


_HOLD = Hold()


@contextlib.contextmanager
def held() -> Iterator[Hold]:
    """Hold Ctrl-C for the block; raise KeyboardInterrupt when it ends if one came (unless
    the block is already ending with an exception). Call ``check()`` on what it yields at
    safe points inside the block to act sooner."""
    if not _HOLD.enter():
        yield Hold()  # nothing held: its check() never raises; Ctrl-C acts as usual
        return
    try:
        yield _HOLD
    except BaseException:
        _HOLD.leave(act=False)
        raise
    _HOLD.leave()


class _Compiling:
    """A numba event listener holding Ctrl-C while numba holds its compiler lock."""

    def __init__(self) -> None:
        self.entered: list[bool] = []

    def on_start(self, event: Any) -> None:
        self.entered.append(_HOLD.enter())
        test_point("compile")

    def on_end(self, event: Any) -> None:
        if self.entered and self.entered.pop():
            # raised after numba released the lock: the kernel is whole, or not made at all
            _HOLD.leave()

    def notify(self, event: Any) -> None:
        if event.is_start:
            self.on_start(event)
        elif event.is_end:
            self.on_end(event)


@contextlib.contextmanager
def compiles_held() -> Iterator[None]:
    """Hold Ctrl-C during every numba compile and cache load in the block (main thread)."""
    from numba.core import event

    listener = _Compiling()
    event.Listener.register(_Compiling)  # a virtual subclass: numba asserts isinstance
    event.register("numba:compiler_lock", listener)
    try:
        yield
    finally:
        event.unregister("numba:compiler_lock", listener)


def test_point(name: str) -> None:
    """Send this process SIGINT if ``CHIPCREDIT_TEST_INTERRUPT`` names ``name`` (tests only)."""
    if os.environ.get(TEST_ENV) == name:
        os.kill(os.getpid(), signal.SIGINT)
