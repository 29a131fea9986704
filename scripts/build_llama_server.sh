#!/usr/bin/env bash
# llama.cpp's C++ llama-server (the OpenAI-compatible stand-in for vLLM), cached outside the
# repo and built in the same CMake tree as the llama-cpp-python wheel (scripts/build_llama.sh);
# a no-op when already built.
#
#   scripts/build_llama_server.sh            # prints the server's path on the last line
#
# Env: AUTOVIZ_LLAMA_SERVER (use this binary instead; printed if executable), and those of
#      scripts/build_llama.sh (AUTOVIZ_CACHE, PYTHON, LLAMA_CPP_SDIST, JOBS).
set -euo pipefail

if [ -n "${AUTOVIZ_LLAMA_SERVER:-}" ]; then
    [ -x "$AUTOVIZ_LLAMA_SERVER" ] || { echo "error: AUTOVIZ_LLAMA_SERVER=$AUTOVIZ_LLAMA_SERVER is not executable" >&2; exit 1; }
    echo "$AUTOVIZ_LLAMA_SERVER"
    exit 0
fi
exec bash "$(dirname "${BASH_SOURCE[0]}")/build_llama.sh" server
