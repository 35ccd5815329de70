#!/usr/bin/env bash
# Gateway benchmark: nginx (proxy_pass with upstream keepalive) vs `flotilla gateway` (its default epoll data
# plane; also `--data-plane nio`, and a route with jwt + rate-limiting), same upstream (nginx answering
# `return 200` on loopback), same run, alternating: wrk -t2 -c64 -d15s --latency. Also reports each
# proxy's user and system CPU per request (from /proc/PID/stat around each wrk run), a figure much steadier than
# req/s on a shared machine, and its context switches per request (/proc/PID/task/*/status).
#
#   Benchmarks/gateway/run.sh [rounds]        (default 2 rounds; needs a release build:
#                                              swift build -c release --product flotilla)
# Environment: DURATION (15s), CONNECTIONS (64), THREADS (wrk's, 2), GATEWAY_THREADS (the gateway's --threads;
# default one per core), FLOTILLA (path to the release binary), COMPARE (path to another build's binary: it runs as
# a second gateway, measured in the same rounds, and the summary gives its ratio to FLOTILLA's: an A/B of two builds
# on a noisy machine; COMPARE_THREADS: its --threads, one per core unless set), SKIP_NIO=1 (leaves out the NIO
# plane's runs).
set -euo pipefail

ROUNDS=${1:-2}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FLOTILLA=${FLOTILLA:-$ROOT/.build/release/flotilla}
UPSTREAM_PORT=${UPSTREAM_PORT:-18180}
NGINX_PORT=${NGINX_PORT:-18181}
GATEWAY_PORT=${GATEWAY_PORT:-18182}
ADMIN_PORT=${ADMIN_PORT:-18183}
NIO_PORT=${NIO_PORT:-18184}
NIO_ADMIN_PORT=${NIO_ADMIN_PORT:-18185}
COMPARE_PORT=${COMPARE_PORT:-18186}
COMPARE_ADMIN_PORT=${COMPARE_ADMIN_PORT:-18187}
COMPARE=${COMPARE:-}
SKIP_NIO=${SKIP_NIO:-}

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2"; apt-get install -y "$2" >/dev/null; }; }
need nginx nginx
need wrk wrk
[ -x "$FLOTILLA" ] || { echo "no release binary at $FLOTILLA (swift build -c release --product flotilla)"; exit 1; }
[ -z "$COMPARE" ] || [ -x "$COMPARE" ] || { echo "COMPARE: no binary at $COMPARE"; exit 1; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$WORK/upstream.pid" ] && kill "$(cat "$WORK/upstream.pid")" 2>/dev/null || true
    [ -f "$WORK/proxy.pid" ] && kill "$(cat "$WORK/proxy.pid")" 2>/dev/null || true
    sleep 0.5
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/logs"
cat >"$WORK/upstream.conf" <<CONF
worker_processes auto;
pid $WORK/upstream.pid;
error_log $WORK/logs/upstream-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT reuseport;
        keepalive_requests 1000000;
        location / { return 200 'ok'; }
    }
}
CONF
cat >"$WORK/proxy.conf" <<CONF
worker_processes auto;
pid $WORK/proxy.pid;
error_log $WORK/logs/proxy-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    upstream backend {
        server 127.0.0.1:$UPSTREAM_PORT;
        keepalive 128;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT reuseport;
        keepalive_requests 1000000;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
CONF
cat >"$WORK/gateway.yaml" <<CONF
_format_version: "3.0"
services:
  - name: backend
    url: http://127.0.0.1:$UPSTREAM_PORT
    routes:
      - name: all
        paths: [/]
      - name: with-plugins
        paths: [/plugins]
        strip_path: true
        plugins:
          - name: jwt
            config: {claims_to_verify: [exp]}
          - name: rate-limiting
            config: {second: 100000000}
consumers:
  - username: bench
    jwt_secrets:
      - {key: bench-issuer, secret: bench-secret-of-at-least-32-bytes!!, algorithm: HS256}
CONF
TOKEN=$(python3 -c 'import jwt, time; print(jwt.encode({"iss": "bench-issuer", "exp": int(time.time()) + 3600}, "bench-secret-of-at-least-32-bytes!!", algorithm="HS256"))')

nginx -p "$WORK" -c "$WORK/upstream.conf"
nginx -p "$WORK" -c "$WORK/proxy.conf"
# Each gateway runs in a session of its own (setsid), as nginx does once it daemonizes: with the kernel's autogroup
# scheduling (/proc/sys/kernel/sched_autogroup_enabled) CPU time is shared between sessions first, so a gateway
# left in this script's session would share one slice with wrk while nginx has a slice of its own.
setsid "$FLOTILLA" gateway --config "$WORK/gateway.yaml" --port "$GATEWAY_PORT" --admin-port "$ADMIN_PORT" --host 127.0.0.1 \
    ${GATEWAY_THREADS:+--threads "$GATEWAY_THREADS"} >"$WORK/logs/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
# The same gateway on the SwiftNIO data plane alone, for comparison.
setsid "$FLOTILLA" gateway --config "$WORK/gateway.yaml" --port "$NIO_PORT" --admin-port "$NIO_ADMIN_PORT" --host 127.0.0.1 \
    --data-plane nio ${GATEWAY_THREADS:+--threads "$GATEWAY_THREADS"} >"$WORK/logs/gateway-nio.log" 2>&1 &
NIO_PID=$!
PIDS+=("$NIO_PID")
if [ -n "$COMPARE" ]; then
    setsid "$COMPARE" gateway --config "$WORK/gateway.yaml" --port "$COMPARE_PORT" --admin-port "$COMPARE_ADMIN_PORT" \
        --host 127.0.0.1 ${COMPARE_THREADS:+--threads "$COMPARE_THREADS"} >"$WORK/logs/gateway-compare.log" 2>&1 &
    COMPARE_PID=$!
    PIDS+=("$COMPARE_PID")
fi
for _ in $(seq 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/" && curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break
    sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/" || { cat "$WORK/logs/gateway.log"; exit 1; }
if [ -n "$COMPARE" ]; then
    for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$COMPARE_PORT/" && break; sleep 0.2; done
    curl -sf -o /dev/null "http://127.0.0.1:$COMPARE_PORT/" || { cat "$WORK/logs/gateway-compare.log"; exit 1; }
fi

# Converts wrk's latency ("1.23ms", "850.00us", "1.02s") to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "%s", v } }'
}

# User and system CPU ticks of the given processes (from /proc/PID/stat), as "user sys".
cpu_ticks() {
    local user=0 sys=0 pid
    for pid in "$@"; do
        read -r u s < <(awk '{print $14, $15}' "/proc/$pid/stat")
        user=$((user + u)) sys=$((sys + s))
    done
    echo "$user $sys"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# Context switches (voluntary and not) of every thread of the given processes, from /proc/PID/task/*/status.
context_switches() {
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(cat /proc/"$pid"/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ {n += $2} END {print n}')))
    done
    echo "$total"
}

run_wrk() { # name "pids" port [path] [header]
    local out before after switches_before switches_after
    before=$(cpu_ticks $2)
    switches_before=$(context_switches $2)
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${5:+-H "$5"} "http://127.0.0.1:$3${4:-/}")
    after=$(cpu_ticks $2)
    switches_after=$(context_switches $2)
    local rps p50 p99 errors requests user_us sys_us switches
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
    p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    read -r user_us sys_us < <(awk -v b="$before" -v a="$after" -v n="$requests" -v t="$TICK_US" 'BEGIN {
        split(b, x, " "); split(a, y, " "); printf "%.1f %.1f", (y[1] - x[1]) * t / n, (y[2] - x[2]) * t / n }')
    switches=$(awk -v b="$switches_before" -v a="$switches_after" -v n="$requests" 'BEGIN { printf "%.3f", (a - b) / n }')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "$1 $rps $p50 $p99 $user_us $sys_us $switches ${errors:-none}"
}

echo "warming up (3s each)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "http://127.0.0.1:$NGINX_PORT/" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "http://127.0.0.1:$GATEWAY_PORT/" >/dev/null
[ -n "$SKIP_NIO" ] || wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "http://127.0.0.1:$NIO_PORT/" >/dev/null
[ -z "$COMPARE" ] || wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "http://127.0.0.1:$COMPARE_PORT/" >/dev/null

NGINX_WORKERS=$(pgrep -P "$(cat "$WORK/proxy.pid")" | tr '\n' ' ')
RESULTS=()
for round in $(seq "$ROUNDS"); do
    RESULTS+=("$round $(run_wrk nginx "$NGINX_WORKERS" "$NGINX_PORT")")
    RESULTS+=("$round $(run_wrk gateway "$GATEWAY_PID" "$GATEWAY_PORT")")
    [ -z "$COMPARE" ] || RESULTS+=("$round $(run_wrk compare "$COMPARE_PID" "$COMPARE_PORT")")
    [ -n "$SKIP_NIO" ] || RESULTS+=("$round $(run_wrk nio-only "$NIO_PID" "$NIO_PORT")")
    RESULTS+=("$round $(run_wrk +plugins "$GATEWAY_PID" "$GATEWAY_PORT" /plugins/ "Authorization: Bearer $TOKEN")")
    [ -z "$COMPARE" ] || RESULTS+=("$round $(run_wrk +plug-cmp "$COMPARE_PID" "$COMPARE_PORT" /plugins/ "Authorization: Bearer $TOKEN")")
    RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status")
    HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$GATEWAY_PID/status")
    RESULTS+=("$round rss $RSS_KB $HWM_KB")
done

echo
printf "%-6s %-8s %12s %10s %10s %12s %12s %10s  %s\n" round target "req/s" "p50 ms" "p99 ms" "user µs/req" "sys µs/req" "ctx sw/req" errors
for line in "${RESULTS[@]}"; do
    set -- $line
    if [ "$2" = rss ]; then
        printf "%-6s %-8s RSS %d MiB (peak %d MiB)\n" "$1" gateway $(($3 / 1024)) $(($4 / 1024))
    else
        round=$1; shift
        target=$1 rps=$2 p50=$3 p99=$4 user=$5 sys=$6 switches=$7; shift 7
        printf "%-6s %-8s %12s %10s %10s %12s %12s %10s  %s\n" "$round" "$target" "$rps" "$p50" "$p99" "$user" "$sys" "$switches" "$*"
    fi
done
echo
printf "%s\n" "${RESULTS[@]}" | awk '
    $2 == "nginx" { nr += $3; np50 += $4; np99 += $5; ncpu += $6 + $7; nsw += $8; n++ }
    $2 == "gateway" { gr += $3; gp50 += $4; gp99 += $5; gcpu += $6 + $7; gsw += $8; g++ }
    $2 == "+plugins" { pr += $3; pp99 += $5; p++ }
    $2 == "nio-only" { xr += $3; xp99 += $5; xcpu += $6 + $7; x++ }
    $2 == "compare" { cr += $3; cp99 += $5; ccpu += $6 + $7; c++ }
    $2 == "+plug-cmp" { qr += $3; qcpu += $6 + $7; q++ }
    $2 == "+plugins" { pcpu += $6 + $7 }
    END { if (n && g) printf "mean: nginx %.0f req/s p50 %.3f ms p99 %.3f ms | gateway %.0f req/s p50 %.3f ms p99 %.3f ms | throughput %.2fx, p99 %.2fx\n",
        nr/n, np50/n, np99/n, gr/g, gp50/g, gp99/g, (gr/g)/(nr/n), (gp99/g)/(np99/n)
          if (n && g) printf "CPU per request (user + sys): nginx %.1f µs, gateway %.1f µs | %.2fx\n", ncpu/n, gcpu/g, (gcpu/g)/(ncpu/n)
          if (n && g) printf "context switches per request: nginx %.3f, gateway %.3f\n", nsw/n, gsw/g
          if (n && x) printf "gateway on the NIO plane alone (--data-plane nio): %.0f req/s p99 %.3f ms, %.1f µs/req | %.2fx nginx\n", xr/x, xp99/x, xcpu/x, (xr/x)/(nr/n)
          if (n && p) printf "gateway with jwt + rate-limiting: %.0f req/s p99 %.3f ms | %.2fx nginx plain proxy\n", pr/p, pp99/p, (pr/p)/(nr/n)
          if (g && c) printf "COMPARE vs FLOTILLA, plain: %.0f vs %.0f req/s = %.3fx, CPU per request %.1f vs %.1f µs = %.3fx; %.2fx nginx\n", cr/c, gr/g, (cr/c)/(gr/g), ccpu/c, gcpu/g, (ccpu/c)/(gcpu/g), (cr/c)/(nr/n)
          if (p && q) printf "COMPARE vs FLOTILLA, jwt + rate-limiting: %.0f vs %.0f req/s = %.3fx, CPU per request %.1f vs %.1f µs = %.3fx; %.2fx nginx\n", qr/q, pr/p, (qr/q)/(pr/p), qcpu/q, pcpu/p, (qcpu/q)/(pcpu/p), (qr/q)/(nr/n) }'
