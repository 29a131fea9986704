"""The display words are one table per vocabulary, each covering its vocabulary exactly, and the
places that show a chart kind, an aggregation or a filter operator all read these tables."""

from __future__ import annotations

from typing import get_args

from autoviz_core import wording
from autoviz_core.plan import PlanStep
from autoviz_core.planning.followup import describe_filter
from autoviz_core.tools.common import FilterCondition, scope_text
from autoviz_core.vocabulary import (
    AGGREGATIONS,
    CHART_KINDS,
    FILTER_OPS,
    GROUP_AGGREGATIONS,
    StepOrigin,
)
from ui.wording import OPTION_WORDS, option_label, step_origin_caption, step_sentence


def test_every_table_covers_its_vocabulary_in_its_order() -> None:
    assert tuple(wording.CHART_NAMES) == CHART_KINDS
    assert tuple(wording.AGG_NOUNS) == AGGREGATIONS
    assert set(wording.AGG_OPTIONS) == set(AGGREGATIONS)
    assert set(wording.AGG_LEADS) == set(GROUP_AGGREGATIONS)
    assert tuple(wording.FILTER_OP_WORDS) == FILTER_OPS  # the operator picker's order
    assert set(wording.FILTER_OP_SYMBOLS) < set(FILTER_OPS)
    origins = get_args(StepOrigin)
    for table in (
        wording.STEP_ORIGIN_NOTES,
        wording.STEP_ORIGIN_REASONS,
        wording.STEP_ORIGIN_CAPTIONS,
    ):
        assert tuple(table) == origins


def test_a_steps_origin_is_an_enum_and_its_words_come_from_one_table() -> None:
    """The plan's note reads as it always has ("added by the model; ..."), while the review
    page and the change lines word the same origin their own way."""
    added = PlanStep(id="h", tool="histogram", origin="model_added", note="column: the measure")
    assert added.why() == "added by the model; column: the measure"
    assert PlanStep(id="t", tool="histogram").why() == ""
    assert step_origin_caption("model_added", added.note) == (
        "Suggested by the model; column: the measure"
    )
    assert step_origin_caption("template", "x: the main grouping") == "x: the main grouping"
    assert step_origin_caption("user_added") == "Added by you"


def test_a_value_without_a_word_keeps_its_own_name() -> None:
    assert wording.said(wording.CHART_NAMES, "pie") == "pie chart"
    assert wording.said(wording.CHART_NAMES, "violin") == "violin"
    assert wording.said(wording.AGG_LEADS, "none", "Rows") == "Rows"


def test_the_app_the_follow_ups_and_the_findings_use_the_same_words() -> None:
    assert OPTION_WORDS["kind"] == wording.CHART_NAMES
    assert OPTION_WORDS["agg"] == wording.AGG_OPTIONS
    assert option_label("agg", "none") == "each row as it is"
    assert describe_filter({"column": "size", "op": "ge", "value": 3}) == "size is at least 3"
    assert describe_filter({"column": "day", "op": "in", "value": ["Sat", "Sun"]}) == (
        "day is one of Sat and Sun"
    )
    conditions = [
        FilterCondition(column="year", op="ge", value=2000),
        FilterCondition(column="name", op="contains", value="an"),
    ]
    assert scope_text(conditions) == " for year ≥ 2000 and name contains an"
    sentence = step_sentence("chart", {"kind": "bar", "x": "day", "y": "tip", "agg": "min"})
    assert sentence.startswith("Lowest tip") and sentence.endswith("(bar chart)")
