"""Starting the dashboard: the Streamlit command line, with safe settings, and the exec.

The launcher replaces its own process with ``python -m streamlit run app.py ...`` (`os.execv`
on POSIX), so the process a user or a test started is the server itself and stopping it
stops everything. The settings it always passes:

- ``--server.address HOST``: 127.0.0.1 unless ``--host`` says otherwise;
- ``--server.headless true``: never open a browser;
- ``--browser.gatherUsageStats false``: no telemetry (the machine may have no network);
- ``--server.maxUploadSize``: the upload cap in MB (`limits.MAX_UPLOAD_MB`);
- ``--server.fileWatcherType none`` and ``--server.runOnSave false``: no reloads from disk;
- ``--client.showErrorDetails none``: an unexpected error never shows a traceback in the page;
- ``--client.toolbarMode minimal``: no developer menu.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from chipcredit import UsageError

from .limits import MAX_UPLOAD_MB, is_loopback

__all__ = ["APP_SCRIPT", "DEFAULT_HOST", "DEFAULT_PORT", "INSTALL_HINT", "exposure_warning",
           "launch", "streamlit_argv"]

APP_SCRIPT = Path(__file__).with_name("app.py")
"""The Streamlit script of the dashboard."""
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501
INSTALL_HINT = "pip install 'chipcredit[dashboard]'"


def streamlit_argv(port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> list[str]:
    """The full command line that serves the dashboard on ``host:port`` (no shell: a list).

    Raises
    ------
    UsageError
        For a port outside 1..65535 or an empty host.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535; got {port!r}")
    if not host.strip():
        raise UsageError("--host must not be empty")
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.address", host.strip(),
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--client.showErrorDetails", "none",
        "--client.toolbarMode", "minimal",
    ]


def exposure_warning(host: str) -> str | None:
    """The one-line warning for a host that other machines can reach, else None."""
    if is_loopback(host):
        return None
    return (f"warning: the dashboard listens on {host.strip()}, so anyone who can reach this "
            "machine on that address can use it; it has no login (the default, 127.0.0.1, "
            "is this machine only)")


def launch(port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> None:
    """Serve the dashboard until interrupted; replaces this process on POSIX.

    Raises
    ------
    UsageError
        When Streamlit or Plotly is not installed, or for a bad port or host.
    """
    missing = [m for m in ("streamlit", "plotly") if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(f"the dashboard needs {' and '.join(missing)}, which "
                         f"{'is' if len(missing) == 1 else 'are'} not installed: {INSTALL_HINT}")
    argv = streamlit_argv(port, host)
    warning = exposure_warning(host)
    if warning is not None:
        sys.stderr.write(warning + "\n")
    shown = f"[{host.strip()}]" if ":" in host else host.strip()
    sys.stderr.write(f"chipcredit dashboard on http://{shown}:{port} (Ctrl-C stops it)\n")
    sys.stderr.flush()
    sys.stdout.flush()
    if os.name == "posix":
        os.execv(argv[0], argv)
    raise SystemExit(subprocess.call(argv))  # pragma: no cover - not POSIX
