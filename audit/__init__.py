"""Touchpoint Audit: the domain. Reading inventories, scoring, metrics, export, storage.

Nothing in this package imports Streamlit; the app in `app.py` and `pages/` and the CLI
in `audit.cli` are two faces of the same functions.
"""

__version__ = "0.1.0"
