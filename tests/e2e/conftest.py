"""The browser tests run the app on a copy of config.yaml whose model time limit suits a loaded
machine: under the test suite's own load (2 cores shared) the model's plan adaptation can take
longer than the shipped 60 s per call, and a call that times out still ends planning with an
error. Revisit once a timed-out adaptation keeps the template plan (issue #14, "no dead ends"):
then the shipped limit can be tested here as it is."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
E2E_MODEL_TIME_LIMIT_S = 300


@pytest.fixture(scope="package", autouse=True)
def roomy_model_time_limit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """AUTOVIZ_CONFIG -> the repository's config.yaml with limits.llm_timeout_s raised, for the
    app processes these tests start; restored when the browser tests end."""
    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    raw["limits"]["llm_timeout_s"] = E2E_MODEL_TIME_LIMIT_S
    path = tmp_path_factory.mktemp("e2e-config") / "config.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    before = os.environ.get("AUTOVIZ_CONFIG")
    os.environ["AUTOVIZ_CONFIG"] = str(path)
    try:
        yield path
    finally:
        if before is None:
            os.environ.pop("AUTOVIZ_CONFIG", None)
        else:
            os.environ["AUTOVIZ_CONFIG"] = before
