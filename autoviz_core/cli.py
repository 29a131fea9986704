"""Command line: `autoviz` (installed by `pip install .`) or `python -m autoviz_core`, with
`run DATA QUESTION`, `doctor` and `app` (the Streamlit app).

Exit codes: 0 success, 1 bad input or a failed run, 2 usage error (also an output path that
cannot be written), 3 backend unavailable.
A run with failed steps still writes its result JSON, but exits 1 and never prints success.
Every error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autoviz_core.config import APP_ROOT, load_settings
from autoviz_core.errors import AutoVizError, ConfigError, ModelUnavailableError, OutputPathError
from autoviz_core.unicode_safe import replace_undecodable

if TYPE_CHECKING:
    from autoviz_core.engine.query import QueryProgress
    from autoviz_core.planning.followup import PreviousVersion


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="autoviz", description="AutoViz: ask your data")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="answer a question about a table")
    run.add_argument(
        "data",
        help="CSV/TSV/XLSX/Parquet/JSONL file, a glob of CSV or Parquet files, plotly:NAME for "
        "a sample, or a database URL (postgresql://user@host:port/db, with --table)",
    )
    run.add_argument("question")
    run.add_argument(
        "--table",
        help="the table of a database URL to analyse (schema.table allowed); the password "
        "comes from PGPASSWORD, never the URL",
    )
    run.add_argument("--backend", help="model entry from config.yaml (default: default_model)")
    run.add_argument("--json", dest="json_out", help="write the result JSON here")
    run.add_argument("--out", dest="out_dir", help="write the report bundle into this folder")
    run.add_argument("--seed", type=int, help="seed for sampling and the model")
    run.add_argument("--config", help="config file (default: the repository's config.yaml)")
    run.add_argument(
        "--mode",
        choices=["cues", "model", "hybrid"],
        help="planner mode for intent and request (overrides config)",
    )
    run.add_argument("--no-adapt", action="store_true", help="skip the model's plan adaptation")
    run.add_argument(
        "--follow-up",
        dest="follow_up",
        metavar="PREVIOUS.json",
        help="read QUESTION as a follow-up of this earlier result JSON (its request is changed "
        "only where QUESTION says so)",
    )
    doc = sub.add_parser("doctor", help="which backends are usable, and why not")
    doc.add_argument("--config")
    sub.add_parser(
        "app",
        help="launch the Streamlit app (further arguments go to `streamlit run`)",
        description="Launch the Streamlit app, as `make app` does in a checkout.",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, streamlit_args = parser.parse_known_args(argv)
    if streamlit_args and args.command != "app":  # only `app` passes arguments on
        parser.error(f"unrecognized arguments: {' '.join(streamlit_args)}")
    try:
        if args.command == "doctor":
            return _doctor(args)
        if args.command == "app":
            return _app(streamlit_args)
        return _run(args)
    except ModelUnavailableError as exc:
        _error(str(exc))
        return 3
    except OutputPathError as exc:
        _error(str(exc))
        return 2
    except AutoVizError as exc:
        _error(str(exc))
        return 1
    except OSError as exc:  # a path no check above foresaw: still one line
        _error(_os_error_text(exc))
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def _error(message: str) -> None:
    print(f"error: {replace_undecodable(message)}", file=sys.stderr)


def _os_error_text(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename is not None else ""
    return f"{where}{exc.strerror or type(exc).__name__}"


def _doctor(args: argparse.Namespace) -> int:
    from autoviz_core.llm.health import doctor_report

    settings = load_settings(args.config)
    print(f"config: {settings.source}")
    ok = False
    for st in doctor_report(settings):
        mark = "ok " if st.usable else "-- "
        default = " (default)" if st.name == settings.default_model else ""
        print(f"{mark} {st.name:<20} {st.backend:<10} {st.status:<19} {st.detail}{default}")
        ok = ok or (st.usable and st.name == settings.default_model)
    return 0 if ok else 1


def app_command(streamlit_args: list[str]) -> tuple[list[str], Path]:
    """The `streamlit run` command line for the app and the folder to run it in (app.py's own,
    so Streamlit reads the .streamlit/config.toml beside it: upload limit, theme, headless)."""
    app = APP_ROOT / "app.py"
    if not app.is_file():
        raise ConfigError(f"The app is not installed: {app} is missing.")
    return [sys.executable, "-m", "streamlit", "run", str(app), *streamlit_args], APP_ROOT


def _app(streamlit_args: list[str]) -> int:
    """Become `streamlit run` (exec, not a child): a stop signal sent to `autoviz app` reaches
    the server itself, and no server is left running when the command is stopped."""
    command, folder = app_command(streamlit_args)
    os.chdir(folder)
    os.execv(command[0], command)
    return 1  # not reached: execv replaces this process or raises


def _run(args: argparse.Namespace) -> int:
    from autoviz_core.llm.factory import create_backend
    from autoviz_core.pipeline import bundle_args, result_document, run_analysis
    from autoviz_core.report.bundle import write_bundle
    from autoviz_core.runtime.startup import settle_after_imports

    settle_after_imports()
    settings = load_settings(args.config)
    name = args.backend or settings.default_model
    settings.model(name)  # unknown names fail here, before any loading
    settings = settings.model_copy(update={"planner": settings.planner_for(name)})
    if args.mode:
        settings = settings.model_copy(
            update={
                "planner": settings.planner.model_copy(
                    update={"intent_mode": args.mode, "request_mode": args.mode}
                )
            }
        )
    if args.no_adapt:
        settings = settings.model_copy(
            update={"planner": settings.planner.model_copy(update={"adapt_mode": "off"})}
        )
    if args.seed is not None:
        settings = settings.model_copy(
            update={"planner": settings.planner.model_copy(update={"seed": args.seed})}
        )
    question = replace_undecodable(args.question)  # bytes that were not UTF-8 become U+FFFD
    if not question.strip():
        raise ConfigError("The question is empty.", "Ask something about the table.")
    if args.json_out:
        check_output_file(args.json_out, "--json")
    if args.out_dir:
        check_output_folder(args.out_dir, "--out")
    previous = _previous(args.follow_up) if args.follow_up else None
    backend = create_backend(name, settings) if settings.planner.uses_model else None
    try:
        run = run_analysis(
            args.data,
            question,
            backend,
            settings,
            seed=args.seed,
            previous=previous,
            table_name=args.table,
            on_progress=_print_progress,
        )
    finally:
        if backend is not None:
            backend.close()
    doc = result_document(run, name)
    if args.json_out:
        with _writing(args.json_out, "--json"):
            write_result_json(Path(args.json_out), doc)
    if args.out_dir:
        with _writing(args.out_dir, "--out"):
            write_bundle(args.out_dir, **bundle_args(run, name))
    failed = run.result.failed()
    primary_ok = any(r.primary and r.status == "ok" for r in run.result.records)
    print(
        f"intent: {doc['intent']}  template: {doc['template_id']}  steps: {len(run.result.records)}"
        f"  failed: {len(failed)}"
    )
    for change in (run.follow_up or {}).get("changes", []):
        print(f"  follow-up: {change}")
    for note in run.table.warnings:  # how the table was read (infinities, repairs, formats)
        print(f"  note: {replace_undecodable(note)}")
    for rec in run.result.dropped():
        print(f"  {rec.step_id} ({rec.tool}) left out: {rec.error}", file=sys.stderr)
    for rec in failed:
        print(f"  {rec.step_id} ({rec.tool}): {rec.status}: {rec.error}", file=sys.stderr)
    answer = next((r for r in run.result.records if r.answer), None)
    if answer is not None and answer.status != "ok":
        print("error: the value the question asks for could not be computed", file=sys.stderr)
        return 1
    if not primary_ok:
        print("error: the chart answering the question could not be produced", file=sys.stderr)
        return 1
    if failed:
        print(f"error: {len(failed)} step(s) failed", file=sys.stderr)
        return 1
    return 0


def _print_progress(progress: QueryProgress) -> None:
    """A long engine query's progress, on one rewritten stderr line."""
    print(f"\r  {progress.text()}   ", end="", file=sys.stderr, flush=True)


def write_result_json(path: Path, doc: dict[str, Any]) -> None:
    """The result document as strict JSON (no NaN or Infinity: they are null)."""
    from autoviz_core.report.bundle import json_ready

    text = json.dumps(json_ready(doc), indent=2, allow_nan=False)  # non-ASCII as \u escapes
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")


def check_output_file(path: str, option: str) -> None:
    """Refuse, before any work, an output file that can never be written: a folder, or a
    place under a file or an unwritable folder."""
    target, shown = Path(path), replace_undecodable(path)
    if target.is_dir():
        raise OutputPathError(
            f"{option} {shown} is a folder, not a file.", f"Give a file name, e.g. {shown}/r.json."
        )
    _check_creatable(target.parent, option, shown)
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputPathError(f"{option} {shown} is not writable.")


def check_output_folder(path: str, option: str) -> None:
    """Refuse, before any work, an output folder that can never be written."""
    target, shown = Path(path), replace_undecodable(path)
    if target.exists() and not target.is_dir():
        raise OutputPathError(f"{option} {shown} is a file, not a folder.")
    _check_creatable(target, option, shown)


def _check_creatable(folder: Path, option: str, shown: str) -> None:
    """`folder` exists as a writable folder, or can be made inside one."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    place = replace_undecodable(str(existing))
    if not existing.is_dir():
        raise OutputPathError(f"{option} {shown}: {place} is a file, not a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputPathError(f"{option} {shown}: the folder {place} is not writable.")


@contextlib.contextmanager
def _writing(path: str, option: str) -> Iterator[None]:
    """An OSError while writing `path` (disk full, a folder that vanished) as one line."""
    try:
        yield
    except OSError as exc:
        shown = replace_undecodable(path)
        raise OutputPathError(
            f"{option} {shown} could not be written: {exc.strerror or type(exc).__name__}."
        ) from None


def _previous(path: str) -> PreviousVersion:
    """The earlier result a follow-up changes; a clear error when it is not one."""
    from autoviz_core.planning.followup import PreviousVersion

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("request"), dict):
            raise ValueError("it has no request")
        return PreviousVersion.from_result(doc)
    except FileNotFoundError:
        raise ConfigError(
            f"--follow-up: {replace_undecodable(path)} not found.",
            "Pass a result JSON from --json.",
        ) from None
    except OSError as exc:  # a folder, no permission
        raise ConfigError(
            f"--follow-up: {replace_undecodable(path)} cannot be read "
            f"({exc.strerror or type(exc).__name__}).",
            "Pass a result JSON from --json.",
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"--follow-up: {replace_undecodable(path)} is not a result JSON "
            f"({(str(exc).splitlines() or [type(exc).__name__])[0]}).",
            "Pass the file a previous run wrote with --json.",
        ) from None
