"""Which parties can default: one predicate on the scenario's party models, which the
engine's accounts, the report and the CLI all follow."""

from __future__ import annotations

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.ledger import AccountClass
from chipcredit.engine.sim import Sim


def test_labs_and_clouds_on_their_own_balance_sheet_can_default() -> None:
    sc = cc.load_scenario("seed-2025")
    by_kind = {p.id: (p.kind, getattr(p, "balance_sheet", None)) for p in sc.parties}
    assert by_kind["coreweave"] == ("cloud", "own")
    assert by_kind["hyperscale-clouds"] == ("cloud", "funded")
    assert [p.id for p in sc.parties if p.can_default] == [
        p for p, (kind, sheet) in by_kind.items() if kind == "lab" or sheet == "own"]
    assert {p.id for p in sc.parties if p.can_default} == {"openai", "xai", "coreweave"}


def test_the_engine_constrains_exactly_the_parties_that_can_default() -> None:
    sc = cc.load_scenario("seed-2025")
    sim = Sim(sc, ChunkDraws(seed=0, n_paths=1, first_block=0, last_block=1, deterministic=True))
    constrained = {name for name, cls in zip(sim.account_names, sim.ledger.classes, strict=True)
                   if cls == AccountClass.CONSTRAINED}
    spvs = {d.id for d in sc.deals if d.kind == "spv_lease"}
    assert constrained == {p.id for p in sc.parties if p.can_default} | spvs
    # and only they default: a funded cloud's probability is 0
    res = cc.simulate(sc, paths=200, seed=3)
    with pytest.raises(cc.UsageError, match="'hyperscale-clouds', a cloud funded from outside, "
                                            "which cannot default"):
        res.default_probability("hyperscale-clouds")
    assert res.to_dict()["parties"]["hyperscale-clouds"]["default_probability"] == 0.0
    assert np.isfinite(res.default_probability("coreweave"))
