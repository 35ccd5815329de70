#!/usr/bin/env python3
"""Registry figures: 10,000 instances across 100 services, then
   - p99 latency of GET /v1/health/service/{name}?passing (wrk when installed, else this driver),
   - wake-up delay of a blocking query after a change,
   - the registry's RSS.
Usage: bench.py PORT PID"""
import http.client, json, statistics, subprocess, shutil, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

PORT, PID = int(sys.argv[1]), int(sys.argv[2])
SERVICES, PER_SERVICE = 100, 100
local = threading.local()

def conn():
    if not hasattr(local, "c"):
        local.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    return local.c

def request(method, path, body=None):
    c = conn()
    c.request(method, path, body=body)
    r = c.getresponse()
    data = r.read()
    return r.status, r.getheader("X-Consul-Index"), data

def rss_mib():
    for line in open(f"/proc/{PID}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

def register(i):
    s, n = divmod(i, PER_SERVICE)
    body = json.dumps({"Name": f"svc-{s}", "ID": f"svc-{s}-{n}", "Address": f"10.{s}.{n // 256}.{n % 256}", "Port": 8000 + n,
                       "Tags": ["bench", f"n{n % 4}"], "Meta": {"version": "1"},
                       "Check": {"CheckID": f"svc-{s}-{n}-ttl", "TTL": "10m", "Status": "passing"}})
    status, _, data = request("PUT", "/v1/agent/service/register", body)
    assert status == 200, (status, data)

print(f"registry RSS at start: {rss_mib():.1f} MiB")
start = time.time()
with ThreadPoolExecutor(16) as pool:
    list(pool.map(register, range(SERVICES * PER_SERVICE)))
print(f"registered {SERVICES * PER_SERVICE} instances across {SERVICES} services in {time.time() - start:.1f} s")
status, _, data = request("GET", "/v1/health/service/svc-42?passing")
assert status == 200 and len(json.loads(data)) == PER_SERVICE
print(f"one ?passing answer: {PER_SERVICE} entries, {len(data)} bytes")
print(f"registry RSS after registering: {rss_mib():.1f} MiB")

# p99 of the ?passing read.
path = "/v1/health/service/svc-42?passing"
if shutil.which("wrk"):
    for threads, connections in [(1, 1), (2, 16)]:
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", "-d10s", "--latency", f"http://127.0.0.1:{PORT}{path}"],
                             capture_output=True, text=True).stdout
        lines = [l.strip() for l in out.splitlines() if l.strip().startswith(("50%", "90%", "99%", "Requests/sec", "Latency"))]
        print(f"wrk -t{threads} -c{connections} -d10s {path}: " + " | ".join(lines))
samples = []
for _ in range(3000):
    t0 = time.perf_counter()
    request("GET", path)
    samples.append((time.perf_counter() - t0) * 1000)
samples.sort()
print(f"python driver, 1 connection, 3000 requests: p50 {samples[1500]:.2f} ms, p99 {samples[2970]:.2f} ms, max {samples[-1]:.2f} ms")

# Wake-up delay of a blocking query after a change.
delays = []
for i in range(50):
    _, index, _ = request("GET", "/v1/health/service/svc-7?passing")
    woke = {}
    def blocked():
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        c.request("GET", f"/v1/health/service/svc-7?passing&index={index}&wait=10s")
        c.getresponse().read()
        woke["t"] = time.perf_counter()
    t = threading.Thread(target=blocked)
    t.start()
    time.sleep(0.05)
    changed = time.perf_counter()
    # Alternate warn and pass on the same check, so every PUT changes the ?passing answer.
    status, _, _ = request("PUT", f"/v1/agent/check/{'warn' if i % 2 == 0 else 'pass'}/svc-7-{i // 2}-ttl")
    assert status == 200
    t.join()
    delays.append((woke["t"] - changed) * 1000)
delays.sort()
print(f"blocking-query wake-up after a change (50 runs, measured from the PUT being sent): "
      f"median {statistics.median(delays):.2f} ms, p99 {delays[-1]:.2f} ms (max)")
print(f"registry RSS at the end: {rss_mib():.1f} MiB")
