"""The web dashboard (Streamlit): ``chipcredit dashboard [--port 8501] [--host 127.0.0.1]``.

Pick a bundled scenario or upload one, move the key assumptions, run, and read the answer
in tabs (Overview, Money flows, Labs, Deals, Market, Sensitivity, Compare, Real deals), in
English or Simplified Chinese. Streamlit and Plotly are optional extras
(``pip install 'chipcredit[dashboard]'``); nothing here is imported by the core.

Layout: ``app.py`` is the Streamlit script; ``launcher.py`` builds the safe command line and
starts it; ``limits.py`` holds what the page accepts; ``sidebar.py``, ``assumptions.py`` and
``cache.py`` the inputs, the sliders and the cached runs; ``tabs/`` one module per tab;
``text.py`` and ``locale/`` the words;
``names.py`` the one rule for a party's name. See docs/dashboard.md.
"""

from __future__ import annotations

from .launcher import APP_SCRIPT, DEFAULT_HOST, DEFAULT_PORT, launch, streamlit_argv

__all__ = ["APP_SCRIPT", "DEFAULT_HOST", "DEFAULT_PORT", "launch", "streamlit_argv"]
