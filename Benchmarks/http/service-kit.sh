#!/usr/bin/env bash
# Measures what the service kit costs: `wrk -t2 -c64` on GET /health/live of a release-built
# user-service beside a bare Hummingbird route, alternating in one run, plus exec→ready time and
# idle RSS. Needs wrk (apt-get install wrk). Usage: Benchmarks/http/service-kit.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

swift build -c release --product flotilla >/dev/null
(cd Benchmarks && swift build -c release --product BareHummingbird >/dev/null)
flotilla=$(swift build -c release --show-bin-path)/flotilla
bare=$(cd Benchmarks && swift build -c release --show-bin-path)/BareHummingbird

python3 Benchmarks/http/startup.py "$flotilla" 5

data=$(mktemp -d)
LOG_LEVEL=warning "$flotilla" serve user-service --port 18101 --data-dir "$data" >/dev/null 2>&1 &
kit_pid=$!
"$bare" 18102 >/dev/null 2>&1 &
bare_pid=$!
trap 'kill $kit_pid $bare_pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf localhost:18101/health/ready >/dev/null && curl -sf localhost:18102/health/live >/dev/null; do sleep 0.1; done

measure() { # name url -> "req/s p99"
    wrk -t2 -c64 -d"${duration}s" --latency "$2" | awk -v name="$1" '
        /Requests\/sec/ {rps=$2} / 99%/ {p99=$2}
        END {printf "%-22s %10s req/s  p99 %s\n", name, rps, p99}'
}
wrk -t2 -c64 -d2s http://127.0.0.1:18101/health/live >/dev/null   # warm up both
wrk -t2 -c64 -d2s http://127.0.0.1:18102/health/live >/dev/null
for round in 1 2; do
    measure "bare hummingbird #$round" http://127.0.0.1:18102/health/live
    measure "service kit #$round" http://127.0.0.1:18101/health/live
done | tee /tmp/flotilla-kit-bench.txt
awk '/bare/ {b+=$4} /kit/ {k+=$4} END {printf "kit / bare throughput: %.2f\n", k/b}' /tmp/flotilla-kit-bench.txt
echo "service kit RSS after load: $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$kit_pid/status)"
