#!/bin/sh
# install.sh: `make install` as a user or a packager runs it, checked on
# the installed tree, not on the sources:
#
# - `make install DESTDIR=...` puts the binary, both units, the man
#   pages, the example config and the example OPML where configure said;
# - the installed feedd.service names the installed binary and config
#   (no placeholder left), and the installed config names the addresses
#   of the installed feedd.socket;
# - `systemd-analyze verify` is clean on the installed units, and
#   `systemd-analyze security --offline=yes` rates the installed service
#   at an exposure of at most 2.0.  verify insists that ExecStart exists:
#   in a private mount namespace (unshare -m, as root) the installed
#   bindir is bind-mounted over the real one, so the unit is verified
#   byte for byte as installed; where that cannot be done (not root, or
#   the bindir does not exist yet, as in distcheck), a copy whose
#   ExecStart gets the DESTDIR prefix is verified, and the test says so;
# - the installed binary accepts the installed config (check-config),
#   and its default -c is that file;
# - the installed man pages render with groff -ww (no warning);
# - a second `make install` keeps an edited config, and `make uninstall`
#   leaves nothing but the config.
#
# Run by `make check` (and so by distcheck) from the build tree; it
# calls make there.  Everything happens in a mktemp -d directory.

if [ -z "$top_srcdir" ]; then
	top_srcdir=$(dirname "$0")/../..
fi
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -z "$top_builddir" ]; then
	top_builddir=$(dirname "$0")/../..
fi
top_builddir=$(cd "$top_builddir" && pwd) || exit 99

. "$top_srcdir/tests/regress/lib.sh"

tap_plan 13

work=$(mktemp -d "${TMPDIR:-/tmp}/feedd-install.XXXXXX") ||
    tap_bail "mktemp -d failed"
dest=$work/dest
cleanup() {
	[ -n "$KEEP_WORK" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

[ -f "$top_builddir/Makefile" ] || tap_skip_all "no Makefile in $top_builddir"
MAKE=${MAKE:-make}
# The parent make's jobserver is not ours to use.
unset MAKEFLAGS MFLAGS MAKELEVEL

# mk VAR: the value of a Makefile variable, expanded.
mk() {
	printf 'print-var:\n\t@echo $(%s)\n' "$1" |
	    $MAKE -s -C "$top_builddir" -f Makefile -f - print-var
}
bindir=$(mk bindir)
pkgsysconfdir=$(mk pkgsysconfdir)
unitdir=$(mk systemdsystemunitdir)
mandir=$(mk mandir)
docdir=$(mk docdir)
[ -n "$bindir" ] && [ -n "$pkgsysconfdir" ] && [ -n "$unitdir" ] ||
    tap_bail "cannot read the installation directories from the Makefile"
diag "bindir=$bindir pkgsysconfdir=$pkgsysconfdir unitdir=$unitdir"

# --- 1. make install
$MAKE -C "$top_builddir" install DESTDIR="$dest" >"$work/install.log" 2>&1
tap_ok $? "make install DESTDIR=... succeeds" || {
	diag_file "$work/install.log" 40
	tap_bail "make install failed"
}
missing=
for f in "$bindir/feedd" "$unitdir/feedd.service" "$unitdir/feedd.socket" \
    "$mandir/man8/feedd.8" "$mandir/man5/feedd.conf.5" \
    "$pkgsysconfdir/feedd.conf" "$docdir/examples/subscriptions.opml"; do
	[ -f "$dest$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && [ -x "$dest$bindir/feedd" ]
tap_ok $? "installed: the binary, both units, the man pages, the config and the example OPML${missing:+ (missing:$missing)}"

svc=$dest$unitdir/feedd.service
sock=$dest$unitdir/feedd.socket
conf=$dest$pkgsysconfdir/feedd.conf
grep -n '^ExecStart=' "$svc" | sed 's/^/# /'
[ "$(sed -n 's/^ExecStart=//p' "$svc")" = "$bindir/feedd -c $pkgsysconfdir/feedd.conf" ] &&
    ! grep -q '@[a-z_]*@' "$svc" "$sock"
tap_ok $? "the installed feedd.service runs $bindir/feedd -c $pkgsysconfdir/feedd.conf, no placeholder left"

# The config's listen lines are the socket's ListenStream lines.
sed -n 's/^listen = //p' "$conf" | sed 's/^unix://' | sort >"$work/listen.conf"
sed -n 's/^ListenStream=//p' "$sock" | sort >"$work/listen.socket"
grep -q '^database' "$conf"
nodb=$?
diff "$work/listen.conf" "$work/listen.socket" >"$work/listen.diff" &&
    [ $nodb -ne 0 ] && grep -qx /run/feedd/feedd.sock "$work/listen.conf"
tap_ok $? "the installed config listens where feedd.socket does and keeps its database in \$STATE_DIRECTORY" ||
    diag_file "$work/listen.diff"

# --- 2. systemd-analyze on the installed units
# in_ns COMMAND...: runs the command with the installed bindir mounted
# over the real one (see the top of the file), else returns 125.
ns_ok=no
# (unshare makes the new namespace's mounts private: the host's bindir
# is not touched.)
if [ "$(id -u)" -eq 0 ] && [ -d "$bindir" ] &&
    command -v unshare >/dev/null 2>&1 &&
    unshare -m sh -c "mount --bind '$dest$bindir' '$bindir' &&
    test -x '$bindir/feedd'" 2>/dev/null; then
	ns_ok=yes
fi
in_ns() {
	# shellcheck disable=SC2016
	unshare -m sh -c 'b=$1; d=$2; shift 2; mount --bind "$d$b" "$b" && exec "$@"' \
	    sh "$bindir" "$dest" "$@"
}
if [ $ns_ok = yes ]; then
	how="as installed, $dest$bindir mounted on $bindir"
	vsvc=$svc
	run=in_ns
else
	how="a copy with ExecStart under DESTDIR (no private mount namespace here)"
	mkdir "$work/units"
	sed "s|^ExecStart=$bindir/|ExecStart=$dest$bindir/|" "$svc" \
	    >"$work/units/feedd.service"
	cp "$sock" "$work/units/"
	vsvc=$work/units/feedd.service
	sock=$work/units/feedd.socket
	run=
fi
why=
if ! command -v systemd-analyze >/dev/null 2>&1; then
	why="systemd-analyze is not installed (Debian package systemd)"
elif ! systemd-analyze --version >/dev/null 2>&1; then
	why="systemd-analyze does not run here"
fi
if [ -z "$why" ]; then
	$run systemd-analyze verify --man=no "$vsvc" "$sock" \
	    >"$work/verify.out" 2>&1
	st=$?
	diag_file "$work/verify.out"
	[ $st -eq 0 ] && [ ! -s "$work/verify.out" ]
	tap_ok $? "systemd-analyze verify: the installed feedd.service and feedd.socket are clean ($how)"
	$run systemd-analyze security --offline=yes "$vsvc" \
	    >"$work/security.out" 2>&1
	tail -n 1 "$work/security.out" | sed 's/^/# /'
	$run systemd-analyze security --offline=yes --threshold=20 "$vsvc" \
	    >/dev/null 2>&1
	tap_ok $? "systemd-analyze security --offline=yes: the installed feedd.service has an exposure of at most 2.0"
else
	echo "ok $((tap_n + 1)) # SKIP $why"
	echo "ok $((tap_n + 2)) # SKIP $why"
	tap_n=$((tap_n + 2))
fi

# --- 3. the installed binary and config
"$dest$bindir/feedd" check-config -c "$conf" >"$work/check.out" 2>&1
st=$?
diag_file "$work/check.out"
[ $st -eq 0 ] && grep -q 'configuration OK' "$work/check.out"
tap_ok $? "the installed feedd accepts the installed config (check-config)"
"$dest$bindir/feedd" --help >"$work/help.out" 2>&1
grep -qF "(default $pkgsysconfdir/feedd.conf)" "$work/help.out"
tap_ok $? "its default config is the installed one ($pkgsysconfdir/feedd.conf)"
"$dest$bindir/feedd" --version >"$work/version.out" 2>&1 &&
    grep -q "$(mk VERSION)" "$work/version.out"
tap_ok $? "feedd --version says $(mk VERSION)"

# --- 4. man pages
if command -v groff >/dev/null 2>&1; then
	st=0
	for m in "$dest$mandir/man8/feedd.8" "$dest$mandir/man5/feedd.conf.5"; do
		groff -ww -z -man "$m" >"$work/groff.out" 2>&1 || st=1
		groff -ww -man -Tutf8 "$m" >"$work/page.txt" 2>>"$work/groff.out" ||
		    st=1
		[ -s "$work/groff.out" ] && st=1
		diag_file "$work/groff.out"
		# The page says NAME and its own name.
		grep -q "$(basename "$m" | sed 's/\.[0-9]$//')" "$work/page.txt" ||
		    st=1
	done
	tap_ok $st "the installed man pages render with groff -ww -z -man and -man -Tutf8, no warning"
else
	echo "ok $((tap_n + 1)) # SKIP groff is not installed"
	tap_n=$((tap_n + 1))
fi

# --- 5. reinstall and uninstall
echo '# edited by the administrator' >>"$conf"
$MAKE -C "$top_builddir" install DESTDIR="$dest" >"$work/install2.log" 2>&1 &&
    tail -n 1 "$conf" | grep -q '^# edited by the administrator$'
tap_ok $? "a second make install keeps the edited config"
$MAKE -C "$top_builddir" uninstall DESTDIR="$dest" >"$work/uninstall.log" 2>&1
tap_ok $? "make uninstall DESTDIR=... succeeds" ||
    diag_file "$work/uninstall.log" 40
(cd "$dest" && find . -type f -o -type l) | sort >"$work/left"
diag_file "$work/left"
[ "$(cat "$work/left")" = ".$pkgsysconfdir/feedd.conf" ]
tap_ok $? "make uninstall leaves nothing but the config"
[ "$tap_failed" -eq 0 ]
