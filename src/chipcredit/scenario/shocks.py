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
from pydantic import AfterValidator, Field

from chipcredit.errors import Problem, ScenarioError, UsageError, did_you_mean

from .base import Id, Model, QuarterLabel, Whole
from .files import decode_text, read_file_bytes
from .number import Fraction, Number, stated_at_most
from .translation import problem_order, validate_located
from .yamlnodes import read_yaml

__all__ = ["AiWinter", "FundingFreeze", "GpuGlut", "PriceWar", "RateShock", "Shock",
           "StressPack", "bundled_packs", "load_pack"]


class _ShockBase(Model):
    start: QuarterLabel
    quarters: Whole | None = Field(default=None, ge=1)
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
    shocks: tuple[Shock, ...] = Field(min_length=1)


def _folder() -> Path:
    return Path(str(resources.files("chipcredit") / "stress_packs"))


def bundled_packs() -> list[tuple[str, str]]:
    """The stress packs shipped with chipcredit.

    Returns
    -------
    list of (str, str)
        ``(name, first line of its description)`` for each bundled pack, sorted by name;
        a name can be passed to `load_pack` or `chipcredit.stress`.
    """
    out = []
    for path in sorted(_folder().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.append((path.stem, str(data.get("description", "")).strip().split("\n")[0]))
    return out


def load_pack(source: str | os.PathLike[str]) -> StressPack:
    """A bundled pack by name, or a pack file, read and checked as a scenario file is.

    The file is read by the same rules (`chipcredit.scenario.files`: regular files only, at
    most 10 MB, UTF-8) and its errors are worded the same way: one line per problem, with
    the line and column, the field path, the rule, the bad value and a suggestion.

    Parameters
    ----------
    source : str or path
        The name of a bundled pack (see `bundled_packs`, e.g. ``"gpu-glut"``) or the path
        of a YAML file with ``name``, ``description`` and ``shocks``.

    Returns
    -------
    StressPack
        Frozen and checked; its ``shocks`` are a tuple, each with its start quarter.

    Raises
    ------
    UsageError
        When ``source`` is neither a name nor a path.
    ScenarioError
        With every problem found.
    """
    if not isinstance(source, str | os.PathLike):
        from .loader import argument_text

        raise UsageError("load_pack: source must be the name of a bundled stress pack or a "
                         f"path to a YAML file; got {argument_text(source)}")
    names = [n for n, _ in bundled_packs()]
    name = os.fspath(source)
    if not isinstance(name, str):
        raise UsageError("load_pack: source must be a path given as text; got bytes")
    file = str(_folder() / f"{name}.yaml") if name in names else name
    try:
        raw = read_file_bytes(file, "stress pack")
    except FileNotFoundError:
        rule = f"no such file, and no bundled stress pack of that name ({', '.join(names)})"
        raise ScenarioError([Problem(name, None, None, "", rule, Problem.NO_VALUE,
                                     did_you_mean(Path(name).stem, names))]) from None
    located = read_yaml(decode_text(raw, file, "stress pack").removeprefix("\ufeff"), file)
    if located is None or not isinstance(located.data, dict):
        what = ("empty" if located is None else
                "a list" if isinstance(located.data, list) else "a single value")
        raise ScenarioError([Problem(file, None if located is None else 1,
                                     None if located is None else 1, "",
                                     "a stress pack must be a map of name, description and "
                                     f"shocks; the file is {what}")])
    pack, problems = validate_located(StressPack, located, file)
    if pack is None:
        raise ScenarioError(sorted(problems, key=problem_order))
    return pack
