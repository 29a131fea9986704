"""The answer tools where the data lives: each figure an answer states is computed by the
engine (counts, sums, quantiles, moments, correlations, group extremes, period values), then
worded by the pandas tools' own sentence functions (tools/answers.py), so both paths give the
same sentence and the same answer object.

What needs every value at once (a normality test, a group test, a rank correlation) runs the
pandas tool on the rows it reads: all of them when they fit the sample size, else a seeded
sample, and then the answer's sentence says so and how big.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from autoviz_core.engine.sample import rows_within_budget, sample_frame, to_frame
from autoviz_core.tools.answers import (
    MIN_VALUES,
    ChangeParams,
    DistributionParams,
    ExtremeParams,
    GroupDifferenceParams,
    NumberFigures,
    RelationParams,
    StatisticParams,
    _correlation,
    _keys,
    _period_key,
    answered,
    change_answer,
    change_on_rows,
    computed_on_sample,
    counted_answer,
    distinct_answer,
    distribution_on_rows,
    extreme_agg,
    extreme_on_rows,
    group_difference_on_rows,
    group_extreme_answer,
    missing_answer,
    mode_answer,
    needs_median,
    number_answer,
    period_agg,
    relation_answer,
    relation_method,
    relation_on_rows,
    require_number,
    row_extreme_answer,
)
from autoviz_core.tools.common import ToolInputError, numeric_values
from autoviz_core.tools.registry import ToolContext, ToolResult, sql_implementation
from autoviz_core.tools.sql_common import (
    aggregate_metric,
    bucket_expr,
    bucket_labels,
    filter_predicates,
    filtered_table,
    is_dated,
    measure_expr,
    require_engine_columns,
)

# Whole numbers with at most this many values (or half the rows) name a row rather than
# measure it (answers._whole_and_few); more label columns than this are not listed.
FEW_VALUES = 60
MAX_LABELS = 6


# ---------------------------------------------------------------- shared
def _figures(source: Any, table: Any, stage: str, **exprs: Any) -> dict[str, Any]:
    """Several aggregates of `table` in one query, by name."""
    return dict(source.fetch(table.aggregate(**exprs), stage).to_pylist()[0])


def _is_number(col: Any) -> bool:
    """A number column, as common.is_numeric reads one (yes/no is not a number)."""
    dtype = col.type()
    return bool(dtype.is_numeric() and not dtype.is_boolean())


def _numbers(source: Any, table: Any, column: str) -> Any:
    """The column as common.numeric_values reads it: floats, yes/no as 0/1, numeric text."""
    return measure_expr(source, table, column, "mean").cast("float64")


def _on_rows(
    source: Any,
    table: Any,
    columns: Sequence[str | None],
    ctx: ToolContext,
    answer: Callable[[pd.DataFrame], ToolResult],
    present: Sequence[str] = (),
) -> ToolResult:
    """`answer` (a pandas tool's body) on the rows of `table` it reads: every row when they fit
    the sample size, else a seeded sample, said in the answer's sentence. Rows missing one of
    the `present` columns are left out first (the tool would leave them out too)."""
    names = list(dict.fromkeys(c for c in columns if c is not None))
    rows = table.select(*names)
    for name in present:
        rows = rows.filter(rows[name].notnull())
    frame, info = sample_frame(source, ctx.seed, expr=rows, rows=source.sample_rows)
    result = answer(frame)
    return result if info.complete else computed_on_sample(result, info.text())


# ---------------------------------------------------------------- statistic
@sql_implementation("answer_statistic")
def answer_statistic_sql(source: Any, params: StatisticParams, ctx: ToolContext) -> ToolResult:
    """The asked statistic, computed by the engine."""
    table, _ = filtered_table(source, params.filters)
    require_engine_columns(source, [params.column, *(c.column for c in params.counted)])
    if params.stat in ("count", "share"):
        return answered(_counted(source, table, params))
    if params.column is None:
        raise ToolInputError(f"the statistic {params.stat!r} needs a column")
    col = table[params.column]
    if params.stat == "count_distinct":
        f = _figures(source, table, "count distinct values", k=col.nunique(), n=col.count())
        return answered(distinct_answer(params, int(f["k"]), int(f["n"])))
    if params.stat == "missing":
        f = _figures(source, table, "count missing values", rows=table.count(), n=col.count())
        return answered(missing_answer(params, int(f["rows"] - f["n"]), int(f["rows"])))
    if params.stat == "mode":
        return answered(_mode(source, table, params))
    return answered(_number_statistic(source, table, params))


def _counted(source: Any, table: Any, p: StatisticParams) -> Any:
    """Rows in scope and rows meeting the conditions, in one query (and their sums for a share
    of a number column)."""
    scoped = source.with_table(table)
    predicates, _ = filter_predicates(scoped, p.counted)
    where = _all(predicates) if predicates else None
    exprs: dict[str, Any] = {"rows": table.count(), "kept": table.count(where=where)}
    numeric = p.stat == "share" and p.column is not None and _is_number(table[p.column])
    if numeric:
        values = table[str(p.column)].cast("float64")
        exprs |= {"part": values.sum(where=where), "total": values.sum()}
    f = _figures(source, table, "count rows", **exprs)
    sums = (float(f["part"] or 0.0), float(f["total"] or 0.0)) if numeric else None
    return counted_answer(p, int(f["rows"]), int(f["kept"]), sums)


def _all(predicates: list[Any]) -> Any:
    import ibis

    return ibis.and_(*predicates)


def _mode(source: Any, table: Any, p: StatisticParams) -> Any:
    """The values seen most often (every one of a tie) and how often."""
    col = table[str(p.column)]
    present = int(source.scalar(col.count(), "count values") or 0)
    if not present:
        return mode_answer(p, [], 0, 0)
    rows = table.filter(col.notnull())
    counts = rows.group_by(value=col).aggregate(k=rows.count())
    top = counts.filter(counts.k == counts.k.max())
    frame = to_frame(source.fetch(top.limit(rows_within_budget(source, top)), "most common"))
    return mode_answer(p, list(frame["value"]), int(frame["k"].iloc[0]), present)


def _number_statistic(source: Any, table: Any, p: StatisticParams) -> Any:
    """One query for the statistic and the figures its sentence names; skewness and kurtosis
    from the central moments of a second pass (pandas' bias-corrected G1 and G2)."""
    column = str(p.column)
    require_number(p, _is_number(table[column]))
    v = _numbers(source, table, column)
    exprs: dict[str, Any] = {"rows": table.count(), "n": v.count(), "low": v.min(), "high": v.max()}
    exprs |= _stat_exprs(v, p)
    f = _figures(source, table, p.stat, **exprs)
    n = int(f["n"])
    figures = NumberFigures(n, int(f["rows"]) - n, f.get("median"), f["low"], f["high"])
    if n < MIN_VALUES.get(p.stat, 1):
        return number_answer(p, None, {}, figures)
    value, extra = _stat_value(source, table, v, p, f)
    return number_answer(p, value, extra, figures)


def _stat_exprs(v: Any, p: StatisticParams) -> dict[str, Any]:
    exprs: dict[str, Any] = {}
    if needs_median(p) or p.stat == "median":
        exprs["median"] = v.median()
    if p.stat in ("mean", "skewness", "kurtosis"):
        exprs["mean"] = v.mean()
    if p.stat in ("sum", "std", "var"):
        exprs[p.stat] = {"sum": v.sum, "std": v.std, "var": v.var}[p.stat]()
    if p.stat == "quantile":
        exprs["q"] = v.quantile(p.quantile / 100)
    if p.stat == "iqr":
        exprs |= {"q25": v.quantile(0.25), "q75": v.quantile(0.75)}
    return exprs


def _stat_value(
    source: Any, table: Any, v: Any, p: StatisticParams, f: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """The statistic and its extra figures, as answers._compute gives them."""
    stat = p.stat
    if stat == "quantile":
        return float(f["q"]), {"percent": p.quantile}
    if stat == "iqr":
        return float(f["q75"]) - float(f["q25"]), {"q25": f["q25"], "q75": f["q75"]}
    if stat == "range":
        return float(f["high"] - f["low"]), {"min": f["low"], "max": f["high"]}
    if stat in ("skewness", "kurtosis"):
        if f["low"] == f["high"]:
            return None, {}
        return _moment_statistic(source, table, v, stat, int(f["n"]), float(f["mean"])), {}
    if stat in ("min", "max"):
        return float(f["low" if stat == "min" else "high"]), {}
    if stat in ("mean", "median", "sum", "std", "var"):
        return float(f[stat]), {}
    raise ToolInputError(f"unknown statistic {stat!r}")


def _moment_statistic(source: Any, table: Any, v: Any, stat: str, n: int, mean: float) -> float:
    """Skewness (G1) or excess kurtosis (G2) from the sums of the central moments, computed
    around the mean of the first pass (no cancellation of large raw power sums)."""
    d = v - mean
    f = _figures(
        source, table, stat, m2=(d * d).sum(), m3=(d * d * d).sum(), m4=((d * d) * (d * d)).sum()
    )
    return moment_statistic(stat, n, float(f["m2"]), float(f["m3"]), float(f["m4"]))


def moment_statistic(stat: str, n: int, m2: float, m3: float, m4: float) -> float:
    """pandas' bias-corrected skewness and excess kurtosis from the sums of the 2nd-4th
    central moments (pandas/_libs/algos calc_skew, calc_kurt); NaN where undefined."""
    if m2 <= 0:
        return math.nan
    if stat == "skewness":
        return m3 / (m2 * math.sqrt(m2)) * (n * math.sqrt(n - 1.0)) / (n - 2.0)
    inner = n * (n + 1.0) * (m4 / (m2 * m2)) - 3.0 * (n - 1.0)
    return (n - 1.0) / ((n - 2.0) * (n - 3.0)) * inner


# ---------------------------------------------------------------- relation
@sql_implementation("answer_relation")
def answer_relation_sql(source: Any, params: RelationParams, ctx: ToolContext) -> ToolResult:
    """Pearson's r, n and the constant check by the engine; a rank correlation (Spearman's,
    Kendall's, and the Spearman sentence beside Pearson's) on the pairs it reads."""
    table, _ = filtered_table(source, params.filters)
    require_engine_columns(source, [params.x, params.y])
    pairs = table.select(a=_numbers(source, table, params.x), b=_numbers(source, table, params.y))
    pairs = pairs.filter(pairs.a.notnull() & pairs.b.notnull())
    method = relation_method(params)
    if method != "pearson":
        return _on_rows(source, pairs, ["a", "b"], ctx, lambda f: _relation_rows(f, params))
    f = _figures(
        source, pairs, "correlation", n=pairs.count(), r=pairs.a.corr(pairs.b, how="pop"),
        a0=pairs.a.min(), a1=pairs.a.max(), b0=pairs.b.min(), b1=pairs.b.max(),
    )  # fmt: skip
    n = int(f["n"])
    constant = [
        c for c, lo, hi in ((params.x, "a0", "a1"), (params.y, "b0", "b1")) if f[lo] == f[hi]
    ]
    if n < 3 or constant:
        return relation_answer(params, n, constant)
    r = float(f["r"])
    frame, info = sample_frame(source, ctx.seed, expr=pairs, rows=source.sample_rows, n=n)
    rank = None
    if frame["a"].nunique() > 1 and frame["b"].nunique() > 1:
        rank = _correlation(frame["a"], frame["b"], "spearman")
    table_out = frame.rename(columns={"a": params.x, "b": params.y})
    on = "" if info.complete else info.text()
    return relation_answer(params, n, [], (r, pearson_p(r, n)), rank, table_out, on)


def _relation_rows(frame: pd.DataFrame, params: RelationParams) -> ToolResult:
    return relation_on_rows(frame.rename(columns={"a": params.x, "b": params.y}), params)


def pearson_p(r: float, n: int) -> float:
    """The two-sided p-value of Pearson's r over n pairs, as scipy.stats.pearsonr computes it
    (r's exact distribution under independence: a beta distribution on [-1, 1])."""
    from scipy import stats

    r = max(-1.0, min(1.0, r))
    ab = n / 2 - 1
    dist = stats.beta(ab, ab, loc=-1, scale=2)
    return float(min(1.0, 2 * min(dist.cdf(r), dist.sf(r))))


# ---------------------------------------------------------------- tests on every value
@sql_implementation("answer_distribution")
def answer_distribution_sql(
    source: Any, params: DistributionParams, ctx: ToolContext
) -> ToolResult:
    """The normality test on the column's values: every one when they fit, else a sample."""
    table, _ = filtered_table(source, params.filters)
    require_engine_columns(source, [params.column])
    return _on_rows(
        source, table, [params.column], ctx,
        lambda rows: distribution_on_rows(rows, params), present=[params.column],
    )  # fmt: skip


@sql_implementation("answer_group_difference")
def answer_group_difference_sql(
    source: Any, params: GroupDifferenceParams, ctx: ToolContext
) -> ToolResult:
    """The group test on the rows with a group and a value: every one when they fit, else a
    sample."""
    table, _ = filtered_table(source, params.filters)
    require_engine_columns(source, [params.measure, params.group_by])
    columns = [params.measure, params.group_by]
    return _on_rows(
        source, table, columns, ctx, lambda rows: group_difference_on_rows(rows, params),
        present=columns,
    )  # fmt: skip


# ---------------------------------------------------------------- extreme row or group
@sql_implementation("answer_extreme")
def answer_extreme_sql(source: Any, params: ExtremeParams, ctx: ToolContext) -> ToolResult:
    """The winner over every group (or the extreme row and its labels), by the engine."""
    table, _ = filtered_table(source, params.filters)
    require_engine_columns(source, [params.measure, params.by, *params.labels])
    if params.by is None:
        return answered(_extreme_row(source, table, params))
    return _extreme_group(source, table, params, ctx)


def _extreme_row(source: Any, table: Any, p: ExtremeParams) -> Any:
    if p.measure is None:
        raise ToolInputError("the highest row needs a measure column")
    v = _numbers(source, table, p.measure)
    best = v.max() if p.direction == "max" else v.min()
    f = _figures(source, table, "extreme row", n=v.count(), best=best)
    if not f["n"]:
        return row_extreme_answer(p, None, 0, pd.DataFrame(), 0, [])
    names = _row_labels(source, table, p)
    winners = table.filter(v == f["best"])
    count = int(source.scalar(winners.count(), "count extreme rows") or 0)
    shown = list(dict.fromkeys([*names, p.measure]))
    head = to_frame(source.fetch(winners.select(*shown).limit(5), "extreme rows"))
    return row_extreme_answer(p, float(f["best"]), int(f["n"]), head, count, names)


def _row_labels(source: Any, table: Any, p: ExtremeParams) -> list[str]:
    """answers._row_labels by the engine: the columns asked for, else those that are not a
    measure (dates, text, yes/no, and whole numbers with few values), the first six."""
    if p.labels:
        return [c for c in p.labels if c != p.measure]
    candidates, sure = [], 0
    for name in table.columns:
        if name == p.measure:
            continue
        candidates.append(name)
        if not _is_number(table[name]):
            sure += 1
            if sure == MAX_LABELS:
                break
    numbers = [c for c in candidates if _is_number(table[c])]
    few = _whole_and_few(source, table, numbers) if numbers else set()
    return [c for c in candidates if not _is_number(table[c]) or c in few][:MAX_LABELS]


def _whole_and_few(source: Any, table: Any, columns: list[str]) -> set[str]:
    """Which number columns hold only whole numbers with few different values (one query)."""
    exprs: dict[str, Any] = {}
    for i, name in enumerate(columns):
        col = table[name].cast("float64")
        exprs[f"n{i}"] = col.count()
        exprs[f"f{i}"] = (col != col.floor()).sum()
        exprs[f"k{i}"] = col.nunique()
    f = _figures(source, table, "label columns", **exprs)
    return {
        name
        for i, name in enumerate(columns)
        if f[f"n{i}"] and not f[f"f{i}"] and f[f"k{i}"] <= max(FEW_VALUES, f[f"n{i}"] // 2)
    }


def _extreme_group(source: Any, table: Any, p: ExtremeParams, ctx: ToolContext) -> ToolResult:
    """Every group's value by the engine; the groups then ordered and worded as pandas does."""
    by = str(p.by)
    col = table[by]
    agg = extreme_agg(p)
    # a count is of rows, with or without a measure (as the pandas path counts a group)
    values = _numbers(source, table, p.measure) if p.measure and agg != "count" else None
    dated = p.time_grain != "none" and is_dated(col)
    key = bucket_expr(col, p.time_grain) if dated else col
    m = table.select(g=key, **({"v": values} if values is not None else {}))
    m = m.filter(m.g.notnull())
    metric = aggregate_metric(m.v if values is not None else None, agg, m)
    groups = m.group_by("g").aggregate(y=metric, n=m.count())
    cap = rows_within_budget(source, groups)
    frame = to_frame(source.fetch(groups.limit(cap + 1), "groups"))
    relabel = p.time_grain != "none" and not dated  # dates in text, years as numbers
    if relabel and len(frame) <= cap:
        frame = _relabelled(frame, by, p.time_grain)
    if frame is None or (relabel and len(frame) > cap):  # periods to combine: read the rows
        columns = [by, p.measure]
        return _on_rows(source, table, columns, ctx, lambda rows: extreme_on_rows(rows, p))
    if len(frame) > cap:
        return _largest_groups(source, groups, p, cap)
    if dated and p.time_grain in ("weekday", "month_of_year"):
        frame["g"] = bucket_labels(frame["g"], p.time_grain)
    totals = frame.set_index("g")["y"].sort_index(kind="stable").dropna()
    ordered = totals.sort_values(ascending=p.direction == "min", kind="stable")
    return group_extreme_answer(p, ordered, len(totals), int(frame["n"].sum()))


def _relabelled(frame: pd.DataFrame, by: str, grain: str) -> pd.DataFrame | None:
    """Groups of a column of dates written as text or years as numbers, keyed by their period
    as the pandas path reads them (its own conversion on each different value); None when two
    values fall in one period (their groups would have to be combined: the rows are read)."""
    keys = _keys(pd.DataFrame({by: frame["g"]}), by, grain)
    present = keys.notna()
    if keys[present].duplicated().any():
        return None
    return frame[present.to_numpy()].assign(g=keys[present].to_numpy())


def _largest_groups(source: Any, groups: Any, p: ExtremeParams, cap: int) -> ToolResult:
    """More groups than fit the budget: the best `cap` of them (ties by key), counted whole."""
    having = groups.filter(groups.y.notnull())
    order = groups.y.desc() if p.direction == "max" else groups.y.asc()
    top = to_frame(source.fetch(having.order_by([order, groups.g.asc()]).limit(cap), "groups"))
    f = _figures(source, having, "count groups", k=having.count(), rows=groups.n.sum())
    ordered = top.set_index("g")["y"]
    return group_extreme_answer(p, ordered, int(f["k"]), int(f["rows"] or 0))


# ---------------------------------------------------------------- change between two periods
@sql_implementation("answer_change")
def answer_change_sql(source: Any, params: ChangeParams, ctx: ToolContext) -> ToolResult:
    """Each period's rows found by their label (the pandas path's spelling of every different
    period), then combined by the engine."""
    table, _ = filtered_table(source, params.filters)
    require_engine_columns(source, [params.measure, params.period, params.quarter])
    periods = _periods(source, table, params)
    if periods is None:  # more different periods than fit: the rows are read
        columns = [params.measure, params.period, params.quarter]
        return _on_rows(source, table, columns, ctx, lambda rows: change_on_rows(rows, params))
    frame, key, quarter = periods
    counts: dict[str, int] = {}
    where: dict[str, Any] = {}
    agg: str | None = params.agg
    for side in (params.start, params.end):
        matched = frame[frame["label"] == _period_key(side, params.time_grain)]
        counts[side] = int(matched["n"].sum())
        agg = agg or period_agg(counts[side])
        where[side] = _matching(key, quarter, matched)
    values = _numbers(source, table, params.measure)
    exprs = {
        f"v{i}": _combined(values, str(agg), where[side])
        for i, side in enumerate((params.start, params.end))
        if counts[side]
    }
    f = _figures(source, table, "period values", **exprs) if exprs else {}
    found: dict[str, Any] = {}
    for i, side in enumerate((params.start, params.end)):
        value = f.get(f"v{i}")
        found[side] = (
            None if not counts[side] else (0.0 if value is None and agg == "sum" else value)
        )
    return change_answer(params, found, counts, agg)


def _periods(source: Any, table: Any, p: ChangeParams) -> tuple[pd.DataFrame, Any, Any] | None:
    """Every different period (and quarter) with its row count and the pandas path's label;
    None when there are more than fit the budget."""
    col = table[p.period]
    dated = p.time_grain != "none" and is_dated(col)
    key = bucket_expr(col, p.time_grain) if dated else col
    quarter = _numbers(source, table, p.quarter) if p.quarter is not None else None
    keys = {"k": key, **({"q": quarter} if quarter is not None else {})}
    m = table.select(**keys)
    groups = m.group_by(list(keys)).aggregate(n=m.count())
    cap = rows_within_budget(source, groups)
    frame = to_frame(source.fetch(groups.limit(cap + 1), "periods"))
    if len(frame) > cap:
        return None
    shown = frame["k"]
    if dated and p.time_grain in ("weekday", "month_of_year"):
        shown = bucket_labels(shown, p.time_grain)
    elif not dated:
        shown = _keys(pd.DataFrame({p.period: shown}), p.period, p.time_grain)
    labels = pd.Series(shown).map(lambda k: _period_key(k, p.time_grain))
    if quarter is not None:
        labels = labels + numeric_values(frame["q"]).map(
            lambda q: "" if pd.isna(q) else f"-q{int(q)}"
        )
    return frame.assign(label=labels.to_numpy()), key, quarter


def _matching(key: Any, quarter: Any, matched: pd.DataFrame) -> Any:
    """The rows of the matched periods: their key (and quarter) values, missing ones too."""
    import ibis

    def equal(expr: Any, value: Any) -> Any:
        return expr.isnull() if _missing(value) else expr == _literal(value)

    parts = []
    for row in matched.itertuples(index=False):
        part = equal(key, row.k)
        if quarter is not None:
            part = part & equal(quarter, row.q)
        parts.append(part)
    return ibis.or_(*parts) if parts else ibis.literal(False)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _literal(value: Any) -> Any:
    """A fetched key as a value the engine compares with its column."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def _combined(values: Any, agg: str, where: Any) -> Any:
    """A period's rows combined: sum, mean, median, min or max of their values."""
    if agg not in ("sum", "mean", "median", "min", "max"):
        raise ToolInputError(f"unknown aggregation {agg!r}")
    return getattr(values, agg)(where=where)
