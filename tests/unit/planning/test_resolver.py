"""ParamResolver: every auto filled from the request first, then the profile."""

from __future__ import annotations

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.plan import PlanStep
from autoviz_core.planning.resolver import ResolveContext, resolve_step


def test_request_columns_win(profiles: dict) -> None:  # type: ignore[type-arg]
    # the question names both groupings; the request's x (a named column) comes first. (A
    # request x the question does not name is a fallback: it does not bind the other steps.)
    request = AnalysisRequest(x="aisle", y="items")
    ctx = ResolveContext(profiles["sales"], request, mentioned=["store", "aisle", "items"])
    step, _ = resolve_step(
        PlanStep(id="s", tool="compare_groups", params={"metric": "auto", "group_by": "auto"}), ctx
    )
    assert step is not None and step.params == {"metric": "items", "group_by": "aisle"}


def test_profile_fallbacks_and_grain(profiles: dict) -> None:  # type: ignore[type-arg]
    ctx = ResolveContext(profiles["sales"], AnalysisRequest(), date_span_days=30)
    step, _ = resolve_step(
        PlanStep(
            id="t", tool="trend", params={"date_column": "auto", "metric": "auto", "grain": "auto"}
        ),
        ctx,
    )
    assert step is not None and step.params == {
        "date_column": "sale_date",
        "metric": "sales",
        "grain": "day",
        "agg": "sum",  # sales add up; the question named no aggregation
    }
    assert "names no measure" in step.note
    ctx = ResolveContext(profiles["stocks"], AnalysisRequest(), date_span_days=700)
    step, _ = resolve_step(
        PlanStep(
            id="t", tool="trend", params={"date_column": "auto", "metric": "auto", "grain": "auto"}
        ),
        ctx,
    )
    assert step is not None and step.params["grain"] == "week"


def test_missing_role_makes_step_unresolvable(profiles: dict) -> None:  # type: ignore[type-arg]
    ctx = ResolveContext(profiles["iris"], AnalysisRequest())
    step, why = resolve_step(PlanStep(id="t", tool="trend", params={"date_column": "auto"}), ctx)
    assert step is None and "temporal" in why[0]


def test_supporting_steps_inherit_measure_aggregation_filters_and_never_sum_a_level(
    profiles: dict,  # type: ignore[type-arg]
) -> None:
    from autoviz_core.contracts import RequestFilter

    req = AnalysisRequest(
        chart="line", x="year", y="lifeExp", agg="sum",
        filters=[RequestFilter(column="continent", op="eq", value="Asia")],
    )  # fmt: skip
    ctx = ResolveContext(profiles["gapminder"], req, ["lifeExp", "year"])
    step, _ = resolve_step(
        PlanStep(
            id="t", tool="trend", params={"date_column": "auto", "metric": "auto", "grain": "auto"}
        ),
        ctx,
    )
    assert step is not None
    assert step.params["metric"] == "lifeExp" and step.params["agg"] == "mean"
    assert step.params["grain"] == "year"
    assert step.params["filters"] == [{"column": "continent", "op": "eq", "value": "Asia"}]
    assert "not additive" in step.note


def test_an_unnamed_grouping_is_left_out_or_explained(
    profiles: dict,
    realistic_tables: dict,  # type: ignore[type-arg]
) -> None:
    req = AnalysisRequest(chart="histogram", x="lifeExp")
    ctx = ResolveContext(profiles["gapminder"], req, ["lifeExp"], df=realistic_tables["gapminder"])
    box, _ = resolve_step(
        PlanStep(id="b", tool="box_by_group", params={"column": "auto", "group_by": "auto"}), ctx
    )
    assert box is not None and "group_by" not in box.params  # optional: no grouping added
    stats, _ = resolve_step(
        PlanStep(id="s", tool="compare_groups", params={"metric": "auto", "group_by": "strongest"}),
        ctx,
    )
    assert stats is not None and stats.params["group_by"] == "continent"
    assert "continent: not named in the question" in stats.note and "eta = 0.7" in stats.note
