"""Writes followups.jsonl: the planner's own conversations for the follow-up edit model (committed).

Each conversation is a first chart question and one to three follow-ups on a table of
bench/train/tables.py (none belongs to an evaluation set). Every turn carries the whole state
it leaves (x, y, agg, chart, colour, time grain, limit, sort, filters as [column, op, value]),
in the format of the evaluation's conversations. The follow-ups cover every kind of edit: add,
replace, negate and clear a filter, replace the grouping or split it by a colour, swap the
measure, the aggregation, the chart, the grain, top-N and the order, each phrased several ways.
A seeded generator picks tables, columns and values, so rerunning reproduces the file.

    .venv/bin/python -m bench.train.make_followups
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("followups.jsonl")
SEED = 20261207


@dataclass
class Table:
    """What a conversation may name on one table."""

    measures: dict[str, tuple[list[str], bool]]  # column -> (ways to say it, additive)
    groups: dict[str, list[str]]  # categorical column -> ways to say it
    values: dict[str, list[tuple[str, list[str]]]]  # column -> [(value, ways to say it)]
    entity: str
    date: str | None = None
    year: str | None = None
    years: tuple[int, int] | None = None
    thresholds: dict[str, list[int]] = field(default_factory=dict)


T: dict[str, Table] = {
    "orders": Table(
        {
            "revenue": (["revenue", "sales"], True),
            "qty": (["quantity", "units"], True),
            "unit_price": (["unit price"], False),
        },
        {
            "store": ["store"],
            "product_type": ["product type", "type of product"],
            "customer_segment": ["segment", "customer segment"],
        },
        {
            "store": [
                ("North", ["North", "the northern store", "North store"]),
                ("South", ["South", "the southern store"]),
                ("West", ["West", "the western store"]),
                ("Central", ["Central"]),
            ],
            "product_type": [
                ("Tech", ["Tech", "tech products"]),
                ("Garden", ["Garden", "garden products"]),
                ("Office", ["Office"]),
            ],
            "customer_segment": [
                ("Corporate", ["Corporate", "corporate customers"]),
                ("Consumer", ["Consumer", "consumers"]),
            ],
        },
        "orders",
        date="order_date",
        years=(2023, 2024),
        thresholds={"qty": [5, 8], "unit_price": [80]},
    ),
    "employees": Table(
        {
            "salary": (["salary", "pay"], True),
            "age": (["age"], False),
            "performance_score": (["performance score"], False),
        },
        {
            "dept": ["department", "dept"],
            "job_level": ["job level", "level"],
            "office_city": ["office", "city"],
            "gender": ["gender"],
            "years_of_service": ["years of service", "tenure"],  # a number grouped by
        },
        {
            "dept": [
                ("Sales", ["Sales", "the sales team"]),
                ("Engineering", ["Engineering", "engineers"]),
                ("Finance", ["Finance"]),
            ],
            "office_city": [("Lisbon", ["Lisbon"]), ("Berlin", ["Berlin"]), ("Osaka", ["Osaka"])],
            "job_level": [
                ("Senior", ["Senior", "senior staff"]),
                ("Junior", ["Junior", "juniors"]),
            ],
        },
        "employees",
        year="hire_year",
        years=(2005, 2020),
        thresholds={"age": [40, 30], "salary": [70000]},
    ),
    "weather": Table(
        {
            "temp_max": (["max temperature", "high temperature"], False),
            "precip_mm": (["rainfall", "precipitation"], True),
            "wind_kmh": (["wind speed"], False),
        },
        {"city": ["city"], "conditions": ["conditions", "weather conditions"]},
        {
            "city": [("Harbor City", ["Harbor City"]), ("Hill Town", ["Hill Town"])],
            "conditions": [
                ("rain", ["rain", "rainy days"]),
                ("sun", ["sun", "sunny days"]),
                ("snow", ["snow"]),
            ],
        },
        "days",
        date="date",
        years=(2021, 2023),
        thresholds={"temp_max": [25], "wind_kmh": [20]},
    ),
    "cars": Table(
        {
            "mpg": (["mpg", "fuel economy"], False),
            "price": (["price"], False),
            "horsepower": (["horsepower"], False),
        },
        {"make": ["make", "brand"], "origin": ["origin"], "cylinders": ["cylinders"]},
        {
            "make": [("Avalon", ["Avalon"]), ("Corvo", ["Corvo"]), ("Elan", ["Elan"])],
            "origin": [
                ("USA", ["USA", "American cars", "the Americans"]),
                ("Japan", ["Japan", "Japanese cars", "the Japanese"]),
                ("Europe", ["Europe", "European cars"]),
            ],
        },
        "cars",
        year="model_year",
        years=(2000, 2015),
        thresholds={"horsepower": [150], "mpg": [30]},
    ),
    "gapminder": Table(
        {
            "lifeExp": (["life expectancy"], False),
            "gdpPercap": (["gdp per capita"], False),
            "pop": (["population"], True),
        },
        {"continent": ["continent"], "country": ["country"]},
        {
            "continent": [
                ("Asia", ["Asia", "Asian countries"]),
                ("Europe", ["Europe", "European countries"]),
                ("Africa", ["Africa", "African countries"]),
                ("Americas", ["the Americas"]),
            ],
            "country": [
                ("Japan", ["Japan", "the Japanese"]),
                ("Brazil", ["Brazil", "the Brazilians"]),
                ("Germany", ["Germany", "the Germans"]),
                ("India", ["India", "the Indians"]),
            ],
        },
        "rows",
        year="year",
        years=(1952, 2007),
        thresholds={"lifeExp": [60, 70]},
    ),
    "patients": Table(
        {
            "recovery_days": (["recovery time", "days to recover"], False),
            "bmi": (["bmi"], False),
            "blood_pressure": (["blood pressure"], False),
        },
        {"treatment": ["treatment", "arm"], "smoker": ["smoking status"], "sex": ["sex"]},
        {
            "treatment": [
                ("placebo", ["placebo", "the placebo group"]),
                ("high dose", ["high dose", "the high dose arm"]),
                ("low dose", ["low dose"]),
            ],
            "smoker": [("yes", ["smokers"]), ("no", ["non-smokers"])],
        },
        "patients",
        thresholds={"age": [65, 50], "bmi": [30]},
    ),
    "housing": Table(
        {"sale_price": (["sale price", "price"], False), "floor_area_m2": (["floor area"], False)},
        {
            "neighbourhood": ["neighbourhood", "area"],
            "garage": ["garage"],
            "rooms": ["number of rooms"],
        },
        {
            "neighbourhood": [
                ("Riverside", ["Riverside"]),
                ("Old Town", ["Old Town"]),
                ("Harbour", ["Harbour"]),
            ],
            "garage": [("yes", ["houses with a garage"]), ("no", ["houses without a garage"])],
        },
        "houses",
        date="sold_on",
        years=(2022, 2023),
        thresholds={"rooms": [3, 4], "sale_price": [300000]},
    ),
    "students": Table(
        {
            "math_score": (["math score", "maths"], False),
            "reading_score": (["reading score"], False),
            "study_hours": (["study hours"], True),
        },
        {"school": ["school"], "gender": ["gender"], "passed": ["pass status"]},
        {
            "school": [
                ("North High", ["North High"]),
                ("East High", ["East High"]),
                ("West High", ["West High"]),
            ],
            "gender": [("girl", ["girls"]), ("boy", ["boys"])],
        },
        "students",
        thresholds={"study_hours": [10, 5], "math_score": [70]},
    ),
    "companies": Table(
        {
            "sales": (["sales", "revenue"], True),
            "staff": (["staff", "headcount"], True),
            "assets": (["assets"], False),
        },
        {"company": ["company", "firm"]},
        {
            "company": [
                ("Acme Corp", ["Acme Corp", "Acme"]),
                ("Helix Labs", ["Helix Labs", "Helix"]),
                ("Granite Co", ["Granite Co"]),
                ("Delta Works", ["Delta Works"]),
            ]
        },
        "rows",
        year="year",
        years=(2001, 2020),
        thresholds={"sales": [1000]},
    ),
    "incidents": Table(
        {"count": (["incidents", "number of incidents"], True), "cost_k": (["cost"], True)},
        {"category": ["category", "type"]},
        {
            "category": [
                ("fire", ["fire", "fires"]),
                ("flood", ["flood", "floods"]),
                ("theft", ["theft", "thefts"]),
            ]
        },
        "rows",
        year="year",
        years=(2015, 2024),
    ),
    "web": Table(
        {
            "visits": (["visits"], True),
            "conversions": (["conversions"], True),
            "bounce_rate": (["bounce rate"], False),
        },
        {"channel": ["channel"]},
        {"channel": [("Search", ["Search"]), ("Email", ["Email"]), ("Social", ["Social"])]},
        "days",
        date="day",
        years=(2024, 2024),
        thresholds={"visits": [700]},
    ),
    "members": Table(
        {"points_total": (["points"], True), "visits": (["visits"], True)},
        {"rank": ["rank", "tier"], "city": ["city"]},
        {
            "rank": [
                ("Gold", ["Gold", "gold members"]),
                ("Silver", ["Silver"]),
                ("Bronze", ["Bronze"]),
            ],
            "city": [("Lisbon", ["Lisbon"]), ("Porto", ["Porto"]), ("Faro", ["Faro"])],
        },
        "members",
        date="join_date",
        years=(2020, 2024),
        thresholds={"visits": [50]},
    ),
}

FIRST = [
    ("{agg_word} {m} by {g}", "bar"),
    ("{agg_word} {m} per {g}", "bar"),
    ("{agg_word} {m} for each {g}", "bar"),
    ("how many {e} per {g}?", "count"),
    ("number of {e} by {g}", "count"),
    ("{m} by {g}", "bar"),
]
AGG_WORDS = {"sum": ["total", "sum of"], "mean": ["average", "mean", "avg"], "median": ["median"],
             "max": ["maximum", "max"], "min": ["minimum", "lowest"]}  # fmt: skip
ONLY = ["only {v}", "just {v}", "only for {v}", "{v} only", "now only {v}", "restrict it to {v}",
        "filter to {v}", "just the {v} ones", "only show {v}", "keep only {v}"]  # fmt: skip
EXCLUDE = ["leave out {v}", "without {v}", "exclude {v}", "except {v}", "drop {v}", "not {v}",
           "remove {v}", "everything but {v}", "ignore {v}", "leave {v} out", "all except {v}",
           "skip {v}", "take out {v}", "no {v}"]  # fmt: skip
REPLACE = ["what about {v}?", "and for {v}?", "now {v}", "how about {v}?", "{v} instead",
           "same for {v}", "and {v}?", "show {v} instead", "switch to {v}"]  # fmt: skip
CLEAR = ["for everyone again", "all {gs} again", "remove the filter", "back to all rows",
         "for all {gs} again", "the whole table again", "no filter", "drop the filter", "show all {gs}"]  # fmt: skip
SET_X = ["by {g} instead", "per {g} instead", "group by {g} instead", "now by {g}", "show it by {g} instead",
         "switch the grouping to {g}", "{g} instead of {g0}"]  # fmt: skip
SET_COLOR = ["split by {g}", "break it down by {g}", "colour by {g}", "color it by {g}", "and by {g} too",
             "split it by {g}", "with a colour per {g}", "broken down by {g}", "stack by {g}",
             "one series per {g}"]  # fmt: skip
SET_Y = ["what about {m}?", "now for {m}", "show {m} instead", "use {m} instead", "and {m}?",
         "same for {m}", "{m} instead", "switch to {m}"]  # fmt: skip
SET_AGG = {"mean": ["use the average instead", "averages please", "show the mean instead", "mean instead",
                    "make it the average"],
           "median": ["median instead", "use the median", "show the median"],
           "sum": ["show the total", "as a sum", "totals instead", "sum it instead", "use the total"],
           "max": ["the max instead", "use the maximum", "show the maximum"],
           "min": ["use the minimum", "the min instead", "show the lowest"]}  # fmt: skip
SET_CHART = {"pie": ["as a pie", "make it a pie chart", "show it as a pie chart", "pie please"],
             "line": ["as a line chart", "line instead", "make it a line", "show it as a line"],
             "bar": ["as a bar chart", "as bars", "make it a bar chart", "bar chart instead"]}  # fmt: skip
SET_GRAIN = {"week": ["per week instead", "weekly instead", "by week"],
             "month": ["monthly instead", "per month instead", "by month"],
             "quarter": ["by quarter instead", "quarterly", "per quarter"],
             "year": ["yearly instead", "per year", "by year instead"]}  # fmt: skip
TOP = [("top {n} only", "desc"), ("just the {n} highest", "desc"), ("only the {n} biggest", "desc"),
       ("the {n} lowest only", "asc"), ("bottom {n}", "asc"), ("show the top {n}", "desc")]  # fmt: skip
SORT = [("sort it from high to low", "desc"), ("sort ascending", "asc"), ("lowest first", "asc"),
        ("highest first", "desc"), ("sort descending", "desc"), ("order it from low to high", "asc")]  # fmt: skip
NUM_FILTER = [("only where {m} is above {t}", ">"), ("just {e} with {m} over {t}", ">"),
              ("only those with {m} of at least {t}", ">="), ("{m} below {t} only", "<"),
              ("only {e} with {m} under {t}", "<")]  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip
MONTH_SPAN = ["only {m1} through {m2}", "just the months {m1} to {m2}", "only the {season} months, {m1} to {m2}",
              "{m1} to {m2} only", "restrict it to {m1} through {m2}"]  # fmt: skip
YEAR_FILTER = [("only {y}", "=="), ("just {y}", "=="), ("only after {y}", ">"), ("from {y} on", ">="),
               ("before {y} only", "<"), ("only since {y}", ">=")]  # fmt: skip


class Writer:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.rows: list[dict[str, Any]] = []

    def pick(self, options: list[Any]) -> Any:
        return self.rng.choice(options)


DATE_FIRST = [
    ("{agg_word} {m} per {grain}", None), ("{grain_adj} {agg_word} {m}", None), ("{m} over time", "month"),
    ("{agg_word} {m} by {grain}", None), ("how did {m} develop per {grain}?", None),
]  # fmt: skip
GRAIN_ADJ = {
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}


def first_turn(t: Table, w: Writer) -> tuple[str, dict[str, Any]]:
    if t.date and w.rng.random() < 0.35:
        return date_first_turn(t, w)
    text, kind = w.pick(FIRST)
    g = w.pick(list(t.groups))
    state: dict[str, Any] = {"x": g}
    if kind == "count":
        state["agg"] = "count"
    else:
        m = w.pick(list(t.measures))
        additive = t.measures[m][1]
        agg = w.pick(
            ["sum", "mean", "median", "max"] if additive else ["mean", "median", "max", "min"]
        )
        if text.startswith("{m}"):
            agg = "sum" if additive else "mean"
        state.update(y=m, agg=agg)
        text = text.replace("{agg_word}", w.pick(AGG_WORDS[agg])).replace(
            "{m}", w.pick(t.measures[m][0])
        )
    q = text.replace("{g}", w.pick(t.groups[g])).replace("{e}", t.entity)
    state["filters"] = []
    return q, state


def date_first_turn(t: Table, w: Writer) -> tuple[str, dict[str, Any]]:
    """A first question over the table's dates: a line of a measure per period."""
    text, fixed = w.pick(DATE_FIRST)
    grain = fixed or w.pick(["day", "week", "month", "quarter"])
    m = w.pick(list(t.measures))
    agg = (
        ("sum" if t.measures[m][1] else "mean")
        if fixed
        else w.pick(["sum", "mean"] if t.measures[m][1] else ["mean", "max"])
    )
    q = (
        text.replace("{agg_word}", w.pick(AGG_WORDS[agg])).replace("{m}", w.pick(t.measures[m][0]))
        .replace("{grain_adj}", GRAIN_ADJ[grain]).replace("{grain}", grain)
    )  # fmt: skip
    state: dict[str, Any] = {"x": t.date, "y": m, "agg": agg, "chart": "line", "filters": []}
    if not fixed:  # "over time" leaves the period to the planner: the gold does not pin it
        state["time_grain"] = grain
    return q, state


def follow(t: Table, state: dict[str, Any], w: Writer) -> tuple[str, dict[str, Any]] | None:
    """One follow-up and the state it leaves, or None when this edit does not fit."""
    s = copy.deepcopy(state)
    kind = w.pick(["only", "only", "exclude", "exclude", "replace", "clear", "x", "color", "color",
                   "y", "agg", "chart", "grain", "grain", "top", "sort", "num", "year", "year",
                   "year_again", "months"])  # fmt: skip
    if kind == "year_again":
        period = t.year or t.date
        earlier = [f for f in s["filters"] if f[0] == period and f[1] == "=="]
        if not earlier or t.years is None:
            return None
        y = w.rng.randint(*t.years)
        if y == earlier[0][2]:
            return None
        s["filters"] = [f for f in s["filters"] if f[0] != period] + [[period, "==", y]]
        return w.pick(
            ["now {y}", "what about {y}?", "and {y}?", "{y} instead", "same for {y}"]
        ).replace("{y}", str(y)), s
    filtered_cols = [f[0] for f in s["filters"]]
    value_cols = [c for c in t.values if c != s.get("x") or kind in ("exclude", "only")]
    if kind in ("only", "exclude", "replace"):
        if kind == "replace":
            value_cols = [
                c
                for c in filtered_cols
                if c in t.values and any(f[1] == "==" for f in s["filters"] if f[0] == c)
            ]
        if not value_cols:
            return None
        col = w.pick(value_cols)
        used = {f[2] for f in s["filters"] if f[0] == col}
        choices = [v for v in t.values[col] if v[0] not in used]
        if not choices:
            return None
        value, says = w.pick(choices)
        phrase = w.pick({"only": ONLY, "exclude": EXCLUDE, "replace": REPLACE}[kind])
        q = phrase.replace("{v}", w.pick(says))
        if kind == "exclude":
            s["filters"] = [f for f in s["filters"] if not (f[0] == col and f[1] == "==")]
            s["filters"].append([col, "!=", value])
        else:
            s["filters"] = [f for f in s["filters"] if f[0] != col]
            s["filters"].append([col, "==", value])
        return q, s
    if kind == "clear":
        if not s["filters"]:
            return None
        col = s["filters"][0][0]
        gs = (t.groups.get(col) or [col])[0] + "s"
        s["filters"] = []
        return w.pick(CLEAR).replace("{gs}", gs), s
    if kind in ("x", "color"):
        options = [
            g for g in t.groups if g not in (s.get("x"), s.get("color")) and g not in filtered_cols
        ]
        if not options:
            return None
        g = w.pick(options)
        if kind == "x":
            q = (
                w.pick(SET_X)
                .replace("{g}", w.pick(t.groups[g]))
                .replace("{g0}", w.pick(t.groups.get(s["x"], [s["x"]])))
            )
            s["x"] = g
            if s.get("color") == g:
                s.pop("color")
        else:
            if s.get("chart") == "pie":
                return None
            q = w.pick(SET_COLOR).replace("{g}", w.pick(t.groups[g]))
            s["color"] = g
        return q, s
    if kind == "y":
        options = [m for m in t.measures if m != s.get("y")]
        if not options:
            return None
        m = w.pick(options)
        q = w.pick(SET_Y).replace("{m}", w.pick(t.measures[m][0]))
        if s.get("agg") in (None, "count"):
            s["agg"] = "sum" if t.measures[m][1] else "mean"
        s["y"] = m
        return q, s
    if kind == "agg":
        if s.get("agg") in (None, "count"):
            return None
        options = [a for a in SET_AGG if a != s["agg"] and (a != "sum" or t.measures[s["y"]][1])]
        a = w.pick(options)
        s["agg"] = a
        return w.pick(SET_AGG[a]), s
    if kind == "chart":
        options = [
            c
            for c in SET_CHART
            if c != s.get("chart", "bar") and not (c == "pie" and s.get("color"))
        ]
        if not t.date and not t.year:
            options = [c for c in options if c != "line"]
        c = w.pick(options)
        s["chart"] = c
        return w.pick(SET_CHART[c]), s
    if kind == "grain":
        if not t.date or s.get("x") != t.date:
            return None
        options = [g for g in SET_GRAIN if g != s.get("time_grain")]
        g = w.pick(options)
        s["time_grain"] = g
        return w.pick(SET_GRAIN[g]), s
    if kind == "top":
        text, direction = w.pick(TOP)
        n = w.pick([3, 5, 10])
        s["limit"], s["sort_dir"] = n, direction
        return text.replace("{n}", str(n)), s
    if kind == "sort":
        text, direction = w.pick(SORT)
        s["sort_dir"] = direction
        return text, s
    if kind == "num":
        cols = [c for c in t.thresholds if c not in filtered_cols]
        if not cols:
            return None
        col = w.pick(cols)
        text, op = w.pick(NUM_FILTER)
        limit = w.pick(t.thresholds[col])
        say = w.pick(t.measures[col][0]) if col in t.measures else col.replace("_", " ")
        s["filters"].append([col, op, limit])
        return text.replace("{m}", say).replace("{t}", str(limit)).replace("{e}", t.entity), s
    if kind == "months":
        if not t.date or t.years is None or t.years[0] != t.years[1] or t.date in filtered_cols:
            return None
        a = w.rng.randint(0, 8)
        b = w.rng.randint(a + 1, min(a + 3, 11))
        text = w.pick(MONTH_SPAN).replace("{m1}", MONTHS[a]).replace("{m2}", MONTHS[b])
        text = text.replace("{season}", w.pick(["summer", "winter", "spring", "autumn"]))
        s["filters"].append([t.date, ">=", f"{t.years[0]}-{a + 1:02d}-01"])
        s["filters"].append([t.date, "<", f"{t.years[0] + (b == 11)}-{(b + 1) % 12 + 1:02d}-01"])
        return text, s
    if kind == "year":
        period = t.year or t.date
        if period is None or t.years is None or t.years[0] == t.years[1] or period in filtered_cols:
            return None
        text, op = w.pick(YEAR_FILTER)
        y = w.rng.randint(*t.years)
        if s.get("x") == period and op == "==":
            return None  # a chart over time filtered to one year groups nothing
        s["filters"].append([period, op, y])
        return text.replace("{y}", str(y)), s
    return None


def conversation(name: str, t: Table, w: Writer, k: int) -> dict[str, Any]:
    q, state = first_turn(t, w)
    turns = [{"q": q, "gold": gold(state)}]
    tries = 0
    while len(turns) < k and tries < 20:
        tries += 1
        step = follow(t, state, w)
        if step is None:
            continue
        q, state = step
        turns.append({"q": q, "gold": gold(state)})
    return {"id": f"tf-{name}-{len(w.rows) + 1:03d}", "table": name, "turns": turns}


def gold(state: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in state.items() if k != "filters" and v is not None}
    if state.get("filters"):
        out["filters"] = [list(f) for f in state["filters"]]
    return out


# Charts over a number column ("houses by number of rooms"), then a comparison that names no
# column ("just 3 or more"): it compares the numbers on the chart's axis. Thresholds per column.
AXIS_NUMBERS = {
    "housing": {"rooms": [3, 4, 5, 6]},
    "cars": {"cylinders": [5, 6, 7]},
    "employees": {"years_of_service": [5, 10, 15, 20]},
}
AXIS_FILTER = [("just {t} or more", ">="), ("only {t} or more", ">="), ("{t} and up only", ">="),
               ("only those with at least {t}", ">="), ("just the ones above {t}", ">"),
               ("only more than {t}", ">"), ("only fewer than {t}", "<"), ("just {t} or fewer", "<="),
               ("under {t} only", "<"), ("only up to {t}", "<="), ("keep only {t} or less", "<="),
               ("only those over {t}", ">")]  # fmt: skip
AXIS_SEED = 20261208


def axis_conversation(name: str, column: str, w: Writer) -> dict[str, Any]:
    """A chart over a number column, a comparison on it that names no column, maybe one more
    edit of another kind."""
    t = T[name]
    text, kind = w.pick(FIRST)
    state: dict[str, Any] = {"x": column, "filters": []}
    if kind == "count":
        state["agg"] = "count"
    else:
        m = w.pick(list(t.measures))
        agg = "sum" if t.measures[m][1] else "mean"
        if not text.startswith("{m}"):
            agg = w.pick(["mean", "max"] if not t.measures[m][1] else ["sum", "mean"])
        state.update(y=m, agg=agg)
        text = text.replace("{agg_word}", w.pick(AGG_WORDS[agg])).replace(
            "{m}", w.pick(t.measures[m][0])
        )
    q = text.replace("{g}", w.pick(t.groups[column])).replace("{e}", t.entity)
    turns = [{"q": q, "gold": gold(state)}]
    phrase, op = w.pick(AXIS_FILTER)
    limit = w.pick(AXIS_NUMBERS[name][column])
    state = copy.deepcopy(state)
    state["filters"].append([column, op, limit])
    turns.append({"q": phrase.replace("{t}", str(limit)), "gold": gold(state)})
    if w.rng.random() < 0.5:
        step = follow(t, state, w)
        if step is not None:
            turns.append({"q": step[0], "gold": gold(step[1])})
    return {"id": f"tf-{name}-{len(w.rows) + 1:03d}", "table": name, "turns": turns}


def main() -> None:
    w = Writer()
    for name, table in T.items():
        for _ in range(22):
            w.rows.append(conversation(name, table, w, w.rng.choice([2, 3, 3, 4])))
    w.rng = random.Random(AXIS_SEED)  # added later: the conversations above stay as they were
    for name, columns in AXIS_NUMBERS.items():
        for column in columns:
            for _ in range(12):
                w.rows.append(axis_conversation(name, column, w))
    OUT.write_text("".join(json.dumps(r) + "\n" for r in w.rows), encoding="utf-8")
    turns = sum(len(r["turns"]) - 1 for r in w.rows)
    print(f"wrote {len(w.rows)} conversations ({turns} follow-ups) to {OUT}")


if __name__ == "__main__":
    main()
