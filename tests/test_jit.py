"""The compiled-kernel setup: where numba's on-disk cache goes, and that it is used."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import chipcredit
from chipcredit.analytics.irr_kernel import sign_change_class
from chipcredit.jit import (
    STALE_AFTER_S,
    choose_cache_dir,
    kernel_digest,
    kernel_files,
    prune_stale,
    stale_cache_dirs,
)

PACKAGE = Path(chipcredit.__file__).resolve().parent


def test_the_cache_stays_beside_the_sources_when_they_are_writable(tmp_path: Path) -> None:
    chosen = choose_cache_dir({}, tmp_path, "abc", writable=lambda p: True)
    assert chosen == str(tmp_path / "__pycache__" / "numba-abc")


def test_a_cache_dir_the_user_set_is_left_alone(tmp_path: Path) -> None:
    env = {"NUMBA_CACHE_DIR": "/somewhere/else"}
    assert choose_cache_dir(env, tmp_path, "abc", writable=lambda p: False) is None


def test_a_read_only_install_caches_under_the_user_cache_home(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "chipcredit"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    chosen = choose_cache_dir(env, package, "abc", writable=lambda p: package not in p.parents)
    assert chosen == str(tmp_path / "cache" / "chipcredit" / "numba" / "abc")


def test_with_no_writable_cache_home_the_temp_dir_is_used(tmp_path: Path) -> None:
    package = tmp_path / "chipcredit"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    chosen = choose_cache_dir(env, package, "abc", writable=lambda p: False)
    assert chosen == str(Path(tempfile.gettempdir()) / f"chipcredit-numba-{os.getuid()}" / "abc")


def _fake_package(root: Path) -> Path:
    (root / "engine" / "__pycache__").mkdir(parents=True)
    (root / "engine" / "a_kernel.py").write_text("x = 1\n")
    (root / "b_kernel.py").write_text("y = 2\n")
    (root / "engine" / "plain.py").write_text("z = 3\n")
    (root / "engine" / "__pycache__" / "c_kernel.py").write_text("stale\n")
    return root


def test_the_digest_covers_every_kernel_module_and_nothing_else(tmp_path: Path) -> None:
    package = _fake_package(tmp_path / "pkg")
    assert [p.relative_to(package).as_posix() for p in kernel_files(package)] == [
        "b_kernel.py", "engine/a_kernel.py"]
    before = kernel_digest(package)
    (package / "engine" / "plain.py").write_text("z = 4\n")  # not a kernel module
    (package / "engine" / "__pycache__" / "c_kernel.py").write_text("other\n")
    assert kernel_digest(package) == before
    (package / "engine" / "a_kernel.py").write_text("x = 2\n")  # a callee changed
    changed = kernel_digest(package)
    assert changed != before and len(changed) == 16
    (package / "engine" / "a_kernel.py").rename(package / "a_kernel.py")  # moved
    assert kernel_digest(package) not in (before, changed)


def test_every_module_that_declares_kernels_is_a_kernel_module() -> None:
    # the digest sees only *_kernel.py files: a kernel declared elsewhere could go stale
    declaring = set()
    for path in PACKAGE.rglob("*.py"):
        if "__pycache__" in path.parts or path.name == "jit.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "kernel" for a in node.names) \
                    and (node.module or "").endswith("jit"):
                declaring.add(path)
    assert declaring, "no kernel found: the scan is broken"
    assert declaring == set(kernel_files(PACKAGE)), declaring ^ set(kernel_files(PACKAGE))


def test_a_fresh_process_caches_in_the_folder_of_the_current_kernels() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    out = subprocess.run([sys.executable, "-c", "import os, chipcredit.jit;"
                          "print(os.environ['NUMBA_CACHE_DIR'])"],
                         env=env, capture_output=True, text=True, check=True, timeout=120)
    chosen = Path(out.stdout.strip())
    assert chosen.name in (kernel_digest(PACKAGE), f"numba-{kernel_digest(PACKAGE)}")
    assert chosen.is_dir()


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


def test_kernels_are_built_without_the_c_callable_wrapper() -> None:
    # the wrapper is one more LLVM module per signature (about a tenth of a cold first
    # run's compile time) and serves only kernels passed around as function values
    options = getattr(sign_change_class, "targetoptions")  # noqa: B009  (not in numba's stubs)
    assert options["no_cfunc_wrapper"] is True
    assert options["error_model"] == "numpy"


NOW = 1_800_000_000.0  # seconds since the epoch
OLD = NOW - STALE_AFTER_S - 1.0
RECENT = NOW - STALE_AFTER_S + 60.0


def _folder(path: Path, mtime: float) -> Path:
    path.mkdir(parents=True)
    os.utime(path, (mtime, mtime))
    return path


def test_only_other_digests_folders_unused_for_a_day_are_stale(tmp_path: Path) -> None:
    chosen = _folder(tmp_path / "numba-0123456789abcdef", OLD)
    old = _folder(tmp_path / "numba-00000000000000aa", OLD)
    older = _folder(tmp_path / "numba-00000000000000ab", OLD - 86_400.0)
    _folder(tmp_path / "numba-00000000000000ac", RECENT)  # used by a process within the day
    _folder(tmp_path / "numba-notadigest00", OLD)  # not a name chipcredit gives
    _folder(tmp_path / "00000000000000ad", OLD)  # the other layout's name, not this one's
    _folder(tmp_path / "mine", OLD)
    (tmp_path / "numba-00000000000000ae").write_text("a file\n")
    (tmp_path / "numba-00000000000000af").symlink_to(old, target_is_directory=True)
    assert stale_cache_dirs(chosen, NOW) == [old, older]


def test_pruning_marks_the_folder_in_use_and_removes_the_stale_ones(tmp_path: Path) -> None:
    base = tmp_path / "cache" / "chipcredit" / "numba"  # the user-cache layout: bare digests
    chosen = _folder(base / "0123456789abcdef", OLD)
    stale = _folder(base / "fedcba9876543210", OLD)
    (stale / "engine_kernel").mkdir()
    (stale / "engine_kernel" / "x.nbi").write_bytes(b"index")
    kept = _folder(base / "00000000000000aa", RECENT)
    assert prune_stale(chosen, NOW) == [stale]
    assert not stale.exists() and kept.is_dir()
    assert chosen.stat().st_mtime == NOW  # marked used: pruned by no other version for a day
    assert prune_stale(chosen, NOW) == []


def test_a_folder_the_user_chose_is_never_tidied(tmp_path: Path) -> None:
    mine = _folder(tmp_path / "my-numba-cache", OLD)
    other = _folder(tmp_path / "0123456789abcdef", OLD)
    assert stale_cache_dirs(mine, NOW) == []
    assert prune_stale(mine, NOW) == [] and other.is_dir()


def test_a_fresh_process_prunes_stale_folders_beside_its_own() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    chosen = choose_cache_dir(env, PACKAGE, kernel_digest(PACKAGE))  # as the process will
    assert chosen is not None
    parent, prefix = Path(chosen).parent, "numba-" if Path(chosen).name.startswith("numba-") else ""
    now = time.time()
    stale = _folder(parent / f"{prefix}{os.getpid():016x}", now - STALE_AFTER_S - 60.0)
    fresh = _folder(parent / f"{prefix}{os.getpid() + 1:016x}", now)
    try:
        subprocess.run([sys.executable, "-c", "import chipcredit.jit"], env=env, check=True, timeout=120)
        assert not stale.exists() and fresh.is_dir() and Path(chosen).is_dir()
    finally:
        for folder in (stale, fresh):
            if folder.exists():
                folder.rmdir()
