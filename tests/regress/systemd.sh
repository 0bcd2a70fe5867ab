#!/bin/sh
# systemd.sh: feedd.service and feedd.socket under a real systemd.
#
#   sh tests/regress/systemd.sh [feedd_VERSION-N_ARCH.deb]
#
# (default: the newest feedd_*.deb in the build directory, from `make
# deb`).  A Debian bookworm root made by debootstrap (tests/regress/
# mkroot.sh, cached in /var/cache/feedd-ci-root) is booted with
# systemd-nspawn --boot, on an overlay so the cache stays clean, with a
# private network (loopback only: no real feed is reachable, and the
# host's ports are not touched).  It needs no system D-Bus on the host
# (with --register=no --keep-unit); only if the container does not start
# and none runs is one started for a second try, and stopped after.
# Everything in the container is done through nsenter into its PID 1's
# namespaces.  Then:
#
# - dpkg -i of the package under a running systemd enables and starts
#   feedd.service with the packaged config unchanged;
# - Type=notify: the unit's status line is feedd's STATUS=, and
#   `systemctl restart` returns only once feedd listens (a request right
#   after it is answered, without retrying); the watchdog is fed;
# - DynamicUser: feedd runs as an unprivileged dynamic UID that owns
#   /var/lib/private/feedd (/var/lib/feedd) and the database in it;
# - `systemctl reload` (SIGHUP): a feed added to /etc/feedd/feedd.conf,
#   served by a local origin inside the container (tests/regress/
#   origin.py run by systemd-run), is fetched at once and served;
# - `systemctl stop` ends it within 5 s with exit status 0, and a
#   restart keeps the entries and polls nothing early;
# - socket activation: with feedd.service stopped and feedd.socket
#   started, the first connection starts feedd on systemd's sockets
#   (TCP and /run/feedd/feedd.sock);
# - `systemd-analyze security` on the loaded unit: exposure at most 2.0;
# - dpkg --purge stops and disables it and removes the database.
#
# Exit 77 (SKIP, with the reason) when this cannot run here: not root,
# no systemd-nspawn, no package, no debootstrap root, no D-Bus, or the
# container does not boot.  Not part of `make check` (it needs `make deb`
# and a root); .ci/run runs it.  About a minute once the root exists.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/../..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/../..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99
export top_srcdir top_builddir

. "$top_srcdir/tests/regress/lib.sh"

skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

deb=$1
if [ -z "$deb" ]; then
	deb=$(ls -t "$top_builddir"/feedd_*.deb 2>/dev/null | head -n 1)
fi
[ -n "$deb" ] && [ -f "$deb" ] || skip "no feedd_*.deb: run make deb first"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
[ "$(id -u)" -eq 0 ] || skip "systemd-nspawn needs root"
command -v systemd-nspawn >/dev/null 2>&1 ||
    skip "systemd-nspawn is not installed (Debian package systemd-container)"
command -v nsenter >/dev/null 2>&1 || skip "nsenter is not installed"

# The overlay mount stays in a mount namespace of our own.
in_private_ns "$0" "$deb"
[ -n "$FEEDD_IN_NS" ] || skip "cannot make a private mount namespace (unshare)"

work=$(mktemp -d "${TMPDIR:-/tmp}/feedd-systemd.XXXXXX") ||
    skip "mktemp -d failed"
nspawn_pid=
dbus_pid=
troot=
cleanup() {
	if alive "$nspawn_pid"; then
		[ -n "$C" ] && nsenter -t "$C" -m -u -i -n -p systemctl poweroff \
		    >/dev/null 2>&1
		wait_for 30 dead "$nspawn_pid" || kill -KILL "$nspawn_pid"
	fi
	if alive "$dbus_pid"; then
		kill -TERM "$dbus_pid"
		wait_for 5 dead "$dbus_pid"
		rm -f /run/dbus/pid /run/dbus/system_bus_socket
	fi
	[ -n "$troot" ] && umount "$troot" 2>/dev/null
	[ -n "$KEEP_WORK" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

lower=$(sh "$top_srcdir/tests/regress/mkroot.sh" 2>"$work/mkroot.err") ||
    skip "no debootstrap root: $(tail -n 1 "$work/mkroot.err")"
overlay_root "$lower" "$work" 2>"$work/mount.err" ||
    skip "cannot mount an overlay on $lower: $(cat "$work/mount.err")"

# What the container needs from us: the package, the test origin and a
# document for it.  (/tmp in the container is a fresh tmpfs.)
cp "$deb" "$troot/root/feedd.deb" &&
    mkdir -p "$troot/srv/www" "$troot/usr/local/lib/feedd-test" &&
    cp "$regress_dir/origin.py" "$troot/usr/local/lib/feedd-test/" &&
    cp "$top_srcdir/tests/data/regress/world.rss" "$troot/srv/www/local.rss" ||
    skip "cannot copy into the container's root"
# The first item's title (the second <title> of the document).
local_title=$(sed -n 's|^ *<title>\([^<&]*\)</title>.*|\1|p' \
    "$troot/srv/www/local.rss" | sed -n 2p)

C=
container_pid() {
	C=$(pgrep -P "$nspawn_pid" | head -n 1)
	[ -n "$C" ]
}
boot() {
	systemd-nspawn -q -D "$troot" --register=no --keep-unit \
	    --private-network --boot >"$work/nspawn.log" 2>&1 &
	nspawn_pid=$!
	wait_for 30 container_pid
}
# With --register=no --keep-unit, nspawn needs no system bus on the host
# (none runs on the build machines, and it boots).  Should it fail here
# for want of one, a bus is started for the test (and stopped after) and
# the boot tried once more.
if ! boot; then
	tail -n 5 "$work/nspawn.log" | sed 's/^/# /'
	alive "$nspawn_pid" && kill -KILL "$nspawn_pid"
	wait "$nspawn_pid" 2>/dev/null
	nspawn_pid=
	rm -f "$work/.#root.lck"
	if [ ! -S /run/dbus/system_bus_socket ] ||
	    ! alive "$(cat /run/dbus/pid 2>/dev/null)"; then
		command -v dbus-daemon >/dev/null 2>&1 ||
		    skip "systemd-nspawn did not start the container, and there is no dbus-daemon to try with a system bus"
		rm -f /run/dbus/pid /run/dbus/system_bus_socket
		mkdir -p /run/dbus
		dbus-daemon --system --fork --print-pid >"$work/dbus.pid" \
		    2>"$work/dbus.err" ||
		    skip "cannot start a system D-Bus: $(cat "$work/dbus.err")"
		dbus_pid=$(cat "$work/dbus.pid")
		diag "started a system D-Bus for systemd-nspawn (pid $dbus_pid)"
		boot
	fi || skip "systemd-nspawn did not start the container ($(tail -n 1 "$work/nspawn.log"))"
fi
E() {
	nsenter -t "$C" -m -u -i -n -p "$@"
}
booted() {
	case $(E systemctl is-system-running 2>/dev/null) in
	running | degraded) return 0 ;;
	esac
	return 1
}
if ! wait_for 90 booted; then
	tail -n 20 "$work/nspawn.log" | sed 's/^/# /'
	skip "the container did not finish booting ($(E systemctl is-system-running 2>&1))"
fi

tap_plan 15
echo "ok 1 - systemd $(E systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p') boots in the container (is-system-running: $(E systemctl is-system-running))"
tap_n=1

show() {
	E systemctl show "$1" -p "$2" --value
}
http() {
	E curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-5}" "$1"
}
journal() {
	E journalctl -u feedd.service --no-pager -o cat
}

# --- the package, under systemd
E dpkg -i /root/feedd.deb >"$work/dpkg.out" 2>&1
st=$?
diag_file "$work/dpkg.out"
wait_for 10 sh -c '[ "$(nsenter -t "$1" -m -u -i -n -p systemctl is-active feedd.service)" = active ]' sh "$C"
[ $st -eq 0 ] && [ "$(E systemctl is-enabled feedd.service)" = enabled ] &&
    [ "$(E systemctl is-active feedd.service)" = active ] &&
    [ "$(E systemctl is-enabled feedd.socket)" = disabled ]
tap_ok $? "dpkg -i under systemd: feedd.service enabled and started, feedd.socket disabled" ||
    E systemctl status feedd.service --no-pager 2>&1 | sed 's/^/# /'

nfeeds=$(E grep -c '^\[feed ' /etc/feedd/feedd.conf)
status_is() {
	show feedd.service StatusText | grep -Eq "$1"
}
wait_for 10 status_is "^$nfeeds feeds, [0-9]+ failing$"
st=$?
diag "StatusText: $(show feedd.service StatusText)"
[ $st -eq 0 ] && [ "$(show feedd.service Type)" = notify ]
tap_ok $? "Type=notify: the unit's status is feedd's STATUS= (\"$nfeeds feeds, N failing\")"

E systemctl restart feedd.service &&
    [ "$(http http://127.0.0.1:8080/healthz 2)" = 200 ] &&
    E curl -s --max-time 5 --unix-socket /run/feedd/feedd.sock \
    http://localhost/healthz >/dev/null
tap_ok $? "readiness: right after systemctl restart returns, TCP and the Unix socket answer (no retry)"

# --- DynamicUser and the state directory
pid=$(show feedd.service MainPID)
uid=$(E awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
owner=$(E stat -c %u /var/lib/private/feedd)
dbowner=$(E stat -c %u /var/lib/private/feedd/feedd.db)
link=$(E readlink /var/lib/feedd)
diag "MainPID $pid uid $uid; /var/lib/private/feedd uid $owner, feedd.db uid $dbowner; /var/lib/feedd -> $link"
[ -n "$uid" ] && [ "$uid" -ne 0 ] && [ "$owner" = "$uid" ] &&
    [ "$dbowner" = "$uid" ] && [ "$link" = private/feedd ] &&
    ! E grep -q ":$uid:" /etc/passwd
tap_ok $? "DynamicUser: feedd runs as dynamic uid $uid, which owns /var/lib/private/feedd and feedd.db"

E feedd status >"$work/status.out" 2>&1
st=$?
head -n 1 "$work/status.out" | sed 's/^/# /'
[ $st -eq 0 ] && head -n 1 "$work/status.out" | grep -q "^$nfeeds feeds" &&
    E curl -s --max-time 5 http://127.0.0.1:8080/feed.atom |
    grep -q '<feed xmlns="http://www.w3.org/2005/Atom"'
tap_ok $? "the packaged config as shipped: /feed.atom served, feedd status over /run/feedd/feedd.sock"

# --- reload: a local feed added
E systemd-run --quiet --unit=feedd-test-origin --property=Type=simple \
    /usr/bin/python3 /usr/local/lib/feedd-test/origin.py --dir /srv/www \
    --port 8081 --log /srv/origin.log >"$work/run.out" 2>&1
origin_up() {
	[ "$(http http://127.0.0.1:8081/local.rss)" = 200 ]
}
wait_for 20 origin_up || {
	diag_file "$work/run.out"
	E journalctl -u feedd-test-origin --no-pager -n 20 | sed 's/^/# /'
}
E sh -c 'printf "\n[feed local]\nurl = http://127.0.0.1:8081/local.rss\ntitle = Local origin\ntags = test\n" >>/etc/feedd/feedd.conf'
pid0=$(show feedd.service MainPID)
E sh -c ': >/srv/origin.log'
t0=$(now_ms)
E systemctl reload feedd.service
st=$?
fetched() {
	E grep -q '^GET /local.rss 200 ' /srv/origin.log
}
wait_for 10 fetched
st2=$?
t1=$(now_ms)
journal | grep -E 'reload|Reload' | tail -n 3 | sed 's/^/# /'
[ $st -eq 0 ] && [ $st2 -eq 0 ] && [ "$(show feedd.service MainPID)" = "$pid0" ] &&
    journal | grep -q "reloaded: $((nfeeds + 1)) feeds, 1 new"
tap_ok $? "systemctl reload (SIGHUP, same PID): the added feed is fetched $((t1 - t0)) ms later"
served() {
	E curl -s --max-time 5 'http://127.0.0.1:8080/feed.atom?feed=local' |
	    grep -qF "$local_title"
}
wait_for 10 served
tap_ok $? "and its entries are served (\"$local_title\")"

# --- stop, restart
t0=$(now_ms)
E systemctl stop feedd.service
st=$?
t1=$(now_ms)
[ $st -eq 0 ] && [ $((t1 - t0)) -le 5000 ] &&
    [ "$(show feedd.service ActiveState)" = inactive ] &&
    [ "$(show feedd.service Result)" = success ] &&
    [ "$(show feedd.service ExecMainStatus)" = 0 ]
tap_ok $? "systemctl stop: done in $((t1 - t0)) ms (limit 5000), exit status 0"

n0=$(E grep -c '^GET /local.rss' /srv/origin.log)
E systemctl start feedd.service && wait_for 10 served
st=$?
sleep 2
n1=$(E grep -c '^GET /local.rss' /srv/origin.log)
[ $st -eq 0 ] && [ "$n1" -eq "$n0" ]
tap_ok $? "systemctl start again: the entries are still served, nothing is polled early ($((n1 - n0)) requests)"

wd=$(show feedd.service WatchdogTimestampMonotonic)
[ -n "$wd" ] && [ "$wd" != 0 ] && [ "$(show feedd.service WatchdogUSec)" = 30s ]
tap_ok $? "the watchdog (WatchdogSec=30s) has been fed ($wd)"

# --- socket activation
E systemctl stop feedd.service
E systemctl start feedd.socket
st=$?
inactive=$(E systemctl is-active feedd.service)
code=$(http http://127.0.0.1:8080/healthz 10)
active=$(E systemctl is-active feedd.service)
[ $st -eq 0 ] && [ "$inactive" = inactive ] && [ "$code" = 200 ] &&
    [ "$active" = active ] &&
    journal | tail -n 20 | grep -q 'listening on 127.0.0.1:8080 (from systemd)' &&
    journal | tail -n 20 | grep -q 'listening on unix:/run/feedd/feedd.sock (from systemd)' &&
    E feedd status >/dev/null 2>&1
tap_ok $? "feedd.socket: the first connection starts feedd ($inactive -> $active, HTTP $code) on systemd's TCP and Unix sockets"

# --- the sandbox as the running manager sees it
E systemd-analyze security feedd.service >"$work/security.out" 2>&1
tail -n 1 "$work/security.out" | sed 's/^/# /'
E systemd-analyze security --threshold=20 feedd.service >/dev/null 2>&1
tap_ok $? "systemd-analyze security on the loaded unit: exposure at most 2.0"

# --- purge
E dpkg --purge feedd >"$work/purge.out" 2>&1
st=$?
[ $st -eq 0 ] && [ "$(E systemctl is-active feedd.service)" != active ] &&
    ! E test -e /var/lib/private/feedd && ! E test -e /etc/feedd &&
    ! E test -e /etc/systemd/system/multi-user.target.wants/feedd.service
tap_ok $? "dpkg --purge: stopped, disabled, config and database removed" ||
    diag_file "$work/purge.out"

t0=$(now_ms)
E systemctl poweroff
wait_for 30 dead "$nspawn_pid"
st=$?
t1=$(now_ms)
tap_ok $st "the container powers off ($((t1 - t0)) ms)"
[ "$tap_failed" -eq 0 ] || { echo "# nspawn console:"; tail -n 30 "$work/nspawn.log" | sed 's/^/# /'; }
[ "$tap_failed" -eq 0 ]
