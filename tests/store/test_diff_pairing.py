"""``runs diff`` pairs the primary variants of runs stored by different commands, never counts
a row one run lacks as a difference; the store keeps no default rows for a party that cannot
default."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli

pytest.importorskip("duckdb")

from chipcredit.store import RunStore

runner = CliRunner()
PACK = cc.StressPack.model_validate(
    {"name": "freeze", "shocks": [{"kind": "funding_freeze", "start": "2026Q1", "factor": 0.1}]})


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run 1: a plain run; run 2: a stress run of the same scenario and mode (its base is
    run 1, bit for bit); run 3: a compare whose a is run 1 too (base cases: fast)."""
    path = tmp_path_factory.mktemp("pairing") / "runs.duckdb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        plain = cc.simulate("seed-2025", deterministic=True)
        res = cc.stress("seed-2025", PACK, deterministic=True)
    runs = RunStore(path)
    assert runs.save(plain) == 1
    assert runs.save({"base": res.base, "stressed": res.stressed}, kind="stress") == 2
    assert runs.save({"a": plain, "b": res.stressed}, kind="compare") == 3
    return path


def _diff(path: Path, *args: str) -> list[str]:
    result = runner.invoke(cli.app, ["runs", "diff", *args, "--store", str(path)])
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip().splitlines()


def test_a_plain_run_and_the_base_of_an_identical_stress_run_do_not_differ(stored: Path
                                                                             ) -> None:
    frame = RunStore(stored, read_only=True).diff(1, 2)
    both = frame[frame["only"].isna()]
    assert set(both["variant_a"]) == {"main"} and set(both["variant_b"]) == {"base"}
    assert (both["mean_diff"].fillna(0.0) == 0.0).all()
    # every stressed row is one-sided: in run 2 only, as many as the base has
    alone = frame[frame["only"] == "b"]
    assert set(alone["variant_b"]) == {"stressed"} and len(alone) == len(both)
    assert alone["mean_a"].isna().all()
    lines = _diff(stored, "1", "2")
    assert "variant main of run 1 is compared with variant base of run 2" in lines
    assert f"0 of {len(both)} metrics differ; --all shows them all" in lines
    assert lines[-1] == (f"{len(alone)} metrics only in run 2 (variant stressed), not "
                         "compared (--variant A=B pairs variants)")


def test_variant_option_pairs_as_asked(stored: Path) -> None:
    frame = RunStore(stored, read_only=True).diff(1, 2, variants={"main": "stressed"})
    both = frame[frame["only"].isna()]
    assert set(both["variant_b"]) == {"stressed"}
    assert (both["mean_diff"].fillna(0.0) != 0.0).any()  # the freeze bites
    lines = _diff(stored, "2", "3", "--variant", "base=a")
    assert "variant base of run 2 is compared with variant a of run 3" in lines
    assert any(line.startswith("0 of ") for line in lines)
    result = runner.invoke(cli.app, ["runs", "diff", "1", "2", "--variant", "main=x",
                                     "--store", str(stored)])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: run 2 has no variant 'x'; it has base, stressed"
    result = runner.invoke(cli.app, ["runs", "diff", "1", "2", "--variant", "main",
                                     "--store", str(stored)])
    assert result.exit_code == 2 and "--variant takes A=B" in result.stderr


def test_compare_a_pairs_with_a_plain_run(stored: Path) -> None:
    frame = RunStore(stored, read_only=True).diff(3, 1)
    both = frame[frame["only"].isna()]
    assert set(both["variant_a"]) == {"a"} and set(both["variant_b"]) == {"main"}
    assert (both["mean_diff"].fillna(0.0) == 0.0).all()
    assert set(frame.loc[frame["only"] == "a", "variant_a"]) == {"b"}


def test_no_default_rows_for_a_party_that_cannot_default(stored: Path) -> None:
    scenario = cc.load_scenario("seed-2025")
    cannot = {p.id for p in scenario.parties if not p.can_default}
    can = {p.id for p in scenario.parties if p.can_default}
    assert "hyperscale-clouds" in cannot and {"openai", "coreweave"} <= can  # not vacuous
    runs = RunStore(stored, read_only=True)
    rows = runs.sql("SELECT DISTINCT party FROM metrics WHERE run = 1 AND deal IS NULL "
                    "AND metric = 'default_probability'")
    assert set(rows["party"]) == can
    assert set(runs.sql("SELECT DISTINCT party FROM defaults WHERE run = 1")["party"]) == can
    seq = runs.sql("SELECT seq FROM metrics WHERE run = 1 AND variant = 'main' ORDER BY seq")
    assert list(seq["seq"]) == list(range(len(seq)))  # still numbered without gaps


def test_an_explicit_pair_replaces_the_pairing_by_name(stored: Path) -> None:
    """--variant base=stressed compares run 2's base with run 2's stressed and nothing else:
    run 2's own base, paired with nothing now, is one-sided, not compared by name too."""
    frame = RunStore(stored, read_only=True).diff(2, 2, variants={"base": "stressed"})
    both = frame[frame["only"].isna()]
    assert set(zip(both["variant_a"], both["variant_b"], strict=True)) == {("base", "stressed")}
    assert (frame[frame["only"] == "a"]["variant_a"] == "stressed").all()
    assert set(frame[frame["only"] == "b"]["variant_b"]) == {"base"}
    # the freeze moves something, so this is the stressed run against the base, not base/base
    assert (both["mean_diff"].fillna(0.0) != 0.0).any()


def test_a_variant_paired_twice_is_refused_in_one_line(stored: Path) -> None:
    with pytest.raises(cc.UsageError, match=r"pairs run 2's variant 'stressed' more than once"):
        RunStore(stored, read_only=True).diff(2, 2, variants={"base": "stressed",
                                                              "stressed": "stressed"})


def test_the_cli_refuses_a_first_run_variant_paired_twice(stored: Path) -> None:
    result = runner.invoke(cli.app, ["runs", "diff", "2", "2", "--variant", "base=stressed",
                                     "--variant", "base=base", "--store", str(stored)])
    assert result.exit_code == 2
    assert "--variant pairs the first run's variant 'base' more than once" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
