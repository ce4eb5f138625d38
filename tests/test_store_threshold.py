"""The run store's P(loss > 0) is the live run's: ``metrics.p_positive`` of every ``loss`` row
equals, exactly, the share of paths with ``loss > 0`` that ``chipcredit run``'s table and the
HTML report show, and the row's statistics equal the JSON summary's (losses under $1e-9B are
0 at their source, so the store's threshold, `chipcredit.store.rows.POSITIVE`, changes
nothing for them)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.store.rows import POSITIVE, prepare


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=11)


def test_the_stored_p_loss_is_the_live_one_exactly(result: cc.Result) -> None:
    metrics = prepare(result).frames["metrics"]
    losses = metrics[metrics["metric"] == "loss"]
    summary = result.to_dict()["deals"]
    assert len(losses) == len(result.deal_parties())
    between = 0
    for rec in losses.to_dict("records"):
        loss = result.outcome(rec["deal"], rec["party"], "loss")
        live = float(np.mean(loss > 0))
        assert rec["p_positive"] == live, (rec["deal"], rec["party"])
        # nothing between 0 and the threshold: residue is 0 at the source
        assert not np.any((loss > 0) & (loss <= POSITIVE))
        stats = summary[rec["deal"]]["parties"][rec["party"]]["loss"]
        assert [rec[s] for s in ("mean", "p05", "p50", "p95")] == \
            [stats[s] for s in ("mean", "p05", "p50", "p95")]
        between += 0 < live < 1
    assert between >= 3  # the check covers losses on some paths, not only all or none
