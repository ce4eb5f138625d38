"""Named shocks (stress tests), applied from a quarter on; a scenario may list several.

::

    shocks:
      - {kind: ai_winter, start: 2026Q4, quarters: 6}          # force the winter regime
      - {kind: gpu_glut, start: 2026Q4, size: 0.4}             # used-GPU values -40%
      - {kind: price_war, vendor: amd, start: 2027Q1, size: 0.2}   # AMD's price -20%
      - {kind: funding_freeze, start: 2026Q4, quarters: 4, factor: 0.2}  # P(round) x 0.2
      - {kind: rate_shock, start: 2026Q4, bp: 300}             # base rate +300bp

``quarters`` omitted means to the horizon. A stress pack is a YAML file with ``name``,
``description`` and ``shocks``; `load_pack` reads bundled packs by name or a file.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, Field, ValidationError

from chipcredit.errors import Problem, ScenarioError, did_you_mean

from .base import Id, Model, QuarterLabel
from .number import Fraction, Number, stated_at_most

__all__ = ["AiWinter", "FundingFreeze", "GpuGlut", "PriceWar", "RateShock", "Shock",
           "StressPack", "bundled_packs", "load_pack"]


class _ShockBase(Model):
    start: QuarterLabel
    quarters: int | None = Field(default=None, ge=1)
    """How many quarters the shock lasts; default: to the horizon."""


class AiWinter(_ShockBase):
    """Force the AI-winter regime."""

    kind: Literal["ai_winter"]


class GpuGlut(_ShockBase):
    """Used-GPU (residual) values fall by ``size``."""

    kind: Literal["gpu_glut"]
    size: Fraction


class PriceWar(_ShockBase):
    """A vendor cuts its price per unit by ``size``."""

    kind: Literal["price_war"]
    vendor: Id
    size: Fraction


class FundingFreeze(_ShockBase):
    """Every lab's round-success probability is multiplied by ``factor``."""

    kind: Literal["funding_freeze"]
    factor: Fraction


MAX_BASIS_POINTS = 10_000.0
"""Largest rate move of a `rate_shock` (100 percentage points, either way)."""
BasisPoints = Annotated[Number, AfterValidator(stated_at_most(
    MAX_BASIS_POINTS, "a rate move in basis points", both_signs=True))]


class RateShock(_ShockBase):
    """The base rate of floating loans moves by ``bp`` basis points."""

    kind: Literal["rate_shock"]
    bp: BasisPoints


Shock = Annotated[AiWinter | GpuGlut | PriceWar | FundingFreeze | RateShock,
                  Field(discriminator="kind")]


class StressPack(Model):
    """A named list of shocks."""

    name: str
    description: str = ""
    shocks: list[Shock] = Field(min_length=1)


def _folder() -> Path:
    return Path(str(resources.files("chipcredit") / "stress_packs"))


def bundled_packs() -> list[tuple[str, str]]:
    """(name, one-line description) of every bundled stress pack."""
    out = []
    for path in sorted(_folder().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.append((path.stem, str(data.get("description", "")).strip().split("\n")[0]))
    return out


def load_pack(source: str | os.PathLike[str]) -> StressPack:
    """A bundled pack by name, or a pack file; errors are `ScenarioError` lines."""
    names = [n for n, _ in bundled_packs()]
    path = _folder() / f"{source}.yaml" if str(source) in names else Path(source)
    if not path.is_file():
        hint = did_you_mean(str(source), names)
        raise ScenarioError([Problem(str(source), None, None, "", "is neither a bundled stress "
                                     f"pack ({', '.join(names)}) nor a file", Problem.NO_VALUE,
                                     hint)])
    from .yamlnodes import read_yaml

    text = path.read_text(encoding="utf-8")
    located = read_yaml(text, str(path))
    data = located.data if located is not None else None
    try:
        return StressPack.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScenarioError([Problem(str(path), None, None, where, first["msg"],
                                     first.get("input", Problem.NO_VALUE))]) from None
