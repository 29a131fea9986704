"""Scoring rules of ../shared/eval/README.md, implemented exactly and nowhere else."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from typing import Any

import pandas as pd

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def normalise(value: Any) -> str:
    """Numbers to 2 decimals (integers without .0), text lower-cased/stripped, dates YYYY-MM-DD."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return _num(float(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return _date(pd.Timestamp(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return _date(pd.Timestamp(text))
        except ValueError:
            pass
    try:
        if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
            return _num(float(text))
    except ValueError:
        pass
    return text.lower()


def _num(x: float) -> str:
    r = round(x, 2)
    return str(int(r)) if float(r).is_integer() else f"{r:.2f}".rstrip("0").rstrip(".")


def _date(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M:%S")


def pairs(xs: list[Any], ys: list[Any]) -> list[tuple[str, str]]:
    return [(normalise(a), normalise(b)) for a, b in zip(xs, ys, strict=False)]


def primary_chart(result: dict[str, Any]) -> dict[str, Any] | None:
    charts = result.get("charts") or []
    return next((c for c in charts if c.get("primary")), charts[0] if charts else None)


def score_nvbench(result: dict[str, Any] | None, gold: dict[str, Any]) -> dict[str, bool]:
    chart = primary_chart(result) if result else None
    if chart is None:
        return {"kind": False, "data": False, "order": False}
    got = pairs(chart["data"]["x"], chart["data"]["y"])
    want = pairs(gold["x"], gold["y"])
    data = Counter(got) == Counter(want)
    order = data and (gold.get("order") in (None, "none") or got == want)
    return {"kind": chart.get("kind") == gold["chart"], "data": data, "order": order}


def _strings(obj: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(obj, str):
        out.add(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            out |= _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            out |= _strings(v)
    return out


def score_analysis(
    result: dict[str, Any] | None, gold: dict[str, Any], df: pd.DataFrame
) -> dict[str, Any]:
    if result is None:
        return {
            "intent": False,
            "columns": False,
            "chart": None if "chart" not in gold else False,
            "check": None if "check" not in gold else False,
        }
    labels = gold["intent"] if isinstance(gold["intent"], list) else [gold["intent"]]
    strings = _strings(result.get("plan")) | _strings(result.get("charts"))
    out: dict[str, Any] = {
        "intent": result.get("intent") in labels,
        "columns": all(c in strings for c in gold.get("columns", [])),
        "chart": None,
        "check": None,
    }
    chart = primary_chart(result)
    if "chart" in gold:
        out["chart"] = bool(chart and chart.get("kind") == gold["chart"])
    if "check" in gold:
        out["check"] = bool(chart and _check(chart, gold["check"], df))
    return out


def _check(chart: dict[str, Any], check: dict[str, Any], df: pd.DataFrame) -> bool:
    x, y, agg = check["x"], check.get("y"), check["agg"]
    expected = df.groupby(x).size() if agg == "count" else df.groupby(x)[y].agg(agg)
    want = Counter(pairs(list(expected.index), list(expected.values)))
    got = Counter(pairs(chart["data"]["x"], chart["data"]["y"]))
    return want == got


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, default=str)
