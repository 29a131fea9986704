"""The real app in a real browser with the real embedded model: upload, ask, approve, check the chart.

Starts `streamlit run app.py` on a free port, drives Debian's Chromium with Playwright and saves a
screenshot of every page to test-artifacts/screenshots/. Fails (never skips) when Chromium or the
model is missing: a browser test that silently does not run proves nothing.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.express as px
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autoviz_core.config import load_settings
from autoviz_core.llm.health import check_model

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO / "test-artifacts" / "screenshots"
DOCS_SHOTS = REPO / "docs" / "screenshots"
QUESTION = "Which store brought in the most sales?"
START_TIMEOUT_S = 60
PLAN_TIMEOUT_MS = 300_000  # the embedded model on 2 CPU cores: about 1-2 minutes
RUN_TIMEOUT_MS = 120_000

pytestmark = [pytest.mark.browser, pytest.mark.model]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer /_stcore/health within {START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """The app served on a free port; killed (and waited for) at the end."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = SHOTS.parent / "streamlit.log"
    cmd = [
        str(REPO / ".venv" / "bin" / "streamlit"),
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        wait_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shot(page: Any, name: str, *, height: int = 900) -> Path:
    """Screenshot at a given window height: Streamlit scrolls inside its own container, so a
    full-page screenshot would show only the first screen; a taller window shows more."""
    page.set_viewport_size({"width": 1440, "height": height})
    page.wait_for_timeout(800)  # let charts and fonts settle after the resize
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1440, "height": 900})
    return path


def plotted_traces(page: Any) -> list[dict[str, Any]]:
    """Every trace of every plotly chart on the page, as plotly.js holds it (x/y as lists)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(
            (gd) => (gd._fullData || gd.data || []).map((t) => ({
                type: t.type, name: t.name || '',
                x: Array.from(t.x || []), y: Array.from(t.y || [])})))"""
    )


def top_category(trace: dict[str, Any]) -> Any:
    pairs = [(y, x) for x, y in zip(trace["x"], trace["y"], strict=False) if y is not None]
    return max(pairs)[1] if pairs else None


def test_question_to_chart_in_a_real_browser(
    server_url: str, browser: Any, sales_csv: Path
) -> None:
    settings = load_settings()
    status = check_model(settings.default_model, settings)
    if not status.usable:
        pytest.fail(f"the embedded model is not usable: {status.status}: {status.detail}")
    expected = pd.read_csv(sales_csv).groupby("store")["sales"].sum().idxmax()

    page = page_with_table(browser, server_url, sales_csv)
    upload_shot = shot(page, "1_upload")

    page.get_by_role("link", name="Next: ask a question").click()
    page.get_by_role("heading", name="Ask a question").wait_for()
    box = page.get_by_label("Your question")
    box.fill(QUESTION)
    box.press("Control+Enter")  # commit the text to the app before clicking
    page.wait_for_timeout(500)
    shot(page, "2_question")
    page.get_by_role("button", name="Plan the analysis").click()
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    assert page.get_by_text("Planning failed").count() == 0
    shot(page, "3_plan", height=1300)

    page.get_by_role("button", name="Approve and run").click()
    page.get_by_role("heading", name="Results").wait_for(timeout=RUN_TIMEOUT_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=RUN_TIMEOUT_MS)
    page.get_by_role("button", name="HTML report").wait_for()
    shot(page, "4_results", height=1700)

    findings = shown_findings(page)
    assert findings, "no finding on the results page"
    named = [(n, f) for f in findings for n in internal_names() if n in f]
    assert not named, f"internal step or tool names in findings: {named}"

    traces = plotted_traces(page)
    bars = [t for t in traces if t["type"] == "bar" and t["x"]]
    assert bars, f"no bar chart on the results page: {traces}"
    assert any(top_category(t) == expected for t in bars), (
        f"no bar chart names {expected!r} as the top store: {[(t['x'], t['y']) for t in bars]}"
    )
    page.close()
    assert upload_shot.exists()


def shown_findings(page: Any) -> list[str]:
    """The findings the results page shows: the answer's heading and the bullet lists."""
    main = page.locator("[data-testid='stMain']")
    return [
        t
        for t in main.locator("h4, [data-testid='stMarkdownContainer'] li").all_inner_texts()
        if t.strip()
    ]


def internal_names() -> set[str]:
    """Tool names and template step ids (with an underscore; the plain-word ones are English
    too, so they are looked for in brackets, as a report once appended them)."""
    from autoviz_core.planning.templates import load_templates
    from autoviz_core.tools.registry import all_tools

    names = {t.name for t in all_tools()} | {s.id for t in load_templates() for s in t.steps}
    return {n for n in names if "_" in n} | {f"({n})" for n in names}


# ---------------------------------------------------------------- a single value
def page_with_table(browser: Any, server_url: str, csv: Path) -> Any:
    """A new page with the table `csv` uploaded and the sidebar's model status ready."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(server_url)
    page.get_by_role("heading", name="Upload a table").wait_for()
    page.locator("input[type='file']").set_input_files(str(csv))
    page.get_by_role("heading", name=csv.name).wait_for()
    page.get_by_text("ready", exact=True).first.wait_for()
    return page


def test_a_single_value_question_is_answered_first_in_a_real_browser(
    server_url: str, browser: Any, tmp_path: Path
) -> None:
    """'What is the median ...?' on a table of the test's own: the value as a metric card,
    its sentence with n, the histogram it was computed from, and the report says it too."""
    settings = load_settings()
    if not check_model(settings.default_model, settings).usable:
        pytest.fail("the embedded model is not usable")
    frame = pd.DataFrame(
        {
            "courier": ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal", "Ida"] * 4,
            "minutes": [31, 27, 44, 19, 38, 25, 52, 29, 33] * 4,
            "parcels": [12, 9, 15, 7, 11, 10, 14, 8, 13] * 4,
        }
    )
    frame.to_csv(csv := tmp_path / "deliveries.csv", index=False)
    page = page_with_table(browser, server_url, csv)
    ask(page, "what is the median delivery time in minutes?", "Plan the analysis")
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    step_title(page, "1. The median of minutes").wait_for()

    page.get_by_role("button", name="Approve and run").click()
    page.get_by_role("heading", name="Results").wait_for(timeout=RUN_TIMEOUT_MS)
    metric = page.locator("[data-testid='stMetricValue']").first
    metric.wait_for(timeout=RUN_TIMEOUT_MS)
    median = frame["minutes"].median()
    assert metric.inner_text().strip() == f"{median:,.0f}"
    sentence = f"The median of minutes is {median:,.0f} ({len(frame)} values)."
    page.get_by_text(sentence).first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for(timeout=RUN_TIMEOUT_MS)
    # the histogram is drawn pre-binned (one bar per bin, so the browser never receives raw rows);
    # whole minutes over a short range get one bin each, its bar the rows with that value
    bars = [t for t in plotted_traces(page) if t["type"] == "bar" and t["name"] == "minutes"]
    assert len(bars) == 1, plotted_traces(page)
    counts = frame["minutes"].value_counts()
    low, high = int(frame["minutes"].min()), int(frame["minutes"].max())
    expected = {str(v): int(counts.get(v, 0)) for v in range(low, high + 1)}
    assert dict(zip(bars[0]["x"], bars[0]["y"], strict=True)) == expected
    shot(page, "a1_single_value", height=1300)

    with page.expect_download() as download:
        page.get_by_role("button", name="HTML report").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert sentence in report
    page.close()


# ---------------------------------------------------------------- a thread of questions
def ask(page: Any, question: str, button: str) -> None:
    page.get_by_role("link", name="Question", exact=True).click()
    page.get_by_role("heading", name="Ask a question").wait_for()
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Control+Enter")  # commit the text to the app before clicking
    page.wait_for_timeout(500)
    page.get_by_role("button", name=button).click()


def pick(page: Any, label: str, option: str, nth: int = 0) -> None:
    """Choose `option` in the selectbox labelled `label` (the nth one with that label). A click
    that lands while Streamlit re-renders the widget closes the list again: open it once more."""
    box = page.get_by_role("combobox", name=label, exact=True).nth(nth)
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        box.click()
        try:
            choice.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(1_000)
    choice.click()
    page.wait_for_timeout(700)


def upload_tips(page: Any, tmp_path: Path) -> Path:
    csv = tmp_path / "tips.csv"
    px.data.tips().to_csv(csv, index=False)
    page.get_by_role("heading", name="Upload a table").wait_for()
    page.locator("input[type='file']").set_input_files(str(csv))
    page.get_by_role("heading", name="tips.csv").wait_for()
    return csv


def step_title(page: Any, text: str) -> Any:
    return page.get_by_text(text, exact=True)


def test_a_thread_of_questions_in_a_real_browser(
    server_url: str, browser: Any, tmp_path: Path
) -> None:
    """Ask, add a filter through the widgets, follow up, approve, reopen the first version."""
    settings = load_settings()
    if not check_model(settings.default_model, settings).usable:
        pytest.fail("the embedded model is not usable")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(server_url)
    upload_tips(page, tmp_path)
    page.get_by_text("ready", exact=True).first.wait_for()
    shots = {"upload": shot(page, "t1_upload")}

    page.get_by_role("link", name="Next: ask a question").click()
    page.get_by_role("heading", name="Ask a question").wait_for()
    box = page.get_by_label("Your question")
    box.fill("Mean tip for each day")
    box.press("Control+Enter")
    page.wait_for_timeout(500)
    shots["question"] = shot(page, "t2_question")
    page.get_by_role("button", name="Plan the analysis").click()
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    step_title(page, "1. Average tip per day (bar chart)").wait_for()

    # The person's edit, through the filter row widgets; the sentence follows on the same run.
    page.get_by_role("button", name="Add a filter").click()
    page.get_by_role("combobox", name="Column").wait_for()
    pick(page, "Column", "time")
    pick(page, "Value", "Dinner")
    step_title(page, "1. Average tip per day, only where time is Dinner (bar chart)").wait_for()

    ask(page, "now only for females", "Ask as a follow-up")
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    both = "1. Average tip per day, only where time is Dinner and sex is Female (bar chart)"
    step_title(page, both).wait_for(timeout=PLAN_TIMEOUT_MS)
    page.get_by_text("Added the filter: sex is Female").wait_for()
    page.get_by_text("Kept the earlier filter: time is Dinner").wait_for()
    assert page.locator("text=compare_groups >> visible=true").count() == 0  # folded away
    shots["plan_review"] = shot(page, "t3_plan", height=1500)

    page.get_by_role("button", name="Approve and run").click()
    page.get_by_role("heading", name="Results").wait_for(timeout=RUN_TIMEOUT_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=RUN_TIMEOUT_MS)
    page.get_by_text("Only rows where time is Dinner and sex is Female.").wait_for()
    shots["results"] = shot(page, "t4_results", height=1700)
    df = px.data.tips()
    expected = df[(df["time"] == "Dinner") & (df["sex"] == "Female")].groupby("day")["tip"].mean()
    bars = [t for t in plotted_traces(page) if t["type"] == "bar" and t["x"]]
    got = dict(zip(bars[0]["x"], bars[0]["y"], strict=True))
    assert got.keys() == set(expected.index)
    assert all(abs(got[d] - expected[d]) < 1e-6 for d in expected.index), got

    # Reopen the first version: its plan, with the filter edit, as it was left.
    page.get_by_role("link", name="Question", exact=True).click()
    page.get_by_role("heading", name="This thread").wait_for()
    page.get_by_role("button", name="Reopen").click()
    page.get_by_role("heading", name="Review the plan").wait_for()
    step_title(page, "1. Average tip per day, only where time is Dinner (bar chart)").wait_for()
    assert page.get_by_text("sex is Female", exact=False).count() == 0
    page.close()

    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in shots.items():
        shutil.copyfile(path, DOCS_SHOTS / f"{name}.png")


# ---------------------------------------------------------------- an ambiguous question
def test_an_ambiguous_question_offers_its_readings_in_a_real_browser(
    server_url: str, browser: Any, tmp_path: Path
) -> None:
    """A terse question stays on the Question page with 'Did you mean'; one click plans it."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(server_url)
    upload_tips(page, tmp_path)
    page.get_by_role("link", name="Next: ask a question").click()
    page.get_by_role("heading", name="Ask a question").wait_for()
    box = page.get_by_label("Your question")
    box.fill("tips")
    box.press("Control+Enter")
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Plan the analysis").click()
    page.get_by_text("Did you mean:").wait_for(timeout=PLAN_TIMEOUT_MS)
    choice = page.locator(".st-key-alternative-1-0 button")
    label = choice.inner_text().strip()
    assert label  # the reading, in plain words
    choice.click()
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    assert page.get_by_text("Planning failed").count() == 0
    page.close()


# ---------------------------------------------------------------- a model that fails
@pytest.fixture
def garbage_server() -> Iterator[Any]:
    """An OpenAI-compatible server that first hangs, then answers only text that is not JSON."""
    sys.path.insert(0, str(REPO / "tests" / "unit" / "llm"))
    from fake_openai import start_fake_server

    fake, httpd, thread = start_fake_server()
    fake.replies.append(45.0)  # the first call hangs (the person cancels it)
    for _ in range(30):
        fake.reply_content("Sure! Here is the plan you asked for: {")
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_a_failing_model_is_no_dead_end_in_a_real_browser(
    server_url: str, browser: Any, tmp_path: Path, garbage_server: Any
) -> None:
    """The vLLM entry pointed at a server that hangs, then answers garbage: the choice sticks
    across pages, a cancel and an invalid answer both end in an approvable plan in time."""
    limit_s = load_settings().limits.llm_timeout_s
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(server_url)
    page.get_by_text("vLLM server (local)").click()
    url_box = page.get_by_label("Server URL")
    url_box.fill(garbage_server.url)
    url_box.press("Enter")
    page.get_by_text("The server serves: served-model").wait_for()
    upload_tips(page, tmp_path)

    page.get_by_role("link", name="Next: ask a question").click()
    try:
        page.get_by_role("heading", name="Ask a question").wait_for()
    finally:
        shot(page, "f0_question")
    assert page.get_by_role("radio", name="vLLM server (local)").is_checked()
    assert page.get_by_label("Server URL").input_value() == garbage_server.url

    # 1. The model hangs: the stage list shows it waiting, and Cancel ends the wait.
    ask(page, "Mean tip for each day", "Plan the analysis")
    page.get_by_text("The model is adapting the plan").wait_for()
    page.get_by_role("button", name="Cancel the model call").click()
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=30_000)
    page.get_by_text("The model proposed no valid change: you cancelled the model call").wait_for()

    # 2. The model answers garbage every time: the template plan, one line of why, approvable.
    started = time.monotonic()
    ask(page, "only for females", "Ask as a follow-up")
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    notice = page.get_by_text("its answer did not fit the required format")
    notice.wait_for(timeout=PLAN_TIMEOUT_MS)
    assert time.monotonic() - started < limit_s + 10
    assert notice.count() == 1
    shot(page, "f1_plan_after_failures", height=1300)
    page.get_by_text("Its last call failed: vllm-local", exact=False).wait_for()
    approve = page.get_by_role("button", name="Approve and run")
    assert approve.is_enabled()
    approve.click()
    page.get_by_role("heading", name="Results").wait_for(timeout=RUN_TIMEOUT_MS)
    # Asked, and nothing it answered was used: the model is not credited with the plan.
    page.get_by_text(
        "model: vllm-local proposed no valid change; the template plan was used", exact=False
    ).wait_for()
    assert page.get_by_role("radio", name="vLLM server (local)").is_checked()
    page.close()


if __name__ == "__main__":  # pragma: no cover - convenience: python tests/e2e/test_browser.py
    sys.exit(pytest.main([__file__, "-q"]))


# ---------------------------------------------------------------- did you mean, then exclude
def test_a_vague_question_asks_did_you_mean_and_an_exclusion_is_a_not_filter(
    server_url: str, browser: Any, tmp_path: Path
) -> None:
    """A question the planner is unsure of is answered with "Did you mean:" and its readings
    before anything is planned; choosing one plans it; "leave out <value>" as a follow-up is a
    filter row "is not (≠)" that value, never one that keeps only it."""
    settings = load_settings()
    if not check_model(settings.default_model, settings).usable:
        pytest.fail("the embedded model is not usable")
    frame = pd.DataFrame(
        {
            "crate_id": range(1, 61),
            "port": ["Hull", "Leith", "Cobh", "Brest"] * 15,
            "cargo": ["tea", "wool", "salt", "tin", "rope", "wine"] * 10,
            "weight_kg": [round(20 + (i * 17.3) % 80, 1) for i in range(60)],
            "dock_code": [1 + i % 5 for i in range(60)],
        }
    )
    frame.to_csv(csv := tmp_path / "crates.csv", index=False)
    page = page_with_table(browser, server_url, csv)

    ask(page, "show me the biggest ones", "Plan the analysis")
    page.get_by_text("Did you mean:").wait_for(timeout=PLAN_TIMEOUT_MS)
    readings = page.locator("[class*='st-key-alternative-'] button")  # key alternative:N:i
    offered = [t.strip() for t in readings.all_inner_texts() if t.strip()]
    assert 2 <= len(offered) <= 4, offered
    assert page.get_by_role("heading", name="Review the plan").count() == 0  # nothing planned
    shot(page, "d1_did_you_mean")
    readings.last.click()
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    assert page.get_by_text("Planning failed").count() == 0

    ask(page, "leave out Hull", "Ask as a follow-up")
    page.get_by_role("heading", name="Review the plan").wait_for(timeout=PLAN_TIMEOUT_MS)
    page.get_by_text("Added the filter: port is not Hull").first.wait_for(timeout=PLAN_TIMEOUT_MS)
    op = page.get_by_role("combobox", name="Operator").first
    assert "is not (≠)" in op.inner_text() or "is not (≠)" in (op.input_value() or ""), (
        op.inner_text()
    )
    assert page.get_by_text("port is Hull", exact=False).count() == 0
    shot(page, "d2_exclusion", height=1300)
    page.close()
