"""Tables bigger than memory (issue 26): a grouped question on a 100 M rows x 12 columns Parquet
file (and, with --csv, a ~10 GB CSV of the same rows), stage by stage, against a hand-written
DuckDB query of the same primary answer.

  .venv/bin/python -m bench.bench_big_tables                    # 100 M rows, Parquet
  .venv/bin/python -m bench.bench_big_tables --csv              # + the CSV (slow to make)
  .venv/bin/python -m bench.bench_big_tables --rows 1000000     # a small run to check it works

The files are generated once (DuckDB, seeded) into the cache folder ($AUTOVIZ_CACHE/bench, else
~/.cache/autoviz/bench) and reused. Each measurement runs in its own process, so peak RSS is
that run's own. The plan runs once, as the app runs it, with its steps in plan order: the
headline is in when its answer and primary steps have finished (everything before them
included, except importing the modules a running app already holds: the engine's backend and
the tools, reported as "import"), the whole analysis when the last step has. Reported per stage: open
(connect, count, sample, profile), plan, answer / primary chart, the other steps, peak RSS, and
the ratio of the headline to the hand-written query, for the first question on the file
(profiled then) and a later one (profile and sample kept in the cache); and for a question
asking for one value ("what is the average revenue?"), whose headline is its answer step and
evidence chart. For the CSV: the time of one DuckDB scan (one column, and every column parsed),
the first answer (on the CSV where it lies, planned from sampled lines), how long after it
the columnar copy was ready, and a later question on the same file (reading the copy).
Targets (issue 26): headline <= 3 s, whole <= 15 s, peak RSS <= 2 GB, ratio <= 20x, CSV first
answer <= two scans, later questions as fast as Parquet. Measured, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.bench_vs_ydata import peak_rss_mb

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
QUESTION = "average revenue by region"
LATER_QUESTION = "total units by segment"
# A question asking for one value (an answer step first, its evidence chart second).
ANSWER_QUESTION = "what is the average revenue?"
HAND_WRITTEN = {
    QUESTION: "SELECT region, avg(revenue) AS y FROM {src} GROUP BY region ORDER BY region",
    ANSWER_QUESTION: "SELECT avg(revenue), count(revenue), median(revenue) FROM {src}",
}


def cache_dir() -> Path:
    root = os.environ.get("AUTOVIZ_CACHE") or "~/.cache/autoviz"
    path = Path(root).expanduser() / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_parquet(rows: int) -> Path:
    """rows x 12 columns: ids, timestamps over ~3 years, 5 regions, 40 categories, 5,000
    products, money, counts, shares, a yes/no, 3 segments, costs and a rating with gaps."""
    import duckdb

    path = cache_dir() / f"sales_{rows}.parquet"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""
        COPY (SELECT i AS order_id,
            TIMESTAMP '2021-01-01' + to_seconds((hash(i) % 94608000)::BIGINT) AS order_time,
            ['North','South','East','West','Central'][1 + (hash(i * 7) % 5)::INT] AS region,
            'category ' || (hash(i * 11) % 40)::VARCHAR AS category,
            'product ' || (hash(i * 13) % 5000)::VARCHAR AS product,
            round((hash(i * 3) % 100000) / 100.0, 2) AS revenue,
            (hash(i * 5) % 50)::INTEGER AS units,
            round((hash(i * 17) % 1000) / 1000.0, 3) AS discount,
            (hash(i * 19) % 10 = 0) AS returned,
            ['consumer','corporate','home office'][1 + (hash(i * 23) % 3)::INT] AS segment,
            round((hash(i * 29) % 50000) / 100.0, 2) AS cost,
            CASE WHEN hash(i * 31) % 20 = 0 THEN NULL ELSE (hash(i * 37) % 5 + 1)::INTEGER END
                AS rating
        FROM range({int(rows)}) r(i))
        TO '{partial}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")
    con.close()
    os.replace(partial, path)
    return path


def make_csv(parquet: Path) -> Path:
    import duckdb

    path = parquet.with_suffix(".csv")
    if not path.exists():
        partial = path.with_suffix(".partial")
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{partial}' (HEADER, DELIMITER ',')"
        )
        os.replace(partial, path)
    return path


# ---------------------------------------------------------------- one measurement per process
def _child(kind: str, path: str, question: str, cache: str) -> dict[str, Any]:
    """Run inside a fresh process: the stages of one analysis, or the hand-written query."""
    sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    if kind == "hand":
        import duckdb

        src = f"read_parquet('{path}')" if path.endswith(".parquet") else f"read_csv('{path}')"
        con = duckdb.connect()
        t0 = time.perf_counter()
        con.execute(HAND_WRITTEN[question].format(src=src)).fetchall()
        seconds = time.perf_counter() - t0
        return {"seconds": round(seconds, 3), "peak_rss_mb": _peak_mb()}
    if kind == "scan":
        import duckdb

        t0 = time.perf_counter()
        duckdb.connect().execute(
            f"SELECT avg(revenue), count(*) FROM read_csv('{path}')"
        ).fetchall()
        return {"seconds": round(time.perf_counter() - t0, 3), "peak_rss_mb": _peak_mb()}
    if kind == "scan_all":  # a scan that parses every column: what the columnar copy must do
        import duckdb

        con = duckdb.connect()
        src = f"read_csv('{path}')"
        names = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
        counts = ", ".join(f'count("{n}")' for n in names)
        t0 = time.perf_counter()
        con.execute(f"SELECT {counts} FROM {src}").fetchall()
        return {"seconds": round(time.perf_counter() - t0, 3), "peak_rss_mb": _peak_mb()}
    return _analysis(path, question, cache, started)


def _analysis(path: str, question: str, cache: str, started: float) -> dict[str, Any]:
    import ibis.backends.duckdb  # noqa: F401  (loaded on first use, as the tools below)

    from autoviz_core.config import load_settings
    from autoviz_core.engine.load import open_source
    from autoviz_core.pipeline import plan_analysis, run_approved
    from autoviz_core.tools.registry import all_tools

    all_tools()  # the modules a running app holds after its first analysis
    imported = time.perf_counter()
    settings = load_settings()
    settings = settings.model_copy(
        update={
            "engine": settings.engine.model_copy(update={"route": "engine", "cache_dir": cache})
        }
    )
    stages: dict[str, float] = {"import": imported - started}
    t = time.perf_counter()
    table = open_source(path, settings, seed=settings.planner.seed)
    stages["open + sample + profile"] = time.perf_counter() - t
    assert table.profile is not None
    t = time.perf_counter()
    planned = plan_analysis(question, table, table.profile, None, settings.planner)
    stages["plan"] = time.perf_counter() - t
    # one run of the whole plan, as the app runs it: the headline is in once every answer and
    # primary step has finished (they come first in plan order), the whole analysis at the end
    heads = {s.id for s in planned.plan.steps if s.primary or s.answer}  # type: ignore[union-attr]
    marks: dict[str, float] = {}

    def on_step(index: int, total: int, rec: Any) -> None:
        heads.discard(rec.step_id)
        if not heads and "headline" not in marks:
            marks["headline"] = time.perf_counter()

    t = time.perf_counter()
    run = run_approved(
        table,
        table.profile,
        planned,
        settings,
        seed=42,
        on_step=on_step,  # type: ignore[arg-type]
    ).result  # as the app and the command line run it (a CSV read in place starts its copy)
    ended = time.perf_counter()
    stages["answer and primary chart" if run.answer() else "primary chart"] = (
        marks.get("headline", ended) - t
    )
    stages["other steps"] = ended - marks.get("headline", ended)
    headline = marks.get("headline", ended) - imported
    record = run.answer() or run.records[0]
    return {
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "headline_s": round(headline, 3),
        "whole_s": round(ended - imported, 3),
        "peak_rss_mb": _peak_mb(),
        "headline": {"tool": record.tool, "status": record.status, "text": record.summary[:240]},
        "failed_steps": [r.step_id for r in run.records if r.status != "ok"],
        "request": planned.request.model_dump(),  # type: ignore[union-attr]
    }


def _peak_mb() -> float:
    """This child's own peak RSS (VmHWM; ru_maxrss would carry the parent's over exec)."""
    return round(peak_rss_mb(), 1)


def measure(kind: str, path: Path, question: str = QUESTION, cache: str = "") -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "bench.bench_big_tables",
        "--child",
        kind,
        str(path),
        question,
        cache,
    ]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_for_copy(folder: Path, limit_s: float = 900.0) -> float | None:
    """Seconds until the columnar copy of the CSV is in the folder (None: not within limit)."""
    t = time.perf_counter()
    while time.perf_counter() - t < limit_s:
        if any(folder.glob("*.parquet")) and not any(folder.glob("*.making")):
            return round(time.perf_counter() - t, 1)
        time.sleep(0.5)
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--csv", action="store_true", help="also the CSV of the same rows (slow)")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(*args.child)))
        return 0
    cache = cache_dir()
    columnar = cache / "columnar"
    t = time.perf_counter()
    parquet = make_parquet(args.rows)
    report: dict[str, Any] = {
        "rows": args.rows,
        "columns": 12,
        "parquet_mb": round(parquet.stat().st_size / 1e6, 1),
        "generate_s": round(time.perf_counter() - t, 1),
        "load_average_start": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    hand = measure("hand", parquet)
    for kept in ("profiles", "samples"):  # the first question on the file profiles it
        shutil.rmtree(columnar / kept, ignore_errors=True)
    first = measure("ours", parquet, QUESTION, str(columnar))
    later = measure("ours", parquet, QUESTION, str(columnar))  # profile and sample kept
    hand_answer = measure("hand", parquet, ANSWER_QUESTION)
    answer = measure("ours", parquet, ANSWER_QUESTION, str(columnar))  # profile kept too
    report["parquet"] = {
        "hand_written_query": hand,
        "first_question": first,
        "later_question": later,
        "answer_question": {"question": ANSWER_QUESTION, "hand_written_query": hand_answer,
                            "later_question": answer},
    }  # fmt: skip
    for ours, by_hand in ((first, hand), (later, hand), (answer, hand_answer)):
        if "headline_s" in ours and "seconds" in by_hand:
            ours["ratio_to_hand_written"] = round(
                ours["headline_s"] / max(by_hand["seconds"], 1e-6), 1
            )
    if args.csv:
        csv = make_csv(parquet)
        for old in [*columnar.glob("*.parquet"), *columnar.glob("*.making")]:
            old.unlink()  # the first answer is on the CSV itself; its copy is made after
        scan = measure("scan", csv)
        scan_all = measure("scan_all", csv)
        first = measure("ours", csv, QUESTION, str(columnar))
        copied = wait_for_copy(columnar)  # made in a process of its own after the first answer
        later = measure("ours", csv, LATER_QUESTION, str(columnar))
        report["csv"] = {
            "csv_gb": round(csv.stat().st_size / 1e9, 2),
            "one_duckdb_scan": scan,
            "one_duckdb_scan_every_column": scan_all,
            "first_answer": first,
            "copy_ready_after_first_answer_s": copied,
            "later_question": later,
        }
        for key, one in (("ratio_to_two_scans", scan), ("ratio_to_two_full_scans", scan_all)):
            if "headline_s" in first and "seconds" in one:
                first[key] = round(first["headline_s"] / (2 * one["seconds"]), 2)
    report["load_average_end"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "big_tables.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(f"written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
