"""SIGTERM (``timeout``, ``kill``) during a run is Ctrl-C: the one line ``interrupted``,
status 130, and none of the command's staged ``.chipcredit-*`` files left beside its
targets. Python's default for SIGTERM killed the process where it stood, so the staged
files stayed (with ``--workers 2`` its Dask workers' semaphores leaked too)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path


def test_sigterm_mid_run_removes_the_staged_files(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "chipcredit", "run", "seed-2025", "-n", "100000", "--no-store",
         "--json", "out.json", "-q"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".chipcredit-*")):  # staged: the run has started
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run staged no output"
            time.sleep(0.05)
        time.sleep(0.5)  # into the simulation
        assert proc.poll() is None, "the run ended before it could be stopped"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (proc.returncode, out, err) == (130, "", "interrupted\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
