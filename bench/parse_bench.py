#!/usr/bin/python3
"""Parser throughput, side by side: feedd parse, sfeed and python3-feedparser.

Whole-process figures, the tools taking turns within each round so that a
busy machine slows all of them alike:
  * the 20 MB RSS document from ../shared/conformance/gen_bigfeed.py:
    median wall time over --runs rounds (after a warm-up), MB/s, median
    CPU time (user + system), peak RSS;
  * the whole realworld corpus (../shared/corpus/realworld/*.xml, else the
    copy in tests/data/corpus/realworld.tar.xz), one process per file as a
    reader would run it: total wall time, MB/s;
  * the same corpus in one process per tool, which is how the daemon
    parses (no process start-up per file): `feedd parse FILE...`, sfeed
    reading the documents one after another on its stdin, and one Python
    process calling feedparser.parse() per file.
Ratios are feedd's throughput over each peer's.  Output is Markdown, ready
for bench/RESULTS.md.

--baseline OTHER_FEEDD adds a second build of feedd ("feedd-baseline") to
every round, for a before/after comparison under the same load; --no-peers
leaves sfeed and feedparser out (a before/after run needs only the two).

    /usr/bin/python3 bench/parse_bench.py [--feedd ./feedd] [--shared ../shared]
        [--runs 5] [--size-mb 20] [--baseline OTHER_FEEDD] [--no-peers]
"""
import argparse
import glob
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FEEDPARSER = ("/usr/bin/python3", "-c",
              "import sys, feedparser; feedparser.parse(open(sys.argv[1], 'rb').read())")
FEEDPARSER_MANY = ("/usr/bin/python3", "-c",
                   "import sys, feedparser\n"
                   "for p in sys.argv[1:]:\n"
                   "    feedparser.parse(open(p, 'rb').read())")


def tools(feedds, peers=("sfeed", "feedparser")):
    """name -> function(path) giving argv and whether the file goes on stdin.
    feedds: name -> path of each feedd build to run; peers: which peers."""
    t = {name: (lambda p, b=path: ([b, "parse", p], False))
         for name, path in feedds.items()}
    if "sfeed" in peers:
        t["sfeed"] = lambda p: (["sfeed"], True)
    if "feedparser" in peers:
        t["feedparser"] = lambda p: (list(FEEDPARSER) + [p], False)
    return t


def run_once(argv, path, on_stdin):
    """Wall seconds, CPU seconds and peak RSS (KiB) of one run."""
    with open(path if on_stdin else os.devnull, "rb") as inp, \
            open(os.devnull, "wb") as out:
        t0 = time.perf_counter()
        # /usr/bin/time reports the child's own peak RSS, unlike
        # RUSAGE_CHILDREN, which keeps the maximum of all children so far.
        proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M"] + argv,
                              stdin=inp, stdout=out, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit("%s exited with status %d: %s" % (
            " ".join(argv), proc.returncode, proc.stderr.decode()[-300:]))
    user, sys_, rss = proc.stderr.decode().strip().splitlines()[-1].split()
    return wall, float(user) + float(sys_), int(rss)


def big(tools_, path, runs):
    size = os.path.getsize(path)
    res = {name: ([], [], []) for name in tools_}
    for i in range(runs + 1):
        for name, mk in tools_.items():
            argv, on_stdin = mk(path)
            wall, cpu, rss = run_once(argv, path, on_stdin)
            if i:
                for lst, v in zip(res[name], (wall, cpu, rss)):
                    lst.append(v)
    rows = {}
    for name, (walls, cpus, rsss) in res.items():
        med = statistics.median(walls)
        rows[name] = (med, size / med / 1e6, statistics.median(cpus),
                      max(rsss) / 1024.0)
    return size, rows


def corpus(tools_, files):
    size = sum(os.path.getsize(f) for f in files)
    wall = {name: 0.0 for name in tools_}
    for f in files:
        for name, mk in tools_.items():
            argv, on_stdin = mk(f)
            with open(f if on_stdin else os.devnull, "rb") as inp, \
                    open(os.devnull, "wb") as out:
                t0 = time.perf_counter()
                subprocess.run(argv, stdin=inp, stdout=out,
                               stderr=subprocess.DEVNULL)
                wall[name] += time.perf_counter() - t0
    return size, {name: (w, size / w / 1e6) for name, w in wall.items()}


def child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def corpus_one_process(feedds, files, runs, peers=("sfeed", "feedparser")):
    """Best wall time of runs and median CPU time (of the parsing process
    alone: sfeed's input is fed by this script): one process per tool for
    the whole corpus."""
    size = sum(os.path.getsize(f) for f in files)
    best, cpus = {}, {}
    names = list(feedds) + [p for p in ("sfeed", "feedparser") if p in peers]
    for _ in range(runs):
        for name in names:
            with open(os.devnull, "wb") as out:
                t0 = time.perf_counter()
                c0 = child_cpu()
                if name in feedds:
                    subprocess.run([feedds[name], "parse"] + files,
                                   stdout=out, stderr=subprocess.DEVNULL)
                elif name == "sfeed":
                    p = subprocess.Popen(["sfeed"], stdin=subprocess.PIPE,
                                         stdout=out)
                    for f in files:
                        with open(f, "rb") as fp:
                            shutil.copyfileobj(fp, p.stdin)
                    p.stdin.close()
                    p.wait()
                else:
                    subprocess.run(list(FEEDPARSER_MANY) + files, stdout=out,
                                   stderr=subprocess.DEVNULL)
                w = time.perf_counter() - t0
                cpus.setdefault(name, []).append(child_cpu() - c0)
            best[name] = min(best.get(name, w), w)
    return size, {name: (w, size / w / 1e6, statistics.median(cpus[name]))
                  for name, w in best.items()}


def realworld_files(shared, tmp):
    files = sorted(glob.glob(os.path.join(shared, "corpus", "realworld", "*.xml")))
    if files:
        return files
    here = os.path.dirname(os.path.abspath(__file__))
    tarball = os.path.join(here, "..", "tests", "data", "corpus", "realworld.tar.xz")
    subprocess.run(["tar", "-xJf", tarball, "-C", tmp], check=True)
    return sorted(glob.glob(os.path.join(tmp, "realworld", "*.xml")))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feedd", default=os.path.join(here, "..", "feedd"))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size-mb", type=int, default=20)
    ap.add_argument("--baseline", help="another feedd build to run beside")
    ap.add_argument("--no-peers", action="store_true",
                    help="leave out sfeed and feedparser")
    ap.add_argument("--peers", default="sfeed,feedparser",
                    help="the peers to run, comma-separated")
    ap.add_argument("--corpus-runs", type=int, default=3,
                    help="rounds of the one-process corpus run")
    a = ap.parse_args()
    feedds = {"feedd": os.path.abspath(a.feedd)}
    if a.baseline:
        feedds["feedd-baseline"] = os.path.abspath(a.baseline)
    peers = () if a.no_peers else tuple(a.peers.split(","))
    t = tools(feedds, peers)
    load0 = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as tmp:
        bigfile = os.path.join(tmp, "big.xml")
        subprocess.run([sys.executable, os.path.join(a.shared, "conformance", "gen_bigfeed.py"),
                        bigfile, "--size-mb", str(a.size_mb)], check=True,
                       stdout=subprocess.DEVNULL)
        size, rows = big(t, bigfile, a.runs)
        files = realworld_files(a.shared, tmp)
        csize, crow = corpus(t, files)
        osize, orow = corpus_one_process(feedds, files, a.corpus_runs,
                                         peers)

    print("### %d MB generated RSS 2.0 document (gen_bigfeed.py), median of %d runs\n"
          % (size // 10**6, a.runs))
    print("| parser | wall s | MB/s | CPU s | peak RSS MiB | feedd's speed vs this |")
    print("|---|---|---|---|---|---|")
    for name, (wall, mbs, cpu, rss) in rows.items():
        print("| %s | %.3f | %.1f | %.3f | %.1f | %.2fx |" % (
            name, wall, mbs, cpu, rss, rows["feedd"][1] / mbs))

    print("\n### realworld corpus: %d files, %.1f MB, one process per file\n"
          % (len(files), csize / 1e6))
    print("| parser | total wall s | MB/s | feedd's speed vs this |")
    print("|---|---|---|---|")
    for name, (wall, mbs) in crow.items():
        print("| %s | %.2f | %.2f | %.2fx |" % (name, wall, mbs, crow["feedd"][1] / mbs))

    print("\n### realworld corpus, one process per parser for all %d files, "
          "best wall and median CPU of %d\n" % (len(files), a.corpus_runs))
    print("| parser | wall s | MB/s | CPU s | feedd's speed vs this (wall) "
          "| (CPU) |")
    print("|---|---|---|---|---|---|")
    for name, (wall, mbs, cpu) in orow.items():
        print("| %s | %.3f | %.1f | %.3f | %.2fx | %.2fx |" % (
            name, wall, mbs, cpu, orow["feedd"][1] / mbs,
            cpu / orow["feedd"][2]))
    print("\nLoad average (1 min) %.1f at the start, %.1f at the end, %d CPUs."
          % (load0, os.getloadavg()[0], os.cpu_count()))


if __name__ == "__main__":
    main()
