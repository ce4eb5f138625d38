"""``chipcredit dashboard``: serve the web dashboard (Streamlit) on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from chipcredit.dashboard.launcher import DEFAULT_HOST, DEFAULT_PORT, launch

from .app import app, user_errors

__all__ = ["dashboard_command"]


@app.command("dashboard")
def dashboard_command(
    port: Annotated[int, typer.Option(
        "--port", "-p", min=1, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. The default, 127.0.0.1, is this machine only; "
                       "any other address lets other machines use the dashboard (it has no "
                       "login), and prints a warning.")] = DEFAULT_HOST,
) -> None:
    """Serve the web dashboard: pick or upload a scenario, move the key assumptions, run,
    and read the charts (English or 中文). Ctrl-C stops it."""
    with user_errors():
        launch(port=port, host=host)
