"""The facilitator's sidebar: who is signed in and how, the open audit and their role on it."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from audit.access import ROLE_SENTENCES
from audit.i18n import N_, _
from audit.store import AuditInfo
from ui import auth, language, state

MODE_SENTENCES = {
    auth.Mode.LOCAL: N_("Local mode: you are the facilitator, on this computer only."),
    auth.Mode.PASSWORD: N_("Signed in with the facilitator password as **{who}**."),
    auth.Mode.OIDC: N_("Signed in with OpenID Connect as **{who}**."),
}


def show(pages: list[StreamlitPage], info: AuditInfo | None) -> None:
    """The links to `pages`, the open audit (`info`, None when none is open), the language, who is signed in."""
    with st.sidebar:
        for page in pages:  # the pages the role allows (app.py registers them all, hidden)
            st.page_link(page, label=page.title, icon=page.icon)
        st.divider()
        lost = st.session_state.pop(state.LOST, None)
        if lost:
            st.warning(
                _("'{audit}' is no longer shared with you (or was deleted), so it was closed.").format(audit=lost)
            )
        role = state.role()
        if info is not None and role:
            st.markdown(_("**Open audit:** {audit}").format(audit=info.name))
            if info.client:
                st.caption(_("Client: {client}").format(client=info.client))
            # TRANSLATORS: {role} is a role and what it may do, e.g. "owner: everything, including sharing and deleting"
            st.caption(_("You are its {role}.").format(role=_(ROLE_SENTENCES[role])))
        else:
            st.markdown(_("**No audit open.**"))
        language.picker()
        mode = auth.mode()
        st.caption(_(MODE_SENTENCES[mode]).format(who=state.actor().identity))
        if mode is not auth.Mode.LOCAL:
            st.button(_("Sign out"), key="sign_out", on_click=auth.sign_out)
        st.caption(
            _("Stored in {backend}; every score is saved the moment it changes.").format(backend=state.store().backend)
        )
