"""Find the first JSON object in free model text (braces inside strings are ignored)."""

from __future__ import annotations

import json


def first_json_object(text: str) -> str | None:
    """The first balanced `{...}` span of `text` that parses as JSON, or None.

    A scanner rather than a regex: it tracks string literals and escapes, so a `}` inside a
    rationale does not end the object. A balanced span that is not JSON (prose like "{x}") is
    skipped; an object that is never closed ends the search, because every later brace is
    inside it — returning an inner object of a truncated answer would hide the truncation.
    """
    start = text.find("{")
    while start != -1:
        end = _matching_brace(text, start)
        if end is None:
            return None
        candidate = text[start : end + 1]
        if _parses(candidate):
            return candidate
        start = text.find("{", start + 1)
    return None


def _parses(candidate: str) -> bool:
    try:
        json.loads(candidate)
    except ValueError:
        return False
    return True


def _matching_brace(text: str, start: int) -> int | None:
    """Index of the brace closing the one at `start`, or None if the text ends first."""
    depth = 0
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index if char == "}" else None
    return None
