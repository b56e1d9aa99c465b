#!/usr/bin/env python3
"""Where a 2-core machine's idle time goes, from a `perf sched record -a` trace.

    perf sched record -a -o sched.data -- sleep 3        # e.g. RedisBench --during-r '...'
    perf script -i sched.data -F comm,tid,cpu,time,event,trace > sched.txt
    bench/perf-sched-idle.py sched.txt [PID]

Prints: wake-ups and switches-in by kind of thread (socket threads `udp`, Lettuce's event loops,
the load generator, Redis, the JIT, the JDK's common pool); who wakes whom, how often onto an idle
CPU and how long the woken thread took to run (on an idle CPU that is mostly the VM waking the
halted vCPU); what the other CPU ran while one idled, and which threads were queued on it then;
the idle periods by length and how much of them lay between a wake-up aimed at the idle CPU and
its switch-in. With PID (Redis's), how much of the time that thread ran, waited for a CPU while
runnable (and what ran instead), or slept. Used for docs/benchmarks.md, Registry in Redis, run P.
"""
import collections
import re
import sys

LINE = re.compile(r'^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$')
SWITCH = re.compile(
    r'prev_comm=(.*?) prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> '
    r'next_comm=(.*?) next_pid=(\d+)')
KINDS = (('index-udp', 'udp'), ('lettuce-epoll', 'lettuce'), ('load-', 'load'),
         ('redis-server', 'redis'), ('C2 Compiler', 'jit'), ('C1 Compiler', 'jit'),
         ('ForkJoinPool', 'fjpool'), ('lettuce-timer', 'ltimer'), ('G1', 'gc'))


def kind(comm, pid=None):
    if pid == 0 or comm.startswith('swapper'):
        return 'idle'
    for prefix, k in KINDS:
        if comm.startswith(prefix):
            return k
    return 'other'


def events(path):
    for ln in open(path):
        m = LINE.match(ln)
        if m:
            yield (m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4)), m.group(5),
                   m.group(6))


def main(path, pid=None):
    cur = {}  # cpu -> (pid, comm)
    queued = {}  # pid -> (cpu, since, comm, how): runnable, not running
    pending = {}  # pid -> (time of waking, (waker kind, wakee kind), onto an idle cpu)
    pairs, to_idle = collections.Counter(), collections.Counter()
    latency = collections.defaultdict(list)
    switches_in = collections.Counter()
    idle, idle_queued = collections.Counter(), collections.Counter()
    other_runs, queued_kinds = collections.Counter(), collections.Counter()
    idle_from, wake_at, periods = {}, {}, []
    me = {'run': 0.0, 'wait': 0.0, 'sleep': 0.0}
    me_state, me_blockers, preempted = 'sleep', collections.Counter(), 0
    wakeups, last = 0, None
    for comm, tid, cpu, t, ev, rest in events(path):
        if last is not None:
            dt = t - last
            for c in list(cur):
                if cur[c][0] == 0:
                    idle[c] += dt
                    o = 1 - c
                    if o in cur:
                        other_runs[kind(cur[o][1], cur[o][0])] += dt
                    # a task queued on the other cpu (not one that left long ago unseen)
                    ws = [w for w in queued.values() if w[0] == o and t - w[1] < 0.02]
                    if ws:
                        idle_queued[c] += dt
                        for k in {kind(w[2]) + ':' + w[3] for w in ws}:
                            queued_kinds[k] += dt
            if pid is not None:
                me[me_state] += dt
                if me_state == 'wait':
                    for p, c in cur.values():
                        me_blockers[kind(c, p)] += dt / len(cur)
        last = t
        if ev == 'sched_waking':
            m = re.search(r'comm=(.*?) pid=(\d+) .*target_cpu=(\d+)', rest)
            wc, wp, target = m.group(1), int(m.group(2)), int(m.group(3))
            onto_idle = target in cur and cur[target][0] == 0
            queued[wp] = (target, t, wc, 'wake')
            wakeups += 1
            k = (kind(comm, tid), kind(wc))
            pairs[k] += 1
            to_idle[k] += onto_idle
            pending[wp] = (t, k, onto_idle)
            if target in idle_from and target not in wake_at:
                wake_at[target] = t
            if wp == pid and me_state == 'sleep':
                me_state = 'wait'
        elif ev == 'sched_migrate_task':
            m = re.search(r'pid=(\d+) .*dest_cpu=(\d+)', rest)
            p = int(m.group(1))
            if p in queued:
                w = queued[p]
                queued[p] = (int(m.group(2)), w[1], w[2], w[3])
        elif ev == 'sched_switch':
            m = SWITCH.search(rest)
            pc, pp, ps, nc, np_ = m.group(1), int(m.group(2)), m.group(3), m.group(4), int(
                m.group(5))
            if ps.startswith('R') and pp != 0:
                queued[pp] = (cpu, t, pc, 'preempt')
            queued.pop(np_, None)
            cur[cpu] = (np_, nc)
            switches_in[kind(nc, np_)] += 1
            if np_ in pending:
                wt, k, onto_idle = pending.pop(np_)
                latency[(k, onto_idle)].append(t - wt)
            if np_ == 0:
                idle_from[cpu] = t
                wake_at.pop(cpu, None)
            elif pp == 0 and cpu in idle_from:
                s, w = idle_from.pop(cpu), wake_at.pop(cpu, None)
                periods.append((t - s, t - w if w is not None else 0.0))
            if pid is not None:
                if pp == pid:
                    me_state = 'wait' if ps.startswith('R') else 'sleep'
                    preempted += ps.startswith('R')
                if np_ == pid:
                    me_state = 'run'
    ms = lambda c: {k: round(v * 1e3, 1) for k, v in c.most_common(10)}
    print('wake-ups', wakeups, '; switches-in by kind', dict(switches_in.most_common()))
    print('idle ms per cpu', ms(idle), '; of it with a task queued on the other cpu',
          ms(idle_queued))
    print('while one cpu idled, the other ran (ms):', ms(other_runs))
    print('while one cpu idled, queued on the other (ms, kind:how):', ms(queued_kinds))
    print('%-22s %7s %8s %13s %13s' % ('waker -> wakee', 'count', 'to idle', 'to idle: us',
                                         'to busy: us'))
    avg = lambda l: sum(l) / len(l) * 1e6 if l else float('nan')
    for k, n in pairs.most_common(12):
        print('%-22s %7d %8d %13.1f %13.1f' % (k[0] + ' -> ' + k[1], n, to_idle[k],
                                               avg(latency.get((k, True), [])),
                                               avg(latency.get((k, False), []))))
    total = sum(p[0] for p in periods)
    woke = sum(p[1] for p in periods)
    if total:
        print('idle periods %d, %.1f ms; between a wake-up aimed at the idle cpu and the switch-in'
              ' %.1f ms (%.0f %%)' % (len(periods), total * 1e3, woke * 1e3, 100 * woke / total))
    for lo, hi in ((0, 50e-6), (50e-6, 100e-6), (100e-6, 500e-6), (500e-6, 5e-3), (5e-3, 1e3)):
        sel = [p for p in periods if lo <= p[0] < hi]
        print('  %7.0f-%7.0f us: %6d periods, %7.1f ms' % (lo * 1e6, min(hi, 1) * 1e6, len(sel),
                                                             sum(p[0] for p in sel) * 1e3))
    if pid is not None:
        tot = sum(me.values())
        print('pid %d: ran %.0f %%, runnable waiting for a cpu %.0f %% (preempted %d times), slept'
              ' %.0f %%' % (pid, 100 * me['run'] / tot, 100 * me['wait'] / tot, preempted,
                            100 * me['sleep'] / tot))
        if me['wait']:
            print('  while it waited, the cpus ran:',
                  {k: '%.0f %%' % (100 * v / me['wait']) for k, v in me_blockers.most_common()})


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
