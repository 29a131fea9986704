"""Seeded synthetic tables and package-shipped tables the planner's own training questions use.

None of these tables (nor their column names) belongs to an evaluation set: they exist so that
the fitted weights see charts nvbench_train lacks (lines over dates, histograms, box plots),
columns named like keywords ("rank", "total", "type", "count", "size", "year") and casual
phrasing. Every table is a pure function of a fixed seed, so the fit is reproducible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

SEED = 20261126


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(SEED + offset)


def orders() -> pd.DataFrame:
    """Daily retail orders over two years: stores, product types, quantities, prices."""
    rng = _rng(1)
    days = pd.date_range("2023-01-01", "2024-12-31", freq="D")
    n = len(days) * 3
    date = np.repeat(days, 3)
    store = rng.choice(["North", "South", "East", "West", "Central"], n)
    ptype = rng.choice(["Furniture", "Office", "Tech", "Garden"], n, p=[0.2, 0.35, 0.3, 0.15])
    qty = rng.integers(1, 12, n)
    price = np.round(rng.gamma(3.0, 20.0, n) + np.where(ptype == "Tech", 80, 0), 2)
    discount = np.round(rng.choice([0, 5, 10, 15, 20], n, p=[0.5, 0.2, 0.15, 0.1, 0.05]), 0)
    revenue = np.round(qty * price * (1 - discount / 100), 2)
    return pd.DataFrame(
        {
            "order_date": date,
            "store": store,
            "product_type": ptype,
            "qty": qty,
            "unit_price": price,
            "discount_pct": discount,
            "revenue": revenue,
            "customer_segment": rng.choice(["Consumer", "Corporate", "Home Office"], n),
            "returned": rng.choice(["Yes", "No"], n, p=[0.08, 0.92]),
        }
    )


def employees() -> pd.DataFrame:
    """A staff list: departments, levels, pay, age, tenure, a rank column."""
    rng = _rng(2)
    n = 300
    dept = rng.choice(["Sales", "Engineering", "Finance", "HR", "Marketing", "Support"], n)
    level = rng.choice(
        ["Junior", "Mid", "Senior", "Lead", "Principal"], n, p=[0.3, 0.3, 0.2, 0.12, 0.08]
    )
    base = {"Junior": 45, "Mid": 60, "Senior": 80, "Lead": 95, "Principal": 120}
    salary = np.round(np.array([base[v] for v in level]) * 1000 * rng.normal(1, 0.1, n), -2)
    first = rng.choice(["Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"], n)
    last = rng.choice(["Smith", "Okafor", "Garcia", "Kim", "Novak", "Silva", "Ito", "Berg"], n)
    score = np.round(rng.normal(3.4, 0.7, n).clip(1, 5), 1)
    return pd.DataFrame(
        {
            "emp_id": np.arange(1001, 1001 + n),
            "full_name": [f"{a} {b} {i}" for i, (a, b) in enumerate(zip(first, last, strict=True))],
            "dept": dept,
            "job_level": level,
            "salary": salary,
            "age": rng.integers(21, 65, n),
            "years_of_service": rng.integers(0, 30, n),
            "gender": rng.choice(["F", "M"], n),
            "hire_year": rng.integers(2000, 2025, n),
            "remote": rng.choice(["Yes", "No"], n, p=[0.4, 0.6]),
            "performance_score": score,
            "rank": rng.permutation(np.arange(1, n + 1)),
            "office_city": rng.choice(["Lisbon", "Berlin", "Austin", "Osaka"], n),
        }
    )


def weather() -> pd.DataFrame:
    """Three years of daily weather in two cities, with a seasonal cycle."""
    rng = _rng(3)
    days = pd.date_range("2021-01-01", "2023-12-31", freq="D")
    rows = []
    for city, base, amp in (("Harbor City", 14.0, 8.0), ("Hill Town", 9.0, 11.0)):
        season = np.sin((days.day_of_year.to_numpy() - 110) / 365 * 2 * np.pi)
        tmax = np.round(base + amp * season + rng.normal(0, 2.5, len(days)) + 5, 1)
        tmin = np.round(tmax - rng.uniform(4, 10, len(days)), 1)
        precip = np.round(np.where(rng.random(len(days)) < 0.3, rng.gamma(2, 4, len(days)), 0), 1)
        cond = np.where(
            precip > 0,
            np.where(tmax < 2, "snow", "rain"),
            rng.choice(["sun", "fog"], len(days), p=[0.8, 0.2]),
        )
        rows.append(
            pd.DataFrame(
                {
                    "date": days,
                    "city": city,
                    "temp_max": tmax,
                    "temp_min": tmin,
                    "precip_mm": precip,
                    "wind_kmh": np.round(rng.gamma(3, 5, len(days)), 1),
                    "conditions": cond,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def web() -> pd.DataFrame:
    """Daily website traffic per channel for a year; a rate and a per-visit value."""
    rng = _rng(4)
    days = pd.date_range("2024-01-01", "2024-12-31", freq="D")
    rows = []
    for channel, base in (("Search", 900), ("Social", 500), ("Email", 250), ("Direct", 400)):
        visits = rng.poisson(base * (1 + 0.3 * (days.day_of_week.to_numpy() < 5)), len(days))
        conv = rng.binomial(visits, 0.03)
        rows.append(
            pd.DataFrame(
                {
                    "day": days,
                    "channel": channel,
                    "visits": visits,
                    "conversions": conv,
                    "revenue_per_visit": np.round(rng.gamma(2, 0.6, len(days)), 2),
                    "bounce_rate": np.round(rng.beta(4, 6, len(days)), 3),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def cars() -> pd.DataFrame:
    """Car models: make, model year, fuel economy, power, weight, cylinders, origin, price."""
    rng = _rng(5)
    n = 200
    make = rng.choice(["Avalon", "Brisa", "Corvo", "Dyna", "Elan", "Fiora"], n)
    cyl = rng.choice([4, 6, 8], n, p=[0.5, 0.3, 0.2])
    hp = np.round(60 + cyl * 18 + rng.normal(0, 15, n))
    weight = np.round(1800 + cyl * 250 + rng.normal(0, 200, n))
    mpg = np.round(55 - weight / 120 + rng.normal(0, 2, n), 1)
    return pd.DataFrame(
        {
            "make": make,
            "model": [f"{m[:2].upper()}-{i}" for i, m in enumerate(make)],
            "model_year": rng.integers(1995, 2024, n),
            "mpg": mpg,
            "horsepower": hp,
            "weight_lbs": weight,
            "cylinders": cyl,
            "origin": rng.choice(["USA", "Europe", "Japan"], n),
            "price": np.round(15000 + hp * 120 + rng.normal(0, 3000, n), -1),
        }
    )


def shops() -> pd.DataFrame:
    """Shops with a size class, a headcount called count, a yearly total and an opening year."""
    rng = _rng(6)
    n = 80
    size = rng.choice(["small", "medium", "large"], n, p=[0.5, 0.35, 0.15])
    staff = np.array([{"small": 4, "medium": 12, "large": 40}[s] for s in size]) + rng.integers(
        0, 5, n
    )
    return pd.DataFrame(
        {
            "shop_name": [f"Shop {i:02d}" for i in range(n)],
            "size": size,
            "count": staff,
            "region": rng.choice(["Coast", "Valley", "Plains", "Mountains"], n),
            "total": np.round(staff * rng.gamma(5, 9000, n), -2),
            "year": rng.integers(1990, 2024, n),
            "type": rng.choice(["grocery", "hardware", "pharmacy"], n),
        }
    )


def survey() -> pd.DataFrame:
    """A pre-counted table: each row says how many respondents gave an answer."""
    rows = []
    rng = _rng(7)
    for age_group in ("18-29", "30-44", "45-64", "65+"):
        for answer in ("Agree", "Neutral", "Disagree"):
            rows.append(
                {
                    "age_group": age_group,
                    "answer": answer,
                    "num_respondents": int(rng.integers(20, 300)),
                }
            )
    return pd.DataFrame(rows)


def members() -> pd.DataFrame:
    """Loyalty-club members with a categorical rank, points and a join date."""
    rng = _rng(8)
    n = 150
    return pd.DataFrame(
        {
            "member_name": [f"Member {i:03d}" for i in range(n)],
            "rank": rng.choice(
                ["Bronze", "Silver", "Gold", "Platinum"], n, p=[0.45, 0.3, 0.18, 0.07]
            ),
            "points_total": rng.integers(100, 20000, n),
            "visits": rng.integers(1, 120, n),
            "join_date": pd.to_datetime("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 1800, n), unit="D"),
            "city": rng.choice(["Lisbon", "Porto", "Faro"], n),
        }
    )


def incidents() -> pd.DataFrame:
    """A pre-counted table: how many incidents of each category were logged per year."""
    rng = _rng(9)
    rows = []
    for year in range(2015, 2025):
        for category in ("fire", "flood", "theft", "traffic"):
            rows.append(
                {
                    "year": year,
                    "category": category,
                    "count": int(rng.integers(5, 90)),
                    "cost_k": round(float(rng.gamma(3, 40)), 1),
                }
            )
    return pd.DataFrame(rows)


def flights() -> pd.DataFrame:
    """Pre-counted: how many flights left each origin for each carrier, with a delay rate."""
    rng = _rng(10)
    rows = []
    for origin in ("LIS", "OPO", "FAO", "MAD", "BCN"):
        for carrier in ("Alpha", "Beta", "Gamma"):
            rows.append(
                {
                    "origin": origin,
                    "carrier": carrier,
                    "flights": int(rng.integers(50, 900)),
                    "delay_rate": round(float(rng.beta(2, 8)), 3),
                }
            )
    return pd.DataFrame(rows)


def species_counts() -> pd.DataFrame:
    """Pre-counted: birds seen per site and species in a survey, with the observer's effort."""
    rng = _rng(11)
    rows = []
    for site in ("Marsh", "Forest", "Dunes", "Meadow"):
        for species in ("heron", "owl", "plover", "lark", "crow"):
            rows.append(
                {
                    "site": site,
                    "species": species,
                    "n": int(rng.integers(0, 60)),
                    "hours_observed": round(float(rng.uniform(1, 6)), 1),
                }
            )
    return pd.DataFrame(rows)


def patients() -> pd.DataFrame:
    """A clinic's patients: coded sex (1/2), age, body measures, a smoker flag, a treatment arm."""
    rng = _rng(12)
    n = 360
    sex = rng.choice([1, 2], n)
    age = rng.integers(18, 90, n)
    bmi = np.round(rng.gamma(9, 3, n), 1)
    smoker = rng.choice(["yes", "no"], n, p=[0.25, 0.75])
    arm = rng.choice(["placebo", "low dose", "high dose"], n)
    effect = np.array([{"placebo": 0, "low dose": 4, "high dose": 9}[a] for a in arm])
    bp = np.round(95 + age * 0.45 + (smoker == "yes") * 6 + rng.normal(0, 11, n))
    chol = np.round(rng.normal(205, 38, n))
    chol[rng.choice(n, 14, replace=False)] = np.nan
    return pd.DataFrame(
        {
            "patient_id": np.arange(5001, 5001 + n),
            "sex": sex,
            "age": age,
            "bmi": bmi,
            "blood_pressure": bp,
            "cholesterol": chol,
            "smoker": smoker,
            "treatment": arm,
            "recovery_days": np.round(rng.gamma(4, 4, n) + 20 - effect).clip(1),
        }
    )


def housing() -> pd.DataFrame:
    """House sales: neighbourhood, rooms, floor area, year built, a garage flag, sale price."""
    rng = _rng(13)
    n = 420
    hood = rng.choice(["Riverside", "Old Town", "Hillcrest", "Harbour", "Elm Park"], n)
    area = np.round(rng.gamma(6, 18, n) + 30)
    rooms = np.clip(np.round(area / 28 + rng.normal(0, 0.8, n)), 1, 9).astype(int)
    built = rng.integers(1920, 2024, n)
    premium = np.array([{"Riverside": 1.3, "Old Town": 1.15, "Hillcrest": 1.0, "Harbour": 1.2,
                         "Elm Park": 0.85}[h] for h in hood])  # fmt: skip
    price = np.round(area * 2400 * premium * rng.lognormal(0, 0.15, n), -3)
    return pd.DataFrame(
        {
            "neighbourhood": hood,
            "rooms": rooms,
            "floor_area_m2": area,
            "year_built": built,
            "garage": rng.choice(["yes", "no"], n, p=[0.55, 0.45]),
            "sale_price": price,
            "sold_on": pd.to_datetime("2022-01-01")
            + pd.to_timedelta(rng.integers(0, 730, n), unit="D"),
        }
    )


def households() -> pd.DataFrame:
    """A household survey: region, tenure, children, pets, cars, income, monthly rent."""
    rng = _rng(20)
    n = 360
    children = rng.choice([0, 0, 0, 1, 1, 2, 2, 3, 4], n)
    income = np.round(rng.lognormal(10.8, 0.35, n) + 4000 * children, -2)
    return pd.DataFrame(
        {
            "region": rng.choice(["Coast", "Valley", "Uplands", "Metro"], n),
            "tenure": rng.choice(["owner", "renter"], n, p=[0.6, 0.4]),
            "children": children,
            "pets": rng.choice([0, 0, 1, 1, 2, 3], n),
            "cars": rng.choice([0, 1, 1, 2, 2, 3], n).astype(float),
            "income": income,
            "rent": np.round(income * rng.uniform(0.18, 0.35, n) / 12),
        }
    )


def lake() -> pd.DataFrame:
    """One row per year: a lake's level, rainfall and ice-cover days, 1901-2020."""
    rng = _rng(14)
    years = np.arange(1901, 2021)
    level = np.round(112 - (years - 1901) * 0.03 + rng.normal(0, 0.6, len(years)), 2)
    return pd.DataFrame(
        {
            "year": years,
            "water_level_m": level,
            "rainfall_mm": np.round(rng.normal(820, 110, len(years))),
            "ice_days": np.clip(
                np.round(95 - (years - 1901) * 0.35 + rng.normal(0, 9, len(years))), 0, None
            ).astype(int),
        }
    )


def sensor() -> pd.DataFrame:
    """Hourly readings of one greenhouse sensor over a year: temperature and humidity."""
    rng = _rng(15)
    stamps = pd.date_range("2023-01-01", "2023-12-31 23:00", freq="h")
    day = stamps.dayofyear.to_numpy()
    hour = stamps.hour.to_numpy()
    temp = 18 + 6 * np.sin((day - 100) / 365 * 2 * np.pi) + 3 * np.sin((hour - 9) / 24 * 2 * np.pi)
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "temperature_c": np.round(temp + rng.normal(0, 1.2, len(stamps)), 1),
            "humidity_pct": np.round(
                np.clip(65 - 0.8 * (temp - 18) + rng.normal(0, 6, len(stamps)), 20, 100), 1
            ),
        }
    )


def companies() -> pd.DataFrame:
    """A panel: eight companies, one row each per year 2001-2020, sales, staff and assets."""
    rng = _rng(16)
    rows = []
    for k, name in enumerate(["Acme Corp", "Blue Ridge", "Cobalt Ltd", "Delta Works",
                              "Evergreen", "Falcon Inc", "Granite Co", "Helix Labs"]):  # fmt: skip
        base = 200 + 150 * k
        for year in range(2001, 2021):
            growth = (1 + 0.02 * (k % 4)) ** (year - 2001)
            rows.append(
                {
                    "company": name,
                    "year": year,
                    "sales": round(float(base * growth * rng.lognormal(0, 0.08)), 1),
                    "staff": int(base * 3 * growth + rng.integers(-40, 40)),
                    "assets": round(float(base * 5 * growth * rng.lognormal(0, 0.05)), 1),
                }
            )
    return pd.DataFrame(rows)


def students() -> pd.DataFrame:
    """Test scores of students from four schools, with study hours and a pass flag."""
    rng = _rng(17)
    n = 500
    school = rng.choice(["North High", "South High", "East High", "West High"], n)
    hours = np.round(rng.gamma(3, 2.5, n), 1)
    math = np.clip(np.round(45 + hours * 3 + rng.normal(0, 10, n)), 0, 100)
    reading = np.clip(np.round(55 + hours * 2 + rng.normal(0, 12, n)), 0, 100)
    return pd.DataFrame(
        {
            "student": [f"S{i:04d}" for i in range(n)],
            "school": school,
            "gender": rng.choice(["girl", "boy"], n),
            "study_hours": hours,
            "math_score": math,
            "reading_score": reading,
            "passed": np.where((math + reading) / 2 >= 60, "yes", "no"),
        }
    )


def quarterly() -> pd.DataFrame:
    """A country's quarterly economy 1980-2019: output, jobless rate, price growth."""
    rng = _rng(18)
    rows = []
    out = 500.0
    for year in range(1980, 2020):
        for q in range(1, 5):
            out *= 1 + rng.normal(0.006, 0.008)
            rows.append(
                {
                    "year": year,
                    "qtr": q,
                    "output": round(out, 1),
                    "jobless_rate": round(
                        float(np.clip(6 + 2 * np.sin(year / 4) + rng.normal(0, 0.4), 2, 14)), 1
                    ),
                    "price_growth": round(float(rng.normal(2.5, 1.2)), 2),
                }
            )
    return pd.DataFrame(rows)


def outbreaks() -> pd.DataFrame:
    """Monthly case counts of three illnesses in a region, 2018-2021 (a wide table)."""
    rng = _rng(19)
    months = pd.date_range("2018-01-01", "2021-12-01", freq="MS")
    season = 1 + 0.6 * np.cos((months.month.to_numpy() - 1) / 12 * 2 * np.pi)
    return pd.DataFrame(
        {
            "month": months.strftime("%Y-%m-%d"),
            "influenza": rng.poisson(300 * season),
            "measles": rng.poisson(20, len(months)),
            "norovirus": rng.poisson(120 * (2 - season)),
        }
    )


def _plotly(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import plotly.express as px

        return getattr(px.data, name)()

    return load


TABLES: dict[str, Callable[[], pd.DataFrame]] = {
    "orders": orders,
    "employees": employees,
    "weather": weather,
    "web": web,
    "cars": cars,
    "shops": shops,
    "survey": survey,
    "members": members,
    "incidents": incidents,
    "flights": flights,
    "species_counts": species_counts,
    "patients": patients,
    "housing": housing,
    "households": households,
    "lake": lake,
    "sensor": sensor,
    "companies": companies,
    "students": students,
    "quarterly": quarterly,
    "outbreaks": outbreaks,
    "gapminder": _plotly("gapminder"),
    "election": _plotly("election"),
    "stocks": _plotly("stocks"),
    "experiment": _plotly("experiment"),
    "medals_wide": _plotly("medals_wide"),
}
