"""A sales table of our own for the tests: no test reads a table of an evaluation set.

A month of daily sales (March 2025) in four stores and five aisles, from a fixed seed. March 2025
starts on a Saturday and ends on a Monday, so both edge weeks are partial, and it has five
Saturdays, Sundays and Mondays against four of every other weekday (a weekday comparison must
average per day). Weekends sell more, the stores differ in size, sales rise slowly over the
month, and one planted spike (SPIKE: one store's toys on one day) stands out for anomaly tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FILE_NAME = "shop_sales.csv"
SEED = 2025
DAYS = pd.date_range("2025-03-01", "2025-03-31", freq="D")
STORES = {"Harbor": 1.3, "Hilltop": 1.0, "Riverside": 0.85, "Airport": 0.7}  # store size
AISLES = {  # aisle: (price of an item, items sold on an ordinary weekday in a store of size 1)
    "Bakery": (4.5, 40),
    "Dairy": (3.2, 55),
    "Produce": (2.8, 60),
    "Household": (9.5, 18),
    "Toys": (17.0, 9),
}
WEEKEND = 1.35
DAILY_RISE = 0.01
SPIKE = {"sale_date": pd.Timestamp("2025-03-19"), "store": "Riverside", "aisle": "Toys"}
SPIKE_FACTOR = 12


def shop_sales(seed: int = SEED) -> pd.DataFrame:
    """One row per day, store and aisle: sale_date, store, aisle, sales (money), items (count)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, day in enumerate(DAYS):
        season = (WEEKEND if day.day_of_week >= 5 else 1.0) * (1.0 + DAILY_RISE * i)
        for store, size in STORES.items():
            for aisle, (price, base) in AISLES.items():
                items = max(1, int(rng.poisson(base * size * season)))
                rows.append((day, store, aisle, items * price * rng.uniform(0.9, 1.1), items))
    df = pd.DataFrame(rows, columns=["sale_date", "store", "aisle", "sales", "items"])
    spike = np.logical_and.reduce([df[k] == v for k, v in SPIKE.items()])
    df.loc[spike, ["sales", "items"]] *= SPIKE_FACTOR
    df["sales"] = df["sales"].round(2)
    return df


def write_shop_sales(folder: Path, seed: int = SEED) -> Path:
    """The table as a CSV file (ISO dates) in `folder`, named FILE_NAME."""
    path = folder / FILE_NAME
    shop_sales(seed).to_csv(path, index=False, date_format="%Y-%m-%d")
    return path
