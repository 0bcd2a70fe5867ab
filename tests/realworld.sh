#!/bin/sh
# realworld.sh: every document of the real-world corpus must parse with
# `feedd parse` (exit 0, no crash, no sanitizer report: ASan makes the
# process exit non-zero) into as many entries as SOURCES.tsv lists for it,
# which is what python3-feedparser finds.  TAP, one line
# per file.  The corpus is the copy committed in
# tests/data/corpus/realworld.tar.xz, extracted into the build directory:
# the test never skips.
: "${top_srcdir:=.}" "${top_builddir:=.}"
python=/usr/bin/python3
[ -x "$python" ] || python=${PYTHON3:-python3}

bail() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

. "$top_srcdir/tests/corpus.sh"

dir=$(corpus_dir realworld) || bail "cannot extract the realworld corpus"
[ -f "$dir/SOURCES.tsv" ] || bail "no SOURCES.tsv in $dir"
exec "$python" - "$dir" "$top_builddir/feedd" <<'PY'
import json, os, subprocess, sys

corpus, feedd = sys.argv[1], sys.argv[2]
want = {}
with open(os.path.join(corpus, "SOURCES.tsv"), encoding="utf-8") as f:
    head = f.readline().rstrip("\n").split("\t")
    col = head.index("items")
    for line in f:
        row = line.rstrip("\n").split("\t")
        if len(row) > col and row[col].strip().isdigit():
            want[row[0]] = int(row[col])
files = sorted(n for n in os.listdir(corpus)
               if n not in ("SOURCES.tsv", "README.md"))
print("1..%d" % len(files))
for i, name in enumerate(files, 1):
    path = os.path.join(corpus, name)
    try:
        p = subprocess.run([feedd, "parse", path], capture_output=True,
                           timeout=60)
    except subprocess.TimeoutExpired:
        print("not ok %d - %s: timeout" % (i, name))
        continue
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        print("not ok %d - %s: exit %d: %s" % (i, name, p.returncode,
              err[-1] if err else ""))
        continue
    try:
        n = len(json.loads(p.stdout)["entries"])
    except (ValueError, KeyError) as e:
        print("not ok %d - %s: bad JSON: %s" % (i, name, e))
        continue
    if name in want and want[name] != n:
        print("not ok %d - %s: %d entries, SOURCES.tsv lists %d"
              % (i, name, n, want[name]))
    else:
        print("ok %d - %s: %d entries" % (i, name, n))
PY
