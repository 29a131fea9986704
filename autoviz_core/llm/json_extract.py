"""Find the first JSON object in free model text (braces inside strings are ignored)."""

from __future__ import annotations

import json

MAX_CANDIDATES = 64  # balanced spans tried before giving up: garbage stays cheap to reject


def first_json_object(text: str) -> str | None:
    """The first balanced `{...}` span of `text` that parses as JSON, or None.

    A scanner rather than a regex: it tracks string literals and escapes, so a `}` inside a
    rationale does not end the object. A balanced span that is not JSON (prose like "{x}") is
    skipped; an object that is never closed ends the search, because every later brace is
    inside it — returning an inner object of a truncated answer would hide the truncation.
    One pass finds every brace's partner, so brace spam costs linear time, not quadratic.
    """
    closing = _matching_braces(text)
    tried = 0
    start = text.find("{")
    while start != -1 and tried < MAX_CANDIDATES:
        end = closing.get(start)
        if end is None:
            return None
        candidate = text[start : end + 1]
        if _parses(candidate):
            return candidate
        tried += 1
        start = text.find("{", start + 1)
    return None


def _parses(candidate: str) -> bool:
    try:
        json.loads(candidate)
    except ValueError:
        return False
    return True


def _matching_braces(text: str) -> dict[int, int]:
    """Opening-brace index -> its closing-brace index, for every object that closes.

    Strings are tracked from the first brace on; a bracket closing a brace (or the reverse)
    leaves that opener unmatched, as does the end of the text.
    """
    first = text.find("{")
    out: dict[int, int] = {}
    if first == -1:
        return out
    stack: list[tuple[str, int]] = []
    in_string = escaped = False
    for index in range(first, len(text)):
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
            stack.append((char, index))
        elif char in "}]" and stack:
            opener, at = stack.pop()
            if opener == "{" and char == "}":
                out[at] = index
    return out
