"""A Q8_0 copy of a GGUF for the in-process llama.cpp backend, made once and cached.

The embedded SmolLM2 ships as Q4_1. llama.cpp multiplies Q4_1 matrices with its generic dot
products, but has blocked kernels (llamafile's sgemm) for Q8_0: on this machine's two AVX2 cores
a Q8_0 copy evaluates a prompt ~1.4x faster, and a question's plan is mostly prompt
evaluation. Q8_0 keeps every Q4_1 weight to within 0.45% of its block's largest weight (half a
Q8_0 step, plus the fp16 rounding of the block's scale), while Q4_1's own levels are 1/15 of the
block's range apart: the same model, though a 135M model's near-tie decisions can flip (its
adaptations on the dev questions are compared in bench/README.md).

The copy is made in a child process (llama.cpp logs every tensor, and a crash stays in the
child), written under a private temporary name and renamed into place, like the gpt4all copy.

  python -m autoviz_core.llm.requantize SRC DST      # what the parent runs
"""

from __future__ import annotations

import sys
from pathlib import Path

from autoviz_core.errors import ModelUnavailableError
from autoviz_core.llm.embedded import cache_dir, cached_copy, check_gguf, run_preparer

TARGET = "Q8_0"
# GGUF files name their quantization in the stem ("...-Instruct.Q4_1"); the copy swaps it.
KNOWN_SUFFIXES = (".Q4_0", ".Q4_1", ".Q5_0", ".Q5_1", ".Q8_0", ".F16", ".BF16", ".F32")


def q8_copy_path(src: Path) -> Path:
    """Where the Q8_0 copy of `src` is cached (the source's name with its type swapped)."""
    stem = src.stem
    for suffix in KNOWN_SUFFIXES:
        if stem.upper().endswith(suffix.upper()):
            stem = stem[: -len(suffix)]
            break
    return cache_dir() / f"{stem}.{TARGET}.gguf"


def q8_copy(src: Path) -> Path:
    """The cached Q8_0 copy of `src`, made on first use (~1.5 s for the 135M model)."""
    src = check_gguf(src)
    target = q8_copy_path(src)
    try:
        return cached_copy(target, lambda partial: _quantize_in_child(src, partial))
    except OSError as exc:  # a cache folder that cannot be written, a full disk
        raise ModelUnavailableError(
            f"Could not write a Q8_0 copy of {src.name} to {target.parent}: {exc.strerror or exc}",
            "Make that folder writable, set AUTOVIZ_CACHE to one that is, or set "
            "`requantize: none` for this model in config.yaml.",
        ) from None


def _quantize_in_child(src: Path, out: Path) -> None:
    failure = run_preparer(["autoviz_core.llm.requantize", str(src), str(out)], out)
    if failure:
        raise ModelUnavailableError(
            f"Could not prepare a Q8_0 copy of {src.name}: {failure[:200]}",
            "Set `requantize: none` for this model in config.yaml to load the file as it is.",
        )


def quantize(src: str, dst: str) -> int:
    """llama.cpp's own quantizer, Q8_0, one thread (the same bytes on every run)."""
    import ctypes

    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    # Fields of the C struct llama.cpp reads (set by name: no Python code reads them back).
    settings = {"ftype": llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0, "allow_requantize": True, "nthread": 1}
    for field_name, value in settings.items():
        setattr(params, field_name, value)
    return int(llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params)))


if __name__ == "__main__":
    sys.exit(quantize(sys.argv[1], sys.argv[2]))
