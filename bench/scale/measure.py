#!/usr/bin/env python3
"""measure.py: runs one contender of the scale benchmark and prints JSON.

  measure.py cmd -- ARGV...
      Runs ARGV to completion: wall time, user and system CPU time of it and
      every descendant it waited for, and the largest peak RSS among them
      (getrusage(RUSAGE_CHILDREN)).
  measure.py feedd DB N TIMEOUT -- ARGV...
      Starts feedd (ARGV) and watches its database until each of the N
      feeds has finished its fetch of this cycle (last_success or failures
      set: the harness clears both before the cycle).  Then reads feedd's
      own CPU time and peak RSS (VmHWM) from /proc, before stopping it with
      SIGTERM, so that shutdown is not counted; and from
      /proc/PID/schedstat the time it ran and the time it was runnable
      but waited for a CPU (a busy machine), so that what is left of the
      wall time is time it slept: idle waiting.

Times are wall-clock (time.time()), comparable with nginx's $msec.
"""
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time


def cmd(argv):
    t0 = time.time()
    rc = subprocess.call(argv, stdout=subprocess.DEVNULL)
    t1 = time.time()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {'start': t0, 'end': t1, 'rc': rc, 'user': ru.ru_utime,
            'sys': ru.ru_stime, 'maxrss_kb': ru.ru_maxrss}


def proc_cpu(pid):
    """User and system CPU seconds, and minor page faults (each a page
    the process touched for the first time: fresh memory costs one)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    tck = os.sysconf('SC_CLK_TCK')
    return int(fields[11]) / tck, int(fields[12]) / tck, int(fields[7])


def proc_hwm(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


def proc_sched(pid):
    """Seconds on a CPU and waiting for one (runnable, not running): the
    rest of the wall time the process spent asleep, waiting for the
    network, a timer or the disk."""
    try:
        with open('/proc/%d/schedstat' % pid) as f:
            run, wait = f.read().split()[:2]
    except OSError:
        return 0.0, 0.0
    return int(run) / 1e9, int(wait) / 1e9


def feedd(db, n, timeout, argv):
    t0 = time.time()
    p = subprocess.Popen(argv)
    done = 0
    con = None
    deadline = t0 + timeout
    while time.time() < deadline and p.poll() is None:
        time.sleep(0.05)
        try:
            if con is None:
                con = sqlite3.connect('file:%s?mode=ro' % db, uri=True,
                                      timeout=5)
            done = con.execute('SELECT count(*) FROM feeds WHERE '
                               'last_success > 0 OR failures > 0'
                               ).fetchone()[0]
        except sqlite3.Error:
            continue
        if done >= n:
            break
    t1 = time.time()
    res = {'start': t0, 'end': t1, 'done': done, 'rc': None}
    if p.poll() is None:
        res['user'], res['sys'], res['minflt'] = proc_cpu(p.pid)
        res['maxrss_kb'] = proc_hwm(p.pid)
        res['oncpu'], res['runqueue'] = proc_sched(p.pid)
        p.send_signal(signal.SIGTERM)
        try:
            res['rc'] = p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()
            res['rc'] = p.wait()
    else:
        res['rc'] = p.returncode
    if con is not None:
        for k, q in (('ok', 'last_success > 0'), ('failed', 'failures > 0'),
                     ('entries', None)):
            sql = ('SELECT count(*) FROM entries' if q is None else
                   'SELECT count(*) FROM feeds WHERE ' + q)
            res[k] = con.execute(sql).fetchone()[0]
        con.close()
    return res


def main():
    a = sys.argv[1:]
    sep = a.index('--')
    argv = a[sep + 1:]
    if a[0] == 'cmd':
        res = cmd(argv)
    else:
        res = feedd(a[1], int(a[2]), float(a[3]), argv)
    print(json.dumps(res))


if __name__ == '__main__':
    main()
