"""first_json_object: the first whole JSON object in model text, strings and truncation handled."""

from __future__ import annotations

import pytest

from autoviz_core.llm.json_extract import first_json_object


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', '{"a": 1}'),
        ('Sure! Here it is: {"a": 1} and more {"b": 2}', '{"a": 1}'),
        ('```json\n{"a": {"b": [1, {"c": 2}]}}\n```', '{"a": {"b": [1, {"c": 2}]}}'),
        ('{"r": "a } inside", "s": "{"}', '{"r": "a } inside", "s": "{"}'),
        ('{"r": "quote \\" and } brace"}', '{"r": "quote \\" and } brace"}'),
        ('prose {not json} then {"a": 1}', '{"a": 1}'),
    ],
)
def test_finds_the_first_object(text: str, expected: str) -> None:
    assert first_json_object(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no json here",
        '{"changes": [{"action": "add", "step_id": "s1"},',  # truncated: no inner object
        '{"a": "unterminated }',
        '["a", "b"]',
    ],
)
def test_none_when_no_whole_object(text: str) -> None:
    assert first_json_object(text) is None
