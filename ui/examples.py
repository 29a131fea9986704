"""Example questions for the loaded table, worded from its column roles (no model involved)."""

from __future__ import annotations

from autoviz_core.data.profiling import SchemaProfile

MAX_EXAMPLES = 5


def example_questions(profile: SchemaProfile) -> list[str]:
    """Up to five questions this table can answer, most specific first."""
    numeric = profile.names("numeric")
    categorical = [c.name for c in profile.columns if c.role in ("categorical", "boolean")]
    temporal = profile.names("temporal")
    out: list[str] = []
    if numeric and categorical:
        # Only money, counts and quantities add up; anything else is compared by its average.
        first = profile.column(numeric[0])
        how = "total " if first is not None and first.additive else "average "
        if "total" in numeric[0].lower():
            how = ""  # "highest total_bill", not "highest total total_bill"
        out.append(f"Which {categorical[0]} has the highest {how}{numeric[0]}?")
    if numeric and temporal:
        out.append(f"How does {numeric[0]} change over time?")
    if numeric:
        out.append(f"Are there unusual values in {numeric[0]}?")
    if len(numeric) >= 2 or (numeric and categorical):
        out.append(f"What drives {numeric[0]}?")
    if len(numeric) >= 2 and not temporal:
        out.append(f"How does {numeric[1]} relate to {numeric[0]}?")
    out.append("Give me an overview of the data")
    return out[:MAX_EXAMPLES]
