"""Text with bytes that were not UTF-8 can always be written: each becomes U+FFFD."""

from __future__ import annotations

from autoviz_core.unicode_safe import replace_undecodable, utf8


def test_escaped_bytes_and_lone_surrogates_become_the_replacement_character() -> None:
    assert replace_undecodable("total \udcff\udcfe revenue") == "total \ufffd\ufffd revenue"
    assert replace_undecodable("a\ud800b") == "a\ufffdb"  # an escaped one from JSON
    assert utf8("caf\udce9") == "caf\ufffd".encode()


def test_valid_text_is_unchanged() -> None:
    text = "ünïcødé ✓ 漢字 😀"
    assert replace_undecodable(text) is text and utf8(text) == text.encode()
