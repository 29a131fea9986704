"""Text that can always be printed and written as UTF-8.

Python keeps bytes that are not UTF-8 (in file names and command-line arguments) as lone
surrogates ("\\udcff"), and a JSON file may hold escaped ones ("\\ud800") in its cells; writing
such text as UTF-8 raises UnicodeEncodeError. Here each becomes U+FFFD, the replacement
character, so a question or a file name with a stray byte is answered, not a traceback.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_undecodable(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (unchanged when there is none)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, text)
    return text


def utf8(text: str) -> bytes:
    """`text` as UTF-8 bytes, lone surrogates written as U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return replace_undecodable(text).encode("utf-8")
