#!/bin/sh
# polite.sh: feedd's manners as a publisher sees them.
#
# One origin.py listens on seven loopback addresses (127.0.0.1-7, seven
# "hosts" to feedd) with fault injection; feedd polls twenty-odd feeds
# on them every second (min_interval = 1s) with max_connections = 3,
# per_host_connections = 2, host_delay = 1s and max_size = 64k.  The
# origin's request log (arrival and end times, requests in progress,
# request headers) and feedd's database are then checked:
#
#   A 127.0.0.1  conditional requests with exact validators, 304s that
#                store nothing, User-Agent (default and per feed),
#                Accept-Encoding, no Cookie and no Referer
#   B 127.0.0.2  429 + Retry-After: 4 on one feed: no request to the host
#                for 4 s, from either of its feeds
#   C 127.0.0.3  500, 500, 500, then 200: back-off 1, 2, 4 s, then 1 s
#   D 127.0.0.4  a 301 -> 308 chain (adopted after 3 fetches) and a 302
#                (never adopted)
#   E 127.0.0.5  bodies over the cap: Content-Length, chunked, gzip bomb
#   F 127.0.0.6  a server that accepts and never answers
#   G 127.0.0.7  hints (Cache-Control max-age=30, RSS <ttl>1</ttl>) and a
#                410 Gone
#
# and after a restart, no feed is fetched before its saved due time.
# Per-host spacing and the global cap are checked over the whole log.
# The trickling body and the connect/total timeouts need minutes at their
# real values: tests/unit/test_fetch.c covers them with short ones.
#
# Everything happens in a mktemp -d directory that the EXIT trap removes.
# About 25 s when all is well.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/../..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/../..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

. "$top_srcdir/tests/regress/lib.sh"

WAIT=25
feedd=$top_builddir/feedd

tap_plan 27

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-polite.XXXXXX") || tap_bail "mktemp -d failed"
feedd_pid=
origin_pid=

cleanup() {
	if [ -n "$feedd_pid" ] && alive "$feedd_pid"; then
		kill -KILL "$feedd_pid" 2>/dev/null
	fi
	if [ -n "$origin_pid" ] && alive "$origin_pid"; then
		kill -KILL "$origin_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

show_logs() {
	[ "$tap_failed" -gt 0 ] || [ "$1" = force ] || return 0
	[ -z "$logs_shown" ] || return 0
	logs_shown=1
	diag_file "$work/feedd.log" 300
	diag_file "$work/origin.log" 300
}

bail() {
	show_logs force
	tap_bail "$1"
}

[ -x "$feedd" ] || bail "$feedd is not built"
# Other loopback addresses than 127.0.0.1 must be usable.
"$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.7", 0))
s.close()' 2>/dev/null ||
    tap_skip_all "cannot bind 127.0.0.7 (loopback is not 127.0.0.0/8)"

# --- the documents and the faults

mkdir "$work/www" || bail "mkdir"

# rss FILE TITLE [TTL]: a small RSS 2.0 document with two items.
rss() {
	_ttl=
	[ -n "$3" ] && _ttl="<ttl>$3</ttl>"
	cat >"$work/www/$1" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>$2</title>
<link>http://example.org/$2</link>$_ttl
<item><title>$2 one</title><link>http://example.org/$2/1</link>
<guid>$2-1</guid><pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>$2 two</title><link>http://example.org/$2/2</link>
<guid>$2-2</guid><pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>
EOF
}

for f in cond ua cookie b1 b2 c1 m3 t3 hang cc; do
	rss "$f.rss" "$f"
done
rss ttl.rss ttl 1

cat >"$work/faults.json" <<'EOF'
{
 "/cookie.rss": {"headers": {"Set-Cookie": "session=abc; Path=/"}},
 "/b1.rss": [{"status": 429, "headers": {"Retry-After": "4"}}, {}],
 "/c1.rss": [{"status": 500}, {"status": 500}, {"status": 500}, {}],
 "/m1.rss": {"status": 301, "location": "/m2.rss"},
 "/m2.rss": {"status": 308, "location": "/m3.rss"},
 "/t1.rss": {"status": 302, "location": "/t3.rss"},
 "/big-cl.rss": {"size": 1048576, "mode": "length"},
 "/big-ch.rss": {"size": 1048576, "mode": "chunked"},
 "/bomb.rss": {"size": 8388608, "mode": "gzip"},
 "/hang.rss": {"hang": true},
 "/cc.rss": {"headers": {"Cache-Control": "max-age=30"}},
 "/gone.rss": {"status": 410}
}
EOF

origin_log=$work/origin.log
: >"$origin_log"
"$PYTHON3" "$regress_dir/origin.py" --dir "$work/www" \
    --port-file "$work/origin.port" --log "$origin_log" \
    --faults "$work/faults.json" --bind 127.0.0.1 --bind 127.0.0.2 \
    --bind 127.0.0.3 --bind 127.0.0.4 --bind 127.0.0.5 --bind 127.0.0.6 \
    --bind 127.0.0.7 2>"$work/origin.err" &
origin_pid=$!
if ! wait_for 10 test -s "$work/origin.port"; then
	diag_file "$work/origin.err"
	bail "the origin server did not start"
fi
P=$(cat "$work/origin.port")

# --- feedd

feed() {
	printf '\n[feed %s]\nurl = http://127.0.0.%s:%s/%s.rss\n' "$1" "$2" \
	    "$P" "$1"
	[ -z "$3" ] || printf '%s\n' "$3"
}

{
	cat <<EOF
; written by polite.sh
[feedd]
database = $work/feedd.db
listen = unix:$work/feedd.sock
interval = 1s
min_interval = 1s
max_interval = 1h
max_connections = 3
per_host_connections = 2
host_delay = 1s
max_size = 64k
log_level = debug
EOF
	feed cond 1
	feed ua 1 "user_agent = polite-test/1.0 (per feed)"
	feed cookie 1
	feed b1 2
	feed b2 2
	feed c1 3
	feed m1 4
	feed t1 4
	feed big-cl 5
	feed big-ch 5
	feed bomb 5
	feed hang 6
	feed cc 7
	feed ttl 7
	feed gone 7
} >"$work/feedd.conf"

start_feedd() {
	rm -f "$work/feedd.sock"
	env -u JOURNAL_STREAM "$feedd" -c "$work/feedd.conf" -d \
	    2>>"$work/feedd.log" &
	feedd_pid=$!
	wait_for 10 test -S "$work/feedd.sock" && ! dead "$feedd_pid"
}

start_feedd
tap_ok $? "feedd starts with 15 feeds on 7 loopback hosts" ||
    bail "feedd is not running"

# --- helpers over the origin log and the database

# report PROGRAM [ARGS]: runs a Python check over the origin log (parsed
# into dicts, in log order: reqs) that prints why it fails, if it does.
report() {
	_prog=$1
	shift
	"$PYTHON3" - "$origin_log" "$@" <<EOF
import sys
reqs = []
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.split()
    if len(f) < 4:
        continue
    r = {"method": f[0], "path": f[1], "status": int(f[2])}
    for kv in f[3:]:
        k, _, v = kv.partition("=")
        r[k] = v
    for k in ("t", "te"):
        r[k] = float(r.get(k, 0))
    for k in ("active", "hactive"):
        r[k] = int(r.get(k, 0))
    if r["status"] == 0:
        r["te"] = float("inf")     # a hung request never ends
    reqs.append(r)
# Log lines are written when a response ends: by arrival for sequences.
byt = sorted(reqs, key=lambda r: r["t"])
def in_progress(r, same_host=False):
    # Requests that arrived before r and were still going when it came
    # (r included).  te is when the server wrote its log line, a little
    # after the client saw the end (an aborted body is noticed at the
    # next write): 20 ms of slack.
    return sum(1 for q in reqs if q["t"] <= r["t"] and
               q["te"] > r["t"] + 0.02 and
               (not same_host or q["host"] == r["host"]) or q is r)
args = sys.argv[2:]
def of(path):
    return [r for r in byt if r["path"] == path]
def fail(msg):
    print(msg)
    sys.exit(1)
$_prog
EOF
}

db() {
	"$PYTHON3" - "$work/feedd.db" "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5)
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}

count() {
	grep -Ec -- "$1" "$origin_log" 2>/dev/null || true
}

# --- phase 1: wait for every story to play out

phase1_done() {
	# c1 recovered and polled again, m1 adopted and polled directly,
	# b1 back after its hold, cond conditional twice.
	[ "$(count '^GET /c1\.rss (200|304) ')" -ge 2 ] &&
	    [ "$(count '^GET /m3\.rss ')" -ge 4 ] &&
	    [ "$(count '^GET /m1\.rss ')" -ge 3 ] &&
	    [ "$(count '^GET /b1\.rss (200|304) ')" -ge 1 ] &&
	    [ "$(count '^GET /cond\.rss 304 ')" -ge 2 ] &&
	    [ "$(count '^GET /t1\.rss ')" -ge 4 ] &&
	    [ "$(count '^GET /hang\.rss ')" -ge 1 ]
}
wait_for "$WAIT" phase1_done
tap_ok $? "within ${WAIT}s every scenario played out" || show_logs force

# --- A: conditional requests, 304, headers

tap_check "cond: after the first 200, requests carry If-None-Match and If-Modified-Since exactly as served, and get 304" report '
rs = of("/cond.rss")
if not rs or rs[0]["status"] != 200 or rs[0]["cond"] != "none":
    fail("first request not an unconditional 200: %s" % rs[:1])
etag, lm = rs[0]["etag"], rs[0]["lm"]
for r in rs[1:]:
    if r["cond"] != "inm+ims" or r["inm"] != etag or r["ims"] != lm:
        fail("request not conditional with the exact validators: %s" % r)
    if r["status"] != 304:
        fail("not a 304: %s" % r)
if len(rs) < 3:
    fail("only %d requests" % len(rs))'

n200=$(count '^GET /cond\.rss 200 ')
n304=$(count '^GET /cond\.rss 304 ')
parsed=$(grep -Ec '^feedd: [a-z]+: feed cond: ([0-9]+ new entr(y|ies)|no new entries)' \
    "$work/feedd.log")
notmod=$(grep -Ec '^feedd: [a-z]+: feed cond: not modified' "$work/feedd.log")
entries=$(db "SELECT count(*) FROM entries e JOIN feeds f ON e.feed_id = f.id WHERE f.name = 'cond'")
[ "$parsed" -eq "$n200" ] && [ "$notmod" -ge "$n304" ] &&
    [ "$n304" -ge 2 ] && [ "$entries" = 2 ]
tap_ok $? "cond: a 304 costs no parse and stores nothing ($n200 x 200 parsed $parsed times, $n304 x 304, $entries entries)" ||
    diag "parsed=$parsed notmod=$notmod entries=$entries"

version=$("$feedd" --version | sed 's/^feedd //')
tap_check "User-Agent: feedd/$version (+https://github.com/feedd/feedd) by default, the feed's own where set" report '
want = "feedd/%s_(+https://github.com/feedd/feedd)" % args[0]
for r in reqs:
    exp = "polite-test/1.0_(per_feed)" if r["path"] == "/ua.rss" else want
    if r["ua"] != exp:
        fail("ua %s, want %s: %s %s" % (r["ua"], exp, r["path"], r["host"]))
if not of("/ua.rss"):
    fail("no request for /ua.rss")' "$version"

tap_check "Accept-Encoding offers gzip and deflate; no request carries Cookie (after a Set-Cookie) or Referer (after redirects)" report '
for r in reqs:
    ae = r["ae"].replace("_", "").split(",")
    if "gzip" not in ae or "deflate" not in ae:
        fail("Accept-Encoding %s: %s" % (r["ae"], r["path"]))
    hdrs = r["hdrs"].split(",")
    if "cookie" in hdrs or "referer" in hdrs:
        fail("sent %s: %s" % (r["hdrs"], r["path"]))
if len(of("/cookie.rss")) < 2:
    fail("cookie.rss fetched fewer than twice")'

# --- B: 429 with Retry-After holds the whole host

tap_check "429 Retry-After: 4 on b1: no request to 127.0.0.2 (b1 nor b2) for 4 s, then both are polled again" report '
r429 = [r for r in reqs if r["path"] == "/b1.rss" and r["status"] == 429]
if len(r429) != 1:
    fail("%d 429s" % len(r429))
te = r429[0]["te"]
later = [r for r in reqs if r["host"] == "127.0.0.2" and r["t"] > te]
early = [r for r in later if r["t"] < te + 4 - 0.05]
if early:
    fail("requests %.2f s after the 429: %s" % (early[0]["t"] - te, early[0]))
for p in ("/b1.rss", "/b2.rss"):
    if not [r for r in later if r["path"] == p]:
        fail("%s not polled after the hold" % p)'

st=$(db "SELECT failures, error_class, http_status FROM feeds WHERE name = 'b1'")
[ "$st" = "0||200" ] || [ "$st" = "0||304" ]
tap_ok $? "b1's state after recovery: no failures, no error class, HTTP 200/304 ($st)"

# --- C: back-off

tap_check "500, 500, 500: the gaps double (1, 2, 4 s, jitter at most 10%); the first 200 brings back the 1 s interval" report '
rs = of("/c1.rss")
st = [r["status"] for r in rs]
if st[:4] != [500, 500, 500, 200] or len(rs) < 5:
    fail("statuses %s" % st)
g = [rs[i + 1]["t"] - rs[i]["te"] for i in range(4)]
print("gaps: " + ", ".join("%.2f" % x for x in g))
# Up to 10% of jitter, and a little time to connect (and to wait for
# one of the 2 connections the hung request leaves under a busy machine).
for i, want in enumerate((1, 2, 4)):
    if not (want - 0.05 <= g[i] <= want * 1.1 + 0.6):
        fail("gap %d is %.2f s, want %d s + up to 10%%" % (i + 1, g[i], want))
if g[3] > 1.1 + 0.6:
    fail("after the success the gap is %.2f s" % g[3])'

st=$(db "SELECT failures, error_class, last_error FROM feeds WHERE name = 'c1'")
tap_ok "$([ "$st" = "0||" ] && echo 0 || echo 1)" \
    "c1's state after recovery: 0 failures, no error ($st)"

# --- D: redirects

tap_check "301 -> 308 chain: m1 is requested on exactly 3 fetches, then m3 directly" report '
rs = [r for r in byt if r["path"] in ("/m1.rss", "/m2.rss", "/m3.rss")]
seq = [r["path"] for r in rs]
n1 = seq.count("/m1.rss")
if n1 != 3:
    fail("m1 requested %d times: %s" % (n1, seq))
last = max(i for i, p in enumerate(seq) if p == "/m1.rss")
if seq[last:last + 3] != ["/m1.rss", "/m2.rss", "/m3.rss"]:
    fail("chain: %s" % seq)
if "/m3.rss" not in seq[last + 3:]:
    fail("m3 not polled directly: %s" % seq)'

st=$(db "SELECT current_url, redirect_target, redirect_seen FROM feeds WHERE name = 'm1'")
[ "$st" = "http://127.0.0.4:$P/m3.rss||0" ] &&
    grep -q "feed m1: moved permanently" "$work/feedd.log"
tap_ok $? "m1's state shows the adopted URL ($st), and the change was logged"

tap_check "302: t1 keeps being requested at its own URL" report '
seq = [r["path"] for r in byt if r["path"] in ("/t1.rss", "/t3.rss")]
n1, n3 = seq.count("/t1.rss"), seq.count("/t3.rss")
if n1 < 4 or n3 < n1 - 1 or n3 > n1:
    fail("%s" % seq)'
st=$(db "SELECT coalesce(current_url, 'none'), coalesce(redirect_target, 'none') FROM feeds WHERE name = 't1'")
[ "$st" = "none|none" ]
tap_ok $? "t1's state keeps no current_url nor redirect candidate ($st)"

# --- E: the body cap

for f in big-cl big-ch bomb; do
	st=$(db "SELECT error_class, last_error FROM feeds WHERE name = '$f'")
	[ "$st" = "size|response larger than 65536 bytes" ]
	tap_ok $? "$f: aborted at the cap ($st)"
done
e=$(db "SELECT count(*) FROM entries e JOIN feeds f ON e.feed_id = f.id WHERE f.name IN ('big-cl', 'big-ch', 'bomb')")
tap_ok "$([ "$e" = 0 ] && echo 0 || echo 1)" \
    "nothing stored from the capped bodies ($e entries)"

# --- F: the silent server

tap_check "a server that accepts and never answers delays nobody: other feeds are polled on time meanwhile" report '
h = [r for r in reqs if r["path"] == "/hang.rss"]
if len(h) != 1:
    fail("hang requested %d times" % len(h))
t0 = h[0]["t"]
after = [r for r in reqs if r["t"] > t0 and r["host"] != "127.0.0.6"]
span = max(r["t"] for r in reqs) - t0
if span < 5:
    fail("only %.1f s of log after the hang" % span)
if len(after) < 1.5 * span:
    fail("%d requests in %.1f s after the hang" % (len(after), span))
c = [r for r in after if r["path"] == "/cond.rss"]
if len(c) < 2:
    fail("cond polled %d times after the hang" % len(c))'

# --- G: hints and 410

n=$(count '^GET /cc\.rss ')
tap_ok "$([ "$n" -eq 1 ] && echo 0 || echo 1)" \
    "Cache-Control: max-age=30 widens the 1 s interval (cc fetched $n times)"
n=$(count '^GET /ttl\.rss ')
tap_ok "$([ "$n" -eq 1 ] && echo 0 || echo 1)" \
    "RSS <ttl>1</ttl> widens the 1 s interval to a minute (ttl fetched $n times)"
n=$(count '^GET /gone\.rss ')
st=$(db "SELECT gone, error_class, http_status FROM feeds WHERE name = 'gone'")
[ "$n" -eq 1 ] && [ "$st" = "1|gone|410" ]
tap_ok $? "410 Gone: fetched once, then never again; the state says so ($st)"

# --- politeness over the whole log

tap_check "per host: requests start at least host_delay (1 s) apart and at most 2 are in progress" report '
hosts = {}
for r in reqs:
    hosts.setdefault(r["host"], []).append(r)
for h, rs in sorted(hosts.items()):
    if h == "127.0.0.4":
        continue    # the hops of one redirected fetch come at once
    # Arrivals at the server: a request on a new connection arrives a
    # little later than one on a reused connection, later still on a
    # busy machine, which shortens the gap after it.  Any arrival may be
    # up to 0.3 s late; k requests on, the pacing must show in full.
    ts = sorted(r["t"] for r in rs)
    for i in range(len(ts)):
        for j in range(i + 1, len(ts)):
            if ts[j] - ts[i] < (j - i) - 0.3:
                fail("%s: request %d %.3f s after request %d" %
                     (h, j, ts[j] - ts[i], i))
for r in reqs:
    n = in_progress(r, True)
    if n > 2:
        fail("%d in progress at %s when %s came" % (n, r["host"], r["path"]))'

tap_check "overall: never more than max_connections (3) requests in progress" report '
m = max(in_progress(r) for r in reqs)
print("most in progress at once: %d" % m)
if m > 3:
    fail("%d requests in progress" % m)'

# --- restart: nothing before it is due

stop_pid "$feedd_pid" 5
st=$?
feedd_pid=
tap_ok $st "SIGTERM: feedd stops"
mark=$(wc -l <"$origin_log")
db "SELECT name, next_due FROM feeds WHERE gone = 0" >"$work/due.txt"
t_restart=$(date +%s)
start_feedd || bail "feedd did not restart"
# Long enough for every 1 s feed to come due again.
sleep 4
tap_check "after a restart no feed is fetched before its saved due time (cc, ttl and gone not at all)" report '
due = {}
for line in open(args[0]):
    name, _, t = line.strip().partition("|")
    due[name] = int(t)
port = args[2]
polled = set()
for r in reqs[int(args[1]):]:
    name = r["path"][1:].rsplit(".", 1)[0]
    if name in ("m3",):
        name = "m1"
    if name in ("t3", "m2"):
        continue
    polled.add(name)
    if name not in due:
        fail("unexpected %s" % r["path"])
    if r["t"] < due[name] - 0.05:
        fail("%s fetched %.2f s before due" % (name, due[name] - r["t"]))
for name in ("cc", "ttl", "gone"):
    if name in polled:
        fail("%s fetched after the restart" % name)
if "cond" not in polled:
    fail("cond not polled after the restart")' "$work/due.txt" "$mark" "$P"

stop_pid "$feedd_pid" 5
feedd_pid=
# Warnings are expected here (failing feeds); no sanitizer reports.
if grep -En 'runtime error:|Sanitizer' "$work/feedd.log" >"$work/bad.log"
then
	diag_file "$work/bad.log"
	st=1
else
	st=0
fi
tap_ok $st "no sanitizer reports"

stop_pid "$origin_pid" 5
origin_pid=

show_logs
[ "$tap_failed" -eq 0 ]
