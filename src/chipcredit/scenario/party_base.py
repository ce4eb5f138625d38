"""The fields every party shares, whatever its kind: id, names, note and discount rate."""

from __future__ import annotations

from pydantic import Field

from .base import DefinedId, Model
from .number import DiscountRate, Number

__all__ = ["PartyBase"]


def _n(x: float) -> Number:
    return Number(value=x)


class PartyBase(Model):
    id: DefinedId
    name: str | None = None
    description: str | None = None
    note: str | None = None
    """A caveat shown beside the party's figures (what the model leaves out of it)."""
    role: str | None = Field(default=None, min_length=1, max_length=40)
    """What tables call the party in the scenario's own words (``telecom carrier``,
    ``equipment vendor``) in place of its kind's generic name (``AI lab``, ``chip vendor``);
    the model treats it by its ``kind`` alone."""
    discount_rate: DiscountRate = Field(default_factory=lambda: _n(0.10))
    """Effective annual rate at which this party discounts its flows for NPV, at most 1."""

    @property
    def can_default(self) -> bool:
        """Whether the party pays from its own cash and defaults when it cannot (a lab, a
        cloud on its own balance sheet). Every other party's cash is a net position funded
        from outside, which may go negative."""
        return False
