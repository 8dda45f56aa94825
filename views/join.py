"""Join: a participant gives the join code (from the link, or typed) and a name, once."""

from __future__ import annotations

import streamlit as st

from audit.i18n import _
from audit.invites import InviteError, format_code
from audit.workshops import CodeRefused, JoinRefused
from ui import auth, language, state

workshops = state.workshops()

if state.has_token() and state.participant() is None:
    st.warning(
        _(
            "This scoring link no longer works: the facilitator has replaced or removed it. "
            "Ask the facilitator for your new link, or join again below with the join code."
        )
    )

offered = st.query_params.get(state.CODE, "")
if offered and st.session_state.get("offered", ("",))[0] != offered:  # a link's code is tried once, not every run
    if slowed := auth.join_refusal():
        st.session_state["offered"] = (offered, None, slowed)
    else:
        try:
            st.session_state["offered"] = (offered, workshops.audit_of_code(offered), None)
        except CodeRefused as error:
            auth.join_failed()
            st.session_state["offered"] = (offered, None, str(error))
audit, problem = st.session_state["offered"][1:] if offered else (None, None)
if audit and not language.chosen():  # the invitation's audit speaks its language until someone picks
    language.choose(language.audit_language(audit))
    language.style()
language.corner_picker()
st.title(_("Join the workshop"))
if problem:
    st.error(problem)
if audit:
    # TRANSLATORS: {audit} is the name of the audit the participant is invited to score.
    st.markdown(_("You are invited to score **{audit}**.").format(audit=audit))
else:
    st.markdown(_("Type the join code the facilitator shows, then your name."))

with st.form("join"):
    typed_code = st.text_input(_("Join code"), value=format_code(offered) if audit else "", placeholder="K7QM-42XD",
                               key="join_code")  # fmt: skip
    name = st.text_input(_("Your name"), placeholder=_("As the room knows you"), key="join_name")
    st.caption(_("You give your name once. Your scores are yours alone until the facilitator reveals the room's."))
    # TRANSLATORS: a button: join the workshop.
    joined = st.form_submit_button(_("Join"), type="primary", width="stretch")

if joined and (slowed := auth.join_refusal()):
    st.error(slowed)
elif joined:
    try:
        participant, token = workshops.join(typed_code, name)
    except (JoinRefused, InviteError) as error:
        if isinstance(error, CodeRefused):
            auth.join_failed()
        st.error(str(error))
    else:
        st.switch_page("views/participate.py", query_params={state.TOKEN: token})
