#!/usr/bin/env python3
"""Time from exec to GET /health/ready == 200, and idle RSS, for `flotilla serve user-service`.

usage: startup.py FLOTILLA_BINARY [RUNS]
Each run starts the service on a free port with a fresh data folder (so it creates its SQLite file,
runs migrations and generates its signing key: the first-start path), polls /health/ready every
millisecond, then reads VmRSS after two idle seconds and stops it with SIGTERM.
"""
import os, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=0.2) as r:
            return r.status == 200
    except Exception:
        return False


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_once(binary, restart=False):
    port = free_port()
    data = tempfile.mkdtemp(prefix="flotilla-startup-")
    env = dict(os.environ, LOG_LEVEL="warning")
    args = [binary, "serve", "user-service", "--port", str(port), "--data-dir", data]
    if restart:  # a second start on the same data: migrations done, key kept
        first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        while not ready(port):
            time.sleep(0.005)
        first.send_signal(signal.SIGTERM)
        first.wait()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while not ready(port):
        if proc.poll() is not None:
            sys.exit(f"the service exited with {proc.returncode}")
        time.sleep(0.001)
    elapsed = (time.perf_counter() - start) * 1000
    time.sleep(2)
    rss = rss_mib(proc.pid)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)
    return elapsed, rss


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for label, restart in (("first start (new data folder)", False), ("restart (existing data)", True)):
        results = [run_once(binary, restart) for _ in range(runs)]
        times = sorted(r[0] for r in results)
        rss = [r[1] for r in results]
        print(f"{label}: exec→ready median {statistics.median(times):.0f} ms "
              f"(min {times[0]:.0f}, max {times[-1]:.0f}); idle RSS median {statistics.median(rss):.1f} MiB")


main()
