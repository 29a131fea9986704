"""Word-level normalisation shared by cue extraction: tokens, plurals, column-name splitting."""

from __future__ import annotations

import re

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
# Common abbreviations in column names, expanded so "first name" finds "Fname".
ABBREVIATIONS = {
    "fname": "first name",
    "lname": "last name",
    "dob": "date of birth",
    "qty": "quantity",
    "amt": "amount",
    "num": "number",
    "no": "number",
    "pct": "percent",
    "avg": "average",
    "cnt": "count",
    "desc": "description",
    "addr": "address",
    "dept": "department",
    "yr": "year",
    "mo": "month",
    "temp": "temperature",
    "pop": "population",
    "lifeexp": "life expectancy",
    "gdppercap": "gdp per capita",
}
_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "countries": "country",
    "cities": "city",
    "categories": "category",
    "indices": "index",
    "data": "data",
    "series": "series",
    "species": "species",
    "status": "status",
    "sales": "sale",
    "bus": "bus",
    "gas": "gas",
    "sex": "sex",
    "stadiums": "stadium",
    "analysis": "analysis",
    "address": "address",
    "business": "business",
    "class": "class",
    "glass": "glass",
    "process": "process",
    "premises": "premise",
    "headquarters": "headquarter",
    "news": "news",
}


_SHORT_KEEP = {"yes", "has", "was", "its", "his", "this", "gas", "bus", "ps", "vs"}


def singular(word: str) -> str:
    """A light English singulariser: enough to match "regions" with "region"."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) < 3 or word in _SHORT_KEEP or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of free text, singularised."""
    return [singular(t) for t in _WORD.findall(text.lower())]


def column_tokens(name: str) -> list[str]:
    """Tokens of a column name: camelCase, snake_case, kebab and abbreviations all split."""
    out: list[str] = []
    for piece in re.split(r"[^A-Za-z0-9]+", name):
        whole = ABBREVIATIONS.get(piece.lower())
        if whole:
            out.extend(whole.split())
            continue
        for w in _CAMEL.sub(" ", piece).split():
            low = w.lower()
            out.extend(ABBREVIATIONS.get(low, low).split())
    return [singular(t) for t in out if t]


def norm(text: str) -> str:
    """Case-, separator- and plural-insensitive key for exact comparisons."""
    return " ".join(tokens(_CAMEL.sub(" ", text)))
