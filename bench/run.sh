#!/usr/bin/env bash
# `npm run bench`: under a virtual X display when xvfb-run is installed, so gpu.js's headless WebGL
# backend can be timed too (without one it is reported as skipped, with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v xvfb-run >/dev/null 2>&1 && [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x1024x24" node --import tsx bench/main.ts "$@"
fi
exec node --import tsx bench/main.ts "$@"
