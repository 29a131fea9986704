"""The Finding record: a leaf module, so the headline and the findings list both use it without
importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One sentence and the step that produced it (so a reader can trace it)."""

    step_id: str
    tool: str
    text: str
    primary: bool = False
    headline: bool = False  # the answer to the question

    def to_dict(self) -> dict[str, Any]:
        return {
            "step_id": self.step_id,
            "tool": self.tool,
            "text": self.text,
            "headline": self.headline,
        }
