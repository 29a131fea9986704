"""Every closed vocabulary of the product, defined once: chart kinds, aggregations, grains, ops.

Each vocabulary is a `typing.Literal` (what type hints and pydantic models use) with a tuple
derived from it (what enums, grammars, lexicon checks and loops use), so a word added here
reaches the contracts, the tools, the lexicon and the candidate generator together. Wider
vocabularies are built from narrower ones, never re-listed, so they cannot drift apart.
Order matters: the tuples feed the committed JSON schemas and grammars.
"""

from __future__ import annotations

from typing import Literal, get_args

# ---------------------------------------------------------------- intents
Intent = Literal[
    "general_eda",
    "time_series_investigation",
    "segmentation_drivers",
    "anomaly_detection",
    "comparative_analysis",
]
INTENTS: tuple[Intent, ...] = get_args(Intent)

# ---------------------------------------------------------------- charts
# The kinds of the answer chart a request may ask for (the `chart` tool draws each one).
ChartKind = Literal["bar", "line", "scatter", "pie", "histogram", "box", "heatmap"]
CHART_KINDS: tuple[ChartKind, ...] = get_args(ChartKind)
# Supporting tools draw a few kinds a request never asks for (a violin of a spread).
ToolChartKind = Literal[ChartKind, "violin", "table"]
# Kinds that draw one mark per group of x: they need an x, and a y unless they count rows.
GROUPED_CHART_KINDS: tuple[ChartKind, ...] = ("bar", "line", "pie")
# Kinds that rank their groups: a superlative ("which store sold the most") sorts them by value.
RANKED_CHART_KINDS: tuple[ChartKind, ...] = ("bar", "pie")
# Kinds a top-N cuts to their first N marks.
LIMITED_CHART_KINDS: tuple[ChartKind, ...] = (*GROUPED_CHART_KINDS, "scatter")
# Kinds that draw several measures side by side, a series each (in candidate order).
SEVERAL_MEASURE_CHART_KINDS: tuple[ChartKind, ...] = ("bar", "line")

# ---------------------------------------------------------------- aggregations
# Aggregations of a number; "count" counts rows and needs none.
NumberAggregation = Literal["sum", "mean", "median", "min", "max"]
NUMBER_AGGREGATIONS: tuple[NumberAggregation, ...] = get_args(NumberAggregation)
GroupAggregation = Literal["count", NumberAggregation]
GROUP_AGGREGATIONS: tuple[GroupAggregation, ...] = get_args(GroupAggregation)
# A request may also plot the values as they are.
Aggregation = Literal[GroupAggregation, "none"]
AGGREGATIONS: tuple[Aggregation, ...] = get_args(Aggregation)

# ---------------------------------------------------------------- time grains
# Calendar periods a date can be bucketed to and stepped through.
PeriodGrain = Literal["day", "week", "month", "quarter", "year"]
PERIOD_GRAINS: tuple[PeriodGrain, ...] = get_args(PeriodGrain)
# What a transform can bucket a date column to: a period or the day of the week.
BucketGrain = Literal["none", PeriodGrain, "weekday"]
# What a request (and the chart) can bucket x to: the above, the month of the year (January
# of every year together) and the hour of the day.
TimeGrain = Literal[BucketGrain, "month_of_year", "hour"]
TIME_GRAINS: tuple[TimeGrain, ...] = get_args(TimeGrain)

# ---------------------------------------------------------------- filters
# What a model may write in a request's filter (one value each).
ModelFilterOp = Literal["eq", "ne", "gt", "ge", "lt", "le", "contains", "startswith"]
MODEL_FILTER_OPS: tuple[ModelFilterOp, ...] = get_args(ModelFilterOp)
# A request's filter may also list values ("lunch or dinner") or keep the rows outside a
# [low, high] range ("under 20 or over 60"), which the question reader produces.
RequestFilterOp = Literal[ModelFilterOp, "in", "outside"]
# A tool's condition may also be a [low, high] range.
FilterOp = Literal[RequestFilterOp, "between"]
FILTER_OPS: tuple[FilterOp, ...] = get_args(FilterOp)

# ---------------------------------------------------------------- sorting
SortBy = Literal["none", "x", "y"]
SORT_BY: tuple[SortBy, ...] = get_args(SortBy)
SortDir = Literal["asc", "desc"]
SORT_DIR: tuple[SortDir, ...] = get_args(SortDir)

# ---------------------------------------------------------------- plan steps
# Where a step of a plan came from: the curated template, the question itself (the answer
# chart, or the step computing the asked value), the model's adaptation (a step added or
# changed), or the person on the review page.
StepOrigin = Literal["template", "question", "answer", "model_added", "model_changed", "user_added"]

# ---------------------------------------------------------------- columns
# What the profiler says a column is; everything downstream reads roles, not dtypes.
Role = Literal["temporal", "numeric", "categorical", "identifier", "text", "boolean"]

# ---------------------------------------------------------------- derived measures
# How a measure the table lacks is made from two columns: a / b × 100, a / b, a − b.
DerivedOp = Literal["share", "ratio", "difference"]
DERIVED_OPS: tuple[DerivedOp, ...] = get_args(DerivedOp)

# ---------------------------------------------------------------- answers
# What a question asks for: a chart (the request above), or a value stated in words with its
# evidence chart beside it. "unsupported" is a question no kind expresses (it is told so).
AnswerKind = Literal[
    "chart",
    "statistic",
    "relation",
    "distribution",
    "group_difference",
    "extreme",
    "change",
    "unsupported",
]
ANSWER_KINDS: tuple[AnswerKind, ...] = get_args(AnswerKind)
# A statistic of one column. "share" is the percentage of rows meeting a condition (or of a
# measure's total); "missing" counts empty cells; "quantile" carries its percent separately.
Statistic = Literal[
    "count",
    "count_distinct",
    "missing",
    "share",
    "sum",
    "mean",
    "median",
    "mode",
    "min",
    "max",
    "std",
    "var",
    "quantile",
    "iqr",
    "range",
    "skewness",
    "kurtosis",
]
STATISTICS: tuple[Statistic, ...] = get_args(Statistic)
# Statistics of a number (the rest also apply to text columns).
NUMBER_STATISTICS: tuple[Statistic, ...] = tuple(
    s for s in STATISTICS if s not in ("count", "count_distinct", "missing", "share", "mode")
)
# Named methods; "default" is the conventional choice for the data (see tools/answers.py).
RelationMethod = Literal["pearson", "spearman", "kendall"]
RELATION_METHODS: tuple[RelationMethod, ...] = get_args(RelationMethod)
NormalityMethod = Literal["shapiro", "dagostino"]
NORMALITY_METHODS: tuple[NormalityMethod, ...] = get_args(NormalityMethod)
DifferenceMethod = Literal["welch", "student", "mannwhitney", "anova", "kruskal", "chi2"]
DIFFERENCE_METHODS: tuple[DifferenceMethod, ...] = get_args(DifferenceMethod)
AnswerMethod = Literal["default", RelationMethod, NormalityMethod, DifferenceMethod]
ANSWER_METHODS: tuple[AnswerMethod, ...] = get_args(AnswerMethod)
Direction = Literal["max", "min"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
# What an extreme or a change is taken over: the rows themselves, or groups of them.
ExtremeScope = Literal["row", "group"]
EXTREME_SCOPES: tuple[ExtremeScope, ...] = get_args(ExtremeScope)
# The parts of a question a step can serve (planning/support.py): a supporting step that serves
# no part of this question is not run. The words say it to a person.
QuestionPart = Literal[
    "answer", "chart", "measure", "groups", "time", "relation", "drivers", "unusual", "overview"
]
QUESTION_PARTS: tuple[QuestionPart, ...] = get_args(QuestionPart)
PART_WORDS: dict[str, str] = {
    "answer": "computes the asked value",
    "chart": "answers the question directly",
    "measure": "shows how the measure asked about is spread",
    "groups": "compares the groups asked about",
    "time": "follows the measure over time, as asked",
    "relation": "relates the columns asked about",
    "drivers": "finds what relates to the measure asked about",
    "unusual": "looks for the unusual values asked about",
    "overview": "describes the table, as asked",
}
