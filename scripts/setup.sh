#!/usr/bin/env bash
# Create .venv and install AutoViz; fast (a few seconds) when nothing changed.
#   scripts/setup.sh app    runtime dependencies (enough for `streamlit run app.py`)
#   scripts/setup.sh test   + test tools, OS packages for browser tests, the llama-server binary
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-app}"
PY="${PYTHON:-python3}"
VENV=.venv

need_python() {
  "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "AutoViz needs Python >= 3.11 (found: $("$PY" --version 2>&1))." >&2; exit 1; }
}

# Reinstall only when the requirement files changed since the last successful install.
stamp_ok() { [ -f "$VENV/.stamp-$1" ] && [ "$(cat "$VENV/.stamp-$1")" = "$(cat "${@:2}" | sha256sum)" ]; }
write_stamp() { cat "${@:2}" | sha256sum > "$VENV/.stamp-$1"; }

install_python_deps() {
  [ -x "$VENV/bin/python" ] || { need_python; "$PY" -m venv "$VENV"; }
  if ! stamp_ok runtime requirements.txt; then
    echo "==> installing runtime dependencies (first time: ~4 minutes, llama.cpp is compiled)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # llama-cpp-python is source-only: build it without -march=native (the native build crashes
    # on these CPUs), and never reuse a cached wheel that may have been built natively.
    CMAKE_ARGS="-DGGML_NATIVE=OFF" "$VENV/bin/python" -m pip install --quiet --no-cache-dir \
      "$(grep '^llama-cpp-python==' requirements.txt)"
    "$VENV/bin/python" -m pip install --quiet -r requirements.txt
    write_stamp runtime requirements.txt
  fi
}

install_test_deps() {
  if ! stamp_ok dev requirements.txt requirements-dev.txt; then
    echo "==> installing test tools"
    "$VENV/bin/python" -m pip install --quiet -r requirements-dev.txt
    write_stamp dev requirements.txt requirements-dev.txt
  fi
  install_os_packages
  echo "==> llama-server (OpenAI-compatible stand-in for vLLM)"
  PIP="$VENV/bin/python -m pip" bash scripts/build_llama_server.sh
}

install_os_packages() {
  # Debian's Chromium drives the real-browser tests; cmake and g++ build llama-server.
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v g++ >/dev/null || missing+=(g++)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing OS packages: ${missing[*]}"
  local SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_deps
[ "$MODE" = "test" ] && install_test_deps
echo "==> setup ($MODE) done"
