"""The calibration table in docs/model.md is the one docs/tools/calibration.py generates
from the bundled scenarios now (regenerate with ``make calibration``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("calibration_tool",
                                                  ROOT / "docs" / "tools" / "calibration.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_calibration_table_matches_the_scenarios() -> None:
    tool = _tool()
    committed = tool.section((ROOT / "docs" / "model.md").read_text(encoding="utf-8"))
    fresh = tool.table()
    assert committed == fresh, "docs/model.md's calibration table is stale: run `make calibration`"


def test_table_lists_every_number_with_its_basis() -> None:
    tool = _tool()
    import chipcredit as cc

    for name in ("seed-2025", "telecom-2000"):
        frame = tool.inputs(cc.load_scenario(name))
        paths = len(cc.parameter_paths(cc.load_scenario(name)))
        assert 0 < len(frame) <= paths
        assert set(frame["basis"]) <= {"fact", "assumed", "unsourced"}
    text = tool.table()
    assert "| lucent  | credit commitments ($B)" in text
    assert "| openai  | revenue run-rate ($B/yr)" in text
