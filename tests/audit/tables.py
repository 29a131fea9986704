"""The audit's tables: plotly's shipped datasets, and seeded synthetic ones written to CSV.

`weather` is a daily weather-like table over four years (a yearly temperature cycle, wetter
winters); `shop` is daily sales of three stores over seventeen weeks starting on a Wednesday
(busier weekends, one planted spike). Added with the claims audit, each built to hold a trap
an analyst knows: `regions` is a panel (one row per region and year) whose population is a
stock; `ballots` has a total column that adds up the candidates' votes and a winner column;
`visits` is daily traffic with a strong weekday cycle, growth year on year, a missing week and
one spike; `monthly` is two and a half years of seasonal monthly revenue growing about 19% a
year; `prices` holds two unrelated random walks with drift (their levels correlate, their
changes do not); `cities` has 80 cities (ratings that tie, more groups than a chart draws).
Every table is made from a fixed seed, so every run audits the same numbers.
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


REGIONS = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel")


def regions_table(seed: int = 23) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i, region in enumerate(REGIONS):
        population = 200_000 + 150_000 * i + rng.integers(0, 50_000)
        income = 18_000 + 2_500 * rng.random() * (i + 1)
        area = int(1_000 + 700 * rng.random() * (8 - i))
        for year in range(2000, 2012):
            population = int(population * (1 + rng.normal(0.012, 0.004)))
            income *= 1 + rng.normal(0.025, 0.01)
            births = int(population * rng.normal(0.011, 0.0008))
            rows.append(
                {
                    "region": region,
                    "year": year,
                    "population": population,
                    "births": births,
                    "income_per_capita": round(income, 1),
                    "area_km2": area,
                }
            )
    return pd.DataFrame(rows)


CANDIDATES = ("Adams", "Baker", "Clark")


def ballots_table(seed: int = 31) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 40
    votes = {
        "Adams": rng.integers(300, 1500, n),
        "Baker": rng.integers(200, 1300, n),
        "Clark": rng.integers(100, 900, n),
    }
    frame = pd.DataFrame({"precinct": [f"P{i + 1:02d}" for i in range(n)], **votes})
    frame["total"] = frame[list(CANDIDATES)].sum(axis=1)
    frame["winner"] = frame[list(CANDIDATES)].idxmax(axis=1)
    frame["turnout_pct"] = rng.uniform(35, 80, n).round(1)
    frame["precinct_id"] = np.arange(101, 101 + n)
    return frame


SPIKE_VISITS = "2023-03-14"
MISSING_WEEK = ("2022-08-08", "2022-08-14")


def visits_table(seed: int = 41) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2022-01-01", "2023-06-30", freq="D")
    weekday = np.where(days.day_of_week >= 5, 0.57, 1.0)  # weekends 43% quieter
    growth = 1.19 ** np.asarray((days - days[0]).days / 365.25)
    visits = 2_000 * weekday * growth * (1 + rng.normal(0, 0.04, len(days)))
    visits[days == pd.Timestamp(SPIKE_VISITS)] *= 2.6
    signups = rng.binomial(np.round(visits).astype(int), 0.03)
    frame = pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "visits": np.round(visits).astype(int),
            "signups": signups,
            "bounce_rate": rng.uniform(0.3, 0.6, len(days)).round(3),
        }
    )
    gone = (days >= pd.Timestamp(MISSING_WEEK[0])) & (days <= pd.Timestamp(MISSING_WEEK[1]))
    return frame[~gone].reset_index(drop=True)


def monthly_table(seed: int = 53) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2019-01-01", periods=30, freq="MS")
    season = 1 + 0.35 * np.sin(2 * np.pi * (months.month.to_numpy() - 3) / 12)
    growth = 1.19 ** (np.arange(len(months)) / 12)
    revenue = 50_000 * season * growth * (1 + rng.normal(0, 0.03, len(months)))
    customers = np.round(1_200 * growth * (1 + rng.normal(0, 0.01, len(months)))).astype(int)
    return pd.DataFrame(
        {
            "month": months.strftime("%Y-%m-%d"),
            "revenue": revenue.round(2),
            "active_customers": customers,
            "price_index": (100 * growth * (1 + rng.normal(0, 0.01, len(months)))).round(2),
        }
    )


def prices_table(seed: int = 61) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2021-01-04", periods=500)
    alpha = 100 + np.cumsum(0.15 + rng.normal(0, 1.0, len(days)))
    beta = 40 + np.cumsum(0.06 + rng.normal(0, 0.5, len(days)))
    return pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "alpha_price": alpha.round(2),
            "beta_price": beta.round(2),
            "volume": rng.integers(10_000, 90_000, len(days)),
        }
    )


CITY_NAMES = [
    f"{a}{b}"
    for a in ("Ash", "Bell", "Clear", "Dun", "East", "Fair", "Glen", "High", "Iron", "Lake")
    for b in ("ford", "ham", "ton", "wick", "by", "field", "mouth", "stead")
]


def cities_table(seed: int = 71) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(CITY_NAMES)
    region = rng.choice(["North", "South", "East", "West", "Central", "Coast"], n)
    population = rng.lognormal(11, 0.8, n).astype(int)
    crime_rate = (20 + 0.00002 * population + rng.normal(0, 8, n)).clip(1).round(1)
    return pd.DataFrame(
        {
            "city": CITY_NAMES,
            "region": region,
            "population": population,
            "crime_rate": crime_rate,
            "rating": rng.integers(1, 6, n),
            "zip_code": rng.integers(10_000, 99_999, n),
        }
    )


def steady_table() -> pd.DataFrame:
    """Three years of a shop's sales growing by almost exactly 10,000 a year."""
    return pd.DataFrame({"year": [2019, 2020, 2021], "sales": [100_000.0, 110_000.0, 120_010.0]})


def gapyears_table(seed: int = 83) -> pd.DataFrame:
    """Yearly revenue 2012-2019, then 2021: the year 2020 was never recorded."""
    rng = np.random.default_rng(seed)
    years = [*range(2012, 2020), 2021]
    revenue = [round(500 + 40 * (y - 2012) + rng.normal(0, 15), 1) for y in years]
    return pd.DataFrame({"year": years, "revenue": revenue})


def gifts_table(seed: int = 89) -> pd.DataFrame:
    """Monthly gift-shop sales over thirty months: every December sells two and a half times
    a usual month (the season, not an anomaly), on a slight upward drift."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2019-01-01", periods=30, freq="MS")
    base = 20_000 * (1 + 0.01 * np.arange(len(months))) * (1 + rng.normal(0, 0.03, len(months)))
    sales = np.where(months.month == 12, 2.5 * base, base)
    return pd.DataFrame({"month": months.strftime("%Y-%m-%d"), "sales": sales.round(2)})


def launch_table(seed: int = 97) -> pd.DataFrame:
    """Fourteen months of sign-ups after a launch, one month three times the rest."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2023-01-01", periods=14, freq="MS")
    signups = rng.normal(1_000, 40, len(months))
    signups[9] *= 3
    return pd.DataFrame({"month": months.strftime("%Y-%m-%d"), "signups": signups.round()})


def clicks_table(seed: int = 101) -> pd.DataFrame:
    """Six thousand page views: time on page barely moves with the number of clicks (a real
    but negligible correlation, about 0.05, significant only because n is large)."""
    rng = np.random.default_rng(seed)
    n = 6_000
    clicks = rng.poisson(4, n)
    seconds = 60 + 0.6 * clicks + rng.normal(0, 25, n)
    return pd.DataFrame(
        {
            "page": rng.choice(["home", "pricing", "docs", "blog"], n),
            "clicks": clicks,
            "seconds_on_page": seconds.round(1),
        }
    )


def incidents_table(seed: int = 103) -> pd.DataFrame:
    """An incident log, one row per incident over four years: rare at first (several months
    without any), about a dozen a month by the end."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2019-01-01", periods=48, freq="MS")
    rows = []
    for i, month in enumerate(months):
        for _ in range(rng.poisson(0.25 * i)):
            day = month + pd.Timedelta(days=int(rng.integers(0, 28)))
            rows.append({"date": day.strftime("%Y-%m-%d"), "severity": int(rng.integers(1, 5))})
    return pd.DataFrame(rows)


SYNTHETIC = {
    "weather": weather_table,
    "shop": shop_table,
    "regions": regions_table,
    "ballots": ballots_table,
    "visits": visits_table,
    "monthly": monthly_table,
    "prices": prices_table,
    "cities": cities_table,
    "steady": steady_table,
    "gapyears": gapyears_table,
    "gifts": gifts_table,
    "launch": launch_table,
    "clicks": clicks_table,
    "incidents": incidents_table,
}


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
