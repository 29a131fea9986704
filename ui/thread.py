"""The thread of questions: every plan version of this session, which one is open, reopening one.

A version holds what the planner proposed (PlannedAnalysis) and the draft as the person left it,
so a follow-up can keep their edits and an earlier version reopens exactly as it was.
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

    @property
    def label(self) -> str:
        return f"{self.number}. {self.asked}"


def versions() -> list[Version]:
    return list(state.get(state.THREAD) or [])


def current() -> Version | None:
    thread, index = versions(), state.get(state.CURRENT)
    return thread[index] if thread and index is not None and index < len(thread) else None


def save_draft() -> None:
    """Store the open draft in its version (before another version opens)."""
    version = current()
    draft = state.get(state.DRAFT)
    if version is not None and draft is not None:
        version.draft = copy.deepcopy(draft)


def _fresh(draft: list[dict[str, Any]], plan_version: int) -> list[dict[str, Any]]:
    """The draft with new widget ids, so widgets open with its values, not stale ones."""
    return [{**copy.deepcopy(s), "uid": f"v{plan_version}-{i}"} for i, s in enumerate(draft)]


def _open(version: Version) -> None:
    plan_version = state.get(state.PLAN_VERSION, 0) + 1
    state.set_plan(version.planned.question, version.planned, _fresh(version.draft, plan_version))
    st.session_state[state.CURRENT] = version.number - 1


def start(asked: str, planned: Any, draft: list[dict[str, Any]]) -> Version:
    """A new question: a new thread with this plan as version 1."""
    version = Version(1, asked, "question", planned, copy.deepcopy(draft))
    st.session_state[state.THREAD] = [version]
    _open(version)
    return version


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
