#!/usr/bin/env bash
# Orders per second through the whole order system: user, inventory, payment, shipping and
# order-service as separate release-built processes with SQLite, driven by wrk with
# `POST /orders` + `Prefer: wait=5` (each request waits for its saga to end), a unique
# Idempotency-Key per request. Prints throughput, latency percentiles, confirmed/cancelled counts
# and each service's RSS idle and after the load.
# Needs wrk (apt-get install wrk). Usage: Benchmarks/orders/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15}
connections=${2:-64}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

swift build -c release --product flotilla >/dev/null
flotilla=$(swift build -c release --show-bin-path)/flotilla
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

# A catalogue with stock enough for any run, so no order is cancelled for want of stock.
python3 - "$work/catalogue.json" <<'PY'
import json, sys
products = [{"sku": f"BENCH-{i:03}", "name": f"Bench product {i}", "description": "benchmark stock",
             "price": {"amount": 1000 + i, "currency": "EUR"}, "stock": 1_000_000_000} for i in range(20)]
json.dump({"products": products}, open(sys.argv[1], "w"))
PY

start() { # name port [VAR=value...]
    local name=$1 port=$2; shift 2
    mkdir -p "$work/$name"
    env LOG_LEVEL=warning "$@" "$flotilla" serve "$name" --port "$port" --data-dir "$work/$name" \
        >"$work/$name.log" 2>&1 &
    pids+=($!)
    echo "$name $!" >>"$work/pids"
}
start user-service 19101 BCRYPT_COST=4
start inventory-service 19102 CATALOGUE_FILE="$work/catalogue.json"
start payment-service 19103
start shipping-service 19104
start order-service 19105 DISCOVERY_MODE=static \
    USER_SERVICE_URLS=http://127.0.0.1:19101 INVENTORY_SERVICE_URLS=http://127.0.0.1:19102 \
    PAYMENT_SERVICE_URLS=http://127.0.0.1:19103 SHIPPING_SERVICE_URLS=http://127.0.0.1:19104
for port in 19101 19102 19103 19104 19105; do
    until curl -sf "localhost:$port/health/ready" >/dev/null; do sleep 0.1; done
done

rss() { # pid -> MiB
    awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"
}
declare -A idle
while read -r name pid; do idle[$name]=$(rss "$pid"); done <"$work/pids"

curl -sf localhost:19101/users -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"correct horse","name":"Bench"}' >/dev/null
token=$(curl -sf localhost:19101/users/login -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"correct horse"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

export TOKEN=$token
wrk -t2 -c8 -d3s -s Benchmarks/orders/orders.lua http://127.0.0.1:19105/orders >/dev/null   # warm up
wrk -t2 -c"$connections" -d"${duration}s" --latency -s Benchmarks/orders/orders.lua http://127.0.0.1:19105/orders \
    | tee "$work/wrk.txt"

echo
echo "orders/s: $(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")  (wrk -t2 -c$connections -d${duration}s, Prefer: wait=5)"
printf "%-20s %10s %14s\n" service "idle RSS" "RSS after load"
while read -r name pid; do printf "%-20s %7s MiB %11s MiB\n" "$name" "${idle[$name]}" "$(rss "$pid")"; done <"$work/pids"
