"""docs/tools/validation.py: a run without ``--write`` changes nothing in docs/; with it,
the page and both figures are rewritten."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[1] / "docs" / "tools" / "validation.py"
PAGE = ("intro\n<!-- telecom-replay -->\nSTALE\n<!-- /telecom-replay -->\nmid\n"
        "<!-- seed-2026 -->\nSTALE\n<!-- /seed-2026 -->\n")


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_validation_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _redirect(tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    doc = tmp_path / "validation.md"
    doc.write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(tool, "DOC", doc)
    monkeypatch.setattr(tool, "FIGURES", tmp_path / "figures")
    monkeypatch.setattr(sys, "argv", ["validation.py"])
    return doc


def test_a_dry_run_writes_nothing_and_write_writes_page_and_figures(
        tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    doc = _redirect(tool, tmp_path, monkeypatch)
    figures = tmp_path / "figures"
    text, svgs = tool.telecom(40, 3)  # the one real simulation: building the section writes nothing
    assert not figures.exists()
    assert sorted(svgs) == ["telecom-drawn.svg", "telecom-losses.svg"]
    assert all(svg.startswith("<svg") for svg in svgs.values())
    monkeypatch.setattr(tool, "telecom", lambda paths, seed: (text, svgs))
    monkeypatch.setattr(tool, "seed_2026", lambda paths, seed: "2026 TABLE\n")

    tool.main(["--paths", "40", "--seed", "3"])
    assert doc.read_text(encoding="utf-8") == PAGE
    assert not figures.exists()
    out = capsys.readouterr().out
    assert "figures not written without --write: telecom-drawn.svg, telecom-losses.svg" in out

    tool.main(["--paths", "40", "--seed", "3", "--write"])
    expected = PAGE.replace("STALE\n", text, 1).replace("STALE\n", "2026 TABLE\n", 1)
    assert doc.read_text(encoding="utf-8") == expected
    assert {p.name: p.read_text(encoding="utf-8") for p in figures.iterdir()} == svgs
