"""Write ``seed-2025-sell-only.yaml``: seed-2025 without Nvidia's financing deals.

Usage: python docs/tools/sell_only.py

The file is a text copy of ``seed-2025.yaml`` (comments and sources kept) less the deal
blocks in which Nvidia invests, lends, guarantees, ships on credit, holds SPV equity or
backstops a cloud, with its own name and description. Run it whenever seed-2025 changes;
``tests/test_compare.py`` fails while the two disagree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

FOLDER = Path(__file__).resolve().parents[2] / "src" / "chipcredit" / "scenarios"
VENDOR = "nvidia"


def finances(deal: dict[str, Any], vendor: str = VENDOR) -> bool:
    """Whether ``vendor`` puts money or credit into the deal (selling into it is not enough)."""
    roles = [deal.get(k) for k in ("investor", "lender", "guarantor")]
    if deal["kind"] in ("spv_lease", "vendor_credit", "capacity_backstop"):
        roles.append(deal.get("vendor"))
    if deal["kind"] == "spv_lease":
        roles += [*deal.get("equity", {}), deal.get("debt", {}).get("lender")]
    return vendor in roles


def main() -> None:
    src = (FOLDER / "seed-2025.yaml").read_text(encoding="utf-8")
    drop = [d["id"] for d in yaml.safe_load(src)["deals"] if finances(d)]
    head, deals = src.split("\ndeals:\n", 1)
    blocks = re.split(r"(?m)^(?=  - id: )", deals)
    kept = [b for b in blocks if not any(b.startswith(f"  - id: {i}\n") for i in drop)]
    text = head + "\ndeals:\n" + "".join(kept)
    header = ("# seed-2025-sell-only: seed-2025 without Nvidia's financing deals, written by\n"
              "# docs/tools/sell_only.py. Everything else is seed-2025 as it is, number for number\n"
              "# and source for source, so `chipcredit compare seed-2025-sell-only seed-2025`\n"
              "# isolates what 'invest and bind' adds to 'just sell chips' (docs/compare.md).\n"
              "# Regenerate it when seed-2025 changes; tests/test_compare.py checks the two agree.\n"
              "#\n")
    text = header + text.replace("\nname: seed-2025\n", "\nname: seed-2025-sell-only\n", 1)
    desc = (f"seed-2025 without Nvidia's financing deals ({', '.join(drop)}): Nvidia just sells "
            "chips. For compare.")
    text = re.sub(r"(?m)^description: .*$", lambda m: "description: " + json.dumps(desc), text,
                  count=1)
    (FOLDER / "seed-2025-sell-only.yaml").write_text(text, encoding="utf-8")
    print(f"wrote seed-2025-sell-only.yaml without {', '.join(drop)}")


if __name__ == "__main__":
    main()
