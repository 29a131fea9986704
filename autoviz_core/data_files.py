"""Reading the project's data files (templates, lexicon, prompts, vocabularies, settings).

They are YAML and read on the first question of every process, so they go through libyaml's
C parser when PyYAML has it (about ten times faster than the pure-Python one on the templates
and the lexicon); the result is the same plain data either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: str | Path) -> Any:
    """The YAML document at `path` as plain Python data (safe types only)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
