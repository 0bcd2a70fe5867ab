#!/bin/sh
# firststart.sh: the first start fills the river at once.
#
# The starter config (contrib/feedd.conf) as shipped, every feed's URL
# pointed at a local origin: each publisher's host becomes its own
# loopback address (127.0.0.1, .2, ...), so the config keeps its shape
# (seven BBC feeds on one host, the rest one or two a host) and its
# settings (max_connections, the default per_host_connections = 2 and
# host_delay = 1s).  Then:
#
# - every feed is fetched soon after the start: the last first request
#   comes no later than the host_delay pacing of the busiest host needs,
#   plus a few seconds (feeds never polled used to be spread over the
#   first 60 s);
# - that burst still keeps per_host_connections and host_delay;
# - a restart on the same database fetches nothing (the due times are
#   saved and not yet reached);
# - feeds added by SIGHUP are fetched at once.
#
# The deadlines are wall-clock on purpose (this is what the test is
# about), with room for a loaded machine.  Everything happens in a mktemp
# -d directory that the EXIT trap removes.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/../..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/../..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

. "$top_srcdir/tests/regress/lib.sh"

WAIT=30
SLACK=4		# seconds beyond what host_delay pacing needs
feedd=$top_builddir/feedd
starter=$top_srcdir/contrib/feedd.conf

tap_plan 7

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-first.XXXXXX") || tap_bail "mktemp -d failed"
feedd_pid=
origin_pid=

cleanup() {
	for _p in $feedd_pid $origin_pid; do
		alive "$_p" && kill -KILL "$_p" 2>/dev/null
	done
	[ -n "$KEEP_WORK" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

bail() {
	diag_file "$work/feedd.log" 60
	diag_file "$work/origin.err" 20
	tap_bail "$1"
}

[ -x "$feedd" ] || bail "$feedd is not built"
"$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.40", 0))' 2>/dev/null ||
    tap_skip_all "cannot bind 127.0.0.40 (loopback is not 127.0.0.0/8)"

# --- the starter config, pointed at the origin.  hosts.txt: one line
# per feed, "NAME HOSTINDEX"; the config's own lines are kept but for
# url, database and listen.
"$PYTHON3" - "$starter" "$work" <<'EOF' || bail "cannot rewrite the starter config"
import re, sys, urllib.parse
src, work = sys.argv[1], sys.argv[2]
hosts, feeds, out, name = {}, [], [], None
for line in open(src, encoding="utf-8"):
    m = re.match(r"\[feed ([^\]]+)\]", line)
    if m:
        name = m.group(1)
    m = re.match(r"url = (\S+)$", line)
    if m:
        host = urllib.parse.urlsplit(m.group(1)).hostname
        idx = hosts.setdefault(host, len(hosts) + 1)
        feeds.append((name, idx))
        line = "url = http://127.0.0.%d:@PORT@/%s.rss\n" % (idx, name)
    elif re.match(r"(database|listen) = ", line):
        continue
    out.append(line)
if len(feeds) < 10 or len(hosts) > 200:
    sys.exit("unexpected starter config: %d feeds, %d hosts" %
             (len(feeds), len(hosts)))
with open(work + "/conf.in", "w") as f:
    f.writelines(out)
with open(work + "/hosts.txt", "w") as f:
    for n, i in feeds:
        f.write("%s %d\n" % (n, i))
EOF
nfeeds=$(wc -l <"$work/hosts.txt")
nhosts=$(cut -d' ' -f2 "$work/hosts.txt" | sort -un | wc -l)
busiest=$(cut -d' ' -f2 "$work/hosts.txt" | sort | uniq -c | sort -rn |
    awk 'NR == 1 { print $1 }')
diag "starter config: $nfeeds feeds on $nhosts hosts, at most $busiest on one"

mkdir -p "$work/www" || bail "mkdir"
while read -r name idx; do
	sed "s|<title>|<title>$name |" "$top_srcdir/tests/data/regress/world.rss" \
	    >"$work/www/$name.rss" || bail "sed"
done <"$work/hosts.txt"
for extra in added1 added2 added3; do
	cp "$work/www/$(head -n 1 "$work/hosts.txt" | cut -d' ' -f1).rss" \
	    "$work/www/$extra.rss"
done

binds=
i=1
while [ $i -le "$nhosts" ]; do
	binds="$binds --bind 127.0.0.$i"
	i=$((i + 1))
done
origin_log=$work/origin.log
: >"$origin_log"
# shellcheck disable=SC2086
"$PYTHON3" "$regress_dir/origin.py" --dir "$work/www" \
    --port-file "$work/origin.port" --log "$origin_log" $binds \
    2>"$work/origin.err" &
origin_pid=$!
wait_for 10 test -s "$work/origin.port" || bail "the origin did not start"
P=$(cat "$work/origin.port")

port=$(free_port)
conf=$work/feedd.conf
{
	sed -n '1,/^\[feedd\]$/p' "$work/conf.in"
	printf 'database = %s/feedd.db\n' "$work"
	printf 'listen = 127.0.0.1:%s\n' "$port"
	sed '1,/^\[feedd\]$/d' "$work/conf.in"
} | sed "s|@PORT@|$P|" >"$conf"
"$feedd" check-config -c "$conf" >"$work/check.out" 2>&1 ||
    { diag_file "$work/check.out"; bail "the rewritten config is not valid"; }

start() {
	env -u JOURNAL_STREAM "$feedd" -c "$conf" 2>>"$work/feedd.log" &
	feedd_pid=$!
}

healthy() {
	[ "$(http_code GET "http://127.0.0.1:$port/healthz")" = 200 ]
}

# --- 1. the first start
t0=$(now_ms)
start
wait_for 10 healthy || bail "feedd did not start"
wait_for "$WAIT" origin_at_least "$nfeeds" '^GET /.* 200 '
st=$?
# The first request of each feed, relative to the start.
"$PYTHON3" - "$origin_log" "$t0" "$work/hosts.txt" >"$work/first.txt" <<'EOF'
import re, sys
log, t0 = sys.argv[1], int(sys.argv[2]) / 1000.0
names = [l.split()[0] for l in open(sys.argv[3])]
first = {}
for line in open(log):
    m = re.match(r"GET /(\S+)\.rss \d+ .* t=([0-9.]+) ", line)
    if m and m.group(1) not in first:
        first[m.group(1)] = float(m.group(2)) - t0
for n in names:
    print("%s %s" % (n, "%.2f" % first[n] if n in first else "never"))
EOF
sort -k2 -n "$work/first.txt" | tail -n 5 |
    sed 's/^/# first request after the start (s): /'
last=$(awk '$2 == "never" { print 999; next } $2 > m { m = $2 } END { print m + 0 }' \
    "$work/first.txt")
limit=$((busiest - 1 + SLACK))
[ $st -eq 0 ] && awk -v l="$last" -v m="$limit" 'BEGIN { exit !(l <= m) }'
tap_ok $? "all $nfeeds feeds of the starter config fetched within $last s of the start (limit $limit s: $((busiest - 1)) s of host_delay for $busiest feeds on one host, + $SLACK s)"

# The burst keeps the per-host limits: starts 1 s apart (host_delay),
# at most 2 at once (per_host_connections), at most max_connections.
"$PYTHON3" - "$origin_log" >"$work/pace.txt" <<'EOF'
import re, sys
starts, worst = {}, []
for line in open(sys.argv[1]):
    m = re.search(r" host=(\S+) t=([0-9.]+) te=\S+ active=(\d+) hactive=(\d+)",
                  line)
    if m:
        starts.setdefault(m.group(1), []).append(float(m.group(2)))
        if int(m.group(4)) > 2:
            worst.append("%s: %s at once" % (m.group(1), m.group(4)))
        if int(m.group(3)) > 16:
            worst.append("%s in flight" % m.group(3))
# Arrivals at the server: a request on a new connection arrives a little
# later than one on a reused connection, and later still on a busy
# machine, which shortens the gap after it.  So any arrival may be up to
# LATE s late, and k requests later the host_delay pacing must show in
# full: the j-th after the i-th arrives at least (j - i) s - LATE later.
LATE = 0.3
for h, ts in starts.items():
    ts.sort()
    for i in range(len(ts)):
        for j in range(i + 1, len(ts)):
            if ts[j] - ts[i] < (j - i) - LATE:
                worst.append("%s: request %d %.2f s after request %d" %
                             (h, j, ts[j] - ts[i], i))
print("\n".join(worst) if worst else "ok")
EOF
[ "$(cat "$work/pace.txt")" = ok ]
tap_ok $? "the burst keeps host_delay = 1s, per_host_connections = 2 and max_connections = 16" ||
    diag_file "$work/pace.txt" 20

stop_pid "$feedd_pid" 5
[ "$stop_status" -eq 0 ]
tap_ok $? "feedd stops with exit 0"

# --- 2. a restart is quiet: every due time is 30 min or more away.
n0=$(origin_count '^GET /')
start
wait_for 10 healthy
tap_ok $? "feedd restarts on the same database" || bail "feedd did not restart"
sleep 3
n1=$(origin_count '^GET /')
[ "$n1" -eq "$n0" ]
tap_ok $? "no feed fetched in the 3 s after the restart ($((n1 - n0)) requests)"

# --- 3. feeds added by SIGHUP are fetched at once.  Each on a host of
# its own (one already in use, whose host_delay has long passed).
for extra in added1 added2 added3; do
	printf '\n[feed %s]\nurl = http://127.0.0.%s:%s/%s.rss\ntags = news\n' \
	    "$extra" "$nhosts" "$P" "$extra" >>"$conf"
done
t0=$(now_ms)
kill -HUP "$feedd_pid"
wait_for 10 origin_at_least 3 '^GET /added[123]\.rss 200 '
st=$?
t1=$(now_ms)
[ $st -eq 0 ] && [ $((t1 - t0)) -le $((2 + SLACK))000 ]
tap_ok $? "three feeds added by SIGHUP fetched within $((t1 - t0)) ms (limit $((2 + SLACK)) s)"

stop_pid "$feedd_pid" 5
[ "$stop_status" -eq 0 ]
tap_ok $? "and feedd stops with exit 0"
[ "$tap_failed" -eq 0 ] || diag_file "$work/feedd.log" 60
[ "$tap_failed" -eq 0 ]
