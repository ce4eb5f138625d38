"""The scenario: start, horizon, market, parties and deals.

The rules that span its fields (`cross_check`, `CrossProblem`) are in `cross_rules`; they
are importable from here too, where the loader and the docs take them from.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr

from chipcredit.units import parse_quarter

from .base import Model, QuarterLabel, Whole
from .correlation import Correlation
from .cross_rules import CrossProblem
from .cross_rules import cross_check as _field_rules
from .deals import Deal
from .history import HistoryItem, history_problems
from .market import Market
from .parties import Party
from .shocks import Shock

__all__ = ["MAX_DEALS", "MAX_HORIZON_QUARTERS", "MAX_PARTIES", "CrossProblem", "Scenario",
           "cross_check"]

MAX_HORIZON_QUARTERS = 200  # 50 years: longer horizons say nothing a model can defend
MAX_PARTIES = 500
"""Most parties a scenario may declare (the bundled ones have under 20); checked before any
party is validated, so a runaway file is refused at once."""
MAX_DEALS = 2_000
"""Most deals a scenario may declare (the bundled ones have under 20); each deal costs time
on every path, and 2,000 already make a run of 10,000 paths take hours."""


def cross_check(sc: Scenario) -> list[CrossProblem]:
    """`cross_rules.cross_check`, then the history's rules (`history.history_problems`)."""
    return _field_rules(sc) + history_problems(sc)


class Scenario(Model):
    """A whole scenario file, checked and immutable.

    A scenario never changes once loaded: fields cannot be assigned, its lists (``parties``,
    ``deals``, ``correlations``, ``shocks`` and the lists inside them) are tuples and its
    maps (shares, stakes) refuse changes, so a `Result` and its ``scenario_sha256`` always
    describe the model that was run. Lists are accepted as input and stored as tuples; the
    YAML and JSON forms are unchanged.

    To edit, make a checked copy: `chipcredit.set_number` replaces one number by its
    parameter path (``set_number(sc, "deals.xai-debt.rate", 0.1)``); ``sc.model_copy(
    update={...})`` replaces whole fields and checks the copy as `load_scenario` does.

    Attributes
    ----------
    name : str
    description : str
    start : str
        First quarter, e.g. ``2025Q4``; the clock starts at its beginning.
    horizon_quarters : int
        Number of quarters simulated.
    capacity_unit : str
        Label of the capacity unit (default ``GW``); fields say ``capacity``.
    market : Market
    parties : tuple of Party
    deals : tuple of Deal
    correlations : tuple of Correlation
    shocks : tuple of Shock
    history : tuple of HistoryItem
        What was observed after the start, to hold a run against (`scenario.history`).
    """

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    start: QuarterLabel
    horizon_quarters: Whole = Field(ge=1, le=MAX_HORIZON_QUARTERS)
    capacity_unit: str = Field(default="GW", min_length=1, max_length=40)
    market: Market
    parties: tuple[Party, ...] = Field(min_length=1, max_length=MAX_PARTIES)
    deals: tuple[Deal, ...] = Field(default=(), max_length=MAX_DEALS)
    correlations: tuple[Correlation, ...] = ()
    """Rank correlations between uncertain numbers, by parameter path."""
    shocks: tuple[Shock, ...] = ()
    """Named shocks applied from a quarter on (stress tests)."""
    history: tuple[HistoryItem, ...] = ()
    """Observed values of recorded series, and observed defaults (`scenario.history`)."""

    _source_text: str | None = PrivateAttr(default=None)
    _source_file: str | None = PrivateAttr(default=None)

    @property
    def source_text(self) -> str:
        """The YAML text the scenario was loaded from (or a dump of it when built in Python)."""
        if self._source_text is not None:
            return self._source_text
        import yaml

        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    @property
    def source_file(self) -> str:
        """The file the scenario was loaded from, or ``<scenario>``."""
        return self._source_file or "<scenario>"

    def __repr__(self) -> str:
        # pydantic's repr dumps every field (64K characters for seed-2025); the YAML is in
        # source_text and the fields are attributes
        return (f"<Scenario {self.name}: {self.start}, {self.horizon_quarters} quarters; "
                f"{len(self.parties)} parties, {len(self.deals)} deals, "
                f"{len(self.shocks)} shocks; the YAML: .source_text>")

    @property
    def start_index(self) -> int:
        """Absolute quarter index of ``start``."""
        return parse_quarter(self.start)

    def quarter_of(self, label: str | None) -> int:
        """Offset of a quarter from the scenario's start.

        Parameters
        ----------
        label : str or None
            A quarter written like ``2026Q1``; None means the start.

        Returns
        -------
        int
            Quarters after ``start`` (0 = the first quarter simulated; negative before it).

        Raises
        ------
        ValueError
            When ``label`` is not a quarter label.
        """
        return 0 if label is None else parse_quarter(label) - self.start_index

    def party(self, party_id: str) -> Party:
        """The party with id ``party_id``.

        Parameters
        ----------
        party_id : str
            A party id as written in the scenario, e.g. ``"xai"``.

        Returns
        -------
        Party
            The `Lab`, `Cloud`, `Vendor`, `Investor`, `Lender` or `Buyer` of that id.

        Raises
        ------
        KeyError
            When no party has that id.
        """
        for p in self.parties:
            if p.id == party_id:
                return p
        raise KeyError(party_id)

    def horizon_note(self) -> str | None:
        """One line naming each deal and cloud contract whose schedule ends after the
        horizon, with the quarter it ends, and saying that what is still owed then is
        marked at the horizon and later losses are not simulated; then each term in years
        over 30, which looks like months typed as years (`scenario.terms`); then each amount
        or capacity so large it looks like $M or MW typed as $B or GW
        (`scenario.magnitudes`); then each lab bound by a purchase commitment with no cap on
        the equity it sells (`scenario.equity_caps`); None when there is none of these.
        `chipcredit.simulate` issues it as a `ChipcreditNote` and ``chipcredit validate``
        prints it (see `scenario.horizon`)."""
        from .equity_caps import cap_note
        from .horizon import horizon_note
        from .magnitudes import magnitude_note
        from .terms import term_note

        notes = [note for note in (horizon_note(self), term_note(self), magnitude_note(self),
                                   cap_note(self)) if note is not None]
        return " ".join(notes) if notes else None

    @classmethod
    def _revalidate(cls, data: dict[str, Any]) -> Scenario:
        from .loader import load_scenario

        return load_scenario(data)  # the checks across fields too, as for any input
