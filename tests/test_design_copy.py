"""docs/design.md is the project's design document (vocabulary, phase order, conventions,
reproducibility), which the docs and docstrings cite by section; it is a copy of the design
kept beside the repository (``../shared/DESIGN.md``), so that a clone has what its
references point to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPY = ROOT / "docs" / "design.md"
SHARED = ROOT.parent / "shared" / "DESIGN.md"


def test_the_copy_is_the_shared_design_where_that_is_at_hand() -> None:
    if not SHARED.exists():
        pytest.skip(f"no {SHARED} beside this checkout to compare docs/design.md with")
    assert COPY.read_bytes() == SHARED.read_bytes(), (
        "docs/design.md differs from ../shared/DESIGN.md: copy it again")


def test_every_section_cited_exists() -> None:
    headings = set(re.findall(r"^#+\s+(\d+[a-z]?)[.\s]", COPY.read_text(), flags=re.M))
    cited: dict[str, list[str]] = {}
    for path in [*ROOT.glob("docs/*.md"), *ROOT.glob("src/chipcredit/**/*.py"), ROOT / "README.md"]:
        text = " ".join(path.read_text(encoding="utf-8").split())
        for match in re.finditer(r"docs/design\.md,? (?:section|sections|§) ?(\d+[a-z]?)", text):
            cited.setdefault(match.group(1), []).append(path.name)
    assert cited, "no section of docs/design.md is cited: the pattern no longer matches"
    missing = {section: names for section, names in cited.items() if section not in headings}
    assert not missing, f"cited sections that docs/design.md does not have: {missing}"


def test_no_reference_points_outside_the_repository() -> None:
    stale = [str(path.relative_to(ROOT)) for path in
             [*ROOT.glob("docs/*.md"), *ROOT.glob("src/chipcredit/**/*.py"), ROOT / "README.md"]
             if re.search(r"\bDESIGN\.md\b", path.read_text(encoding="utf-8"))
             and path != COPY]
    assert not stale, f"these cite DESIGN.md, which is not in the repository: {stale}"
