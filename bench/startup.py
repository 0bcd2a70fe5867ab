#!/usr/bin/python3
"""bench/startup.py: how long feedd takes from its start to its first
request, with many feeds configured.

usage: bench/startup.py [-n FEEDS] [-r ROUNDS] FEEDD [FEEDD ...]

Each FEEDD is a feedd binary (e.g. an old and a new build); they are run
in turn, ROUNDS times over, so that a busy machine slows all of them
alike.  Every run starts from a copy of the same prepared state, in two
cases:

  first start  a fresh database: every feed is registered (inserted),
               and every one is due at once;
  restart      a database that already holds every feed (left by a
               first start, then every feed made due again, as
               bench/scale/run.sh does): every feed is read back.

The feeds point at a listener of this script on 127.0.0.1 (port 0).  The
clock starts just before the process is spawned and stops when the first
request's bytes arrive; feedd's CPU time (user+sys, from /proc, in
10 ms ticks) is read at that moment, which on a busy machine is the
steadier figure; feedd is then stopped with SIGTERM.  The listener never
answers, so nothing is parsed or stored during the measured time.
"""
import argparse
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time


def write_conf(path, db, sock, port, n):
    with open(path, "w") as f:
        f.write("[feedd]\ndatabase = %s\nlisten = unix:%s\n" % (db, sock))
        f.write("interval = 1h\nmax_connections = 16\n")
        for i in range(n):
            f.write("\n[feed f%05d]\nurl = http://127.0.0.1:%d/%05d.xml\n"
                    % (i, port, i))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")


def first_request(feedd, conf, lst, timeout):
    """Seconds from the spawn of feedd to the first request's bytes, and
    feedd's CPU seconds then."""
    t0 = time.monotonic()
    p = subprocess.Popen([feedd, "-c", conf], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    lst.settimeout(timeout)
    try:
        c, _ = lst.accept()
    except socket.timeout:
        p.kill()
        p.wait()
        raise SystemExit("%s: no request within %d s" % (feedd, timeout))
    c.recv(4096)
    t = time.monotonic() - t0
    cpu = cpu_seconds(p.pid)
    p.send_signal(signal.SIGTERM)
    p.wait()
    c.close()
    # Drain what else connected before the kill.
    lst.settimeout(0)
    try:
        while True:
            lst.accept()[0].close()
    except (BlockingIOError, socket.timeout):
        pass
    return t, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("-r", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("feedd", nargs="+")
    a = ap.parse_args()

    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1024)
    port = lst.getsockname()[1]
    work = tempfile.mkdtemp(prefix="feedd-startup.")
    try:
        conf = os.path.join(work, "feedd.conf")
        db = os.path.join(work, "feedd.db")
        write_conf(conf, db, os.path.join(work, "feedd.sock"), port, a.n)
        # The restart case's database: the first binary's first start,
        # every feed due again, checkpointed into one file.
        first_request(a.feedd[0], conf, lst, a.timeout)
        c = sqlite3.connect(db)
        c.execute("UPDATE feeds SET next_due = 1")
        c.commit()
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        c.close()
        shutil.copy(db, db + ".registered")
        times = {}
        for r in range(a.r):
            for case in ("first start", "restart"):
                for i, feedd in enumerate(a.feedd):
                    for ext in ("", "-wal", "-shm"):
                        if os.path.exists(db + ext):
                            os.unlink(db + ext)
                    if case == "restart":
                        shutil.copy(db + ".registered", db)
                    t = first_request(feedd, conf, lst, a.timeout)
                    times.setdefault((case, i), []).append(t)
        print("%d feeds, %d rounds, load average at the end %s" %
              (a.n, a.r, " ".join("%.2f" % x for x in os.getloadavg())))
        for i, feedd in enumerate(a.feedd):
            print("build %d: %s" % (i, feedd))
        print()
        print("| case | build | start to first request (s), each run "
              "| median | CPU (s), each run | median |")
        print("|---|---|---|---:|---|---:|")
        for case in ("first start", "restart"):
            for i in range(len(a.feedd)):
                v = [x[0] for x in times[(case, i)]]
                c = [x[1] for x in times[(case, i)]]
                print("| %s | %d | %s | %.3f | %s | %.2f |" % (
                    case, i, ", ".join("%.3f" % x for x in v),
                    statistics.median(v),
                    ", ".join("%.2f" % x for x in c),
                    statistics.median(c)))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
