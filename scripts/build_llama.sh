#!/usr/bin/env bash
# Build llama.cpp once for both of its uses, cached under the project's cache folder:
#
#   scripts/build_llama.sh wheel     # the llama-cpp-python wheel; prints its path last
#   scripts/build_llama.sh server    # llama-server (vLLM stand-in); prints its path last
#
# Both come from ONE CMake tree of the llama-cpp-python source package: `wheel` compiles only
# what the Python package loads (ggml, libllama; no multimodal library, no common library, no
# tools, examples or tests), and `server` later adds the common library, mtmd and the server
# to the same tree, reusing every ggml/llama object already compiled. The server links the
# same shared libraries the wheel ships; they are copied next to it.
#
# Cache layout ($AUTOVIZ_CACHE, default ~/.cache/autoviz), keyed by version + build flags:
#   llama-<version>-<key>/src     unpacked sdist      build/   the CMake tree (ninja)
#   llama-<version>-<key>/wheel   the built wheel     server/  bin/llama-server + lib/*.so
#   build-tools/                  venv with scikit-build-core, cmake, ninja (pinned)
#
# Env: AUTOVIZ_CACHE, PYTHON (default python3), LLAMA_CPP_SDIST (a downloaded sdist, optional),
#      JOBS (parallel compile jobs, default: the number of cores).
set -euo pipefail

VERSION="0.3.36"
TOOLS=("scikit-build-core==0.11.5" "cmake==3.31.6" "ninja==1.11.1.4")
# GGML_NATIVE=OFF: the native build segfaults in decode on these Xeons (AMX).
# LLAVA_BUILD=OFF: no multimodal library (AutoViz sends text only).
# LLAMA_BUILD_COMMON=OFF: the Python package never loads it (the server step turns it on).
# LLAMA_OPENSSL=OFF, LLAMA_USE_PREBUILT_UI=OFF: no HTTPS and no web UI download at build time.
WHEEL_FLAGS=(-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF -DLLAMA_BUILD_COMMON=OFF
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF
    -DLLAMA_BUILD_SERVER=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_USE_PREBUILT_UI=OFF)
SERVER_FLAGS=(-DLLAMA_BUILD_COMMON=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON)

WHAT="${1:-}"
case "$WHAT" in wheel|server) ;; *) echo "usage: $0 wheel|server" >&2; exit 2 ;; esac

CACHE="${AUTOVIZ_CACHE:-$HOME/.cache/autoviz}"
PY="${PYTHON:-python3}"
KEY="$(printf '%s\n' "$VERSION" "${WHEEL_FLAGS[*]}" "${TOOLS[*]}" | sha256sum | cut -c1-12)"
ROOT="$CACHE/llama-$VERSION-$KEY"
SRC="$ROOT/src" BUILD="$ROOT/build" WHEELS="$ROOT/wheel" SERVER="$ROOT/server"
TOOLS_VENV="$CACHE/build-tools"
export CMAKE_BUILD_PARALLEL_LEVEL="${JOBS:-$(nproc)}"

log() { echo "[build_llama $WHAT] $*" >&2; }
find_wheel() { find "$WHEELS" -maxdepth 1 -name 'llama_cpp_python-*.whl' 2>/dev/null | head -n1; }
server_ok() { [ -x "$SERVER/llama-server" ] && "$SERVER/llama-server" --version >/dev/null 2>&1; }
LEGACY="$CACHE/llama-server-$VERSION/llama-server"  # built by the earlier standalone script

# Finished outputs are moved into place whole, so they can be used without the lock.
cached() {
    if [ "$WHAT" = wheel ] && [ -n "$(find_wheel)" ]; then find_wheel; return 0; fi
    if [ "$WHAT" = server ] && server_ok; then echo "$SERVER/llama-server"; return 0; fi
    if [ "$WHAT" = server ] && [ -x "$LEGACY" ] && "$LEGACY" --version >/dev/null 2>&1; then
        echo "$LEGACY"; return 0  # same version, non-native: reused as is
    fi
    return 1
}
cached && exit 0
mkdir -p "$ROOT"
# One build at a time per cache (parallel setups of several clones wait for the first).
exec 9>"$ROOT.lock"
flock 9
cached && exit 0

command -v g++ >/dev/null || { echo "error: g++ is required to build llama.cpp" >&2; exit 1; }

ensure_tools() {
    local stamp="$TOOLS_VENV/.stamp"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${TOOLS[*]}" ]; then return 0; fi
    log "build tools: ${TOOLS[*]}"
    "$PY" -m venv "$TOOLS_VENV"
    "$TOOLS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${TOOLS[@]}" >&2
    echo "${TOOLS[*]}" > "$stamp"
}

ensure_source() {
    [ -f "$SRC/CMakeLists.txt" ] && return 0
    local sdist="${LLAMA_CPP_SDIST:-}" tmp
    tmp="$(mktemp -d "$ROOT/dl.XXXXXX")"
    if [ -z "$sdist" ]; then
        log "downloading the llama-cpp-python==$VERSION source package"
        # --no-build-isolation: pip reads the sdist's metadata with the build tools above. With
        # isolation, --no-binary :all: also applies to the build backend's own dependencies, and
        # pip compiled those from source first (about 5 minutes of a fresh `make app`).
        "$TOOLS_VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
            --no-build-isolation --no-binary :all: "llama-cpp-python==$VERSION" -d "$tmp" >&2
        sdist="$(find "$tmp" -maxdepth 1 -name 'llama*cpp*python-*.tar.gz' | head -n1)"
    fi
    tar -xzf "$sdist" -C "$tmp"
    local top
    top="$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'llama*cpp*python-*' | head -n1)"
    [ -d "$top/vendor/llama.cpp" ] || { echo "error: no vendor/llama.cpp in $sdist" >&2; exit 1; }
    # The package forces the common library on; let the flags above decide (the server step
    # turns it on in the same tree). Nothing else in the source is changed.
    sed -i 's/set(LLAMA_BUILD_COMMON ON CACHE BOOL "Build llama.cpp common library" FORCE)/set(LLAMA_BUILD_COMMON ON CACHE BOOL "Build llama.cpp common library")/' \
        "$top/CMakeLists.txt"
    rm -rf "$SRC"
    mv "$top" "$SRC"
    rm -rf "$tmp"
}

build_wheel() {
    log "compiling llama-cpp-python $VERSION (ggml + libllama only; ~3 minutes on 2 free cores)"
    rm -rf "$WHEELS.tmp"
    PATH="$TOOLS_VENV/bin:$PATH" CMAKE_ARGS="${WHEEL_FLAGS[*]}" \
        "$TOOLS_VENV/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
        --no-build-isolation --config-settings=build-dir="$BUILD" \
        --config-settings=cmake.build-type=Release -w "$WHEELS.tmp" "$SRC" >&2
    rm -rf "$WHEELS"
    mv "$WHEELS.tmp" "$WHEELS"
}

build_server() {
    log "compiling llama-server in the wheel's tree (adds common, mtmd, server; ~3 minutes)"
    local cmake="$TOOLS_VENV/bin/cmake"
    # Reconfigure the wheel's tree with the server on: ggml and libllama are already built.
    "$cmake" -S "$SRC" -B "$BUILD" "${SERVER_FLAGS[@]}" >/dev/null
    "$cmake" --build "$BUILD" --target llama-server >&2
    local bin
    bin="$(find "$BUILD" -type f -name llama-server -perm -u+x | head -n1)"
    [ -n "$bin" ] || { echo "error: llama-server was not built" >&2; exit 1; }
    # Self-contained copy: the binary, the shared libraries it resolves inside the tree, and a
    # launcher that points the loader at them (exec keeps the launcher's process id).
    rm -rf "$SERVER.tmp" && mkdir -p "$SERVER.tmp/bin" "$SERVER.tmp/lib"
    cp "$bin" "$SERVER.tmp/bin/llama-server"
    ldd "$bin" | awk -v b="$BUILD" 'index($3, b) == 1 {print $3}' | while read -r lib; do
        cp -L "$lib" "$SERVER.tmp/lib/$(basename "$lib")"
    done
    cat > "$SERVER.tmp/llama-server" <<'LAUNCH'
#!/bin/sh
here="$(cd "$(dirname "$0")" && pwd)"
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/bin/llama-server" "$@"
LAUNCH
    chmod +x "$SERVER.tmp/llama-server"
    rm -rf "$SERVER"
    mv "$SERVER.tmp" "$SERVER"
    server_ok || { echo "error: the built llama-server does not run" >&2; exit 1; }
}

ensure_tools
ensure_source
[ -n "$(find_wheel)" ] || build_wheel
if [ "$WHAT" = wheel ]; then find_wheel; exit 0; fi
build_server
echo "$SERVER/llama-server"
