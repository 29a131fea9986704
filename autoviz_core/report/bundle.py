"""The provenance bundle: plans, diff, tool calls, execution log, reports, charts and tables.

Every file is deterministic (sorted keys, no timestamps, fixed zip dates) so two runs of the
same plan on the same data can be diffed byte for byte; the only exception is
`run_metadata.json`, which holds the run id, the time and the step durations.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from autoviz_core.report.exports import table_to_csv_bytes
from autoviz_core.report.finding import Finding
from autoviz_core.report.html import figure_json, render_html
from autoviz_core.report.markdown import render_markdown
from autoviz_core.runtime.executor import ExecutionResult
from autoviz_core.tools.common import to_json_value
from autoviz_core.unicode_safe import utf8

RUN_METADATA = "run_metadata.json"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def dumps(obj: Any) -> str:
    """Stable, strict JSON: sorted keys, two-space indent, unicode kept, unknown values as
    text, no NaN or Infinity (they are null)."""
    return (
        json.dumps(json_ready(obj), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
        + "\n"
    )


def json_ready(obj: Any) -> Any:
    """Pydantic models, numpy and pandas values as plain JSON values; NaN and infinities as
    None, so the document is strict JSON (`json.dumps(..., allow_nan=False)` holds)."""
    if hasattr(obj, "model_dump"):
        return json_ready(obj.model_dump(mode="json"))
    if isinstance(obj, Mapping):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return to_json_value(obj)
    return to_json_value(obj)


def safe_name(step_id: str) -> str:
    """A step id as a file name (no path separators or odd characters)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", step_id).strip(".") or "step"


def tool_calls_from(result: ExecutionResult) -> list[dict[str, Any]]:
    """The executed calls with their resolved parameters, in plan order."""
    return [
        {"step_id": r.step_id, "tool": r.tool, "input": r.input, "params": r.params}
        for r in result.records
    ]


def _chart_files(result: ExecutionResult) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for r in result.records:
        res = r.result
        if res is None or (res.figure is None and res.chart is None):
            continue
        doc = {
            "step_id": r.step_id,
            "tool": r.tool,
            "primary": r.primary,
            "chart": res.chart.model_dump(mode="json") if res.chart is not None else None,
            "figure": json.loads(figure_json(res.figure)) if res.figure is not None else None,
        }
        files[f"charts/{safe_name(r.step_id)}.json"] = utf8(dumps(doc))
    return files


def _table_files(result: ExecutionResult) -> dict[str, bytes]:
    return {
        f"tables/{safe_name(r.step_id)}.csv": table_to_csv_bytes(r.result.table)
        for r in result.records
        if r.result is not None and r.result.table is not None and not r.result.table.empty
    }


def run_metadata(result: ExecutionResult, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The non-deterministic part of a run: id, time, per-step durations (plus caller extras)."""
    meta: dict[str, Any] = {
        "run_id": uuid.uuid4().hex,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "step_durations_ms": {r.step_id: round(r.duration_ms, 3) for r in result.records},
    }
    meta.update(json_ready(dict(extra or {})))
    return meta


def bundle_files(
    *,
    question: str,
    profile: Sequence[Mapping[str, Any]],
    template_plan: Any,
    adapted_plan: Any,
    plan_diff_md: str,
    result: ExecutionResult,
    findings: Sequence[Finding] | None = None,
    tool_calls: Sequence[Mapping[str, Any]] | None = None,
    provenance: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """Every bundle file as name -> bytes (names use "/" for the charts/ and tables/ folders).

    `template_plan` and `adapted_plan` are plain dicts (or pydantic models); `findings` are
    the run's findings with the headline first (default: collected without a headline);
    `tool_calls` defaults to the executed calls; `metadata` goes into run_metadata.json only.
    """
    prov = dict(provenance or {})
    report_args: dict[str, Any] = {
        "question": question,
        "profile": profile,
        "result": result,
        "provenance": prov,
        "findings": findings,
    }
    files = {
        "plan_template.json": utf8(dumps(template_plan)),
        "plan_adapted.json": utf8(dumps(adapted_plan)),
        "plan_diff.md": utf8(plan_diff_md.rstrip("\n") + "\n"),
        "tool_calls.json": utf8(
            dumps(list(tool_calls) if tool_calls is not None else tool_calls_from(result))
        ),
        "execution_log.json": utf8(dumps([r.to_log() for r in result.records])),
        "report.html": utf8(render_html(**report_args)),
        "report.md": utf8(render_markdown(**report_args)),
        **_chart_files(result),
        **_table_files(result),
        RUN_METADATA: utf8(dumps(run_metadata(result, metadata))),
    }
    return dict(sorted(files.items()))


def write_bundle(out_dir: str | Path, **kwargs: Any) -> list[Path]:
    """Write the bundle files under `out_dir` (created if needed); returns the paths written.

    Takes the same keyword arguments as `bundle_files`.
    """
    root = Path(out_dir)
    written = []
    for name, data in bundle_files(**kwargs).items():
        path = root.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def bundle_zip_bytes(**kwargs: Any) -> bytes:
    """The bundle as a zip (fixed entry dates and order, so only run_metadata.json varies).

    Takes the same keyword arguments as `bundle_files`.
    """
    return zip_bytes(bundle_files(**kwargs))


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """Files from `bundle_files` as a zip, for callers that also need single files of it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()
