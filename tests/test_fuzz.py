"""A bounded fuzz run in CI: atheris on load + validate + a 2-path simulate.

`make fuzz` runs the same target for an hour (`make check-long` includes it); this test runs
it for FUZZ_SECONDS (default 10) in a subprocess, from the corpus of tests/bad_inputs,
fuzz/seeds and the bundled scenarios, and fails on any exception other than ScenarioError,
any input slower than 20 s (a hang) or more than 2 GB of memory. A crash leaves ``crash-*``
in the test's folder; its name is in the failure message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

ROOT = Path(__file__).resolve().parents[1]
SECONDS = int(os.environ.get("FUZZ_SECONDS", "10"))


def test_bounded_fuzz_finds_no_crash(tmp_path: Path) -> None:
    work = tmp_path / "corpus"
    work.mkdir()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "fuzz_scenario.py"), f"-max_total_time={SECONDS}",
         "-timeout=20", "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/", "-seed=1",
         str(work), str(ROOT / "tests" / "bad_inputs"), str(ROOT / "fuzz" / "seeds"),
         str(ROOT / "src" / "chipcredit" / "scenarios")],
        capture_output=True, text=True, timeout=SECONDS + 120, cwd=tmp_path,
        env={**os.environ, "CHIPCREDIT_FUZZ_STATS": str(tmp_path / "stats")})
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-",
                                                                               "timeout-", "oom-")))
    assert proc.returncode == 0 and not crashes, (crashes, proc.stderr[-3000:])
    done = re.search(r"Done (\d+) runs", proc.stderr)
    assert done is not None, proc.stderr[-2000:]
    inputs, valid = map(int, (tmp_path / "stats").read_text().split())
    assert int(done[1]) > 100 and inputs > 100 and valid > 0
