"""`Result.outcome` reads every family of `Result.outcomes`: a party's metrics in a deal,
a party's own, a deal's own (``spv|...``), a credit book's (``portfolio|...``) and a lab's
purchases from a vendor (``purchases|...``), with a
one-line error for what the run does not have."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import chipcredit as cc


@pytest.fixture(scope="module")
def res() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=300, seed=5)


def test_each_family_is_reached_by_its_call(res: cc.Result) -> None:
    calls = {
        "deal|xai-debt|xai-bondholders|npv": res.outcome("xai-debt", "xai-bondholders", "npv"),
        "party|xai|cash_end": res.outcome(None, "xai", "cash_end"),
        "spv|colossus2-spv|debt_loss": res.outcome(spv="colossus2-spv", metric="debt_loss"),
        "portfolio|colossus2-lenders|loss": res.outcome(portfolio="colossus2-lenders", metric="loss"),
        "portfolio|colossus2-lenders|exposure|colossus2-spv": res.outcome(
            portfolio="colossus2-lenders", metric="exposure", obligor="colossus2-spv"),
    }
    for key, values in calls.items():
        assert values is res.outcomes[key], key
    # the keywords spelled out too, as the old positional calls still work
    assert res.outcome(deal=None, party="xai", metric="cash_end") is calls["party|xai|cash_end"]
    assert np.any(calls["portfolio|colossus2-lenders|exposure|colossus2-spv"] > 0)


def test_every_family_of_outcomes_is_one_outcome_can_read(res: cc.Result) -> None:
    for key in res.outcomes:
        family, *parts = key.split("|")
        if family == "deal":
            got = res.outcome(parts[0], parts[1], parts[2])
        elif family == "party":
            got = res.outcome(None, parts[0], parts[1])
        elif family == "spv":
            got = res.outcome(spv=parts[0], metric=parts[1])
        elif family == "purchases":  # a lab's from one vendor
            got = res.outcome(None, parts[0], parts[1], vendor=parts[2])
        else:
            assert family == "portfolio", key
            got = res.outcome(portfolio=parts[0], metric=parts[1],
                              obligor=parts[2] if len(parts) > 2 else None)
        assert got is res.outcomes[key], key


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"party": "colossus2-spv", "metric": "debt_loss"},
     "party 'colossus2-spv' is not in the scenario; a deal's own outcomes are "
     "outcome(spv='colossus2-spv', metric='debt_loss')"),
    ({"spv": "colossus2-spv", "metric": "debt_los"},
     "deal 'colossus2-spv' has no outcome 'debt_los' of its own (did you mean debt_loss?)"),
    ({"spv": "colosus2-spv", "metric": "debt_loss"},
     "deal 'colosus2-spv' is not in the scenario (did you mean colossus2-spv?)"),
    ({"portfolio": "colossus2-lenders", "metric": "exposure", "obligor": "xia"},
     "obligor 'xia' is not in the scenario (did you mean xai?)"),
    ({"portfolio": "colossus2-lenders", "metric": "exposur", "obligor": "colossus2-spv"},
     "party 'colossus2-lenders' has no portfolio outcome 'exposur|colossus2-spv' "
     "(did you mean exposure|colossus2-spv?)"),
    ({"party": "xai", "metric": "spend_total", "vendor": "nvidai"},
     "vendor 'nvidai' is not in the scenario (did you mean nvidia?)"),
    ({"party": "xai", "metric": "spend", "vendor": "nvidia"},
     "party 'xai' has no purchase outcome 'spend|nvidia' (did you mean spend_total|nvidia?)"),
    ({"deal": "xai-debt", "spv": "colossus2-spv", "metric": "debt_loss"},
     "outcome takes one of deal and party, spv, or portfolio; got deal and spv"),
    ({"spv": "colossus2-spv"},
     "outcome needs a metric, e.g. outcome('xai-debt', 'xai', 'npv') or "
     "outcome(spv='colossus2-spv', metric='debt_loss')"),
    ({"party": "xai", "metric": "loss", "obligor": "xai"},
     "obligor is a portfolio's: outcome(portfolio=PARTY, metric='loss', obligor='xai')"),
])
def test_what_the_run_lacks_is_one_line(res: cc.Result, kwargs: dict[str, str],
                                        message: str) -> None:
    with pytest.raises(cc.UsageError, match=f"^{re.escape(message)}$"):
        res.outcome(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kwargs", "message"), [
    # an SPV's default is its lender's book's, the SPV the obligor: the hint is a call that works
    ({"party": "colossus2-spv", "metric": "default_quarter"},
     "party 'colossus2-spv' is not in the scenario; 'colossus2-spv' is an obligor of "
     "'colossus2-lenders': outcome(portfolio='colossus2-lenders', metric='default_quarter', "
     "obligor='colossus2-spv')"),
    ({"spv": "colossus2-spv", "metric": "default_quarter"},
     "deal 'colossus2-spv' has no outcome 'default_quarter' of its own; 'colossus2-spv' is an "
     "obligor of 'colossus2-lenders': outcome(portfolio='colossus2-lenders', "
     "metric='default_quarter', obligor='colossus2-spv')"),
    # a book's EAD is per obligor: the call names them
    ({"portfolio": "colossus2-lenders", "metric": "ead"},
     "party 'colossus2-lenders' has the portfolio outcome 'ead' per obligor: "
     "outcome(portfolio='colossus2-lenders', metric='ead', obligor=...), obligor one of "
     "colossus2-spv"),
])
def test_a_credit_outcome_asked_the_wrong_way_names_the_call_that_works(
        res: cc.Result, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(cc.UsageError, match=f"^{re.escape(message)}$"):
        res.outcome(**kwargs)  # type: ignore[arg-type]
    hinted = message.split(": ", 1)[1]
    if hinted.startswith("outcome(portfolio='colossus2-lenders', metric='default_quarter'"):
        # the call the message names works, and is what default_probability wanted
        assert np.any(res.outcome(portfolio="colossus2-lenders", metric="default_quarter",
                                  obligor="colossus2-spv") >= 0)


def test_default_probability_of_an_spv_points_to_its_lenders_book(res: cc.Result) -> None:
    with pytest.raises(cc.UsageError, match=re.escape(
            "outcome(portfolio='colossus2-lenders', metric='default_quarter', "
            "obligor='colossus2-spv')")):
        res.default_probability("colossus2-spv")
