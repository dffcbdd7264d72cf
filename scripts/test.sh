#!/usr/bin/env bash
# Runs the test suite under a virtual X display, which gpu.js's headless WebGL needs. Without
# xvfb-run the headless-GL tests fail with a message saying so (they never pass silently).
set -uo pipefail
cd "$(dirname "$0")/.."
if command -v xvfb-run >/dev/null 2>&1 && [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x1024x24" npx vitest run "$@"
fi
exec npx vitest run "$@"
