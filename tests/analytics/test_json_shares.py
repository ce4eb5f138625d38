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
            hits = int(np.count_nonzero(values))
            got = entry[f"{name}_probability"]
            # the float64 nearest to hits / paths, as the store's SQL mean gives it
            assert got == float(Fraction(hits, paths)), (deal, name, got)
            noisy += float(np.mean(values)) != got  # what the float32 mean would have said
    assert noisy > 0, "no share here is inexact in float32: the test shows nothing"
