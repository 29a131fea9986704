"""What the AppTest tests share: stub model backends, and steps (load the tips sample, ask,
find a step's widgets)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from pydantic import BaseModel
from streamlit.testing.v1 import AppTest

from autoviz_core.contracts import contract_json_schema
from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm.base import Generation


def texts(elements: Any) -> str:
    return " ".join(str(e.value) for e in elements)


def load_tips(at: AppTest) -> AppTest:
    at.selectbox(key="sample_choice").set_value("tips (plotly sample)").run()
    at.button(key="load_sample").click().run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str, button: str = "plan") -> AppTest:
    """Type `question` on the Question page and press `button` (plan | follow_up)."""
    at.switch_page("pages/question.py").run()
    at.text_area(key="question_input").set_value(question).run()
    at.button(key=button).click().run()
    assert not at.exception, at.exception
    return at


def on_plan_page(at: AppTest) -> AppTest:
    """AppTest follows st.switch_page for one run only: stay on Plan review for the next ones."""
    assert at.title[0].value == "Review the plan", at.title[0].value
    return at.switch_page("pages/plan.py")


def draft(at: AppTest) -> list[dict[str, Any]]:
    return list(at.session_state["draft"])


def uid_of(at: AppTest, *, step_id: str | None = None, tool: str | None = None) -> str:
    return next(
        s["uid"]
        for s in draft(at)
        if (step_id is None or s["id"] == step_id) and (tool is None or s["tool"] == tool)
    )


def step_titles(at: AppTest) -> list[str]:
    """The bold first line of each step card ("**1. Average tip per day (bar chart)**")."""
    return [
        str(m.value).replace(" :material/star:", "")
        for m in at.markdown
        if str(m.value).startswith("**") and ". " in str(m.value)[:8]
    ]


def add_filter(at: AppTest, uid: str, column: str, value: Any, op: str = "eq") -> AppTest:
    """Add a filter row to a step through its widgets and fill it in."""
    at.button(key=f"filter:{uid}:filters:add").click().run()
    rows = at.session_state[f"filter_rows:{uid}:filters"]
    base = f"filter:{uid}:filters:{rows[-1]}"
    at.selectbox(key=f"{base}:column").set_value(column).run()
    at.selectbox(key=f"{base}:op").set_value(op).run()
    value_key = f"{base}:value:{column}:{op}"
    for kind in ("selectbox", "number_input", "text_input", "multiselect"):
        found = [w for w in getattr(at, kind) if w.key == value_key]
        if found:
            found[0].set_value(value).run()
            break
    else:
        raise AssertionError(f"no value widget {value_key}")
    assert not at.exception, at.exception
    return at


def bundle_provenance(at: AppTest) -> dict[str, Any]:
    """The provenance table of the report inside the downloadable bundle (cells are JSON):
    backend, backends and model."""
    with zipfile.ZipFile(io.BytesIO(at.session_state["run"]["bundle"])) as zf:
        report = zf.read("report.md").decode()
    section = report.split("## Provenance", 1)[1]
    rows = [
        line.strip("| ").split(" | ", 1) for line in section.splitlines() if line.startswith("| ")
    ]
    cells = {k.strip(): v.strip().replace("\\", "") for k, v in rows[1:]}
    return {k: json.loads(cells[k]) for k in ("backend", "backends", "model")}


# ---------------------------------------------------------------- stub backends
def minimal_instance(schema: dict[str, Any]) -> Any:
    """The simplest value a JSON schema accepts: first enum member, "", 0, [], objects filled."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "anyOf" in schema:
        return minimal_instance(schema["anyOf"][0])
    kind = schema.get("type")
    if kind == "object":
        return {k: minimal_instance(v) for k, v in schema.get("properties", {}).items()}
    return {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(kind)


class StubBackend:
    """A Backend whose every answer is a valid, minimal instance of the requested contract."""

    strategy = "gbnf"

    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False
        self.calls: list[str] = []

    def generate(
        self, messages: list[Any], contract: type[BaseModel], *, max_tokens: int | None = None
    ) -> Generation:
        value = contract.model_validate(minimal_instance(contract_json_schema(contract)))
        self.calls.append(contract.__name__)
        return Generation(value, value.model_dump_json(), {"total_ms": 1.0}, 1)

    def info(self) -> dict[str, Any]:
        return {"backend": "stub", "model": self.name}

    def close(self) -> None:
        self.closed = True

    def queue_depth(self) -> int:
        return 0


class StubFactory:
    """Replaces factory.create_backend: records what was built; can be told to fail."""

    def __init__(self) -> None:
        self.built: list[StubBackend] = []
        self.fail: str | None = None

    def __call__(self, name: str | None = None, settings: Any = None) -> StubBackend:
        if self.fail:
            raise ModelUnavailableError(self.fail, "Start the server or pick another model.")
        backend = StubBackend(name or "default")
        self.built.append(backend)
        return backend
