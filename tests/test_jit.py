"""The compiled-kernel setup: where numba's on-disk cache goes, and that it is used."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from chipcredit.jit import choose_cache_dir


def test_the_cache_stays_beside_the_sources_when_they_are_writable(tmp_path: Path) -> None:
    assert choose_cache_dir({}, tmp_path, writable=lambda p: True) is None


def test_a_cache_dir_the_user_set_is_left_alone(tmp_path: Path) -> None:
    env = {"NUMBA_CACHE_DIR": "/somewhere/else"}
    assert choose_cache_dir(env, tmp_path, writable=lambda p: False) is None


def test_a_read_only_install_caches_under_the_user_cache_home(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "chipcredit"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    chosen = choose_cache_dir(env, package, writable=lambda p: p != package)
    assert chosen == str(tmp_path / "cache" / "chipcredit" / "numba")


def test_with_no_writable_cache_home_the_temp_dir_is_used(tmp_path: Path) -> None:
    package = tmp_path / "chipcredit"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    chosen = choose_cache_dir(env, package, writable=lambda p: False)
    assert chosen == str(Path(tempfile.gettempdir()) / f"chipcredit-numba-{os.getuid()}")


def test_compiled_kernels_are_written_to_the_cache_and_read_back(tmp_path: Path) -> None:
    # The first process compiles the IRR kernels and stores them; the second loads them.
    script = ("import numpy as np, chipcredit as cc;"
              "r = cc.irr(np.array([[-100.0, 0.0, 0.0, 0.0, 110.0]]));"
              "print(round(float(r.irr[0]), 12))")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, check=True, timeout=120)
        assert out.stdout.strip() == "0.1"
    index = sorted(p.name for p in tmp_path.rglob("*.nbi"))
    assert any("irr_kernel" in name and "solve_rows" in name for name in index), index
    assert list(tmp_path.rglob("*.nbc")), "no compiled code was cached"
