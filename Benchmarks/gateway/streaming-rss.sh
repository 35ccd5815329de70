#!/usr/bin/env bash
# Streaming memory: the gateway's RSS before and after 200 connections download a 4 MiB body (served by nginx from a
# file) through it for 8 s, and the transfer rate: wrk -t2 -c200 -d8s. Bodies are streamed, never held whole, so the
# RSS after should stay near the idle one.
#
#   Benchmarks/gateway/streaming-rss.sh [path/to/flotilla]     (default: the release build)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FLOTILLA=${1:-$ROOT/.build/release/flotilla}
UPSTREAM_PORT=${UPSTREAM_PORT:-18280}
GATEWAY_PORT=${GATEWAY_PORT:-18282}
ADMIN_PORT=${ADMIN_PORT:-18283}
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk (apt-get install nginx wrk)"; exit 1; }
[ -x "$FLOTILLA" ] || { echo "no release binary at $FLOTILLA (swift build -c release --product flotilla)"; exit 1; }

WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx's workers read the file as another user
GATEWAY_PID=
cleanup() {
    [ -z "$GATEWAY_PID" ] || kill "$GATEWAY_PID" 2>/dev/null || true
    [ -f "$WORK/upstream.pid" ] && kill "$(cat "$WORK/upstream.pid")" 2>/dev/null || true
    sleep 0.3
    rm -rf "$WORK"
}
trap cleanup EXIT

head -c 4194304 /dev/urandom >"$WORK/big.bin"
chmod 644 "$WORK/big.bin"
cat >"$WORK/upstream.conf" <<CONF
worker_processes 1;
pid $WORK/upstream.pid;
error_log $WORK/upstream-error.log;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$UPSTREAM_PORT; keepalive_requests 1000000; location / { root $WORK; } } }
CONF
nginx -p "$WORK" -c "$WORK/upstream.conf"
cat >"$WORK/gateway.yaml" <<CONF
_format_version: "3.0"
services:
  - name: files
    url: http://127.0.0.1:$UPSTREAM_PORT
    routes:
      - name: all
        paths: [/]
CONF
setsid "$FLOTILLA" gateway --config "$WORK/gateway.yaml" --port "$GATEWAY_PORT" --admin-port "$ADMIN_PORT" \
    --host 127.0.0.1 >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/big.bin" && break; sleep 0.2; done

echo "idle RSS $(awk '/VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status") KiB"
wrk -t2 -c200 -d8s "http://127.0.0.1:$GATEWAY_PORT/big.bin" | grep -E "Requests/sec|Transfer/sec|errors|Non-2xx"
echo "after: RSS $(awk '/VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status") KiB, peak $(awk '/VmHWM/ {print $2}' "/proc/$GATEWAY_PID/status") KiB"
