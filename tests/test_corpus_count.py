"""docs/reliability.md counts the bad-input corpus right: in all and per category."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"


def test_the_reliability_page_counts_the_corpus() -> None:
    page = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    files = [p.name for p in CORPUS.glob("*.yaml")]
    total = re.search(r"`tests/bad_inputs/` holds (\d+) broken scenarios", page)
    assert total is not None and int(total.group(1)) == len(files)
    rows = dict(re.findall(r"^\| `([a-z]+)-` \| (\d+) \|", page, re.MULTILINE))
    assert rows, "the page has the table of categories"
    counts = {c: sum(name.startswith(f"{c}-") for name in files) for c in rows}
    assert {c: int(n) for c, n in rows.items()} == counts
    assert sum(counts.values()) == len(files)  # no category left out of the table
