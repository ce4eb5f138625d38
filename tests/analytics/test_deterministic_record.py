"""A deterministic run draws nothing, so `simulate` records it as ``chipcredit run
--deterministic`` does (1 path, seed 0), whatever paths and seed it was given: the two JSON
summaries are equal (the API once recorded the seed it was given)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli


def test_the_api_records_the_base_case_as_the_cli_does(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate("seed-2025", paths=50, seed=9, deterministic=True)
    assert (res.paths, res.seed) == (1, 0)
    out = tmp_path / "base.json"
    ran = CliRunner().invoke(cli.app, ["run", "seed-2025", "--deterministic", "--paths", "50",
                                       "--seed", "9", "--json", str(out), "--no-store",
                                       "--quiet"])
    assert ran.exit_code == 0, ran.output
    assert json.loads(out.read_text(encoding="utf-8")) == res.to_dict()
