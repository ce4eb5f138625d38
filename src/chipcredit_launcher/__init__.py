"""The ``chipcredit`` console script: import the command line, then run it.

Importing chipcredit takes a second or two (numpy, pandas, numba, the pydantic models), and
a Ctrl-C in that time used to end in a KeyboardInterrupt traceback from deep inside an
import. This launcher imports it under a guard, so Ctrl-C then is one line, ``interrupted``,
and exit status 130, as it is once the command runs. It lives outside the ``chipcredit``
package because importing any module of that package imports the whole package first.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from types import FrameType

__all__ = ["main"]

EXIT_INTERRUPTED = 130  # = chipcredit.cli.EXIT_INTERRUPTED, which cannot be imported first


def main() -> None:
    """Run ``chipcredit`` (see `chipcredit.cli.main`)."""
    try:
        from chipcredit.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
        raise SystemExit(EXIT_INTERRUPTED) from None
    try:
        run()
    except SystemExit as done:
        _finished(0 if done.code is None else done.code if isinstance(done.code, int) else 1)
        raise


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
