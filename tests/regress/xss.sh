#!/bin/sh
# xss.sh: what feedd's parser lets through, run in a real browser.
#
# tests/data/xss/tricks.xml carries SVG and MathML tricks (SMIL
# animate/set rewriting an href, xlink and namespace prefixes,
# foreignObject, annotation-xml, use with data:, forms), link tricks
# (javascript:, data:, vbscript: in entry, source, enclosure and feed
# links) and titles with markup.  `feedd parse` reduces it, and the
# daemon fetches it from a loopback origin and serves it as RSS, Atom,
# JSON Feed and its HTML page; xsspage.py puts every resulting fragment
# into iframes of a page, clicks and hovers each of its elements in
# headless Chromium, and checks that no payload ran, while unsanitized
# controls on the same page must run (else the harness proves nothing).
#
# Skipped (TAP "# SKIP") without chromium; CI installs it.
# Run by hand: sh tests/regress/xss.sh (from the build directory, or
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

feedd=$top_builddir/feedd
tricks=$top_srcdir/tests/data/xss/tricks.xml
[ -x "$feedd" ] || tap_bail "$feedd is not built"

chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v $c >/dev/null 2>&1; then
		chrome=$c
		break
	fi
done
[ -n "$chrome" ] || tap_skip_all "chromium is not installed"

tmp=${TMPDIR:-/tmp}
work=$(mktemp -d "$tmp/feedd-xss.XXXXXX") || tap_bail "mktemp -d failed"
feedd_pid=
origin_pid=
cleanup() {
	[ -n "$feedd_pid" ] && stop_pid "$feedd_pid"
	[ -n "$origin_pid" ] && alive "$origin_pid" &&
	    kill -KILL "$origin_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

tap_plan 3
"$feedd" parse "$tricks" >"$work/parsed.json" 2>"$work/parse.err"
tap_ok $? "feedd parse reads the tricks" || diag_file "$work/parse.err" 5

# The daemon: fetches the tricks from the origin and serves them.
mkdir "$work/www" "$work/served" && cp "$tricks" "$work/www/" ||
    tap_bail "cannot copy the tricks"
start_origin "$work/www" "$work" || tap_bail "the origin did not start"
port=$(free_port) || tap_bail "no free port"
cat >"$work/feedd.conf" <<EOF
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$port
interval = 2s
min_interval = 1s

[feed tricks]
url = http://127.0.0.1:$origin_port/tricks.xml
EOF
"$feedd" -c "$work/feedd.conf" >/dev/null 2>"$work/feedd.log" &
feedd_pid=$!
base=http://127.0.0.1:$port
all_served() {
	curl -sf -o "$work/served/feed.json" "$base/feed.json?limit=500" &&
	    "$PYTHON3" -c 'import json, sys
sys.exit(len(json.load(open(sys.argv[1]))["items"]) < 43)' \
	    "$work/served/feed.json"
}
wait_for 25 all_served &&
    curl -sf -o "$work/served/feed.rss" "$base/feed.rss?limit=500" &&
    curl -sf -o "$work/served/feed.atom" "$base/feed.atom?limit=500" &&
    curl -sf -o "$work/served/index.html" "$base/"
tap_ok $? "the daemon serves the 43 tricks as RSS, Atom, JSON and its page" ||
    diag_file "$work/feedd.log" 20
n=$("$PYTHON3" "$regress_dir/xsspage.py" page "$work/parsed.json" \
    "$work/page.html" "$work/served") ||
    tap_bail "xsspage.py cannot build the page"

# Virtual time lets the page's timers (SMIL's start, the waits between
# load and click) pass without waiting for real.  Root (CI containers)
# needs --no-sandbox.
# A page that did not finish (Chromium killed, or out of virtual time on
# a loaded machine) or whose controls did not run proves nothing either
# way: it gets a second run.  A payload that ran fails at once.
for attempt in 1 2; do
	rm -rf "$work/chrome"
	timeout 300 "$chrome" --headless --no-sandbox --disable-gpu \
	    --disable-dev-shm-usage --no-first-run \
	    --user-data-dir="$work/chrome" --virtual-time-budget=60000 \
	    --dump-dom "file://$work/page.html" \
	    >"$work/dom.html" 2>"$work/chrome.log"
	crc=$?
	"$PYTHON3" "$regress_dir/xsspage.py" check "$work/dom.html" \
	    >"$work/check" 2>&1
	rc=$?
	[ $rc -eq 0 ] && break
	echo "chromium exited $crc, DOM of $(wc -c <"$work/dom.html") bytes" \
	    >>"$work/check"
	grep -q "payloads ran" "$work/check" && break
	diag "attempt $attempt: page unfinished or controls silent"
done
tap_ok $rc "no script runs from $n fragments clicked in $chrome" || {
	diag_file "$work/check" 20
	diag_file "$work/chrome.log" 10
}
[ -n "$XSS_KEEP" ] && cp "$work/page.html" "$work/dom.html" "$XSS_KEEP"/
[ $tap_failed -eq 0 ]
