"""Build the model's messages from prompts.yaml (data, reviewed like code) and the profile."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.data_files import read_yaml
from autoviz_core.llm.base import Message

PROMPTS_FILE = Path(__file__).parent / "prompts.yaml"
MAX_COLUMNS_SHOWN = 40


@lru_cache(maxsize=1)
def prompts() -> dict[str, str]:
    return dict(read_yaml(PROMPTS_FILE))


def describe_columns(profile: SchemaProfile, only: list[str] | None = None) -> str:
    """One line per column: name, role and a few sample values (bounded, so prompts stay small)."""
    cols = [c for c in profile.columns if only is None or c.name in only][:MAX_COLUMNS_SHOWN]
    lines = []
    for c in cols:
        samples = ", ".join(v[:20] for v in c.sample_values[:3])
        lines.append(f"- {c.name} ({c.role}): e.g. {samples}")
    if len(profile.columns) > len(cols) and only is None:
        lines.append(f"- ... and {len(profile.columns) - len(cols)} more columns")
    return "\n".join(lines)


def messages(kind: str, *, system: str = "system", **fields: object) -> list[Message]:
    """The `system` prompt plus the filled user prompt of `kind` (intent, request, adapt...);
    a numbered choice has a system prompt of its own (it answers a number, not JSON)."""
    p = prompts()
    user = p[kind].format(**fields)
    return [
        {"role": "system", "content": p[system].strip()},
        {"role": "user", "content": user.strip()},
    ]
