#!/bin/sh
# integration.sh: the real feedd against a loopback origin server, read by
# a real client (Debian's python3-feedparser).
#
# origin.py serves copies of two fixture feeds (RSS 2.0 and Atom 1.0) with
# ETag and Last-Modified; feedd polls them every 2 s and serves the merged
# feed on a TCP port and a Unix socket; feedcheck.py reads /feed.atom and
# /feed.rss both ways and checks that they parse cleanly (bozo false) and
# hold exactly the fixture entries, each once, with their sources.  Then
# one fixture gains an item: the next poll must add exactly that entry and
# leave every other one as it was.  Polls of unchanged documents must be
# conditional, with the validators sent back exactly, and get 304.
#
# Everything happens in a mktemp -d directory that the EXIT trap removes,
# after stopping both servers.  Waits poll a condition under a deadline
# (WAIT seconds each); the whole run takes about 15 s when all is well.
#
# Run by hand: sh tests/regress/integration.sh (from the build directory,
# or with top_builddir and top_srcdir set).

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

check() {
	"$PYTHON3" "$regress_dir/feedcheck.py" "$@"
}

have_feedparser || tap_skip_all "python3-feedparser is not installed for $PYTHON3"

tap_plan 26

# sun_path holds 108 bytes: under a long $TMPDIR, use /tmp.
tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-regress.XXXXXX") ||
    tap_bail "mktemp -d failed"
sock=$work/feedd.sock
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

# The daemon's log (and the origin's) as TAP comments, once, on failure.
show_logs() {
	[ "$tap_failed" -gt 0 ] || [ "$1" = force ] || return 0
	[ -z "$logs_shown" ] || return 0
	logs_shown=1
	diag_file "$work/feedd-first-attempt.log" 50
	diag_file "$work/feedd.log" 400
	diag_file "$work/origin.log"
}

bail() {
	show_logs force
	tap_bail "$1"
}

# --- the origin server, serving copies (the test rewrites them)
mkdir "$work/www" || bail "mkdir"
cp "$data/world.rss" "$data/analysis.atom" "$work/www/" &&
    chmod u+w "$work/www/world.rss" "$work/www/analysis.atom" ||
    bail "cannot copy the fixtures from $data"
start_origin "$work/www" "$work" || bail "the origin server did not start"
origin=http://127.0.0.1:$origin_port
world_url=$origin/world.rss
analysis_url=$origin/analysis.atom

# --- feedd

write_conf() {
	cat >"$work/feedd.conf" <<EOF
; written by integration.sh
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$port
listen = unix:$sock
interval = 2s
min_interval = 1s
; world.rss says <ttl>30</ttl>, a hint that widens the interval: cap it.
max_interval = 2s
log_level = debug

[feed world-rss]
url = $world_url
title = World (RSS)
tags = news, world

[feed analysis-atom]
url = $analysis_url
EOF
}

tcp_accepts() {
	"$PYTHON3" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1"
}

# Ready when both listeners accept, or settled when the daemon died.
daemon_settled() {
	dead "$feedd_pid" && return 0
	[ -S "$sock" ] && tcp_accepts "$port"
}

start_feedd() {
	port=$(free_port) || return 1
	write_conf
	# Plain "feedd: level: message" lines, not journald's "<N>" ones.
	env -u JOURNAL_STREAM "$feedd" -c "$work/feedd.conf" -d \
	    2>>"$work/feedd.log" &
	feedd_pid=$!
	wait_for "$WAIT" daemon_settled && ! dead "$feedd_pid"
}

if [ ! -x "$feedd" ]; then
	bail "$feedd is not built"
fi
# The port is picked just before the daemon binds it: another process
# may take it in between, so try a second one before giving up.
start_feedd
st=$?
if [ $st -ne 0 ] && dead "$feedd_pid"; then
	wait "$feedd_pid"
	diag "feedd exited (status $?) instead of listening on port $port;" \
	    "trying another port"
	mv "$work/feedd.log" "$work/feedd-first-attempt.log"
	start_feedd
	st=$?
fi
tap_ok $st "feedd starts and listens on 127.0.0.1:$port and $sock" ||
    bail "feedd is not running"

tap_check "GET /healthz over TCP is 200 \"ok\"" \
    check --raw --body ok "http://127.0.0.1:$port/healthz"
tap_check "GET /healthz over the Unix socket is 200 \"ok\"" \
    check --raw --body ok --unix "$sock" "http://localhost/healthz"

# --- the first polls
both_fetched() {
	origin_at_least 1 '^GET /world\.rss 200 ' &&
	    origin_at_least 1 '^GET /analysis\.atom 200 '
}
wait_for "$WAIT" both_fetched
tap_ok $? "feedd fetched both fixtures from the origin"

tap_check "/feed.atom holds all 7 fixture entries within ${WAIT}s" \
    check --wait "$WAIT" --min-count 7 "http://127.0.0.1:$port/feed.atom"

# check_feed WHICH(atom|rss) VIA(tcp|unix) WORLD_FIXTURE [ARGS...]
check_feed() {
	_fmt=$1
	_via=$2
	_world=$3
	shift 3
	if [ "$_via" = unix ]; then
		set -- --unix "$sock" "http://localhost/feed.$_fmt" "$@"
	else
		set -- "http://127.0.0.1:$port/feed.$_fmt" "$@"
	fi
	check --format "$_fmt" \
	    --fixture "$_world" "$world_url" "World (RSS)" \
	    --fixture "$data/analysis.atom" "$analysis_url" - "$@"
}

for fmt in atom rss; do
	tap_check "/feed.$fmt over the Unix socket: bozo false, exactly the 7 fixture entries, each once, with their sources" \
	    check_feed $fmt unix "$data/world.rss" --count 7
	tap_check "/feed.$fmt over TCP: bozo false, exactly the 7 fixture entries, each once, with their sources" \
	    check_feed $fmt tcp "$data/world.rss" --count 7 \
	    --dump "$work/before.$fmt.json"
done
for fmt in atom rss; do
	tap_check "/feed.$fmt is newest first and carries the fixtures' dates" \
	    check_feed $fmt tcp "$data/world.rss" --ordered
done

# log_since LINE: the origin's request log after its first LINE lines.
log_since() {
	tail -n +$(($1 + 1)) "$origin_log"
}

# exact_validators PATH [LINE]: after line LINE (default 0) of its log, the
# origin has answered a request for PATH with 200 and then one with 304,
# the latter asked with If-None-Match and If-Modified-Since holding
# exactly the ETag and Last-Modified that the 200 served.
exact_validators() {
	log_since "${2:-0}" | awk -v path="$1" '
	$1 == "GET" && $2 == path {
		delete v
		for (i = 4; i <= NF; i++) {
			k = substr($i, 1, index($i, "=") - 1)
			v[k] = substr($i, index($i, "=") + 1)
		}
		if ($3 == 200) {
			etag = v["etag"]
			lm = v["lm"]
		} else if ($3 == 304 && etag != "" && v["cond"] == "inm+ims" &&
		    v["inm"] == etag && v["ims"] == lm) {
			found = 1
		}
	}
	END { exit !found }'
}

wait_for "$WAIT" exact_validators /analysis.atom
tap_ok $? "a later poll of the unchanged Atom fixture is conditional (exact ETag and Last-Modified) and gets 304"
wait_for "$WAIT" exact_validators /world.rss
tap_ok $? "a later poll of the unchanged RSS fixture is conditional (exact ETag and Last-Modified) and gets 304"

# --- one fixture gains an item (atomically, as publishers should)
new_link=https://meridian.example.org/world/2024/03/13/eu-au-critical-minerals
mark=$(wc -l <"$origin_log")
cp "$data/world-updated.rss" "$work/www/world.rss.new" &&
    chmod u+w "$work/www/world.rss.new" &&
    mv -f "$work/www/world.rss.new" "$work/www/world.rss" ||
    bail "cannot rewrite the fixture"

changed_fetched() {
	log_since "$mark" | grep -q '^GET /world\.rss 200 '
}
wait_for "$WAIT" changed_fetched
tap_ok $? "the next poll of the changed fixture gets the new document (200)"

tap_check "the new entry appears in /feed.atom within ${WAIT}s" \
    check --wait "$WAIT" --has-link "$new_link" \
    "http://127.0.0.1:$port/feed.atom"

for fmt in atom rss; do
	for via in unix tcp; do
		tap_check "after the change, /feed.$fmt over $via: bozo false, exactly the 8 entries, each once, with their sources" \
		    check_feed $fmt $via "$data/world-updated.rss" --count 8
	done
	tap_check "after the change, /feed.$fmt: the 7 earlier entries unchanged (ids, links, titles, sources, dates), exactly 1 new" \
	    check "http://127.0.0.1:$port/feed.$fmt" \
	    --same-as "$work/before.$fmt.json" --new 1
done

tap_check "after the change, /feed.atom is still newest first, the new entry on top" \
    check_feed atom tcp "$data/world-updated.rss" --ordered

wait_for "$WAIT" exact_validators /world.rss "$mark"
tap_ok $? "the poll after the change sends the new validators back and gets 304"

# --- clean shutdown
t0=$(now_ms)
stop_pid "$feedd_pid" 5
killed=$?
t1=$(now_ms)
if [ "$killed" -ne 0 ]; then
	diag "feedd did not exit within 5 s of SIGTERM (killed)"
	st=1
elif [ "$stop_status" -ne 0 ]; then
	diag "feedd exited with status $stop_status"
	st=1
else
	diag "feedd exited in $((t1 - t0)) ms"
	st=0
fi
feedd_pid=
tap_ok $st "SIGTERM: feedd exits with status 0 within 5 s"
test ! -e "$sock"
tap_ok $? "the Unix socket file is removed at exit"

# Both feeds worked all along: nothing deserved a warning.
if grep -En '^feedd: (warning|error)|runtime error:|Sanitizer' \
    "$work/feedd.log" >"$work/bad.log"; then
	diag_file "$work/bad.log"
	st=1
else
	st=0
fi
tap_ok $st "feedd logged no warnings, errors or sanitizer reports"

stop_pid "$origin_pid" 5
origin_pid=

show_logs
[ "$tap_failed" -eq 0 ]
