"""Ctrl-C late in a run (an Excel analyst's review): while numba loads a kernel, while the run
store writes, while the outputs move into place. Always the one line ``interrupted``, status
130, no traceback and nothing half-made left behind. The moments are exact:
``CHIPCREDIT_TEST_INTERRUPT=POINT`` makes the process send itself SIGINT there
(src/chipcredit/interrupts.py). Also: path options that name the wrong kind of thing, and
run's help naming the Excel export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.interrupts import TEST_ENV, compiles_held

pytest.importorskip("duckdb")
from chipcredit.store import RunStore

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SCENARIO = str(ROOT / "tests" / "fixtures_credit" / "minimal-loan.yaml")
OUTPUTS = ("--json", "j.json", "--cashflows", "cfi", "--store", "s.duckdb")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_ctrl_c_while_numba_loads_a_kernel_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    # a fresh process loads every kernel from numba's cache on its first call, after the
    # outputs are staged; Ctrl-C then came inside llvmlite (a segfault, or swallowed by a
    # callback and the run finished with status 0)
    env = {**os.environ, TEST_ENV: "compile"}
    proc = subprocess.run([sys.executable, "-m", "chipcredit", "run", SCENARIO, "--deterministic",
                           "-q", *OUTPUTS], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env=env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "interrupted\n")
    assert listing(tmp_path) == []  # no output, no staged .chipcredit-* file, no store


def test_ctrl_c_during_a_numba_compile_takes_effect_once_the_kernel_is_whole() -> None:
    import numba
    from numba.core import event

    @numba.njit(cache=False)
    def twice(x: float) -> float:
        return 2.0 * x

    class CtrlC(event.Listener):  # Ctrl-C as numba starts: before any of its LLVM work
        def on_start(self, _: object) -> None:
            if not sent:
                sent.append(True)
                os.kill(os.getpid(), signal.SIGINT)

        def on_end(self, _: object) -> None:
            pass

    sent: list[bool] = []
    with compiles_held():
        listener = CtrlC()
        event.register("numba:compiler_lock", listener)
        try:
            with pytest.raises(KeyboardInterrupt):
                twice(1.5)
        finally:
            event.unregister("numba:compiler_lock", listener)
    assert sent and len(twice.signatures) == 1  # compiled whole, then interrupted
    assert twice(1.5) == 3.0


@pytest.mark.parametrize("earlier", [False, True], ids=["new-store", "existing-store"])
def test_ctrl_c_while_the_store_writes_rolls_back_and_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, earlier: bool) -> None:
    # DuckDB turned it into "cannot write to the run store ...: Current transaction is
    # aborted" (status 2) and left an empty store file
    monkeypatch.chdir(tmp_path)
    if earlier:
        assert invoke("run", SCENARIO, "--deterministic", "-q", "--store", "s.duckdb")[0] == 0
    before = listing(tmp_path)
    monkeypatch.setenv(TEST_ENV, "store")
    code, out, err = invoke("run", SCENARIO, "--deterministic", "-q", *OUTPUTS)
    assert (code, out, err) == (130, "", "interrupted\n")
    assert listing(tmp_path) == before
    if earlier:
        monkeypatch.delenv(TEST_ENV)
        assert RunStore("s.duckdb").list_runs()["id"].tolist() == [1]


def test_ctrl_c_while_the_outputs_move_takes_effect_after_all_of_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(TEST_ENV, "commit")  # after the first of the moves
    code, out, err = invoke("run", SCENARIO, "--deterministic", "-q", *OUTPUTS)
    assert (code, out, err) == (130, "", "interrupted\n")
    assert listing(tmp_path) == ["cfi", "cfi/term-loan.csv", "cfi/term-loan.debt.csv", "j.json", "s.duckdb"]


@pytest.mark.parametrize(("args", "made", "message"), [
    (["run", SCENARIO, "--no-store", "--cashflows", "f"], "file",
     "cannot write --cashflows f: it is a file, not a folder"),
    (["run", SCENARIO, "--no-store", "--json", "d"], "folder",
     "cannot write --json d: it is a folder"),
    (["run", SCENARIO, "--no-store", "--paths-out", "d"], "folder",
     "cannot write --paths-out d: it is a folder"),
    (["report", SCENARIO, "-o", "d"], "folder", "cannot write --output d: it is a folder"),
    (["report", SCENARIO, "-o", "r.html", "--png", "f"], "file",
     "cannot write --png f: it is a file, not a folder"),
    (["compare", SCENARIO, SCENARIO, "--no-store", "--json", "d"], "folder",
     "cannot write --json d: it is a folder"),
    (["runs", "export", "1", "--xlsx", "d"], "folder", "cannot write --xlsx d: it is a folder"),
    (["run", SCENARIO, "--store", "d"], "folder", "cannot use the run store d: it is a folder"),
])
def test_a_path_option_naming_the_wrong_kind_is_the_documented_line(
        args: list[str], made: str, message: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Click's own check said "Invalid value for '--cashflows': dir 'f' is a file."
    monkeypatch.chdir(tmp_path)
    Path("f").write_text("keep\n") if made == "file" else Path("d").mkdir()

    def simulate(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before checking the outputs")

    monkeypatch.setattr(cc, "simulate", simulate)
    code, out, err = invoke(*args)
    assert (code, out, err) == (2, "", f"error: {message}\n")
    assert listing(tmp_path) == (["f"] if made == "file" else ["d"])


def test_run_help_names_the_excel_export() -> None:
    code, out, _ = invoke("run", "--help")
    assert code == 0
    text = " ".join(out.replace("│", " ").split())
    assert "chipcredit runs export ID --xlsx FILE" in text and "--no-store" in text
