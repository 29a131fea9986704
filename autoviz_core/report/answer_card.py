"""The answer as a card: the value in a few characters, a change beside it, the sentence under it.

The app shows it as a metric card above the evidence chart (labelled with the step's own
sentence, "The median of tip"). Everything comes from the answer object the answer step
computed (tools/answers.py), so the card, the headline and the JSON say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autoviz_core.tools.answers import num

VERDICT_WORDS = {"normal": "Yes", "not normal": "No", "significant": "Yes", "not significant": "No"}


@dataclass(frozen=True)
class AnswerCard:
    """What the card shows: the value, an optional change, and the full sentence."""

    value: str
    detail: str
    delta: str | None = None


def answer_card(answer: dict[str, Any] | None) -> AnswerCard | None:
    """The card of an answer object; None for a chart question or a question not computed."""
    if not answer or answer.get("kind") in (None, "unsupported") or not answer.get("method"):
        return None
    kind, text = answer["kind"], str(answer.get("text", ""))
    value, values = answer.get("value"), answer.get("values") or {}
    if value is None:  # too few values, a tie, a constant column: the sentence says why
        return AnswerCard("—", text)
    if kind in ("distribution", "group_difference"):
        return AnswerCard(VERDICT_WORDS.get(str(answer.get("verdict")), str(value)), text)
    if kind == "change":
        pct = values.get("percent_change")
        delta = None if pct is None else f"{'+' if pct > 0 else ''}{num(pct)}%"
        return AnswerCard(f"{'+' if float(value) > 0 else ''}{num(value)}", text, delta)
    if kind == "statistic" and "percent" in values and "total" in values:
        return AnswerCard(f"{num(value)}%", text)  # a share
    return AnswerCard(num(value), text)
