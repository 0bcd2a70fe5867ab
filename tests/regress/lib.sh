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
	[ -f "$1" ] || return 0
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
