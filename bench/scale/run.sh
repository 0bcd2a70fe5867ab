#!/bin/bash
# bench/scale/run.sh: issue 4 item 8, polling at scale, side by side.
#
# Needs (Debian 12): nginx (or nginx-light), newsboat, sfeed, python3,
# curl, plus feedd's build dependencies (README) if BUILD is not given.
# It installs nothing itself.  Run from anywhere, as root or not:
#
#   bench/scale/run.sh                      # 1,000 and 10,000 feeds
#   SIZES=10000 ROUNDS=3 NB_THREADS="4 8" ... # knobs: see the defaults below
#   BUILD=/path/to/build bench/scale/run.sh # use an existing feedd build
#   BASELINE=/path/to/other/build ...       # and another, in every round
#
# What it does, in one run so that the ratios stay fair on a busy machine:
#  1. writes 10,000 feed documents, cycling through
#     ../shared/corpus/realworld, each feed's URLs and ids made its own
#     (gen.py), and serves them with nginx on loopback (an unprivileged
#     nginx with its own prefix, static files: real ETag, Last-Modified,
#     304), on HOSTS loopback addresses 127.0.0.1..127.0.0.HOSTS;
#  2. runs `newsboat -x reload` on the first PEER_N (1,000) feeds for each
#     reload-threads in NB_THREADS and `sfeed_update` for each maxjobs in
#     SF_JOBS, each from a fresh cache, and keeps the fastest setting of
#     each;
#  3. ROUNDS rounds, side by side on the same PEER_N feeds: feedd's first
#     cycle (every response 200, fresh database with every feed due) and
#     second cycle (restart with every feed due again: every response
#     304), then newsboat and sfeed_update at their best setting;
#     then feedd's two cycles on each size of SIZES (10,000 feeds);
#     each run is timed from its start and from nginx's first logged
#     request to the moment it is done (feedd: the last feed's fetch is
#     stored, seen in its database; the peers: the process exits), with
#     its CPU time (user+sys, descendants included) and peak RSS
#     (measure.py);
#  4. prints a Markdown table.
# With BASELINE (another feedd build directory), every round runs that
# build's two cycles as well, just before BUILD's ("feedd-baseline" rows),
# so that a before/after comparison shares the machine's load.
#
# Politeness: feedd limits requests per host (per_host_connections,
# host_delay); neither peer does.  With every feed on a handful of loopback
# addresses, per-host politeness would measure host_delay, not feedd, so
# the fair configuration is per_host_connections = max_connections and
# host_delay = 0, set when this build of feedd accepts those options
# (the table says which).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CORPUS=${CORPUS:-$SRC/../shared/corpus/realworld}
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/realworld
SIZES=${SIZES:-"1000 10000"}
PEER_N=${PEER_N:-1000}
HOSTS=${HOSTS:-16}
MAXCONN=${MAXCONN:-16}
NB_THREADS=${NB_THREADS-"2 4 8 16 32"}
SF_JOBS=${SF_JOBS-"4 8 16 32 64"}
TIMEOUT=${TIMEOUT:-3600}
ROUNDS=${ROUNDS:-2}
KEEP=${KEEP:-0}
# For profiling only (figures are then not feedd's): a command put before
# feedd, e.g. FEEDD_WRAP="perf record -g -o /tmp/perf.data --".
FEEDD_WRAP=${FEEDD_WRAP:-}

WORK=$(mktemp -d /tmp/feedd-scale.XXXXXX)
chmod 755 "$WORK"
NGINX_PID=
cleanup() {
	if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
		kill "$NGINX_PID"
	fi
	if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date -u +%T)" "$*" >&2; }

# --- feedd and the seeding tool
if [ -z "${BUILD:-}" ]; then
	log "building feedd in $WORK/build"
	[ -x "$SRC/configure" ] || (cd "$SRC" && autoreconf -fi)
	mkdir "$WORK/build"
	(cd "$WORK/build" && "$SRC/configure" >/dev/null &&
	    make -j2 >/dev/null)
	BUILD=$WORK/build
fi
FEEDD=$BUILD/feedd
cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRC" -I"$BUILD" -o "$WORK/seed" \
    "$HERE/seed.c" "$BUILD/libstorage.a" "$BUILD/libparsers.a" "$BUILD/libbase.a" \
    $(pkg-config --libs sqlite3 libxml-2.0 jansson) -lm

# --- documents and nginx
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MAXN=0
for n in $SIZES $PEER_N; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
log "writing $MAXN feeds"
python3 "$HERE/gen.py" "$CORPUS" "$WORK/www" "$MAXN" "$HOSTS" "$PORT" \
    >"$WORK/feeds.list"
chmod -R a+rX "$WORK/www"
log "documents: $(du -sh "$WORK/www" | cut -f1)"

NG=$WORK/nginx
mkdir -p "$NG/logs" "$NG/tmp"
{
	echo "worker_processes 1;"
	echo "pid $NG/logs/nginx.pid;"
	echo "daemon off;"
	echo "error_log $NG/logs/error.log;"
	echo "events { worker_connections 4096; }"
	echo "http {"
	echo "  include /etc/nginx/mime.types;"
	echo "  log_format bench '\$msec \$status \$body_bytes_sent \$remote_addr \"\$request\" \"\$http_user_agent\"';"
	echo "  access_log $NG/logs/access.log bench;"
	for t in client_body proxy fastcgi uwsgi scgi; do
		echo "  ${t}_temp_path $NG/tmp/$t;"
	done
	echo "  sendfile on; tcp_nopush on;"
	echo "  keepalive_requests 100000;"
	echo "  server {"
	for i in $(seq 1 "$HOSTS"); do echo "    listen 127.0.0.$i:$PORT;"; done
	echo "    root $WORK/www;"
	echo "  }"
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
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/f/00000.xml" && break
	sleep 0.1
done
curl -sfI "http://127.0.0.$HOSTS:$PORT/f/00001.xml" | grep -qi '^etag:' ||
    { log "nginx is not serving"; exit 1; }

ACCESS=$NG/logs/access.log
# first_request OFFSET: the first $msec logged after byte OFFSET, and the
# count of each status.
log_mark() { stat -c %s "$ACCESS"; }
log_window() {
	tail -c +$(($1 + 1)) "$ACCESS" | awk '
	    NR == 1 || $1 < first { first = $1 }
	    $1 > last { last = $1 }
	    { st[$2]++; bytes += $3 }
	    END { s = ""; for (k in st) s = s k ":" st[k] " ";
		printf "{\"first\": %.3f, \"last\": %.3f, \"statuses\": \"%s\", \"bytes\": %d}\n",
		    first, last, s, bytes }'
}

# --- feedd
POLITE=""
cat >"$WORK/probe.conf" <<EOF
[feedd]
database = $WORK/probe.db
listen = unix:$WORK/probe.sock
per_host_connections = $MAXCONN
host_delay = 0
EOF
if "$FEEDD" check-config -c "$WORK/probe.conf" >/dev/null 2>&1; then
	POLITE="per_host_connections = $MAXCONN
host_delay = 0"
	POLITE_NOTE="per_host_connections = $MAXCONN, host_delay = 0"
else
	POLITE_NOTE="(no per-host options in this build: its defaults)"
fi

RESULTS=$WORK/results.txt
: >"$RESULTS"
# record NAME N JSON-from-measure JSON-from-log
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"; }

feedd_cycle() {	# N DIR LABEL BINARY
	local n=$1 dir=$2 label=$3 bin=$4 mark res win
	mark=$(log_mark)
	res=$(python3 "$HERE/measure.py" feedd "$dir/feedd.db" "$n" "$TIMEOUT" \
	    -- ${FEEDD_WRAP:-} "$bin" -c "$dir/feedd.conf" 2>>"$dir/feedd.log")
	sleep 1.1	# nginx logs at the end of each request
	win=$(log_window "$mark")
	record "$label" "$n" "$res" "$win"
	log "$label $n: $res $win"
}

feedd_run() {	# N [BINARY NAME]: both cycles of feedd on the first N feeds
	local n=$1 bin=${2:-$FEEDD} name=${3:-feedd} dir=$WORK/feedd-$1
	rm -rf "$dir"
	mkdir -p "$dir"
	{
		echo "[feedd]"
		echo "database = $dir/feedd.db"
		echo "listen = unix:$dir/feedd.sock"
		echo "interval = 1h"
		echo "min_interval = 1s"
		echo "max_connections = $MAXCONN"
		[ -n "$POLITE" ] && echo "$POLITE"
		head -n "$n" "$WORK/feeds.list" | while read -r name url; do
			printf '\n[feed %s]\nurl = %s\n' "$name" "$url"
		done
	} >"$dir/feedd.conf"
	head -n "$n" "$WORK/feeds.list" | "$WORK/seed" "$dir/feedd.db"
	sync
	feedd_cycle "$n" "$dir" "$name 1st cycle" "$bin"
	# Every feed due again, this cycle's outcome cleared; validators stay.
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE feeds SET next_due = 1, last_attempt = 0, last_success = 0, failures = 0, last_error = NULL")
c.commit()' "$dir/feedd.db"
	feedd_cycle "$n" "$dir" "$name 2nd cycle" "$bin"
	[ "$KEEP" = 0 ] && rm -f "$dir"/feedd.db*
	return 0
}

# --- peers, on the first PEER_N feeds
peer() {	# LABEL ARGV...
	local label=$1 mark res win
	shift
	mark=$(log_mark)
	res=$(python3 "$HERE/measure.py" cmd -- "$@" 2>>"$WORK/peers.log")
	sleep 1.1
	win=$(log_window "$mark")
	record "$label" "$PEER_N" "$res" "$win"
	log "$label: $res $win"
}
head -n "$PEER_N" "$WORK/feeds.list" | cut -d' ' -f2 >"$WORK/urls"
newsboat_run() {	# THREADS
	local d=$WORK/newsboat-$1
	rm -rf "$d"
	mkdir -p "$d"
	printf 'reload-threads %s\n' "$1" >"$d/config"
	HOME=$d peer "newsboat reload-threads=$1" newsboat -x reload \
	    -u "$WORK/urls" -c "$d/cache.db" -C "$d/config"
	[ "$KEEP" = 0 ] && rm -rf "$d"
	return 0
}
sfeed_run() {	# MAXJOBS
	local d=$WORK/sfeed-$1
	rm -rf "$d"
	mkdir -p "$d/feeds"
	{
		echo "sfeedpath=\"$d/feeds\""
		echo "maxjobs=$1"
		echo "feeds() {"
		head -n "$PEER_N" "$WORK/feeds.list" | while read -r name url; do
			printf '\tfeed "%s" "%s"\n' "$name" "$url"
		done
		echo "}"
	} >"$d/sfeedrc"
	HOME=$d peer "sfeed_update maxjobs=$1" sfeed_update "$d/sfeedrc"
	[ "$KEEP" = 0 ] && rm -rf "$d"
	return 0
}
# The setting of LABEL-PREFIX with the shortest wall time so far.
best() {
	grep "^$1" "$RESULTS" | python3 -c 'import json, sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
rows.sort(key=lambda r: json.loads(r[2])["end"] - json.loads(r[2])["start"])
print(rows[0][0].split("=")[1] if rows else "")'
}

# 1. the peers' settings, each once; 2. ROUNDS rounds, side by side, of
# feedd, newsboat and sfeed at their best on the same PEER_N feeds;
# 3. feedd on every size of SIZES.
log "sweep: newsboat reload-threads $NB_THREADS; sfeed maxjobs $SF_JOBS"
for t in $NB_THREADS; do newsboat_run "$t"; done
for j in $SF_JOBS; do sfeed_run "$j"; done
# Empty NB_THREADS / SF_JOBS skip a peer (feedd alone): no best setting.
NB_BEST=$(best newsboat || true)
SF_BEST=$(best sfeed_update || true)
log "best: newsboat reload-threads=$NB_BEST, sfeed maxjobs=$SF_BEST"
for r in $(seq "$ROUNDS"); do
	echo "round $r" >>"$RESULTS"
	[ -n "${BASELINE:-}" ] &&
	    feedd_run "$PEER_N" "$BASELINE/feedd" feedd-baseline
	feedd_run "$PEER_N"
	[ -n "$NB_BEST" ] && newsboat_run "$NB_BEST"
	[ -n "$SF_BEST" ] && sfeed_run "$SF_BEST"
done
echo "sizes" >>"$RESULTS"
for n in $SIZES; do feedd_run "$n"; done

# --- the table
python3 - "$RESULTS" "$MAXCONN" "$HOSTS" "$POLITE_NOTE" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
path, maxconn, hosts, polite, ncpu, load = sys.argv[1:7]
print('feedd: max_connections = %s, %s; feeds spread over %s loopback '
      'addresses; %s CPUs, load average at the end %s'
      % (maxconn, polite, hosts, ncpu, load))
section = 'sweep (each setting once)'
def header():
    print()
    print('**%s**' % section)
    print()
    print('| run | feeds | responses | first request to done (s) '
          '| start to done (s) | CPU user+sys (s) | peak RSS (MB) '
          '| main thread on CPU / waiting for a CPU / idle (s) | result |')
    print('|---|---:|---|---:|---:|---:|---:|---|---|')
header()
for line in open(path):
    line = line.rstrip('\n')
    if '\t' not in line:
        section = {'sizes': 'feedd at each size'}.get(
            line, line + ': side by side, peers at their best setting')
        header()
        continue
    label, n, res, win = line.split('\t')
    r, w = json.loads(res), json.loads(win)
    cpu = r.get('user', 0) + r.get('sys', 0)
    if 'ok' in r:
        result = '%d ok, %d failed, %d entries stored' % (
            r['ok'], r['failed'], r['entries'])
        if r['done'] < int(n):
            result += ', TIMED OUT at %d' % r['done']
    else:
        result = 'exit %s' % r['rc']
    # feedd's wall time split by /proc/PID/schedstat (measure.py).
    split = ('%.2f / %.2f / %.2f' % (r['oncpu'], r['runqueue'],
             r['end'] - r['start'] - r['oncpu'] - r['runqueue'])
             if 'oncpu' in r else '')
    print('| %s | %s | %s | %.2f | %.2f | %.2f (%.2f+%.2f) | %.1f | %s | %s |' % (
        label, n, w['statuses'].strip(), r['end'] - w['first'],
        r['end'] - r['start'], cpu, r.get('user', 0), r.get('sys', 0),
        r.get('maxrss_kb', 0) / 1024, split, result))
PY
