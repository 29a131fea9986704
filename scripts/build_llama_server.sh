#!/usr/bin/env bash
# Build llama.cpp's C++ llama-server (the OpenAI-compatible stand-in for vLLM) from the
# llama-cpp-python source package, cached outside the repo; a no-op when already built.
#
#   scripts/build_llama_server.sh            # prints the binary's path on the last line
#
# Env: AUTOVIZ_LLAMA_SERVER (use this binary instead; printed if executable),
#      AUTOVIZ_CACHE (default ~/.cache/autoviz), PYTHON (default .venv/bin/python),
#      LLAMA_CPP_SDIST (an already downloaded llama-cpp-python-0.3.36.tar.gz, optional),
#      JOBS (parallel compile jobs, default 2).
set -euo pipefail

VERSION="0.3.36"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${AUTOVIZ_CACHE:-$HOME/.cache/autoviz}"
OUT_DIR="$CACHE/llama-server-$VERSION"
BINARY="$OUT_DIR/llama-server"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"

if [ -n "${AUTOVIZ_LLAMA_SERVER:-}" ]; then
    [ -x "$AUTOVIZ_LLAMA_SERVER" ] || { echo "error: AUTOVIZ_LLAMA_SERVER=$AUTOVIZ_LLAMA_SERVER is not executable" >&2; exit 1; }
    echo "$AUTOVIZ_LLAMA_SERVER"
    exit 0
fi

if [ -x "$BINARY" ] && "$BINARY" --version >/dev/null 2>&1; then
    echo "$BINARY"
    exit 0
fi

for tool in cmake g++ tar; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required to build llama-server" >&2; exit 1; }
done

mkdir -p "$OUT_DIR"
WORK="$(mktemp -d "$CACHE/llama-server-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

SDIST="${LLAMA_CPP_SDIST:-}"
if [ -z "$SDIST" ]; then
    echo "downloading llama-cpp-python==$VERSION sdist ..." >&2
    "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: \
        "llama-cpp-python==$VERSION" -d "$WORK/dl" >&2
    SDIST="$(find "$WORK/dl" -maxdepth 1 -name 'llama*cpp*python-*.tar.gz' | head -n1)"
fi
tar -xzf "$SDIST" -C "$WORK"
SRC="$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'llama*cpp*python-*' | head -n1)"
[ -d "$SRC/vendor/llama.cpp" ] || { echo "error: no vendor/llama.cpp in $SDIST" >&2; exit 1; }

# GGML_NATIVE=OFF: the native build segfaults in decode on these Xeons (AMX).
# BUILD_SHARED_LIBS=OFF: one self-contained binary, no libllama.so/libggml*.so to carry along.
echo "building llama-server (about 5 minutes on 2 cores) ..." >&2
cmake -S "$SRC/vendor/llama.cpp" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_SERVER=ON \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF >&2
cmake --build "$WORK/build" --target llama-server -j"${JOBS:-2}" >&2

# Copy then rename, so a concurrent caller never sees a half-written binary.
cp "$WORK/build/bin/llama-server" "$BINARY.tmp.$$"
mv -f "$BINARY.tmp.$$" "$BINARY"
"$BINARY" --version >/dev/null 2>&1 || { echo "error: built $BINARY does not run" >&2; exit 1; }
echo "$BINARY"
