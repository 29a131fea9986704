"""The rows an nvBench gold query keeps, per condition: its WHERE clause read with sqlglot.

nvBench states each question's answer as SQL ("Visualize BAR SELECT ... WHERE Age > 50 OR
Age < 46 ..."). The filter model is fitted on which of the question reader's candidate filters
keep the same rows as one condition of that clause. A condition is one conjunct of the WHERE
clause (split at its top-level ANDs); "x = 1 OR x = 2" on one column stays one condition.
Conditions are evaluated on the table with pandas the way SQLite would (LIKE ignores case;
'=' on text does not). A clause with a subquery, a join's other table or a function is not
read (None), and such a question gives the fit no filter labels.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import sqlglot
from sqlglot import expressions as exp

Mask = np.ndarray


def where_conditions(reference_query: str, df: pd.DataFrame) -> list[Mask] | None:
    """One boolean row mask per top-level conjunct of the query's WHERE clause; [] when there
    is none; None when the clause cannot be read on this one table."""
    sql = re.sub(r"^\s*Visualize\s+\w+\s+", "", reference_query, flags=re.I)
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        return None
    where = tree.args.get("where")
    if where is None:
        return []
    if any(True for _ in where.find_all(exp.Subquery, exp.Select)):
        return None
    try:
        return [_mask(c, df) for c in _conjuncts(where.this)]
    except (KeyError, ValueError, TypeError):
        return None


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    node = node.unnest() if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _column(node: exp.Expression, df: pd.DataFrame) -> pd.Series:
    if not isinstance(node, exp.Column):
        raise ValueError(f"not a column: {node.sql()}")
    by_lower = {str(c).lower(): c for c in df.columns}
    return df[by_lower[node.name.lower()]]


def _has_column(node: exp.Column, df: pd.DataFrame) -> bool:
    return node.name.lower() in {str(c).lower() for c in df.columns}


def _literal(node: exp.Expression) -> Any:
    node = node.unnest() if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.Neg):
        return -_literal(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        return float(node.this)
    if isinstance(node, exp.Boolean):
        return node.this
    if isinstance(node, exp.Column) and not node.table:
        return node.name  # SQLite reads a double-quoted word no column has as text
    raise ValueError(f"not a literal: {node.sql()}")


def _compare(s: pd.Series, value: Any, op: str) -> Mask:
    """One comparison the way SQLite makes it: numbers as numbers, text as text."""
    if isinstance(value, float):
        x = pd.to_numeric(s, errors="coerce")
    elif pd.api.types.is_numeric_dtype(s):
        x, value = s, float(value) if _is_number(value) else value
    else:
        x = s.astype("string").str.strip()
        value = str(value).strip()
        if pd.api.types.is_datetime64_any_dtype(s):
            x = s.dt.strftime("%Y-%m-%d %H:%M:%S").astype("string")
    result = {
        "eq": lambda: x == value,
        "ne": lambda: x != value,
        "gt": lambda: x > value,
        "ge": lambda: x >= value,
        "lt": lambda: x < value,
        "le": lambda: x <= value,
    }[op]()
    return np.asarray(pd.Series(result).fillna(False), dtype=bool) & s.notna().to_numpy()


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


COMPARISONS = {
    exp.EQ: "eq",
    exp.NEQ: "ne",
    exp.GT: "gt",
    exp.GTE: "ge",
    exp.LT: "lt",
    exp.LTE: "le",
}


def _mask(node: exp.Expression, df: pd.DataFrame) -> Mask:
    node = node.unnest() if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.And):
        return _mask(node.left, df) & _mask(node.right, df)
    if isinstance(node, exp.Or):
        return _mask(node.left, df) | _mask(node.right, df)
    if isinstance(node, exp.Not):
        inner = node.this.unnest() if isinstance(node.this, exp.Paren) else node.this
        return ~_mask(inner, df) & _present(inner, df)
    for kind, op in COMPARISONS.items():
        if isinstance(node, kind):
            left, right = node.left, node.right
            if not isinstance(left, exp.Column) or not _has_column(left, df):
                left, right = right, left
                op = {"gt": "lt", "lt": "gt", "ge": "le", "le": "ge"}.get(op, op)
            return _compare(_column(left, df), _literal(right), op)
    if isinstance(node, exp.Between):
        s = _column(node.this, df)
        return _compare(s, _literal(node.args["low"]), "ge") & _compare(
            s, _literal(node.args["high"]), "le"
        )
    if isinstance(node, exp.In):
        s = _column(node.this, df)
        out = np.zeros(len(df), dtype=bool)
        for v in node.expressions:
            out |= _compare(s, _literal(v), "eq")
        return out
    if isinstance(node, exp.Like):
        s = _column(node.this, df).astype("string")
        pattern = (
            "(?s)^"
            + re.escape(str(_literal(node.expression))).replace("%", ".*").replace("_", ".")
            + "$"
        )
        matched = s.str.contains(pattern, case=False, regex=True, na=False)
        return np.asarray(matched, dtype=bool)
    if isinstance(node, exp.Is):
        s = _column(node.this, df)
        return np.asarray(s.isna(), dtype=bool)
    raise ValueError(f"cannot read {node.sql()}")


def _present(node: exp.Expression, df: pd.DataFrame) -> Mask:
    """Rows where the columns a condition reads are present (NOT keeps no missing value)."""
    out = np.ones(len(df), dtype=bool)
    for col in node.find_all(exp.Column):
        out &= _column(col, df).notna().to_numpy()
    return out
