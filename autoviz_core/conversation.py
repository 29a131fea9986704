"""Whether a question asked while a plan is open follows up on it or starts a new one.

The app asks the person to confirm, so this is a default, said in one line with its reason.
It reads the question with the planner's own reader (column and value mentions, the lexicon's
follow-up words, the fitted follow-up edit reader): a question that names a column of the open
request follows up on it; one that names only other columns is new; one that names no column
follows up when the edit reader finds a change of the open request in it ("only for Lisbon",
"as a line chart", "leave out Friday"), and is new otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.planning.derive import read_question
from autoviz_core.planning.edits import edit_evidence
from autoviz_core.planning.followup import read_follow_up

# Follow-up words that tie a question to the chart on screen even when it names other columns
# ("by region instead", "split it by sex", "what about revenue?", "sales too"); the lexicon's
# follow_ups classes. Its "make", "every" and "only" classes ("as", "each", "only") are common in
# new questions too, so they decide nothing here.
TYING_WORDS = frozenset({"instead", "split", "about", "again", "also"})


@dataclass(frozen=True)
class TurnReading:
    """The default for a question asked while a plan is open, and why, in plain words."""

    follow_up: bool
    reason: str  # completes "Read as a follow-up: ..." / "Read as a new question: ..."


def request_columns(request: AnalysisRequest) -> list[str]:
    """The columns the open request shows: its axes, colour, measures and filters."""
    named = [request.x, request.y, request.color, *request.measures]
    named += [f.column for f in request.filters]
    return list(dict.fromkeys(c for c in named if c))


def read_turn(
    question: str,
    current: AnalysisRequest,
    profile: SchemaProfile,
    df: pd.DataFrame | None = None,
) -> TurnReading:
    """Follow-up or new question, for `question` asked while `current` is open."""
    cues = read_question(question, profile, df).cues
    shown = request_columns(current)
    named = cues.columns
    valued = list(dict.fromkeys(v.column for v in cues.values))
    in_common = [c for c in [*named, *valued] if c in shown]
    if in_common:
        return TurnReading(True, f"it names {_names(in_common)}, which the open chart uses.")
    tying = [
        " ".join(t.orig for t in cues.toks[h.start : h.end])
        for h in edit_evidence(cues, current, profile).hits
        if h.label in TYING_WORDS
    ]
    if tying:
        return TurnReading(True, f"it says “{tying[0]}”, which changes the open chart.")
    if named:
        which = (
            "which the open chart does not use"
            if len(named) == 1
            else "none of which the open chart uses"
        )
        return TurnReading(False, f"it names {_names(named)}, {which}.")
    reading = read_follow_up(question, current, profile, df)
    if reading.understood and reading.changes:
        change = reading.changes[0]
        return TurnReading(True, f"it changes the open chart — {change[:1].lower()}{change[1:]}.")
    return TurnReading(False, "it names no column the open chart uses and no change to it.")


def _names(columns: list[str]) -> str:
    shown = columns[:3]
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]
    return text + (" …" if len(columns) > 3 else "")
