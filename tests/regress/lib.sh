# lib.sh: shell helpers for feedd's regress scripts (sourced, POSIX sh).
#
# TAP output (tap_plan, tap_ok, tap_check, tap_skip_all, tap_bail), bounded
# polling (wait_for), a free loopback port (free_port), and starting and
# stopping background processes whose pids are remembered for the
# caller's EXIT trap.  Nothing here sleeps for a fixed long time: every
# wait polls a condition under a deadline.
#
# The caller sets top_srcdir and top_builddir (the Makefile does, through
# AM_TESTS_ENVIRONMENT) and PYTHON3 (else /usr/bin/python3).

: "${PYTHON3:=/usr/bin/python3}"

regress_dir="$top_srcdir/tests/regress"
tap_n=0
tap_failed=0

tap_plan() {
	echo "1..$1"
}

# tap_ok STATUS DESCRIPTION: one result; STATUS 0 is a pass.
tap_ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
	return "$1"
}

# tap_check DESCRIPTION COMMAND...: runs the command, its output going
# into the TAP stream as comments, and reports its status.
tap_check() {
	_desc=$1
	shift
	_out=$("$@" 2>&1)
	_st=$?
	if [ -n "$_out" ]; then
		printf '%s\n' "$_out" | sed 's/^/# /'
	fi
	tap_ok "$_st" "$_desc"
}

tap_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# tap_bail REASON: stop here (the driver reports an error).
tap_bail() {
	echo "Bail out! $1"
	exit 1
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# diag_file FILE [LINES]: the file (or its last LINES lines) as comments.
diag_file() {
	[ -s "$1" ] || return 0
	echo "# --- $1"
	if [ -n "$2" ]; then
		tail -n "$2" "$1" | sed 's/^/# /'
	else
		sed 's/^/# /' "$1"
	fi
}

# now_ms: monotonic enough for deadlines, in milliseconds.
now_ms() {
	_t=$(date +%s%N)
	echo $((_t / 1000000))
}

# wait_for SECONDS COMMAND...: polls the command every 0.1 s until it
# succeeds (status 0) or the time is up (status 1).
wait_for() {
	_deadline=$(($(now_ms) + $1 * 1000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(now_ms)" -ge "$_deadline" ] && return 1
		sleep 0.1
	done
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago.  Racy by
# nature, so callers retry once when the bind fails.
free_port() {
	"$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# have_feedparser: whether $PYTHON3 can import feedparser.
have_feedparser() {
	(cd / && "$PYTHON3" -c 'import feedparser') >/dev/null 2>&1
}

# alive PID: whether the process still runs.
alive() {
	kill -0 "$1" 2>/dev/null
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after the time (default 5).
# Sets stop_status to the exit status, or 255 if it had to be killed.
stop_pid() {
	stop_status=255
	[ -n "$1" ] || return 0
	if alive "$1"; then
		kill -TERM "$1" 2>/dev/null
		if ! wait_for "${2:-5}" dead "$1"; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 1
		fi
	fi
	wait "$1" 2>/dev/null
	stop_status=$?
	return 0
}

# dead PID: the opposite of alive (for wait_for).  A child that exited but
# was not reaped yet is a zombie: count it as dead.
dead() {
	alive "$1" || return 0
	_state=$(ps -o stat= -p "$1" 2>/dev/null)
	case $_state in
	Z*) return 0 ;;
	esac
	return 1
}

# start_origin DIR WORKDIR: starts origin.py serving DIR; sets origin_pid,
# origin_port and origin_log (WORKDIR/origin.log).
start_origin() {
	origin_log=$2/origin.log
	rm -f "$2/origin.port"
	: >"$origin_log"
	"$PYTHON3" "$regress_dir/origin.py" --dir "$1" \
	    --port-file "$2/origin.port" --log "$origin_log" \
	    2>"$2/origin.err" &
	origin_pid=$!
	if ! wait_for 10 test -s "$2/origin.port"; then
		diag_file "$2/origin.err"
		return 1
	fi
	origin_port=$(cat "$2/origin.port")
}

# origin_count PATTERN: how many request-log lines match the extended
# regular expression.
origin_count() {
	grep -Ec -- "$1" "$origin_log" 2>/dev/null || true
}

# origin_at_least N PATTERN: for wait_for.
origin_at_least() {
	[ "$(origin_count "$2")" -ge "$1" ]
}

# start_notify SOCKET LOG: a stand-in for systemd's $NOTIFY_SOCKET: a
# datagram socket whose messages are appended to LOG, one per line, with
# the message's own newlines written as '|'.  Sets notify_pid.
start_notify() {
	rm -f "$1"
	"$PYTHON3" -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        m = s.recv(65536).decode("utf-8", "replace")
        f.write(m.replace("\n", "|") + "\n")' "$1" "$2" &
	notify_pid=$!
	wait_for 10 test -S "$1"
}

# notified PATTERN [LOG]: whether a notify message matched the extended
# regular expression (LOG defaults to $notify_log).
notified() {
	grep -Eq -- "$1" "${2:-$notify_log}" 2>/dev/null
}

# http_code METHOD URL [UNIX_SOCKET]: prints the response's status code
# (000 when there was none), over TCP or the Unix socket.
http_code() {
	"$PYTHON3" -c 'import http.client, socket, sys, urllib.parse
method, url = sys.argv[1], urllib.parse.urlsplit(sys.argv[2])
class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(sys.argv[3])
try:
    if len(sys.argv) > 3:
        c = UnixConnection("localhost", timeout=10)
    else:
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    path = url.path + ("?" + url.query if url.query else "")
    c.request(method, path, body=b"" if method == "POST" else None)
    r = c.getresponse()
    r.read()
    print(r.status)
except OSError:
    print("000")' "$@"
}

# db_check DB: PRAGMA integrity_check through Python's sqlite3; prints
# "ok" and the number of stored entries, or what is wrong.
db_check() {
	"$PYTHON3" -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
r = db.execute("PRAGMA integrity_check").fetchall()
n = db.execute("SELECT count(*) FROM entries").fetchone()[0]
print(" ".join(x[0] for x in r), n)' "$1"
}

# in_private_ns [-n] SCRIPT ARGS...: re-executes the calling script in a
# mount namespace of its own (and with -n a network namespace with only
# loopback, up), so that the mounts it makes vanish with it whatever
# happens.  Returns only where that cannot be done (not root, no
# unshare); the caller then skips.  Sets nothing; the re-executed script
# sees FEEDD_IN_NS=1.
in_private_ns() {
	_net=
	if [ "$1" = -n ]; then
		_net=-n
		shift
	fi
	[ -n "$FEEDD_IN_NS" ] && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	command -v unshare >/dev/null 2>&1 || return 1
	unshare -m $_net true 2>/dev/null || return 1
	FEEDD_IN_NS=1 exec unshare -m $_net --propagation private \
	    sh -c '[ -z "$1" ] || ip link set lo up || exit 99; shift; exec sh "$@"' \
	    sh "$_net" "$@"
}

# overlay_root LOWER DIR: mounts an overlay whose lower layer is LOWER
# (kept read-only) on DIR/root, writes going to DIR/upper; sets troot.
overlay_root() {
	mkdir -p "$2/upper" "$2/ovl-work" "$2/root" || return 1
	mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/ovl-work" \
	    "$2/root" || return 1
	troot=$2/root
}
