"""Every weight in autoviz_core/planning/weights.json belongs to a feature the feature code still
produces (request features: planning/features.py; intent features: planning/intent.py). A renamed
or removed feature would otherwise keep a weight nothing reads, and the feature under its new name
would silently weigh 0. The names are generated over the training questions the fit used
(scripts/fit_planner.py), so the check is exact: a fit can only weigh names produced there."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from autoviz_core.contracts import INTENTS

REPO = Path(__file__).resolve().parents[2]
FIT = REPO / "scripts" / "fit_planner.py"
WEIGHTS = json.loads((REPO / "autoviz_core" / "planning" / "weights.json").read_text("utf-8"))


def fit_planner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fit_planner", FIT)
    assert spec is not None and spec.loader is not None, f"missing {FIT}"
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit_planner"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def produced() -> tuple[set[str], set[str]]:
    fit = fit_planner()
    for path in (fit.NV_TRAIN, fit.OWN):
        if not path.is_file():
            pytest.fail(f"missing training questions {path} (set AUTOVIZ_SHARED)")
    return fit.produced_features(fit.training_questions(), WEIGHTS["request"])  # type: ignore[no-any-return]


def unproduced(weights: dict[str, float], request: set[str], intent: set[str]) -> dict[str, list]:
    """Weight names with no feature behind them, by model."""
    stale_intent = [
        name
        for name in weights["intent"]
        if name.partition("|")[0] not in INTENTS or name.partition("|")[2] not in intent
    ]
    return {
        "request": sorted(set(weights["request"]) - request),
        "intent": sorted(stale_intent),
    }


def test_every_weight_names_a_feature_the_code_produces(
    produced: tuple[set[str], set[str]],
) -> None:
    request, intent = produced
    assert len(WEIGHTS["request"]) > 100 and len(WEIGHTS["intent"]) > 100
    assert unproduced(WEIGHTS, request, intent) == {"request": [], "intent": []}


def test_a_renamed_feature_is_caught(produced: tuple[set[str], set[str]]) -> None:
    """What the check sees when the code renames a feature that has a weight."""
    request, intent = produced
    weighted_request = sorted(set(WEIGHTS["request"]))[0]
    weighted_intent = sorted(WEIGHTS["intent"])[0].partition("|")[2]
    renamed = unproduced(WEIGHTS, request - {weighted_request}, intent - {weighted_intent})
    assert weighted_request in renamed["request"]
    assert renamed["intent"] and all(n.endswith(f"|{weighted_intent}") for n in renamed["intent"])
