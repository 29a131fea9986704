"""config.yaml -> typed settings, read from the repository or the installed app (not the current
directory)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autoviz_core.data_files import read_yaml
from autoviz_core.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
# Where app.py, pages/ and config.yaml are: the repository root in a checkout; after
# `pip install .`, the autoviz_app package installed beside autoviz_core (pyproject.toml).
_INSTALLED_APP = REPO_ROOT / "autoviz_app"
APP_ROOT = _INSTALLED_APP if (_INSTALLED_APP / "app.py").is_file() else REPO_ROOT
DEFAULT_CONFIG_PATH = APP_ROOT / "config.yaml"

BackendKind = Literal["llama.cpp", "gpt4all", "vllm"]
PlannerMode = Literal["cues", "model", "hybrid"]


class PlannerSettings(BaseModel):
    """How each planning stage is decided: by the cues and fitted ranking, the model, or both."""

    model_config = ConfigDict(extra="forbid")

    intent_mode: PlannerMode = "cues"
    request_mode: PlannerMode = "cues"
    adapt_mode: Literal["model", "off"] = "model"
    seed: int = 42

    @property
    def uses_model(self) -> bool:
        """False when every stage is decided without a model (no backend needs loading)."""
        return not (
            self.intent_mode == "cues" and self.request_mode == "cues" and self.adapt_mode == "off"
        )


class ModelSettings(BaseModel):
    """One dropdown entry: a model on a backend, with backend defaults merged in."""

    model_config = ConfigDict(extra="allow")

    name: str
    label: str = ""
    backend: BackendKind
    path: str | None = None  # GGUF path or "embedded:smollm2" (llama.cpp, gpt4all)
    url: str | None = None  # server base URL (vllm)
    model: str | None = None  # served model name (vllm); "auto" = first served
    api_key: str = ""
    timeout: float = 60.0
    temperature: float = 0.0
    seed: int = 42
    n_ctx: int = 2048
    n_threads: int = 2
    n_batch: int = 512
    # llama.cpp: fused attention; ~1.2x faster prompts and ~1.1x faster tokens on this CPU
    # (bench/README.md, issue 15), the attention computed in another order.
    flash_attn: bool = True
    # llama.cpp: characters the grammar forces (key names, the rest of an enum value) are
    # evaluated in one batch instead of one forward pass per token (llm/grammar_first.py).
    jump_forward: bool = True
    max_retries: int = 2
    max_tokens: int | None = None
    use_grammar: bool = True
    # llama.cpp only: "q8_0" loads a cached Q8_0 copy of the GGUF (llm/requantize.py: the same
    # weights to within 0.45% of a block's largest, ~1.4x faster prompts on AVX2); "none" loads
    # the file as it is, and so does "q8_0" when no copy can be written (with a warning).
    requantize: Literal["none", "q8_0"] = "none"
    verify_ssl: bool = False
    # Planner modes for this model; None = the global `planner:` section. A capable model (a
    # vLLM server, a larger GGUF) can decide more (hybrid); the embedded 135M one keeps cues.
    planner: PlannerSettings | None = None

    @property
    def display_name(self) -> str:
        return self.label or self.name


class Limits(BaseModel):
    """Resource limits (config.yaml `limits:`), each enforced where the resource is used."""

    model_config = ConfigDict(extra="forbid")

    max_upload_mb: float = 200
    # Wall-clock limit on loading one file (reading, parsing, type clean-up).
    load_timeout_s: float = 120
    max_rows: int = 5_000_000
    max_columns: int = 2000
    max_cell_chars: int = 100_000
    max_chart_points: int = 5000
    step_timeout_s: float = 120
    llm_timeout_s: float = 60
    llm_max_tokens: int = 320
    # What this machine lets one analysis hold in memory: a table whose in-memory copy would
    # not fit (estimated before reading, data/estimate.py) is queried where it lives
    # (autoviz_core/engine) or, where it cannot be, refused (data/guard.py); results and
    # samples the engine returns are bounded by it.
    memory_budget_mb: float = Field(default=2048, gt=0)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def memory_budget_bytes(self) -> int:
        return int(self.memory_budget_mb * 1024 * 1024)


class EngineSettings(BaseModel):
    """How a table too big for memory, or a database table, is analysed (autoviz_core/engine)."""

    model_config = ConfigDict(extra="forbid")

    # auto: the memory budget decides; memory: always pandas; engine: always SQL where the data is
    route: Literal["auto", "memory", "engine"] = "auto"
    # the bounded sample planning and pandas tools see
    sample_rows: int = Field(default=50_000, ge=1000)
    threads: int = Field(default=0, ge=0)  # DuckDB threads; 0 = every core
    progress_after_s: float = Field(
        default=2.0, ge=0
    )  # report a query's progress once it runs this long
    cache_dir: str = (
        ""  # columnar copies of CSV files; "" = $AUTOVIZ_CACHE/engine or ~/.cache/autoviz/engine
    )
    # a CSV at least this big answers its first question where it lies (planned from sampled
    # lines) and gets its columnar copy after; a smaller one is copied first
    csv_in_place_above_mb: float = Field(default=1024, ge=0)


class Settings(BaseModel):
    """The whole configuration, validated."""

    default_model: str
    models: dict[str, ModelSettings]
    planner: PlannerSettings = Field(default_factory=PlannerSettings)
    limits: Limits = Field(default_factory=Limits)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    source: str = ""

    def planner_for(self, name: str | None = None) -> PlannerSettings:
        """The planner modes of model entry `name`: its own, else the global section's."""
        entry = self.models.get(name or self.default_model)
        return entry.planner if entry is not None and entry.planner is not None else self.planner

    def model(self, name: str | None = None) -> ModelSettings:
        """The settings of model entry `name` (default entry when None); clear error if unknown."""
        key = name or self.default_model
        if key not in self.models:
            known = ", ".join(self.models)
            raise ConfigError(f"Unknown backend/model {key!r}.", f"Choose one of: {known}.")
        return self.models[key]


def _merge_model(name: str, entry: dict[str, Any], backends: dict[str, Any]) -> dict[str, Any]:
    kind = entry.get("backend")
    merged = dict(backends.get(kind, {}) if isinstance(kind, str) else {})
    merged.update(entry)
    merged["name"] = name
    return merged


def parse_settings(raw: dict[str, Any], source: str = "") -> Settings:
    """Validate a config mapping; errors name the offending key."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source or 'config'} is not a mapping.")
    backends = raw.get("backends") or {}
    models = {
        str(name): _merge_model(str(name), dict(entry or {}), backends)
        for name, entry in (raw.get("models") or {}).items()
    }
    try:
        settings = Settings.model_validate(
            {
                "default_model": raw.get("default_model", ""),
                "models": models,
                "planner": raw.get("planner") or {},
                "limits": raw.get("limits") or {},
                "engine": raw.get("engine") or {},
                "source": source,
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{source or 'config'}: {where}: {first['msg']}.") from None
    if settings.default_model not in settings.models:
        raise ConfigError(f"{source}: default_model {settings.default_model!r} is not in models.")
    return settings


def config_path() -> Path:
    """AUTOVIZ_CONFIG if set, else the repository's (or the installed app's) config.yaml."""
    env = os.environ.get("AUTOVIZ_CONFIG")
    return Path(env).expanduser() if env else DEFAULT_CONFIG_PATH


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> Settings:
    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        raise ConfigError(f"Config file not found: {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:  # a folder, no permission, not text
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(f"Config file {path} cannot be read ({reason}).") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}".splitlines()[0]) from None
    return parse_settings(raw or {}, source=path)


def load_settings(path: str | Path | None = None) -> Settings:
    """Load and validate the configuration (cached until the file changes)."""
    p = Path(path).expanduser() if path else config_path()
    mtime = p.stat().st_mtime if p.exists() else 0.0
    return _load_cached(str(p), mtime)
