"""Workshop: the facilitator's console. Invite the room, steer the phases, watch the room live."""

from __future__ import annotations

import streamlit as st

from audit.access import Action
from audit.i18n import _
from ui import console, state

st.markdown("<style>.join-code{font-size:clamp(1.3rem,2.7vw,3.6rem);font-weight:700;letter-spacing:.1em;"
            "line-height:1.1;white-space:nowrap}</style>", unsafe_allow_html=True)  # fmt: skip
audit = state.current_audit()
# TRANSLATORS: the page title; {audit} is the audit's name.
st.title(_("Workshop: {audit}").format(audit=audit))
if not state.may(Action.RUN_WORKSHOP):  # not in a viewer's navigation; the store refuses its writes anyway
    st.info(
        _("'{audit}' is shared with you as a viewer: only its owner and editors run its workshop.").format(audit=audit)
    )
    st.stop()
workshops = state.workshops()
workshop = workshops.state(audit)
snapshot = state.room(audit, workshop.revision)
console.error()

invite, steer = st.columns(2)
with invite:
    # TRANSLATORS: a heading: inviting the room to the workshop.
    st.subheader(_("Invite"))
    console.invitation(audit)
with steer:
    # TRANSLATORS: a heading: the workshop's phase (round 1, revealed, round 2).
    st.subheader(_("Phase"))
    console.phases(audit, workshop, snapshot)
    with st.expander(_("People: add, new link, remove")):
        console.people(audit)

# TRANSLATORS: a heading: the people in the workshop and their scores.
st.subheader(_("The room"))
console.live(audit)
