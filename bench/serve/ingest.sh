#!/bin/bash
# bench/serve/ingest.sh: serving latency while the daemon ingests a poll
# cycle (issue 18, bar 3: p99 under 5 ms; a reader must not wait for a
# parse).
#
#   BUILD=/path/to/build [BASE=/path/to/other/build] bench/serve/ingest.sh
#
# Needs what run.sh and bench/scale/run.sh need (nginx, wrk, curl,
# python3).  What it does:
#  1. the database of run.sh (fill.c: ENTRIES entries, feeds due only
#     tomorrow), plus NFEEDS feeds written by bench/scale/gen.py and
#     served by nginx on 16 loopback addresses, registered (seed.c) and
#     then set due tomorrow as well: feedd starts idle;
#  2. feedd (TCP for wrk, a Unix socket for POST /refresh);
#  3. REPEAT rounds of: wrk on /feed.atom with nothing else going on
#     ("idle"), then wrk again while a poll cycle runs ("ingest"):
#     after LEAD seconds of wrk, every one of the NFEEDS feeds is asked
#     to refresh (POST /refresh?feed=NAME over the Unix socket), and each
#     round's documents are new (ids and links renamed per round), so
#     every fetch is a 200 with entries to parse and store;
#     the same two runs against nginx serving feedd's /feed.atom as a
#     static file (the same bytes; feedd ingesting during the second),
#     for the latency this machine allows a static server meanwhile;
#  4. prints requests/s and latency percentiles (wrk --latency) of each,
#     medians over the rounds, with how many entries each cycle stored
#     and how long it took (from the first request nginx logged to the
#     last).
# With BASE, the other build is measured the same way, in the same
# rounds, on its own copy of the database.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CORPUS=${CORPUS:-$SRC/../shared/corpus/realworld}
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/realworld
ENTRIES=${ENTRIES:-100000}
NFEEDS=${NFEEDS:-1000}
HOSTS=16
DURATION=${DURATION:-12}
LEAD=${LEAD:-2}
THREADS=${THREADS:-1}
CONNS=${CONNS:-16}
REPEAT=${REPEAT:-3}
KEEP=${KEEP:-0}
: "${BUILD:?BUILD=/path/to/a/feedd/build}"

WORK=$(mktemp -d /tmp/feedd-ingest.XXXXXX)
chmod 755 "$WORK"
PIDS=
cleanup() {
	for p in $PIDS; do
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

for t in fill:"$HERE/fill.c" seed:"$SRC/bench/scale/seed.c"; do
	cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRC" -I"$BUILD" -o "$WORK/${t%%:*}" \
	    "${t#*:}" "$BUILD/libstorage.a" "$BUILD/libparsers.a" \
	    "$BUILD/libbase.a" \
	    $(pkg-config --libs sqlite3 libxml-2.0 jansson) -lm
done

# --- the documents to ingest, and nginx serving them
NPORT=$(freeport)
python3 "$SRC/bench/scale/gen.py" "$CORPUS" "$WORK/gen" "$NFEEDS" "$HOSTS" \
    "$NPORT" | sed 's/^f/p/' >"$WORK/poll.list"
# round R's documents: every feed's ids and hosts renamed, so that all
# of its entries are new to the store.
mkround() {
	python3 - "$WORK/gen/f" "$WORK/www/f" "$1" <<'EOF'
import os, sys
src, dst, r = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    i = int(name[:-4])
    d = open(os.path.join(src, name), 'rb').read()
    for sep in (b'.', b'-'):
        d = d.replace(b'f%d%s' % (i, sep), b'r%sf%d%s' % (r.encode(), i, sep))
    tmp = os.path.join(dst, name + '.tmp')
    open(tmp, 'wb').write(d)
    os.rename(tmp, os.path.join(dst, name))
EOF
	chmod -R a+rX "$WORK/www"
}
mkround 0
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
	echo "  log_format bench '\$msec \$status';"
	echo "  access_log $NG/logs/access.log bench;"
	for t in client_body proxy fastcgi uwsgi scgi; do
		echo "  ${t}_temp_path $NG/tmp/$t;"
	done
	echo "  sendfile on; tcp_nopush on;"
	echo "  keepalive_requests 100000;"
	echo "  server {"
	for i in $(seq 1 "$HOSTS"); do echo "    listen 127.0.0.$i:$NPORT;"; done
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
PIDS="$PIDS $!"
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$NPORT/f/00000.xml" && break
	sleep 0.1
done

# --- the database: served entries, then the feeds to poll, idle
log "storing $ENTRIES entries"
"$WORK/fill" "$WORK/feedd.db" "$ENTRIES" "$CORPUS"/*.xml >"$WORK/feeds.list"
"$WORK/seed" "$WORK/feedd.db" <"$WORK/poll.list" >/dev/null
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE feeds SET next_due = ?", (int(time.time()) + 86400,))
c.commit()' "$WORK/feedd.db"

# start NAME FEEDD: feedd on a copy of the database; sets ${NAME}_URL
# and ${NAME}_SOCK.
start() {
	local name=$1 dir=$WORK/$1 port pid
	mkdir -p "$dir"
	cp "$WORK/feedd.db" "$dir/feedd.db"
	port=$(freeport)
	{
		echo "[feedd]"
		echo "database = $dir/feedd.db"
		echo "listen = 127.0.0.1:$port"
		echo "listen = unix:$dir/feedd.sock"
		echo "interval = 24h"
		echo "max_connections = 16"
		echo "per_host_connections = 16"
		echo "host_delay = 0"
		echo "log_level = warning"
		cat "$WORK/feeds.list" "$WORK/poll.list" | while read -r n u; do
			printf '\n[feed %s]\nurl = %s\n' "$n" "$u"
		done
	} >"$dir/feedd.conf"
	"$2/feedd" -c "$dir/feedd.conf" 2>"$dir/feedd.log" &
	pid=$!
	PIDS="$PIDS $pid"
	for _ in $(seq 300); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
		sleep 0.1
	done
	curl -sf -o /dev/null "http://127.0.0.1:$port/feed.atom"
	eval "${name}_URL=http://127.0.0.1:$port/feed.atom"
	eval "${name}_SOCK=$dir/feedd.sock"
	eval "${name}_DB=$dir/feedd.db"
}
start feedd "$BUILD"
[ -n "${BASE:-}" ] && start base "$BASE"

# --- a second nginx (one worker) serving feedd's /feed.atom as a file:
# the same bytes, for the latency a static server gets on this machine
# while feedd ingests.
SPORT=$(freeport)
SG=$WORK/nginx-feed
mkdir -p "$SG/logs" "$SG/tmp" "$WORK/www-feed"
curl -sf -o "$WORK/www-feed/feed.atom" "$feedd_URL"
chmod -R a+rX "$WORK/www-feed"
{
	echo "worker_processes 1;"
	echo "pid $SG/logs/nginx.pid;"
	echo "daemon off;"
	echo "error_log $SG/logs/error.log;"
	echo "events { worker_connections 1024; }"
	echo "http {"
	echo "  types { application/atom+xml atom; }"
	echo "  charset utf-8; charset_types application/atom+xml;"
	echo "  access_log off;"
	for t in client_body proxy fastcgi uwsgi scgi; do
		echo "  ${t}_temp_path $SG/tmp/$t;"
	done
	echo "  sendfile on; tcp_nopush on;"
	echo "  keepalive_requests 1000000;"
	echo "  server { listen 127.0.0.1:$SPORT; root $WORK/www-feed; }"
	echo "}"
} >"$SG/nginx.conf"
[ "$(id -u)" = 0 ] && chown -R nobody "$SG/logs" "$SG/tmp"
$RUNAS nginx -p "$SG" -c "$SG/nginx.conf" -e "$SG/logs/error.log" &
PIDS="$PIDS $!"
nginx_URL=http://127.0.0.1:$SPORT/feed.atom
for _ in $(seq 50); do
	curl -sf -o /dev/null "$nginx_URL" && break
	sleep 0.1
done
cmp -s <(curl -sf "$nginx_URL") <(curl -sf "$feedd_URL") ||
    { log "nginx and feedd do not serve the same bytes"; exit 1; }
uptime >&2

# refresh SOCK: asks for every polled feed over one connection.
refresh() {
	python3 - "$1" "$WORK/poll.list" <<'EOF'
import http.client, socket, sys
class Unix(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(self.host)
c = Unix(sys.argv[1])
c.host = sys.argv[1]
for line in open(sys.argv[2]):
    c.request('POST', '/refresh?feed=' + line.split()[0],
              headers={'Host': 'localhost', 'Content-Length': '0'})
    r = c.getresponse()
    r.read()
    if r.status != 202:
        sys.exit('refresh: %d' % r.status)
EOF
}

RES=$WORK/results.txt
: >"$RES"
# bench LABEL URL [SOCK DB]: one wrk run; with SOCK, a cycle during it.
ROUND=0
bench() {
	local label=$1 url=$2 sock=${3:-} db=${4:-} out mark e0 e1 win rpid=
	mark=$(stat -c %s "$NG/logs/access.log")
	if [ -n "$sock" ]; then
		ROUND=$((ROUND + 1))
		mkround "$ROUND"
		e0=$(sqlite3_count "$db")
		(sleep "$LEAD"; refresh "$sock") &
		rpid=$!
	fi
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$url")
	[ -z "$rpid" ] || wait "$rpid"
	echo "$out" >>"$WORK/wrk.log"
	if [ -n "$sock" ]; then
		sleep 1.1	# nginx logs at the end of each request
		e1=$(sqlite3_count "$db")
		win=$(tail -c +$((mark + 1)) "$NG/logs/access.log" | awk '
		    NR == 1 || $1 < f { f = $1 } $1 > l { l = $1 }
		    END { printf "%d\t%.2f", NR, l - f }')
	else
		e1=0 e0=0 win=$(printf '0\t0')
	fi
	echo "$out" | awk -v l="$label" -v e=$((e1 - e0)) -v w="$win" '
	    /Requests\/sec:/ { rps = $2 }
	    /^ +50%/ { p50 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
	    /Latency/ && !lat { max = $4; lat = 1 }
	    /Non-2xx or 3xx/ { bad = $NF }
	    END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", l, rps, p50,
		p90, p99, max, bad + 0, e, w }' >>"$RES"
	log "$(tail -n 1 "$RES")"
}
sqlite3_count() {
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM entries").fetchone()[0])' "$1"
}

for _ in $(seq "$REPEAT"); do
	if [ -n "${BASE:-}" ]; then
		bench "base idle" "$base_URL"
		bench "base ingest" "$base_URL" "$base_SOCK" "$base_DB"
	fi
	bench "feedd idle" "$feedd_URL"
	bench "feedd ingest" "$feedd_URL" "$feedd_SOCK" "$feedd_DB"
	bench "nginx idle" "$nginx_URL"
	# wrk on nginx while feedd ingests a cycle
	bench "nginx ingest" "$nginx_URL" "$feedd_SOCK" "$feedd_DB"
done
uptime >&2

python3 - "$RES" "$THREADS" "$CONNS" "$DURATION" "$REPEAT" "$NFEEDS" <<'EOF'
import statistics, sys
path, threads, conns, dur, rep, nfeeds = sys.argv[1:7]
def ms(s):
    for suf, k in (('us', 1e-3), ('ms', 1.0), ('s', 1e3)):
        if s.endswith(suf):
            return float(s[:-len(suf)]) * k
    return float(s)
runs = {}
for line in open(path):
    f = line.rstrip('\n').split('\t')
    runs.setdefault(f[0], []).append((float(f[1]), ms(f[2]), ms(f[3]),
        ms(f[4]), ms(f[5]), int(f[6]), int(f[7]), int(f[8]), float(f[9])))
print('/feed.atom during a poll cycle of %s feeds; wrk -t%s -c%s -d%ss '
      '--latency, median of %s rounds' % (nfeeds, threads, conns, dur, rep))
print()
print('| server | while | requests/s | p50 (ms) | p90 (ms) | p99 (ms) '
      '| p99 of each round (ms) | max (ms) | entries stored | cycle (s) '
      '| errors |')
print('|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|')
for label in ('base idle', 'base ingest', 'feedd idle', 'feedd ingest',
              'nginx idle', 'nginx ingest'):
    r = runs.get(label)
    if not r:
        continue
    m = lambda k: statistics.median(x[k] for x in r)
    b, w = label.split()
    print('| %s | %s | %.0f | %.2f | %.2f | %.2f | %s | %.1f | %s | %s | %d |'
          % (b, w, m(0), m(1), m(2), m(3),
             ' '.join('%.2f' % x[3] for x in r), m(4),
             '%.0f' % m(6) if w == 'ingest' else '',
             '%.1f' % m(8) if w == 'ingest' else '', sum(x[5] for x in r)))
EOF
