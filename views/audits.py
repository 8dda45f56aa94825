"""Audits: the ones you own or that are shared with you. Open, create, load the sample, share, delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from audit import i18n
from audit.access import ROLE_LABELS, ROLE_SENTENCES, SHARED_ROLES, Action, Role
from audit.i18n import _, pgettext
from audit.store import StoreError
from ui import auth, state, tables


def role_label(role: Role | str | None) -> str:
    return _(ROLE_LABELS[Role(role)]) if role else ""


def set_language(audit: str, picked: str) -> None:
    """A language picked for the open audit: stored before the page runs again (in it, from then on)."""
    code = st.session_state[picked]
    try:
        state.store().set_language(audit, code, actor=state.actor())
    except StoreError as error:
        st.session_state["audits_error"] = str(error)
    else:
        st.session_state["audits_message"] = _("'{audit}' is in {language} now.").format(
            audit=audit, language=i18n.name(code)
        )


st.title(_("Audits"))
store, actor = state.store(), state.actor()
infos = store.list_audits(actor)
table = pd.DataFrame(
    [
        (a.name, a.client or "", role_label(a.role), a.owner, a.touchpoints, a.assessors, a.scores, a.updated_at)
        for a in infos
    ],
    columns=[_("Audit"), _("Client"), _("Your role"), pgettext("audit", "Owner"), _("Touchpoints"), _("Assessors"),
             _("Scores"), _("Updated")],
)  # fmt: skip
if infos:
    tables.show(table, key="audits_table")
else:
    st.info(
        _("You have no audits yet, and none is shared with you. Create one, import an inventory, or load the sample.")
    )

names = [a.name for a in infos]
current = st.session_state.get(state.AUDIT)
left, right = st.columns(2)
with left:
    if names:
        chosen = st.selectbox(_("Open an audit"), names, index=names.index(current) if current in names else 0,
                              key="open_audit")  # fmt: skip
        # TRANSLATORS: a button: open the audit chosen above.
        if st.button(_("Open"), key="open_button", type="primary") and chosen:
            state.open_audit(chosen)
            st.switch_page("views/dashboard.py")
    if st.button(_("Load the sample audit"), key="load_sample", help=_("Northwind Home, 48 touchpoints, 4 assessors")):
        state.open_audit(state.load_sample(actor))
        st.rerun()  # the navigation follows the open audit
with right, st.form("create_audit", clear_on_submit=True):
    st.markdown("**{title}**".format(title=_("New audit")))
    # TRANSLATORS: the new audit's name.
    name = st.text_input(_("Name"), key="new_audit_name")
    # TRANSLATORS: the client the audit is for.
    client = st.text_input(_("Client"), key="new_audit_client")
    # TRANSLATORS: a button: create the new audit.
    if st.form_submit_button(_("Create")):
        try:
            store.create_audit(name, actor=actor, client=client or None, stage_order=list(state.DEFAULT_STAGES))
            state.open_audit(name.strip())
            st.session_state["audits_message"] = _(
                "Created '{audit}'. Import its inventory on the Import page."
            ).format(audit=name.strip())
            st.rerun()
        except StoreError as error:
            st.error(str(error))
if "audits_message" in st.session_state:
    st.success(st.session_state.pop("audits_message"))

open_info = next((a for a in infos if a.name == current), None)
if open_info is not None and state.may(Action.EDIT):
    picked = f"audit_language|{open_info.name}"
    st.session_state[picked] = open_info.language  # shows the stored language, set here or elsewhere
    st.selectbox(
        _("Language of '{audit}'").format(audit=open_info.name),
        list(i18n.CODES),
        format_func=i18n.name,
        key=picked,
        on_change=set_language,
        args=(open_info.name, picked),
        help=_(
            "The language of its workbook and report, and of its pages for anyone who has not chosen one "
            "(participants too)."
        ),
    )
if "audits_error" in st.session_state:
    st.error(st.session_state.pop("audits_error"))

owned = [a.name for a in infos if a.role is Role.OWNER]
if current in owned and auth.mode() is not auth.Mode.LOCAL:  # local mode has nobody to share with
    with st.expander(_("Share '{audit}'").format(audit=current)):
        st.caption(
            _("Give another facilitator access by the e-mail they sign in with. {roles}.").format(
                roles="; ".join(_(ROLE_SENTENCES[r]) for r in SHARED_ROLES)
            )
        )
        with st.form("share_audit", clear_on_submit=True):
            email = st.text_input(_("E-mail"), key="share_email")
            # TRANSLATORS: share the audit as (editor, viewer).
            role = st.radio(_("As"), list(SHARED_ROLES), format_func=role_label, horizontal=True, key="share_role")
            # TRANSLATORS: a button: share the audit with the e-mail above.
            if st.form_submit_button(_("Share")):
                try:
                    auth.check_shareable(email)
                    store.share(current, email, Role(role), actor=actor)
                    st.success(
                        _("'{audit}' is shared with {email} as {role}.").format(
                            audit=current, email=email.strip().lower(), role=role_label(role)
                        )
                    )
                except StoreError as error:
                    st.error(str(error))
        shares = store.shares(current)
        for who, role in shares.items():
            row = st.columns([3, 1, 1])
            row[0].markdown(f"{who}")
            row[1].caption(role_label(role))
            # TRANSLATORS: a button: take this person's access away.
            if row[2].button(_("Remove"), key=f"unshare|{who}"):
                store.unshare(current, who, actor=actor)
                st.session_state["audits_message"] = _("{who} no longer has access to '{audit}'.").format(
                    who=who, audit=current
                )
                st.rerun()
        if not shares:
            st.caption(_("Shared with nobody yet."))

if owned:
    with st.expander(_("Delete an audit")):
        doomed = st.selectbox(_("Audit to delete (yours only)"), owned, key="delete_audit")
        # Keyed by the audit: ticking "yes" for one audit never carries over to another.
        sure = st.checkbox(_("Yes, delete '{audit}' with all its touchpoints and scores").format(audit=doomed),
                           key=f"delete_confirm|{doomed}")  # fmt: skip
        # TRANSLATORS: a button: delete the audit chosen above.
        if st.button(_("Delete"), key="delete_button", disabled=not sure) and doomed:
            try:
                store.delete_audit(doomed, actor=actor)
            except StoreError as error:
                st.error(str(error))
            else:
                st.session_state.pop(state.AUDIT, None)
                st.session_state["audits_message"] = _("Deleted '{audit}'.").format(audit=doomed)
                st.rerun()
