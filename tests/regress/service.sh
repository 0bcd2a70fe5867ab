#!/bin/sh
# service.sh: feedd as a system service, against a
# loopback origin server:
#
# - the notify protocol: a stand-in $NOTIFY_SOCKET receives READY=1 with
#   STATUS= ("N feeds, M failing"), WATCHDOG=1 at half of WATCHDOG_USEC,
#   RELOADING=1 (with MONOTONIC_USEC) then READY=1 around a reload, and
#   STOPPING=1;
# - `feedd status` (failing first) and `feedd refresh` over the Unix
#   socket, and POST /refresh refused on TCP;
# - SIGHUP: an added feed starts polling, a removed one is retired, a
#   config with errors is rejected with every error logged and the daemon
#   keeps running the old one;
# - SIGTERM under load (60 feeds, some transfers hanging, clients
#   reading): exit 0 within 5 s, database intact (integrity_check);
# - socket activation: systemd-socket-activate hands feedd a Unix and a
#   TCP socket, and both serve the feed;
# - (the units are checked as installed by install.sh and systemd.sh);
# - OPML: a real newsboat export (generated now if newsboat is installed,
#   else the one in tests/data/opml) through import-opml, a config,
#   export-opml and import-opml again gives the same feeds and tags, and
#   /feeds.opml equals export-opml;
# - the command line: a bad option prints usage on stderr, exit 2; log
#   lines carry journald's <N> prefix under JOURNAL_STREAM.
#
# Parts whose tools are missing (systemd-socket-activate from Debian's
# systemd package) are skipped with the reason.  Everything
# happens in a mktemp -d directory that the EXIT trap removes.
#
# Run by hand: sh tests/regress/service.sh (from the build directory, or
# with top_builddir and top_srcdir set).

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
data=$top_srcdir/tests/data

tap_plan 47

# sun_path holds 108 bytes: under a long $TMPDIR, use /tmp.
tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-service.XXXXXX") || tap_bail "mktemp -d failed"
sock=$work/feedd.sock
conf=$work/feedd.conf
log=$work/feedd.log
notify_log=$work/notify.log
feedd_pid=
origin_pid=
notify_pid=
client_pid=

cleanup() {
	for _p in $feedd_pid $origin_pid $notify_pid $client_pid; do
		alive "$_p" && kill -KILL "$_p" 2>/dev/null
	done
	[ -n "$KEEP_WORK" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

show_logs() {
	[ "$tap_failed" -gt 0 ] || [ "$1" = force ] || return 0
	[ -z "$logs_shown" ] || return 0
	logs_shown=1
	diag_file "$log" 150
	diag_file "$notify_log" 40
	diag_file "$work/origin.log" 30
}

bail() {
	show_logs force
	tap_bail "$1"
}

[ -x "$feedd" ] || bail "$feedd is not built"

# --- the origin: two good feeds, one missing (404), 60 for the load test
mkdir "$work/www" || bail "mkdir"
cp "$data/regress/world.rss" "$work/www/a.rss" &&
    cp "$data/regress/analysis.atom" "$work/www/b.atom" || bail "cp"
i=1
while [ $i -le 60 ]; do
	sed "s|<title>|<title>L$i |" "$data/regress/world.rss" \
	    >"$work/www/load$i.rss" || bail "sed"
	i=$((i + 1))
done
# Every fifth load feed hangs: transfers in flight at SIGTERM.
"$PYTHON3" -c 'import json, sys
print(json.dumps({"/load%d.rss" % i: {"hang": True}
    for i in range(5, 61, 5)}))' >"$work/faults.json"
start_origin "$work/www" "$work" || bail "the origin server did not start"
# start_origin has no fault option: restart it with one.
kill -TERM "$origin_pid"; wait "$origin_pid" 2>/dev/null
rm -f "$work/origin.port"
"$PYTHON3" "$regress_dir/origin.py" --dir "$work/www" \
    --port-file "$work/origin.port" --log "$origin_log" \
    --faults "$work/faults.json" 2>"$work/origin.err" &
origin_pid=$!
wait_for 10 test -s "$work/origin.port" || bail "origin did not restart"
origin_port=$(cat "$work/origin.port")
origin=http://127.0.0.1:$origin_port

# write_conf PORT FEED...: FEED is a (a.rss), b (b.atom), gone (404), or
# loadN; a has a long interval so that only a refresh polls it again.
write_conf() {
	_port=$1
	shift
	cat >"$conf" <<EOF
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$_port
listen = unix:$sock
interval = 2s
min_interval = 1s
max_interval = 1d
host_delay = 0
per_host_connections = 32
max_connections = 64
EOF
	for _f in "$@"; do
		case $_f in
		a) printf '[feed a]\nurl = %s/a.rss\ninterval = 1d\n' "$origin" ;;
		b) printf '[feed b]\nurl = %s/b.atom\ntags = analysis\n' \
		    "$origin" ;;
		gone) printf '[feed gone]\nurl = %s/missing.rss\n' "$origin" ;;
		load*) printf '[feed %s]\nurl = %s/%s.rss\n' "$_f" "$origin" \
		    "$_f" ;;
		esac >>"$conf"
	done
}

tcp_accepts() {
	"$PYTHON3" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1"
}

daemon_settled() {
	dead "$feedd_pid" && return 0
	[ -S "$sock" ] && tcp_accepts "$port"
}

# start_feedd FEED...: a fresh port (tried twice: free_port is racy).
start_feedd() {
	for _try in 1 2; do
		port=$(free_port) || return 1
		write_conf "$port" "$@"
		env -u JOURNAL_STREAM NOTIFY_SOCKET="$work/notify.sock" \
		    WATCHDOG_USEC=600000 "$feedd" -c "$conf" -d 2>>"$log" &
		feedd_pid=$!
		wait_for "$WAIT" daemon_settled && ! dead "$feedd_pid" &&
		    return 0
		wait "$feedd_pid"
	done
	return 1
}

# --- 1. notify protocol, status, refresh
start_notify "$work/notify.sock" "$notify_log" || bail "notify socket"
port=$(free_port)
write_conf "$port" a gone
env -u JOURNAL_STREAM NOTIFY_SOCKET="$work/notify.sock" \
    WATCHDOG_USEC=600000 "$feedd" -c "$conf" -d 2>>"$log" &
feedd_pid=$!
wait_for "$WAIT" daemon_settled && ! dead "$feedd_pid"
tap_ok $? "feedd starts with NOTIFY_SOCKET and WATCHDOG_USEC set" ||
    bail "feedd is not running"

wait_for "$WAIT" notified '^READY=1\|STATUS=2 feeds, [0-9]+ failing$'
tap_ok $? "READY=1 with STATUS=\"2 feeds, N failing\" once listening"
wait_for "$WAIT" notified '^STATUS=2 feeds, 1 failing$'
tap_ok $? "STATUS= follows the state: \"2 feeds, 1 failing\" after the 404"
wait_for 5 notified '^WATCHDOG=1$'
tap_ok $? "WATCHDOG=1 from the loop (WATCHDOG_USEC=600000)"
# At 0.3 s a period, at least 3 pets in 1.5 s.
n0=$(grep -c '^WATCHDOG=1$' "$notify_log")
sleep 1.5
n1=$(grep -c '^WATCHDOG=1$' "$notify_log")
[ $((n1 - n0)) -ge 3 ]
tap_ok $? "WATCHDOG=1 every half period ($((n1 - n0)) in 1.5 s)"

n0=$(origin_count '^GET /a\.rss ')
"$feedd" refresh -c "$conf" a >"$work/refresh.out" 2>&1
st=$?
wait_for "$WAIT" origin_at_least $((n0 + 1)) '^GET /a\.rss '
[ $st -eq 0 ] && [ "$(origin_count '^GET /a\.rss ')" -gt "$n0" ]
tap_ok $? "feedd refresh a: exit 0 and a is polled again at once"
wait_for "$WAIT" origin_at_least 1 '^GET /a\.rss 200 '
"$feedd" status -c "$conf" >"$work/status.out" 2>"$work/status.err"
st=$?
sed 's/^/# /' "$work/status.out"
"$feedd" status -c "$conf" a >"$work/status-a.out" 2>&1 ||
    st=1
"$feedd" status -c "$conf" gone >"$work/status-gone.out" 2>&1 ||
    st=1
sed 's/^/# /' "$work/status-a.out" "$work/status-gone.out"
[ $st -eq 0 ] && head -n 1 "$work/status.out" | grep -q '^2 feeds, 1 failing$' &&
    sed -n 3p "$work/status.out" | grep -q '^! gone .*404' &&
    grep -q "url: *$origin/a.rss" "$work/status-a.out" &&
    grep -q 'last success: 20' "$work/status-a.out" &&
    grep -q 'last error: .*404' "$work/status-gone.out" &&
    grep -q 'next poll: *20' "$work/status-a.out"
tap_ok $? "feedd status: a line per feed, failing first; NAME: URL, last success, last error, next poll"

"$feedd" refresh -c "$conf" nosuch >"$work/refresh.out" 2>&1
st=$?
[ $st -eq 1 ] && grep -q "no feed named 'nosuch'" "$work/refresh.out"
tap_ok $? "feedd refresh nosuch: exit 1, 'no feed named'"
[ "$(http_code POST "http://127.0.0.1:$port/refresh")" = 403 ]
tap_ok $? "POST /refresh over TCP is refused (403)"
[ "$(http_code POST "http://localhost/refresh" "$sock")" = 202 ]
tap_ok $? "POST /refresh over the Unix socket is accepted (202)"

# --- 2. reload
add_b() {
	printf '[feed b]\nurl = %s/b.atom\ntags = analysis\n' "$origin" \
	    >>"$conf"
}
add_b
: >"$work/notify.mark"
nreload=$(grep -c '^RELOADING=1' "$notify_log")
kill -HUP "$feedd_pid"
wait_for "$WAIT" origin_at_least 1 '^GET /b\.atom 200 '
tap_ok $? "SIGHUP with feed b added: b is polled"
grep -A1 '^RELOADING=1' "$notify_log" | tail -n 2 >"$work/reload.notify"
sed 's/^/# /' "$work/reload.notify"
head -n 1 "$work/reload.notify" |
    grep -Eq '^RELOADING=1\|MONOTONIC_USEC=[0-9]+' &&
    tail -n 1 "$work/reload.notify" | grep -Eq '^READY=1\|STATUS=3 feeds'
tap_ok $? "RELOADING=1 with MONOTONIC_USEC, then READY=1 with STATUS=3 feeds"
"$feedd" status -c "$conf" >"$work/status.out" 2>&1
grep -Eq '^  b ' "$work/status.out"
tap_ok $? "feedd status lists b after the reload"
[ "$(grep -c 'reloaded' "$log")" -eq 1 ] &&
    grep -q 'info: reloaded: 3 feeds, 1 new$' "$log"
tap_ok $? "one summary line for the reload: 'reloaded: 3 feeds, 1 new'"

# Remove "gone": it is retired (shown last, no longer polled).
write_conf "$port" a b
kill -HUP "$feedd_pid"
wait_for "$WAIT" notified 'STATUS=2 feeds, 0 failing$'
tap_ok $? "SIGHUP with feed gone removed: STATUS=2 feeds, 0 failing"
"$feedd" status -c "$conf" >"$work/status.out" 2>&1
sed 's/^/# /' "$work/status.out"
head -n 1 "$work/status.out" |
    grep -q '^2 feeds, 0 failing, 1 no longer configured$' &&
    grep -q '^- gone ' "$work/status.out"
tap_ok $? "feedd status shows gone as no longer configured"
n0=$(origin_count '^GET /missing\.rss ')
sleep 3
[ "$(origin_count '^GET /missing\.rss ')" -eq "$n0" ]
tap_ok $? "the removed feed is no longer polled"

# A config with two errors: both logged with their lines, old one kept.
cp "$conf" "$work/good.conf"
printf 'bogus_option = 1\n[feed broken]\ntitle = no url\n' >>"$conf"
nlines=$(wc -l <"$conf")
kill -HUP "$feedd_pid"
wait_for "$WAIT" grep -q 'keeping the running configuration' "$log"
tap_ok $? "SIGHUP with a bad config: rejected"
grep -q "reload: $conf:$((nlines - 2)): unknown option 'bogus_option'" "$log" &&
    grep -q "reload: $conf:$((nlines - 1)): \[feed broken\]: missing url" \
    "$log"
tap_ok $? "every error is logged with FILE:LINE"
wait_for "$WAIT" notified '^READY=1\|STATUS=2 feeds, 0 failing; reload failed'
tap_ok $? "READY=1 again, STATUS= says the reload failed"
! dead "$feedd_pid" &&
    [ "$(http_code GET "http://127.0.0.1:$port/healthz")" = 200 ]
tap_ok $? "the daemon keeps running and serving"
n0=$(origin_count '^GET /b\.atom ')
wait_for "$WAIT" origin_at_least $((n0 + 1)) '^GET /b\.atom '
tap_ok $? "and keeps polling with the old config"

# /feeds.opml is export-opml of the running config.
cp "$work/good.conf" "$conf"
"$PYTHON3" -c 'import urllib.request, sys
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
    "http://127.0.0.1:$port/feeds.opml" >"$work/served.opml" 2>&1
"$feedd" export-opml -c "$conf" >"$work/exported.opml"
cmp -s "$work/served.opml" "$work/exported.opml"
tap_ok $? "GET /feeds.opml equals feedd export-opml"

stop_pid "$feedd_pid" 5
[ "$stop_status" -eq 0 ]
tap_ok $? "SIGTERM: exit 0 (status $stop_status)"
wait_for 5 notified '^STOPPING=1$'
tap_ok $? "STOPPING=1 on the way out"
"$feedd" status -c "$conf" >"$work/out" 2>"$work/err"
[ $? -eq 1 ] && grep -q "cannot connect to $sock" "$work/err"
tap_ok $? "feedd status without a daemon: exit 1, 'cannot connect'"
show_logs

# --- 3. SIGTERM under load
rm -f "$work/feedd.db" "$work/feedd.db-wal" "$work/feedd.db-shm"
: >"$log"
feeds=
i=1
while [ $i -le 60 ]; do
	feeds="$feeds load$i"
	i=$((i + 1))
done
# shellcheck disable=SC2086
start_feedd $feeds
tap_ok $? "feedd starts with 60 feeds" || bail "feedd is not running"
wait_for "$WAIT" origin_at_least 40 '^GET /load[0-9]+\.rss 200 '
tap_ok $? "at least 40 of them fetched"
# Clients reading the merged feed all the while.
"$PYTHON3" -c 'import urllib.request, sys
while True:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=5).read()
    except Exception:
        pass' "http://127.0.0.1:$port/feed.atom" 2>/dev/null &
client_pid=$!
sleep 1
t0=$(now_ms)
stop_pid "$feedd_pid" 5
st=$?
t1=$(now_ms)
[ $st -eq 0 ] && [ "$stop_status" -eq 0 ]
tap_ok $? "SIGTERM under load: exit 0 in $((t1 - t0)) ms (limit 5000)"
kill -TERM "$client_pid" 2>/dev/null
wait "$client_pid" 2>/dev/null
client_pid=
res=$(db_check "$work/feedd.db" 2>&1)
diag "integrity_check, entries: $res"
case $res in
"ok "[1-9]*) st=0 ;;
*) st=1 ;;
esac
tap_ok $st "the database is intact (integrity_check ok) and holds the entries"
grep -q 'stopped$' "$log"
tap_ok $? "the daemon logged its orderly stop"
show_logs

# --- 4. socket activation
if command -v systemd-socket-activate >/dev/null 2>&1; then
	: >"$log"
	port=$(free_port)
	write_conf "$port" b
	rm -f "$sock"
	env -u JOURNAL_STREAM systemd-socket-activate -l "$sock" \
	    -l "127.0.0.1:$port" "$feedd" -c "$conf" -d 2>>"$log" &
	feedd_pid=$!
	# It execs feedd at the first connection; the kernel queues it.
	wait_for "$WAIT" test -S "$sock"
	tcp_accepts "$port" 2>/dev/null
	wait_for "$WAIT" grep -q 'started' "$log"
	tap_ok $? "systemd-socket-activate starts feedd with a Unix and a TCP socket"
	wait_for "$WAIT" origin_at_least 1 '^GET /b\.atom '
	check() {
		"$PYTHON3" "$regress_dir/feedcheck.py" "$@"
	}
	if have_feedparser; then
		tap_check "the inherited TCP socket serves /feed.atom" \
		    check --wait "$WAIT" --min-count 1 \
		    "http://127.0.0.1:$port/feed.atom"
		tap_check "the inherited Unix socket serves /feed.atom" \
		    check --wait "$WAIT" --min-count 1 --unix "$sock" \
		    "http://localhost/feed.atom"
	else
		[ "$(http_code GET "http://127.0.0.1:$port/feed.atom")" = 200 ]
		tap_ok $? "the inherited TCP socket serves /feed.atom"
		[ "$(http_code GET http://localhost/feed.atom "$sock")" = 200 ]
		tap_ok $? "the inherited Unix socket serves /feed.atom"
	fi
	[ "$(http_code POST http://localhost/refresh "$sock")" = 202 ] &&
	    [ "$(http_code POST "http://127.0.0.1:$port/refresh")" = 403 ]
	tap_ok $? "the inherited sockets keep their roles: /refresh on Unix only"
	stop_pid "$feedd_pid" 5
	[ "$stop_status" -eq 0 ]
	tap_ok $? "and it stops with exit 0"
	feedd_pid=
	show_logs
else
	for t in 1 2 3 4 5; do
		echo "ok $((tap_n + 1)) # SKIP systemd-socket-activate is not installed (Debian package systemd)"
		tap_n=$((tap_n + 1))
	done
fi

# --- 5. the units: checked as installed (make install DESTDIR=...) by
# tests/regress/install.sh, and under a real systemd by
# tests/regress/systemd.sh.

# --- 6. OPML round trips
same_feeds() {
	# Two config fragments hold the same sections, ignoring comments.
	grep -v '^#' "$1" | grep -v '^$' >"$1.cmp"
	grep -v '^#' "$2" | grep -v '^$' >"$2.cmp"
	diff "$1.cmp" "$2.cmp"
}
nb_opml=$data/opml/newsboat-2.21.opml
nb_what="the newsboat 2.21 export in tests/data/opml"
if command -v newsboat >/dev/null 2>&1; then
	mkdir "$work/nb"
	cat >"$work/nb/urls" <<'EOF'
https://feeds.bbci.co.uk/news/world/rss.xml news world
https://lwn.net/headlines/rss tech linux
https://example.com/feed?a=1&b=2 tech "~Ampersands & <Angles>"
"query:Unread:unread = \"yes\""
http://news.example.net/rss "~The Guardian - World"
EOF
	if HOME=$work/nb newsboat -u "$work/nb/urls" -c "$work/nb/cache.db" \
	    -C /dev/null -e >"$work/nb/export.opml" 2>"$work/nb/err" &&
	    grep -q xmlUrl "$work/nb/export.opml"; then
		nb_opml=$work/nb/export.opml
		nb_what="a fresh \`newsboat -e\` export"
	else
		diag_file "$work/nb/err"
	fi
fi
diag "OPML from $nb_what"
"$feedd" import-opml "$nb_opml" >"$work/import1.conf" 2>"$work/import1.err"
st=$?
sed 's/^/# /' "$work/import1.conf"
[ $st -eq 0 ] && [ "$(grep -c '^\[feed ' "$work/import1.conf")" -ge 4 ]
tap_ok $? "feedd import-opml reads $nb_what"
printf '[feedd]\n' | cat - "$work/import1.conf" >"$work/rt.conf"
"$feedd" export-opml -c "$work/rt.conf" >"$work/rt.opml" &&
    "$feedd" import-opml "$work/rt.opml" >"$work/import2.conf" &&
    same_feeds "$work/import1.conf" "$work/import2.conf" >"$work/rt.diff"
tap_ok $? "import(export(import(newsboat))) gives the same feeds" ||
    diag_file "$work/rt.diff"
# Tags: newsboat 2.21 does not export them; nested folders and OPML 2.0
# categories do.
"$feedd" import-opml "$data/opml/nested.opml" >"$work/n1.conf" 2>/dev/null &&
    printf '[feedd]\n' | cat - "$work/n1.conf" >"$work/n.conf" &&
    "$feedd" export-opml -c "$work/n.conf" >"$work/n.opml" &&
    "$feedd" import-opml "$work/n.opml" >"$work/n2.conf" &&
    grep -q '^tags = News, Europe, fr$' "$work/n2.conf" &&
    same_feeds "$work/n1.conf" "$work/n2.conf" >"$work/rt.diff"
tap_ok $? "the round trip keeps tags (folders and categories)" ||
    diag_file "$work/rt.diff"
# opml = PATH in the config gives the same feeds as the sections.
printf '[feedd]\nopml = n.opml\n' >"$work/viaopml.conf"
"$feedd" export-opml -c "$work/viaopml.conf" >"$work/viaopml.opml" &&
    cmp -s "$work/viaopml.opml" "$work/n.opml"
tap_ok $? "opml = PATH loads the same subscriptions"
# import-opml - reads stdin as it reads a file, under the same cap.
"$feedd" import-opml - <"$data/opml/nested.opml" >"$work/stdin.conf" \
    2>/dev/null && sed 1d "$work/n1.conf" >"$work/n1.body" &&
    sed 1d "$work/stdin.conf" | cmp -s "$work/n1.body" -
tap_ok $? "import-opml - reads stdin like a file (but the first comment)"
{ printf '<opml version="2.0"><body>'; head -c 16777300 /dev/zero |
    tr '\0' ' '; printf '</body></opml>'; } |
    "$feedd" import-opml - >"$work/out" 2>"$work/err"
st=$?
[ $st -ne 0 ] && [ ! -s "$work/out" ] &&
    grep -q '<stdin>.*larger than 16777216 bytes' "$work/err"
tap_ok $? "import-opml - refuses more than 16 MiB" || diag_file "$work/err"

# --- 7. command line and log format
"$feedd" --bogus >"$work/out" 2>"$work/err"
st=$?
[ $st -eq 2 ] && [ ! -s "$work/out" ] && grep -q '^usage: feedd' "$work/err"
tap_ok $? "a bad option: usage on stderr, exit 2"
"$feedd" status -c "$conf" a extra >"$work/out" 2>"$work/err"
[ $? -eq 2 ] && grep -q 'feedd status' "$work/err"
tap_ok $? "a stray operand: usage, exit 2"
"$feedd" --help >"$work/out" 2>&1 &&
    grep -q 'import-opml' "$work/out" && grep -q 'export-opml' "$work/out" &&
    grep -q 'feedd status' "$work/out" && grep -q 'feedd refresh' "$work/out"
tap_ok $? "--help lists status, refresh, import-opml and export-opml"
JOURNAL_STREAM=8:12345 "$feedd" import-opml "$data/opml/nested.opml" \
    >/dev/null 2>"$work/err"
grep -q '^<4>.*nested.opml:[0-9]*: skipping gopher:' "$work/err"
tap_ok $? "under JOURNAL_STREAM a warning starts with <4>"
env -u JOURNAL_STREAM "$feedd" import-opml "$data/opml/nested.opml" \
    >/dev/null 2>"$work/err"
grep -q '^feedd: warning: .*skipping gopher:' "$work/err"
tap_ok $? "otherwise it reads 'feedd: warning: ...'"

show_logs
[ "$tap_failed" -eq 0 ]
