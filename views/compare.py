"""Compare: the open audit against its baseline (an earlier audit of the journey) or a competitor's."""

from __future__ import annotations

import streamlit as st

from audit import compare_charts, i18n
from audit.access import Action
from audit.compare import CHANGE_HEADERS, MEASURES, Kind, compare_with
from audit.i18n import _
from audit.store import StoreError
from ui import state, tables


def changes(kind: Kind) -> set[str]:
    """The change columns (their headers as the comparison's tables write them): written with their sign."""
    return {_(CHANGE_HEADERS[kind]).format(measure=i18n.label(measure)) for measure in MEASURES}


store, audit, actor = state.store(), state.current_audit(), state.actor()
st.title(_("Compare"))
info = store.check(actor, audit)  # read access, checked on the server
others = [name for name in store.roles(actor) if name != audit]
if not others:
    st.info(
        _(
            "There is no other audit to compare with. Import last quarter's workbook (or a competitor's audit, "
            "scored with the same method) as a new audit on the Import page, then come back."
        )
    )
    st.stop()

KINDS = {Kind.BASELINE: _("An earlier audit of this journey (baseline)"), Kind.COMPETITOR: _("A competitor's audit")}
REMEMBER = {
    # TRANSLATORS: a button; {audit} is the other audit's name.
    Kind.BASELINE: _("Remember '{audit}' as this audit's baseline"),
    # TRANSLATORS: a button; {audit} is the other audit's name.
    Kind.COMPETITOR: _("Remember '{audit}' as this audit's competitor"),
}
left, right = st.columns([3, 2])
default = others.index(info.compared_with) if info.compared_with in others else None
other = left.selectbox(_("Compare with"), others, index=default, key="compare_with", placeholder=_("Choose an audit"))
kind = right.radio(
    # TRANSLATORS: the other audit is... (a baseline, or a competitor's audit)
    _("It is"),
    list(KINDS),
    format_func=KINDS.__getitem__,
    index=list(KINDS).index(Kind(info.compared_as)),
    key="compare_kind",
)
if other is None:
    st.info(_("Choose the audit to compare with: an earlier audit of the same journey, or a competitor's."))
    st.stop()
changed = (other, kind) != (info.compared_with, info.compared_as)
if changed and state.may(Action.EDIT) and st.button(REMEMBER[kind].format(audit=other), key="keep"):
    try:
        store.set_comparison(audit, other, kind.value, actor=actor)
        st.toast(_("Saved: this audit opens compared with it."))
        st.rerun()
    except StoreError as error:
        st.error(str(error))

comparison = compare_with(store, actor, audit, store.snapshot(audit).result, other, kind)

st.markdown("\n".join(f"- {line}" for line in comparison.sentences()))
figures = st.columns(4)
moved = comparison.touchpoints["beyond_noise"].eq(True)
figures[0].metric(
    _("Matched touchpoints"), i18n.integer(len(comparison.touchpoints)), help=_("Matched by id, then by name")
)
words = comparison.words
not_yet = comparison.sentences()[0] if comparison.unscored else None  # "-" with why, never a misleading 0
figures[1].metric(
    words["moved"],
    "-" if not_yet else i18n.integer(int(moved.sum())),
    help=not_yet or _("Touchpoints whose change is larger than the room's disagreement"),
)
weak = list(comparison.weak_lists().items())
figures[2].metric(
    words["weak_figure"],
    "-" if not_yet else f"{i18n.integer(len(weak[0][1]))} / {i18n.integer(len(weak[1][1]))}",
    # TRANSLATORS: {list} names a list of weak spots ("still open", "weak in both"); {n} counts it.
    help=not_yet or _("Weak spots; {list}: {n}").format(list=weak[2][0].lower(), n=i18n.integer(len(weak[2][1]))),
)
gaps = list(comparison.gap_lists().items())
figures[3].metric(
    words["gap_figure"], f"{i18n.integer(len(gaps[0][1]))} / {i18n.integer(len(gaps[1][1]))}", help=_("Coverage gaps")
)

st.subheader(_("Stages"))
reason = compare_charts.empty_reason(comparison)
if reason:
    st.info(reason)
else:
    st.altair_chart(compare_charts.stages(comparison), width="stretch")
    st.caption(compare_charts.caption("stages", comparison))
stage_table = comparison.stage_table()
tables.show(stage_table, key="compare_stage_table", signed=changes(comparison.kind))

st.subheader(_("Touchpoints of a stage"))
stage = st.selectbox(_("Stage"), comparison.stages["stage"].tolist(), key="compare_stage")
if stage is not None and (comparison.touchpoints["stage"] == stage).any():
    st.altair_chart(compare_charts.touchpoints(comparison, stage), width="stretch")
    st.caption(compare_charts.caption("touchpoints", comparison))
else:
    st.caption(_("No matched touchpoint in this stage."))
only_moved = st.toggle(_("Only changes beyond the noise"), key="compare_only_moved")
table = comparison.touchpoint_table()[moved.to_numpy()] if only_moved else comparison.touchpoint_table()
tables.show(table, key="compare_touchpoint_table", signed=changes(comparison.kind))

left, right = st.columns(2)
with left:
    st.subheader(_("Weak spots"))
    if comparison.unscored:
        st.caption(comparison.sentences()[0])
    for title, ids in comparison.weak_lists().items():
        if ids:
            st.markdown(f"**{title} ({i18n.integer(len(ids))})**: " + i18n.join(comparison.named(ids)))
with right:
    st.subheader(_("Coverage gaps"))
    for title, listed in comparison.gap_lists().items():
        # TRANSLATORS: what a list of coverage gaps says when it has none.
        gaps_said = " ".join(g.message for g in listed) or _("none")
        st.markdown(f"**{title} ({i18n.integer(len(listed))})**: {gaps_said}")
st.subheader(_("Not matched"))
headers = {"id": _("Id"), "name": _("Name"), "stage": _("Stage")}  # the columns people read; the data stays
left, right = st.columns(2)
left.caption(_("Only in {audit}").format(audit=other))
left.dataframe(comparison.unmatched_before.rename(columns=headers), hide_index=True, key="unmatched_before")
right.caption(_("Only in {audit}").format(audit=audit))
right.dataframe(comparison.unmatched_after.rename(columns=headers), hide_index=True, key="unmatched_after")
