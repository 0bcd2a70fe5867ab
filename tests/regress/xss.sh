#!/bin/sh
# xss.sh: what feedd's parser lets through, run in a real browser.
#
# tests/data/xss/tricks.xml carries SVG and MathML tricks (SMIL
# animate/set rewriting an href, xlink and namespace prefixes,
# foreignObject, annotation-xml, use with data:, forms), link tricks
# (javascript:, data:, vbscript: in entry, source, enclosure and feed
# links) and titles with markup.  `feedd parse` reduces it; xsspage.py
# puts every resulting fragment into iframes of a page, clicks and
# hovers each of its elements in headless Chromium, and checks that no
# payload ran, while unsanitized controls on the same page must run
# (else the harness proves nothing).
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
trap 'rm -rf "$work"' EXIT

tap_plan 2
"$feedd" parse "$tricks" >"$work/parsed.json" 2>"$work/parse.err"
tap_ok $? "feedd parse reads the tricks" || diag_file "$work/parse.err" 5
n=$("$PYTHON3" "$regress_dir/xsspage.py" page "$work/parsed.json" \
    "$work/page.html") || tap_bail "xsspage.py cannot build the page"

# Virtual time lets the page's timers (SMIL's start, the waits between
# load and click) pass without waiting for real.  Root (CI containers)
# needs --no-sandbox.
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --user-data-dir="$work/chrome" \
    --virtual-time-budget=60000 --dump-dom "file://$work/page.html" \
    >"$work/dom.html" 2>"$work/chrome.log"
"$PYTHON3" "$regress_dir/xsspage.py" check "$work/dom.html" >"$work/check" 2>&1
rc=$?
tap_ok $rc "no script runs from $n fragments clicked in $chrome" || {
	diag_file "$work/check" 20
	diag_file "$work/chrome.log" 10
}
[ $tap_failed -eq 0 ]
