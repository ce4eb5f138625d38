"""``python -m chipcredit`` starts like the ``chipcredit`` command: a Ctrl-C (a real SIGINT)
while it imports is the one line ``interrupted`` and exit status 130, never a traceback.

``python -m`` imports the whole package before ``__main__`` runs, so a guard in
``__main__`` alone came too late for most of the start: the package sets one first
(`chipcredit_launcher.guard_module_start`), and ``__main__`` goes through the launcher.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import chipcredit_launcher as launcher

ROOT = Path(__file__).resolve().parents[2]

# sends the process a real SIGINT when the import of `module` looks for it
_SITECUSTOMIZE = """
import os, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)

sys.meta_path.insert(0, CtrlC())
"""


def _run_with_ctrl_c(tmp_path: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "sitecustomize.py").write_text(_SITECUSTOMIZE.format(module=module))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=env)


@pytest.mark.parametrize("module", [
    "pydantic",  # imported by the package itself, before __main__ runs
    "typer",  # imported by chipcredit.cli, which __main__ imports through the launcher
])
def test_ctrl_c_while_python_m_chipcredit_imports_is_one_line(tmp_path: Path, module: str) -> None:
    proc = _run_with_ctrl_c(tmp_path, module, "-m", "chipcredit", "scenarios")
    # before: a KeyboardInterrupt traceback, and death by SIGINT (-2)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "interrupted\n")


def test_ctrl_c_while_a_script_imports_chipcredit_is_python_s_own(tmp_path: Path) -> None:
    # a program that imports chipcredit keeps Python's handling of Ctrl-C
    proc = _run_with_ctrl_c(tmp_path, "pydantic", "-c", "import chipcredit")
    assert proc.returncode == -2
    assert proc.stderr.startswith("Traceback") and proc.stderr.endswith("KeyboardInterrupt\n")


@pytest.mark.parametrize(("orig_argv", "argv", "module"), [
    (["python", "-m", "chipcredit", "run", "x"], ["-m", "run", "x"], "chipcredit"),
    (["python", "-X", "importtime", "-m", "chipcredit"], ["-m"], "chipcredit"),
    (["python", "-mchipcredit", "-m", "y"], ["-m", "-m", "y"], "chipcredit"),
    (["python", "-Imchipcredit.cli"], ["-m"], "chipcredit.cli"),
    (["python", "-m", "pytest", "-q"], ["-m", "-q"], "pytest"),
    # the module found: argv[0] is its file, not "-m"
    (["python", "-m", "chipcredit"], ["/x/chipcredit/__main__.py"], ""),
    (["python", "-c", "import chipcredit"], ["-c"], ""),
    (["python", "script.py", "-m", "chipcredit"], ["script.py", "-m", "chipcredit"], ""),
    ([], [], ""),
])
def test_the_module_being_run_is_read_from_the_command_line(
        orig_argv: list[str], argv: list[str], module: str) -> None:
    assert launcher._module_being_run(orig_argv, argv) == module


def test_the_guard_is_set_only_for_chipcredit_and_only_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def hook(*args: object) -> None:
        raise AssertionError("not called here")

    monkeypatch.setattr(sys, "excepthook", hook)
    for other in ("pytest", "chipcredit.cli"):  # chipcredit.cli's end would not remove it
        monkeypatch.setattr(sys, "orig_argv", ["python", "-m", other])
        monkeypatch.setattr(sys, "argv", ["-m"])
        launcher.guard_module_start()
        assert sys.excepthook is hook
    monkeypatch.setattr(sys, "orig_argv", ["python", "-m", "chipcredit", "run"])
    monkeypatch.setattr(sys, "argv", ["-m", "run"])
    launcher.guard_module_start()
    launcher.guard_module_start()
    guard = sys.excepthook
    assert isinstance(guard, launcher._ImportInterrupted) and guard.previous is hook


def test_the_guard_passes_other_errors_to_the_hook_it_replaced() -> None:
    seen: list[type[BaseException]] = []
    guard = launcher._ImportInterrupted(lambda kind, value, tb: seen.append(kind))
    guard(ImportError, ImportError("no numpy"), None)
    assert seen == [ImportError]


def test_the_command_runs_without_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    # once the command line is imported, the command handles Ctrl-C itself (and cleans up)
    import chipcredit.cli

    def hook(*args: object) -> None:
        raise AssertionError("not called here")

    seen: list[object] = []

    def run() -> None:
        seen.append(sys.excepthook)
        raise SystemExit(0)

    monkeypatch.setattr(sys, "excepthook", launcher._ImportInterrupted(hook))
    monkeypatch.setattr(chipcredit.cli, "main", run)
    monkeypatch.setattr(launcher, "_finished", lambda code: None)  # no process-wide handlers
    with pytest.raises(SystemExit):
        launcher.main()
    assert seen == [hook]
