#!/bin/bash
# bench/serve/run.sh: issue 6 item 8, serving speed, side by side.
#
# Needs (Debian 12): nginx (or nginx-light), wrk, curl, python3, plus
# feedd's build dependencies (README) if BUILD is not given.  It installs
# nothing itself.  Run from anywhere, as root or not:
#
#   bench/serve/run.sh                       # 100,000 entries
#   BUILD=/path/to/build bench/serve/run.sh  # use an existing feedd build
#   BASE=/path/to/other/build ...            # and compare it, side by side
#
# What it does:
#  1. builds a database of ENTRIES entries through the real parse and store
#     path (fill.c: ../shared/corpus/realworld documents, cycled, one feed
#     each, made unique per feed), every feed due only tomorrow;
#  2. starts feedd on it (TCP loopback) and nginx (one worker, an
#     unprivileged process with its own prefix) serving, as a static file,
#     the very bytes feedd answered for /feed.atom (50 entries);
#  3. REPEAT rounds of wrk --latency, alternating: feedd full responses,
#     nginx full responses, feedd 304 (If-None-Match: its ETag), nginx 304;
#     wrk with THREADS threads and CONNS connections for DURATION seconds;
#  4. prints a Markdown table: requests/s and p99 latency, each the median
#     of the rounds, and the ratio feedd / nginx.
# Both servers get one thread (feedd's loop is single-threaded), wrk runs
# on the same machine.  With BASE (a directory holding another build's
# feedd binary) that feedd serves the same database on its own port and
# every round measures it too, just before feedd: "base" rows.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CORPUS=${CORPUS:-$SRC/../shared/corpus/realworld}
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/realworld
ENTRIES=${ENTRIES:-100000}
DURATION=${DURATION:-10}
THREADS=${THREADS:-1}
CONNS=${CONNS:-16}
REPEAT=${REPEAT:-3}
KEEP=${KEEP:-0}

WORK=$(mktemp -d /tmp/feedd-serve.XXXXXX)
chmod 755 "$WORK"
NGINX_PID=
FEEDD_PID=
BASE_PID=
cleanup() {
	for p in $NGINX_PID $FEEDD_PID $BASE_PID; do
		kill -0 "$p" 2>/dev/null && kill "$p"
	done
	wait 2>/dev/null || true
	if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date -u +%T)" "$*" >&2; }
freeport() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

if [ -z "${BUILD:-}" ]; then
	log "building feedd in $WORK/build"
	[ -x "$SRC/configure" ] || (cd "$SRC" && autoreconf -fi)
	mkdir "$WORK/build"
	(cd "$WORK/build" && "$SRC/configure" >/dev/null &&
	    make -j2 >/dev/null)
	BUILD=$WORK/build
fi
FEEDD=$BUILD/feedd
cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRC" -I"$BUILD" -o "$WORK/fill" \
    "$HERE/fill.c" "$BUILD/libstorage.a" "$BUILD/libparsers.a" "$BUILD/libbase.a" \
    $(pkg-config --libs sqlite3 libxml-2.0 jansson) -lm

# --- the database
log "storing $ENTRIES entries"
"$WORK/fill" "$WORK/feedd.db" "$ENTRIES" "$CORPUS"/*.xml >"$WORK/feeds.list"
log "$(wc -l <"$WORK/feeds.list") feeds; database $(du -sh "$WORK/feedd.db" | cut -f1)"

# --- feedd
FPORT=$(freeport)
{
	echo "[feedd]"
	echo "database = $WORK/feedd.db"
	echo "listen = 127.0.0.1:$FPORT"
	echo "interval = 24h"
	echo "log_level = warning"
	while read -r name url; do
		printf '\n[feed %s]\nurl = %s\n' "$name" "$url"
	done <"$WORK/feeds.list"
} >"$WORK/feedd.conf"
"$FEEDD" -c "$WORK/feedd.conf" 2>"$WORK/feedd.log" &
FEEDD_PID=$!
for _ in $(seq 100); do
	curl -sf -o /dev/null "http://127.0.0.1:$FPORT/healthz" && break
	sleep 0.1
done
FURL=http://127.0.0.1:$FPORT/feed.atom
if [ -n "${BASE:-}" ]; then
	BPORT=$(freeport)
	sed "s/^listen = .*/listen = 127.0.0.1:$BPORT/" "$WORK/feedd.conf" \
	    >"$WORK/base.conf"
	"$BASE/feedd" -c "$WORK/base.conf" 2>"$WORK/base.log" &
	BASE_PID=$!
	BURL=http://127.0.0.1:$BPORT/feed.atom
	for _ in $(seq 100); do
		curl -sf -o /dev/null "http://127.0.0.1:$BPORT/healthz" && break
		sleep 0.1
	done
	cmp -s <(curl -sf "$BURL" | sed "s/$BPORT/PORT/g") \
	    <(curl -sf "$FURL" | sed "s/$FPORT/PORT/g") ||
	    { log "base and feedd do not serve the same document"; exit 1; }
	BETAG=$(curl -sfI "$BURL" | awk 'tolower($1) == "etag:" { sub(/\r$/, ""); print $2 }')
fi
mkdir -p "$WORK/www"
curl -sf -D "$WORK/feedd.headers" -o "$WORK/www/feed.atom" "$FURL"
FETAG=$(awk 'tolower($1) == "etag:" { sub(/\r$/, ""); $1 = ""; sub(/^ /, ""); print }' "$WORK/feedd.headers")
NITEMS=$(grep -o '<entry>' "$WORK/www/feed.atom" | wc -l)
log "feedd /feed.atom: $(stat -c %s "$WORK/www/feed.atom") bytes, $NITEMS entries, ETag $FETAG"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $FETAG" "$FURL")" = 304 ] ||
    { log "feedd does not answer 304 to its own ETag"; exit 1; }

# --- nginx, the same bytes
NPORT=$(freeport)
NG=$WORK/nginx
mkdir -p "$NG/logs" "$NG/tmp"
chmod -R a+rX "$WORK/www"
{
	echo "worker_processes 1;"
	echo "pid $NG/logs/nginx.pid;"
	echo "daemon off;"
	echo "error_log $NG/logs/error.log;"
	echo "events { worker_connections 1024; }"
	echo "http {"
	echo "  types { application/atom+xml atom; }"
	echo "  charset utf-8; charset_types application/atom+xml;"
	echo "  access_log off;"
	for t in client_body proxy fastcgi uwsgi scgi; do
		echo "  ${t}_temp_path $NG/tmp/$t;"
	done
	echo "  sendfile on; tcp_nopush on;"
	echo "  keepalive_requests 1000000;"
	echo "  server { listen 127.0.0.1:$NPORT; root $WORK/www; }"
	echo "}"
} >"$NG/nginx.conf"
if [ "$(id -u)" = 0 ]; then
	chown -R nobody "$NG/logs" "$NG/tmp"
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
	RUNAS=
fi
$RUNAS nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/logs/error.log" &
NGINX_PID=$!
NURL=http://127.0.0.1:$NPORT/feed.atom
for _ in $(seq 50); do
	curl -sf -o /dev/null "$NURL" && break
	sleep 0.1
done
NETAG=$(curl -sfI "$NURL" | awk 'tolower($1) == "etag:" { sub(/\r$/, ""); print $2 }')
cmp -s <(curl -sf "$NURL") <(curl -sf "$FURL") ||
    { log "nginx and feedd do not serve the same bytes"; exit 1; }

# --- wrk
# CPU ticks used so far by a process and its children (nginx's worker).
ticks() {
	local p t=0
	for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		t=$((t + $(awk '{ print $14 + $15 }' /proc/"$p"/stat)))
	done
	echo "$t"
}
HZ=$(getconf CLK_TCK)
RES=$WORK/results.txt
: >"$RES"
bench() {	# LABEL URL [HEADER]
	local label=$1 url=$2 out pid t0 t1
	shift 2
	case $label in
	feedd*) pid=$FEEDD_PID ;;
	base*) pid=$BASE_PID ;;
	*) pid=$NGINX_PID ;;
	esac
	t0=$(ticks "$pid")
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency \
	    ${1:+-H "$1"} "$url")
	t1=$(ticks "$pid")
	echo "$out" >>"$WORK/wrk.log"
	echo "$out" | awk -v l="$label" -v cpu="$(( (t1 - t0) * 1000 / HZ ))" '
	    /Requests\/sec:/ { rps = $2 }
	    /^ +99%/ { p99 = $2 }
	    /Non-2xx or 3xx/ { bad = $NF }
	    / requests in / { n = $1 }
	    END { printf "%s\t%s\t%s\t%s\t%s\t%s\n", l, rps, p99, n, bad + 0,
		cpu }' >>"$RES"
	log "$(tail -n 1 "$RES")"
}
for _ in $(seq "$REPEAT"); do
	[ -n "${BASE:-}" ] && bench "base full" "$BURL"
	bench "feedd full" "$FURL"
	bench "nginx full" "$NURL"
	[ -n "${BASE:-}" ] && bench "base 304" "$BURL" "If-None-Match: $BETAG"
	bench "feedd 304" "$FURL" "If-None-Match: $FETAG"
	bench "nginx 304" "$NURL" "If-None-Match: $NETAG"
done

python3 - "$RES" "$(stat -c %s "$WORK/www/feed.atom")" "$NITEMS" \
    "$THREADS" "$CONNS" "$DURATION" "$REPEAT" <<'EOF'
import statistics, sys
path, size, nitems, threads, conns, dur, rep = sys.argv[1:8]
def ms(s):
    for suf, k in (('us', 1e-3), ('ms', 1.0), ('s', 1e3)):
        if s.endswith(suf):
            return float(s[:-len(suf)]) * k
    return float(s)
runs = {}
for line in open(path):
    label, rps, p99, n, bad, cpu = line.rstrip('\n').split('\t')
    # server CPU: share of one core, and microseconds per request
    runs.setdefault(label, []).append((float(rps), ms(p99), int(bad),
        int(cpu) / 10.0 / float(dur), int(cpu) * 1000.0 / int(n)))
print('/feed.atom: %s bytes, %s entries; wrk -t%s -c%s -d%ss --latency, '
      'median of %s rounds' % (size, nitems, threads, conns, dur, rep))
print()
print('| server | response | requests/s | p99 latency (ms) | rounds (req/s) '
      '| server CPU (% of a core) | server CPU per request (us) | errors |')
print('|---|---|---:|---:|---|---:|---:|---:|')
med = {}
for label in ('base full', 'feedd full', 'nginx full', 'base 304',
              'feedd 304', 'nginx 304'):
    r = runs.get(label, [])
    if not r:
        continue
    med[label] = statistics.median(x[0] for x in r)
    srv, kind = label.split()
    print('| %s | %s | %.0f | %.2f | %s | %.0f | %.1f | %d |' % (
        srv, '200 (full)' if kind == 'full' else '304', med[label],
        statistics.median(x[1] for x in r),
        ' '.join('%.0f' % x[0] for x in r),
        statistics.median(x[3] for x in r),
        statistics.median(x[4] for x in r), sum(x[2] for x in r)))
print()
for kind in ('full', '304'):
    if 'feedd ' + kind in med and 'nginx ' + kind in med:
        print('feedd / nginx, %s: %.2f' % (
            kind, med['feedd ' + kind] / med['nginx ' + kind]))
    if 'feedd ' + kind in med and 'base ' + kind in med:
        print('feedd / base, %s: %.2f' % (
            kind, med['feedd ' + kind] / med['base ' + kind]))
EOF
