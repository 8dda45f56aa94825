"""Sign in: the only page anyone sees before signing in (participants join by link instead)."""

from __future__ import annotations

import streamlit as st

from audit.i18n import _
from ui import auth

# TRANSLATORS: the product's name, the sign-in page's title.
st.title(_("Touchpoint Audit"))
current = auth.mode()
if current is auth.Mode.OIDC:
    if st.user.is_logged_in:  # signed in with the provider, but not let in here
        st.error(auth.oidc_refusal() or _("This account cannot sign in here."))
        st.button(_("Sign out"), key="sign_out", on_click=st.logout)
    else:
        st.markdown(_("Facilitators sign in with their organisation's account."))
        # TRANSLATORS: a button.
        st.button(_("Sign in"), key="sign_in", type="primary", on_click=st.login)
else:
    st.markdown(_("Facilitators sign in with their e-mail and the facilitator password."))
    with st.form("sign_in_form"):
        who = st.text_input(_("E-mail or account name"), key="sign_in_who", autocomplete="username")
        password = st.text_input(_("Facilitator password"), type="password", key="sign_in_password",
                                 autocomplete="current-password")  # fmt: skip
        # TRANSLATORS: a button.
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        problem = auth.sign_in_with_password(who, password)
        if problem:
            st.error(problem)
        else:
            st.success(_("Signed in. Opening the app..."))
            auth.write_cookie()  # sets the cookie and reloads the page, signed in
st.caption(_("Joining a workshop? Open the link or QR code the facilitator shows, or type the code at /join."))
