"""The old import path of the run tables' names, kept for those that still use it.

What the commands print now lives in one module per concept: `formats` (number formats),
`deal_table` and `party_table` (the run tables), `run_footer`, `progress` (the progress
bar), `notices` (warnings on stderr), `cashflow_files` and `staging` (output files).
``cli/runs.py`` imports the names below from here, and docs/cli.md points at
``chipcredit.cli.output.path_share``; new code imports from the modules themselves.
"""

from __future__ import annotations

from .deal_table import deals_table
from .formats import DASH, compact, finite, path_share, paths_count
from .party_table import can_default, parties_table
from .run_footer import run_footer
from .staging import Staging

__all__ = ["DASH", "Staging", "can_default", "compact", "deals_table", "finite", "parties_table",
           "path_share", "paths_count", "run_footer"]
