"""Numbers and lists the docs state about seed-2025's output, checked against the code, so
that a change to the output that leaves a page behind fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import chipcredit as cc
from chipcredit.errors import ScenarioError
from chipcredit.scenario import yamlnodes

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src" / "chipcredit" / "scenarios" / "seed-2025.yaml"


def _doc(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base() -> cc.Result:
    return cc.simulate("seed-2025", deterministic=True)


def test_reliability_md_gives_seed_2025_s_size_and_value_count() -> None:
    text = _doc("docs/reliability.md")
    size = re.search(r"seed-2025 is about (\d+) kB", text)
    values = re.search(r"seed-2025 holds about ([\d,]+) ", text)
    assert size and values, "reliability.md no longer states seed-2025's size and values"
    assert int(size.group(1)) == round(SEED.stat().st_size / 1000)
    stated = int(values.group(1).replace(",", ""))
    body = SEED.read_text(encoding="utf-8")
    # the code's own counter: refused just under the stated count, accepted just over it
    for limit, accepted in ((int(stated * 0.95), False), (int(stated * 1.05), True)):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(yamlnodes, "MAX_NODES", limit)
            if accepted:
                yamlnodes.read_yaml(body, str(SEED))
            else:
                with pytest.raises(ScenarioError, match="values, the limit"):
                    yamlnodes.read_yaml(body, str(SEED))


def test_cli_md_lists_every_top_level_key_of_the_json_in_order(base: cc.Result) -> None:
    text = _doc("docs/cli.md")
    para = text[text.index("Top-level keys"):]
    para = para[:para.index("\n\n")]
    assert re.findall(r"`(\w+)`", para.split("(each described")[0]) == list(base.to_dict())


def test_output_md_names_every_outcome_family(base: cc.Result) -> None:
    text = _doc("docs/output.md")
    families = {key.split("|")[0] for key in base.outcomes}
    assert families == {"deal", "party", "portfolio", "purchases", "spv"}
    for family in families:
        assert f"`{family}|" in text, family


@pytest.mark.parametrize("page", ["docs/distributed.md", "docs/store.md"])
def test_the_docs_count_seed_2025_s_outcomes(base: cc.Result, page: str) -> None:
    found = re.search(r"seed-2025 has ([\d,]+) outcomes", _doc(page))
    assert found and int(found.group(1).replace(",", "")) == len(base.outcomes)


def test_the_cloud_lenders_the_docs_name_have_portfolios(base: cc.Result) -> None:
    """stress.md and README.md say a cloud's own debt has a `portfolios` entry."""
    sc = base.scenario
    cloud_lenders = {tranche.lender for party in sc.parties if party.kind == "cloud"
                     for tranche in getattr(party, "debt", None) or ()}
    assert cloud_lenders == {"coreweave-lenders", "coreweave-noteholders", "hyperscale-bondholders"}
    portfolios = base.to_dict()["portfolios"]
    assert cloud_lenders <= set(portfolios)
    assert set(portfolios["coreweave-lenders"]["exposure_by_obligor"]) == {"coreweave"}
    assert {"colossus2-lenders", "xai-bondholders", "nvidia", "amd"} <= set(portfolios)
    stress = _doc("docs/stress.md")
    for lender in sorted(cloud_lenders):
        assert f"`{lender}`" in stress, lender
