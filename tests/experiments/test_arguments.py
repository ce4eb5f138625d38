"""Bad arguments to the experiments give one `UsageError` line naming the function, the
argument, the rule and the bad value; NumPy integers count as whole numbers, bool does not.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import chipcredit as cc
from chipcredit.experiments.arguments import SIMULATE_OPTIONS, parameter_list, whole_number

from ._world import LAB_CASH_END, world


@pytest.fixture(scope="module")
def sc() -> cc.Scenario:
    return world()


def _one_line(err: pytest.ExceptionInfo[cc.UsageError]) -> str:
    text = str(err.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize("function", ["stress", "compare"])
def test_a_misspelt_option_names_the_function_and_suggests_the_option(
        sc: cc.Scenario, function: str) -> None:
    # before: TypeError "simulate() got an unexpected keyword argument 'chunk_block'"
    call = (lambda **kw: cc.stress(sc, "rate-shock", paths=8, **kw)) if function == "stress" \
        else (lambda **kw: cc.compare(sc, sc, paths=8, **kw))
    with pytest.raises(cc.UsageError) as err:
        call(chunk_block=1)
    text = _one_line(err)
    assert text.startswith(f"{function}: unknown option chunk_block=1; the options are ")
    assert text.endswith("(did you mean chunk_blocks?)")
    assert all(option in text for option in SIMULATE_OPTIONS)
    with pytest.raises(cc.UsageError, match=rf"^{function}: unknown option foo=1; .*workers$"):
        call(foo=1)


@pytest.mark.parametrize(("option", "value", "rule"), [
    ("chunk_blocks", 0, "chunk_blocks must be a whole number at least 1; got 0"),
    ("chunk_blocks", 1.0, "chunk_blocks must be a whole number at least 1; got 1.0 (float)"),
    ("workers", True, "workers must be a whole number at least 1; got True (bool)"),
    ("deterministic", "yes", "deterministic must be True or False; got 'yes'"),
    ("progress", 3, "progress must be a function of the paths done, or None; got 3"),
])
def test_a_bad_option_value_is_refused_with_its_rule(
        sc: cc.Scenario, option: str, value: Any, rule: str) -> None:
    with pytest.raises(cc.UsageError) as err:
        cc.compare(sc, sc, paths=8, **{option: value})
    assert _one_line(err) == f"compare: {rule}"


@pytest.mark.parametrize(("name", "value", "got"), [
    ("paths", 0, "got 0"), ("paths", True, "got True (bool)"), ("paths", 8.0, "got 8.0 (float)"),
    ("seed", -1, "got -1"), ("seed", np.bool_(True), "got np.True_ (bool)"),
])
def test_stress_and_compare_check_paths_and_seed_themselves(
        sc: cc.Scenario, name: str, value: Any, got: str) -> None:
    minimum = 1 if name == "paths" else 0
    for function, call in (("stress", cc.stress), ("compare", cc.compare)):
        kw: dict[str, Any] = {"paths": 8, "seed": 0, name: value}
        second = "rate-shock" if function == "stress" else sc
        with pytest.raises(cc.UsageError) as err:
            call(sc, second, **kw)
        text = _one_line(err)
        assert text.startswith(f"{function}: {name} must be a whole number at least {minimum}; ")
        assert got.split(" ")[1] in text


def test_numpy_integers_give_the_same_compare_to_the_bit(sc: cc.Scenario) -> None:
    other = world(rate=0.2)
    plain = cc.compare(sc, other, paths=40, seed=3, chunk_blocks=1)
    numpy = cc.compare(sc, other, paths=np.int64(40), seed=np.int32(3),
                       chunk_blocks=np.int64(1))
    assert type(numpy.base.paths) is int and type(numpy.base.seed) is int
    pd.testing.assert_frame_equal(plain.differences, numpy.differences, check_exact=True)
    # the loan's interest doubles: the lender's cash in rises by 2 x 10 x 0.1 = 2 on every path
    row = numpy.differences.query("deal == 'loan' and party == 'apollo' and metric == 'cash_in'")
    assert row["difference"].iloc[0] == pytest.approx(2.0, abs=1e-9)


def test_numpy_integers_give_the_same_stress(sc: cc.Scenario) -> None:
    # every loan of this world is fixed-rate, so the rate shock has nothing to act on: one note
    with pytest.warns(cc.ChipcreditNote, match="has nothing to act on in linear-world"):
        plain = cc.stress(sc, "rate-shock", paths=20, seed=2)
    with pytest.warns(cc.ChipcreditNote, match="has nothing to act on in linear-world"):
        numpy = cc.stress(sc, "rate-shock", paths=np.uint16(20), seed=np.int64(2))
    assert plain.notes == numpy.notes and len(plain.notes) == 1
    assert type(numpy.base.paths) is int
    pd.testing.assert_frame_equal(plain.differences, numpy.differences, check_exact=True)


def test_compare_party_refuses_an_unknown_party_with_a_suggestion(sc: cc.Scenario) -> None:
    res = cc.compare(sc, world(rate=0.2), paths=8, seed=1)
    own = res.party("xai")
    assert len(own) > 0 and own["deal"].isna().all() and (own["party"] == "xai").all()
    assert set(own["metric"]) >= {"cash_end", "default_probability"}
    # a known party with no outcomes of its own: empty, not an error
    assert res.party("apollo").columns.tolist() == res.differences.columns.tolist()
    with pytest.raises(cc.UsageError) as err:
        res.party("xia")  # before: an empty DataFrame
    assert _one_line(err) == ("CompareResult.party: no party 'xia' in either scenario; the "
                              "parties are apollo, nvidia, xai (did you mean xai?)")
    with pytest.raises(cc.UsageError, match="no party 5 in either scenario"):
        res.party(5)  # type: ignore[arg-type]


def test_one_parameter_path_as_a_string_is_one_path(sc: cc.Scenario) -> None:
    # before: the string was iterated, giving "no number at parameter path 'p'"
    one = cc.sensitivity(sc, LAB_CASH_END, params="parties.xai.cash", paths=8)
    listed = cc.sensitivity(sc, LAB_CASH_END, params=["parties.xai.cash"], paths=8)
    assert one.params == ("parties.xai.cash",)
    pd.testing.assert_frame_equal(one.table, listed.table, check_exact=True)
    # cash from its p05 to its p95 moves the end cash one for one: 1090 - 910
    assert one.table["swing"].iloc[0] == pytest.approx(180.0, rel=1e-9)


@pytest.mark.parametrize(("kw", "message"), [
    ({"params": [1]}, "sensitivity: params must hold parameter paths as strings "
                      "(e.g. 'parties.xai.cash'); got 1 (int)"),
    ({"params": {"parties.xai.cash": 1}}, "sensitivity: params must be a parameter path or a "
                                          "list of them (e.g. ['parties.xai.cash']); "
                                          "got {'parties.xai.cash': 1}"),
    ({"paths": np.int64(0)}, "sensitivity: paths must be a whole number at least 1; got 0"),
    ({"samples": True, "method": "morris"},
     "sensitivity: samples must be a whole number at least 2; got True (bool)"),
    ({"resamples": 1}, "sensitivity: resamples must be a whole number at least 2; got 1"),
    ({"workers": 0}, "sensitivity: workers must be a whole number at least 1; got 0"),
    ({"method": "tornadoo"}, "sensitivity: method must be one of tornado, morris, sobol, "
                             "delta; got 'tornadoo' (did you mean tornado?)"),
    ({"second_order": "yes"}, "sensitivity: second_order must be True or False; got 'yes'"),
])
def test_sensitivity_refuses_bad_arguments_in_one_line(
        sc: cc.Scenario, kw: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"params": ["parties.xai.cash"], "paths": 8, **kw}
    with pytest.raises(cc.UsageError) as err:
        cc.sensitivity(sc, LAB_CASH_END, **args)
    assert _one_line(err) == message


def test_sensitivity_takes_numpy_integers(sc: cc.Scenario) -> None:
    plain = cc.sensitivity(sc, LAB_CASH_END, ["parties.xai.cash"], paths=8, seed=4,
                           resamples=10)  # unused by a tornado, which says so in both notes
    numpy = cc.sensitivity(sc, LAB_CASH_END, ["parties.xai.cash"], paths=np.int64(8),
                           seed=np.int64(4), workers=np.int8(1), resamples=np.int64(10))
    pd.testing.assert_frame_equal(plain.table, numpy.table, check_exact=True)
    record = numpy.to_dict()
    assert type(record["paths"]) is int and type(record["seed"]) is int
    assert json.loads(json.dumps(record)) == plain.to_dict()


def test_solve_takes_numpy_integers_and_refuses_bad_ones(sc: cc.Scenario) -> None:
    target = f"{LAB_CASH_END} = 1300"
    plain = cc.solve(sc, "parties.xai.cash", target, paths=8, seed=1, max_probes=6)
    numpy = cc.solve(sc, "parties.xai.cash", target, paths=np.int64(8), seed=np.int64(1),
                     max_probes=np.int64(6), bracket=(np.int64(900), None))
    assert plain.status == numpy.status == "found"
    assert numpy.root == pytest.approx(plain.root, rel=1e-9)
    assert type(numpy.to_dict()["paths"]) is int
    for kw, message in (
            ({"max_probes": True}, "solve: max_probes must be a whole number at least 2; "
                                   "got True (bool)"),
            ({"bracket": "ab"}, "solve: bracket must be (low, high); got 'ab'"),
            ({"bracket": (1, "2")}, "solve: bracket must be (low, high), two numbers or None; "
                                    "got (1, '2')"),
            ({"tol": True}, "solve: tol must be above 0 and below 1; got True")):
        with pytest.raises(cc.UsageError) as err:
            cc.solve(sc, "parties.xai.cash", target, paths=8, **kw)
        assert _one_line(err) == message
    with pytest.raises(cc.UsageError, match=r"^solve: vary must be a parameter path"):
        cc.solve(sc, ["parties.xai.cash"], target, paths=8)  # type: ignore[arg-type]


def test_summary_text_refuses_what_is_not_a_result(sc: cc.Scenario) -> None:
    with pytest.raises(cc.UsageError) as err:
        cc.summary_text(5)  # type: ignore[arg-type]  # before: AttributeError
    assert _one_line(err) == "summary_text: result must be a Result (from cc.simulate); got int 5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(sc, paths=8, seed=0)
    with pytest.raises(cc.UsageError) as err:
        cc.summary_text(res, lang="EN")
    assert _one_line(err) == "summary_text: lang must be one of en, zh; got 'EN' (did you mean en?)"
    assert cc.summary_text(res).startswith("Over 8 simulated paths")


def test_whole_number_and_parameter_list_rules() -> None:
    assert whole_number("f", "n", np.int64(3), 1) == 3
    assert type(whole_number("f", "n", np.uint8(3), 1)) is int
    for bad in (True, np.bool_(False), 3.0, "3", None):
        with pytest.raises(cc.UsageError, match=r"^f: n must be a whole number at least 1; got "):
            whole_number("f", "n", bad, 1)
    assert parameter_list("f", "p", "a.b") == ["a.b"]
    assert parameter_list("f", "p", ("a.b", "c")) == ["a.b", "c"]
    assert parameter_list("f", "p", None) is None
