#!/bin/sh
# valgrind.sh: the unit tests and the daemon under Valgrind's memcheck
# (TAP).  ASan and UBSan cover the suite in CI already; this catches what
# they do not (uninitialised reads) and proves the claim "nothing leaks at
# shutdown" of a plain build: every heap block freed, no definite or
# indirect leak, no memcheck error.
#
# Not part of `make check` (it takes a minute or two and cannot run in a
# sanitizer build): `make check-valgrind` runs it, and so does CI.
#
# 1. Each Check program, with CK_FORK=no so that Valgrind follows the
#    tests themselves.
# 2. feedd against the loopback origin serving the regress fixtures: both
#    feeds stored, every endpoint read (feeds in three formats, a search,
#    a view, /, /status, /metrics, /feeds.opml, gzip, a 304, a bad
#    request), a refresh and a reload, then SIGTERM: exit status 0 and a
#    clean Valgrind report.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

. "$top_srcdir/tests/regress/lib.sh"

WAIT=60		# Valgrind slows everything down some twenty times
feedd=$top_builddir/feedd
# Every Check program the Makefile builds (make check-valgrind passes
# them as UNITS), so that a new or split test program is not left out.
units=$(for t in ${UNITS:-$(cd "$top_builddir" &&
    ls tests/unit/test_* 2>/dev/null | grep -v '[.]')}; do
	basename "$t" | sed 's/^test_//'
done)
[ -n "$units" ] || tap_bail "no unit test program is built (make check first)"

command -v valgrind >/dev/null 2>&1 ||
    tap_skip_all "valgrind is not installed"
[ -x "$feedd" ] || tap_bail "$feedd is not built"

set -- $units
tap_plan $(($# + 4))

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-valgrind.XXXXXX") || tap_bail "mktemp -d failed"
feedd_pid=
origin_pid=
cleanup() {
	[ -n "$feedd_pid" ] && alive "$feedd_pid" &&
	    kill -KILL "$feedd_pid" 2>/dev/null
	[ -n "$origin_pid" ] && alive "$origin_pid" &&
	    kill -KILL "$origin_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# Exit status 99 is Valgrind's: a memcheck error or a definite or
# indirect leak.  Leaks of "still reachable" blocks are the libraries'
# own caches (libcurl, libxml2) and are not counted.
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect "$@"
}

# --- 1. unit tests
for u in $units; do
	t=$top_builddir/tests/unit/test_$u
	if [ ! -x "$t" ]; then
		tap_ok 1 "test_$u under valgrind (not built: make check first)"
		continue
	fi
	CK_FORK=no CK_TAP_LOG_FILE_NAME=/dev/null CK_DEFAULT_TIMEOUT=600 \
	    vg "$t" >"$work/test_$u.log" 2>&1
	st=$?
	tap_ok $st "test_$u under valgrind: no memcheck error, no leak"
	[ $st -eq 0 ] || diag_file "$work/test_$u.log" 80
done

# --- 2. the daemon
mkdir "$work/www" &&
    cp "$top_srcdir/tests/data/regress/world.rss" \
    "$top_srcdir/tests/data/regress/analysis.atom" "$work/www/" ||
    tap_bail "cannot copy the fixtures"
start_origin "$work/www" "$work" || tap_bail "the origin server did not start"
origin=http://127.0.0.1:$origin_port
port=$(free_port) || tap_bail "no free port"
sock=$work/feedd.sock
write_conf() {
	cat >"$work/feedd.conf" <<EOF
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$port
listen = unix:$sock
interval = 2s
min_interval = 1s
max_interval = 2s
log_level = debug

[feed world-rss]
url = $origin/world.rss
tags = news, world

[feed analysis-atom]
url = $origin/analysis.atom
$1

[view world]
tags = world
EOF
}
write_conf ""
env -u JOURNAL_STREAM valgrind -q --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect \
    "$feedd" -c "$work/feedd.conf" -d 2>"$work/feedd.log" &
feedd_pid=$!

both_fetched() {
	origin_at_least 1 '^GET /world\.rss 200 ' &&
	    origin_at_least 1 '^GET /analysis\.atom 200 '
}
listening() {
	[ -S "$sock" ] && http_code GET "http://127.0.0.1:$port/healthz" |
	    grep -q 200
}
wait_for "$WAIT" listening && wait_for "$WAIT" both_fetched
tap_ok $? "feedd under valgrind fetched both fixtures"

# Every endpoint once; what they return is the other tests' business.
get() {
	curl -s -o /dev/null --max-time 30 "$@"
}
settle() {
	# the fixtures' 7 entries stored, so the renderers have work
	curl -s --max-time 30 "http://127.0.0.1:$port/feed.atom" |
	    grep -c '<entry>' | grep -qx 7
}
wait_for "$WAIT" settle
base=http://127.0.0.1:$port
for p in /feed.atom /feed.rss /feed.json "/feed.atom?q=grain" \
    "/feed.rss?tag=world&limit=2" /view/world.json / /status /metrics \
    /feeds.opml /healthz /nosuch "/feed.atom?limit=0"; do
	get "$base$p"
done
get -H 'Accept-Encoding: gzip' "$base/feed.rss"
etag=$(curl -s -D - -o /dev/null "$base/feed.atom" |
    sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tr -d '\r')
get -H "If-None-Match: $etag" "$base/feed.atom"
get -X POST --unix-socket "$sock" "http://localhost/refresh"
"$feedd" status -c "$work/feedd.conf" >/dev/null 2>&1
write_conf "tags = analysis"
kill -HUP "$feedd_pid"
wait_for "$WAIT" grep -q 'reloaded' "$work/feedd.log"
tap_ok $? "feedd under valgrind served every endpoint and reloaded"

stop_pid "$feedd_pid" "$WAIT"
st=$stop_status
feedd_pid=
tap_ok $st "SIGTERM: feedd exits 0 with a clean valgrind report"
if [ $st -ne 0 ]; then
	diag_file "$work/feedd.log" 120
fi
! grep -q '==[0-9]*== .*\(Invalid\|uninitialised\|definitely\)' \
    "$work/feedd.log"
tap_ok $? "no memcheck report in the daemon's log"
