"""Streamlit helpers shared by app.py and the pages: session state, the store, the sidebar."""
