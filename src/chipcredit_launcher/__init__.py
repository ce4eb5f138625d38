"""The ``chipcredit`` console script and ``python -m chipcredit``: import the command line,
then run it.

Importing chipcredit takes a second or two (numpy, pandas, numba, the pydantic models), and
a Ctrl-C in that time used to end in a KeyboardInterrupt traceback from deep inside an
import. This launcher imports it under a guard, so Ctrl-C then is one line, ``interrupted``,
and exit status 130, as it is once the command runs. It lives outside the ``chipcredit``
package because importing any module of that package imports the whole package first.

``python -m chipcredit`` imports the whole package before its ``__main__`` can call `main`,
so the package's ``__init__`` calls `guard_module_start` first of all: under ``python -m
chipcredit`` (and only there) a Ctrl-C in that import is the same one line and status.

Once the command runs, SIGTERM (``timeout``, ``kill``) is taken as Ctrl-C
(`_term_as_interrupt`): Python's default for it kills the process where it stands, which
left the command's staged ``.chipcredit-*`` files beside its targets and, with
``--workers``, its Dask worker processes' semaphores.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType, TracebackType

__all__ = ["guard_module_start", "main"]

EXIT_INTERRUPTED = 130  # = chipcredit.cli.EXIT_INTERRUPTED, which cannot be imported first

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def main() -> None:
    """Run ``chipcredit`` (see `chipcredit.cli.main`)."""
    try:
        from chipcredit.cli import main as run
    except KeyboardInterrupt:
        _say_interrupted()
        raise SystemExit(EXIT_INTERRUPTED) from None
    if isinstance(sys.excepthook, _ImportInterrupted):  # the command handles Ctrl-C itself
        sys.excepthook = sys.excepthook.previous
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # an ignored SIGTERM stays so
        signal.signal(signal.SIGTERM, _term_as_interrupt)
    try:
        run()
    except SystemExit as done:
        _finished(0 if done.code is None else done.code if isinstance(done.code, int) else 1)
        raise


def guard_module_start() -> None:
    """Under ``python -m chipcredit``, make a Ctrl-C while the package imports end in the
    one line ``interrupted`` and exit status 130 (`main` takes over once the import is done).

    Called first by ``chipcredit/__init__.py`` (by importing `module_start`). ``python -m``
    imports a module's package while it looks for the module, and then ``sys.argv[0]`` is
    ``"-m"`` (documented under ``-m``). A KeyboardInterrupt in that import can only end up
    at the top level, where Python would print its traceback and kill itself by the signal;
    a hook on ``sys.excepthook`` prints the line and exits 130 instead. An ``import
    chipcredit`` anywhere else (a script, a notebook, ``python -m pytest``) sets nothing.
    """
    if isinstance(sys.excepthook, _ImportInterrupted):
        return
    module = _module_being_run(getattr(sys, "orig_argv", []), getattr(sys, "argv", []))
    # only the package itself: its __main__ goes through `main`, which takes the hook off
    # again; under another ``-m chipcredit.x`` the hook would outlive the import
    if module == "chipcredit":
        sys.excepthook = _ImportInterrupted(sys.excepthook)


def _module_being_run(orig_argv: list[str], argv: list[str]) -> str:
    """NAME while ``python -m NAME ARGS...`` is still looking for its module, else "".

    ``argv`` is then ``["-m", *ARGS]`` and ``orig_argv`` ends with NAME (or an option group
    ending in ``m`` and NAME, ``-mNAME``, ``-Im NAME``...) and ARGS.
    """
    if argv[:1] != ["-m"] or len(orig_argv) <= len(argv):
        return ""
    word = orig_argv[len(orig_argv) - len(argv)]
    return word.partition("m")[2] if word.startswith("-") else word


class _ImportInterrupted:
    """``sys.excepthook`` while ``python -m chipcredit`` imports: a KeyboardInterrupt is
    the line ``interrupted`` and status 130; anything else goes to the hook it replaced."""

    def __init__(self, previous: ExceptHook) -> None:
        self.previous = previous

    def __call__(self, kind: type[BaseException], value: BaseException,
                 traceback: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            self.previous(kind, value, traceback)
            return
        _say_interrupted()
        # the import never finished, so there is nothing to clean up; exiting here is the
        # only way to a status other than death by SIGINT, which Python chooses after this
        os._exit(EXIT_INTERRUPTED)


def _term_as_interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM handled as Ctrl-C is at that moment: by the SIGINT handler in place (a held
    block's, which acts at its next safe point; Python's, which raises KeyboardInterrupt),
    or as KeyboardInterrupt where SIGINT is ignored (a background job of a shell script),
    so the command removes what it staged and ends with ``interrupted``, status 130."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
        return
    raise KeyboardInterrupt


def _say_interrupted() -> None:
    sys.stderr.write("interrupted\n")
    sys.stderr.flush()


def _finished(code: int) -> None:
    """Once the command has finished, Ctrl-C no longer changes its exit status.

    Its outputs are in place (or removed) by then, but the interpreter takes a few tenths
    of a second to shut down after a run, and Ctrl-C in that time used to kill it by the
    signal (status 130, as if it had failed). Until the exit handlers run, Ctrl-C ends the
    process at once with the command's status (so a shutdown that hangs on a thread can
    still be cut short); from then on it is ignored: Python resets a handler written in
    Python before the end of the shutdown, but not an ignored signal.
    """
    def leave(signum: int, frame: FrameType | None) -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)

    signal.signal(signal.SIGINT, leave)
    atexit.register(signal.signal, signal.SIGINT, signal.SIG_IGN)
    # SIGTERM too: the command's outputs are in place, so its default (death) is right
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
