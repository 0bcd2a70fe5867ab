#!/bin/sh
# speed.sh: the speed and memory of `feedd extract` against Mozilla
# Readability.js on jsdom, side by side in one run, on the article
# extraction dev pages.  Each runs all pages in one process (feedd
# through `feedd extract --list`, Readability.js in one Node process), so
# what is measured is extraction, not process start-up.  Run from the
# build directory after `make`:
#
#   bench/extract/speed.sh RJS_DIR [CORPUS] [ROUNDS]
#
# RJS_DIR holds node_modules with @mozilla/readability and jsdom
# (`mkdir /tmp/rjs && cd /tmp/rjs && npm install @mozilla/readability
# jsdom`: outside the tree); CORPUS defaults to
# ../shared/corpus/extraction/dev beside the clone (ID.html or
# ID.html.gz and truth.json); feedd goes over the pages ROUNDS times
# (default 5), Readability.js once.  Prints pages per second (wall and
# CPU), peak RSS, and the ratio.  Outside the test suite: it needs Node.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
rjs=${1:?usage: speed.sh RJS_DIR [CORPUS] [ROUNDS]}
corpus=${2:-$src/../shared/corpus/extraction/dev}
rounds=${3:-5}
feedd=${FEEDD:-./feedd}
work=$(mktemp -d "${TMPDIR:-/tmp}/extract-speed.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Plain copies of the pages and the list both tools read.
/usr/bin/python3 - "$corpus" "$work" "$rounds" <<'PY'
import gzip, json, os, sys
corpus, work, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
truth = json.load(open(os.path.join(corpus, "truth.json")))
lines = []
for key in sorted(truth):
    src = os.path.join(corpus, key + ".html")
    data = (gzip.open(src + ".gz").read() if os.path.exists(src + ".gz")
            else open(src, "rb").read())
    dst = os.path.join(work, key + ".html")
    open(dst, "wb").write(data)
    lines.append("%s\t%s\n" % (dst, truth[key]["url"]))
open(os.path.join(work, "list"), "w").write("".join(lines))
open(os.path.join(work, "rounds"), "w").write("".join(lines) * rounds)
PY
npages=$(wc -l < "$work/list")

# feedd: wall, CPU and peak RSS of the one process.
/usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$feedd" extract --list "$work/rounds" > "$work/out" || true
read -r fw fu fs fm < "$work/time"
fn=$(wc -l < "$work/out")
fok=$(grep -c '"content": "' "$work/out" || true)

NODE_PATH=$rjs/node_modules node "$here/speed.js" "$work/list" 1 \
    > "$work/rjs"
read -r _ _ rn _ rok _ rw _ rc _ rm < "$work/rjs"

/usr/bin/python3 - "$npages" "$rounds" "$fn" "$fok" "$fw" "$fu" "$fs" \
    "$fm" "$rn" "$rok" "$rw" "$rc" "$rm" <<'PY'
import sys
(npages, rounds, fn, fok, fw, fu, fs, fm, rn, rok, rw, rc, rm) = sys.argv[1:]
fn, rn = int(fn), int(rn)
fw, fc = float(fw), float(fu) + float(fs)
rw, rc = float(rw), float(rc)
print("%s dev pages; feedd %s rounds, Readability.js 1" % (npages, rounds))
print("%-16s %6s %8s %10s %10s %10s %9s" % ("", "pages", "article",
      "wall s", "pages/s", "pages/CPUs", "peak RSS"))
print("%-16s %6d %8s %10.3f %10.1f %10.1f %6.1f MiB" % ("feedd extract",
      fn, fok, fw, fn / fw, fn / fc, int(fm) / 1024))
print("%-16s %6d %8s %10.3f %10.1f %10.1f %6.1f MiB" % ("Readability.js",
      rn, rok, rw, rn / rw, rn / rc, int(rm) / 1024))
print("ratio (feedd / Readability.js): %.0fx pages/s wall, %.0fx per CPU "
      "second" % ((fn / fw) / (rn / rw), (fn / fc) / (rn / rc)))
PY
