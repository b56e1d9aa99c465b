#!/usr/bin/env python3
"""The machine's counters once per INTERVAL seconds (default 1), one line per sample, until killed:
what else the two shared cores did while a benchmark ran, beside the benchmark's own figures.

    bench/sysmon.py [--interval 1] [--redis-port PORT] >samples.tsv &

Each line, tab-separated, per second of the interval: the wall clock (UTC); /proc/stat's user,
system, idle, iowait, softirq and steal in hundredths of a core; context switches; PSI some-stall
of cpu, memory and io (ms); /proc/vmstat's page faults, major faults, pages freed, file refaults;
free memory (MiB); the mean CPU MHz; kdamond's CPU (ms: the kernel's DAMON monitor, where one runs);
minor faults and CPU (ms) of redis-server (the one on PORT) and of the java processes running
RedisBench, with how many of them are alive (two: the last turn's still exiting); and Redis's lazyfree_pending_objects,
used_memory_rss (MiB) and mem_fragmentation_ratio.
"""

import os
import socket
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def stat():
    f = read("/proc/stat").split("\n")
    cpu = [int(x) for x in f[0].split()[1:9]]
    ctxt = next(int(line.split()[1]) for line in f if line.startswith("ctxt "))
    return cpu, ctxt


def psi(kind):
    for line in read("/proc/pressure/" + kind).split("\n"):
        if line.startswith("some"):
            return int(line.split("total=")[1]) / 1000
    return 0


def vmstat():
    v = {}
    for line in read("/proc/vmstat").split("\n"):
        k, _, n = line.partition(" ")
        if k in ("pgfault", "pgmajfault", "pgfree", "workingset_refault_file", "nr_free_pages"):
            v[k] = int(n)
    return v


def mhz():
    vals = [float(line.split(":")[1]) for line in read("/proc/cpuinfo").split("\n") if line.startswith("cpu MHz")]
    return sum(vals) / len(vals) if vals else 0


def proc(pid):
    s = read(f"/proc/{pid}/stat")
    if not s:
        return None
    f = s[s.rindex(")") + 2:].split()
    # minflt is field 10, utime 14, stime 15 (1-based in proc(5)); f starts at field 3
    return int(f[7]), (int(f[11]) + int(f[12])) * 1000 // TICK


def pids(pred):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            c = read(f"/proc/{p}/cmdline")
            if pred(c):
                out.append(p)
    return out


def redis_info(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"INFO\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if data.startswith(b"$"):
                    n = int(data[1:data.index(b"\r\n")])
                    if len(data) >= data.index(b"\r\n") + 2 + n:
                        break
            info = {}
            for line in data.decode(errors="replace").split("\r\n"):
                k, _, v = line.partition(":")
                info[k] = v
            return info
    except OSError:
        return {}


def main():
    interval = 1.0
    port = None
    args = sys.argv[1:]
    for i in range(0, len(args) - 1, 2):
        if args[i] == "--interval":
            interval = float(args[i + 1])
        elif args[i] == "--redis-port":
            port = int(args[i + 1])
    redis_pid = None
    if port:
        redis_pid = redis_info(port).get("process_id")
    kdamond = None
    for p in os.listdir("/proc"):
        if p.isdigit() and read(f"/proc/{p}/comm").startswith("kdamond"):
            kdamond = p
    print("\t".join([
        "time", "user", "sys", "idle", "iowait", "softirq", "steal", "ctxt", "psi_cpu_ms",
        "psi_mem_ms", "psi_io_ms", "pgfault", "pgmajfault", "pgfree", "refault_file", "free_mib",
        "mhz", "kdamond_ms", "redis_minflt", "redis_ms", "jvm_minflt", "jvm_ms", "jvms",
        "lazyfree_pending", "redis_rss_mib", "redis_frag"]), flush=True)
    last = None
    jvm_seen = {}
    while True:
        t = time.time()
        cpu, ctxt = stat()
        v = vmstat()
        r = proc(redis_pid) if redis_pid else None
        jv = {p: proc(p) for p in pids(lambda c: c.split("\0")[0].endswith("/java") and "io.peershare.bench.RedisBench" in c)}
        jv = {p: x for p, x in jv.items() if x}
        k = proc(kdamond) if kdamond else None
        now = dict(t=t, cpu=cpu, ctxt=ctxt, psi=(psi("cpu"), psi("memory"), psi("io")), v=v, r=r, k=k)
        if last:
            dt = t - last["t"]
            d = [(a - b) / dt * 100 / TICK for a, b in zip(cpu, last["cpu"])]
            # a JVM's faults and CPU counted from its first sample (or from 0 when it is new)
            jf = sum(x[0] - jvm_seen.get(p, (0, 0))[0] for p, x in jv.items())
            jm = sum(x[1] - jvm_seen.get(p, (0, 0))[1] for p, x in jv.items())
            info = redis_info(port) if port else {}
            row = [
                time.strftime("%H:%M:%S", time.gmtime(t)) + f".{int(t * 10) % 10}",
                f"{d[0] + d[1]:.0f}", f"{d[2]:.0f}", f"{d[3]:.0f}", f"{d[4]:.0f}", f"{d[6]:.0f}", f"{d[7]:.1f}",
                f"{(ctxt - last['ctxt']) / dt:.0f}",
                *(f"{(a - b) / dt:.0f}" for a, b in zip(now["psi"], last["psi"])),
                *(f"{(v[x] - last['v'][x]) / dt:.0f}" for x in ("pgfault", "pgmajfault", "pgfree", "workingset_refault_file")),
                f"{v['nr_free_pages'] * 4 // 1024}",
                f"{mhz():.0f}",
                f"{(k[1] - last['k'][1]) / dt:.0f}" if k and last["k"] else "-",
                f"{(r[0] - last['r'][0]) / dt:.0f}" if r and last["r"] else "-",
                f"{(r[1] - last['r'][1]) / dt:.0f}" if r and last["r"] else "-",
                f"{jf / dt:.0f}", f"{jm / dt:.0f}", str(len(jv)),
                info.get("lazyfree_pending_objects", "-"),
                f"{int(info['used_memory_rss']) // 1048576}" if "used_memory_rss" in info else "-",
                info.get("mem_fragmentation_ratio", "-"),
            ]
            print("\t".join(row), flush=True)
        jvm_seen = jv
        last = now
        time.sleep(max(0.0, interval - (time.time() - t)))


if __name__ == "__main__":
    main()
