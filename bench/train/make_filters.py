"""Writes filters.jsonl: the planner's own questions for the filter model (committed).

Each question is a chart question on a table of bench/train/tables.py (none belongs to an
evaluation set, the tables and their ways of naming columns and values are make_followups'),
with none, one or two filters said in one of many ways: a value ("for Lisbon", "the northern
store only"), a list ("Tech or Garden"), an exclusion ("not counting Berlin"), a comparison
("with more than 8 units", "salary of at least 70000"), a range ("between 30 and 40"), two
bounds joined by "or" ("under 30 or over 40": the rows outside), a year or years ("in 2021 or
2022", "since 2019", "from 2019 to 2021"). Questions that name values to compare ("Tech vs
Garden") or a grouping ("per store") and no filter are in it too: their candidates are the
negatives. The gold filters are [column, op, value], as in the conversations.

    .venv/bin/python -m bench.train.make_filters
"""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any

import pandas as pd

from autoviz_core.planning.lexicon import load_lexicon
from bench.train.make_followups import T, Table, Writer, first_turn
from bench.train.tables import TABLES

OUT = Path(__file__).with_name("filters.jsonl")
SEED = 20261208
PER_TABLE = 110

VALUE = ["for {v}", "only {v}", "{v} only", "just {v}", "where {g} is {v}", "among {v}",
         "for {v} alone", "restricted to {v}", "limited to {v}", "with {g} equal to {v}",
         "for the {v} {g} only", "in {g} {v}", "for {g} {v}"]  # fmt: skip
LIST = ["for {v1} or {v2}", "for {v1} and {v2} only", "only {v1} or {v2}", "where {g} is {v1} or {v2}",
        "for either {v1} or {v2}", "just {v1} and {v2}"]  # fmt: skip
EXCLUDE = ["excluding {v}", "except {v}", "without {v}", "not counting {v}", "other than {v}",
           "leaving out {v}", "apart from {v}", "ignoring {v}", "where {g} is not {v}", "but not {v}",
           "with {v} left out", "filtering out {v}"]  # fmt: skip
ABOVE = [("where {m} is above {n}", ">"), ("with {m} over {n}", ">"), ("with more than {n} {m}", ">"),
         ("with {m} of at least {n}", ">="), ("with {m} {n} or more", ">="), ("whose {m} exceeds {n}", ">"),
         ("with {m} greater than {n}", ">"), ("having {m} no less than {n}", ">=")]  # fmt: skip
BELOW = [("with {m} below {n}", "<"), ("where {m} is under {n}", "<"), ("with less than {n} {m}", "<"),
         ("with {m} of at most {n}", "<="), ("with {m} {n} or less", "<="), ("whose {m} is lower than {n}", "<"),
         ("having {m} no more than {n}", "<=")]  # fmt: skip
RANGE = ["with {m} between {a} and {b}", "where {m} is between {a} and {b}", "with {m} from {a} to {b}",
         "whose {m} lies between {a} and {b}"]  # fmt: skip
OUTSIDE = ["with {m} below {a} or above {b}", "where {m} is under {a} or over {b}",
           "with {m} less than {a} or more than {b}", "whose {m} is above {b} or below {a}"]  # fmt: skip
YEAR = [("in {y}", "=="), ("{y} only", "=="), ("during {y}", "=="), ("since {y}", ">="), ("after {y}", ">"),
        ("before {y}", "<"), ("from {y} onwards", ">=")]  # fmt: skip
YEARS = ["in {y1} or {y2}", "in either {y1} or {y2}", "for {y1} or {y2}", "during {y1} or {y2}"]
YEAR_SPAN = ["from {y1} to {y2}", "between {y1} and {y2}", "{y1} through {y2}", "{y1}-{y2}"]
COMPARED = ["{v1} vs {v2}", "compare {v1} and {v2}", "{v1} versus {v2}", "{v1} compared with {v2}"]
CODE = [("where {c} is {n}", "=="), ("with {c} {n}", "=="), ("with {n} {c}", "=="), ("whose {c} is {n}", "=="),
        ("{c} equal to {n}", "=="), ("where {c} is not {n}", "!="), ("with {c} other than {n}", "!=")]  # fmt: skip
KINDS = ["value", "value", "list", "exclude", "exclude", "above", "below", "range", "outside",
         "year", "years", "year_span", "none", "none", "compared", "code", "counted",
         "described"]  # fmt: skip
# A comparative adjective that names its measure ("older than 50": age), for the measures
# that have one; the operator is the lexicon's reading of "<word> than".
DESCRIBED = {"age": ["older", "younger"], "sale_price": ["pricier", "cheaper", "more expensive"],
             "unit_price": ["pricier", "cheaper"], "weight_lbs": ["heavier", "lighter"],
             "wind_kmh": ["windier", "calmer"], "precip_mm": ["wetter", "drier"],
             "price": ["pricier", "cheaper"], "salary": ["richer", "poorer"]}  # fmt: skip
DESCRIBED_WAYS = ["for {e} {w} than {n}", "only {e} {w} than {n}", "among {e} {w} than {n}",
                  "for {e} that are {w} than {n}", "for those {w} than {n}"]  # fmt: skip
# A yes/no column said as a word before the counted rows ("how many smoker patients"): the
# whole question is the template, the state word and its gold value per table.
COUNTED = ["how many {s} {e} are there per {g}?", "how many {s} {e} per {g}?",
           "number of {s} {e} for each {g}", "count the {s} {e} by {g}"]  # fmt: skip
STATE_WORDS = {"patients": ("smoker", [("smoker", "yes"), ("non-smoker", "no")]),
               "housing": ("garage", [("garage", "yes")]),
               "students": ("passed", [("passed", "yes")])}  # fmt: skip


# A quantity said as a state of the rows: "with children" (more than none), "without pets" and
# "with no cars" (none). On a table of its own, appended
# after the others with a seed of its own, so the questions above stay as they were.
HOUSEHOLDS = Table(
    {"income": (["income", "household income"], False), "rent": (["rent", "monthly rent"], False)},
    {"region": ["region"], "tenure": ["tenure"]},
    {
        "region": [("Coast", ["Coast"]), ("Valley", ["Valley"]), ("Metro", ["Metro"])],
        "tenure": [("owner", ["owners"]), ("renter", ["renters"])],
    },
    "households",
)
QUANTITIES = {"children": ["children", "kids"], "pets": ["pets"], "cars": ["cars", "a car"]}
HAS_SOME = ["for {e} with {c}", "only {e} with {c}", "among {e} with {c}", "for those with {c}",
            "{e} with {c} only"]  # fmt: skip
HAS_NONE = ["for {e} without {c}", "only {e} with no {c}", "for {e} that have no {c}",
            "among {e} without any {c}"]  # fmt: skip
QUANTITY_QUESTIONS = 60


def quantity_questions() -> list[dict[str, Any]]:
    """Questions whose filter is a quantity said as a state of the rows."""
    w = Writer()
    w.rng = random.Random(SEED + 1)
    rows = []
    while len(rows) < QUANTITY_QUESTIONS:
        q, _ = first_turn(HOUSEHOLDS, w)
        col = w.pick(sorted(QUANTITIES))
        kind = w.pick(["some", "some", "none"])
        word = w.pick(QUANTITIES[col])
        if kind == "none":
            text, gold = w.pick(HAS_NONE), [[col, "==", 0]]
        else:
            text, gold = w.pick(HAS_SOME), [[col, ">", 0]]
        if word.startswith("a ") and kind == "none":
            word = word[2:] + "s"  # "with no cars"
        text = text.replace("{e}", HOUSEHOLDS.entity).replace("{c}", word)
        rows.append({"id": f"tq-households-{len(rows) + 1:03d}", "table": "households",
                     "question": f"{q.rstrip('?')} {text}", "filters": gold})  # fmt: skip
    return rows


def words(column: str, t: Table) -> list[str]:
    """The ways to say a column: its own words when the table spec has none."""
    if column in t.measures:
        return t.measures[column][0]
    if column in t.groups:
        return t.groups[column]
    return [column.replace("_", " ")]


def phrase(kind: str, t: Table, w: Writer, x: str | None) -> tuple[str, list[list[Any]]] | None:
    """One filter phrase of `kind` and its gold filters, or None when the table has no use for it."""
    rng = w.rng
    if kind in ("value", "list", "exclude", "compared"):
        cols = [
            c
            for c in t.values
            if c != x and len(t.values[c]) >= (2 if kind in ("list", "compared") else 1)
        ]
        if kind == "compared":
            cols = [c for c in t.values if len(t.values[c]) >= 2]
        if not cols:
            return None
        col = w.pick(cols)
        g = w.pick(t.groups.get(col, [col.replace("_", " ")]))
        if kind == "value":
            value, ways = w.pick(t.values[col])
            return w.pick(VALUE).replace("{g}", g).replace("{v}", w.pick(ways)), [
                [col, "==", value]
            ]
        if kind == "exclude":
            value, ways = w.pick(t.values[col])
            return w.pick(EXCLUDE).replace("{g}", g).replace("{v}", w.pick(ways)), [
                [col, "!=", value]
            ]
        (v1, ways1), (v2, ways2) = rng.sample(t.values[col], 2)
        if kind == "compared":
            return w.pick(COMPARED).replace("{v1}", ways1[0]).replace("{v2}", ways2[0]), []
        text = w.pick(LIST).replace("{g}", g).replace("{v1}", ways1[0]).replace("{v2}", ways2[0])
        return text, [[col, "in", [v1, v2]]]
    if kind == "code":
        codes = w.codes  # type: ignore[attr-defined]
        if not codes:
            return None
        col = w.pick(sorted(codes))
        n = w.pick(codes[col])
        text, op = w.pick(CODE)
        return text.replace("{c}", w.pick(words(col, t))).replace("{n}", str(n)), [[col, op, n]]
    if kind == "described":
        cols = [c for c in DESCRIBED if c in w.limits]  # type: ignore[attr-defined]
        if not cols:
            return None
        col = w.pick(cols)
        word = w.pick(DESCRIBED[col])
        op = ">" if f"{word} than" in load_lexicon().raw.filters["gt"] else "<"
        n = _round(w.limits[col] / 2)  # type: ignore[attr-defined]
        text = w.pick(DESCRIBED_WAYS).replace("{e}", t.entity).replace("{w}", word)
        return text.replace("{n}", str(n)), [[col, op, n]]
    if kind in ("above", "below", "range", "outside"):
        if not t.thresholds:
            return None
        col = w.pick(list(t.thresholds))
        n = w.pick(t.thresholds[col])
        m = w.pick(words(col, t))
        if kind in ("above", "below"):
            text, op = w.pick(ABOVE if kind == "above" else BELOW)
            return text.replace("{m}", m).replace("{n}", str(n)), [[col, op, n]]
        top = w.limits[col]  # type: ignore[attr-defined]
        low, high = sorted({n, _round(top)})
        if low == high:
            return None
        text = w.pick(RANGE if kind == "range" else OUTSIDE)
        text = text.replace("{m}", m).replace("{a}", str(low)).replace("{b}", str(high))
        if kind == "range":
            return text, [[col, ">=", low], [col, "<=", high]]
        return text, [[col, "outside", [low, high]]]
    period = t.year or t.date
    if period is None or t.years is None:
        return None
    first, last = t.years
    if last <= first:
        return None
    if kind == "year":
        y = rng.randint(first + 1, last)
        text, op = w.pick(YEAR)
        return text.replace("{y}", str(y)), [[period, op, y]]
    y1 = rng.randint(first, last - 1)
    y2 = rng.randint(y1 + 1, last)
    if kind == "years":
        return w.pick(YEARS).replace("{y1}", str(y1)).replace("{y2}", str(y2)), [
            [period, "in", [y1, y2]]
        ]
    text = w.pick(YEAR_SPAN).replace("{y1}", str(y1)).replace("{y2}", str(y2))
    return text, [[period, ">=", y1], [period, "<=", y2]]


def _round(x: float) -> int:
    """A number as a person would say it: two significant digits."""
    digits = max(0, len(str(int(abs(x)))) - 2)
    return int(round(x, -digits))


def upper_values(name: str, t: Table) -> dict[str, float]:
    """The 80th percentile of every threshold (or described) column: the upper bound a range
    may name."""
    df = TABLES[name]()
    cols = [*t.thresholds, *(c for c in DESCRIBED if c in df.columns)]
    return {c: float(df[c].quantile(0.8)) for c in cols}


def code_values(name: str, t: Table) -> dict[str, list[int]]:
    """Whole-number columns of a few values (cylinders, rooms): their values, as codes."""
    df = TABLES[name]()
    out = {}
    for c in df.columns:
        s = df[c].dropna()
        if c in (t.year, t.date) or "year" in c or not pd.api.types.is_integer_dtype(s):
            continue
        if 2 < s.nunique() <= 12:
            out[c] = sorted(int(v) for v in s.unique())
    return out


def with_lexicon_forms(t: Table) -> Table:
    """The table's value ways plus the lexicon's other forms of each value ("Japanese" for
    Japan), which a person may use and the reader knows."""
    lex = load_lexicon()
    values = {}
    for col, pairs in t.values.items():
        values[col] = [
            (v, list(dict.fromkeys([*ways, *(" ".join(f) for f in lex.value_forms.get(phrase_of(v), []) if len(" ".join(f)) > 3)])))
            for v, ways in pairs
        ]  # fmt: skip
    return dataclasses.replace(t, values=values)


def phrase_of(value: str) -> tuple[str, ...]:
    return tuple(value.lower().split())


def counted_question(name: str, t: Table, w: Writer) -> dict[str, Any] | None:
    """'how many smoker patients per arm?': the state word names the yes/no column's value."""
    if name not in STATE_WORDS:
        return None
    column, ways = STATE_WORDS[name]
    word, value = w.pick(ways)
    g = w.pick([c for c in t.groups if c != column])
    text = w.pick(COUNTED).replace("{s}", word).replace("{e}", t.entity)
    text = text.replace("{g}", w.pick(t.groups[g]))
    return {"table": name, "question": text, "filters": [[column, "==", value]]}


def question(name: str, t: Table, w: Writer) -> dict[str, Any] | None:
    kinds = [w.pick(KINDS)]
    if kinds[0] == "counted":
        return counted_question(name, t, w)
    q, state = first_turn(t, w)
    if kinds[0] not in ("none", "compared") and w.rng.random() < 0.3:
        kinds.append(
            w.pick([k for k in KINDS if k not in ("none", "compared", "counted", kinds[0])])
        )
    filters: list[list[Any]] = []
    parts = []
    for kind in kinds:
        if kind == "none":
            continue
        made = phrase(kind, t, w, state.get("x"))
        if made is None:
            return None
        text, gold = made
        if any(g[0] == f[0] for g in gold for f in filters):
            return None  # one filter phrase per column
        parts.append(text)
        filters += gold
    joiner = w.pick([" ", ", ", " and "]) if len(parts) == 2 else " "
    text = q.rstrip("?") + (" " + joiner.join(parts) if parts else "")
    return {"table": name, "question": text.strip(), "filters": filters}


def main() -> None:
    w = Writer()
    w.rng = random.Random(SEED)
    rows = []
    for name, spec in T.items():
        table = with_lexicon_forms(spec)
        w.limits = upper_values(name, table)  # type: ignore[attr-defined]
        w.codes = code_values(name, table)  # type: ignore[attr-defined]
        made = 0
        while made < PER_TABLE:
            row = question(name, table, w)
            if row is None:
                continue
            made += 1
            rows.append({"id": f"tq-{name}-{made:03d}", **row})
    rows += quantity_questions()
    OUT.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} questions to {OUT}")


if __name__ == "__main__":
    main()
