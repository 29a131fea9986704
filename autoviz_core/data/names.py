"""The words of a column name, split one way everywhere: separators, camelCase and runs of letters
and digits ("car_hours" -> car, hours; "gdpPercap" -> gdp, percap; "pop2007" -> pop, 2007).
Additivity (data/semantics.py) and the planner's column matching (planning/text.py) both read
names through it, so a name cannot be one word to one and two to the other."""

from __future__ import annotations

import re
from functools import lru_cache

_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
_CAMEL = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """A column name's lower-case words, in order."""
    out: list[str] = []
    for piece in _SEPARATORS.split(name):
        out.extend(w.lower() for w in _CAMEL.sub(" ", piece).split())
    return tuple(out)
