"""docs/store.md's "From Python" example runs as written, in a fresh folder: it creates
every run it reads, diffs and exports (it once diffed a run 2 and a variant it never made)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
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
    paired = scope["paired"]
    assert isinstance(paired, pd.DataFrame)
    both = paired[paired["only"].isna()]  # metrics of both sides, compared
    assert len(both) and set(both["variant_a"]) == {"main"}
    assert set(both["variant_b"]) == {"stressed"}
    # the stress bites (rate-shock, a no-op on seed-2025, once stored two equal variants),
    # and the comment under the diff says what it returns
    differ = int((both["mean_diff"].fillna(0) != 0).sum())
    unpaired = paired[paired["only"] == "b"]
    assert set(unpaired["variant_b"]) == {"base"} and unpaired["mean_a"].isna().all()
    said = re.search(r"# (\d+) rows: (\d+) metrics of main against stressed \((\d+) of them "
                     r"differ\), and (\d+) of the\n# stress run's base variant",
                     blocks[0])
    assert said is not None
    assert tuple(int(n) for n in said.groups()) == (len(paired), len(both), differ,
                                                    len(unpaired))
    assert differ > 0 and len(paired) == len(both) + len(unpaired)
    per_path = scope["per_path"]
    assert "deal|xai-debt|xai-bondholders|npv" in per_path  # type: ignore[operator]
    assert (tmp_path / "run.xlsx").is_file()
