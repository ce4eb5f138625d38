"""The deterministic base case says where it falls among a Monte Carlo run's paths (it is not
the median outcome: on seed-2025 no lab defaults in it, while xAI does on about two thirds of
the paths), in the caveat of ``chipcredit run --deterministic``, ``runs show`` of such a run
and the report's summary; and docs/model.md's calibration tables, which set the Monte Carlo
medians beside the base case, are what docs/tools/base_case.py prints."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.report.base_case_standing import (
    REFERENCE_PATHS,
    REFERENCE_SEED,
    base_defaults,
    standing_text,
)
from chipcredit.report.i18n import catalogue
from chipcredit.report.summary import summary_text
from chipcredit.report.theme import display_name

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base() -> cc.Result:
    return cc.simulate("seed-2025", deterministic=True)


@pytest.fixture(scope="module")
def shares() -> dict[str, float]:
    """Each lab's (and CoreWeave's) share of the reference paths on which it defaults, by
    hand from the per-path default quarters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        mc = cc.simulate("seed-2025", paths=REFERENCE_PATHS, seed=REFERENCE_SEED)
    return {p: float(np.mean(mc.outcome(None, p, "default_quarter") >= 0))
            for p in ("openai", "xai", "coreweave")}


def _expected(shares: dict[str, float]) -> str:
    cat = catalogue("en")
    items = "; ".join(f"{p} does not default in the base case, and does on "
                      f"{cat.path_share(shares[p])} of the paths" for p in ("openai", "xai", "coreweave"))
    return ("Where the base case falls among the paths of a Monte Carlo run (1,000 paths, seed 0): "
            f"{items}.")


def test_the_base_case_says_where_it_falls(base: cc.Result, shares: dict[str, float]) -> None:
    assert base_defaults(base) == {"openai": 0.0, "xai": 0.0, "coreweave": 0.0}
    assert 0.5 < shares["xai"] < 0.9  # the headline: no default in the base case, most paths
    said = standing_text(base.scenario, base_defaults(base), catalogue("en"))
    assert said == _expected(shares)
    # the report names the parties as it does everywhere (OpenAI, xAI, CoreWeave)
    named = standing_text(base.scenario, base_defaults(base), catalogue("en"),
                          name=lambda p: display_name(base, p, catalogue("en")))
    assert named is not None and "xAI does not default in the base case" in named
    assert summary_text(base).endswith("compare with a Monte Carlo run. " + named)
    # a Monte Carlo run's summary says nothing of the kind
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        mc = cc.simulate("seed-2025", paths=50, seed=1)
    assert "Where the base case falls" not in summary_text(mc)


def test_a_base_case_that_defaults_says_so() -> None:
    sc = cc.load_scenario("seed-2025")
    cat = catalogue("en")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        mc = cc.simulate(sc, paths=20, seed=0)
    said = standing_text(sc, {"xai": 1.0}, cat, reference=mc)
    assert said is not None
    assert (f"xai defaults in the base case, and on {cat.path_share(mc.default_probability('xai'))} "
            "of the paths") in said
    assert "(20 paths, seed 0)" in said


def test_the_cli_caveat_and_runs_show_say_it(shares: dict[str, float], tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    pytest.importorskip("duckdb")
    done = CliRunner().invoke(cli.app, ["run", "seed-2025", "--deterministic", "--store",
                                        str(store)])
    assert done.exit_code == 0, done.output
    flat = " ".join(done.output.split())
    assert "compare with a Monte Carlo run (without --deterministic). " + _expected(shares) in flat
    shown = CliRunner().invoke(cli.app, ["runs", "show", "1", "--store", str(store)])
    assert shown.exit_code == 0, shown.output
    assert _expected(shares) in " ".join(shown.output.split())


def test_the_calibration_tables_are_the_tools(base: cc.Result) -> None:
    spec = importlib.util.spec_from_file_location("base_case", ROOT / "docs" / "tools" / "base_case.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    block = doc.split("<!-- base-case -->\n", 1)[1].split("<!-- /base-case -->", 1)[0]
    assert block == tool.tables()
    # the prose beside them quotes the headline rows
    for said in ("+1.70 in the base case and -1.80 at the Monte Carlo median",
                 "xAI does on 69% of the paths"):
        assert said in " ".join(doc.split())
