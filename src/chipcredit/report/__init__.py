"""Charts and the self-contained HTML report, in English or Simplified Chinese.

Plotly is imported when a chart is drawn, never when this package is imported (install the
``plot`` extra: ``pip install 'chipcredit[plot]'``).

- `chipcredit.report.charts`: one function per chart, each returning a Plotly figure.
- `write_report`: one HTML file with Plotly's JavaScript inlined, readable offline
  (`build_report` gives the same HTML as text, e.g. for a download button).
- `summary_text`: the report's opening paragraph, from the numbers.
- `chipcredit.report.solvency`: which parties can default (labs, and clouds on their own
  balance sheet): the one test behind the default column, sentences and charts.
- `replay`: the `Result` of a run in the run store, re-simulated from its stored scenario
  text, paths and seed (the store keeps summaries, not every band a chart needs).
"""

from __future__ import annotations

from .html import build_report, write_report
from .i18n import LANGUAGES
from .replay import replay
from .summary import summary_text

__all__ = ["LANGUAGES", "build_report", "replay", "summary_text", "write_report"]
