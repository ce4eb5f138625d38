"""The dashboard writes a share of paths by the CLI's and the report's one rule."""

from __future__ import annotations

import pytest

from chipcredit.cli.formats import path_share
from chipcredit.dashboard.tabs.shares import path_share_text
from chipcredit.report.i18n import catalogue


@pytest.mark.parametrize(("share", "text"), [
    (0.0005, "0.05%"),   # 1 path in 2,000: not 0.1%, which reads as two
    (0.0015, "0.15%"),
    (0.9995, "99.95%"),  # 1,999 of 2,000: not >99.9%
    (0.996, "99.6%"),
    (0.273, "27.3%"),    # away from the ends: one decimal, as the KPIs
    (0.38, "38.0%"),
    (0.0, "0.0%"),
    (1.0, "100.0%"),
])
def test_a_share_of_paths_reads_as_the_cli_writes_it(share: float, text: str) -> None:
    assert path_share_text(catalogue("en"), share) == text
    assert path_share(share) == text


def test_the_chinese_page_keeps_the_number() -> None:
    assert path_share_text(catalogue("zh"), 0.0005).startswith("0.05")
