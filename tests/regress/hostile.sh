#!/bin/sh
# hostile.sh: the daemon against documents past the parser's bounds.  A
# feed is stored; then its publisher serves a 110 KB document whose one
# 50 KB entity is referenced 20,000 times (it became 84 MB in the
# database), then one whose element has 80,000 attributes.  Each must be
# refused as a parse error, logged and shown by `feedd status`, while
# what was stored stays stored, the database stays small and the daemon
# keeps answering.  Then the publisher is well again.  TAP.
#
# Run by hand: sh tests/regress/hostile.sh (from the build directory, or
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
[ -x "$feedd" ] || tap_bail "$feedd is not built"

tap_plan 11

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-hostile.XXXXXX") || tap_bail "mktemp -d failed"
sock=$work/feedd.sock
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

# feed N: an RSS document with items 1..N.
feed() {
	"$PYTHON3" -c 'import sys
n = int(sys.argv[1])
print("<rss version=\"2.0\"><channel><title>t</title>" + "".join(
    "<item><guid>urn:x:%d</guid><title>item %d</title>"
    "<description>text %d</description></item>" % (i, i, i)
    for i in range(1, n + 1)) + "</channel></rss>")' "$1"
}

mkdir "$work/www" || tap_bail "mkdir"
feed 2 >"$work/www/f.xml"
start_origin "$work/www" "$work" || tap_bail "the origin did not start"
port=$(free_port)
cat >"$work/feedd.conf" <<EOF2
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$port
listen = unix:$sock
interval = 1s
min_interval = 1s
max_interval = 1s
log_level = debug

[feed f]
url = http://127.0.0.1:$origin_port/f.xml
EOF2
env -u JOURNAL_STREAM "$feedd" -c "$work/feedd.conf" -d \
    2>>"$work/feedd.log" &
feedd_pid=$!

stored() {
	[ "$(db_check "$work/feedd.db" 2>/dev/null)" = "ok $1" ]
}
polls() {
	origin_count '^GET /f\.xml 200 '
}
# serve FILE: the origin serves it from now on; waits for two polls of
# it (so that the first has been parsed), fails if there were none.
serve() {
	cp "$1" "$work/www/f.xml.new" && mv "$work/www/f.xml.new" \
	    "$work/www/f.xml" || return 1
	_n=$(polls)
	wait_for "$WAIT" origin_at_least $((_n + 2)) '^GET /f\.xml 200 '
}
logged() {
	grep -q -- "$1" "$work/feedd.log"
}
status_says() {
	"$feedd" status -s "$sock" 2>&1 | grep -q -- "$1"
}

wait_for "$WAIT" stored 2
tap_ok $? "the feed's 2 entries are stored"

"$PYTHON3" -c 'import sys
print("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY e \"" + "x" * 50000 +
      "\">]><rss version=\"2.0\"><channel><title>t</title><item>"
      "<guid>urn:x:3</guid><title>bomb</title><description>" +
      "&e;" * 20000 + "</description></item></channel></rss>")' \
    >"$work/bomb.xml"
serve "$work/bomb.xml"
tap_ok $? "the 110 KB entity bomb is fetched"
wait_for "$WAIT" logged "entities and attribute defaults expand past"
tap_ok $? "its refusal is logged"
status_says "expand past"
tap_ok $? "feedd status shows the reason"
stored 2
tap_ok $? "the 2 stored entries stay, nothing of the bomb is stored"
size=$(cat "$work"/feedd.db* | wc -c)
[ "$size" -lt 4000000 ]
tap_ok $? "the database stays small ($size bytes)"

"$PYTHON3" -c 'print("<rss version=\"2.0\"><channel><item><guid>urn:x:4"
    "</guid><foo " + " ".join("a%d=\"x\"" % i for i in range(80000)) +
    "/></item></channel></rss>")' >"$work/attrs.xml"
serve "$work/attrs.xml"
tap_ok $? "the 80,000-attribute document is fetched"
wait_for "$WAIT" logged "an element with more than 128 attributes"
tap_ok $? "its refusal is logged"
[ "$(http_code GET "http://127.0.0.1:$port/healthz")" = 200 ]
tap_ok $? "/healthz answers 200"

feed 3 >"$work/good.xml"
serve "$work/good.xml"
wait_for "$WAIT" stored 3
tap_ok $? "a good document again: its new entry is stored"

stop_pid "$feedd_pid" 10
[ "$stop_status" -eq 0 ] && ! grep -Eq 'runtime error:|Sanitizer' \
    "$work/feedd.log"
tap_ok $? "feedd stops cleanly, no sanitizer report"
[ "$tap_failed" -eq 0 ] || diag_file "$work/feedd.log" 60
exit "$tap_failed"
