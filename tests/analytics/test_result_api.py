"""The Python API of a `Result` as a notebook uses it: read-only all the way down (also after
pickling), numpy integers taken as whole numbers, typed empty frames, one-line errors."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import chipcredit as cc
from chipcredit.analytics.result import Result
from chipcredit.engine.ledger import Checks

MAPPINGS = ("outcomes", "reservoir", "series_sums", "flow_sums", "flow_sumsq", "means",
            "self_funded_sums", "flow_reservoir")


def _run(**kwargs: object) -> Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # IRR share notes, not tested here
        return cc.simulate("seed-2025", **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def run() -> Result:
    return _run(paths=300, seed=7)


@pytest.fixture(scope="module")
def base() -> Result:
    return _run(deterministic=True)


def _arrays(r: Result) -> list[np.ndarray]:
    return [v for name in MAPPINGS for v in getattr(r, name).values() if isinstance(v, np.ndarray)]


def _shared_pairs(r: Result) -> list[tuple[str, str]]:
    """Pairs of outcome keys stored in one array (not constants)."""
    roots: dict[int, str] = {}
    pairs = []
    for key, values in r.outcomes.items():
        if values.strides == (0,):
            continue
        owner = values if values.base is None else values.base
        if id(owner) in roots:
            pairs.append((roots[id(owner)], key))
        else:
            roots[id(owner)] = key
    return pairs


# -- read-only ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", MAPPINGS)
def test_every_mapping_refuses_new_and_changed_keys(run: Result, name: str) -> None:
    mapping = getattr(run, name)
    key = next(iter(mapping))
    with pytest.raises(TypeError):
        mapping[key] = 999.0
    with pytest.raises(TypeError):
        mapping["zzz"] = np.zeros(run.paths)
    with pytest.raises(TypeError):
        del mapping[key]


def test_every_array_is_read_only(run: Result) -> None:
    arrays = _arrays(run)
    assert len(arrays) > 300  # outcomes, reservoir, sums: the run holds hundreds
    assert not any(a.flags.writeable for a in arrays)
    with pytest.raises(ValueError, match="read-only"):
        run.reservoir[("xai", "cash")][0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        run.flow_sums[next(iter(run.flow_sums))][0] = 1.0


def test_a_mean_cannot_be_changed_behind_the_statistics(run: Result) -> None:
    key = "deal|colossus2-spv|nvidia|npv"
    before = run.mean(key)
    with pytest.raises(TypeError):
        run.means[key] = 999.0  # type: ignore[index]
    summary = run.to_dict()["deals"]["colossus2-spv"]["parties"]["nvidia"]["npv"]
    assert run.mean(key) == before == summary["mean"]


def test_checks_are_frozen(run: Result) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.checks.sum_to_zero = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        del run.checks.claims
    assert isinstance(run.checks, Checks)  # still a Checks for code that asks
    assert run.checks.worst() == run.max_abs_imbalance
    assert isinstance(run.checks.by_quarter, tuple)


def test_the_result_itself_is_frozen(run: Result) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.paths = 5  # type: ignore[misc]


# -- pickling ----------------------------------------------------------------------------

def test_a_pickle_round_trip_keeps_values_flags_and_sharing(run: Result) -> None:
    blob = pickle.dumps(run)
    back = pickle.loads(blob)
    assert back.to_json() == run.to_json()
    assert list(back.outcomes) == list(run.outcomes)
    for key, values in run.outcomes.items():
        assert back.outcomes[key].dtype == values.dtype
        assert np.array_equal(back.outcomes[key], values, equal_nan=True), key
    assert not any(a.flags.writeable for a in _arrays(back))
    with pytest.raises(TypeError):
        back.outcomes["zzz"] = np.zeros(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.checks.sum_to_zero = 1.0
    # columns stored once come back stored once: constants as broadcast views, repeats as
    # one array (so the pickle is no bigger than the arrays the run holds)
    constants = [k for k, v in run.outcomes.items() if v.strides == (0,)]
    assert constants, "seed-2025 has outcomes that are the same on every path"
    assert all(back.outcomes[k].strides == (0,) for k in constants)
    pairs = _shared_pairs(run)
    assert pairs, "seed-2025 has outcomes that repeat another (npv and npv_realised)"
    for a, b in pairs:
        assert np.shares_memory(back.outcomes[a], back.outcomes[b]), (a, b)
    held = sum(v.nbytes for v in {id(v): v for v in run.outcomes.values() if v.strides != (0,)}.values())
    assert len(blob) < held + sum(a.nbytes for name in MAPPINGS[1:]
                                  for a in getattr(run, name).values() if isinstance(a, np.ndarray)) \
        + 200_000  # keys, the scenario's text and pickle's framing


def test_copies_and_replace_stay_read_only(run: Result) -> None:
    for other in (copy.copy(run), copy.deepcopy(run), dataclasses.replace(run, elapsed_seconds=0.0)):
        assert other.to_json() == run.to_json()
        assert not any(a.flags.writeable for a in _arrays(other))
        with pytest.raises(TypeError):
            other.means["x"] = 1.0  # type: ignore[index]


# -- whole numbers -----------------------------------------------------------------------

def test_numpy_integers_are_whole_numbers(run: Result) -> None:
    small = _run(paths=np.int64(10), seed=np.int64(7))
    assert small.paths == 10 and type(small.paths) is int
    assert small.seed == 7 and type(small.seed) is int
    assert small.to_json() == _run(paths=10, seed=7).to_json()
    worst = np.argmin(run.outcome("colossus2-spv", "nvidia", "npv"))
    assert isinstance(worst, np.integer)
    assert run.cashflows("colossus2-spv", path=worst).equals(
        run.cashflows("colossus2-spv", path=int(worst)))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"paths": True}, "paths must be a whole number; got True"),
    ({"paths": 10.0}, "paths must be a whole number; got 10.0"),
    ({"seed": np.bool_(True)}, "seed must be a whole number at least 0; got np.True_"),
    ({"seed": -1}, "seed must be a whole number at least 0; got -1"),
    ({"seed": 2**63}, f"seed must be below 2\\*\\*63 .*; got {2**63}$"),
    ({"seed": 2**70}, f"seed must be below 2\\*\\*63 .*; got {2**70}$"),
    ({"deterministic": "yes"}, "deterministic must be True or False; got 'yes'"),
    ({"force": 1}, "force must be True or False; got 1"),
    ({"chunk_blocks": 0}, "chunk_blocks must be a whole number at least 1; got 0"),
    ({"progress": 5}, "progress must be a callable .*; got int 5"),
])
def test_bad_simulate_arguments_are_one_line(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(cc.UsageError, match=message) as caught:
        cc.simulate("seed-2025", **{"paths": 10, **kwargs})  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_the_largest_seed_is_accepted() -> None:
    # one Monte Carlo path: a deterministic run records seed 0 whatever it was given
    assert _run(paths=1, seed=2**63 - 1).seed == 2**63 - 1
    assert _run(paths=1, seed=np.uint64(2**63 - 1)).seed == 2**63 - 1


def test_a_scenario_that_is_not_one_is_named() -> None:
    with pytest.raises(cc.UsageError, match=r"^scenario must be a Scenario, .*; got int 5$"):
        cc.simulate(5)  # type: ignore[arg-type]


def test_deterministic_has_one_path_whatever_paths_says(base: Result) -> None:
    assert base.paths == 1
    assert _run(deterministic=True, paths=5).to_json() == base.to_json()
    assert "always has exactly one path" in " ".join((cc.simulate.__doc__ or "").split())


@pytest.mark.parametrize(("path", "message"), [
    (300, "path must be a whole number between 0 and 299; got 300"),
    (np.int64(-1), "path must be a whole number between 0 and 299; got -1"),
    (True, "path must be a whole number between 0 and 299; got True (bool)"),
    (2.0, "path must be a whole number between 0 and 299; got 2.0 (float)"),
])
def test_a_bad_path_is_one_line(run: Result, path: object, message: str) -> None:
    with pytest.raises(cc.UsageError, match=f"^{re.escape(message)}$"):
        run.cashflows("colossus2-spv", path=path)  # type: ignore[arg-type]


# -- empty frames ------------------------------------------------------------------------

DTYPES = {"time": "int64", "quarter": "str", "timing": "str", "from": "str", "to": "str",
          "kind": "str", "amount": "float64", "counted": "bool", "unit": "str"}


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c): str(t) for c, t in frame.dtypes.items()}


def test_empty_cashflows_have_the_dtypes_of_full_ones(run: Result, base: Result) -> None:
    full = run.cashflows("colossus2-spv", path=0)
    assert len(full) > 0
    assert _dtypes(full) == DTYPES
    empty = base.cashflows("nvidia-openai-loi")
    assert len(empty) == 0  # the base case never closes the letter of intent
    assert _dtypes(empty) == DTYPES
    assert len(empty[empty.counted]) == 0  # a boolean mask, not an object column
    flows = (run.outcome("colossus2-spv", "nvidia", "cash_in")
             + run.outcome("colossus2-spv", "nvidia", "cash_out"))
    not_closed = np.flatnonzero(flows == 0)[0]  # a path on which the SPV never closed
    assert len(run.cashflows("colossus2-spv", path=not_closed)) == 0
    assert _dtypes(run.cashflows("colossus2-spv", path=not_closed)) == DTYPES


# -- one-line errors ---------------------------------------------------------------------

def test_an_unknown_outcome_key_gets_a_did_you_mean(run: Result) -> None:
    for method in (run.mean, run.describe):
        with pytest.raises(cc.UsageError, match=r"got 'deal\|colossus2-spv\|nvida\|npv' \(did you "
                                                r"mean deal\|colossus2-spv\|nvidia\|npv\?\)$"):
            method("deal|colossus2-spv|nvida|npv")
        with pytest.raises(cc.UsageError, match=r"key must be an outcome of this run.*; got 5$"):
            method(5)  # type: ignore[arg-type]


def test_default_timing_of_a_party_that_cannot_default_says_so(run: Result) -> None:
    can = [p.id for p in run.scenario.parties if p.can_default]
    with pytest.raises(cc.UsageError, match="default_timing is for parties that can default") as caught:
        run.default_timing("nvidia")
    assert "'nvidia', a vendor, which cannot default" in str(caught.value)
    listed = str(caught.value).rsplit("such parties here: ", 1)[1].rstrip(")").split(", ")
    assert set(can) <= set(listed) and "nvidia" not in listed
    for party in listed:  # each one named as an alternative works
        assert len(run.default_timing(party)) == run.scenario.horizon_quarters
    with pytest.raises(cc.UsageError, match=r"did you mean nvidia\?"):
        run.default_timing("nvdia")
    assert run.default_timing(can[0])["cumulative"].iloc[-1] == pytest.approx(
        run.default_probability(can[0]), abs=1e-12)


def test_default_probability_refuses_a_party_that_cannot_default_as_default_timing_does(
        run: Result) -> None:
    """It returned 0.0 for a vendor, which reads "safe" where nothing can be measured."""
    for method in ("default_probability", "default_timing"):
        with pytest.raises(cc.UsageError) as caught:
            getattr(run, method)("nvidia")
        assert str(caught.value) == (
            f"{method} is for parties that can default (a lab, or a cloud on its own balance "
            "sheet: the scenario party's can_default); got 'nvidia', a vendor, which cannot "
            "default (such parties here: openai, xai, coreweave)")
        with pytest.raises(cc.UsageError, match=r"did you mean nvidia\?"):
            getattr(run, method)("nvdia")
    assert 0.0 < run.default_probability("xai") < 1.0
    # the JSON summary keeps its contract: 0.0 for every party that cannot default
    parties = run.to_dict()["parties"]
    assert [parties[p.id]["default_probability"] for p in run.scenario.parties
            if not p.can_default] == [0.0] * 11


def test_second_sourcing_of_a_party_that_is_not_a_lab_says_so(run: Result) -> None:
    with pytest.raises(cc.UsageError, match=r"^second_sourcing is for labs .*; got 'coreweave', a "
                                            r"cloud \(such parties here: openai, xai\)$"):
        run.second_sourcing("coreweave")


@pytest.mark.parametrize(("call", "message"), [
    (lambda: cc.npv(np.array([[-1.0, 1.1]]), -1.0), "annual_rate must be > -1; got -1.0"),
    (lambda: cc.npv(np.array([[-1.0, 1.1]]), np.array([-2.5])), "annual_rate must be > -1; got -2.5"),
    (lambda: cc.annuity_payment(100, 0.02, 0), "n_periods must be >= 1; got 0"),
    (lambda: cc.annuity_payment(100, 0.02, [4, 0.5]), "n_periods must be >= 1; got 0.5"),
    (lambda: cc.annuity_payment(100, -1.0, 4), "quarterly_rate must be > -1; got -1.0"),
])
def test_valuation_errors_name_the_bad_value(call: object, message: str) -> None:
    with pytest.raises(cc.UsageError, match=f"^{message}$"):
        call()  # type: ignore[operator]


# -- documented behaviour ----------------------------------------------------------------

def test_summary_party_rows_have_a_missing_deal(run: Result) -> None:
    table = run.summary()
    party_rows = table[table.metric.isin(["default_probability", "second_source_probability"])]
    assert len(party_rows) > 0 and party_rows.deal.isna().all()
    assert table[table.deal.notna()].deal.isin([d.id for d in run.scenario.deals]).all()


def test_irr_reasons_count_every_path_without_an_irr(run: Result) -> None:
    for (deal, party), counts in run.irr_reasons().items():
        missing = int(np.isnan(run.outcome(deal, party, "irr")).sum())
        assert sum(counts.values()) == missing, (deal, party, counts)


def test_outcome_is_float32_in_a_run_and_float64_in_the_base_case(run: Result, base: Result) -> None:
    assert run.outcome("colossus2-spv", "nvidia", "npv").dtype == np.float32
    assert base.outcome("colossus2-spv", "nvidia", "npv").dtype == np.float64
    assert "float32" in (Result.outcome.__doc__ or "")


PUBLIC = [name for name, member in inspect.getmembers(Result)
          if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_methods_document_what_they_return(name: str) -> None:
    member = getattr(Result, name)
    doc = inspect.getdoc(member.fget if isinstance(member, property) else member) or ""
    assert doc, name
    if inspect.isfunction(member):
        takes = [p for p in inspect.signature(member).parameters if p != "self"]
        assert "Returns\n-------" in doc, name
        assert not takes or "Parameters\n----------" in doc, name
