"""The audit's tables: plotly's shipped datasets, and two seeded synthetic ones written to CSV.

`weather` is a daily weather-like table over four years (a yearly temperature cycle, wetter
winters); `shop` is daily sales of three stores over seventeen weeks starting on a Wednesday
(busier weekends, one planted spike). Both are made from a fixed seed, so every run audits the
same numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SPIKE_DAY = "2024-02-22"


def weather_table(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2012-01-01", "2015-12-31", freq="D")
    day = dates.day_of_year.to_numpy()
    season = -np.cos(2 * np.pi * (day - 15) / 365.25)
    temp_max = 16 + 10 * season + rng.normal(0, 3, len(dates))
    temp_min = temp_max - 8 + rng.normal(0, 1.5, len(dates))
    wet = rng.random(len(dates)) < 0.45 - 0.2 * season
    precipitation = np.where(wet, rng.gamma(1.5, 4.0, len(dates)), 0.0)
    weather = np.where(wet, np.where(temp_max < 3, "snow", "rain"), "sun")
    return pd.DataFrame(
        {
            "date": dates.strftime("%Y-%m-%d"),
            "precipitation": precipitation.round(1),
            "temp_max": temp_max.round(1),
            "temp_min": temp_min.round(1),
            "wind": rng.gamma(3.0, 1.2, len(dates)).round(1),
            "weather": weather,
        }
    )


def shop_table(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-03", periods=120, freq="D")
    rows = []
    for store, level in (("North", 900.0), ("South", 600.0), ("East", 450.0)):
        weekend = np.where(dates.day_of_week >= 5, 1.6, 1.0)
        sales = level * weekend * (1 + rng.normal(0, 0.05, len(dates)))
        sales[dates == pd.Timestamp(SPIKE_DAY)] *= 3.0
        orders = np.round(sales / rng.uniform(18, 22, len(dates)))
        rows.append(
            pd.DataFrame(
                {
                    "date": dates.strftime("%Y-%m-%d"),
                    "store": store,
                    "sales": sales.round(2),
                    "orders": orders.astype(int),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


SYNTHETIC = {"weather": weather_table, "shop": shop_table}


def source_table(name: str, source: str) -> pd.DataFrame:
    if source == "plotly":
        import plotly.express as px

        return getattr(px.data, name)()  # type: ignore[no-any-return]
    return SYNTHETIC[name]()


def write_tables(folder: Path, sources: dict[str, str]) -> dict[str, Path]:
    """Each table as the CSV a person would upload (name -> path under `folder`)."""
    paths = {}
    for name, source in sources.items():
        path = folder / f"{name}.csv"
        source_table(name, source).to_csv(path, index=False)
        paths[name] = path
    return paths
