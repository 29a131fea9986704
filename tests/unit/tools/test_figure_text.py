"""escape_figure_text: every string of a figure shown as text, plotly express's own template
tags kept, numbers untouched, and a figure escaped once however often it passes."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from autoviz_core.tools.figure_text import escape_figure_text, escape_markup

LINK = '<a href="https://x.example">x</a>'


def test_escape_markup() -> None:
    assert escape_markup('R&D <b>"q"</b>') == 'R&amp;D &lt;b&gt;"q"&lt;/b&gt;'


def test_values_names_titles_legends_and_facets_are_escaped() -> None:
    df = pd.DataFrame({"team": [LINK, "A&B"], "spend <i>": [1.5, 2.0], "kind": [LINK, "plain"]})
    fig = px.bar(
        df, x="team", y="spend <i>", color="kind", facet_col="kind", hover_name="team", title=LINK
    )
    escape_figure_text(fig)
    trace = fig.data[0]
    assert list(trace.x) == ['&lt;a href="https://x.example"&gt;x&lt;/a&gt;']
    assert trace.name == '&lt;a href="https://x.example"&gt;x&lt;/a&gt;'
    assert fig.layout.title.text.startswith("&lt;a href=")
    assert fig.layout.annotations[0].text.startswith("kind=&lt;a href=")
    # plotly express's own tags stay; the column name inside the template is escaped
    assert trace.hovertemplate.startswith("<b>%{hovertext}</b><br><br>")
    assert "spend &lt;i&gt;=%{y}" in trace.hovertemplate and trace.hovertemplate.endswith(
        "<extra></extra>"
    )
    assert list(trace.y) == [1.5]


def test_escaping_is_done_once_and_leaves_plain_figures_alone() -> None:
    fig = go.Figure(go.Bar(x=["a&b"], y=[1]))
    escape_figure_text(fig)
    escape_figure_text(fig)
    assert fig.data[0].x == ("a&amp;b",)
    plain = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="north"))
    before = plain.to_json()
    escape_figure_text(plain)
    assert plain.to_json() == before
    escape_figure_text(None)  # a tool without a figure
