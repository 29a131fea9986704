"""The questions of this session: every plan version, which one is open, reopening one.

A new question starts a new thread (a version without a parent); follow-ups, re-plans and chosen
readings continue the open one. Earlier threads stay in the list and reopen like any version.
A version holds what the planner proposed (PlannedAnalysis), the draft as the person left it
and, once approved, the approval and its results, so a follow-up keeps their edits and an
earlier version reopens exactly as it was, its results included.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from autoviz_core.planning.followup import PreviousVersion, request_from_plan
from ui import state
from ui.steps import plan_from_draft


@dataclass
class Version:
    """One plan version: the words asked, the plan proposed, the draft as edited, what changed."""

    number: int
    asked: str  # what the person typed for this version
    kind: str  # "question" | "follow-up" | "re-plan" | "alternative"
    planned: Any  # PlannedAnalysis
    draft: list[dict[str, Any]]
    parent: int | None = None  # the version number this one changed
    changes: list[str] = field(default_factory=list)  # the request's changes, in words
    plan_changes: list[str] = field(default_factory=list)  # the plan's changes, in words
    kept_edits: list[str] = field(default_factory=list)
    # what was approved and run for this version (kept so that reopening it shows its results)
    approved: Any = None
    approved_draft: str | None = None
    run: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.number}. {self.asked}"

    @property
    def has_results(self) -> bool:
        return self.run is not None


def versions() -> list[Version]:
    return list(state.get(state.THREAD) or [])


def current() -> Version | None:
    thread, index = versions(), state.get(state.CURRENT)
    return thread[index] if thread and index is not None and index < len(thread) else None


def save_draft() -> None:
    """Store the open draft in its version, with its approval and results if it has them
    (before another version opens)."""
    version = current()
    draft = state.get(state.DRAFT)
    if version is None or draft is None:
        return
    version.draft = copy.deepcopy(draft)
    version.approved = state.get(state.APPROVED)  # None once edited after approval
    version.approved_draft = state.get(state.APPROVED_DRAFT)
    version.run = state.get(state.RUN)


def _fresh(draft: list[dict[str, Any]], plan_version: int) -> list[dict[str, Any]]:
    """The draft with new widget ids, so widgets open with its values, not stale ones."""
    return [{**copy.deepcopy(s), "uid": f"v{plan_version}-{i}"} for i, s in enumerate(draft)]


def _open(version: Version) -> None:
    plan_version = state.get(state.PLAN_VERSION, 0) + 1
    state.set_plan(version.planned.question, version.planned, _fresh(version.draft, plan_version))
    st.session_state[state.CURRENT] = version.number - 1
    if version.approved is not None:  # approved before: its approval and results come back
        st.session_state[state.APPROVED] = version.approved
        st.session_state[state.APPROVED_DRAFT] = version.approved_draft
        if version.run is not None:
            st.session_state[state.RUN] = version.run


def start(asked: str, planned: Any, draft: list[dict[str, Any]]) -> Version:
    """A new question: a new thread, its first version without a parent. The earlier threads
    stay in the list, each reopens as it was left."""
    save_draft()
    thread = versions()
    version = Version(len(thread) + 1, asked, "question", planned, copy.deepcopy(draft))
    st.session_state[state.THREAD] = [*thread, version]
    _open(version)
    return version


def root(version: Version) -> Version:
    """The first version of `version`'s thread (the question that started it)."""
    thread = versions()
    while version.parent is not None and 1 <= version.parent <= len(thread):
        version = thread[version.parent - 1]
    return version


def threads() -> list[list[Version]]:
    """The versions grouped by thread, each in the order asked, threads in the order started."""
    groups: dict[int, list[Version]] = {}
    for version in versions():
        groups.setdefault(root(version).number, []).append(version)
    return list(groups.values())


def add(
    asked: str,
    planned: Any,
    draft: list[dict[str, Any]],
    *,
    kind: str,
    changes: list[str] | None = None,
    plan_changes: list[str] | None = None,
    kept_edits: list[str] | None = None,
) -> Version:
    """A new version after the open one (a follow-up, a re-plan or a chosen alternative)."""
    save_draft()
    parent = current()
    thread = versions()
    version = Version(
        len(thread) + 1,
        asked,
        kind,
        planned,
        copy.deepcopy(draft),
        parent.number if parent else None,
        list(changes or []),
        list(plan_changes or []),
        list(kept_edits or []),
    )
    st.session_state[state.THREAD] = [*thread, version]
    _open(version)
    return version


def reopen(number: int) -> None:
    """Open an earlier version with its plan and its edits as they were left."""
    save_draft()
    thread = versions()
    if 1 <= number <= len(thread):
        _open(thread[number - 1])


def previous_for_follow_up() -> PreviousVersion | None:
    """The open version as a follow-up reads it: its request and plan with the person's edits."""
    version, draft = current(), state.get(state.DRAFT)
    planned = state.get(state.PLANNED)
    if planned is None or draft is None:
        return None
    edited = plan_from_draft(draft)
    return PreviousVersion(
        planned.question,
        planned.intent,
        request_from_plan(edited, planned.request),
        edited,
        planned.plan if version is not None else None,
    )


def open_request() -> Any:
    """The open version's request with the person's edits to the answer chart (or None)."""
    previous = previous_for_follow_up()
    return previous.request if previous is not None else None
