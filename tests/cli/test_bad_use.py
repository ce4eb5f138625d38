"""Bad use of the command line: one line and exit 2 (or 130 for Ctrl-C), never a traceback,
and never half of a command's outputs left behind (see src/chipcredit/cli/staging.py)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.staging import PREFIX, Staging

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
LONG = "a" * 300  # above NAME_MAX (255 on Linux and macOS)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def one_line(out: str, err: str) -> str:
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a simulation fail the test: the checks must come before the work."""
    def simulate(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before checking the outputs")

    monkeypatch.setattr(cc, "simulate", simulate)


# --- names the system refuses ------------------------------------------------------------


@pytest.mark.parametrize(("args", "option", "name"), [
    (["run", "seed-2025", "--no-store", "--json"], "--json", f"{LONG}.json"),
    (["run", "seed-2025", "--no-store", "--cashflows"], "--cashflows", LONG),
    (["run", "seed-2025", "--no-store", "--paths-out"], "--paths-out", f"{LONG}.parquet"),
    (["report", "seed-2025", "-o"], "--output", f"{LONG}.html"),
    (["report", "seed-2025", "-o", "r.html", "--png"], "--png", LONG),
    (["compare", "seed-2025", "seed-2025", "--no-store", "--json"], "--json", f"{LONG}.json"),
    (["deals", "--json"], "--json", f"{LONG}.json"),
])
def test_a_file_name_too_long_is_one_line_naming_the_option(
        args: list[str], option: str, name: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    no_simulation(monkeypatch)
    code, out, err = invoke(*args, name)
    assert code == 2
    assert one_line(out, err) == f"error: cannot write {option} {name}: File name too long"
    assert list(tmp_path.iterdir()) == []


def test_a_long_name_inside_an_existing_folder_is_refused_too(tmp_path: Path) -> None:
    target = tmp_path / LONG / "flows"
    code, out, err = invoke("runs", "export", "1", "--xlsx", str(target / "x.xlsx"))
    assert code == 2
    assert one_line(out, err) == (f"error: cannot write --xlsx {target / 'x.xlsx'}: "
                                  "File name too long")


# --- the checks before the work create a file; os.access says yes to root -----------------


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize(("option", "target"), [("--json", "/proc/out.json"),
                                                ("--cashflows", "/proc/flows"),
                                                ("--paths-out", "/proc/p.parquet")])
def test_an_unwritable_target_fails_before_the_run_and_keeps_the_others(
        option: str, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /proc refuses new files to everyone, root included, for whom os.access says yes
    monkeypatch.chdir(tmp_path)
    no_simulation(monkeypatch)
    Path("out.json").write_text("old\n")
    args = {"--json": "out.json", "--cashflows": "flows", "--paths-out": "p.parquet"}
    args[option] = target
    code, out, err = invoke("run", "seed-2025", "--no-store", "-n", "20",
                            *[x for pair in args.items() for x in pair])
    assert code == 2
    assert one_line(out, err) == f"error: cannot write {option} {target}: No such file or directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    assert Path("out.json").read_text() == "old\n"


# --- all or nothing ------------------------------------------------------------------------


def test_ctrl_c_while_writing_cash_flows_leaves_no_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("out.json").write_text("old\n")
    written: list[object] = []

    def to_csv(self: pd.DataFrame, *args: object, **kwargs: object) -> None:
        written.append(args[0])
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    code, out, err = invoke("run", "seed-2025", "--no-store", "-q", "-n", "20", "--json",
                            "out.json", "--cashflows", "new/flows", "--paths-out", "p.parquet")
    assert written, "the cash-flow writer was not reached"
    assert code == 130
    assert one_line(out, err) == "interrupted"
    # the JSON and Parquet files were complete when Ctrl-C came; neither moved into place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    assert Path("out.json").read_text() == "old\n"


def test_a_closed_stdout_still_gets_the_files_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `chipcredit run ... --json out.json | head`: Rich exits 1 when the pipe closes while it
    # prints the tables; the run itself is complete, so its files are moved into place
    def closed_pipe(*args: object) -> None:
        raise SystemExit(1)

    monkeypatch.setattr(sys.modules["chipcredit.cli.run"], "_print_tables", closed_pipe)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["run", "seed-2025", "--no-store", "-n", "20", "--json",
                                     "out.json"])
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    assert json.loads(Path("out.json").read_text())["paths"] == 20


def test_a_report_that_fails_to_write_leaves_nothing_and_names_the_option(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    def write_report(result: object, path: Path, **kwargs: object) -> Path:
        Path(path).write_text("half")
        raise cc.UsageError(f"cannot write {path}: No space left on device")

    monkeypatch.setattr(cc, "write_report", write_report)
    code, out, err = invoke("report", "seed-2025", "-n", "20", "-o", "r.html")
    assert code == 2
    assert one_line(out, err) == "error: cannot write --output r.html: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_commit_moves_every_output_even_when_ctrl_c_comes_in_between(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replace = os.replace
    calls: list[str] = []

    def replace_then_interrupt(src: str, dst: str) -> None:
        replace(src, dst)
        calls.append(str(dst))
        if len(calls) == 1:  # Ctrl-C after the first of three moves
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt), Staging() as staging:
        staging.text(staging.file(tmp_path / "a.json", "--json"), "a\n")
        folder = staging.folder(tmp_path / "x" / "flows", "--cashflows")
        (folder / "d1.csv").write_text("1\n")
        (folder / "d2.csv").write_text("2\n")
        staging.commit()
    assert len(calls) == 3
    assert (tmp_path / "a.json").read_text() == "a\n"
    assert sorted(p.name for p in (tmp_path / "x" / "flows").iterdir()) == ["d1.csv", "d2.csv"]
    assert not [p for p in tmp_path.rglob(f"{PREFIX}*")]


def test_leaving_a_staging_without_commit_removes_what_it_staged(tmp_path: Path) -> None:
    (tmp_path / "keep.json").write_text("old\n")
    with Staging() as staging:
        staging.text(staging.file(tmp_path / "keep.json", "--json"), "new\n")
        staging.folder(tmp_path / "new" / "flows", "--cashflows").joinpath("d.csv").write_text("")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.json"]
    assert (tmp_path / "keep.json").read_text() == "old\n"


# --- Ctrl-C anywhere -----------------------------------------------------------------------


def test_ctrl_c_inside_compiled_code_is_an_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    # numba meeting Ctrl-C returns with the exception set; Python raises a SystemError from it
    def simulate(*args: object, **kwargs: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("CPUDispatcher(<function solve_rows>) returned a result with an "
                              "exception set") from exc

    monkeypatch.setattr(cc, "simulate", simulate)
    code, out, err = invoke("run", "seed-2025", "--no-store", "-n", "20")
    assert code == 130
    assert one_line(out, err) == "interrupted"


_IMPORT_INTERRUPTED = """
import importlib, sys

class CtrlC:  # Ctrl-C while chipcredit imports pydantic, seconds before the command starts
    def find_spec(self, name, path=None, target=None):
        if name == "pydantic":
            raise KeyboardInterrupt

sys.meta_path.insert(0, CtrlC())
module, _, function = sys.argv[1].partition(":")
sys.argv = ["chipcredit", "scenarios"]
getattr(importlib.import_module(module), function)()
"""


def test_ctrl_c_while_the_console_script_imports_is_one_line() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    proc = subprocess.run([sys.executable, "-c", _IMPORT_INTERRUPTED, scripts["chipcredit"]],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "interrupted\n")


def test_ctrl_c_after_the_command_finished_keeps_its_exit_status() -> None:
    # the outputs are in place; Ctrl-C while Python shuts down used to kill it (status 130)
    code = ("import os, signal, time, chipcredit_launcher as launcher\n"
            "launcher._finished(3)\n"
            "os.kill(os.getpid(), signal.SIGINT)\n"
            "time.sleep(30)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert (proc.returncode, proc.stderr) == (3, "")


# --- other one-line errors -----------------------------------------------------------------


def test_an_os_error_the_checks_missed_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def simulate(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/x")

    monkeypatch.setattr(cc, "simulate", simulate)
    code, out, err = invoke("run", "seed-2025", "--no-store", "-n", "20")
    assert code == 2
    assert one_line(out, err) == "error: /tmp/x: No space left on device"


@pytest.mark.parametrize(("lang", "hint"), [("ZH", " (did you mean zh?)"),
                                            ("En", " (did you mean en?)"), ("fr", "")])
def test_a_bad_language_suggests_the_closest(lang: str, hint: str, tmp_path: Path) -> None:
    code, out, err = invoke("report", "seed-2025", "--lang", lang, "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert one_line(out, err) == f"error: --lang must be one of en, zh; got {lang!r}{hint}"


@pytest.mark.parametrize(("args", "where"), [
    (["run", "--no-store=1", "seed-2025"], "chipcredit run"),
    (["runs", "list", "--bogus=1"], "chipcredit runs list"),
    (["--bogus=1"], "chipcredit"),
])
def test_a_parse_error_points_at_its_own_command_help(args: list[str], where: str) -> None:
    code, out, err = invoke(*args)
    assert code == 2
    assert one_line(out, err).endswith(f"(see '{where} --help')")
