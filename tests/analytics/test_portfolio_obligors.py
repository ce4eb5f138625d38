"""A book of several obligors (telecom-2000: Lucent's claims on three CLEC peers, Sprint
PCS and Winstar): its PD is the share of the held paths on which any obligor defaults, its
per-obligor PD, EAD, LGD and expected loss are in the JSON, over the same held paths, and
the obligors' expected losses add up to the book's (credit-officer review, C4)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.analytics.portfolio import held_paths


@pytest.fixture(scope="module")
def res() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("telecom-2000", paths=400, seed=3)


def test_the_obligors_figures_rebuild_from_the_per_path_outcomes(res: cc.Result) -> None:
    book = res.to_dict()["portfolios"]["lucent"]
    obligors = sorted(book["pd_by_obligor"])
    assert obligors == ["peer-1", "peer-2", "peer-3", "sprint-pcs", "winstar"]
    held = held_paths(res.outcomes, "lucent", res.paths)

    def col(what: str, o: str) -> np.ndarray:
        return res.outcomes[f"portfolio|lucent|{what}|{o}"].astype(np.float64)

    total_ead = sum(col("ead", o) for o in obligors)
    assert book["pd"] == float(np.mean(total_ead[held] > 0))  # any obligor defaults
    assert book["pd"] >= max(book["pd_by_obligor"].values())
    defaulting = 0
    for o in obligors:
        hit = (col("ead", o) > 0) & held
        defaulting += int(hit.any())
        assert book["pd_by_obligor"][o] == pytest.approx(hit.sum() / held.sum(), abs=1e-15)
        if not hit.any():  # an obligor that never defaults: no EAD, no LGD, no loss
            assert book["ead_by_obligor"][o] == book["ead_pv_by_obligor"][o] == 0.0
            assert book["lgd_by_obligor"][o] is None
            assert book["expected_loss_by_obligor"][o] == 0.0
            continue
        assert book["ead_by_obligor"][o] == pytest.approx(col("ead", o)[hit].mean(), rel=1e-12)
        assert book["ead_pv_by_obligor"][o] == pytest.approx(col("ead_pv", o)[hit].mean(),
                                                             rel=1e-12)
        assert book["lgd_by_obligor"][o] == pytest.approx(
            col("loss", o)[hit].sum() / col("ead_pv", o)[hit].sum(), rel=1e-12)
        assert book["expected_loss_by_obligor"][o] == pytest.approx(
            col("loss", o)[held].mean(), rel=1e-6)  # the kept outcomes are float32
        # from the exact float64 sums, as the book's own expected loss
        assert book["expected_loss_by_obligor"][o] == (
            res.mean(f"portfolio|lucent|loss|{o}") / float(np.mean(held)))
        # EL = PD x LGD x EAD discounted to the start, per obligor: every loss here comes
        # with a default of its obligor
        assert not (col("loss", o)[~hit] > 0).any()
        assert book["expected_loss_by_obligor"][o] == pytest.approx(
            book["pd_by_obligor"][o] * book["lgd_by_obligor"][o] * book["ead_pv_by_obligor"][o],
            rel=1e-6)  # LGD and EAD from the float32 outcomes, EL from the exact sums
        # the EAD valued at the start is below the nominal one (a default after the start)
        assert 0 < book["ead_pv_by_obligor"][o] < book["ead_by_obligor"][o]
    assert defaulting >= 4


def test_the_books_expected_loss_is_the_sum_of_its_obligors(res: cc.Result) -> None:
    book = res.to_dict()["portfolios"]["lucent"]
    parts = book["expected_loss_by_obligor"]
    # the book's total loss per path is kept in float32, the obligors' parts too: the sum
    # of the parts' means equals the mean of the total to float32's rounding
    assert sum(parts.values()) == pytest.approx(book["expected_loss"], rel=1e-6)
    assert book["expected_loss"] == pytest.approx(book["pd"] * book["lgd"] * book["ead_pv"],
                                                  rel=1e-6)
    # the highest obligor PD times the book's LGD and EAD is not the book's EL (the review
    # found 0.534 against 1.101): the book's PD and EAD are over any default
    top = max(book["pd_by_obligor"].values())
    assert top * book["lgd"] * book["ead_pv"] < book["expected_loss"]


def test_a_single_obligor_books_expected_loss_by_obligor_is_its_expected_loss_to_the_bit(
        ) -> None:
    # audit finding 5 (4,100 paths, seed 7): coreweave-lenders' expected_loss was
    # 2.6945738257420886 against expected_loss_by_obligor 2.6945738292031174, the mean of
    # the kept float32 per-path losses; both now come from the run's exact float64 sums
    res = cc.simulate("seed-2025", paths=300, seed=7)
    books = res.to_dict()["portfolios"]
    single = {p: b for p, b in books.items() if len(b["expected_loss_by_obligor"]) == 1}
    assert {"colossus2-lenders", "coreweave-lenders", "nvidia"} <= set(single)
    for party, book in single.items():
        (part,) = book["expected_loss_by_obligor"].values()
        assert part == book["expected_loss"], party
    # the float32 outcomes' mean differs in about the 9th digit (what the figure was)
    lost = res.outcomes["portfolio|colossus2-lenders|loss|colossus2-spv"].astype(np.float64)
    held = held_paths(res.outcomes, "colossus2-lenders", res.paths)
    assert float(lost[held].mean()) != books["colossus2-lenders"]["expected_loss"]
