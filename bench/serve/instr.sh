#!/bin/bash
# bench/serve/instr.sh: what one answer from the cache costs feedd, in
# user-space instructions counted by valgrind (cachegrind), which the
# machine's other load cannot disturb: unlike requests/s, a count to
# compare two builds by.
#
#   BUILD=/path/to/build [BASE=/path/to/other/build] bench/serve/instr.sh
#
# Each build's feedd is started on a copy of one small database (ENTRIES
# entries stored by fill.c from ../shared/corpus/realworld), sent one
# priming GET /feed.atom and then N keep-alive GETs (full answers, then,
# in another run, 304s to its own ETag), and stopped; a run with no
# requests is subtracted, and the rest divided by N.  Start-up varies by
# a few thousand instructions, so N=2000 resolves about 3 per request.
# Needs valgrind, curl, python3.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CORPUS=${CORPUS:-$SRC/../shared/corpus/realworld}
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/realworld
ENTRIES=${ENTRIES:-3000}
N=${N:-2000}
: "${BUILD:?BUILD=/path/to/a/feedd/build}"

WORK=$(mktemp -d /tmp/feedd-instr.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRC" -I"$BUILD" -o "$WORK/fill" \
    "$HERE/fill.c" "$BUILD/libstorage.a" "$BUILD/libparsers.a" "$BUILD/libbase.a" \
    $(pkg-config --libs sqlite3 libxml-2.0 jansson) -lm
"$WORK/fill" "$WORK/feedd.db" "$ENTRIES" "$CORPUS"/*.xml \
    >"$WORK/feeds.list" 2>/dev/null

# count FEEDD N KIND: instructions from start to exit, N requests.
count() {
	local d port pid
	d=$(mktemp -d "$WORK/run.XXXXXX")
	cp "$WORK/feedd.db" "$d/feedd.db"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	{
		printf '[feedd]\ndatabase = %s\nlisten = 127.0.0.1:%s\n' \
		    "$d/feedd.db" "$port"
		printf 'interval = 24h\nlog_level = warning\n'
		while read -r name url; do
			printf '\n[feed %s]\nurl = %s\n' "$name" "$url"
		done <"$WORK/feeds.list"
	} >"$d/feedd.conf"
	valgrind --tool=cachegrind --cache-sim=no \
	    --cachegrind-out-file="$d/cg.out" "$1" -c "$d/feedd.conf" \
	    2>"$d/vg.log" &
	pid=$!
	for _ in $(seq 300); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
		sleep 0.2
	done
	python3 - "$port" "$2" "$3" <<'PY'
import http.client, sys
port, n, kind = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/feed.atom")
r = c.getresponse()
etag = r.getheader("ETag")
r.read()
h = {"If-None-Match": etag} if kind == "304" else {}
for _ in range(n):
    c.request("GET", "/feed.atom", headers=h)
    r = c.getresponse()
    r.read()
    assert r.status == (304 if kind == "304" else 200), r.status
PY
	kill "$pid"
	wait "$pid" || true
	awk '/^summary:/ { print $2; exit }' "$d/cg.out"
}

echo "| build | instructions per 200 (full) | per 304 |"
echo "|---|---:|---:|"
for b in ${BASE:-} "$BUILD"; do
	row="| $b"
	for kind in full 304; do
		idle=$(count "$b/feedd" 0 "$kind")
		busy=$(count "$b/feedd" "$N" "$kind")
		row="$row | $(( (busy - idle) / N ))"
	done
	echo "$row |"
done
