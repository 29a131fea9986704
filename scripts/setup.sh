#!/usr/bin/env bash
# Create .venv and install AutoViz; fast (a few seconds) when nothing changed.
#   scripts/setup.sh app    runtime dependencies (enough for `streamlit run app.py`)
#   scripts/setup.sh test   + test tools, OS packages for browser and database tests, llama-server
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
    echo "==> downloading runtime dependencies (first time: a few minutes, llama.cpp is compiled meanwhile)"
    # llama-cpp-python is source-only (and other packages depend on it, so pip would compile
    # it with default flags): scripts/build_llama.sh compiles it once, non-native and with
    # only what the package loads, into a wheel cached under ~/.cache/autoviz. While it
    # compiles, pip downloads everything else; then everything installs from those files.
    local tmp; tmp="$(mktemp -d)"
    PYTHON="$PY" bash scripts/build_llama.sh wheel >"$tmp/wheel" 2>"$tmp/build.log" &
    local builder=$!
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip download --quiet -d "$tmp/dl" -r requirements.txt
    echo "==> waiting for the llama.cpp compile (scripts/build_llama.sh wheel)"
    if ! wait "$builder"; then
      tail -n 30 "$tmp/build.log" >&2; echo "error: building llama-cpp-python failed" >&2; exit 1
    fi
    echo "==> installing runtime dependencies"
    local wheel; wheel="$(tail -n 1 "$tmp/wheel")"
    # our wheel is the only llama-cpp-python wheel offered: pip prefers it to the sdist
    "$VENV/bin/python" -m pip install --quiet --no-index --find-links "$(dirname "$wheel")" \
      --find-links "$tmp/dl" -r requirements.txt
    "$VENV/bin/python" -c 'import llama_cpp' || { echo "error: llama_cpp does not import" >&2; exit 1; }
    rm -rf "$tmp"
    write_stamp runtime requirements.txt
  fi
}

install_test_deps() {
  # llama-server (the OpenAI-compatible stand-in for vLLM) compiles in the wheel's tree while
  # pip installs the test tools.
  local log; log="$(mktemp)"
  PYTHON="$PY" bash scripts/build_llama_server.sh >"$log" 2>&1 &
  local builder=$!
  if ! stamp_ok dev requirements.txt requirements-dev.txt; then
    echo "==> installing test tools"
    "$VENV/bin/python" -m pip install --quiet -r requirements-dev.txt
    write_stamp dev requirements.txt requirements-dev.txt
  fi
  echo "==> waiting for llama-server (scripts/build_llama_server.sh)"
  if ! wait "$builder"; then
    tail -n 30 "$log" >&2; echo "error: building llama-server failed" >&2; exit 1
  fi
  tail -n 1 "$log"
  rm -f "$log"
}

install_os_packages() {
  # g++ compiles llama.cpp (cmake and ninja come from PyPI, see build_llama.sh);
  # Debian's Chromium drives the real-browser tests.
  local missing=()
  command -v g++ >/dev/null || missing+=(g++)
  [ "$MODE" = "test" ] && { [ -x /usr/bin/chromium ] || missing+=(chromium); }
  # a real PostgreSQL server for the database tests (tests/database starts it with initdb +
  # pg_ctl on a loopback port; as root it runs as the package's `postgres` user via runuser)
  [ "$MODE" = "test" ] && { compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null \
    || missing+=(postgresql); }
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing OS packages: ${missing[*]}"
  local SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_os_packages
install_python_deps
[ "$MODE" = "test" ] && install_test_deps
echo "==> setup ($MODE) done"
