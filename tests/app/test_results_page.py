"""The Results page says the headline (the finding that answers the question) over the answer
chart, names the running step in plain words, and shows data text as written, never as markup."""

from __future__ import annotations

from collections.abc import Callable

from app_helpers import texts
from own_tables import trees, upload
from streamlit.testing.v1 import AppTest

from autoviz_core.plan import Plan, PlanStep
from autoviz_core.report.headline import headline
from autoviz_core.tools.registry import all_tools
from ui.wording import md_text, plan_step_titles

App = Callable[[], AppTest]
HOSTILE = "**oak** $5 ![t](http://example.invalid/t.png)"


def approved_results(at: AppTest, question: str) -> AppTest:
    at.switch_page("pages/question.py").run()
    at.text_area(key="question_input").set_value(question).run()
    at.button(key="plan").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Review the plan", texts(at.markdown)
    at.switch_page("pages/plan.py").run()
    at.button(key="approve").click().run()
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    return at


def headings(at: AppTest) -> list[str]:
    return [str(m.value)[5:] for m in at.markdown if str(m.value).startswith("#### ")]


def test_the_heading_over_the_answer_chart_is_the_headline(app: App) -> None:
    """A comparison's headline adds the test across the groups to the chart's own finding."""
    at = approved_results(upload(app(), trees()), "Compare the average height across species")
    run = at.session_state["run"]["result"]
    said = headline(run, at.session_state["approved"]).text
    chart_finding = run.primary().result.findings[0]
    assert said != chart_finding and "Kruskal" in said  # the two differ on this question
    assert headings(at) == [md_text(said)]


def test_data_values_are_shown_as_written_not_as_markup(app: App) -> None:
    table = trees()
    table.loc[table["species"] == "willow", "height_m"] += 30  # the tallest: named in findings
    table["species"] = table["species"].replace("willow", HOSTILE)
    at = upload(app(), table, name="street_*trees*.csv")
    assert at.subheader[0].value == md_text("street_*trees*.csv") == r"street\_\*trees\*.csv"
    at = approved_results(at, "Compare the average height across species")
    shown = [
        str(e.value)
        for kind in ("markdown", "caption", "info", "warning", "error")
        for e in getattr(at, kind)
    ]
    assert any(md_text(HOSTILE) in line for line in shown)  # the value is said, escaped
    for line in shown:
        assert "![t](" not in line and "**oak**" not in line and " $5" not in line, line


def test_the_progress_line_names_each_step_in_plain_words() -> None:
    plan = Plan(
        steps=[
            PlanStep(
                id="answer",
                tool="chart",
                params={"kind": "bar", "x": "park", "y": "height_m", "agg": "mean"},
            ),
            PlanStep(
                id="trend_1",
                tool="trend",
                params={
                    "date_column": "planted",
                    "metric": "height_m",
                    "agg": "mean",
                    "grain": "year",
                },
            ),
            PlanStep(id="odd", tool="no_such_tool", params={}),
        ]
    )
    titles = plan_step_titles(plan)
    assert titles[0] == "Average height_m per park (bar chart)"
    assert titles[1].startswith("Average height_m per year of planted")
    assert titles[2] == "A step"
    tools = {t.name for t in all_tools()}
    assert not [t for t in titles if t in tools or t.split(" ")[0] in tools]
