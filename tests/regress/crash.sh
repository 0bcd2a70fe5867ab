#!/bin/sh
# crash.sh: feedd killed with SIGKILL at random moments during heavy
# ingest, many times over: nothing committed is lost.  TAP.
#
# The origin serves 30 feeds of 200 entries each.  Every round rewrites
# them with 200 new entries each (6,000 new entries a round, one document
# per feed), starts feedd (polling every second), and kills it with
# SIGKILL at a random moment while it stores them.  Just before the kill
# the test reads which entries the database holds (a reader of its own:
# WAL lets it look while feedd writes).  After each kill:
#  - PRAGMA integrity_check is "ok";
#  - every entry read before the kill is still there (committed means
#    kept);
#  - documents are whole: of each feed's round, 0 or all 200 entries
#    (one transaction per document).
# At the end feedd runs once more until every round of every feed is in,
# and stops cleanly.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/../..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/../..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

. "$top_srcdir/tests/regress/lib.sh"

ROUNDS=12
FEEDS=30
PER_DOC=200
WAIT=60
feedd=$top_builddir/feedd

[ -x "$feedd" ] || tap_bail "$feedd is not built"
"$PYTHON3" -c 'import sqlite3' 2>/dev/null ||
    tap_skip_all "$PYTHON3 has no sqlite3 module"

tap_plan $((ROUNDS * 3 + 2))

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-crash.XXXXXX") || tap_bail "mktemp -d failed"
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

db=$work/feedd.db

# gen ROUND: the feeds' files for that round, written atomically.
gen() {
	"$PYTHON3" - "$work/www" "$1" "$FEEDS" "$PER_DOC" <<'EOF'
import os, sys
d, r, nfeeds, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.makedirs(d, exist_ok=True)
for f in range(nfeeds):
    items = []
    for k in range(per):
        items.append(
            "<item><title>Feed %d round %d story %d</title>"
            "<link>https://example.org/f%d/r%d/s%d</link>"
            "<guid isPermaLink=\"false\">f%d-r%d-s%d</guid>"
            "<description>%s</description>"
            "<pubDate>Tue, 10 Mar 2026 %02d:%02d:00 GMT</pubDate></item>"
            % (f, r, k, f, r, k, f, r, k,
               "Words of a summary long enough to weigh something. " * 8,
               (r + k // 60) % 24, k % 60))
    doc = ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
           "<title>Feed %d</title><link>https://example.org/f%d</link>"
           "<description>x</description>%s</channel></rss>"
           % (f, f, "".join(items)))
    tmp = os.path.join(d, ".f%d.tmp" % f)
    with open(tmp, "w") as fp:
        fp.write(doc)
    os.rename(tmp, os.path.join(d, "f%d.rss" % f))
EOF
}

# snapshot FILE: the (feed, link) pairs the database holds, one a line.
snapshot() {
	"$PYTHON3" - "$db" "$1" <<'EOF'
import sqlite3, sys
try:
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True,
                         timeout=5)
    rows = db.execute("SELECT f.name, e.link FROM entries e"
                      " JOIN feeds f ON f.id = e.feed_id").fetchall()
except sqlite3.Error:
    rows = []	# not created yet, or no schema yet
with open(sys.argv[2], "w") as fp:
    for name, guid in rows:
        fp.write("%s %s\n" % (name, guid))
EOF
}

# verify BEFORE: prints "integrity", "kept", "whole" results as three
# words "ok"/"bad:..." on three lines.
verify() {
	"$PYTHON3" - "$db" "$1" "$PER_DOC" <<'EOF'
import collections, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5)
ic = " ".join(r[0] for r in db.execute("PRAGMA integrity_check"))
print("ok" if ic == "ok" else "bad:" + ic[:200])
try:
    rows = db.execute("SELECT f.name, e.link FROM entries e"
                      " JOIN feeds f ON f.id = e.feed_id").fetchall()
except sqlite3.Error:
    rows = []
now = set("%s %s" % r for r in rows)
before = set(l.rstrip("\n") for l in open(sys.argv[2]))
lost = before - now
print("ok %d %d" % (len(before), len(now)) if not lost else
      "bad:%d lost, e.g. %s" % (len(lost), sorted(lost)[:3]))
per = int(sys.argv[3])
docs = collections.Counter(l.rsplit("/", 1)[0] for _, l in rows)
torn = [k for k, n in docs.items() if n != per]
print("ok %d" % len(docs) if not torn else
      "bad:%d torn documents, e.g. %s" % (len(torn), torn[:3]))
EOF
}

cat >"$work/feedd.conf" <<EOF
[feedd]
database = $db
listen = unix:$work/feedd.sock
interval = 1s
min_interval = 1s
max_interval = 1s
host_delay = 0
per_host_connections = 8
max_connections = 8
keep_days = 0
keep_entries = 0
EOF
mkdir -p "$work/www" || tap_bail "mkdir"
gen 0 || tap_bail "cannot write the feeds"
start_origin "$work/www" "$work" || tap_bail "the origin server did not start"
f=0
while [ $f -lt $FEEDS ]; do
	printf '[feed f%d]\nurl = http://127.0.0.1:%d/f%d.rss\n' \
	    $f "$origin_port" $f >>"$work/feedd.conf"
	f=$((f + 1))
done

# The kill moments come from one seed, printed so that a failing run can
# be repeated (FEEDD_TEST_SEED=N).
seed=${FEEDD_TEST_SEED:-$$}
echo "# seed $seed (FEEDD_TEST_SEED=$seed repeats it)"

# A random number of milliseconds in [lo, hi), drawn for round ROUND.
rand_ms() {
	"$PYTHON3" -c 'import random, sys
random.seed("%s-%s" % (sys.argv[3], sys.argv[4]))
print(random.randrange(int(sys.argv[1]), int(sys.argv[2])))' \
	    "$1" "$2" "$seed" "$3"
}

start_feedd() {
	env -u JOURNAL_STREAM "$feedd" -c "$work/feedd.conf" \
	    2>>"$work/feedd.log" &
	feedd_pid=$!
}

round=1
while [ $round -le $ROUNDS ]; do
	gen $round || tap_bail "cannot write the feeds"
	start_feedd
	# Some rounds die early (start-up, first commits), most mid-ingest.
	ms=$(rand_ms 50 1500 $round)
	sleep "$(echo "$ms" | awk '{ printf "%.3f", $1 / 1000 }')"
	snapshot "$work/before"
	kill -KILL "$feedd_pid" 2>/dev/null
	wait "$feedd_pid" 2>/dev/null
	feedd_pid=
	out=$(verify "$work/before")
	set -- $out
	tap_ok "$([ "$1" = ok ] && echo 0 || echo 1)" \
	    "round $round (killed after $ms ms): integrity_check $1"
	tap_ok "$([ "$2" = ok ] && echo 0 || echo 1)" \
	    "round $round: every entry seen before the kill is kept ($(echo "$out" | sed -n 2p))"
	tap_ok "$([ "$(echo "$out" | sed -n 3p | cut -c1-2)" = ok ] &&
	    echo 0 || echo 1)" \
	    "round $round: documents whole ($(echo "$out" | sed -n 3p))"
	round=$((round + 1))
done

# The last round's feeds stay served: a clean run stores what is
# missing of it, and stops with 0.
start_feedd
complete() {
	n=$("$PYTHON3" -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5)
print(db.execute("SELECT count(*) FROM entries WHERE link LIKE ?",
                 ("%%/r%s/%%" % sys.argv[2],)).fetchone()[0])' "$db" "$ROUNDS")
	[ "$n" -eq $((FEEDS * PER_DOC)) ]
}
wait_for "$WAIT" complete
tap_ok $? "after the last kill feedd stores every entry of the feeds"
stop_pid "$feedd_pid" 10
feedd_pid=
tap_ok $stop_status "and stops cleanly (exit $stop_status)"
[ "$tap_failed" -eq 0 ] || diag_file "$work/feedd.log" 60
