"""The JSON summary's SPV probabilities are exact shares of paths (float64), not the float32
mean of the kept 0/1 outcomes (0.08100000023841858 for 81 paths in 1,000)."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np

import chipcredit as cc


def test_spv_probabilities_are_exact_shares_of_paths() -> None:
    paths = 300
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate("seed-2025", paths=paths, seed=11)
    spvs = res.to_dict()["spvs"]
    assert spvs, "seed-2025 has an spv_lease"
    noisy = 0
    for deal, entry in spvs.items():
        for name, key in (("debt_impairment", "debt_impaired"),
                          ("lessee_default", "lessee_default"),
                          ("covenant_breach", "covenant_breach")):
            values = res.outcomes[f"spv|{deal}|{key}"]
            assert set(np.unique(values)) <= {0.0, 1.0}
            # over the paths on which the SPV closed (docs/output.md), an exact share of them
            closed = round(entry["closed_share"] * paths)
            assert entry["closed_share"] == float(Fraction(closed, paths))
            assert 0 < closed < paths  # Colossus 2 may not close: a share of a share
            hits = int(np.count_nonzero(values))  # none where it did not close
            got = entry[f"{name}_probability"]
            if name == "covenant_breach" and got is None:  # no covenant to breach
                assert not any(d.id == deal and d.covenants for d in res.scenario.deals)
                assert hits == 0
                continue
            # the float64 nearest to hits / closed, as the store's SQL mean gives it
            assert got == float(Fraction(hits, closed)), (deal, name, got)
            noisy += float(np.mean(values) * paths / closed) != got  # a float32 mean's
    assert noisy > 0, "no share here is inexact in float32: the test shows nothing"
