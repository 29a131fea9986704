"""Collect the plain-sentence findings of a run: the headline (the answer) first, then plan order."""

from __future__ import annotations

from typing import Any

from autoviz_core.report.finding import Finding
from autoviz_core.report.headline import headline
from autoviz_core.runtime.executor import ExecutionResult, StepRecord


def ordered_records(result: ExecutionResult) -> list[StepRecord]:
    """Successful steps with the primary one first; the rest keep plan order."""
    primary = result.primary()
    ok = [r for r in result.records if r.status == "ok" and r.result is not None]
    if primary is None:
        return ok
    return [primary, *(r for r in ok if r is not primary)]


def collect_findings(
    result: ExecutionResult, planned: Any = None, *, per_step: int | None = None
) -> list[Finding]:
    """Every finding once (identical sentences shown once); with the plan, the headline first.

    `planned` is the PlannedAnalysis (intent and request): it tells which step answers the
    question. The report, the app and the CLI JSON all call this, so they show the same list.
    """
    out: list[Finding] = []
    seen: set[str] = set()
    if planned is not None:
        first = headline(result, planned)
        out.append(first)
        seen.add(first.text)
    primary = result.primary()
    for record in ordered_records(result):
        texts = record.result.findings if record.result is not None else []
        for text in texts[:per_step] if per_step is not None else texts:
            if text in seen:
                continue
            seen.add(text)
            out.append(Finding(record.step_id, record.tool, text, record is primary))
    return out
