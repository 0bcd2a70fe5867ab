#!/bin/sh
# dbfail.sh: the database cannot be written for a while, and nothing is
# lost.  TAP.
#
# Another process holds SQLite's write lock (BEGIN IMMEDIATE, as a
# backup tool or a curious sqlite3 shell would) while the feed gains an
# entry.  feedd must log the failure with the feed's name, show it in the
# feed's state (/status), keep serving what it stored, and store the new
# entry by itself once the lock is gone, clearing the error.  (A full
# disk and a write that fails for any other reason take the same path
# through the store; tests/unit/test_store_*.c simulate them with
# max_page_count and a failing trigger.  A read-only file is not
# simulated: this suite may run as root, which file modes do not stop.)

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

[ -x "$feedd" ] || tap_bail "$feedd is not built"
"$PYTHON3" -c 'import sqlite3' 2>/dev/null ||
    tap_skip_all "$PYTHON3 has no sqlite3 module"

tap_plan 9

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-dbfail.XXXXXX") || tap_bail "mktemp -d failed"
feedd_pid=
origin_pid=
locker_pid=
cleanup() {
	for p in "$feedd_pid" "$origin_pid" "$locker_pid"; do
		[ -n "$p" ] && alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

db=$work/feedd.db
mkdir "$work/www" && cp "$data/world.rss" "$work/www/world.rss" &&
    chmod u+w "$work/www/world.rss" || tap_bail "cannot copy the fixture"
start_origin "$work/www" "$work" || tap_bail "the origin server did not start"
port=$(free_port) || tap_bail "no free port"
cat >"$work/feedd.conf" <<EOF
[feedd]
database = $db
listen = 127.0.0.1:$port
interval = 1s
min_interval = 1s
max_interval = 2s

[feed world-rss]
url = http://127.0.0.1:$origin_port/world.rss
EOF
env -u JOURNAL_STREAM "$feedd" -c "$work/feedd.conf" -d \
    2>"$work/feedd.log" &
feedd_pid=$!
base=http://127.0.0.1:$port

# entries N: /feed.atom is served and holds N entries.
entries() {
	"$PYTHON3" -c 'import sys, urllib.request
body = urllib.request.urlopen(sys.argv[1] + "/feed.atom", timeout=5).read()
sys.exit(0 if body.count(b"<entry>") == int(sys.argv[2]) else 1)' "$base" "$1"
}
# feed_state PATTERN: the feed's last_error in /status matches PATTERN
# (a Python regular expression; "^$" for none).
feed_state() {
	"$PYTHON3" -c 'import json, re, sys, urllib.request
st = json.load(urllib.request.urlopen(sys.argv[1] + "/status", timeout=5))
f = [f for f in st["feeds"] if f["name"] == "world-rss"][0]
sys.exit(0 if re.search(sys.argv[2], f["last_error"] or "") else 1)' \
	    "$base" "$1"
}

wait_for "$WAIT" entries 4
tap_ok $? "feedd stores the feed's 4 entries"

# The lock: held until $work/unlock exists.
"$PYTHON3" - "$db" "$work" <<'EOF' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN IMMEDIATE")
open(os.path.join(sys.argv[2], "locked"), "w").close()
while not os.path.exists(os.path.join(sys.argv[2], "unlock")):
    time.sleep(0.05)
db.execute("ROLLBACK")
EOF
locker_pid=$!
wait_for 10 test -e "$work/locked"
tap_ok $? "another process holds the database's write lock"

cp "$data/world-updated.rss" "$work/www/world.rss.new" &&
    mv "$work/www/world.rss.new" "$work/www/world.rss"
wait_for "$WAIT" grep -q 'feed world-rss: .*database.*locked' \
    "$work/feedd.log"
tap_ok $? "the failure is logged with the feed's name"
wait_for "$WAIT" feed_state 'locked'
tap_ok $? "/status shows it in the feed's state"
entries 4
tap_ok $? "feedd keeps serving the 4 stored entries meanwhile"
alive "$feedd_pid"
tap_ok $? "and keeps running"

touch "$work/unlock"
wait "$locker_pid"
locker_pid=
wait_for "$WAIT" entries 5
tap_ok $? "once the lock is gone a later fetch stores the new entry"
wait_for "$WAIT" feed_state '^$'
tap_ok $? "and the feed's error is cleared"

stop_pid "$feedd_pid" 5
feedd_pid=
tap_ok $stop_status "SIGTERM: exit $stop_status"
[ "$tap_failed" -eq 0 ] || { diag_file "$work/feedd.log" 60; diag_file "$work/origin.log" 20; }
