"""Writes answers.jsonl: the planner's own questions for the answer reading (run once; committed).

Every question is about a table of bench/train/tables.py (none belongs to an evaluation set) and
carries its gold answer reading: the kind and the fields that kind fixes (statistic and column,
the two columns of a relation, a test's measure and groups, an extreme's groups, measure,
combination and direction, a change's measure and period column). Chart questions that sound
like answers ("average revenue per store", "show the distribution of price") are here too, with
kind "chart", so the fit learns where the line runs. Several phrasings per kind, written the way
people type (lower case, missing apostrophes, a typo now and then); a seeded generator picks
columns and values, so rerunning the script reproduces the file.

    .venv/bin/python -m bench.train.make_answers
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("answers.jsonl")
SEED = 20261207


@dataclass
class Spec:
    """What a question may name on one table: measures, groups, values, dates, entities."""

    entity: list[str]  # what a row is ("orders", "patients")
    measures: dict[str, list[str]]  # column -> ways to say it
    groups: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)  # group column -> two values
    additive: set[str] = field(default_factory=set)  # measures whose totals mean something
    date: str | None = None  # a datetime column
    year: str | None = None  # a whole-number year column
    years: tuple[str, str] | None = None
    label: str | None = None  # a column naming single rows
    label_words: list[str] = field(default_factory=list)
    thresholds: dict[str, list[int | float]] = field(default_factory=dict)
    count_col: str | None = None  # a pre-counted table: the column holding how many
    counted: list[str] = field(default_factory=list)  # what it counts ("incidents", "flights")
    freq: str = ""  # how often the rows were taken ("hourly", "daily")
    labels: list[str] = field(default_factory=list)  # columns naming a row ("date, store and type")


SPECS: dict[str, Spec] = {
    "orders": Spec(
        ["orders", "order lines", "rows"],
        {
            "revenue": ["revenue", "sales revenue"],
            "qty": ["quantity", "qty", "units ordered"],
            "unit_price": ["unit price", "price per unit"],
            "discount_pct": ["discount percentage", "discount pct"],
        },
        {
            "store": ["store"],
            "product_type": ["product type"],
            "customer_segment": ["customer segment", "segment"],
        },
        {
            "store": ["North", "South"],
            "product_type": ["Tech", "Garden"],
            "customer_segment": ["Corporate", "Consumer"],
        },
        {"revenue", "qty"},
        date="order_date",
        years=("2023", "2024"),
        thresholds={"qty": [5, 10], "revenue": [500, 1000], "unit_price": [100]},
    ),
    "employees": Spec(
        ["employees", "staff members", "people"],
        {
            "salary": ["salary", "pay"],
            "age": ["age"],
            "years_of_service": ["years of service", "tenure"],
            "performance_score": ["performance score", "performance rating"],
        },
        {
            "dept": ["department", "dept"],
            "job_level": ["job level", "level"],
            "office_city": ["office city", "office"],
            "gender": ["gender"],
            "remote": ["remote status"],
        },
        {
            "dept": ["Sales", "Engineering"],
            "job_level": ["Junior", "Senior"],
            "office_city": ["Lisbon", "Berlin"],
            "gender": ["F", "M"],
        },
        {"salary"},
        year="hire_year",
        years=("2005", "2020"),
        label="full_name",
        label_words=["employee", "person"],
        thresholds={"age": [40, 50], "salary": [80000], "years_of_service": [10]},
    ),
    "weather": Spec(
        ["days", "readings", "rows"],
        {
            "temp_max": ["maximum temperature", "max temp", "high temperature"],
            "temp_min": ["minimum temperature", "min temp"],
            "precip_mm": ["precipitation", "rainfall", "precip"],
            "wind_kmh": ["wind speed", "wind"],
        },
        {"city": ["city"], "conditions": ["conditions", "weather conditions"]},
        {"city": ["Harbor City", "Hill Town"], "conditions": ["rain", "sun"]},
        {"precip_mm"},
        date="date",
        years=("2021", "2023"),
        thresholds={"temp_max": [25, 30], "precip_mm": [5, 10], "wind_kmh": [20]},
    ),
    "web": Spec(
        ["days", "rows"],
        {
            "visits": ["visits", "site visits"],
            "conversions": ["conversions"],
            "revenue_per_visit": ["revenue per visit"],
            "bounce_rate": ["bounce rate"],
        },
        {"channel": ["channel", "traffic channel"]},
        {"channel": ["Search", "Email"]},
        {"visits", "conversions"},
        date="day",
        years=("2024", "2024"),
        thresholds={"visits": [500, 1000]},
    ),
    "cars": Spec(
        ["cars", "models", "vehicles"],
        {
            "mpg": ["mpg", "fuel economy", "miles per gallon"],
            "horsepower": ["horsepower", "hp", "power"],
            "weight_lbs": ["weight"],
            "price": ["price", "sticker price"],
        },
        {
            "make": ["make", "brand"],
            "origin": ["origin", "region of origin"],
            "cylinders": ["cylinders", "cylinder count"],
        },
        {"make": ["Avalon", "Corvo"], "origin": ["USA", "Japan"]},
        set(),
        year="model_year",
        years=("2000", "2020"),
        label="model",
        label_words=["car", "model"],
        thresholds={"mpg": [30], "horsepower": [150], "price": [30000]},
    ),
    "shops": Spec(
        ["shops", "stores"],
        {"total": ["total sales", "shop total"], "count": ["staff count", "headcount"]},
        {"region": ["region"], "size": ["size", "size class"], "type": ["shop type", "type"]},
        {
            "region": ["Coast", "Valley"],
            "size": ["small", "large"],
            "type": ["grocery", "pharmacy"],
        },
        {"total", "count"},
        year="year",
        label="shop_name",
        label_words=["shop"],
        thresholds={"count": [10]},
    ),
    "members": Spec(
        ["members", "club members"],
        {"points_total": ["points", "total points"], "visits": ["visits", "number of visits"]},
        {"rank": ["rank", "tier"], "city": ["city"]},
        {"rank": ["Gold", "Bronze"], "city": ["Porto", "Faro"]},
        {"points_total", "visits"},
        date="join_date",
        label="member_name",
        label_words=["member"],
        thresholds={"visits": [50, 100], "points_total": [10000]},
    ),
    "incidents": Spec(
        ["incident rows", "rows"],
        {"count": ["incidents", "number of incidents"], "cost_k": ["cost", "cost in thousands"]},
        {"category": ["category", "incident type"]},
        {"category": ["fire", "theft"]},
        {"count", "cost_k"},
        year="year",
        years=("2015", "2024"),
    ),
    "gapminder": Spec(
        ["rows", "country-years"],
        {
            "lifeExp": ["life expectancy", "lifeExp"],
            "gdpPercap": ["gdp per capita", "income per person"],
            "pop": ["population"],
        },
        {"continent": ["continent"], "country": ["country"]},
        {"continent": ["Asia", "Europe"], "country": ["Japan", "Brazil"]},
        set(),
        year="year",
        years=("1952", "2007"),
        label="country",
        label_words=["country"],
        thresholds={"lifeExp": [60, 70]},
    ),
    "patients": Spec(
        ["patients", "people"],
        {
            "age": ["age"],
            "bmi": ["bmi", "body mass index"],
            "blood_pressure": ["blood pressure", "bp"],
            "cholesterol": ["cholesterol", "cholesterol level"],
            "recovery_days": ["recovery time", "days to recover"],
        },
        {
            "treatment": ["treatment", "treatment arm"],
            "smoker": ["smokers", "smoking status"],
            "sex": ["sex"],
        },
        {"treatment": ["placebo", "high dose"], "smoker": ["yes", "no"]},
        set(),
        label="patient_id",
        label_words=["patient"],
        thresholds={"age": [65, 50], "bmi": [30, 25], "blood_pressure": [140]},
    ),
    "housing": Spec(
        ["houses", "homes", "sales"],
        {
            "sale_price": ["sale price", "price"],
            "floor_area_m2": ["floor area", "size in m2"],
            "rooms": ["rooms", "number of rooms"],
            "year_built": ["year built", "construction year"],
        },
        {
            "neighbourhood": ["neighbourhood", "area", "district"],
            "garage": ["garage"],
            "rooms": ["number of rooms", "room count"],
        },
        {"neighbourhood": ["Riverside", "Old Town"], "garage": ["yes", "no"]},
        set(),
        date="sold_on",
        years=("2022", "2023"),
        thresholds={"rooms": [4], "sale_price": [400000], "floor_area_m2": [150]},
    ),
    "lake": Spec(
        ["years"],
        {
            "water_level_m": ["water level", "lake level"],
            "rainfall_mm": ["rainfall", "rain amount"],
            "ice_days": ["ice days", "days of ice cover"],
        },
        {},
        {},
        {"rainfall_mm", "ice_days"},
        year="year",
        years=("1901", "2020"),
        thresholds={"rainfall_mm": [900], "ice_days": [80]},
    ),
    "sensor": Spec(
        ["hours", "readings"],
        {
            "temperature_c": ["temperature", "temp"],
            "humidity_pct": ["humidity", "relative humidity"],
        },
        {},
        {},
        set(),
        date="timestamp",
        years=("2023", "2023"),
        thresholds={"temperature_c": [20, 25], "humidity_pct": [70]},
    ),
    "companies": Spec(
        ["company-years", "rows"],
        {
            "sales": ["sales", "revenue"],
            "staff": ["staff", "headcount", "employees"],
            "assets": ["assets", "total assets"],
        },
        {"company": ["company", "firm"]},
        {"company": ["Acme Corp", "Helix Labs"]},
        {"sales"},
        year="year",
        years=("2001", "2020"),
        thresholds={"sales": [1000]},
    ),
    "students": Spec(
        ["students", "pupils", "kids"],
        {
            "math_score": ["math score", "maths score", "math"],
            "reading_score": ["reading score", "reading"],
            "study_hours": ["study hours", "hours of study"],
        },
        {"school": ["school"], "gender": ["gender"], "passed": ["pass status"]},
        {"school": ["North High", "East High"], "gender": ["girl", "boy"]},
        {"study_hours"},
        label="student",
        label_words=["student"],
        thresholds={"math_score": [70, 50], "study_hours": [10]},
    ),
    "quarterly": Spec(
        ["quarters", "rows"],
        {
            "output": ["output", "economic output"],
            "jobless_rate": ["jobless rate", "unemployment rate"],
            "price_growth": ["price growth", "inflation"],
        },
        {},
        {},
        set(),
        year="year",
        years=("1980", "2019"),
        thresholds={"jobless_rate": [8]},
    ),
    "outbreaks": Spec(
        ["months"],
        {
            "influenza": ["influenza cases", "flu cases"],
            "measles": ["measles cases", "measles"],
            "norovirus": ["norovirus cases", "norovirus"],
        },
        {},
        {},
        {"influenza", "measles", "norovirus"},
        date="month",
        years=("2018", "2021"),
        thresholds={"influenza": [400]},
    ),
}

SPECS["species_counts"] = Spec(
    ["rows", "site-species pairs"],
    {"n": ["birds seen", "sightings"], "hours_observed": ["hours observed", "effort"]},
    {"site": ["site"], "species": ["species"]},
    {"site": ["Marsh", "Dunes"], "species": ["heron", "owl"]},
    {"n"},
    count_col="n",
    counted=["birds", "sightings"],
)
SPECS["flights"] = Spec(
    ["rows", "routes"],
    {"flights": ["flights", "number of flights"], "delay_rate": ["delay rate"]},
    {"origin": ["origin", "airport"], "carrier": ["carrier", "airline"]},
    {"origin": ["LIS", "MAD"], "carrier": ["Alpha", "Gamma"]},
    {"flights"},
    count_col="flights",
    counted=["flights", "departures"],
)
SPECS["survey"] = Spec(
    ["rows", "answer groups"],
    {"num_respondents": ["respondents", "number of respondents"]},
    {"age_group": ["age group"], "answer": ["answer", "response"]},
    {"age_group": ["18-29", "65+"], "answer": ["Agree", "Disagree"]},
    {"num_respondents"},
    count_col="num_respondents",
    counted=["respondents", "people"],
)
SPECS["incidents"].count_col, SPECS["incidents"].counted = "count", ["incidents"]
SPECS["outbreaks"].counted = ["cases"]
SPECS["sensor"].freq = "hourly"
SPECS["weather"].freq = "daily"
SPECS["web"].freq = "daily"
SPECS["outbreaks"].freq = "monthly"
SPECS["quarterly"].freq = "quarterly"
SPECS["orders"].labels = ["order_date", "store", "product_type"]
SPECS["weather"].labels = ["date", "city"]
SPECS["companies"].labels = ["company", "year"]
SPECS["gapminder"].labels = ["country", "year"]
SPECS["quarterly"].labels = ["year", "qtr"]
LABEL_WORDS = {"order_date": "date", "product_type": "product type", "qtr": "quarter", "date": "date",
               "city": "city", "company": "company", "year": "year", "country": "country", "store": "store"}  # fmt: skip

# ---------------------------------------------------------------- phrasings
# {m} a measure, {m2} another, {g} a group column, {v1} {v2} two of its values, {e} what a row
# is, {f} a filter phrase, {t} a threshold, {y1} {y2} two years, {l} a row label word.
STAT_PHRASES: dict[str, list[str]] = {
    "mean": [
        "what is the average {m}?",
        "whats the avg {m}",
        "mean {m}?",
        "average {m} across all {e}",
        "What's the mean of {m}?",
        "Calculate the mean {m}.",
        "on average, what is the {m}?",
        "what is the average {m} {f}?",
        "average {m} {f}",
        "Compute the arithmetic mean of the {m} column",
        "tell me the mean {m}",
        "what's {m} on average?",
        "give me the average {m} please",
    ],
    "median": [
        "what is the median {m}?",
        "whats the typical {m}",
        "median of {m}?",
        "typical {m} {f}?",
        "What is the median {m} {f}?",
        "find the median value of {m}",
        "what's a typical {m}?",
        "medain {m}?",
    ],
    "sum": [
        "what is the total {m}?",
        "total {m} over the whole table?",
        "sum of {m}",
        "how much {m} in total?",
        "what was the combined {m}?",
        "what is the total {m} {f}?",
        "add up all the {m}",
        "overall {m}, in total?",
        "grand total of {m}",
    ],
    "min": [
        "what is the lowest {m}?",
        "minimum {m}?",
        "what's the smallest {m} in the data",
        "lowest {m} recorded?",
        "what is the min {m} {f}?",
        "the least {m} any row has?",
    ],
    "max": [
        "what is the highest {m}?",
        "maximum {m}?",
        "what's the largest {m} recorded",
        "max {m}",
        "the biggest {m} in the table?",
        "highest {m} {f}?",
        "what was the peak {m}?",
    ],
    "std": [
        "what is the standard deviation of {m}?",
        "std of {m}?",
        "Compute the standard deviation of {m}.",
        "how much does {m} vary? give the std",
        "sd of {m}",
        "standard deviation of the {m} values {f}",
    ],
    "var": ["what is the variance of {m}?", "variance of {m}", "compute the variance in {m}"],
    "iqr": [
        "what is the interquartile range of {m}?",
        "IQR of {m}?",
        "whats the iqr of the {m}",
        "Compute the inter-quartile range of {m}.",
    ],
    "range": ["what is the range of {m}?", "range of {m} values?", "what's the range of {m} {f}?"],
    "skewness": [
        "what is the skewness of {m}?",
        "how skewed is {m}?",
        "skewness of {m}?",
        "Compute the skewness coefficient of {m}.",
        "is {m} skewed? give the skew",
        "skew of the {m} distribution",
    ],
    "kurtosis": [
        "what is the kurtosis of {m}?",
        "kurtosis of {m}?",
        "how heavy tailed is {m}? give the kurtosis",
    ],
}
QUANTILE_PHRASES = [
    ("what is the {k}th percentile of {m}?", None),
    ("{k}th percentile of {m}", None),
    ("whats the {k}th percentile of the {m} column", None),
    ("what is the first quartile of {m}?", 25),
    ("third quartile of {m}?", 75),
    ("Q1 of {m}", None),
    ("what's the 90th percentile {m}?", 90),
    ("lower quartile of {m}", None),
    ("the {k}th percentile of {m} {f}?", None),
]
COUNT_PHRASES = [
    "how many {e} are there?",
    "how many {e} have {m} above {t}?",
    "number of {e} with {m} over {t}?",
    "how many {e} had {m} of {t} or more?",
    "count the {e} where {m} is below {t}",
    "how many {e} are in the table?",
    "how many {e} {f}?",
    "In how many {e} did {m} exceed {t}?",
]
DISTINCT_PHRASES = [
    "how many different {g} are there?",
    "how many distinct {g} values?",
    "number of unique {g}?",
    "How many different {g}s are in this table?",
    "count the distinct {g}",
]
MISSING_PHRASES = [
    "how many missing values does {m} have?",
    "how many {e} have no {m} value?",
    "how many {m} values are missing?",
    "number of blanks in {m}?",
    "how many {e} have a missing {m} value?",
    "in how many {e} is {m} missing?",
    "count the missing {m} values",
]
RANGE_STAT_PHRASES = [
    ("what was the average {m} between {y1} and {y2}?", "mean"),
    ("median {m} from {y1} to {y2}?", "median"),
    ("whats the mean {m} during {y1} through {y2}", "mean"),
    ("total {m} between {y1} and {y2}", "sum"),
    ("What was the average {m} before {y2}?", "mean"),
    ("maximum {m} after {y1}?", "max"),
    ("what's the median {m} from {y1} onward?", "median"),
]
FREQ_STAT_PHRASES = [
    ("what is the IQR of the {freq} {m}?", "iqr"),
    ("average {freq} {m}?", "mean"),
    ("what's the median of the {freq} {m} readings?", "median"),
    ("std of the {freq} {m} values", "std"),
    ("what is the 90th percentile of {freq} {m}?", "quantile"),
    ("lowest {freq} {m} ever recorded?", "min"),
]
COUNTED_PHRASES = [
    ("which {g} had the most {c}?", "extreme"),
    ("which {g} has the fewest {c}?", "extreme_min"),
    ("what percentage of all {c} were in {v1}?", "share"),
    ("what share of the {c} came from {v1}?", "share"),
    ("what was the total number of {c}?", "sum"),
    ("how many {c} were there in total?", "sum"),
    ("how many {c} were recorded for {v1}?", "sum"),
]
ROW_LABEL_PHRASES = [
    "Which single row has the most {m}? Give its {labels}.",
    "which {labels} had the single largest {m}?",
    "What was the highest {m}, and in which {labels}?",
    "which {labels} had the lowest {m}?",
]
SHARE_PHRASES = [
    "what percentage of {e} have {m} above {t}?",
    "what share of the {e} have {m} over {t}?",
    "what fraction of {e} had {m} below {t}?",
    "percent of {e} with {m} of at least {t}?",
    "what percentage of {e} are {f2}?",
    "what share of {e} are {f2}?",
    "what proportion of rows are {f2}?",
]
SHARE_TOTAL_PHRASES = [
    "what share of total {m} comes from {v1}?",
    "what percentage of all {m} went to {v1}?",
    "what fraction of the {m} is from {v1}?",
]
MODE_PHRASES = [
    "what is the most common {g}?",
    "which {g} is most frequent?",
    "most common {g}?",
    "the mode of {g}?",
]
RELATION_PHRASES = [
    ("what is the correlation between {m} and {m2}?", None),
    ("Pearson correlation of {m} and {m2}?", "pearson"),
    ("Calculate the Spearman rank correlation between {m} and {m2}.", "spearman"),
    ("kendall tau between {m} and {m2}", "kendall"),
    ("how strongly are {m} and {m2} correlated?", None),
    ("is {m} correlated with {m2}?", None),
    ("correlation coefficient of {m} vs {m2}", None),
    ("do {m} and {m2} move together? give r", None),
    ("whats the pearson corelation between {m} and {m2}", "pearson"),
    ("spearman rho for {m} and {m2}?", "spearman"),
    ("how correlated are {m} and {m2}", None),
    ("what is the relationship between {m} and {m2}? give the correlation", None),
    ("Compute the Pearson correlation coefficient between {m} and {m2}.", "pearson"),
]
NORMAL_PHRASES = [
    ("is {m} normally distributed?", None),
    ("does {m} follow a normal distribution?", None),
    ("test {m} for normality (Shapiro-Wilk)", "shapiro"),
    ("Is {m} normal? Use D'Agostino's K^2 test.", "dagostino"),
    ("shapiro wilk test on {m}", "shapiro"),
    ("are the {m} values gaussian?", None),
    ("normality of {m}?", None),
    ("Is {m} normally distributed according to a Shapiro-Wilk test?", "shapiro"),
    ("Test whether {m} is normally distributed (Shapiro-Wilk, 0.05).", "shapiro"),
    ("is the {m} distribution bell shaped?", None),
    ("is {m} normally distributed {f}?", None),
    ("Run D'Agostino's normality test on {m}.", "dagostino"),
]
DIFF_TWO_PHRASES = [
    ("is there a significant difference in {m} between {v1} and {v2}?", None),
    ("Is the {m} gap between {v1} and {v2} statistically significant?", None),
    ("t-test of {m}: {v1} vs {v2}", "welch"),
    ("do {v1} and {v2} differ in {m}? (Mann-Whitney)", "mannwhitney"),
    ("is {m} significantly different for {v1} than for {v2}?", None),
    ("Is there a signficant difference in {m} between the two {g} groups?", None),
    ("Use a Welch t-test: does {m} differ between {v1} and {v2}?", "welch"),
    ("student t test comparing {m} of {v1} and {v2}", "student"),
    ("does {m} differ significantly by {g}?", None),
]
DIFF_MANY_PHRASES = [
    ("does {m} differ significantly across {g}s?", None),
    ("one-way ANOVA of {m} by {g}", "anova"),
    ("Kruskal-Wallis test: {m} across the {g} groups", "kruskal"),
    ("Is there a statistically significant difference in {m} between {g}s? (ANOVA)", "anova"),
    ("is {m} significantly different between the {g} groups?", None),
    ("Does {m} vary significantly by {g}? Use a Kruskal-Wallis test at the 5% level.", "kruskal"),
]
CHI_PHRASES = [
    ("is {g} related to {g2}? chi-square test", "chi2"),
    ("are {g} and {g2} independent?", None),
    ("chi squared test of {g} and {g2}", "chi2"),
    ("is there a significant association between {g} and {g2}?", None),
]
EXTREME_GROUP_PHRASES = [
    ("which {g} has the highest total {m}?", "sum", "max"),
    ("which {g} had the most {m} in total, and how much?", "sum", "max"),
    ("what {g} brings in the most {m}?", "sum", "max"),
    ("which {g} has the lowest average {m}?", "mean", "min"),
    ("which {g} has the highest average {m}, and what is it?", "mean", "max"),
    ("Which {g} has the highest mean {m}?", "mean", "max"),
    ("which {g} has the fewest {e}?", "count", "min"),
    ("which {g} has the most {e}?", "count", "max"),
    ("{g} with the lowest total {m}?", "sum", "min"),
    ("which {g} has the highest median {m}?", "median", "max"),
    ("what {g} had the smallest combined {m}?", "sum", "min"),
    ("wich {g} has the biggest average {m}", "mean", "max"),
    ("which {g} group has the highest average {m}?", "mean", "max"),
    ("Which {g} group gets the most {m} on average?", "mean", "max"),
    ("what {g} category has the lowest mean {m}?", "mean", "min"),
]
EXTREME_PERIOD_PHRASES = [
    ("which year had the highest total {m}?", "sum", "max", "year"),
    ("what year had the lowest average {m}?", "mean", "min", "year"),
    ("which month had the highest average {m}?", "mean", "max", "month"),
    (
        "Across all years, which calendar month has the highest average {m}?",
        "mean",
        "max",
        "month_of_year",
    ),
    ("which day of the week has the most {m} on average?", "mean", "max", "weekday"),
    ("in which year was total {m} the highest?", "sum", "max", "year"),
]
EXTREME_ROW_PHRASES = [
    ("which {l} has the highest {m}?", "max"),
    ("which {l} has the lowest {m}, and what is it?", "min"),
    ("Which single row has the most {m}?", "max"),
    ("what was the highest {m}, and for which {l}?", "max"),
    ("the {l} with the smallest {m}?", "min"),
    ("which {l} had the single largest {m}?", "max"),
]
YEAR_ROW_PHRASES = [
    ("In which year was {m} lowest, and what was it?", "min"),
    ("in which year was the {m} highest?", "max"),
    ("what was the highest {m}, and in which year?", "max"),
    ("which year had the lowest {m}?", "min"),
]
CHANGE_PHRASES = [
    "how much did {m} change from {y1} to {y2}?",
    "by how much did {m} grow between {y1} and {y2}?",
    "what was the percentage change in {m} from {y1} to {y2}?",
    "How much did {m} change between {y1} and {y2}? Absolute and percent.",
    "change in {m} from {y1} to {y2}?",
    "By what percentage did {m} rise from {y1} to {y2}, and by how much?",
    "how much did the average {m} increase from {y1} to {y2}?",
    "did {m} fall between {y1} and {y2}? by how much?",
]
CHANGE_FILTER_PHRASES = [
    "How much did {v1}'s {m} change between {y1} and {y2}?",
    "by how much did {m} for {v1} grow from {y1} to {y2}?",
]
MONTH_CHANGE_PHRASES = [
    "How much higher was {m} in July than in January on average?",
    "how much did average {m} change from January to August?",
    "how much lower is {m} in December than in June, on average?",
]
UNSUPPORTED_PHRASES = [
    "predict {m} for next year",
    "forecast {m} for the next 6 months",
    "cluster the {e} by {m} and {m2}",
    "build a regression model of {m} on {m2}",
    "train a classifier to predict {g}",
    "impute the missing {m} values",
    "what will {m} be in 2030?",
    "merge this table with last year's data",
    "Can you forecast next month's {m}?",
    "simulate {m} if {m2} doubles",
    "segment the {e} into clusters",
    "predict which {e} will churn",
]
CHART_PHRASES = [
    "average {m} by {g}",
    "total {m} per {g}",
    "how many {e} per {g}?",
    "show {m} by {g} as a pie",
    "compare {m} across {g}",
    "show the distribution of {m}",
    "histogram of {m}",
    "plot {m} against {m2}",
    "scatter of {m} vs {m2}",
    "what is the average {m} for each {g}?",
    "mean {m} per {g}, highest first",
    "top 5 {g} by {m}",
    "rank the {g}s by total {m}",
    "how does {m} vary by {g}?",
    "{m} broken down by {g}",
    "box plot of {m} by {g}",
    "show me {m} for every {g}",
    "count of {e} by {g}",
    "median {m} for each {g}",
    "bar chart of total {m} by {g}",
    "what is the average {m} in each {g}?",
    "what's the total {m} for every {g}",
    "what is the proportion of {e} in different {g}s?",
    "how many {e} does each {g} have?",
    "the number of {e} in each {g}",
    "what are the average {m} of the different {g}s?",
    "what is the maximum {m} for each {g}?",
    "what is the minimum {m} by {g}",
    "average {m} across {g}s",
    "share of {e} by {g}",
    "what percentage of {e} are in each {g}?",
    "mean {m} and count of {e} per {g}",
    "how is {m} spread within each {g}?",
    "{m} for each {g}, sorted",
    "list the total {m} of every {g}",
]
GROUP_TEST_OR_CHART = [
    "do all {g}s have the same average {m}?",
    "is the average {m} the same in every {g}?",
    "do the {g}s differ in mean {m}?",
]
DATE_CHART_PHRASES = [
    "{m} over time",
    "monthly total {m}",
    "how has {m} changed over time?",
    "trend of {m}",
    "average {m} per month",
    "weekly {m}",
    "show daily {m} as a line",
    "{m} by year",
    "monthly avg {m} for {y1}",
    "avg {m} per week in {y1}",
    "daily mean {m}",
    "total {m} by quarter",
    "yearly average {m}",
    "median {m} each month",
]
YEAR_CHART_PHRASES = [
    "{m} over the years",
    "{m} by year",
    "how has {m} developed since {y1}?",
    "plot {m} per year",
]
ANOMALY_PHRASES = [
    "are there unusual {m} values?",
    "any outliers in {m}?",
    "which {e} have abnormal {m}?",
]


def typo(text: str, rng: random.Random) -> str:
    """Swap two letters of one longer word (people type fast)."""
    words = text.split()
    spots = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 7 and "{" not in w]
    if not spots:
        return text
    i = rng.choice(spots)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


class Writer:
    """Fills phrasings with a table's words and records each question with its gold."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.rows: list[dict[str, Any]] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, table: str, text: str, gold: dict[str, Any] | list[dict[str, Any]]) -> None:
        question = text[0].upper() + text[1:] if self.rng.random() < 0.5 else text
        if self.rng.random() < 0.08:
            question = typo(question, self.rng)
        if (table, question) in self.seen:
            return
        self.seen.add((table, question))
        self.rows.append(
            {
                "id": f"ta-{table}-{len(self.rows) + 1:04d}",
                "table": table,
                "question": question,
                "answer": gold,
            }
        )

    def pick(self, options: list[Any]) -> Any:
        return self.rng.choice(options)

    def say(self, spec: Spec, column: str) -> str:
        return self.pick(spec.measures.get(column) or spec.groups.get(column) or [column])


def filter_phrase(spec: Spec, w: Writer) -> str:
    """'for Gold members', 'in North' (a value of a group column), or '' when none exists."""
    if not spec.values:
        return ""
    col = w.pick(sorted(spec.values))
    value = w.pick(spec.values[col])
    entity = w.pick(spec.entity)
    return w.pick(
        [
            f"for {value}",
            f"for {value} {entity}",
            f"among {value} {entity}",
            f"in {value}",
            f"where {w.say(spec, col)} is {value}",
        ]
    )


def statistics(table: str, spec: Spec, w: Writer) -> None:
    for column in spec.measures:
        for stat, phrases in STAT_PHRASES.items():
            for text in w.rng.sample(phrases, 1):
                if "{f}" in text and not spec.values:
                    continue
                q = text.format(
                    m=w.say(spec, column), e=w.pick(spec.entity), f=filter_phrase(spec, w)
                )
                w.add(table, q, {"kind": "statistic", "stat": stat, "column": column})
        for text, fixed in w.rng.sample(QUANTILE_PHRASES, 2):
            if "{f}" in text and not spec.values:
                continue
            k = fixed or w.pick([10, 25, 75, 90, 95, 5])
            if "Q1" in text or "lower quartile" in text:
                k = 25
            q = text.format(m=w.say(spec, column), k=k, f=filter_phrase(spec, w))
            w.add(
                table, q, {"kind": "statistic", "stat": "quantile", "column": column, "quantile": k}
            )


def counts(table: str, spec: Spec, w: Writer) -> None:
    for column, limits in spec.thresholds.items():
        for text in w.rng.sample(COUNT_PHRASES, 3):
            if "{f}" in text and not spec.values:
                continue
            q = text.format(
                e=w.pick(spec.entity),
                m=w.say(spec, column),
                t=w.pick(limits),
                f=filter_phrase(spec, w),
            )
            w.add(table, q, {"kind": "statistic", "stat": "count"})
        for text in w.rng.sample(SHARE_PHRASES[:4], 2):
            q = text.format(e=w.pick(spec.entity), m=w.say(spec, column), t=w.pick(limits))
            w.add(table, q, {"kind": "statistic", "stat": "share", "column": None})
    for values in spec.values.values():
        text = w.pick(SHARE_PHRASES[4:])
        f2 = w.pick([f"{values[0]}", f"in {values[0]}", f"from {values[0]}"])
        w.add(
            table,
            text.format(e=w.pick(spec.entity), f2=f2),
            {"kind": "statistic", "stat": "share", "column": None},
        )
        for m in sorted(spec.additive):
            text = w.pick(SHARE_TOTAL_PHRASES)
            w.add(
                table,
                text.format(m=w.say(spec, m), v1=values[0]),
                {"kind": "statistic", "stat": "share", "column": m},
            )
    for col in spec.groups:
        for text in w.rng.sample(DISTINCT_PHRASES, 2):
            w.add(
                table,
                text.format(g=w.say(spec, col)),
                {"kind": "statistic", "stat": "count_distinct", "column": col},
            )
        text = w.pick(MODE_PHRASES)
        gold = [{"kind": "statistic", "stat": "mode", "column": col},
                {"kind": "extreme", "group_by": col, "agg": "count", "direction": "max"}]  # fmt: skip
        w.add(table, text.format(g=w.say(spec, col)), gold)
    for column in list(spec.measures)[:2]:
        for text in w.rng.sample(MISSING_PHRASES, 3):
            w.add(table, text.format(m=w.say(spec, column), e=w.pick(spec.entity)),
                  {"kind": "statistic", "stat": "missing", "column": column})  # fmt: skip


def relations(table: str, spec: Spec, w: Writer) -> None:
    cols = list(spec.measures)
    pairs = [(a, b) for i, a in enumerate(cols) for b in cols[i + 1 :]]
    for a, b in pairs[:4]:
        for text, method in w.rng.sample(RELATION_PHRASES, 3):
            q = text.format(m=w.say(spec, a), m2=w.say(spec, b))
            gold: dict[str, Any] = {"kind": "relation", "column": a, "column2": b}
            if method:
                gold["method"] = method
            w.add(table, q, gold)


def normality(table: str, spec: Spec, w: Writer) -> None:
    for column in spec.measures:
        for text, method in w.rng.sample(NORMAL_PHRASES, 2):
            if "{f}" in text and not spec.values:
                continue
            q = text.format(m=w.say(spec, column), f=filter_phrase(spec, w))
            gold: dict[str, Any] = {"kind": "distribution", "column": column}
            if method:
                gold["method"] = method
            w.add(table, q, gold)


def differences(table: str, spec: Spec, w: Writer) -> None:
    for g, values in spec.values.items():
        for m in list(spec.measures)[:3]:
            text, method = w.pick(DIFF_TWO_PHRASES)
            q = text.format(m=w.say(spec, m), v1=values[0], v2=values[1], g=w.say(spec, g))
            gold: dict[str, Any] = {"kind": "group_difference", "column": m, "group_by": g}
            if method:
                gold["method"] = method
            w.add(table, q, gold)
    for g in spec.groups:
        for m in list(spec.measures)[:2]:
            text, method = w.pick(DIFF_MANY_PHRASES)
            gold = {"kind": "group_difference", "column": m, "group_by": g}
            if method:
                gold["method"] = method
            w.add(table, text.format(m=w.say(spec, m), g=w.say(spec, g)), gold)
    groups = list(spec.groups)
    if len(groups) >= 2:
        text, method = w.pick(CHI_PHRASES)
        q = text.format(g=w.say(spec, groups[0]), g2=w.say(spec, groups[1]))
        gold = {"kind": "group_difference", "method": "chi2"}
        w.add(table, q, [{**gold, "column": groups[1], "group_by": groups[0]},
                         {**gold, "column": groups[0], "group_by": groups[1]}])  # fmt: skip


def extremes(table: str, spec: Spec, w: Writer) -> None:
    for g in spec.groups:
        for text, agg, direction in w.rng.sample(EXTREME_GROUP_PHRASES, 4):
            m = w.pick(
                sorted(spec.additive) if agg == "sum" and spec.additive else list(spec.measures)
            )
            if agg == "sum" and m not in spec.additive:
                continue
            q = text.format(g=w.say(spec, g), m=w.say(spec, m), e=w.pick(spec.entity))
            gold: dict[str, Any] = {
                "kind": "extreme",
                "group_by": g,
                "agg": agg,
                "direction": direction,
                "scope": "group",
            }
            if agg != "count":
                gold["column"] = m
            w.add(table, q, gold)
    if spec.date:
        for text, agg, direction, grain in EXTREME_PERIOD_PHRASES:
            m = w.pick(
                sorted(spec.additive) if agg == "sum" and spec.additive else list(spec.measures)
            )
            if agg == "sum" and m not in spec.additive:
                continue
            q = text.format(m=w.say(spec, m))
            w.add(table, q, {"kind": "extreme", "group_by": spec.date, "column": m, "agg": agg,
                             "direction": direction, "time_grain": grain})  # fmt: skip
    if spec.year:
        per_year_one_row = table in ("lake",)
        for text, direction in YEAR_ROW_PHRASES[: 4 if per_year_one_row else 2]:
            m = w.pick(list(spec.measures))
            q = text.format(m=w.say(spec, m))
            row = {"kind": "extreme", "column": m, "direction": direction, "scope": "row"}
            group = {"kind": "extreme", "column": m, "direction": direction, "group_by": spec.year,
                     "agg": "sum" if m in spec.additive else "mean"}  # fmt: skip
            w.add(table, q, [row, group] if per_year_one_row else [group])
    if spec.label:
        for text, direction in w.rng.sample(EXTREME_ROW_PHRASES, 3):
            m = w.pick(list(spec.measures))
            q = text.format(l=w.pick(spec.label_words), m=w.say(spec, m))
            w.add(
                table, q, {"kind": "extreme", "column": m, "direction": direction, "scope": "row"}
            )


def changes(table: str, spec: Spec, w: Writer) -> None:
    period = spec.date or spec.year
    if period is None or spec.years is None or spec.years[0] == spec.years[1]:
        return
    y1, y2 = spec.years
    for text in w.rng.sample(CHANGE_PHRASES, 4):
        m = w.pick(list(spec.measures))
        w.add(
            table,
            text.format(m=w.say(spec, m), y1=y1, y2=y2),
            {"kind": "change", "column": m, "group_by": period},
        )
    if spec.values:
        col = w.pick(sorted(spec.values))
        for text in CHANGE_FILTER_PHRASES:
            m = w.pick(list(spec.measures))
            q = text.format(m=w.say(spec, m), v1=spec.values[col][0], y1=y1, y2=y2)
            w.add(table, q, {"kind": "change", "column": m, "group_by": period})
    if spec.date:
        for text in MONTH_CHANGE_PHRASES:
            m = w.pick(list(spec.measures))
            w.add(table, text.format(m=w.say(spec, m)),
                  {"kind": "change", "column": m, "group_by": spec.date, "time_grain": "month_of_year"})  # fmt: skip


def others(table: str, spec: Spec, w: Writer) -> None:
    measures = list(spec.measures)
    groups = list(spec.groups) or [None]
    for text in w.rng.sample(UNSUPPORTED_PHRASES, 3):
        q = text.format(m=w.say(spec, measures[0]), m2=w.say(spec, measures[-1]), e=w.pick(spec.entity),
                        g=w.say(spec, groups[0]) if groups[0] else "the category")  # fmt: skip
        w.add(table, q, {"kind": "unsupported"})
    for text in w.rng.sample(GROUP_TEST_OR_CHART, 1 if groups[0] else 0):
        g = groups[0]
        m = w.pick(measures)
        q = text.format(m=w.say(spec, m), g=w.say(spec, g))
        w.add(
            table, q, [{"kind": "chart"}, {"kind": "group_difference", "column": m, "group_by": g}]
        )
    for text in w.rng.sample(CHART_PHRASES, 18):
        if "{g}" in text and groups[0] is None:
            continue
        q = text.format(m=w.say(spec, w.pick(measures)), m2=w.say(spec, measures[-1]),
                        g=w.say(spec, w.pick(groups)) if groups[0] else "", e=w.pick(spec.entity))  # fmt: skip
        w.add(table, q, {"kind": "chart"})
    if spec.date:
        for text in w.rng.sample(DATE_CHART_PHRASES, 6):
            y1 = spec.years[0] if spec.years else "2020"
            w.add(table, text.format(m=w.say(spec, w.pick(measures)), y1=y1), {"kind": "chart"})
    if spec.year and spec.years:
        for text in w.rng.sample(YEAR_CHART_PHRASES, 2):
            w.add(
                table,
                text.format(m=w.say(spec, w.pick(measures)), y1=spec.years[0]),
                {"kind": "chart"},
            )
    for text in w.rng.sample(ANOMALY_PHRASES, 1):
        w.add(
            table,
            text.format(m=w.say(spec, w.pick(measures)), e=w.pick(spec.entity)),
            {"kind": "chart"},
        )


def extras(table: str, spec: Spec, w: Writer) -> None:
    """Statistics over a year range, of readings taken at a frequency, of pre-counted tables,
    and the single row named by several columns."""
    measures = list(spec.measures)
    if spec.years and spec.years[0] != spec.years[1]:
        for text, stat in w.rng.sample(RANGE_STAT_PHRASES, 3):
            m = w.pick(measures)
            if stat == "sum" and m not in spec.additive:
                continue
            q = text.format(m=w.say(spec, m), y1=spec.years[0], y2=spec.years[1])
            w.add(table, q, {"kind": "statistic", "stat": stat, "column": m})
    if spec.freq:
        for text, stat in w.rng.sample(FREQ_STAT_PHRASES, 4):
            m = w.pick(measures)
            gold: dict[str, Any] = {"kind": "statistic", "stat": stat, "column": m}
            if stat == "quantile":
                gold["quantile"] = 90
            w.add(table, text.format(m=w.say(spec, m), freq=spec.freq), gold)
    if spec.count_col and spec.counted:
        groups = list(spec.groups)
        for text, what in COUNTED_PHRASES:
            if "{g}" in text and not groups:
                continue
            g = w.pick(groups) if groups else None
            v1 = spec.values[g][0] if g and g in spec.values else ""
            if "{v1}" in text and not v1:
                continue
            q = text.format(g=w.say(spec, g) if g else "", c=w.pick(spec.counted), v1=v1)
            if what.startswith("extreme"):
                gold = {"kind": "extreme", "group_by": g, "column": spec.count_col, "agg": "sum",
                        "direction": "min" if what == "extreme_min" else "max"}  # fmt: skip
            elif what == "share":
                gold = {"kind": "statistic", "stat": "share", "column": spec.count_col}
            else:
                gold = {"kind": "statistic", "stat": "sum", "column": spec.count_col}
            w.add(table, q, gold)
    if spec.date and spec.additive:
        m = w.pick(sorted(spec.additive))
        for grain in ("month", "year"):
            q = f"which {grain} had the most {w.say(spec, m)}?"
            w.add(table, q, {"kind": "extreme", "group_by": spec.date, "column": m, "agg": "sum",
                             "direction": "max", "time_grain": grain})  # fmt: skip
    if len(spec.labels) >= 2:
        for text in ROW_LABEL_PHRASES:
            names = [LABEL_WORDS.get(c, c) for c in spec.labels]
            labels = ", ".join(names[:-1]) + " and " + names[-1]
            m = w.pick(measures)
            direction = "min" if "lowest" in text else "max"
            w.add(table, text.format(m=w.say(spec, m), labels=labels),
                  {"kind": "extreme", "column": m, "direction": direction, "scope": "row"})  # fmt: skip


def main() -> None:
    w = Writer()
    for table, spec in SPECS.items():
        for part in (
            statistics,
            counts,
            relations,
            normality,
            differences,
            extremes,
            changes,
            others,
            extras,
        ):
            part(table, spec, w)
    OUT.write_text("".join(json.dumps(r) + "\n" for r in w.rows), encoding="utf-8")
    kinds: dict[str, int] = {}
    for r in w.rows:
        gold = r["answer"] if isinstance(r["answer"], dict) else r["answer"][0]
        kinds[gold["kind"]] = kinds.get(gold["kind"], 0) + 1
    print(f"wrote {len(w.rows)} questions to {OUT}: {kinds}")


if __name__ == "__main__":
    main()
