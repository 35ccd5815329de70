#!/usr/bin/env bash
# Registry figures with 10,000 instances across 100 services (release build).
#   Benchmarks/registry/run.sh            # builds `flotilla` in release, starts a registry on a free port, runs bench.py
# Needs python3; uses wrk (Debian: apt-get install -y wrk) for the latency run when installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product flotilla >&2
BIN="$(swift build -c release --show-bin-path)/flotilla"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DATA="$(mktemp -d)"
LOG_LEVEL=warning "$BIN" registry --port "$PORT" --data-dir "$DATA" > "$DATA/registry.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
python3 Benchmarks/registry/bench.py "$PORT" "$PID"
