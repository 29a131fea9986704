"""Deterministic cues from the question: columns and values mentioned, aggregation, chart,
time grain, sort, top-N and filters. No model is involved; the planner uses the cues to
narrow what the model may choose and, where they are decisive, to decide on their own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import pandas as pd

from autoviz_core.contracts import RequestFilter
from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.planning.text import column_tokens, norm, singular, tokens

STOP = {
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
    "in",
    "on",
    "for",
    "to",
    "by",
    "with",
    "is",
    "are",
    "was",
    "were",
    "be",
    "me",
    "i",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "what",
    "which",
    "who",
    "whose",
    "how",
    "do",
    "doe",
    "did",
    "there",
    "their",
    "from",
    "at",
    "as",
    "all",
    "any",
    "each",
    "per",
    "show",
    "give",
    "list",
    "find",
    "draw",
    "plot",
    "chart",
    "graph",
    "bar",
    "pie",
    "line",
    "scatter",
    "histogram",
    "visualize",
    "visualise",
    "please",
    "want",
    "could",
    "can",
    "you",
    "about",
    "x",
    "y",
    "axis",
    "display",
    "sort",
    "order",
    "rank",
    "asc",
    "desc",
    "number",
    "total",
    "average",
    "mean",
    "sum",
    "count",
    "much",
    "many",
    "different",
    "distribution",
    "proportion",
    "compare",
    "comparison",
    "versus",
    "vs",
    "than",
    "between",
    "over",
    "data",
    "table",
    "dataset",
    "value",
    "my",
    "our",
    "we",
    "has",
    "have",
    "had",
    "get",
    "not",
    "no",
    "more",
    "less",
    "high",
    "low",
    "top",
}
_NUM = r"-?\d[\d,]*(?:\.\d+)?"
_WORDNUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
}

AGG_PATTERNS: list[tuple[str, str]] = [
    (r"\b(average|avg|mean)\b", "mean"),
    (r"\bmedian\b", "median"),
    (r"\b(maximum|max|highest|largest|biggest|greatest|oldest|most expensive|peak)\b", "max"),
    (r"\b(minimum|min|minimal|lowest|smallest|youngest|cheapest|least)\b", "min"),
    (
        r"\b(how many|number of|count of|count the|the count|frequency of|how often|"
        r"total number|amount of)\b",
        "count",
    ),
    (r"\b(total|sum of|sum|overall|combined|cumulative)\b", "sum"),
]
CHART_PATTERNS: list[tuple[str, str]] = [
    (r"\bpie\b|\bproportions?\b(?! to)|\bshare of\b|\bpercentage of\b|\bbreakdown\b", "pie"),
    (r"\bscatter|\bcorrelat|\brelationship|\bproportional to\b|\bagainst\b", "scatter"),
    (r"\bline (chart|graph|plot)\b|\btrend|\bover time\b|\btime series\b", "line"),
    (r"\bhistogram\b|\bdistribution of\b", "histogram"),
    (r"\bbox ?plot|\bboxplot\b|\bspread\b|\bviolin\b", "box"),
    (r"\bheat ?map\b", "heatmap"),
    (r"\bbar\b|\bbars\b|\bcolumn chart\b", "bar"),
]
GRAIN_PATTERNS: list[tuple[str, str]] = [
    (r"\b(weekday|day of (the )?week|weekend|weekends|weekdays)\b", "weekday"),
    (r"\b(daily|per day|each day|by day|a day|day by day|days)\b", "day"),
    (r"\b(weekly|per week|each week|by week)\b", "week"),
    (r"\b(monthly|per month|each month|by month|months)\b", "month"),
    (r"\b(quarterly|per quarter|by quarter|quarters)\b", "quarter"),
    (r"\b(yearly|annual|annually|per year|each year|by year|years)\b", "year"),
]
TEMPORAL_WORDS = re.compile(
    r"\b(trend|trends|over time|time series|daily|weekly|monthly|yearly|annual|season|"
    r"seasonal|seasonality|growth|evolv|evolution|change over|changed|history|timeline|"
    r"weekend|weekday|per day|each day|per month|per year|forecast|since|through the)\b"
)
INTENT_PATTERNS: dict[str, list[str]] = {
    "anomaly_detection": [
        r"\banomal",
        r"\boutlier",
        r"\bunusual",
        r"\bstrange",
        r"\babnormal",
        r"\bspike",
        r"\bweird",
        r"\bodd\b",
        r"\bsuspicious",
        r"\bextreme",
        r"\bunexpected",
        r"\bdeviat",
        r"\birregular",
        r"\bglitch",
        r"\bsurpris",
    ],
    "general_eda": [
        r"\boverview",
        r"\bsummar",
        r"\bdescribe",
        r"\bbig picture",
        r"\bexplore",
        r"\bprofile",
        r"\btell me about",
        r"\beach column",
        r"\bwhat is in\b",
        r"\bwhat's in\b",
        r"\bgeneral",
        r"\blook at the data",
        r"\bquality\b",
        r"\bmissing values",
        r"\bbasic stat",
    ],
    "segmentation_drivers": [
        r"\bdrive",
        r"\bdriver",
        r"\bexplain",
        r"\binfluenc",
        r"\bfactor",
        r"\bdetermin",
        r"\baffect",
        r"\bimpact",
        r"\bseparat",
        r"\bpredict",
        r"\bsegment",
        r"\bwhat makes\b",
        r"\brelated to\b",
        r"\bassociated",
        r"\bcorrelat",
        r"\bproportional",
        r"\bdepend",
        r"\bkey variable",
        r"\bcontribut",
    ],
    "time_series_investigation": [
        r"\btrend",
        r"\bover time\b",
        r"\btime series",
        r"\bdaily\b",
        r"\bweekly\b",
        r"\bmonthly\b",
        r"\byearly\b",
        r"\bseason",
        r"\bgrowth\b",
        r"\bevolution",
        r"\bchange over\b",
        r"\bweekend",
        r"\bforecast",
        r"\bday by day\b",
        r"\bper day\b",
        r"\bover the (year|month|week|day)s?\b",
        r"\btimeline",
        r"\bhistor",
    ],
    "comparative_analysis": [
        r"\bcompar",
        r"\bversus\b",
        r"\bvs\.?\b",
        r"\bbetween\b",
        r"\bacross\b",
        r"\beach\b",
        r"\bper\b",
        r"\bby\b",
        r"\bwhich\b",
        r"\bhighest\b",
        r"\blowest\b",
        r"\btop\b",
        r"\bmost\b",
        r"\bdiffer",
        r"\brank",
        r"\bhow many\b",
        r"\baverage\b",
        r"\btotal\b",
        r"\bbar chart\b",
        r"\bpie\b",
    ],
}
ADDITIVE = {
    "revenue",
    "sale",
    "unit",
    "total",
    "amount",
    "count",
    "quantity",
    "frequency",
    "hour",
    "population",
    "enrollment",
    "cost",
    "spend",
    "spent",
    "profit",
    "income",
    "order",
    "visit",
    "sold",
    "volume",
    "medal",
    "bill",
    "value",
    "number",
}
COUNT_COLUMN = re.compile(r"^(count|counts|n|number|num|qty|quantity|frequency|freq|total)$", re.I)


@dataclass
class Mention:
    """A column named in the question: where (token span) and how sure we are."""

    column: str
    start: int
    end: int
    score: float
    exact: bool


@dataclass
class ValueMention:
    column: str
    value: str
    start: int


@dataclass
class Cues:
    """Everything the question says, read deterministically."""

    question: str
    mentions: list[Mention] = field(default_factory=list)
    values: list[ValueMention] = field(default_factory=list)
    agg: str | None = None
    agg_target: str | None = None
    chart: str | None = None
    time_grain: str | None = None
    temporal: bool = False
    sort_by: str | None = None
    sort_dir: str | None = None
    sort_column: str | None = None
    limit: int = 0
    filters: list[RequestFilter] = field(default_factory=list)
    x_hint: str | None = None
    y_hint: str | None = None
    group_hint: str | None = None
    color_hint: str | None = None
    superlative: bool = False
    intent_scores: dict[str, float] = field(default_factory=dict)
    filter_columns: set[str] = field(default_factory=set)
    boolean_columns: dict[str, object] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Mentioned columns, first mention order, no repeats."""
        return list(dict.fromkeys(m.column for m in self.mentions))


# ------------------------------------------------------------------ column mentions
def _idf(profile: SchemaProfile) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for col in profile.columns:
        counts.update(set(column_tokens(col.name)))
    n = max(1, profile.n_columns)
    return {t: math.log(1 + n / c) for t, c in counts.items()}


def _token_match(q: str, c: str) -> float:
    """1 for equal tokens, less for a prefix or a typo, 0 otherwise."""
    if q == c:
        return 1.0
    if len(c) >= 4 and len(q) >= 4 and (q.startswith(c) or c.startswith(q)):
        return 0.85
    if len(q) >= 5 and len(c) >= 5 and SequenceMatcher(None, q, c).ratio() >= 0.84:
        return 0.8
    return 0.0


def find_mentions(qtok: list[str], profile: SchemaProfile) -> list[Mention]:
    """Column mentions: contiguous runs of question tokens covering a column name's tokens."""
    idf = _idf(profile)
    cands: list[Mention] = []
    for col in profile.columns:
        ctoks = column_tokens(col.name)
        content = [t for t in ctoks if t not in STOP] or ctoks
        weight = sum(idf.get(t, 1.0) for t in set(content)) or 1.0
        for start in range(len(qtok)):
            m = _match_at(qtok, start, set(content), idf, weight)
            if m:
                end, score, exact = m
                cands.append(Mention(col.name, start, end, score, exact and len(ctoks) > 0))
    return _choose_mentions(cands)


def _match_at(
    qtok: list[str], start: int, content: set[str], idf: dict[str, float], weight: float
) -> tuple[int, float, bool] | None:
    matched: dict[str, float] = {}
    i = start
    while i < len(qtok):
        best = max(((c, _token_match(qtok[i], c)) for c in content), key=lambda p: p[1])
        if best[1] > 0 and best[0] not in matched:
            matched[best[0]] = best[1]
            i += 1
        elif qtok[i] in STOP and i + 1 < len(qtok) and matched and qtok[i] in ("of", "to"):
            i += 1
        else:
            break
    if not matched or qtok[start] in STOP:
        return None
    score = sum(idf.get(t, 1.0) * s for t, s in matched.items()) / weight
    exact = set(matched) == content and all(s == 1.0 for s in matched.values())
    return i, score, exact


def _choose_mentions(cands: list[Mention]) -> list[Mention]:
    """Best non-overlapping mentions: exact beats partial, more coverage beats less.

    A partial mention of a column the question already named in full ("the location codes
    ... in each location") is a repeated reference and counts as strong.
    """
    exact_cols = {m.column for m in cands if m.exact}
    repeat = {id(m) for m in cands if not m.exact and m.column in exact_cols and m.score >= 0.25}
    for m in cands:
        if id(m) in repeat:
            m.score = max(m.score, 0.5)
    cands = [m for m in cands if m.score >= 0.5 or m.exact]
    cands.sort(
        key=lambda m: (
            -int(m.exact),
            -(m.end - m.start),
            -int(id(m) in repeat),
            -m.score,
            m.start,
            m.column,
        )
    )
    taken: list[Mention] = []
    used: set[int] = set()
    for m in cands:
        span = set(range(m.start, m.end))
        if span & used:
            continue
        taken.append(m)
        used |= span
    return sorted(taken, key=lambda m: m.start)


# ------------------------------------------------------------------ value mentions
def find_values(
    question: str, qtok: list[str], profile: SchemaProfile, df: pd.DataFrame | None
) -> list[ValueMention]:
    """Category values named in the question ("for female students", "lunch versus dinner")."""
    out: list[ValueMention] = []
    joined = " " + " ".join(qtok) + " "
    quoted = {q.lower() for q in re.findall(r"['\"]([^'\"]{1,60})['\"]", question)}
    for col in profile.columns:
        if col.role not in ("categorical", "boolean") or col.cardinality > 20000 or df is None:
            continue
        for raw in df[col.name].dropna().astype(str).unique()[:20000]:
            key = norm(raw)
            if not key or (len(key) < 3 and raw.lower() not in quoted) or key in STOP:
                continue
            pos = joined.find(" " + key + " ")
            if pos >= 0:
                out.append(ValueMention(col.name, raw, joined[:pos].count(" ")))
    return out


# ------------------------------------------------------------------ small detectors
def _first(patterns: list[tuple[str, str]], text: str) -> tuple[str, int] | None:
    hits = [(m.start(), label) for pat, label in patterns for m in [re.search(pat, text)] if m]
    if not hits:
        return None
    pos, label = min(hits)
    return label, pos


def detect_chart(text: str) -> str | None:
    explicit = re.search(r"\b(pie|bar|line|scatter|histogram|heat ?map|box)\b", text)
    if explicit and re.search(r"\b(chart|graph|plot|diagram)\b|histogram|\bpie\b", text):
        word = explicit.group(1).replace(" ", "")
        return {"heatmap": "heatmap"}.get(word, word)
    found = _first(CHART_PATTERNS, text)
    return found[0] if found else None


def detect_grain(text: str) -> str | None:
    found = _first(GRAIN_PATTERNS, text)
    return found[0] if found else None


def detect_limit(text: str) -> tuple[int, str | None]:
    m = re.search(
        r"\b(top|first|best|bottom|worst|last)\s+(\d+|" + "|".join(_WORDNUM) + r")\b", text
    )
    if not m:
        m2 = re.search(
            r"\b(\d+|" + "|".join(_WORDNUM) + r")\s+(highest|largest|most|biggest|"
            r"best|lowest|smallest|least|worst)\b",
            text,
        )
        if not m2:
            return 0, None
        n = _to_int(m2.group(1))
        return n, "asc" if m2.group(2) in ("lowest", "smallest", "least", "worst") else "desc"
    n = _to_int(m.group(2))
    return n, "asc" if m.group(1) in ("bottom", "worst") else "desc"


def _to_int(word: str) -> int:
    return _WORDNUM.get(word, 0) or int(word)


ASC = (
    r"\b(asc|ascending|ascend|low(est)? to (the )?high(est)?|increasing|alphabetical|"
    r"alphabetically|small(est)? to (the )?large(st)?|a to z|earliest first|oldest first)\b"
)
DESC = (
    r"\b(desc|descending|descend|high(est)? to (the )?low(est)?|decreasing|"
    r"large(st)? to (the )?small(est)?|z to a|latest first|newest first|reverse)\b"
)
SORT_VERB = r"\b(sort|sorted|order|ordered|rank|ranked|arrange|list|display|show)\b"


def detect_sort(text: str) -> tuple[str | None, int]:
    """Direction of an explicit sort and where in the text it was said (-1 if not)."""
    asc, desc = re.search(ASC, text), re.search(DESC, text)
    if asc and (not desc or asc.start() < desc.start()):
        return "asc", asc.start()
    if desc:
        return "desc", desc.start()
    m = re.search(r"\b(sort|sorted|order|ordered|rank|ranked)\s+(by|them by)\b", text)
    if m:
        return "asc", m.start()
    return None, -1


def sort_clause(text: str, pos: int) -> str:
    """From the sort verb before a direction word to the end of that clause."""
    verbs = [m for m in re.finditer(SORT_VERB, text) if m.start() <= pos and pos - m.start() < 80]
    start = verbs[-1].start() if verbs else max(0, pos - 40)
    ends = [i for i in (text.find(",", pos), text.find("?", pos), text.find(". ", pos)) if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def sort_target(clause: str) -> str | None:
    """'x' or 'y' when the sort clause names an axis or an aggregate, else None."""
    if re.search(
        r"\bx[- ]?axis\b|\bby (the )?x\b|\bthe x\b|\bx\b|\bbars?\b|\balphabetic|"
        r"\bnames?\b",
        clause,
    ):
        return "x"
    if re.search(
        r"\by[- ]?axis\b|\bby (the )?y\b|\bthe y\b|\by\b|\btotal number\b|"
        r"\bthe number\b|\bnumber of\b|\bcount\b|\baverage\b|\bsum\b|\bamount\b|"
        r"\btotal\b|\bfrequenc|\bmaximum\b|\bminimum\b",
        clause,
    ):
        return "y"
    return None


def intent_scores(text: str, has_temporal: bool) -> dict[str, float]:
    scores = {
        k: float(sum(1 for p in pats if re.search(p, text))) for k, pats in INTENT_PATTERNS.items()
    }
    if not has_temporal:
        scores["time_series_investigation"] = 0.0
    return scores


# ------------------------------------------------------------------ filters
CMP_WORDS: list[tuple[str, str]] = [
    (
        r"(greater|more|larger|higher|bigger|older|above|over|exceeds?|exceeding|later|after|"
        r"at least|no less)",
        "gt",
    ),
    (r"(less|smaller|lower|fewer|younger|below|under|before|earlier|at most|no more)", "lt"),
]


def detect_filters(
    question: str,
    text: str,
    qtok: list[str],
    mentions: list[Mention],
    values: list[ValueMention],
    profile: SchemaProfile,
) -> tuple[list[RequestFilter], set[str]]:
    """Filters from comparisons, 'between', 'contains', 'starts with', years and values.

    Returns the filters and the columns consumed as filter-only (not to be used as axes).
    """
    filters: list[RequestFilter] = []
    consumed: set[str] = set()
    numeric = set(profile.names("numeric", "identifier", "temporal"))
    words = question

    def column_near(pos_char: int, after: bool = False, numeric_only: bool = False) -> str | None:
        """The mentioned column just before a phrase, else (when `after`) the one just after it."""
        tok_index = len(tokens(text[:pos_char]))
        pool_all = [m for m in mentions if not numeric_only or m.column in numeric]
        before = [m for m in pool_all if m.end <= tok_index + 1]
        later = [m for m in pool_all if m.start >= tok_index]
        adjacent = [m for m in before if tok_index - m.end <= 2]
        if adjacent:
            return adjacent[-1].column
        pool = later[:1] if after and later and later[0].start - tok_index <= 4 else []
        pool = pool or before[-1:] or later[:1]
        return pool[0].column if pool else None

    for m in re.finditer(r"\bbetween\s+(" + _NUM + r")\s+and\s+(" + _NUM + r")", text):
        col = column_near(m.start(), numeric_only=True)
        if col in numeric:
            a, b = sorted([_num(m.group(1)), _num(m.group(2))])
            filters += [
                RequestFilter(column=col, op="ge", value=a),
                RequestFilter(column=col, op="le", value=b),
            ]
            consumed.add(col)

    def column_right_after(pos_char: int) -> str | None:
        tok_index = len(tokens(text[:pos_char]))
        nxt = [m for m in mentions if 0 <= m.start - tok_index <= 1]
        return nxt[0].column if nxt else None

    for pattern, op in CMP_WORDS:
        for m in re.finditer(
            r"\b" + pattern + r"\s+(than\s+|or equal to\s+)?(" + _NUM + r")", text
        ):
            word = m.group(1)
            col = _age_column(profile) if word in ("older", "younger") else None
            col = col or column_right_after(m.end()) or column_near(m.start(), after=True)
            if (col is None or col not in numeric) and word in ("under", "over", "above", "below"):
                col = _age_column(profile)
            if col and col in numeric and not _already(filters, col):
                real_op = {"gt": "ge", "lt": "le"}[op] if "least" in word or "no " in word else op
                if "or equal" in (m.group(2) or ""):
                    real_op = {"gt": "ge", "lt": "le"}[op]
                filters.append(_filter(col, real_op, _num(m.group(3))))
                consumed.add(col)
    for m in re.finditer(r"(>=|<=|!=|=|>|<)\s*(" + _NUM + r")", text):
        col = column_near(m.start())
        if col:
            op = {">=": "ge", "<=": "le", "!=": "ne", "=": "eq", ">": "gt", "<": "lt"}[m.group(1)]
            filters.append(_filter(col, op, _num(m.group(2))))
            consumed.add(col)
    for m in re.finditer(
        r"\b(contain|contains|containing|include|includes|including)\s+"
        r"['\"]?([\w.-]+)['\"]?",
        text,
    ):
        col = column_near(m.start())
        if col:
            filters.append(RequestFilter(column=col, op="contains", value=_orig(words, m.group(2))))
            consumed.add(col)
    for m in re.finditer(
        r"\b(start|starts|starting|begin|begins|beginning)\s+with\s+"
        r"['\"]?([\w.-]+)['\"]?",
        text,
    ):
        col = column_near(m.start())
        if col:
            filters.append(
                RequestFilter(column=col, op="startswith", value=_orig(words, m.group(2)))
            )
            consumed.add(col)
    filters += _not_filters(question, text, mentions, column_near, consumed)
    for m in re.finditer(r"\b(?<!not )(\w{4,}?)(ed|ing) in (" + _NUM + r")\b", text):
        col = next(
            (
                mm.column
                for mm in mentions
                if norm(mm.column).startswith(m.group(1)[:4]) and mm.column not in consumed
            ),
            None,
        )
        if col:
            filters.append(RequestFilter(column=col, op="eq", value=_num(m.group(3))))
            consumed.add(col)
    filters += _year_filters(text, profile, consumed)
    return filters, consumed


def _filter(column: str, op: str, value: object) -> RequestFilter:
    """A filter from an operator computed at run time (validated by the model)."""
    return RequestFilter.model_validate({"column": column, "op": op, "value": value})


def _already(filters: list[RequestFilter], col: str) -> bool:
    return any(f.column == col and f.op in ("gt", "lt", "ge", "le") for f in filters)


def _not_filters(question, text, mentions, column_near, consumed) -> list[RequestFilter]:  # type: ignore[no-untyped-def]
    out: list[RequestFilter] = []
    for m in re.finditer(
        r"\b(is not|isn't|are not|not|other than|except|excluding)\s+"
        r"(?:\w+ing in\s+|in\s+|equal to\s+)?['\"]?([\w.-]+)['\"]?",
        text,
    ):
        value = m.group(2)
        if value in STOP or value in ("a", "an", "the"):
            continue
        col = column_near(m.start(), after=False)
        if m.group(0).count(" in ") and not col:
            col = column_near(m.start(), after=True)
        # "not majoring in 600": the column is the -ing word itself
        ing = re.search(r"not\s+(\w+?)ing in", m.group(0))
        if ing:
            col = next(
                (mm.column for mm in mentions if norm(mm.column).startswith(ing.group(1)[:4])), col
            )
        if col:
            value = _orig(question, value)
            out.append(RequestFilter(column=col, op="ne", value=_num_or_text(value)))
            consumed.add(col)
    return out


def _year_filters(text: str, profile: SchemaProfile, consumed: set[str]) -> list[RequestFilter]:
    m = re.search(r"\b(in|during|for|of)\s+(?:the year\s+|year\s+)?((?:19|20)\d\d)\b", text)
    if not m:
        return []
    year = int(m.group(2))
    temporal = [c for c in profile.columns if c.role == "temporal"]
    if not temporal:
        return []
    col = temporal[0]
    consumed.add(col.name)
    if col.dtype.startswith("int") or col.dtype.startswith("float"):
        return [RequestFilter(column=col.name, op="eq", value=year)]
    return [
        RequestFilter(column=col.name, op="ge", value=f"{year}-01-01"),
        RequestFilter(column=col.name, op="le", value=f"{year}-12-31 23:59:59"),
    ]


def _age_column(profile: SchemaProfile) -> str | None:
    return next((c.name for c in profile.columns if norm(c.name) == "age"), None)


def _num(text: str) -> float | int:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def _num_or_text(text: str) -> float | int | str:
    try:
        return _num(text)
    except ValueError:
        return text


def _orig(question: str, lowered: str) -> str:
    """The question's own spelling of a word we matched in lower case."""
    m = re.search(re.escape(lowered), question, flags=re.I)
    return m.group(0) if m else lowered


# ------------------------------------------------------------------ axes
GROUP_BEFORE = (
    r"\b(each|per|every|by|across|among|different|various|grouped by|group by|"
    r"group them by|broken down by|split by|for each|of each|in each|from each|"
    r"for different|between|within)\s+(attribute\s+|the\s+|their\s+|its\s+)?(\w+\s+)?$"
)


def group_hint(text_tokens_raw: list[str], mentions: list[Mention]) -> str | None:
    """The column right after 'each', 'per', 'by', 'across', 'different', 'group by'..."""
    for m in mentions:
        before = " ".join(text_tokens_raw[max(0, m.start - 4) : m.start]) + " "
        after = " ".join(text_tokens_raw[m.end : m.end + 4])
        near = " ".join(text_tokens_raw[max(0, m.start - 7) : m.start])
        if (
            re.search(ASC, after)
            or re.search(DESC, after)
            or re.search(ASC + "|" + DESC, near)
            or re.search(r"\b(show|display|list|rank|sort|order)\w* (\w+ )?by (the )?$", before)
        ):
            continue  # "show by the customer_id in descending" is a sort, not a group
        if re.search(GROUP_BEFORE, before) and not re.search(
            r"\b(sort|sorted|order|ordered|rank|ranked|list|display)\s+(\w+\s+)?by\s+(the\s+)?$",
            before,
        ):
            return m.column
    return None


def axis_hints(
    text: str, qtok: list[str], mentions: list[Mention]
) -> tuple[str | None, str | None]:
    """Explicit 'x axis <col>' / 'y axis <col>' / '<col> as the x-axis' / '<y> over <x>'."""
    x = y = None
    for m in mentions:
        before = " ".join(qtok[max(0, m.start - 3) : m.start])
        after = " ".join(qtok[m.end : m.end + 4])
        if re.search(r"\bx axi?s?( the)?$", before) or re.search(r"^(as|on) (the )?x axi", after):
            x = x or m.column
        if re.search(r"\by axi?s?( the)?( \w+ of)?$", before) or re.search(
            r"^(as|on) (the )?y axi", after
        ):
            y = y or m.column
    over = re.search(r"about\s+(.+?)\s+over\s+the\s+(.+?)(\.|,| by |$)", text)
    if over and not x:
        xs = [m for m in mentions if m.start >= len(tokens(text[: over.start(2)]))]
        ys = [m for m in mentions if m.start < len(tokens(text[: over.start(2)]))]
        if xs and ys:
            x, y = xs[0].column, ys[-1].column
    return x, y


# ------------------------------------------------------------------ main entry
def extract_cues(question: str, profile: SchemaProfile, df: pd.DataFrame | None = None) -> Cues:
    """Read every deterministic cue from the question."""
    text = " ".join(question.lower().replace("’", "'").split())
    qtok = tokens(text)
    cues = Cues(question=question)
    cues.mentions = find_mentions(qtok, profile)
    cues.values = find_values(question, qtok, profile, df)
    # values mentioned inside a column mention are not values ("total" in "total bill")
    spans = {i for m in cues.mentions for i in range(m.start, m.end)}
    cues.values = [v for v in cues.values if v.start not in spans]
    cues.chart = detect_chart(text)
    cues.time_grain = detect_grain(text)
    has_temporal = bool(profile.names("temporal"))
    cues.temporal = bool(TEMPORAL_WORDS.search(text)) and has_temporal
    cues.limit, limit_dir = detect_limit(text)
    cues.sort_dir, sort_pos = detect_sort(text)
    if sort_pos >= 0:
        clause = sort_clause(text, sort_pos)
        cues.sort_by = sort_target(clause)
        ctoks = tokens(clause)
        cues.sort_column = next((m.column for m in find_mentions(ctoks, profile)), None)
    if cues.limit and not cues.sort_dir:
        cues.sort_by, cues.sort_dir = "y", limit_dir
    cues.superlative = bool(
        re.search(
            r"\b(which|what|who)\b.*\b(highest|most|largest|biggest|best|lowest|least|"
            r"smallest|worst|top)\b",
            text,
        )
    )
    cues.boolean_columns = _true_values(profile, df)
    cues.filters, consumed = detect_filters(
        question, text, qtok, cues.mentions, cues.values, profile
    )
    used = {str(f.value).lower() for f in cues.filters}
    cues.values = [v for v in cues.values if v.value.lower() not in used]
    cues.filters += _value_filters(text, cues, consumed)
    cues.x_hint, cues.y_hint = axis_hints(text, qtok, cues.mentions)
    cues.group_hint = (
        group_hint(qtok, [m for m in cues.mentions if m.column not in consumed]) or cues.group_hint
    )
    cues.agg, cues.agg_target = _aggregation(text, qtok, cues, profile, consumed)
    cues.intent_scores = intent_scores(text, has_temporal)
    cues.filter_columns = consumed
    age = _age_column(profile)
    if age and age not in cues.columns and re.search(r"\bhow old\b|\bages?\b", text):
        cues.mentions.append(Mention(age, len(qtok), len(qtok) + 1, 1.0, True))
    return cues


def _true_values(profile: SchemaProfile, df: pd.DataFrame | None) -> dict[str, object]:
    """For each yes/no column, the value that means 'yes' (1, True, 'Y', 'yes' ...)."""
    out: dict[str, object] = {}
    if df is None:
        return out
    for col in profile.columns:
        if col.role != "boolean":
            continue
        for v in df[col.name].dropna().unique():
            if str(v).lower() in ("1", "true", "yes", "y", "t"):
                out[col.name] = v.item() if hasattr(v, "item") else v
    return out


def _value_filters(text: str, cues: Cues, consumed: set[str]) -> list[RequestFilter]:
    """One value of a column -> a filter; two values joined by 'versus' -> that column is the group."""
    by_col: dict[str, list[ValueMention]] = {}
    for v in cues.values:
        by_col.setdefault(v.column, []).append(v)
    out: list[RequestFilter] = []
    for col, vals in by_col.items():
        distinct = list(dict.fromkeys(v.value for v in vals))
        if col in consumed:
            continue
        if (
            len(distinct) >= 2
            and re.search(r"\b(versus|vs|compared|compare|against|and)\b", text)
            and not re.search(r"\bor\b", text)
        ):
            cues.mentions.append(Mention(col, vals[0].start, vals[0].start + 1, 1.0, True))
            cues.mentions.sort(key=lambda m: m.start)
            cues.group_hint = cues.group_hint or col
            continue
        if len(distinct) >= 2:
            out.append(RequestFilter(column=col, op="in", value=distinct))
        else:
            out.append(RequestFilter(column=col, op="eq", value=distinct[0]))
        consumed.add(col)
    # "each dog that was abandoned": a yes/no column named as a state means "where it is true"
    for m in cues.mentions:
        prof_before = " ".join(tokens(text)[max(0, m.start - 3) : m.start])
        if m.column in consumed or m.column not in cues.boolean_columns:
            continue
        if re.search(r"\b(that|who|which) (was|were|is|are|has been|have been)$", prof_before):
            out.append(
                RequestFilter(column=m.column, op="eq", value=cues.boolean_columns[m.column])
            )
            consumed.add(m.column)
    # explicit "<col> is <word>" for a short code value ("whose sex is F")
    for m in cues.mentions:
        if m.column in consumed:
            continue
        pat = (
            r"\b"
            + r"\s+".join(re.escape(t) for t in _surface(m.column))
            + r"\s+(is|=|equals)\s+['\"]?(\w+)['\"]?"
        )
        found = re.search(pat, text)
        if found and found.group(2) not in STOP and found.group(2) not in ("not",):
            value = _orig(cues.question, found.group(2))
            out.append(RequestFilter(column=m.column, op="eq", value=_num_or_text(value)))
            consumed.add(m.column)
    return out


def _surface(column: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", column.lower()) if t]


def _aggregation(
    text: str, qtok: list[str], cues: Cues, profile: SchemaProfile, consumed: set[str]
) -> tuple[str | None, str | None]:
    """The aggregation asked for and the column it applies to (the next mentioned column)."""
    spans = {i for m in cues.mentions for i in range(m.start, m.end)}
    sort_span = _sort_span(text)
    best: tuple[int, str, str | None] | None = None
    for pat, agg in AGG_PATTERNS:
        for hit in re.finditer(pat, text):
            if sort_span[0] <= hit.start() < sort_span[1] and agg in ("max", "min"):
                continue  # "sorted from the highest to the lowest" is an order, not a max
            tok_pos = len(tokens(text[: hit.start()]))
            if tok_pos in spans and agg != "count":
                continue  # "total" inside "total_bill" is a column name, not a sum
            target = next(
                (
                    m.column
                    for m in cues.mentions
                    if m.start >= tok_pos and m.start - tok_pos <= 4 and m.column not in consumed
                ),
                None,
            )
            if (
                agg == "max"
                and hit.group(0) in ("highest", "most", "largest", "biggest", "greatest")
                and cues.superlative
            ):
                continue
            if best is None or tok_pos < best[0]:
                best = (tok_pos, agg, target)
    if best is None:
        return None, None
    _, agg, target = best
    if agg in ("max", "min") and re.search(r"\b(youngest|oldest)\b", text):
        target = target or _age_column(profile)
    return agg, target


def _sort_span(text: str) -> tuple[int, int]:
    _direction, pos = detect_sort(text)
    if pos < 0:
        return (-1, -1)
    m = re.search(ASC + "|" + DESC, text)
    end = m.end() if m else pos + 1
    start = max(0, pos - 40)
    return start, end


def singular_word(word: str) -> str:
    return singular(word)
