#!/bin/sh
# quality.sh: `feedd extract` and Mozilla Readability.js side by side on
# the article extraction dev pages, scored by ../shared/extraction/score.py
# (the benchmark's metric), plus the pages each gets below F1 0.5.  Run
# from the build directory after `make`:
#
#   bench/extract/quality.sh [CORPUS] [RJS_DIR]
#
# CORPUS defaults to ../shared/corpus/extraction/dev beside the clone;
# RJS_DIR (default /tmp/rjs) holds node_modules with @mozilla/readability
# and jsdom (`cd /tmp/rjs && npm install @mozilla/readability jsdom`); it
# is skipped when absent.  Outside the test suite: it needs ../shared and
# Node.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
corpus=${1:-$src/../shared/corpus/extraction/dev}
rjs=${2:-/tmp/rjs}
score=$(cd "$corpus/../../.." && pwd)/extraction/score.py
work=$(mktemp -d "${TMPDIR:-/tmp}/extract-quality.XXXXXX")
trap 'rm -rf "$work"' EXIT

below() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
pages = json.load(open(sys.argv[1]))["pages"]
def f1(p):
    s = p["precision"] + p["recall"]
    return 2 * p["precision"] * p["recall"] / s if s else 0.0
low = sorted(k[:12] for k, p in pages.items() if f1(p) < 0.5)
print("pages below F1 0.5: %d %s" % (len(low), " ".join(low)))
PY
}

echo "feedd extract:"
/usr/bin/python3 "$score" "$corpus" --json "$work/feedd.json" \
    --cmd "./feedd extract --url {url} {file}"
below "$work/feedd.json"
if [ -d "$rjs/node_modules/@mozilla/readability" ]; then
	echo "Readability.js $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
	    "$rjs/node_modules/@mozilla/readability/package.json"):"
	NODE_PATH=$rjs/node_modules node "$here/readability.js" "$corpus" \
	    "$work/rjs"
	/usr/bin/python3 "$score" "$corpus" --json "$work/rjs.json" \
	    --cmd "cat $work/rjs/\$(basename {file} .html).txt"
	below "$work/rjs.json"
fi
