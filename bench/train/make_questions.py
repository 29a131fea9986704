"""Writes questions.jsonl: the planner's own training questions (run once; the JSONL is committed).

Kept as Python so the gold of each question is easy to review: C/T/D/A/E are the intents,
R(...) a gold request (partial: only the fields given must match), ANY a list of acceptable ones.
"""

from __future__ import annotations

import json
from pathlib import Path

C, T, D, A, E = (
    "comparative_analysis",
    "time_series_investigation",
    "segmentation_drivers",
    "anomaly_detection",
    "general_eda",
)
REL = [D, E]  # "is X related to Y": drivers or exploration both fine


def R(chart=None, x=None, y=None, agg=None, color=None, **kw):
    out = {"chart": chart, "x": x, "y": y, "agg": agg}
    if color is not None:
        out["color"] = color
    out.update(kw)
    return {k: v for k, v in out.items() if v is not None or (k in ("y",) and "y" in kw)}


def BOX(y):
    return {"chart": "box", "x": None, "y": y, "agg": "none"}


def M(chart, x, ys, agg):
    out = {"chart": chart, "x": x, "y": ys[0], "agg": agg, "more": list(ys[1:])}
    return out


def Y(y):
    return {"y": y}


Q = {
    "orders": [
        (
            "which weeks had unusual revenue over the two years?",
            A,
            R("line", "order_date", "revenue", "sum"),
        ),
        ("abnormal monthly qty over time", A, R("line", "order_date", "qty", "sum")),
        ("sales by store, biggest first", C, R("bar", "store", "revenue", "sum")),
        ("total revnue per product type", C, R("bar", "product_type", "revenue", "sum")),
        (
            "avg qty per order for each customer segment",
            C,
            R("bar", "customer_segment", "qty", "mean"),
        ),
        ("how does revenue vary by store?", C, R("bar", "store", "revenue", "sum")),
        (
            "revenue over the year by product type",
            T,
            R("line", "order_date", "revenue", "sum", color="product_type"),
        ),
        ("number of returned orders per store", C, R("bar", "store", None, "count")),
        ("discount vs unit price", REL, R("scatter", "unit_price", "discount_pct", "none")),
        (
            "what's the typical order size in each segment",
            C,
            R("bar", "customer_segment", "qty", "mean"),
        ),
        ("which weekday has the highest revenue", [C, T], R("bar", "order_date", "revenue", "sum")),
        ("revenue for Tech vs Garden products", C, R("bar", "product_type", "revenue", "sum")),
        ("how many orders came from North versus South?", C, R("bar", "store", None, "count")),
        ("top 5 days by revenue", C, R("bar", "order_date", "revenue", "sum")),
        ("the 10 busiest days by qty", C, R("bar", "order_date", "qty", "sum")),
        ("biggest single order revenue in each store", C, R("bar", "store", "revenue", "max")),
        (
            "smallest discount pct for each product type",
            C,
            R("bar", "product_type", "discount_pct", "min"),
        ),
        ("what influences the discount?", D, Y("discount_pct")),
        (
            "do corporate customers spend more per order than consumers?",
            C,
            R("bar", "customer_segment", "revenue", "mean"),
        ),
        ("is there anything odd in the quantities?", A, BOX("qty")),
        ("flag days with extreme revenue", A, R("line", "order_date", "revenue", "sum")),
        ("how are unit prices spread", E, R("histogram", "unit_price")),
        ("quick look at the data", E, None),
        (
            "What is the average unit price for each product type?",
            C,
            R("bar", "product_type", "unit_price", "mean"),
        ),
        ("total revenue per store", C, R("bar", "store", "revenue", "sum")),
        ("which store brought in the most revenue", C, R("bar", "store", "revenue", "sum")),
        (
            "how many orders did each customer segment place",
            C,
            R("bar", "customer_segment", None, "count"),
        ),
        (
            "number of orders by product type as a pie chart",
            C,
            R("pie", "product_type", None, "count"),
        ),
        ("monthly revenue trend", T, R("line", "order_date", "revenue", "sum")),
        (
            "how did qty sold change over time for each store?",
            T,
            R("line", "order_date", "qty", "sum", color="store"),
        ),
        ("weekly revenue in 2024", T, R("line", "order_date", "revenue", "sum")),
        (
            "median discount pct by customer segment",
            C,
            R("bar", "customer_segment", "discount_pct", "median"),
        ),
        ("any unusual spikes in daily revenue?", A, R("line", "order_date", "revenue", "sum")),
        ("what drives revenue?", D, Y("revenue")),
        ("distribution of unit prices", E, R("histogram", "unit_price")),
        ("give me an overview of the orders table", E, None),
        (
            "is the unit price related to the quantity ordered?",
            REL,
            R("scatter", "unit_price", "qty", "none"),
        ),
        ("revenue by weekday", [C, T], R("bar", "order_date", "revenue", "sum")),
        ("top 3 stores by total qty", C, R("bar", "store", "qty", "sum")),
        ("share of revenue by product type", C, R("pie", "product_type", "revenue", "sum")),
        (
            "avg revenue per order for returned vs kept orders",
            C,
            R("bar", "returned", "revenue", "mean"),
        ),
        (
            "boxplot of revenue for each customer segment",
            C,
            R("box", "customer_segment", "revenue", "none"),
        ),
        ("lowest average discount by store", C, R("bar", "store", "discount_pct", "mean")),
        ("how many orders were returned", C, R("bar", "returned", None, "count")),
        (
            "sum of revenue for office products in each store",
            C,
            R("bar", "store", "revenue", "sum"),
        ),
        ("quarterly units sold", T, R("line", "order_date", "qty", "sum")),
        ("which product type sells the most units?", C, R("bar", "product_type", "qty", "sum")),
        ("are there outlier unit prices?", A, BOX("unit_price")),
    ],
    "employees": [
        ("which variables best separate the job levels", D, None),
        ("what sets remote workers apart?", D, None),
        ("salary outliers per dept", A, R("box", "dept", "salary", "none")),
        ("salary per dept as a boxplot", C, R("box", "dept", "salary", "none")),
        (
            "number of staff per office city, smallest first",
            C,
            R("bar", "office_city", None, "count"),
        ),
        ("median salary by gender", C, R("bar", "gender", "salary", "median")),
        ("how are ages distributed", E, R("histogram", "age")),
        ("hires per year over time", [T, C], R("line", "hire_year", None, "count")),
        (
            "total salary by job level and gender",
            C,
            R("bar", "job_level", "salary", "sum", color="gender"),
        ),
        ("what drives performance", D, Y("performance_score")),
        ("oldest employee in each office", C, R("bar", "office_city", "age", "max")),
        ("pay for Finance vs HR", C, R("bar", "dept", "salary", "mean")),
        ("highest performance score in each dept", C, R("bar", "dept", "performance_score", "max")),
        ("who earns the most? top 10 salaries", C, R("bar", "full_name", "salary")),
        ("which level has the oldest staff on average", C, R("bar", "job_level", "age", "mean")),
        (
            "is there a link between age and performance score",
            REL,
            R("scatter", "age", "performance_score", "none"),
        ),
        ("does working remotely impact performance?", D, Y("performance_score")),
        ("what separates seniors from juniors", D, None),
        ("employees with strange years of service", A, BOX("years_of_service")),
        ("profile of the staff table", E, None),
        ("avg yrs of service per city", C, R("bar", "office_city", "years_of_service", "mean")),
        ("average salary by dept", C, R("bar", "dept", "salary", "mean")),
        ("how many people work in each department?", C, R("bar", "dept", None, "count")),
        ("headcount per job level, highest first", C, R("bar", "job_level", None, "count")),
        ("which dept pays the highest salaries on average?", C, R("bar", "dept", "salary", "mean")),
        ("median age of staff in each office city", C, R("bar", "office_city", "age", "median")),
        (
            "does salary go up with years of service?",
            REL,
            R("scatter", "years_of_service", "salary", "none"),
        ),
        ("what determines an employee's performance score?", D, Y("performance_score")),
        ("salary distribution", E, R("histogram", "salary")),
        ("summarize the employee data", E, None),
        ("are any salaries abnormally high?", A, BOX("salary")),
        ("count of employees by gender", C, R("bar", "gender", None, "count")),
        ("max salary per job level", C, R("bar", "job_level", "salary", "max")),
        ("youngest age in each dept", C, R("bar", "dept", "age", "min")),
        ("avg perf score remote vs office", C, R("bar", "remote", "performance_score", "mean")),
        ("plot salary against age", REL, R("scatter", "age", "salary", "none")),
        ("spread of salaries within each job level", C, R("box", "job_level", "salary", "none")),
        ("number of hires per hire year", [C, T], R("bar", "hire_year", None, "count")),
        ("total salary cost of each department", C, R("bar", "dept", "salary", "sum")),
        ("what is the mean age for female employees by dept", C, R("bar", "dept", "age", "mean")),
        (
            "show the salaries of employees older than 60 by name",
            C,
            R("bar", "full_name", "salary", "none"),
        ),
        ("how many employees in each city, as a pie", C, R("pie", "office_city", None, "count")),
        ("which factors affect salary the most", D, Y("salary")),
        ("avg salary for each gender in the sales dept", C, R("bar", "gender", "salary", "mean")),
        ("staff count per dept and gender", C, R("bar", "dept", None, "count", color="gender")),
    ],
    "weather": [
        ("temp max and temp min by month", T, M("line", "date", ["temp_max", "temp_min"], "mean")),
        ("which measurements tell the two cities apart", D, None),
        ("unusual temperature swings over the years", A, R("line", "date", "temp_max")),
        ("which days had an extreme wind speed", A, R("line", "date", "wind_kmh")),
        ("avg temp_max by month", T, R("line", "date", "temp_max", "mean")),
        ("how often is it foggy in each city", C, R("bar", "city", None, "count")),
        (
            "monthly wind speed trend per city",
            T,
            R("line", "date", "wind_kmh", "mean", color="city"),
        ),
        ("distribution of max temperatures", E, R("histogram", "temp_max")),
        (
            "relationship between the min and max temperature",
            REL,
            R("scatter", "temp_min", "temp_max", "none"),
        ),
        ("coldest day in each city", C, R("bar", "city", "temp_min", "min")),
        ("rainy vs sunny days: average wind", C, R("bar", "conditions", "wind_kmh", "mean")),
        ("how did max temperatures evolve in Hill Town", T, R("line", "date", "temp_max")),
        ("days with surprising rainfall", A, R("line", "date", "precip_mm")),
        ("does the wind affect the temperature", D, Y("temp_max")),
        ("top 5 wettest days", C, R("bar", "date", "precip_mm", "sum")),
        ("monthly average of the maximum temperature", T, R("line", "date", "temp_max", "mean")),
        ("how has temp_max changed over the years?", T, R("line", "date", "temp_max", "mean")),
        (
            "total precipitation per month for each city",
            T,
            R("line", "date", "precip_mm", "sum", color="city"),
        ),
        ("which city is warmer on average?", C, R("bar", "city", "temp_max", "mean")),
        ("how many days of each weather condition", C, R("bar", "conditions", None, "count")),
        ("average wind speed by conditions", C, R("bar", "conditions", "wind_kmh", "mean")),
        ("were there any unusually cold days?", A, R("line", "date", "temp_min")),
        ("distribution of daily rainfall", E, R("histogram", "precip_mm")),
        ("is wind related to rainfall?", REL, R("scatter", "wind_kmh", "precip_mm", "none")),
        ("daily max temp over time", T, R("line", "date", "temp_max")),
        ("weekly minimum temperature in 2022", T, R("line", "date", "temp_min", "min")),
        ("which month had the most rain?", [C, T], R("bar", "date", "precip_mm", "sum")),
        ("describe this weather data", E, None),
        ("median temp_min per city", C, R("bar", "city", "temp_min", "median")),
        ("highest wind speed recorded in each city", C, R("bar", "city", "wind_kmh", "max")),
        ("what explains the max temperature", D, Y("temp_max")),
        ("temperature spread by weather condition", C, R("box", "conditions", "temp_max", "none")),
        ("yearly rainfall totals", T, R("line", "date", "precip_mm", "sum")),
    ],
    "web": [
        (
            "visits and conversions per channel",
            C,
            M("bar", "channel", ["visits", "conversions"], "sum"),
        ),
        ("weird traffic days in the visits over time", A, R("line", "day", "visits", "sum")),
        ("outlier days for conversions this year", A, R("line", "day", "conversions", "sum")),
        ("avg conversions per day by channel", C, R("bar", "channel", "conversions", "mean")),
        ("how many days per channel", C, R("bar", "channel", None, "count")),
        ("bounce rate over time", T, R("line", "day", "bounce_rate", "mean")),
        ("top 3 days by visits", C, R("bar", "day", "visits", "sum")),
        (
            "is the bounce rate related to revenue per visit",
            REL,
            R("scatter", "revenue_per_visit", "bounce_rate", "none"),
        ),
        (
            "median revenue per visit for each channel",
            C,
            R("bar", "channel", "revenue_per_visit", "median"),
        ),
        ("visits from Email versus Social", C, R("bar", "channel", "visits", "sum")),
        ("how do visits develop across the year", T, R("line", "day", "visits", "sum")),
        ("spikes in conversions?", A, R("line", "day", "conversions", "sum")),
        ("which channel drives the most conversions", C, R("bar", "channel", "conversions", "sum")),
        (
            "average revenue per visit by channel",
            C,
            R("bar", "channel", "revenue_per_visit", "mean"),
        ),
        ("total visits for each channel", C, R("bar", "channel", "visits", "sum")),
        (
            "daily visits over time split by channel",
            T,
            R("line", "day", "visits", "sum", color="channel"),
        ),
        (
            "how many conversions did each channel bring",
            C,
            R("bar", "channel", "conversions", "sum"),
        ),
        (
            "mean bounce rate per channel, lowest first",
            C,
            R("bar", "channel", "bounce_rate", "mean"),
        ),
        ("is there a weekend effect on visits?", [T, C], R("bar", "day", "visits", "sum")),
        ("conversions trend by month", T, R("line", "day", "conversions", "sum")),
        ("any days with abnormal bounce rates?", A, R("line", "day", "bounce_rate")),
        (
            "does bounce rate go along with conversions?",
            REL,
            R("scatter", "bounce_rate", "conversions", "none"),
        ),
        (
            "which channel has the best conversion count?",
            C,
            R("bar", "channel", "conversions", "sum"),
        ),
        ("histogram of visits", E, R("histogram", "visits")),
        ("what affects conversions", D, Y("conversions")),
        ("visits share by channel", C, R("pie", "channel", "visits", "sum")),
        (
            "max revenue per visit for each channel",
            C,
            R("bar", "channel", "revenue_per_visit", "max"),
        ),
        ("weekly avg bounce rate", T, R("line", "day", "bounce_rate", "mean")),
    ],
    "cars": [
        ("which measurements separate the origins best?", D, None),
        ("what distinguishes 8 cylinder cars from the rest", D, None),
        ("which cars have an unusual price", A, BOX("price")),
        ("outliers in horsepower within each origin", A, R("box", "origin", "horsepower", "none")),
        ("avg mpg per make, lowest first", C, R("bar", "make", "mpg", "mean")),
        ("how many cars of each origin", C, R("bar", "origin", None, "count")),
        ("plot mpg against horsepower", REL, R("scatter", "horsepower", "mpg", "none")),
        ("hp distribution", E, R("histogram", "horsepower")),
        ("does price depend on cylinders?", [D, C, E], Y("price")),
        ("total number of cars per model year", [C, T], R("line", "model_year", None, "count")),
        ("median weight by origin", C, R("bar", "origin", "weight_lbs", "median")),
        ("mpg of Japan vs Europe cars", C, R("bar", "origin", "mpg", "mean")),
        ("heaviest car of each make", C, R("bar", "make", "weight_lbs", "max")),
        ("avg price by cylinders", C, R("bar", "cylinders", "price", "mean")),
        ("how many cars per cylinder count", C, R("bar", "cylinders", None, "count")),
        ("what makes a car fuel efficient", D, Y("mpg")),
        ("is weight related to price", REL, R("scatter", "weight_lbs", "price", "none")),
        ("average mpg by origin", C, R("bar", "origin", "mpg", "mean")),
        ("how many models does each make have", C, R("bar", "make", None, "count")),
        (
            "does fuel economy drop as weight goes up?",
            REL,
            R("scatter", "weight_lbs", "mpg", "none"),
        ),
        (
            "horsepower on the x axis and price on the y axis",
            REL,
            R("scatter", "horsepower", "price", "none"),
        ),
        ("x axis weight, y axis horsepower", REL, R("scatter", "weight_lbs", "horsepower", "none")),
        ("median price per cylinders", C, R("bar", "cylinders", "price", "median")),
        ("which make is the most expensive on average", C, R("bar", "make", "price", "mean")),
        ("avg hp by number of cylinders", C, R("bar", "cylinders", "horsepower", "mean")),
        ("mpg distribution", E, R("histogram", "mpg")),
        ("what drives the price of a car?", D, Y("price")),
        ("any cars with unusual mpg?", A, BOX("mpg")),
        ("average mpg by model year", [T, C], R("line", "model_year", "mpg", "mean")),
        ("price spread per origin", C, R("box", "origin", "price", "none")),
        ("cheapest price for each make", C, R("bar", "make", "price", "min")),
        ("number of cars from each origin as a pie chart", C, R("pie", "origin", None, "count")),
        ("scatter of horsepower vs mpg", REL, R("scatter", "horsepower", "mpg", "none")),
        ("top 5 makes by average horsepower", C, R("bar", "make", "horsepower", "mean")),
        ("overview of the car data", E, None),
        ("avg weight of 8 cylinder cars by origin", C, R("bar", "origin", "weight_lbs", "mean")),
    ],
    "shops": [
        ("number of shops in each region", C, R("bar", "region", None, "count")),
        ("shops by type as a pie", C, R("pie", "type", None, "count")),
        ("average total per region, highest first", C, R("bar", "region", "total", "mean")),
        ("count of each shop size", C, R("bar", "size", None, "count")),
        ("how many shops per size, small vs large", C, R("bar", "size", None, "count")),
        ("total by type of shop", C, R("bar", "type", "total", "sum")),
        ("average number of staff for each type", C, R("bar", "type", "count", "mean")),
        ("highest total in each region", C, R("bar", "region", "total", "max")),
        ("how many shops of each size are there?", C, R("bar", "size", None, "count")),
        ("average total by size", C, R("bar", "size", "total", "mean")),
        ("total staff count per region", C, R("bar", "region", "count", "sum")),
        ("which type of shop has the biggest total?", C, R("bar", "type", "total", "sum")),
        ("number of shops per type", C, R("bar", "type", None, "count")),
        ("shops opened each year", [C, T], R("line", "year", None, "count")),
        ("does the total grow with the count?", REL, R("scatter", "count", "total", "none")),
        ("avg count of staff by shop size", C, R("bar", "size", "count", "mean")),
        ("sum of total by region, descending", C, R("bar", "region", "total", "sum")),
        ("shops with an unusually large total", A, BOX("total")),
        ("what explains a shop's total", D, Y("total")),
        ("median total for each type", C, R("bar", "type", "total", "median")),
        ("distribution of total", E, R("histogram", "total")),
        ("count of shops by region and size", C, R("bar", "region", None, "count", color="size")),
    ],
    "survey": [
        ("respondents per age group", C, R("bar", "age_group", "num_respondents", "sum")),
        ("how often was each answer given", C, R("bar", "answer", "num_respondents", "sum")),
        ("how many said Agree vs Disagree", C, R("bar", "answer", "num_respondents", "sum")),
        (
            "how many people agreed in each age group?",
            C,
            R("bar", "age_group", "num_respondents", "sum"),
        ),
        ("number of respondents per answer", C, R("bar", "answer", "num_respondents", "sum")),
        ("which answer was most common?", C, R("bar", "answer", "num_respondents", "sum")),
        (
            "total respondents by age group as a pie",
            C,
            R("pie", "age_group", "num_respondents", "sum"),
        ),
        (
            "answers broken down by age group",
            C,
            R("bar", "age_group", "num_respondents", "sum", color="answer"),
        ),
    ],
    "members": [
        ("what differentiates Gold members from Bronze members", D, None),
        ("number of members per rank", C, R("bar", "rank", None, "count")),
        ("total points by city", C, R("bar", "city", "points_total", "sum")),
        ("members per city as a pie chart", C, R("pie", "city", None, "count")),
        ("avg visits per rank, highest first", C, R("bar", "rank", "visits", "mean")),
        ("Gold vs Silver members: average visits", C, R("bar", "rank", "visits", "mean")),
        ("points per member by city, as a box plot", C, R("box", "city", "points_total", "none")),
        ("which members have an unusual number of visits", A, BOX("visits")),
        ("how many members hold each rank?", C, R("bar", "rank", None, "count")),
        ("average points total per rank", C, R("bar", "rank", "points_total", "mean")),
        ("rank the cities by total visits", C, R("bar", "city", "visits", "sum")),
        ("members joining per month", T, R("line", "join_date", None, "count")),
        (
            "do members with more visits have more points?",
            REL,
            R("scatter", "visits", "points_total", "none"),
        ),
        ("which rank visits most often on average", C, R("bar", "rank", "visits", "mean")),
        ("count members by city", C, R("bar", "city", None, "count")),
        ("max points for each rank", C, R("bar", "rank", "points_total", "max")),
        ("outliers in points total", A, BOX("points_total")),
        ("visits distribution", E, R("histogram", "visits")),
    ],
    "gapminder": [
        ("unusual life expectancy values over the years", A, R("line", "year", "lifeExp")),
        ("gdp per cap in 2007 by continent", C, R("bar", "continent", "gdpPercap", "mean")),
        ("pop over time for each continent", T, R("line", "year", "pop", "sum", color="continent")),
        (
            "plot life expectancy against gdp per capita",
            REL,
            R("scatter", "gdpPercap", "lifeExp", "none"),
        ),
        ("how many rows per year", [C, T], R("line", "year", None, "count")),
        ("max population of each continent", C, R("bar", "continent", "pop", "max")),
        ("life expectancy in Europe vs Africa", C, R("bar", "continent", "lifeExp", "mean")),
        ("how did population grow over the years", T, R("line", "year", "pop", "sum")),
        ("gdp per capita trend for Asia since 1980", T, R("line", "year", "gdpPercap", "mean")),
        ("what factors explain gdp per capita", D, Y("gdpPercap")),
        ("countries with outlying life expectancy", A, BOX("lifeExp")),
        (
            "How has average life expectancy changed over time?",
            T,
            R("line", "year", "lifeExp", "mean"),
        ),
        ("population of each continent in 2007", C, R("bar", "continent", "pop", "sum")),
        ("avg gdp per capita by continent", C, R("bar", "continent", "gdpPercap", "mean")),
        (
            "which continent has the longest life expectancy",
            C,
            R("bar", "continent", "lifeExp", "mean"),
        ),
        (
            "is life expectancy related to gdp per capita?",
            REL,
            R("scatter", "gdpPercap", "lifeExp", "none"),
        ),
        ("total population per year", T, R("line", "year", "pop", "sum")),
        (
            "life expectancy trend by continent",
            T,
            R("line", "year", "lifeExp", "mean", color="continent"),
        ),
        ("how many countries are in each continent", C, R("bar", "continent", None, "count")),
        ("which countries have abnormal gdp per capita?", A, BOX("gdpPercap")),
        ("top 10 countries by population in 2007", C, R("bar", "country", "pop", "sum")),
        ("distribution of life expectancy", E, R("histogram", "lifeExp")),
        ("what drives life expectancy?", D, Y("lifeExp")),
        ("median lifeExp per continent", C, R("bar", "continent", "lifeExp", "median")),
        (
            "spread of gdp per capita across continents",
            C,
            R("box", "continent", "gdpPercap", "none"),
        ),
        ("big picture of this dataset please", E, None),
        ("lowest life expectancy in each continent", C, R("bar", "continent", "lifeExp", "min")),
    ],
    "election": [
        (
            "Coderre vs Bergeron vs Joly votes in total",
            C,
            M("bar", None, ["Coderre", "Bergeron", "Joly"], "sum"),
        ),
        (
            "compare Joly and Coderre votes by winner",
            C,
            M("bar", "winner", ["Joly", "Coderre"], "sum"),
        ),
        ("avg total votes by result", C, R("bar", "result", "total", "mean")),
        (
            "how many districts were won by a plurality vs a majority",
            C,
            R("bar", "result", None, "count"),
        ),
        ("Joly votes against Coderre votes", REL, R("scatter", "Coderre", "Joly", "none")),
        ("total votes per winner", C, R("bar", "winner", "total", "sum")),
        ("how many districts did each candidate win", C, R("bar", "winner", None, "count")),
        ("average Joly votes by result", C, R("bar", "result", "Joly", "mean")),
        (
            "is Coderre's vote related to Bergeron's?",
            REL,
            R("scatter", "Coderre", "Bergeron", "none"),
        ),
        ("districts with unusual turnout totals", A, BOX("total")),
        ("share of districts won by each winner as a pie", C, R("pie", "winner", None, "count")),
        ("sum of Bergeron votes for each winner", C, R("bar", "winner", "Bergeron", "sum")),
        ("distribution of the total", E, R("histogram", "total")),
        ("count districts by result", C, R("bar", "result", None, "count")),
    ],
    "stocks": [
        ("compare GOOG and AAPL over time", [T, C], M("line", "date", ["GOOG", "AAPL"], "mean")),
        (
            "AMZN vs MSFT vs NFLX by month",
            [T, C],
            M("line", "date", ["AMZN", "MSFT", "NFLX"], "mean"),
        ),
        ("which weeks were abnormal for MSFT", A, R("line", "date", "MSFT")),
        ("any strange moves in AMZN over time?", A, R("line", "date", "AMZN")),
        ("AMZN over time", T, R("line", "date", "AMZN")),
        ("weekly MSFT", T, R("line", "date", "MSFT")),
        ("is NFLX correlated with FB?", REL, R("scatter", "FB", "NFLX", "none")),
        ("how did GOOG move over time?", T, R("line", "date", "GOOG")),
        ("monthly average of AAPL", T, R("line", "date", "AAPL", "mean")),
        ("does AMZN go along with MSFT?", REL, R("scatter", "AMZN", "MSFT", "none")),
        ("any weeks where NFLX looks abnormal?", A, R("line", "date", "NFLX")),
        ("FB trend in 2019", T, R("line", "date", "FB")),
        ("distribution of MSFT prices", E, R("histogram", "MSFT")),
        ("plot AAPL against GOOG", REL, R("scatter", "GOOG", "AAPL", "none")),
    ],
    "experiment": [
        (
            "compare experiment 1, experiment 2 and experiment 3 across groups",
            C,
            M("bar", "group", ["experiment_1", "experiment_2", "experiment_3"], "mean"),
        ),
        (
            "average of experiment_1 and experiment_2 by gender",
            C,
            M("bar", "gender", ["experiment_1", "experiment_2"], "mean"),
        ),
        ("which experiment separates treatment from control best", D, None),
        ("how many women and men are in the experiment", C, R("bar", "gender", None, "count")),
        (
            "avg experiment 2 per group and gender",
            C,
            R("bar", "group", "experiment_2", "mean", color="gender"),
        ),
        ("distribution of experiment_1", E, R("histogram", "experiment_1")),
        ("average experiment_1 result by group", C, R("bar", "group", "experiment_1", "mean")),
        ("does gender affect experiment 2?", D, Y("experiment_2")),
        ("how many participants in each group", C, R("bar", "group", None, "count")),
        (
            "compare experiment 3 between treatment and control",
            C,
            R("bar", "group", "experiment_3", "mean"),
        ),
        (
            "is experiment 1 correlated with experiment 2",
            REL,
            R("scatter", "experiment_1", "experiment_2", "none"),
        ),
        ("outliers in experiment_3", A, BOX("experiment_3")),
        ("median experiment 2 by gender", C, R("bar", "gender", "experiment_2", "median")),
        ("boxplot of experiment 1 per group", C, R("box", "group", "experiment_1", "none")),
    ],
    "incidents": [
        ("count vs cost over the years", [T, C], M("line", "year", ["count", "cost_k"], "sum")),
        ("how often did floods happen each year", T, R("line", "year", "count", "sum")),
        ("which category costs the most", C, R("bar", "category", "cost_k", "sum")),
        ("how many incidents in total per year, as bars", [C, T], R("bar", "year", "count", "sum")),
        ("how many incidents per category", C, R("bar", "category", "count", "sum")),
        ("number of incidents each year", T, R("line", "year", "count", "sum")),
        ("which category has the most incidents", C, R("bar", "category", "count", "sum")),
        ("total cost by category", C, R("bar", "category", "cost_k", "sum")),
        (
            "incident counts over time by category",
            T,
            R("line", "year", "count", "sum", color="category"),
        ),
        ("avg cost per year", T, R("line", "year", "cost_k", "mean")),
        ("share of incidents by category as a pie", C, R("pie", "category", "count", "sum")),
        ("fire vs flood incidents", C, R("bar", "category", "count", "sum")),
        ("unusual years for theft?", A, R("line", "year", "count")),
        ("is cost related to the count", REL, R("scatter", "count", "cost_k", "none")),
    ],
    "flights": [
        ("how many flights per carrier", C, R("bar", "carrier", "flights", "sum")),
        ("which origin has the most flights?", C, R("bar", "origin", "flights", "sum")),
        (
            "how often does each carrier fly from LIS compared to MAD",
            C,
            R("bar", "origin", "flights", "sum"),
        ),
        ("number of flights by origin, as a pie", C, R("pie", "origin", "flights", "sum")),
        ("average delay rate by carrier", C, R("bar", "carrier", "delay_rate", "mean")),
        (
            "flights per origin and carrier",
            C,
            R("bar", "origin", "flights", "sum", color="carrier"),
        ),
        (
            "does the delay rate go up with the number of flights?",
            REL,
            R("scatter", "flights", "delay_rate", "none"),
        ),
        ("which carrier has the highest delay rate", C, R("bar", "carrier", "delay_rate", "mean")),
    ],
    "species_counts": [
        ("how many birds of each species were seen", C, R("bar", "species", "n", "sum")),
        (
            "how often was each species seen at the Marsh vs the Forest",
            C,
            R("bar", "site", "n", "sum"),
        ),
        ("which site had the most sightings?", C, R("bar", "site", "n", "sum")),
        ("total birds per site as a pie", C, R("pie", "site", "n", "sum")),
        (
            "count of sightings by species and site",
            C,
            R("bar", "species", "n", "sum", color="site"),
        ),
        ("average hours observed per site", C, R("bar", "site", "hours_observed", "mean")),
        (
            "is the number of birds related to the hours observed?",
            REL,
            R("scatter", "hours_observed", "n", "none"),
        ),
    ],
    "medals_wide": [
        (
            "gold, silver and bronze for each nation",
            C,
            M("bar", "nation", ["gold", "silver", "bronze"], "sum"),
        ),
        (
            "total gold vs silver vs bronze medals",
            C,
            M("bar", None, ["gold", "silver", "bronze"], "sum"),
        ),
        ("gold medals per nation", C, R("bar", "nation", "gold", "sum")),
        ("which nation won the most silver?", C, R("bar", "nation", "silver", "sum")),
        ("bronze by nation as a pie chart", C, R("pie", "nation", "bronze", "sum")),
    ],
}


# Derived measures ("revenue divided by qty"), all measures counted ("the 3 experiments") and
# named groups compared ("does Finance pay more than HR?"), added 2026-11-27.
ADDED: dict[str, list[tuple[str, object, dict]]] = {
    "weather": [
        (
            "average temperature range (temp max minus temp min) by city",
            C,
            R("bar", "city", "temp_max_minus_temp_min", "mean"),
        ),
        (
            "how does the gap between temp max and temp min change over time",
            T,
            R("line", "date", "temp_max_minus_temp_min", "mean"),
        ),
        (
            "the 4 measurements side by side for each city",
            C,
            M("bar", "city", ["temp_max", "temp_min", "precip_mm", "wind_kmh"], "mean"),
        ),
        ("is Harbor City windier than Hill Town?", C, R("bar", "city", "wind_kmh", "mean")),
    ],
    "orders": [
        (
            "revenue divided by qty for each product type",
            C,
            R("bar", "product_type", "revenue_per_qty", "mean"),
        ),
        (
            "do Corporate customers buy more units than Consumers?",
            C,
            R("bar", "customer_segment", "qty", "mean"),
        ),
        (
            "total revenue of the North store compared with the South store",
            C,
            R("bar", "store", "revenue", "sum"),
        ),
    ],
    "cars": [
        (
            "horsepower to weight ratio by make",
            C,
            R("bar", "make", "horsepower_per_weight_lbs", "mean"),
        ),
    ],
    "election": [
        (
            "which winner had the highest Coderre percentage of total?",
            C,
            R("bar", "winner", "Coderre_pct_of_total", "mean"),
        ),
    ],
    "web": [
        (
            "conversions as a fraction of visits per channel",
            C,
            R("bar", "channel", "conversions_pct_of_visits", "mean"),
        ),
        ("conversions per visit over time", T, R("line", "day", "conversions_per_visits", "mean")),
    ],
    "members": [
        (
            "avg points total per visit in each city",
            C,
            R("bar", "city", "points_total_per_visits", "mean"),
        ),
        (
            "do Gold members visit more often than Silver members?",
            C,
            R("bar", "rank", "visits", "mean"),
        ),
    ],
    "species_counts": [
        ("n per hours observed at each site", C, R("bar", "site", "n_per_hours_observed", "mean")),
    ],
    "employees": [
        (
            "do women earn a higher salary relative to years of service than men?",
            C,
            R("bar", "gender", "salary_per_years_of_service", "mean"),
        ),
        ("does Finance pay more than HR?", C, R("bar", "dept", "salary", "mean")),
        ("are people in Berlin older than in Lisbon?", C, R("bar", "office_city", "age", "mean")),
    ],
    "gapminder": [
        (
            "distribution of gdp per capita minus life expectancy",
            E,
            R("histogram", "gdpPercap_minus_lifeExp", None, "none"),
        ),
    ],
    "experiment": [
        (
            "compare the 3 experiments between genders",
            C,
            M("bar", "gender", ["experiment_1", "experiment_2", "experiment_3"], "mean"),
        ),
        (
            "average of all 3 results for each group",
            C,
            M("bar", "group", ["experiment_1", "experiment_2", "experiment_3"], "mean"),
        ),
    ],
    "medals_wide": [
        (
            "compare the 3 medal counts for each nation",
            C,
            M("bar", "nation", ["gold", "silver", "bronze"], "sum"),
        ),
    ],
}
for _table, _items in ADDED.items():
    Q[_table] += _items


def main() -> None:
    out = Path(__file__).with_name("questions.jsonl")
    lines = []
    for table, items in Q.items():
        for i, (question, intent, request) in enumerate(items, 1):
            lines.append(
                json.dumps(
                    {
                        "id": f"t-{table}-{i:02d}",
                        "table": table,
                        "question": question,
                        "intent": intent,
                        "request": request,
                    },
                    ensure_ascii=False,
                )
            )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} questions to {out}")


if __name__ == "__main__":
    main()
