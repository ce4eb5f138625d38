"""Two compared scenarios that share a name but not their text (an edited copy keeps the
bundled name) are told apart by `CompareResult.labels`, in its chart's title and in the run
store; `set_number(..., name=...)` renames the copy."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from tests.experiments._world import world_data

import chipcredit as cc
from chipcredit.report.experiment_charts import paired_difference_chart

RATE = "parties.nvidia.discount_rate"


@pytest.fixture(scope="module")
def world() -> cc.Scenario:
    return cc.load_scenario(world_data())


def _compare(a: cc.Scenario, b: cc.Scenario | None = None, **kw: object) -> cc.CompareResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.compare(a, b, paths=10, seed=1, **kw)  # type: ignore[arg-type]


def test_an_edited_copy_is_labelled_by_its_sha(world: cc.Scenario) -> None:
    edited = cc.set_number(world, RATE, 0.2)
    assert edited.name == world.name == "linear-world"
    res = _compare(world, edited)
    sha_a, sha_b = res.base.scenario_sha256[:8], res.other.scenario_sha256[:8]
    assert sha_a != sha_b
    assert res.labels == (f"linear-world [{sha_a}]", f"linear-world [{sha_b}]")
    assert repr(res).startswith(f"<CompareResult, linear-world [{sha_b}] minus "
                                f"linear-world [{sha_a}]: ")
    title = paired_difference_chart(res, "npv").layout.title.text
    assert f"linear-world [{sha_b}]" in title and f"linear-world [{sha_a}]" in title


def test_a_renamed_copy_goes_by_its_name(world: cc.Scenario) -> None:
    renamed = cc.set_number(world, RATE, 0.2, name="world-rate20")
    assert renamed.name == "world-rate20"
    assert cc.parameter_paths(renamed)[RATE].value == 0.2
    assert _compare(world, renamed).labels == ("linear-world", "world-rate20")
    assert _compare(world, world.model_copy(update={"name": "w2"})).labels == (
        "linear-world", "w2")


def test_one_scenario_twice_and_a_copy_without_a_deal(world: cc.Scenario) -> None:
    assert _compare(world, world).labels == ("linear-world (A)", "linear-world (B)")
    assert _compare(world, without="loan").labels == ("linear-world",
                                                      "linear-world without loan")


def test_set_number_refuses_a_name_that_is_not_text(world: cc.Scenario) -> None:
    with pytest.raises(cc.UsageError) as caught:
        cc.set_number(world, RATE, 0.2, name=3)  # type: ignore[arg-type]
    assert str(caught.value) == "set_number: name must be a string; got 3 (int)"


def test_the_store_keeps_the_labels(tmp_path: Path, world: cc.Scenario) -> None:
    pytest.importorskip("duckdb")
    from chipcredit.store import RunStore

    res = _compare(world, cc.set_number(world, RATE, 0.2))
    store = RunStore(tmp_path / "runs.duckdb")
    extra = store.get_run(store.save(res))["run"]["extra"]
    assert (extra["a"], extra["b"]) == res.labels
