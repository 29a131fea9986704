"""Data never becomes markup in a chart.

plotly draws a subset of HTML (`<a href>`, `<span style>`, `<b>`, `<br>` ...) in tick labels,
hover text, titles, legends and annotations, so a cell holding `<a href="https://…">` would be
a link inside the chart. Every figure a tool returns passes through `escape_figure_text` (the
tool registry's call wrapper), which writes `&`, `<` and `>` in every string of the figure as
entities, which plotly shows as the characters they are. The hover and text templates plotly
express writes keep their own line breaks, `<extra>` box and bold hover name; every other `<`
in them (a column name, say) is escaped like the rest.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np

TEMPLATE_KEYS = frozenset({"hovertemplate", "texttemplate"})
# what plotly express itself writes into templates: line breaks, the hover box's <extra>,
# and the bold hover name (`hover_name=`)
_OWN_TAGS = re.compile(r"(<br>|<extra>|</extra>|<b>%\{hovertext\}</b>)")
_MARKUP = re.compile(r"[&<>]")
_ESCAPED_FLAG = "_autoviz_text_escaped"


class _Same:
    """Marks a value that escaping leaves as it is (so nothing is written back)."""


_SAME = _Same()


def escape_markup(text: str) -> str:
    """`&`, `<` and `>` as entities: plotly shows the text, never renders it."""
    return html.escape(text, quote=False)


def _escape_template(text: str) -> str:
    parts = _OWN_TAGS.split(text)
    return "".join(p if _OWN_TAGS.fullmatch(p) else escape_markup(p) for p in parts)


def escape_figure_text(figure: Any) -> None:
    """Escape, in place, every string of a plotly figure's traces, layout and frames (the
    layout's template is plotly's own). Idempotent: a figure is escaped once."""
    if figure is None or getattr(figure, _ESCAPED_FLAG, False):
        return
    for trace in figure.data:
        _update(trace, trace.to_plotly_json())
    _update(figure.layout, figure.layout.to_plotly_json(), skip={"template"})
    for frame in getattr(figure, "frames", ()) or ():
        for trace in frame.data or ():
            _update(trace, trace.to_plotly_json())
        if frame.layout is not None:
            _update(frame.layout, frame.layout.to_plotly_json(), skip={"template"})
        if isinstance(frame.name, str):
            frame.name = escape_markup(frame.name)
    setattr(figure, _ESCAPED_FLAG, True)


def _update(obj: Any, props: dict[str, Any], skip: frozenset[str] | set[str] = frozenset()) -> None:
    """Write back only the properties that escaping changed (most figures have none)."""
    changed = {}
    for key, value in props.items():
        if key in skip:
            continue
        new = _escaped(value, key in TEMPLATE_KEYS)
        if new is not _SAME:
            changed[key] = new
    if changed:
        obj.update(changed, overwrite=True)


def _escaped(value: Any, template: bool) -> Any:
    """The escaped value, or _SAME when it holds nothing to escape."""
    if isinstance(value, str):
        if not _MARKUP.search(value):
            return _SAME
        return _escape_template(value) if template else escape_markup(value)
    if isinstance(value, dict):
        fields = {k: _escaped(v, template or k in TEMPLATE_KEYS) for k, v in value.items()}
        if all(v is _SAME for v in fields.values()):
            return _SAME
        return {k: value[k] if v is _SAME else v for k, v in fields.items()}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "OUS":
            return _SAME  # numbers and dates: nothing to escape
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        items = [_escaped(v, template) for v in value]
        if all(v is _SAME for v in items):
            return _SAME
        return [value[i] if v is _SAME else v for i, v in enumerate(items)]
    return _SAME
