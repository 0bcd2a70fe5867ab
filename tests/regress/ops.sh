#!/bin/sh
# ops.sh: operating the real daemon from the command line, against a
# loopback origin: `feedd status` (a table, one feed, --failing) and
# `feedd refresh --wait` work while the configuration has errors, and
# say what happened; an HTML page as a feed is named as such, with the
# feeds it links; `feedd discover` lists them.
#
# Everything happens in a mktemp -d directory that the EXIT trap removes.
# Waits poll a condition under a deadline.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/../..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/../..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

. "$top_srcdir/tests/regress/lib.sh"

WAIT=20
feedd=$top_builddir/feedd
data=$top_srcdir/tests/data/regress

tap_plan 18

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-ops.XXXXXX") || tap_bail "mktemp -d failed"
sock=$work/feedd.sock
conf=$work/feedd.conf
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
	diag_file "$work/origin.log"
}

bail() {
	show_logs force
	tap_bail "$1"
}

# out FILE: the file as TAP comments.
out() {
	sed 's/^/# /' "$1"
}

[ -x "$feedd" ] || bail "$feedd is not built"

mkdir "$work/www" || bail "mkdir"
cp "$data/world.rss" "$data/analysis.atom" "$work/www/" ||
    bail "cannot copy the fixtures"
# A site's home page, as one finds it when pasting a site address.
cat >"$work/www/site.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A news site</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="World" href="/world.rss">
<link rel="alternate" type="application/atom+xml" href="analysis.atom">
<link rel="alternate" type="application/feed+json" href="https://example.org/feed.json">
<link rel="alternate" hreflang="de" href="/de/">
</head>
<body><p>Hello<br></body>
</html>
HTML
start_origin "$work/www" "$work" || bail "the origin server did not start"
origin=http://127.0.0.1:$origin_port

write_conf() {
	cat >"$conf" <<CONF
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$port
listen = unix:$sock
interval = 1h
log_level = debug

[feed world]
url = $origin/world.rss

[feed analysis]
url = $origin/analysis.atom

[feed missing]
url = $origin/missing.rss

[feed site]
url = $origin/site.html

[feed down]
url = http://127.0.0.1:$closed/down.rss
CONF
}

daemon_settled() {
	dead "$feedd_pid" && return 0
	[ -S "$sock" ]
}

start_feedd() {
	port=$(free_port) || return 1
	closed=$(free_port) || return 1
	write_conf
	env -u JOURNAL_STREAM "$feedd" -c "$conf" -d 2>>"$work/feedd.log" &
	feedd_pid=$!
	wait_for "$WAIT" daemon_settled && ! dead "$feedd_pid"
}
start_feedd || { sleep 0.5; start_feedd; } || bail "feedd is not running"

all_polled() {
	origin_at_least 1 '^GET /world\.rss 200 ' &&
	    origin_at_least 1 '^GET /analysis\.atom 200 ' &&
	    origin_at_least 1 '^GET /missing\.rss 404 ' &&
	    origin_at_least 1 '^GET /site\.html 200 ' && none_new
}

# none_new: GET /status over the socket (not through the client under
# test) shows no feed still waiting for its first poll.
none_new() {
	"$PYTHON3" -c 'import http.client, json, socket, sys
class U(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(sys.argv[1])
c = U("localhost", timeout=10)
c.request("GET", "/status")
d = json.loads(c.getresponse().read())
sys.exit(1 if any(f["state"] == "new" for f in d["feeds"]) else 0)' "$sock"
}
# New feeds are spread over the first minute: poll them now.
wait_for "$WAIT" test "$(http_code POST http://localhost/refresh "$sock")" = 202 ||
    bail "refresh failed"
wait_for "$WAIT" all_polled || bail "the first polls did not happen"

# --- 8. status and refresh, with a configuration that has errors now
printf '[feed broken]\nbogus line\nurl =\n' >>"$conf"
"$feedd" check-config -c "$conf" >/dev/null 2>&1 &&
    bail "the broken configuration is accepted"

"$feedd" status -c "$conf" >"$work/status.out" 2>"$work/status.err"
st=$?
out "$work/status.out"
out "$work/status.err"
[ $st -eq 0 ] && [ "$(wc -l <"$work/status.out")" -eq 7 ] &&
    ! grep -q 'http: HTTP' "$work/status.out" &&
    head -n 1 "$work/status.out" | grep -q '^5 feeds, 3 failing$' &&
    sed -n 2p "$work/status.out" | grep -q '^  NAME .*STATE' &&
    sed -n 3,5p "$work/status.out" | grep -q '^! missing  *failing .*HTTP 404' &&
    grep -Eq '^  world  *ok  *4  *(now|[0-9]+s ago)  *in [0-9]+m$' "$work/status.out"
tap_ok $? "feedd status -c with a broken configuration: one line per feed, failing first"

"$feedd" status -c "$conf" --failing >"$work/status.out" 2>&1
st=$?
out "$work/status.out"
[ $st -eq 0 ] && [ "$(wc -l <"$work/status.out")" -eq 5 ] &&
    grep -q '^! missing ' "$work/status.out" &&
    grep -q '^! down ' "$work/status.out" &&
    grep -q '^! site ' "$work/status.out"
tap_ok $? "feedd status --failing: only the failing feeds"

"$feedd" status -c "$conf" world >"$work/status.out" 2>&1
st=$?
out "$work/status.out"
[ $st -eq 0 ] && head -n 1 "$work/status.out" | grep -q '^  world' &&
    grep -q "url: *$origin/world.rss" "$work/status.out" &&
    grep -q 'state: *ok' "$work/status.out" &&
    grep -q 'entries: *4' "$work/status.out" &&
    grep -Eq 'last attempt: 20.* \(HTTP (200|304)\)' "$work/status.out" &&
    grep -q 'next poll: *20' "$work/status.out" &&
    ! grep -q 'missing' "$work/status.out"
tap_ok $? "feedd status NAME: that feed in full"

"$feedd" status -c "$conf" nosuch >"$work/status.out" 2>&1
[ $? -eq 1 ] && grep -q "no feed named 'nosuch'" "$work/status.out"
tap_ok $? "feedd status nosuch: exit 1, 'no feed named'"

"$feedd" refresh -c "$conf" --wait world >"$work/refresh.out" 2>&1
st=$?
out "$work/refresh.out"
[ $st -eq 0 ] && [ "$(cat "$work/refresh.out")" = "world: ok, 4 entries" ] &&
    [ "$(origin_count '^GET /world\.rss ')" -ge 2 ]
tap_ok $? "feedd refresh --wait world: polled again, prints 'world: ok, 4 entries'"

"$feedd" refresh -c "$conf" --wait missing >"$work/refresh.out" 2>&1
st=$?
out "$work/refresh.out"
# Every poll of it so far failed, however many the scheduler made before
# the refresh (a retry may have come due meanwhile).
n404=$(origin_count '^GET /missing\.rss ')
[ $st -eq 1 ] &&
    grep -q "^missing: failed: HTTP 404 Not Found ($n404 failures in a row)\$" \
    "$work/refresh.out"
tap_ok $? "feedd refresh --wait missing: exit 1, the failure ('HTTP 404', not 'http: HTTP 404') and its count ($n404 polls)"

"$feedd" refresh -c "$conf" --wait >"$work/refresh.out" 2>&1
st=$?
out "$work/refresh.out"
[ $st -eq 1 ] && [ "$(wc -l <"$work/refresh.out")" -eq 5 ] &&
    grep -q '^down: failed: connect: ' "$work/refresh.out" &&
    grep -q '^analysis: ok' "$work/refresh.out" &&
    grep -q '^world: ok' "$work/refresh.out" &&
    grep -q '^missing: failed' "$work/refresh.out" &&
    grep -q '^site: failed' "$work/refresh.out"
tap_ok $? "feedd refresh --wait: every feed's outcome"

# --- 9. a site page given as a feed
"$feedd" status -c "$conf" site >"$work/status.out" 2>&1
out "$work/status.out"
grep -q 'last error: *parse: not a feed: an HTML page' "$work/status.out" &&
    grep -q "$origin/world.rss" "$work/status.out" &&
    grep -q "$origin/analysis.atom" "$work/status.out" &&
    ! grep -qi 'tag mismatch' "$work/status.out"
tap_ok $? "an HTML page as a feed: 'not a feed: an HTML page', with the feeds it links"

"$feedd" discover "$origin/site.html" >"$work/discover.out" 2>&1
st=$?
out "$work/discover.out"
[ $st -eq 0 ] && [ "$(wc -l <"$work/discover.out")" -eq 3 ] &&
    grep -q "^$origin/world.rss" "$work/discover.out" &&
    grep -q "^$origin/analysis.atom" "$work/discover.out" &&
    grep -q '^https://example.org/feed.json' "$work/discover.out"
tap_ok $? "feedd discover URL: the three feeds the page links, absolute"

"$feedd" discover "$work/www/site.html" >"$work/discover.out" 2>&1
st=$?
out "$work/discover.out"
[ $st -eq 0 ] && [ "$(wc -l <"$work/discover.out")" -eq 3 ] &&
    grep -q '^/world.rss' "$work/discover.out"
tap_ok $? "feedd discover FILE: the feeds a saved page links"

"$feedd" discover "$origin/world.rss" >"$work/discover.out" 2>&1
st=$?
out "$work/discover.out"
[ $st -eq 0 ] && grep -q "^$origin/world.rss" "$work/discover.out"
tap_ok $? "feedd discover of a feed: the feed itself"

"$feedd" parse "$top_srcdir/README.md" >"$work/parse.out" 2>&1
st=$?
out "$work/parse.out"
[ $st -ne 0 ] && grep -q 'not a feed' "$work/parse.out"
tap_ok $? "feedd parse README.md: not a feed, non-zero exit"

# --- 10. smaller things
cp "$data/world-updated.rss" "$work/www/world.rss.tmp" &&
    mv "$work/www/world.rss.tmp" "$work/www/world.rss"
"$feedd" refresh -c "$conf" --wait world >"$work/refresh.out" 2>&1
st=$?
out "$work/refresh.out"
[ $st -eq 0 ] &&
    [ "$(cat "$work/refresh.out")" = "world: ok, 5 entries (1 new)" ] &&
    grep -q '^feedd: info: feed world: 1 new entry (5 in document)$' \
    "$work/feedd.log" && ! grep -q ' 1 new entries' "$work/feedd.log"
tap_ok $? "one new entry: '1 new entry' in the log, '(1 new)' from refresh --wait"

"$feedd" status -c "$conf" down >"$work/status.out" 2>&1
out "$work/status.out"
grep -q "last error: *connect: Failed to connect to 127.0.0.1 port $closed" \
    "$work/status.out" &&
    [ "$(grep -o "Couldn't connect to server" "$work/status.out" | wc -l)" -le 1 ]
tap_ok $? "a refused connection: curl's message once, not twice"

# A document whose markup is broken and yields no entry fails; it is
# not "ok" with 0 entries.
printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken</title>\n<p>Maintenance <b>tonight</p>\n</channel></rss>\n' \
    >"$work/www/broken.rss"
write_conf
printf '\n[feed broken]\nurl = %s/broken.rss\n' "$origin" >>"$conf"
kill -HUP "$feedd_pid"
wait_for "$WAIT" grep -q 'feed broken: added' "$work/feedd.log"
"$feedd" refresh -c "$conf" --wait broken >"$work/refresh.out" 2>&1
st=$?
out "$work/refresh.out"
[ $st -eq 1 ] && grep -q '^broken: failed: parse: not well-formed XML, and no entry' \
    "$work/refresh.out"
tap_ok $? "a broken document with no entry: failed, not 'ok, 0 entries'"

# The configuration: localhost is loopback, 0.0.0.0 is not (a warning),
# keep_days takes a duration, and two feeds with one URL get a warning.
cat >"$work/warn.conf" <<CONF
[feedd]
database = $work/warn.db
listen = localhost:8080
listen = 0.0.0.0:8081
keep_days = 30d

[feed one]
url = $origin/world.rss
keep_days = 720h

[feed two]
url = $origin/world.rss
CONF
"$feedd" check-config -c "$work/warn.conf" >"$work/cc.out" 2>"$work/cc.err"
st=$?
out "$work/cc.out"
out "$work/cc.err"
[ $st -eq 0 ] && grep -q 'configuration OK' "$work/cc.out" &&
    [ "$(wc -l <"$work/cc.err")" -eq 2 ] &&
    grep -q '^feedd: warning: .*warn.conf:4: listen 0.0.0.0:8081: not a loopback address' \
    "$work/cc.err" &&
    grep -q '^feedd: warning: .*warn.conf:11: \[feed two\]: same url as \[feed one\]' \
    "$work/cc.err"
tap_ok $? "config: localhost:PORT and keep_days = 30d accepted; 0.0.0.0 and a repeated URL warned about"

# On a terminal, log lines carry the time.
if command -v script >/dev/null 2>&1; then
	script -qc "'$feedd' check-config -c '$work/warn.conf'" /dev/null \
	    >"$work/tty.out" 2>&1
	out "$work/tty.out"
	grep -Eq '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] feedd: warning: ' \
	    "$work/tty.out"
	tap_ok $? "log lines on a terminal start with the time"
else
	tap_ok 0 "# SKIP script(1) is not installed"
fi

# A listener that cannot be bound is an error, and the exit status 1.
cat >"$work/busy.conf" <<CONF
[feedd]
database = $work/busy.db
listen = 127.0.0.1:$port
CONF
env -u JOURNAL_STREAM "$feedd" -c "$work/busy.conf" >"$work/busy.log" 2>&1
st=$?
out "$work/busy.log"
[ $st -eq 1 ] && grep -q "^feedd: error: listen 127.0.0.1:$port" "$work/busy.log" &&
    ! grep -q '^feedd: warning: listen' "$work/busy.log"
tap_ok $? "address in use: logged as an error, exit 1"

show_logs
