"""The look shared by every chart: colours, fonts, names, units and the source line.

Plotly is imported inside the functions that need it, never at module level, so importing
``chipcredit.report`` costs nothing without the ``plot`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chipcredit._version import __version__
from chipcredit.analytics import unit
from chipcredit.analytics.result import Result
from chipcredit.errors import UsageError

from .i18n import Catalogue

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "FONT",
    "PALETTE",
    "PLOT_HINT",
    "TITLE_INDENT",
    "display_name",
    "finish",
    "graph_objects",
    "new_figure",
    "rgba",
    "scale_of",
    "source_line",
    "source_of",
    "unit_kind",
    "unit_scale",
]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000", "#8C564B", "#7F7F7F")
"""Okabe–Ito colours (distinguishable with colour-blindness), then two neutrals."""
SELF_FUNDED = "#D62728"
"""Colour of money a vendor receives that it had itself put into the payer."""
FONT = ("Inter, 'Helvetica Neue', Arial, 'DejaVu Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', "
        "'PingFang SC', 'Microsoft YaHei', sans-serif")
"""System fonts only (the report loads nothing); the CJK ones render the Chinese catalogue.
A Latin font comes before them: the browser takes each glyph from the first font that has
it, and the CJK fonts' own Latin glyphs have other metrics, so on a machine with them
installed (most Chinese readers') the Sankey's English labels, laid out for the Latin fonts,
overlapped (tests/browser, with fonts-noto-cjk installed)."""
TITLE_INDENT = 16
"""Space (px) between the figure's left edge and its title."""
PLOT_HINT = "charts need Plotly, which is not installed: pip install 'chipcredit[plot]'"

_KINDS = {unit.MONEY: "money", unit.MONEY_A_QUARTER: "money",
          unit.BAND_UNITS["spot_price"]: "money", unit.PROBABILITY: "share", unit.SHARE: "share",
          unit.SHARE_OF_PATHS: "share", unit.RATE: "rate", unit.MULTIPLE: "multiple",
          unit.CAPACITY: "capacity", unit.BAND_UNITS["units"]: "capacity"}
"""How each unit of the one table of units (`chipcredit.analytics.unit`) is drawn; any other
(a price per share, shares, a ratio, an index, a warrant's pull in $B per GW, which its chart
calls an index) is drawn as it is."""
_OTHER_MONEY = frozenset({"self_funded"})
"""Money that is neither a metric nor a band variable: the self-funded part of sales."""

_AXIS = {"gridcolor": "#E5E8EE", "linecolor": "#9AA3AE", "zerolinecolor": "#C5CBD3",
         "automargin": True}


def new_figure(go: Any, data: Any = None) -> go.Figure:
    """An empty figure in the shared style. The style is set here, not through a Plotly
    template: copying a template costs ~40 ms a figure, and a report draws dozens."""
    return go.Figure(data=data, layout={
        "template": None, "paper_bgcolor": "#FFFFFF", "plot_bgcolor": "#FFFFFF",
        "font": {"family": FONT, "size": 13, "color": "#2A3F5F"}, "colorway": list(PALETTE),
        "xaxis": _AXIS, "yaxis": _AXIS, "hoverlabel": {"font": {"family": FONT}}})


def graph_objects() -> Any:
    """``plotly.graph_objects``, or a UsageError saying how to install Plotly."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise UsageError(PLOT_HINT) from None
    return go


def unit_kind(name: str) -> str:
    """How a variable or metric is measured: money, share, capacity, rate, multiple, ratio.

    By its unit in `chipcredit.analytics.unit` (a metric's first, then a band variable's), so
    every money metric or variable is drawn in the language's money unit; ``ratio`` (drawn as
    it is) for anything else.
    """
    if name in _OTHER_MONEY:
        return "money"
    found = unit.METRIC_UNITS.get(name, unit.BAND_UNITS.get(name))
    return _KINDS.get(found, "ratio") if found is not None else "ratio"


def scale_of(name: str, cat: Catalogue) -> float:
    """Factor from the model's unit to the axis unit: money to the language's money unit
    ($B or 亿美元), an IRR to percent, everything else unchanged."""
    return _scale(unit_kind(name), cat)


def unit_scale(unit_name: str, cat: Catalogue) -> float:
    """`scale_of` for a unit string of `chipcredit.analytics.unit` (``$B``, ``annual rate``,
    ...), such as `chipcredit.analytics.unit.summary_unit` gives for a metric path."""
    return _scale(_KINDS.get(unit_name, "ratio"), cat)


def _scale(kind: str, cat: Catalogue) -> float:
    if kind == "money":
        return cat.money_scale
    if kind == "rate":
        return 100.0
    return 1.0


def rgba(colour: str, alpha: float) -> str:
    """``#RRGGBB`` with an opacity, for bands and links."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


def display_name(result: Result, ident: str, cat: Catalogue) -> str:
    """A party's name as the scenario gives it (else its id); built-in accounts in the
    catalogue's language; deals and SPVs by id."""
    for party in result.scenario.parties:
        if party.id == ident:
            return party.name or party.id
    return cat.label("party", ident)


def source_line(cat: Catalogue, *, scenario: str, sha256: str | None, paths: int, seed: int,
                deterministic: bool = False) -> str:
    """``Source: chipcredit 0.1.0 · scenario seed-2025 · sha256 cc4ab682ea77 · 2,000 paths ·
    seed 7``, in the catalogue's language."""
    count = cat.t("source.deterministic") if deterministic else cat.paths(paths)
    if sha256:
        return cat.t("source.line", version=__version__, scenario=scenario, sha=sha256[:12],
                     paths=count, seed=seed)
    return cat.t("source.line_no_sha", version=__version__, scenario=scenario, paths=count,
                 seed=seed)


def source_of(result: Result, cat: Catalogue) -> str:
    return source_line(cat, scenario=result.scenario.name, sha256=result.scenario_sha256,
                       paths=result.paths, seed=result.seed, deterministic=result.deterministic)


def finish(fig: go.Figure, *, title: str, source: str, x_title: str | None = None,
           y_title: str | None = None, height: int = 440) -> go.Figure:
    """Title, axis titles, the source line under the plot, and the shared style."""
    layout: dict[str, Any] = {
        # indented from the figure's edge (a PNG has no page margin round it)
        "title": {"text": title, "x": 0.0, "xanchor": "left", "pad": {"l": TITLE_INDENT}},
        "height": height,
        "margin": {"l": 70, "r": 30, "t": 70, "b": 120},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0},
        "annotations": [*fig.layout.annotations, {
            "text": source, "xref": "paper", "yref": "paper", "x": 0.0, "y": 0.0,
            "yshift": -95, "xanchor": "left", "yanchor": "top", "showarrow": False,
            "font": {"size": 10, "color": "#666666"}, "name": "source"}],
    }
    if x_title is not None:
        layout["xaxis"] = {"title": {"text": x_title}}
    if y_title is not None:
        layout["yaxis"] = {"title": {"text": y_title}}
    fig.update_layout(layout)
    return fig
