"""On the results page no finding carries an internal step or tool name: findings are said in
words, as the validator let them be said (tools/claims.py), and the page adds nothing to them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from app_helpers import ask, load_tips, on_plan_page
from streamlit.testing.v1 import AppTest

from autoviz_core.report.headline import headline
from autoviz_core.tools.registry import all_tools
from ui.wording import md_text

QUESTIONS = (
    "Compare the average tip across days",
    "Is the tip related to the total bill?",
    "Are there unusual total bills?",
)


def internal_names(at: AppTest) -> set[str]:
    """Every step id of the approved plan and every tool name written with an underscore
    (plain words such as "trend" or "chart" are English too: they are checked in brackets)."""
    steps = {s.id for s in at.session_state["approved"].plan.steps}
    tools = {t.name for t in all_tools()}
    return {n for n in steps | tools if "_" in n} | {f"({n})" for n in steps | tools}


def finding_lines(at: AppTest) -> list[str]:
    """The findings the results page shows: the answer heading and each step's bullet list."""
    out = []
    for m in at.markdown:
        text = str(m.value)
        if text.startswith("#### ") or text.startswith("- "):
            out.append(text)
    return out


@pytest.mark.parametrize("question", QUESTIONS)
def test_no_finding_on_the_results_page_names_a_step_or_a_tool(
    app: Callable[[], AppTest], question: str
) -> None:
    if True:
        at = load_tips(app())
        at = on_plan_page(ask(at, question))
        at.button(key="approve").click().run()
        assert not at.exception, at.exception
        at.switch_page("pages/results.py").run()
        assert not at.exception, at.exception
        lines = finding_lines(at)
        records = at.session_state["run"]["result"].records
        said = [f for r in records if r.result for f in r.result.findings]
        said += [r.summary for r in records]  # a chart without a finding shows its summary
        said.append(headline(at.session_state["run"]["result"], at.session_state["approved"]).text)
        assert lines and said, question
        names = internal_names(at)
        for line in lines:
            found = [n for n in names if n in line]
            assert not found, f"{question!r}: {found} in {line!r}"
        # what the page shows is the validated sentence itself (escaped for Markdown), nothing
        # appended to it
        for line in lines:
            text = re.sub(r"^(#### |- )", "", line)
            assert any(text == md_text(f) for f in said), (question, text)
