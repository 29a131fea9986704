"""Relationships between columns: correlation matrix, scatter with OLS line, driver ranking."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import Field

from autoviz_core.data.semantics import is_year_name
from autoviz_core.tools.claims import Claim, Correlated, fact, failures, holding
from autoviz_core.tools.common import (
    FilteredParams,
    ToolInputError,
    empty_result,
    filtered_rows,
    fmt_num,
    is_numeric,
    is_temporal,
    join_labels,
    label,
    numeric_values,
    p_text,
    require_columns,
    to_json_list,
    to_json_value,
)
from autoviz_core.tools.measures import both_drift, is_code, part_of_total
from autoviz_core.tools.registry import (
    ChartData,
    ToolContext,
    ToolResult,
    column_param,
    tool,
)

MAX_CORR_COLUMNS = 30
SCATTERGL_ABOVE = 1000
PAIRS_SAID = 3  # the strongest pairs a correlation matrix names


def pearson(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """Pearson's r and its two-sided p-value (scipy, loaded only when a relation is claimed)."""
    from scipy import stats as sps

    x, y = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan")
    result = sps.pearsonr(x, y)
    return float(result.statistic), float(result.pvalue)


def strength_word(r: float) -> str:
    return "strong" if abs(r) >= 0.7 else "moderate" if abs(r) >= 0.4 else "weak"


def relation_claim(
    x: str,
    y: str,
    a: pd.Series,
    b: pd.Series,
    part: bool,
    text: str | None = None,
    filters: tuple[dict[str, Any], ...] = (),
    df: pd.DataFrame | None = None,
) -> Claim:
    """ "x and y have a moderate positive correlation (r, n)", said only when it is significant,
    not negligible, not of a part with its total and not of two series drifting over time
    (then their period-to-period changes are related instead); else what holds, with figures."""
    r, p = pearson(a, b)
    n = len(a)
    direction = "positive" if r > 0 else "negative"
    said = text or (
        f"{x} and {y} have a {strength_word(r)} {direction} correlation (r = {r:.2f}, n = {n:,})."
    )
    order = both_drift(df, x, y) if df is not None and not part else None
    relation = Correlated(
        x, y, r, p if np.isfinite(p) else None, n, "pearson", part, filters, order is not None
    )
    if order is not None and df is not None:
        return Claim(said, (relation,), changes_claim(df, x, y, order, r))
    if part:
        negative = (
            f"One of {x} and {y} is a total that contains the other, so they rise together by "
            f"construction (r = {r:.2f}); that is not a relation between them."
        )
    elif np.isfinite(p) and p < 0.05:  # significant, but too weak to matter
        negative = (
            f"{x} and {y} have only a negligible linear relation "
            f"(r = {r:.2f}, {p_text(p)}, n = {n:,}): significant, but r is too small to matter."
        )
    else:
        negative = (
            f"{x} and {y} show no clear linear relation "
            f"(r = {r:.2f}, {p_text(p) if np.isfinite(p) else 'p n/a'}, n = {n:,})."
        )
    return Claim(said, (relation,), Claim(negative, denies=(relation,)))


# ---------------------------------------------------------------- correlation matrix
class CorrelationParams(FilteredParams):
    """Numeric columns to correlate (all numeric when empty) and the method."""

    columns: list[str] = column_param(
        [], role="numeric", multiple=True, description="empty = all numeric"
    )
    method: Literal["pearson", "spearman"] = "pearson"


def _numeric_frame(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Float64 copies of the numeric columns that vary (a constant has no correlation)."""
    cols = columns or [str(c) for c in df.columns if is_numeric(df[c]) and not is_code(df, str(c))]
    frame = pd.DataFrame({c: numeric_values(df[c]) for c in cols}, index=df.index)
    varying = [c for c in frame.columns if frame[c].nunique(dropna=True) > 1]
    return frame[varying[:MAX_CORR_COLUMNS]]


@tool(
    "correlation_matrix",
    family="relationships",
    description="Pairwise correlations of numeric columns as a heatmap.",
    params=CorrelationParams,
    produces="chart",
)
def correlation_matrix(df: pd.DataFrame, params: CorrelationParams, ctx: ToolContext) -> ToolResult:
    """Correlate numeric columns; findings list the strongest pairs."""
    df = filtered_rows(df, params)
    require_columns(df, params.columns)
    frame = _numeric_frame(df, params.columns)
    if frame.shape[1] < 2 or len(frame) < 3:
        return empty_result("correlation matrix", "fewer than two varying numeric columns")
    corr = frame.corr(method=params.method)
    cols = list(corr.columns)
    z = [to_json_list(row) for row in corr.to_numpy()]
    fig = go.Figure(
        go.Heatmap(x=cols, y=cols, z=z, zmin=-1, zmax=1, colorscale="RdBu", reversescale=True)
    )
    title = f"{params.method.capitalize()} correlation"
    fig.update_layout(title=title)
    pairs = _pairs(corr)
    chart = ChartData(
        kind="heatmap",
        x="column",
        y="correlation",
        color="column",
        agg="none",
        x_values=[c for c in cols for _ in cols],
        color_values=[r for _ in cols for r in cols],
        y_values=[to_json_value(corr.loc[r, c]) for c in cols for r in cols],
        title=title,
        points_sent=len(cols) ** 2,
    )
    table = corr.reset_index(names="column")
    claims = holding(_pair_claims(df, frame, pairs, params), PAIRS_SAID)
    return ToolResult(
        summary=f"{params.method} correlation of {len(cols)} numeric columns.",
        table=table,
        figure=fig,
        chart=chart,
        claims=claims,
        metrics={"columns": len(cols), "top_pairs": [[a, b, r] for a, b, r in pairs[:5]]},
    )


PAIR_CANDIDATES = 15  # pairs tested (strongest first) to find the few that may be said


def changes_claim(df: pd.DataFrame, x: str, y: str, order: pd.Index, r_levels: float) -> Claim:
    """Two drifting series related by their changes from one moment to the next: what their
    levels' correlation (which drift alone produces) cannot tell."""
    frame = pd.DataFrame({x: numeric_values(df[x]), y: numeric_values(df[y])}).loc[order]
    steps = frame.diff().dropna()
    r, p = pearson(steps[x], steps[y])
    n = len(steps)
    drift = (
        f"{x} and {y} both drift over time, so their levels correlate (r = {r_levels:.2f}) "
        "whatever links them; "
    )
    relation = Correlated(f"change of {x}", f"change of {y}", r, p if np.isfinite(p) else None, n)
    if np.isfinite(p) and p < 0.05 and abs(r) >= 0.1:
        direction = "positive" if r > 0 else "negative"
        text = (
            f"{drift}their changes from one row to the next have a {strength_word(r)} "
            f"{direction} correlation (r = {r:.2f}, {p_text(p)}, n = {n:,})."
        )
        return Claim(text, (relation,))
    text = (
        f"{drift}their changes from one row to the next show no clear relation "
        f"(r = {r:.2f}, {p_text(p) if np.isfinite(p) else 'p n/a'}, n = {n:,})."
    )
    return Claim(text, denies=(relation,))


def _pair_claims(
    df: pd.DataFrame,
    frame: pd.DataFrame,
    pairs: list[tuple[str, str, float]],
    p: CorrelationParams,
) -> list[Claim]:
    """The strongest pairs as claims with their p-value and n (pairwise complete rows); a
    pair that is not significant, negligible or a part with its total is not said."""
    out = []
    for a, b, r in pairs[:PAIR_CANDIDATES]:
        both = frame[[a, b]].dropna()
        pvalue = _p_value(both[a], both[b], p.method)
        drift = both_drift(df, a, b) is not None
        relation = Correlated(
            a, b, r, pvalue, len(both), p.method, part_of_total(df, a, b), _filters(p), drift
        )
        text = f"{a} and {b}: {'positive' if r > 0 else 'negative'} correlation r = {r:.2f}."
        out.append(Claim(text, (relation,)))
    return out


def _p_value(a: pd.Series, b: pd.Series, method: str) -> float | None:
    from scipy import stats as sps

    if len(a) < 3 or a.nunique() < 2 or b.nunique() < 2:
        return None
    fn = sps.spearmanr if method == "spearman" else sps.pearsonr
    value = float(fn(a.to_numpy(dtype=float), b.to_numpy(dtype=float)).pvalue)
    return value if np.isfinite(value) else None


def _filters(p: FilteredParams) -> tuple[dict[str, Any], ...]:
    return tuple(f.model_dump(mode="json") for f in p.filters)


def _pairs(corr: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Distinct column pairs by |r| descending (ties by name for a stable order)."""
    cols = list(corr.columns)
    out = []
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            r = corr.loc[a, b]
            if pd.notna(r):
                out.append((a, b, float(r)))
    return sorted(out, key=lambda t: (-abs(t[2]), t[0], t[1]))


# ---------------------------------------------------------------- scatter
class ScatterParams(FilteredParams):
    """Two numeric columns, an optional colour, and whether to fit a straight line."""

    x: str = column_param(role="numeric", description="x axis")
    y: str = column_param(role="numeric", description="y axis")
    color: str | None = column_param(None, role="groupable", description="optional colour")
    trendline: bool = True


def ols_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Slope, intercept and R² of y on x by least squares (numpy only)."""
    slope, intercept = np.polyfit(x, y, 1)
    pred = slope * x + intercept
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float(((y - pred) ** 2).sum()) / ss_tot if ss_tot > 0 else float("nan")
    return float(slope), float(intercept), r2


@tool(
    "scatter",
    family="relationships",
    description="Scatter of two numeric columns with an optional least-squares trend line.",
    params=ScatterParams,
    produces="chart",
)
def scatter(df: pd.DataFrame, params: ScatterParams, ctx: ToolContext) -> ToolResult:
    """Plot the pairs (sampled deterministically above the point cap) and fit a line on all."""
    df = filtered_rows(df, params)
    require_columns(df, [params.x, params.y, params.color])
    frame = pd.DataFrame({"x": numeric_values(df[params.x]), "y": numeric_values(df[params.y])})
    if params.color:
        frame["c"] = df[params.color]
    frame = frame.dropna(subset=["x", "y"]).reset_index(drop=True)
    if frame.empty:
        return empty_result(f"scatter of {params.y} vs {params.x}", "no rows with both values")
    n = len(frame)
    shown = _sample(frame, ctx)
    fig = _scatter_figure(shown, params)
    fit = _fit(frame, params, fig)
    title = f"{params.y} vs {params.x}"
    fig.update_layout(title=title, xaxis_title=params.x, yaxis_title=params.y)
    chart = ChartData(
        kind="scatter",
        x=params.x,
        y=params.y,
        color=params.color,
        x_values=to_json_list(shown["x"]),
        y_values=to_json_list(shown["y"]),
        color_values=to_json_list(shown["c"]) if params.color else None,
        title=title,
        points_sent=len(shown),
    )
    note = f" (seeded sample of {len(shown):,})" if len(shown) < n else ""
    return ToolResult(
        summary=f"Scatter of {n:,} {params.y}/{params.x} pairs{note}.",
        table=frame.rename(columns={"x": params.x, "y": params.y, "c": params.color or "c"}),
        figure=fig,
        chart=chart,
        claims=_scatter_claims(df, frame, params, fit),
        metrics={"points_sent": len(shown), "points_total": n, **(fit or {})},
    )


def _sample(frame: pd.DataFrame, ctx: ToolContext) -> pd.DataFrame:
    if len(frame) <= ctx.max_chart_points:
        return frame
    rng = np.random.default_rng(ctx.seed)
    return frame.iloc[np.sort(rng.choice(len(frame), size=ctx.max_chart_points, replace=False))]


def _scatter_figure(shown: pd.DataFrame, p: ScatterParams) -> go.Figure:
    trace = go.Scattergl if len(shown) > SCATTERGL_ABOVE else go.Scatter
    fig = go.Figure()
    if "c" in shown and not is_numeric(shown["c"]):
        for key, part in shown.groupby("c", observed=True, sort=True, dropna=False):
            fig.add_trace(
                trace(
                    x=to_json_list(part["x"]),
                    y=to_json_list(part["y"]),
                    mode="markers",
                    name=label(key),
                )
            )
    elif "c" in shown:
        marker = {"color": to_json_list(shown["c"]), "colorscale": "Viridis", "showscale": True}
        fig.add_trace(
            trace(
                x=to_json_list(shown["x"]),
                y=to_json_list(shown["y"]),
                mode="markers",
                marker=marker,
            )
        )
    else:
        fig.add_trace(
            trace(x=to_json_list(shown["x"]), y=to_json_list(shown["y"]), mode="markers", name=p.y)
        )
    return fig


def _fit(frame: pd.DataFrame, p: ScatterParams, fig: go.Figure) -> dict[str, Any] | None:
    """Fit on every pair (not just the sample) and draw the line across the x range."""
    if not p.trendline or len(frame) < 3 or frame["x"].nunique() < 2:
        return None
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    slope, intercept, r2 = ols_fit(x, y)
    ends = [float(x.min()), float(x.max())]
    fig.add_trace(
        go.Scatter(x=ends, y=[slope * e + intercept for e in ends], mode="lines", name="OLS fit")
    )
    r = float(np.corrcoef(x, y)[0, 1]) if frame["y"].nunique() > 1 else float("nan")
    return {"slope": slope, "intercept": intercept, "r2": to_json_value(r2), "r": to_json_value(r)}


def _scatter_claims(
    df: pd.DataFrame, frame: pd.DataFrame, p: ScatterParams, fit: dict[str, Any] | None
) -> list[Claim]:
    if fit is None or fit["r"] is None:
        return [fact(f"{len(frame):,} pairs of {p.x} and {p.y}.")]
    r = fit["r"]
    direction = "rises" if fit["slope"] > 0 else "falls"
    text = (
        f"{p.y} {direction} by {fmt_num(abs(fit['slope']))} per unit of {p.x} "
        f"({strength_word(r)} {'positive' if r > 0 else 'negative'} correlation, r = {r:.2f}, "
        f"R² = {fit['r2']:.2f}, n = {len(frame):,})."
    )
    part = part_of_total(df, p.x, p.y)
    return [relation_claim(p.x, p.y, frame["x"], frame["y"], part, text, _filters(p), df)]


# ---------------------------------------------------------------- driver ranking
class DriverParams(FilteredParams):
    """The target metric and the candidate columns (all others when empty)."""

    target: str = column_param(role="numeric", description="the metric to explain")
    columns: list[str] = column_param(
        [], role="any", multiple=True, description="empty = all other"
    )
    max_categories: int = Field(50, ge=2, le=1000, description="skip text columns with more values")


def correlation_ratio(values: np.ndarray, groups: pd.Series) -> float:
    """Eta: sqrt(between-group sum of squares / total); 0 = groups explain nothing, 1 = all.
    Group sums by bincount over factorized codes: the planner scores every candidate grouping
    of a wide table with it, so it must not build a frame per call."""
    v = np.asarray(values, dtype=float)
    codes, _ = pd.factorize(groups.to_numpy(), sort=True)
    keep = (codes >= 0) & ~np.isnan(v)
    v, codes = v[keep], codes[keep]
    if v.size == 0:
        return float("nan")
    mean = v.mean()
    ss_tot = float(((v - mean) ** 2).sum())
    if ss_tot == 0:
        return float("nan")
    counts = np.bincount(codes)
    sums = np.bincount(codes, weights=v)
    present = counts > 0
    group_means = sums[present] / counts[present]
    ss_between = float((counts[present] * (group_means - mean) ** 2).sum())
    return math.sqrt(ss_between / ss_tot)


def _categorical_driver(target: pd.Series, s: pd.Series) -> dict[str, Any]:
    """Eta, the best and worst group by mean, and the gap between them in pooled std units."""
    frame = pd.DataFrame({"g": s, "v": target}).dropna()
    eta = correlation_ratio(frame["v"].to_numpy(), frame["g"])
    by = frame.groupby("g", observed=True, sort=True)["v"].agg(["mean", "size"])
    by = by[by["size"] >= 2].sort_values("mean", ascending=False, kind="stable")
    std = float(frame["v"].std())
    effect = (
        (by["mean"].iloc[0] - by["mean"].iloc[-1]) / std
        if len(by) > 1 and std > 0
        else float("nan")
    )
    return {
        "measure": "eta",
        "strength": eta,
        "p_value": _anova_p(frame),
        "effect_size": effect,
        "detail": f"highest mean: {label(by.index[0])}, lowest: {label(by.index[-1])}"
        if len(by) > 1
        else "",
        "n": len(frame),
    }


def _anova_p(frame: pd.DataFrame) -> float | None:
    """One-way ANOVA p-value of the groups' means: whether eta could be chance."""
    from scipy import stats as sps

    samples = [part.to_numpy(dtype=float) for _, part in frame.groupby("g", observed=True)["v"]]
    samples = [x for x in samples if len(x) >= 2]
    if len(samples) < 2 or frame["v"].nunique() < 2:
        return None
    value = float(sps.f_oneway(*samples).pvalue)
    return value if np.isfinite(value) else None


def _numeric_driver(target: pd.Series, s: pd.Series) -> dict[str, Any]:
    """|Spearman| (rank correlation survives outliers and monotone curves) with its sign."""
    frame = pd.DataFrame({"x": numeric_values(s), "v": target}).dropna()
    pvalue = None
    if len(frame) < 3 or frame["x"].nunique() < 2 or frame["v"].nunique() < 2:
        rho = float("nan")
    else:
        rho = float(frame["x"].rank().corr(frame["v"].rank()))
        pvalue = _p_value(frame["x"], frame["v"], "spearman")
    return {
        "measure": "spearman",
        "strength": abs(rho) if not math.isnan(rho) else float("nan"),
        "effect_size": rho,
        "detail": ("higher " if rho > 0 else "lower ") + "with larger values"
        if not math.isnan(rho)
        else "",
        "n": len(frame),
        "p_value": pvalue,
    }


def _candidate(df: pd.DataFrame, col: str, target: str, max_categories: int) -> str | None:
    """Why a column is skipped (None = use it): identifiers, dates, huge-cardinality text."""
    s = df[col]
    if col == target or is_temporal(s) or s.notna().sum() < 3:
        return "not comparable"
    if is_numeric(s):
        return "a code, not a measure" if is_code(df, col) and not is_year_name(col) else None
    n_unique = s.nunique(dropna=True)
    if n_unique > max_categories or n_unique >= 0.9 * s.notna().sum():
        return "too many distinct values"
    return None


@tool(
    "driver_ranking",
    family="relationships",
    description="Rank columns by how strongly they relate to a target metric (eta / |Spearman|).",
    params=DriverParams,
    produces="chart",
)
def driver_ranking(df: pd.DataFrame, params: DriverParams, ctx: ToolContext) -> ToolResult:
    """Score each candidate against the target and sort by strength (ties by name)."""
    df = filtered_rows(df, params)
    require_columns(df, [params.target, *params.columns])
    target = numeric_values(df[params.target])
    if target.dropna().nunique() < 2:
        return empty_result(f"drivers of {params.target}", "the target does not vary")
    cols = params.columns or [str(c) for c in df.columns]
    rows, skipped = [], []
    for col in cols:
        reason = _candidate(df, col, params.target, params.max_categories)
        if reason:
            if col != params.target:
                skipped.append(col)
            continue
        score = (
            _numeric_driver(target, df[col])
            if is_numeric(df[col])
            else _categorical_driver(target, df[col])
        )
        rows.append({"column": col, **score})
    if not rows:
        raise ToolInputError(f"no usable columns to rank against {params.target!r}")
    table = pd.DataFrame(rows)
    table["_key"] = table["strength"].fillna(-1.0)
    table = table.sort_values(["_key", "column"], ascending=[False, True], kind="stable")
    table = table.drop(columns="_key").reset_index(drop=True)
    return _driver_result(df, table, params, skipped)


def _driver_result(
    df: pd.DataFrame, table: pd.DataFrame, p: DriverParams, skipped: list[str]
) -> ToolResult:
    target = p.target
    x, y = table["column"].tolist(), to_json_list(table["strength"])
    title = f"What relates to {target}"
    fig = go.Figure(go.Bar(x=x, y=y, text=table["measure"].tolist()))
    fig.update_layout(
        title=title,
        xaxis_title="column",
        yaxis_title="strength (eta or |Spearman|)",
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x)
    chart = ChartData(
        kind="bar", x="column", y="strength", agg="none", x_values=x, y_values=y, title=title,
        points_sent=len(x),
    )  # fmt: skip
    claims = _driver_claims(df, table, p)
    summary = f"Ranked {len(table)} columns against {target}"
    summary += f"; skipped {', '.join(skipped)}." if skipped else "."
    return ToolResult(
        summary, table, fig, chart, metrics={"skipped": skipped, "ranked": len(table)},
        claims=claims,
    )  # fmt: skip


TOP_DRIVERS = 3


def _driver_claims(df: pd.DataFrame, table: pd.DataFrame, p: DriverParams) -> list[Claim]:
    """The strongest associations that hold (significant, not negligible, not a part of the
    target or a total containing it): first together, as the answer, then one by one."""
    singles = []
    for row in table.dropna(subset=["strength"]).to_dict("records"):
        column = str(row["column"])
        drift = row["measure"] != "eta" and both_drift(df, column, p.target) is not None
        relation = Correlated(
            column, p.target, float(row["strength"]), row.get("p_value"), int(row["n"]),
            str(row["measure"]), part_of_total(df, column, p.target), _filters(p), drift,
        )  # fmt: skip
        detail = f" ({row['detail']})" if row["detail"] else ""
        text = (
            f"{row['column']} relates to {p.target} with {row['measure']} "
            f"{row['strength']:.2f}{detail}."
        )
        singles.append((Claim(text, (relation,)), row))
    kept = holding([c for c, _ in singles], TOP_DRIVERS)
    rows = {c.text: r for c, r in singles}
    if not kept:
        detail = ""
        if singles:
            strongest, row = singles[0]
            why = "; ".join(failures(strongest))
            detail = f": the strongest, {row['column']} ({fmt_num(row['strength'])}), does not hold ({why})"
        denied = tuple(c.asserts[0] for c, _ in singles[:TOP_DRIVERS])
        return [Claim(f"No column relates clearly to {p.target}{detail}.", denies=denied)]
    parts = []
    for claim in kept:
        row = rows[claim.text]
        detail = f", {row['detail']}" if isinstance(row["detail"], str) and row["detail"] else ""
        parts.append(f"{row['column']} ({row['measure']} {row['strength']:.2f}{detail})")
    asserts = tuple(a for c in kept for a in c.asserts)
    summary = Claim(f"What relates most to {p.target}: {join_labels(parts)}.", asserts)
    return [summary, *kept]
