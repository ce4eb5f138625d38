"""The warning about IRRs with no value counts paths, and says out of how many: a bare
``banks-peer-1/banks: 144`` reads as well as a number of deals or dollars."""

from __future__ import annotations

import re

import pytest

import chipcredit as cc


def test_the_missing_irr_warning_says_paths_out_of_the_run_s() -> None:
    with pytest.warns(cc.ChipcreditWarning) as record:  # the horizon note, and this warning
        res = cc.simulate("telecom-2000", paths=300, seed=1)
    text = next(str(w.message) for w in record if "IRR has no value" in str(w.message))
    assert "(paths out of 300): " in text
    missing = res.irr_reasons()[("banks-peer-1", "banks")]["no_root_in_bracket"]
    assert 0 < missing <= 300
    # each count after it is a number of those paths, with its reasons
    after = text.split("(paths out of 300): ", 1)[1]
    counts = [int(n) for n in re.findall(r"/[\w-]+: (\d+) \(", after)]
    assert counts and all(0 < n <= 300 for n in counts)
    assert f"banks-peer-1/banks: {missing} (no_root_in_bracket {missing})" in after
