"""docs/store.md's "From Python" example runs as written, in a fresh folder: it creates
every run it reads, diffs and exports (it once diffed a run 2 and a variant it never made)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import chipcredit as cc

pytest.importorskip("duckdb")
pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[2]


def _python_blocks(page: str, section: str) -> list[str]:
    text = (ROOT / page).read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end if end > 0 else None], re.DOTALL)


def test_the_store_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    blocks = _python_blocks("docs/store.md", "From Python")
    assert len(blocks) == 1
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # paths with no IRR
        exec(compile(blocks[0], "docs/store.md", "exec"), scope)
    store = scope["store"]
    paired = store.diff(scope["first"], scope["stress_id"],  # type: ignore[attr-defined]
                        variants={"main": "stressed"})
    both = paired[paired["only"].isna()]  # metrics of both sides, compared
    assert len(both) and set(both["variant_a"]) == {"main"}
    assert set(both["variant_b"]) == {"stressed"}
    per_path = scope["per_path"]
    assert "deal|xai-debt|xai-bondholders|npv" in per_path  # type: ignore[operator]
    assert (tmp_path / "run.xlsx").is_file()
