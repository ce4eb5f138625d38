"""A stress pack is checked against the scenario before it runs (one line naming the pack, its
own shock index and the scenario's horizon); a shock with nothing to act on is said once; the
warnings of a stress test or a compare say which run they came from."""

from __future__ import annotations

import copy
import warnings

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.shocks import StressPack

runner = CliRunner()


def _pack(name: str, *shocks: dict[str, object]) -> StressPack:
    return StressPack.model_validate({"name": name, "shocks": list(shocks)})


def test_a_pack_outside_the_horizon_is_one_line_naming_pack_shock_and_horizon() -> None:
    with pytest.raises(cc.UsageError) as err:
        cc.stress("telecom-2000", "rate-shock", paths=10)
    assert str(err.value) == ("pack rate-shock: shocks[0].start 2026Q4 is outside "
                              "telecom-2000's horizon (2000Q4–2003Q3)")
    # the pack's own index, not the stressed scenario's (a shock it has already comes first)
    with pytest.raises(cc.UsageError) as err:
        cc.stress("telecom-2000", "gpu-glut", paths=10)
    assert str(err.value) == (
        "pack gpu-glut: shocks[0].start 2026Q4 and shocks[1].start 2026Q4 are outside "
        "telecom-2000's horizon (2000Q4–2003Q3); shocks[1].vendor amd is not a vendor of "
        "telecom-2000 (its vendors: lucent)")


def test_a_price_war_on_a_vendor_the_scenario_lacks_suggests_one() -> None:
    pack = _pack("p", {"kind": "price_war", "vendor": "nvdia", "start": "2026Q1", "size": 0.1})
    assert cc.pack_problems("seed-2025", pack) == [
        "shocks[0].vendor nvdia is not a vendor of seed-2025 (its vendors: nvidia, amd); "
        "did you mean nvidia?"]
    assert cc.pack_needs("gpu-glut") == "a horizon covering 2026Q4 and a vendor amd"
    assert cc.pack_needs(_pack("q", {"kind": "ai_winter", "start": "2027Q1"},
                               {"kind": "ai_winter", "start": "2026Q2"})
                         ) == "a horizon covering 2026Q2 and 2027Q1"


def test_cli_stress_refuses_an_unfitting_pack_in_one_line() -> None:
    result = runner.invoke(cli.app, ["stress", "telecom-2000", "--pack", "telecom-2001",
                                     "-n", "10", "--no-store"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: pack telecom-2001: shocks[0].start 2026Q4, shocks[1].start 2026Q4 and "
        "shocks[2].start 2026Q4 are outside telecom-2000's horizon (2000Q4–2003Q3)\n")


def test_list_says_which_bundled_scenarios_each_pack_fits() -> None:
    result = runner.invoke(cli.app, ["stress", "--list"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    rows = {line.split("│")[1].strip(): line.split("│")[3].strip()
            for line in result.stdout.splitlines() if line.count("│") == 4}
    fits = {name: [s for s in cc.bundled_names() if not cc.pack_problems(s, name)]
            for name, _ in cc.bundled_packs()}
    assert fits["gpu-glut"] == ["seed-2025", "seed-2025-sell-only"]  # not telecom-2000
    # rate-shock fits, but no bundled scenario has a floating-rate loan for it to move
    assert rows["rate-shock"] == "seed-2025 (a no-op), seed-2025-sell-only (a no-op)"
    for name, scenarios in fits.items():
        if name != "rate-shock":
            assert not any(cc.pack_idle(s, name) for s in scenarios)
            assert rows[name] == ", ".join(scenarios), name
    lone = _pack("lone", {"kind": "ai_winter", "start": "1990Q1"})
    assert not [s for s in cc.bundled_names() if not cc.pack_problems(s, lone)]
    assert cc.pack_needs(lone) == "a horizon covering 1990Q1"
    assert cc.pack_idle("seed-2025", lone) == []
    assert cc.pack_idle("seed-2025", "rate-shock") == [
        "shocks[0] (rate_shock) has nothing to act on in seed-2025: it moves the rate of "
        "floating-rate loans, and every loan there is fixed-rate"]


def test_a_rate_shock_without_floating_loans_is_one_warning_and_one_note() -> None:
    with pytest.warns(cc.ChipcreditWarning) as caught:
        res = cc.stress("seed-2025", "rate-shock", deterministic=True)
    line = ("pack rate-shock: shocks[0] (rate_shock) has nothing to act on in seed-2025: it "
            "moves the rate of floating-rate loans, and every loan there is fixed-rate")
    assert res.notes == (line,)
    assert [str(w.message) for w in caught].count(line) == 1
    # the note is a ChipcreditNote (which the CLI filters out by category); the runs' own
    # warnings (no IRR on some paths, ...) are not
    assert {str(w.message): w.category for w in caught}[line] is cc.ChipcreditNote
    assert issubclass(cc.ChipcreditNote, cc.ChipcreditWarning)
    assert all(w.category is not cc.ChipcreditNote for w in caught if str(w.message) != line)
    assert (res.differences["difference"].fillna(0.0) == 0.0).all()  # it did nothing
    result = runner.invoke(cli.app, ["stress", "seed-2025", "--pack", "rate-shock", "-n", "20",
                                     "--no-store", "-q"])
    assert result.exit_code == 0, result.stderr
    notes = [x for x in result.stderr.splitlines() if x.startswith("note: ")]
    assert notes == [f"note: {line}"]
    assert line not in result.stderr.replace(f"note: {line}", "")  # not a warning as well


def test_a_price_war_on_a_vendor_that_sells_nothing_is_said() -> None:
    sc = cc.load_scenario("seed-2025")
    war = {"kind": "price_war", "start": "2026Q1", "size": 0.3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        bites = cc.stress(sc, _pack("war", {**war, "vendor": "amd"}), deterministic=True)
    assert bites.notes == ()  # amd sells in seed-2025: the war bites, nothing is said
    # a copy of amd that can supply nothing (a cap of 0 units a quarter) sells nothing
    data = sc.model_dump(mode="python", by_alias=True, exclude_none=True)
    ghost = copy.deepcopy(next(p for p in data["parties"] if p["id"] == "amd"))
    ghost["id"] = "ghost"
    ghost.pop("financials", None)
    ghost["choice"]["supply_cap_per_quarter"] = 0
    data["parties"] = [*data["parties"], ghost]
    pack = _pack("war", {"kind": "gpu_glut", "start": "2026Q1", "size": 0.5},
                 {**war, "vendor": "ghost"})
    with pytest.warns(cc.ChipcreditWarning) as caught:
        res = cc.stress(cc.load_scenario(data), pack, deterministic=True)
    line = ("pack war: shocks[1] (price_war on ghost) has nothing to act on in seed-2025: "
            "ghost sells nothing on any path, with or without it")
    assert res.notes == (line,)  # the glut bites: only the price war is said
    assert [str(w.message) for w in caught].count(line) == 1


def test_a_pack_that_changes_nothing_is_said_once() -> None:
    idle = _pack("idle", {"kind": "funding_freeze", "start": "2026Q1", "factor": 1.0})
    with pytest.warns(cc.ChipcreditWarning) as caught:
        res = cc.stress("seed-2025", idle, deterministic=True)
    line = ("pack idle changed nothing in seed-2025: every outcome is the same on every path "
            "as without it")
    assert res.notes == (line,)
    assert [str(w.message) for w in caught].count(line) == 1


def test_warnings_of_a_two_run_command_name_their_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # each run's warnings are the engine's; here each run also says one thing of its own, and
    # both one thing the same, so the prefixes are known exactly
    from chipcredit.experiments import paired

    real = paired.simulate

    def simulate(scenario: cc.Scenario, **options: object) -> cc.Result:
        res = real(scenario, **options)  # type: ignore[arg-type]
        warnings.warn("said by both", cc.ChipcreditWarning, stacklevel=2)
        warnings.warn(f"said by {scenario.name} only", cc.ChipcreditWarning, stacklevel=2)
        return res

    monkeypatch.setattr(paired, "simulate", simulate)
    pack = _pack("glut", {"kind": "gpu_glut", "start": "2026Q1", "size": 0.5})
    with pytest.warns(cc.ChipcreditWarning) as caught:
        cc.stress("seed-2025", pack, deterministic=True)
    assert [str(w.message) for w in caught] == [
        "base and stressed: said by both", "base: said by seed-2025 only",
        "stressed: said by seed-2025+glut only"]
    with pytest.warns(cc.ChipcreditWarning) as caught:
        cc.compare("seed-2025", "seed-2025-sell-only", deterministic=True)
    assert [str(w.message) for w in caught] == [
        "a and b: said by both", "a: said by seed-2025 only", "b: said by seed-2025-sell-only only"]
    result = runner.invoke(cli.app, ["stress", "seed-2025", "--pack", "gpu-glut", "-n", "20",
                                     "--no-store", "-q"])
    assert result.exit_code == 0, result.stderr
    assert "warning: stressed: said by seed-2025+gpu-glut only" in result.stderr.splitlines()
