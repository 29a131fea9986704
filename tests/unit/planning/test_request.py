"""The ranked request on invented tables, one test per failure class of issue #12, and repair.

The tables and questions here are made up for the tests (none comes from an evaluation set);
each asserts what a careful analyst would chart, so a regression in the fitted weights, the
lexicon or the features shows up as a named behaviour.
"""

from __future__ import annotations

import pandas as pd

from autoviz_core.config import PlannerSettings
from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data import profile_table
from autoviz_core.planning.cues import extract_cues
from autoviz_core.planning.planned import Chosen, PlanningTable
from autoviz_core.planning.planner import Planner
from autoviz_core.planning.request import (
    CONFIDENT,
    label_request,
    merge_requests,
    rank_request,
    repair_request,
)

CLUB = pd.DataFrame(
    {
        "player": [f"P{i}" for i in range(12)],
        "surname": [
            "Ng",
            "Ode",
            "Park",
            "Quinn",
            "Ray",
            "Sato",
            "Tan",
            "Uhl",
            "Vos",
            "Wu",
            "Xu",
            "Yi",
        ],
        "Rank": ["Captain", "Private", "Private", "Major", "Private", "Captain"] * 2,
        "team": ["red", "blue", "red", "blue", "green", "green"] * 2,
        "hours": [3.0, 4.5, 2.0, 6.0, 1.5, 2.5, 3.5, 4.0, 5.0, 2.0, 1.0, 3.0],
        "Revenue_per_Visit": [1.2, 0.8, 1.5, 2.0, 0.5, 1.1, 0.9, 1.3, 1.7, 0.6, 0.4, 1.0],
        "channel": ["web", "app", "store", "web", "app", "store"] * 2,
        "bonus": [None, 100.0, None, 250.0, 50.0, None, 75.0, None, 20.0, 10.0, None, 5.0],
        "size": [120, 80, 95, 150, 60, 110, 130, 70, 140, 90, 100, 85],
        "price": [10.0, 8.0, 9.5, 13.0, 6.0, 11.0, 12.0, 7.0, 12.5, 8.5, 9.0, 8.2],
    }
)
SALES = pd.DataFrame(
    {
        "day": pd.date_range("2024-01-01", periods=60, freq="D").repeat(2),
        "region": ["north", "south"] * 60,
        "units": list(range(120)),
        "revenue": [float(i * 3) for i in range(120)],
    }
)


def best(question: str, df: pd.DataFrame) -> AnalysisRequest:
    prof = profile_table(df)
    ranked = rank_request(extract_cues(question, prof, df), prof)
    return repair_request(ranked.request, prof)[0]


def core(req: AnalysisRequest) -> tuple[str, str | None, str | None, str]:
    return req.chart, req.x, req.y, req.agg


def test_a_column_named_like_a_keyword_is_grouped_by() -> None:
    assert core(best("How many players hold each rank?", CLUB)) == ("bar", "Rank", None, "count")


def test_a_multi_word_column_with_a_keyword_is_one_measure() -> None:
    req = best("average revenue per visit by channel", CLUB)
    assert core(req) == ("bar", "channel", "Revenue_per_Visit", "mean")


def test_total_hours_per_team_is_a_sum_not_a_count() -> None:
    assert core(best("how many total hours did each team play", CLUB)) == (
        "bar",
        "team",
        "hours",
        "sum",
    )


def test_greatest_reads_as_a_ranking_by_group() -> None:
    req = best("which team has the greatest total hours?", CLUB)
    assert (req.x, req.y, req.agg, req.sort_by, req.sort_dir) == (
        "team",
        "hours",
        "sum",
        "y",
        "desc",
    )


def test_rise_with_is_a_relationship() -> None:
    assert core(best("does price rise with size?", CLUB))[0] == "scatter"


def test_axis_phrases_fix_x_and_y_exactly() -> None:
    req = best("price on the x axis and size on the y axis", CLUB)
    assert (req.x, req.y) == ("price", "size")
    req = best("size on the x axis and price on the y axis", CLUB)
    assert (req.x, req.y) == ("size", "price")


def test_typos_and_abbreviations_still_find_the_columns() -> None:
    assert core(best("avg prcie per team", CLUB))[1:3] == ("team", "price")
    assert core(best("total hrs by channel", CLUB))[1:3] == ("channel", "hours")


def test_a_time_question_gets_a_line_over_the_date_at_the_grain_asked() -> None:
    req = best("weekly revenue trend", SALES)
    assert (req.chart, req.x, req.y, req.time_grain) == ("line", "day", "revenue", "week")


def test_two_values_compared_make_the_grouping() -> None:
    req = best("units in north vs south", SALES)
    assert (req.x, req.filters) == ("region", [])


def test_one_value_named_is_a_filter() -> None:
    req = best("daily units for the north region", SALES)
    assert [(f.column, f.op, f.value) for f in req.filters] == [("region", "eq", "north")]


def test_top_n_sorts_and_limits() -> None:
    req = best("top 3 teams by hours", CLUB)
    assert (req.x, req.y, req.limit, req.sort_by, req.sort_dir) == ("team", "hours", 3, "y", "desc")


def test_a_chartable_request_is_always_emitted() -> None:
    prof = profile_table(CLUB)
    for question in ("", "hello", "where bonus is not null", "proportion of surname", "?!"):
        req = repair_request(rank_request(extract_cues(question, prof, CLUB), prof).request, prof)[
            0
        ]
        assert req.x is not None or req.chart in ("histogram", "box"), question


def test_proportion_of_a_text_column_counts_its_values() -> None:
    req = best("proportion of channel", CLUB)
    assert (req.chart, req.x, req.agg) == ("pie", "channel", "count")


def test_confidence_and_alternatives() -> None:
    """A clear question is confident and offers nothing; a terse one offers its runners-up."""
    prof = profile_table(CLUB)
    settings = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
    clear = Planner(settings, None).plan("average price per team", PlanningTable(CLUB, prof))
    assert clear.confidence >= CONFIDENT and clear.alternatives == []
    vague = Planner(settings, None).plan("price and size", PlanningTable(CLUB, prof))
    assert vague.confidence < CONFIDENT
    assert 1 <= len(vague.alternatives) <= 3
    labels = [a.label for a in vague.alternatives]
    assert len(set(labels)) == len(labels)  # never the same reading twice
    assert label_request(vague.request) not in labels  # nor the chosen one
    assert all(a.score <= vague.confidence for a in vague.alternatives)
    # choosing an alternative re-plans with exactly that request
    chosen = vague.alternatives[0].request
    again = Planner(settings, None).plan(
        "price and size", PlanningTable(CLUB, prof), chosen=Chosen(request=chosen)
    )
    assert (again.request.chart, again.request.x, again.request.y, again.request.agg) == (
        chosen.chart,
        chosen.x,
        chosen.y,
        chosen.agg,
    )
    assert again.request_source == "person" and again.alternatives == []


def test_repair_drops_unknown_columns_and_impossible_aggregations() -> None:
    prof = profile_table(CLUB)
    r, notes = repair_request(AnalysisRequest(chart="bar", x="nope", y="surname", agg="sum"), prof)
    assert r.x is not None and r.x in prof.names()
    assert (r.y, r.agg) == (None, "count")
    assert any("nope" in n for n in notes)


def test_the_model_request_stands_and_only_its_gaps_come_from_the_question() -> None:
    from autoviz_core.contracts import RequestFilter

    cue = AnalysisRequest(
        chart="bar", x="day", y="tip", agg="mean", sort_by="value", limit=3,
        filters=[RequestFilter(column="time", op="eq", value="Dinner")],
    )  # fmt: skip
    model = AnalysisRequest(
        chart="bar", x="sex", y="tip", agg="sum",
        filters=[RequestFilter(column="smoker", op="eq", value="Yes")],
    )  # fmt: skip
    merged = merge_requests(cue, model)
    assert (merged.x, merged.agg) == ("sex", "sum")
    assert [f.column for f in merged.filters] == ["smoker"]  # the model's, not the question's
    assert (merged.sort_by, merged.limit) == ("value", 3)  # the model left them empty
    bare = merge_requests(cue, AnalysisRequest(chart="bar", x="day", y="tip", agg="mean"))
    assert [f.column for f in bare.filters] == ["time"]


def test_a_scatter_with_its_axes_swapped_is_the_same_reading() -> None:
    """'how does price relate to size': price-against-size and size-against-price are one answer;
    the swap is never offered as an alternative and its share backs the chosen reading."""
    prof = profile_table(CLUB)
    ranked = rank_request(extract_cues("how does price relate to size", prof, CLUB), prof)
    assert ranked.request.chart == "scatter"
    pair = {ranked.request.x, ranked.request.y}
    assert pair == {"price", "size"}
    assert all(
        not (alt.chart == "scatter" and alt.agg == "none" and {alt.x, alt.y} == pair)
        for alt, _p in ranked.alternatives
    )
    assert ranked.confidence >= CONFIDENT


def test_labels_name_every_measure() -> None:
    req = AnalysisRequest(chart="bar", x=None, y="gold", measures=["silver"], agg="sum")
    assert label_request(req) == "sum of gold and silver compared (bar)"
    req = AnalysisRequest(chart="line", x="month", y="wounds", measures=["disease"], agg="sum")
    assert label_request(req) == "sum of wounds and disease by month (line)"
