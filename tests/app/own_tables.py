"""Tables of this test suite's own, uploaded through the Upload page as a person would, and
the steps the follow-up and reading tests share."""

from __future__ import annotations

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

PARKS = ("North Park", "Riverside", "Hilltop", "Lakeview")
SPECIES = ("oak", "pine", "birch", "maple", "cedar", "willow")


def trees(rows: int = 120, seed: int = 7) -> pd.DataFrame:
    """Street trees: a species and a park per tree, its height and trunk, the year planted and a
    small-integer zone code (the kind of code column a vague question should not be summed on)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "tree_id": np.arange(1, rows + 1),
            "species": rng.choice(SPECIES, rows),
            "park": rng.choice(PARKS, rows),
            "height_m": rng.normal(15, 5, rows).round(1).clip(2),
            "trunk_cm": rng.normal(40, 12, rows).round(0).clip(5),
            "planted": rng.integers(1960, 2020, rows),
            "zone_code": rng.integers(1, 6, rows),
        }
    )


def upload(at: AppTest, frame: pd.DataFrame, name: str = "street_trees.csv") -> AppTest:
    """Upload `frame` as a CSV file on the Upload page."""
    at.switch_page("pages/upload.py").run()
    data = frame.to_csv(index=False).encode()
    at.file_uploader(key="upload_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    assert at.session_state["table"].name == name
    return at
