#!/bin/sh
# clients.sh: feedd's served documents read by real clients.
#
# origin.py serves two fixture feeds (RSS 2.0 and Atom 1.0) and nothing
# at a third subscription's URL (so one feed fails).  feedd is started
# the way systemd's socket activation starts it: its TCP socket is bound
# beforehand and handed over as fd 3 with LISTEN_PID/LISTEN_FDS (the
# daemon must adopt it rather than bind), and it listens on a Unix
# socket of its own.  Then:
#
#   feedparser (python3-feedparser) reads /feed.rss and /feed.atom over
#   TCP and the Unix socket: bozo false, exactly the stored entries, each
#   once, with their sources; /feed.json is checked against the JSON Feed
#   1.1 spec's required fields and holds the same entries;
#   xmllint validates /feed.atom (and a filter and a view) against the
#   RELAX NG schema of RFC 4287 (tests/data/render/atom.rng);
#   newsboat reloads /feed.atom and /feed.rss and lists every entry once;
#   filters (feed, tag, limit, since) and views return exactly the
#   matching entries; bad requests get 400/404 with a reason;
#   an entry changed at the source keeps its id (and newsboat still
#   lists it once); / is rendered by headless Chromium (a screenshot is
#   kept as build/tests/regress/clients-artifacts/index.png) with every
#   entry in its river, /?show=feeds with the failing feed first; /status, /metrics and /feeds.opml say
#   the same; POST /refresh works on the Unix socket only; every entry
#   shows its outlet in the author as feedparser, the JSON Feed and
#   newsboat read it, and in the title after a reload with outlet = title.
#
# newsboat, xmllint and chromium checks are skipped (TAP "# SKIP") when
# the program is absent; CI installs newsboat, libxml2-utils, chromium.
# Everything happens in a mktemp -d directory that the EXIT trap removes.
#
# Run by hand: sh tests/regress/clients.sh (from the build directory, or
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

WAIT=25
feedd=$top_builddir/feedd
data=$top_srcdir/tests/data/regress
rng=$top_srcdir/tests/data/render/atom.rng
artifacts=$top_builddir/tests/regress/clients-artifacts

check() {
	"$PYTHON3" "$regress_dir/feedcheck.py" "$@"
}

have_feedparser || tap_skip_all "python3-feedparser is not installed for $PYTHON3"
[ -x "$feedd" ] || tap_bail "$feedd is not built"

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-clients.XXXXXX") || tap_bail "mktemp -d failed"
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
	[ -n "$CLIENTS_KEEP" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

bail() {
	diag_file "$work/feedd.log" 100
	tap_bail "$1"
}

# skip DESCRIPTION REASON
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# --- the origin
mkdir "$work/www" || bail "mkdir"
cp "$data/world.rss" "$data/analysis.atom" "$work/www/" &&
    chmod u+w "$work/www/world.rss" "$work/www/analysis.atom" ||
    bail "cannot copy the fixtures"
start_origin "$work/www" "$work" || bail "the origin server did not start"
origin=http://127.0.0.1:$origin_port
world_url=$origin/world.rss
analysis_url=$origin/analysis.atom

# --- feedd, socket-activated
write_conf() {
	cat >"$work/feedd.conf" <<EOF
; written by clients.sh
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$port
listen = unix:$sock
interval = 2s
min_interval = 1s
log_level = debug

[feed world-rss]
url = $world_url
title = World (RSS)
tags = news, world

[feed analysis-atom]
url = $analysis_url
tags = analysis

[feed broken]
url = $origin/missing.xml
title = Broken feed

[view world]
title = World view
tags = world

[view grain]
feeds = world-rss
query = grain
EOF
}

# Binds 127.0.0.1:PORT, hands the socket over as fd 3 with LISTEN_PID
# and LISTEN_FDS (sd_listen_fds(3)), and execs the daemon.
activate() {
	exec env -u JOURNAL_STREAM "$PYTHON3" -c 'import os, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(128)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ["LISTEN_FDS"] = "1"
os.execv(sys.argv[2], sys.argv[2:])' "$@"
}

tcp_accepts() {
	"$PYTHON3" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1"
}

daemon_settled() {
	dead "$feedd_pid" && return 0
	[ -S "$sock" ] && tcp_accepts "$port"
}

start_feedd() {
	port=$(free_port) || return 1
	write_conf
	activate "$port" "$feedd" \
	    -c "$work/feedd.conf" -d >/dev/null 2>>"$work/feedd.log" &
	feedd_pid=$!
	wait_for "$WAIT" daemon_settled && ! dead "$feedd_pid"
}

start_feedd
st=$?
if [ $st -ne 0 ] && dead "$feedd_pid"; then
	diag "feedd exited instead of listening on port $port; once more"
	mv "$work/feedd.log" "$work/feedd-first-attempt.log"
	start_feedd
	st=$?
fi
tap_ok $st "feedd starts, socket-activated on 127.0.0.1:$port, and on $sock" ||
    bail "feedd is not running"
grep -q "listening on 127.0.0.1:$port (from systemd)" "$work/feedd.log"
tap_ok $? "feedd adopted the socket systemd handed over instead of binding its own"

base=http://127.0.0.1:$port

tap_check "/feed.atom holds all 7 fixture entries within ${WAIT}s" \
    check --wait "$WAIT" --min-count 7 "$base/feed.atom"

failing_broken() {
	"$PYTHON3" -c 'import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/status", timeout=5))
f = [x for x in d["feeds"] if x["name"] == "broken"][0]
sys.exit(0 if f["state"] == "failing" else 1)' "$base"
}
wait_for "$WAIT" failing_broken
tap_ok $? "the feed without a document is reported failing in /status"

# --- feedparser: every format, both ways
# check_fx WORLD_FIXTURE ARGS...: check against both fixtures.
check_fx() {
	_world=$1
	shift
	check --fixture "$_world" "$world_url" "World (RSS)" \
	    --fixture "$data/analysis.atom" "$analysis_url" - "$@"
}
for fmt in atom rss json; do
	tap_check "/feed.$fmt over TCP: valid, exactly the 7 entries, each once, with their sources" \
	    check_fx "$data/world.rss" --format $fmt --count 7 \
	    --ordered --dump "$work/before.$fmt.json" "$base/feed.$fmt"
	tap_check "/feed.$fmt over the Unix socket: the same" \
	    check_fx "$data/world.rss" --format $fmt --count 7 \
	    --unix "$sock" "http://localhost/feed.$fmt"
done

# --- RFC 4287 schema
if command -v xmllint >/dev/null 2>&1; then
	for path in "/feed.atom" "/feed.atom?tag=world&limit=2" \
	    "/view/grain.atom"; do
		curl -sf -o "$work/doc.atom" "$base$path"
		tap_check "xmllint --relaxng (RFC 4287) accepts $path" \
		    xmllint --noout --relaxng "$rng" "$work/doc.atom"
	done
else
	for i in 1 2 3; do
		skip "xmllint --relaxng on an Atom document" "xmllint (libxml2-utils) not installed"
	done
fi

# --- filters and views: exactly the matching entries
tap_check "?feed=world-rss: exactly the 4 entries of that feed" \
    check --format rss --fixture "$data/world.rss" "$world_url" \
    "World (RSS)" --count 4 "$base/feed.rss?feed=world-rss"
tap_check "?tag=analysis: exactly the 3 entries of the feed with that tag" \
    check --format atom --fixture "$data/analysis.atom" "$analysis_url" - \
    --count 3 "$base/feed.atom?tag=analysis"
tap_check "?feed=world-rss&feed=analysis-atom: all 7" \
    check_fx "$data/world.rss" --format json --count 7 \
    "$base/feed.json?feed=world-rss&feed=analysis-atom"
tap_check "?limit=3: the 3 newest" \
    check --format atom --count 3 "$base/feed.atom?limit=3"
# 2024-03-11T00:00:00Z: the world items of the 12th and 11th and the
# analysis entries from then on.
since_expect() {
	"$PYTHON3" -c 'import calendar, feedparser, json, sys
out = []
for path, url in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    for e in feedparser.parse(path).entries:
        d = e.get("published_parsed") or e.get("updated_parsed")
        if calendar.timegm(d) >= 1710115200:
            out.append({"title": e.title.strip(), "link": e.link,
                        "source_url": url})
json.dump(out, sys.stdout)' "$data/world.rss" "$world_url" \
	    "$data/analysis.atom" "$analysis_url" >"$work/since.json"
}
since_expect
tap_check "?since=2024-03-11T00:00:00Z: exactly the $(grep -o '"link"' "$work/since.json" | wc -l) entries dated from then" \
    check --format atom --expect "$work/since.json" \
    "$base/feed.atom?since=2024-03-11T00:00:00Z"
tap_check "/view/world.rss (tags = world): exactly the world feed's 4" \
    check --format rss --fixture "$data/world.rss" "$world_url" \
    "World (RSS)" --count 4 "$base/view/world.rss"
tap_check "/view/grain.atom (feeds + query): exactly the 1 matching entry" \
    check --format atom --count 1 "$base/view/grain.atom"

# --- errors: status and a short reason
tap_check "an unknown path is 404 with a reason" \
    check --raw --status 404 --body-has "not found" "$base/nope"
tap_check "limit=0 is 400 with a reason" \
    check --raw --status 400 --body-has "bad limit" "$base/feed.atom?limit=0"
tap_check "limit=9999 is 400 with a reason" \
    check --raw --status 400 --body-has "bad limit" "$base/feed.rss?limit=9999"
tap_check "since=yesterday is 400 with a reason" \
    check --raw --status 400 --body-has "bad since" "$base/feed.json?since=yesterday"
tap_check "an unknown view is 404 with a reason" \
    check --raw --status 404 --body-has "no view" "$base/view/nope.rss"

# --- filters never fail silently, tags in any case, since= a date, and
# a filtered feed's title says what it holds (feedparser reads it)
tap_check "?tag=ANALYSIS (tags in any case): the 3 entries of ?tag=analysis" \
    check --format atom --fixture "$data/analysis.atom" "$analysis_url" - \
    --count 3 "$base/feed.atom?tag=ANALYSIS"
tap_check "?since=2024-03-11 (a date): the entries of ?since=2024-03-11T00:00:00Z" \
    check --format atom --expect "$work/since.json" \
    "$base/feed.atom?since=2024-03-11"
tap_check "?feeds=world-rss (no such parameter) is 400 with a reason" \
    check --raw --status 400 --body-has 'unknown parameter "feeds" (did you mean "feed"?)' \
    "$base/feed.atom?feeds=world-rss"
tap_check "?bogus=1 is 400 with a reason" \
    check --raw --status 400 --body-has 'unknown parameter "bogus"' \
    "$base/feed.rss?bogus=1"
tap_check "?feed=nosuch is 400 with a reason" \
    check --raw --status 400 --body-has 'unknown feed "nosuch"' \
    "$base/feed.json?feed=nosuch"
tap_check "?tag=nosuch is 400 with a reason" \
    check --raw --status 400 --body-has 'unknown tag "nosuch"' \
    "$base/feed.atom?tag=nosuch"
# title_is URL TITLE: feedparser reads the document's title as TITLE.
title_is() {
	"$PYTHON3" -c 'import feedparser, sys
d = feedparser.parse(sys.argv[1])
t = d.feed.get("title")
if d.bozo or t != sys.argv[2]:
    print("%s: title %r (bozo %s), want %r" % (sys.argv[1], t, d.bozo,
          sys.argv[2]))
    sys.exit(1)' "$1" "$2"
}
tap_check "filtered feeds are titled by what they hold, as feedparser reads them" \
    eval 'title_is "$base/feed.atom?feed=world-rss" "feedd: World (RSS)" &&
    title_is "$base/feed.rss?feed=world-rss&feed=analysis-atom" "feedd: World (RSS), Strait Line: Analysis" &&
    title_is "$base/feed.atom?tag=World" "feedd: tag world" &&
    title_is "$base/feed.atom?q=grain&since=2024-03-11" "feedd: search \"grain\"; since 2024-03-11" &&
    title_is "$base/feed.atom?limit=3" "feedd: all feeds"'

# --- newsboat: one cache per format, because newsboat keys articles by
# guid across all its feeds (the same entries in /feed.atom and /feed.rss
# would be one article each).
nb_reload() {
	for _f in atom rss; do
		echo "$base/feed.$_f" >"$work/urls.$_f"
		HOME=$work/nbhome XDG_CONFIG_HOME=$work/nbhome/.config \
		    XDG_DATA_HOME=$work/nbhome/.local/share \
		    newsboat -u "$work/urls.$_f" -c "$work/nb-$_f.db" \
		    -C "$work/nbconfig" -x reload >>"$work/newsboat.out" 2>&1 ||
		    return 1
		test -s "$work/nb-$_f.db" || return 1
	done
}
# nb_check N TITLE...: each format's newsboat cache holds N items with
# N distinct guids and N distinct titles, each TITLE exactly once.
nb_check() {
	_st=0
	_want=$1
	shift
	for _f in atom rss; do
		_u=$base/feed.$_f
		_db=$work/nb-$_f.db
		_q="SELECT count(*), count(DISTINCT guid), count(DISTINCT title)
		    FROM rss_item WHERE feedurl = '$_u'"
		_got=$(sqlite3 "$_db" "$_q")
		if [ "$_got" != "$_want|$_want|$_want" ]; then
			echo "$_u: items, guids, titles: $_got; want $_want each"
			_st=1
		fi
		for _t in "$@"; do
			_tq=$(printf '%s' "$_t" | sed "s/'/''/g")
			_n=$(sqlite3 "$_db" "SELECT count(*) FROM rss_item
			    WHERE feedurl = '$_u' AND title = '$_tq'")
			if [ "$_n" != 1 ]; then
				echo "$_u: \"$_t\" listed $_n times"
				_st=1
			fi
		done
	done
	return $_st
}
t1="Foreign ministers agree to extend Black Sea grain corridor talks"
t2="Trade & security top the agenda as ASEAN envoys gather in Vientiane"
t3="Why the Arctic Council's paralysis matters beyond the Arctic"
if command -v newsboat >/dev/null 2>&1 && command -v sqlite3 >/dev/null 2>&1; then
	mkdir -p "$work/nbhome/.config" "$work/nbhome/.local/share"
	: >"$work/nbconfig"
	nb_reload
	tap_ok $? "newsboat -x reload of /feed.atom and /feed.rss succeeds" ||
	    diag_file "$work/newsboat.out"
	tap_check "newsboat lists every entry once (7 per feed, distinct guids and titles)" \
	    nb_check 7 "$t1" "$t2" "$t3"
	nb=1
else
	skip "newsboat -x reload" "newsboat or sqlite3 not installed"
	skip "newsboat lists every entry once" "newsboat or sqlite3 not installed"
	nb=
fi

# newsboat names each filtered feed by its title.
nb_titles() {
	printf '%s\n' "$base/feed.atom?feed=world-rss" \
	    "$base/feed.rss?tag=analysis" >"$work/urls.filters"
	HOME=$work/nbhome XDG_CONFIG_HOME=$work/nbhome/.config \
	    XDG_DATA_HOME=$work/nbhome/.local/share \
	    newsboat -u "$work/urls.filters" -c "$work/nb-filters.db" \
	    -C "$work/nbconfig" -x reload >>"$work/newsboat.out" 2>&1 ||
	    return 1
	_got=$(sqlite3 "$work/nb-filters.db" "SELECT title FROM rss_feed
	    ORDER BY title")
	_want=$(printf 'feedd: World (RSS)\nfeedd: tag analysis')
	[ "$_got" = "$_want" ] && return 0
	echo "newsboat's feed titles: $_got"
	return 1
}
if [ -n "$nb" ]; then
	tap_check "newsboat shows each filtered feed under its own title" \
	    nb_titles
else
	skip "newsboat shows filtered feeds' titles" "newsboat or sqlite3 not installed"
fi

# --- an entry updated at the source keeps its identity
# The Atom fixture (the RSS one asks for a 30-minute <ttl>) revises an
# entry: new title, summary and updated date, same atom:id.
sed -e "s|paralysis matters beyond the Arctic</title>|paralysis matters beyond the Arctic (revised)</title>|" \
    -e 's|<updated>2024-03-12T06:00:00Z</updated>\(.*\)|<updated>2024-03-13T06:00:00Z</updated>\1|' \
    -e 's|drifting into bilateral deals.|drifting into bilateral deals. Updated.|' \
    "$data/analysis.atom" >"$work/www/analysis.atom.new" &&
    mv -f "$work/www/analysis.atom.new" "$work/www/analysis.atom" ||
    bail "cannot rewrite the fixture"
grep -q "(revised)" "$work/www/analysis.atom" || bail "the revision did not apply"
revised_seen() {
	curl -sf "$base/feed.atom" | grep -q "beyond the Arctic (revised)"
}
wait_for "$WAIT" revised_seen
tap_ok $? "the revised title reaches /feed.atom within ${WAIT}s"

# same_ids FORMAT: every entry of the earlier dump has the same id now,
# found by its link; the revised one has its new title.
same_ids() {
	check --format "$1" --dump "$work/after.$1.json" "$base/feed.$1" &&
	"$PYTHON3" -c 'import json, sys
before = {e["link"]: e for e in json.load(open(sys.argv[1]))}
after = {e["link"]: e for e in json.load(open(sys.argv[2]))}
bad = 0
if len(after) != len(before):
    print("%d entries, want %d" % (len(after), len(before))); bad = 1
for link, e in before.items():
    a = after.get(link)
    if a is None:
        print("gone:", link); bad = 1
    elif a["id"] != e["id"]:
        print("%s: id %r became %r" % (link, e["id"], a["id"])); bad = 1
revised = [a for a in after.values() if a["title"].endswith("(revised)")]
if len(revised) != 1:
    print("%d revised entries, want 1" % len(revised)); bad = 1
sys.exit(bad)' "$work/before.$1.json" "$work/after.$1.json"
}
for fmt in atom rss json; do
	tap_check "after the revision, /feed.$fmt: same 7 entries, every id unchanged, the new title shown" \
	    same_ids $fmt
done
if [ -n "$nb" ]; then
	nb_reload
	tap_check "newsboat after the revision: still every entry once, the revised one under its new title" \
	    nb_check 7 "$t1" "$t2" "$t3 (revised)"
else
	skip "newsboat after the revision" "newsboat or sqlite3 not installed"
fi

# --- the operator's pages
mkdir -p "$artifacts"
chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v $c >/dev/null 2>&1; then
		chrome=$c
		break
	fi
done
# Root (CI containers) needs --no-sandbox.
chrome_run() {
	timeout 90 "$chrome" --headless --no-sandbox --disable-gpu \
	    --disable-dev-shm-usage --hide-scrollbars --no-first-run \
	    --user-data-dir="$work/chrome" "$@" 2>>"$work/chrome.log"
}
page_check() {
	"$PYTHON3" -c 'import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows = []; self.river = 0; self.scripts = 0
        self.in_row = None; self.in_river = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script": self.scripts += 1
        if tag == "ol" and a.get("class") == "river": self.in_river = True
        if tag == "li" and self.in_river: self.river += 1
        if tag == "tr" and a.get("class") in ("failing", "ok", "retired"):
            self.in_row = [a["class"], ""]; self.rows.append(self.in_row)
    def handle_endtag(self, tag):
        if tag == "ol": self.in_river = False
        if tag == "tr": self.in_row = None
    def handle_data(self, d):
        if self.in_row is not None: self.in_row[1] += d
p = P()
for f in sys.argv[1:]:
    p.feed(open(f, encoding="utf-8").read())
bad = []
if p.river != 7: bad.append("river: %d entries, want 7" % p.river)
if len(p.rows) != 3: bad.append("feeds table: %d rows, want 3" % len(p.rows))
elif p.rows[0][0] != "failing" or "Broken feed" not in p.rows[0][1]:
    bad.append("first row is %r, want the failing feed" % p.rows[0])
elif [r[0] for r in p.rows[1:]] != ["ok", "ok"]:
    bad.append("other rows: %r" % p.rows[1:])
if p.scripts: bad.append("%d script elements" % p.scripts)
print("\n".join(bad)); sys.exit(1 if bad else 0)' "$@"
}
if [ -n "$chrome" ]; then
	rm -f "$artifacts/index.png"
	chrome_run --window-size=1280,1400 \
	    --screenshot="$artifacts/index.png" "$base/" >/dev/null
	"$PYTHON3" -c 'import sys
b = open(sys.argv[1], "rb").read()
sys.exit(0 if b[:8] == b"\x89PNG\r\n\x1a\n" and len(b) > 10000 else 1)' \
	    "$artifacts/index.png" 2>/dev/null
	tap_ok $? "headless $chrome renders / to a screenshot ($artifacts/index.png)" ||
	    diag_file "$work/chrome.log" 20
	chrome_run --dump-dom "$base/" >"$artifacts/index.dom.html"
	chrome_run --dump-dom "$base/?show=feeds" >"$artifacts/feeds.dom.html"
	tap_check "the DOM Chromium built from / and /?show=feeds: 7 entries in the river, 3 feeds, the failing one first, no scripts" \
	    page_check "$artifacts/index.dom.html" "$artifacts/feeds.dom.html"
else
	skip "headless Chromium renders /" "chromium not installed"
	skip "the DOM Chromium built from /" "chromium not installed"
fi

status_check() {
	"$PYTHON3" -c 'import json, sys, urllib.request
r = urllib.request.urlopen(sys.argv[1] + "/status", timeout=5)
assert r.headers["Content-Type"] == "application/json; charset=utf-8"
d = json.load(r)
names = [f["name"] for f in d["feeds"]]
assert names == ["broken", "analysis-atom", "world-rss"], names
assert d["feeds_failing"] == 1, d["feeds_failing"]
assert d["feeds"][0]["last_error"], d["feeds"][0]
for f in d["feeds"][1:]:
    assert f["state"] == "ok" and f["last_success"] and f["next_poll"], f
assert len(d["entries"]) == 7, len(d["entries"])
assert all(e["source"]["url"] for e in d["entries"])' "$base"
}
tap_check "/status: the same feeds, failing first, with their state, and the 7 entries" \
    status_check

metrics_check() {
	"$PYTHON3" -c 'import re, sys, urllib.request
r = urllib.request.urlopen(sys.argv[1] + "/metrics", timeout=5)
t = r.read().decode()
assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
v = {}
for line in t.splitlines():
    if line and not line.startswith("#"):
        k, n = line.rsplit(" ", 1)
        v[k] = float(n)
for k in ("feedd_http_requests_total",
          "feedd_http_request_duration_seconds_count",
          "feedd_fetches_total{outcome=\"ok\"}",
          "feedd_fetch_bytes_total", "feedd_entries_added_total"):
    assert v.get(k, 0) > 0, (k, v.get(k))
assert v["feedd_fetches_total{outcome=\"http_error\"}"] > 0
assert v["feedd_http_request_duration_seconds_bucket{le=\"+Inf\"}"] == \
    v["feedd_http_request_duration_seconds_count"]' "$base"
}
tap_check "/metrics: Prometheus text with fetches by outcome, bytes, entries, requests and the latency histogram" \
    metrics_check

opml_check() {
	"$PYTHON3" -c 'import sys, urllib.request
import xml.etree.ElementTree as ET
d = ET.fromstring(urllib.request.urlopen(sys.argv[1] + "/feeds.opml",
                                         timeout=5).read())
assert d.tag == "opml" and d.get("version") == "2.0"
urls = sorted(o.get("xmlUrl") for o in d.iter("outline") if o.get("xmlUrl"))
want = sorted(sys.argv[2:])
assert urls == want, urls' "$base" "$world_url" "$analysis_url" \
	    "$origin/missing.xml"
}
tap_check "/feeds.opml: OPML 2.0 listing the 3 subscriptions" opml_check

# --- POST /refresh: Unix socket only
post() {
	curl -s -o "$work/post.out" -w '%{http_code}' -X POST "$@"
}
code=$(post "$base/refresh")
[ "$code" = 403 ]
tap_ok $? "POST /refresh over TCP is refused (403; got $code)"
mark=$(origin_count '^GET /world\.rss ')
code=$(post --unix-socket "$sock" "http://localhost/refresh?feed=world-rss")
refetched() {
	origin_at_least $((mark + 1)) '^GET /world\.rss '
}
[ "$code" = 202 ] && wait_for 5 refetched
tap_ok $? "POST /refresh?feed=world-rss over the Unix socket is 202 and polls it (got $code)"
code=$(post --unix-socket "$sock" "http://localhost/refresh?feed=nope")
[ "$code" = 404 ]
tap_ok $? "POST /refresh?feed=nope over the Unix socket is 404 (got $code)"

# --- the outlet where every reader looks: in the author by default
# ("Author (Outlet)"; newsboat shows the author, not <source>), in the
# title ("[Outlet] Title") with outlet = title.
# outlet_check MODE: /feed.rss and /feed.atom read by feedparser and
# /feed.json as JSON show every entry's outlet where MODE puts it.
outlet_check() {
	"$PYTHON3" -c 'import json, sys, urllib.request
import feedparser
base, mode = sys.argv[1], sys.argv[2]
outlets = {"Elena Markovi\u0107": "World (RSS)",
           "Ingrid Solberg": "Strait Line: Analysis"}
authors = ("Elena Markovi\u0107", "Amadou Diallo", "Linh Tran",
           "Camila Restrepo", "Ingrid Solberg", "Hassan Abdi",
           "Marta Kowalczyk")
def outlet_of(author):
    world = author in authors[:4]
    return "World (RSS)" if world else "Strait Line: Analysis"
bad = []
def one(fmt, title, author):
    plain = author.split(" (")[0] if author else None
    if plain not in authors:
        bad.append("%s: author %r" % (fmt, author)); return
    o = outlet_of(plain)
    if mode == "author":
        want_a, ok_t = "%s (%s)" % (plain, o), not title.startswith("[")
    else:
        want_a, ok_t = plain, title.startswith("[%s] " % o)
    if author != want_a:
        bad.append("%s: author %r, want %r" % (fmt, author, want_a))
    if not ok_t:
        bad.append("%s: title %r" % (fmt, title))
for fmt in ("rss", "atom"):
    d = feedparser.parse(urllib.request.urlopen(base + "/feed." + fmt,
                                                timeout=5).read())
    if len(d.entries) != 7: bad.append("%s: %d entries" % (fmt, len(d.entries)))
    for e in d.entries:
        one(fmt, e.get("title", ""), e.get("author"))
j = json.load(urllib.request.urlopen(base + "/feed.json", timeout=5))
for it in j["items"]:
    one("json", it.get("title", ""), (it.get("authors") or [{}])[0].get("name"))
for b in bad: print(b)
sys.exit(1 if bad else 0)' "$base" "$1"
}
# nb_outlet MODE: what newsboat shows (its cache: author, title).
nb_outlet() {
	_st=0
	for _f in atom rss; do
		_db=$work/nb-$_f.db
		_u=$base/feed.$_f
		if [ "$1" = author ]; then
			_q="SELECT count(*) FROM rss_item WHERE feedurl = '$_u'
			    AND (author LIKE '% (World (RSS))'
			    OR author LIKE '% (Strait Line: Analysis)')"
		else
			_q="SELECT count(*) FROM rss_item WHERE feedurl = '$_u'
			    AND (title LIKE '[World (RSS)] %'
			    OR title LIKE '[Strait Line: Analysis] %')
			    AND author NOT LIKE '%(%'"
		fi
		_n=$(sqlite3 "$_db" "$_q")
		if [ "$_n" != 7 ]; then
			echo "$_u: $_n of 7 items show the outlet in the $1"
			sqlite3 "$_db" "SELECT author, title FROM rss_item
			    WHERE feedurl = '$_u'"
			_st=1
		fi
	done
	return $_st
}
tap_check "outlet = author (default): feedparser and JSON Feed show 'Author (Outlet)'" \
    outlet_check author
if [ -n "$nb" ]; then
	tap_check "newsboat shows every entry's author as 'Author (Outlet)'" \
	    nb_outlet author
else
	skip "newsboat shows the outlet in the author" "newsboat or sqlite3 not installed"
fi
sed 's/^\[feedd\]$/[feedd]\noutlet = title/' "$work/feedd.conf" \
    >"$work/feedd.conf.new" && mv "$work/feedd.conf.new" "$work/feedd.conf" &&
    kill -HUP "$feedd_pid" || bail "cannot reload with outlet = title"
titled() {
	curl -sf "$base/feed.rss" | grep -q "<title>\[World (RSS)\] "
}
wait_for "$WAIT" titled
tap_ok $? "after SIGHUP with outlet = title, /feed.rss titles name the outlet within ${WAIT}s"
tap_check "outlet = title: feedparser and JSON Feed show '[Outlet] Title' and the plain author" \
    outlet_check title
if [ -n "$nb" ]; then
	# A fresh cache: newsboat keeps the title it first stored for an
	# item whose content did not change.
	rm -f "$work/nb-atom.db" "$work/nb-rss.db"
	nb_reload
	tap_check "newsboat shows every title as '[Outlet] Title'" \
	    nb_outlet title
else
	skip "newsboat shows the outlet in the title" "newsboat or sqlite3 not installed"
fi

# --- shutdown
stop_pid "$feedd_pid" 5
st=$?
[ $st -eq 0 ] && [ "$stop_status" -eq 0 ]
tap_ok $? "SIGTERM: feedd exits with status 0"
feedd_pid=
if grep -En 'runtime error:|Sanitizer' "$work/feedd.log" >"$work/bad.log"; then
	diag_file "$work/bad.log"
	st=1
else
	st=0
fi
tap_ok $st "feedd logged no sanitizer reports"
stop_pid "$origin_pid" 5
origin_pid=

tap_plan "$tap_n"
if [ "$tap_failed" -gt 0 ]; then
	diag_file "$work/feedd.log" 200
	exit 1
fi
exit 0
