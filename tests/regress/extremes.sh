#!/bin/sh
# extremes.sh: what a hostile publisher's numbers and bytes do to the real
# daemon.
#
# origin.py (with fault injection) serves, on loopback, the extremes of
# every numeric hint feedd reads: Retry-After of 2^63-1, past 2^63, of 30
# digits, negative and dated in year 9999 (each on its own address, since
# a Retry-After holds the whole host); <ttl> of 2000000000 and 2^63-1,
# sy:updatePeriod yearly with a frequency of 2^31-1; Cache-Control
# max-age of 2^63-1 and Expires in 9999; entry and channel dates in
# years 1 and 9999; enclosure lengths and JSON Feed numbers at the ends
# of int64; HTTP statuses 599 and 999; a 500 whose body is 256 MiB, sent
# with a Content-Length and chunked; and a JSON Feed whose parse error
# quotes an escape byte.  Then:
#
#  - feedd is still running (the sanitizer build, -fno-sanitize-recover,
#    dies on the first signed overflow);
#  - every hint saturates to max_interval (1 day here), in /status;
#  - at most 16 MiB of each error body left the origin (the cap is
#    64 KiB; the rest is socket buffers), and the feed failed with
#    "HTTP 500";
#  - no date of the merged feed lies in the future;
#  - the escape byte reached neither the log nor `feedd status`, which
#    show it as \x1b.
#
# Everything happens in a mktemp -d directory that the EXIT trap removes.
# A few seconds when all is well.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/../..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/../..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

. "$top_srcdir/tests/regress/lib.sh"

feedd=$top_builddir/feedd

tap_plan 9

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-extremes.XXXXXX") || tap_bail "mktemp -d failed"
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
	diag_file "$work/feedd.log" 200
	diag_file "$work/origin.log" 100
}

bail() {
	show_logs force
	tap_bail "$1"
}

[ -x "$feedd" ] || bail "$feedd is not built"
"$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.6", 0))
s.close()' 2>/dev/null ||
    tap_skip_all "cannot bind 127.0.0.6 (loopback is not 127.0.0.0/8)"

# --- the documents and the faults

mkdir "$work/www" || bail "mkdir"
Y9999="Fri, 31 Dec 9999 23:59:59 GMT"
Y0001="Mon, 01 Jan 0001 00:00:00 GMT"

# rss FILE CHANNEL-EXTRA: an RSS 2.0 document dated at both ends of time.
rss() {
	cat >"$work/www/$1" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel><title>$1</title><link>http://example.org/$1</link>
<lastBuildDate>$Y9999</lastBuildDate><pubDate>$Y9999</pubDate>$2
<item><title>$1 late</title><link>http://example.org/$1/1</link>
<guid>$1-1</guid><pubDate>$Y9999</pubDate>
<enclosure url="http://example.org/a.mp3" type="audio/mpeg"
 length="99999999999999999999999999"/></item>
<item><title>$1 early</title><link>http://example.org/$1/2</link>
<guid>$1-2</guid><pubDate>$Y0001</pubDate>
<enclosure url="http://example.org/b.mp3" type="audio/mpeg"
 length="9223372036854775807"/></item>
</channel></rss>
EOF
}

rss plain.rss ""
rss ttl1.rss "<ttl>2000000000</ttl>"
rss ttl2.rss "<ttl>9223372036854775807</ttl>"
rss sy.rss "<sy:updatePeriod>yearly</sy:updatePeriod>
<sy:updateFrequency>2147483647</sy:updateFrequency>"
rss skip.rss "<skipHours><hour>99999999999999999999</hour><hour>-1</hour>
</skipHours><skipDays><day>Someday</day></skipDays>"
for f in cc ex s599 s999 ra1 ra2 ra3 ra4 ra5 e500 e500c; do
	rss "$f.rss" ""
done
cat >"$work/www/nums.json" <<EOF
{"version": "https://jsonfeed.org/version/1.1", "title": "nums",
 "items": [{"id": 9223372036854775807, "title": "n",
  "date_published": "9999-12-31T23:59:59Z",
  "attachments": [{"url": "http://example.org/c.mp3",
   "mime_type": "audio/mpeg", "size_in_bytes": 9223372036854775807,
   "duration_in_seconds": -9223372036854775808}]},
  {"id": -9223372036854775808, "title": "m",
   "date_published": "0001-01-01T00:00:00Z"}]}
EOF
printf '{"version": "https://jsonfeed.org/version/1.1", "title": "esc", \033[31mX' \
    >"$work/www/esc.json"

cat >"$work/faults.json" <<EOF
{
 "/cc.rss": {"headers": {"Cache-Control": "public, max-age=9223372036854775807"}},
 "/ex.rss": {"headers": {"Cache-Control": "public", "Expires": "$Y9999"}},
 "/s599.rss": {"status": 599, "body": "odd"},
 "/s999.rss": {"status": 999, "body": "odder"},
 "/ra1.rss": {"status": 503, "headers": {"Retry-After": "9223372036854775807"}},
 "/ra2.rss": {"status": 429, "headers": {"Retry-After": "9223372036854775808"}},
 "/ra3.rss": {"status": 503, "headers": {"Retry-After": "999999999999999999999999999999"}},
 "/ra4.rss": {"status": 503, "headers": {"Retry-After": "$Y9999"}},
 "/ra5.rss": {"status": 503, "headers": {"Retry-After": "-9223372036854775808"}},
 "/e500.rss": {"status": 500, "size": 268435456, "mode": "length"},
 "/e500c.rss": {"status": 500, "size": 268435456, "mode": "chunked"}
}
EOF

origin_log=$work/origin.log
: >"$origin_log"
"$PYTHON3" "$regress_dir/origin.py" --dir "$work/www" \
    --port-file "$work/origin.port" --log "$origin_log" \
    --faults "$work/faults.json" --bind 127.0.0.1 --bind 127.0.0.2 \
    --bind 127.0.0.3 --bind 127.0.0.4 --bind 127.0.0.5 --bind 127.0.0.6 \
    2>"$work/origin.err" &
origin_pid=$!
if ! wait_for 10 test -s "$work/origin.port"; then
	diag_file "$work/origin.err"
	bail "the origin server did not start"
fi
P=$(cat "$work/origin.port")

# --- feedd

# feed NAME HOST [PATH]
feed() {
	printf '\n[feed %s]\nurl = http://127.0.0.%s:%s/%s\n' "$1" "$2" "$P" \
	    "${3:-$1.rss}"
}

{
	cat <<EOF
; written by extremes.sh
[feedd]
database = $work/feedd.db
listen = unix:$work/feedd.sock
interval = 1s
min_interval = 1s
max_interval = 1d
max_size = 1M
log_level = debug
EOF
	for f in plain ttl1 ttl2 sy skip cc ex s599 s999 e500 e500c; do
		feed "$f" 1
	done
	feed nums 1 nums.json
	feed esc 1 esc.json
	feed ra1 2
	feed ra2 3
	feed ra3 4
	feed ra4 5
	feed ra5 6
} >"$work/feedd.conf"

rm -f "$work/feedd.sock"
env -u JOURNAL_STREAM "$feedd" -c "$work/feedd.conf" -d \
    2>>"$work/feedd.log" &
feedd_pid=$!
wait_for 10 test -S "$work/feedd.sock" && ! dead "$feedd_pid"
tap_ok $? "feedd starts with 20 feeds of extreme values" ||
    bail "feedd is not running"

# Every feed fetched once (new feeds start within the first minute, and
# within their 1 s interval here), then a moment for the last to be
# stored.
all_fetched() {
	for f in plain ttl1 ttl2 sy skip cc ex s599 s999 e500 e500c ra1 ra2 \
	    ra3 ra4 ra5; do
		grep -q "^GET /$f.rss " "$origin_log" || return 1
	done
	grep -q "^GET /nums.json " "$origin_log" &&
	    grep -q "^GET /esc.json " "$origin_log"
}
wait_for 30 all_fetched
tap_ok $? "every feed was fetched" || show_logs force
sleep 1

! dead "$feedd_pid"
tap_ok $? "feedd survives them all (no overflow, no crash)"

# status PROGRAM: runs Python over GET /status (as doc) and the time now.
status() {
	"$PYTHON3" - "$work/feedd.sock" <<EOF
import http.client, json, socket, sys, time, calendar
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(sys.argv[1])
c = C("localhost", timeout=10)
c.request("GET", "/status")
doc = json.loads(c.getresponse().read())
feeds = {f["name"]: f for f in doc["feeds"]}
now = time.time()
def t(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))
bad = []
$1
if bad:
    print("\n".join(bad))
    sys.exit(1)
EOF
}

status '
for n in ("ttl1", "ttl2", "sy", "cc", "ex", "ra1", "ra2", "ra3", "ra4"):
    f = feeds[n]
    if f.get("next_poll") is None:
        bad.append("%s: no next poll (%s)" % (n, f.get("last_error")))
        continue
    d = t(f["next_poll"]) - now
    if not 86400 - 60 <= d <= 86400 * 1.1 + 60:
        bad.append("%s: next poll in %d s, want a day" % (n, d))
for n in ("plain", "ra5", "s599", "s999", "skip"):
    f = feeds[n]
    if f.get("next_poll") is not None and t(f["next_poll"]) - now > 3600:
        bad.append("%s: next poll in %d s" % (n, t(f["next_poll"]) - now))
'
tap_ok $? "every hint saturates at max_interval; nonsense is ignored"

status '
for n in ("e500", "e500c"):
    e = feeds[n].get("last_error") or ""
    if "HTTP 500" not in e:
        bad.append("%s: last error %r" % (n, e))
'
st=$?
sent=$(sed -n 's/^GET \/e500c\{0,1\}\.rss 500 .* sent=\([0-9]*\)$/\1/p' \
    "$origin_log")
diag "bytes of 256 MiB error bodies sent: $sent"
for n in $sent; do
	[ "$n" -lt 16777216 ] || st=1
done
[ -n "$sent" ] || st=1
tap_ok $st "a 256 MiB error body is cut short and reported as HTTP 500"

# The merged feed's dates: none later than now (a minute of slack).
"$PYTHON3" - "$work/feedd.sock" <<'EOF'
import http.client, re, socket, sys, time, calendar
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(sys.argv[1])
c = C("localhost", timeout=10)
c.request("GET", "/feed.atom?limit=100")
body = c.getresponse().read().decode("utf-8")
dates = re.findall(r"<(?:updated|published)>([^<]+)<", body)
late = [d for d in dates if calendar.timegm(time.strptime(d[:19],
        "%Y-%m-%dT%H:%M:%S")) > time.time() + 60]
if not dates or late:
    print("dates in the future: %s (of %d)" % (late[:5], len(dates)))
    sys.exit(1)
EOF
tap_ok $? "no date of the merged feed lies in the future"

esc=$(printf '\033')
! grep -q "$esc" "$work/feedd.log" &&
    grep -q 'esc: .*\\x1b' "$work/feedd.log"
tap_ok $? "the log shows the escape byte of a parse error as \\x1b"

"$feedd" status -c "$work/feedd.conf" >"$work/status.txt" 2>&1
st=$?
! grep -q "$esc" "$work/status.txt" && grep -q '\\x1b' "$work/status.txt"
[ $? -eq 0 ] && [ $st -eq 0 ]
tap_ok $? "feedd status shows it as \\x1b too" ||
    diag_file "$work/status.txt" 40

# The same reason from `feedd parse` on a terminal: escaped too.
"$feedd" parse "$work/www/esc.json" >/dev/null 2>"$work/parse.err"
st=$?
! grep -q "$esc" "$work/parse.err" && grep -q '\\x1b' "$work/parse.err"
[ $? -eq 0 ] && [ $st -eq 1 ]
tap_ok $? "feedd parse shows it as \\x1b too" || diag_file "$work/parse.err" 5

show_logs
stop_pid "$feedd_pid" 10
