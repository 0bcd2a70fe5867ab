#!/bin/sh
# mkroot.sh: a Debian bookworm root for the package and systemd tests,
# made once with debootstrap and cached outside the clone.
#
#   sh tests/regress/mkroot.sh      prints the root's path
#
# The root (minbase with systemd, dbus, python3, curl and feedd's runtime
# libraries, so that the package installs without a mirror) lives in
# $FEEDD_CI_ROOT (default /var/cache/feedd-ci-root).  Its stamp file
# records what it was made with; a root with another stamp is made
# again.  The tests never write into it: they mount an overlay on it.
# debootstrap takes a few minutes from $FEEDD_CI_MIRROR (default
# http://deb.debian.org/debian); afterwards this is instant.
#
# Exit status 77, with the reason on stderr, when no root can be had
# (not root, no debootstrap, no mirror): callers skip.

root=${FEEDD_CI_ROOT:-/var/cache/feedd-ci-root}
mirror=${FEEDD_CI_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
# Keep in step with Depends of contrib/debian (procps for ExecReload=/bin/kill,
# and dpkg-shlibdeps's list).
include=systemd,systemd-sysv,dbus,procps,python3,curl,libcurl4,libxml2,libsqlite3-0,libev4,libmicrohttpd12,libinih1,libjansson4,zlib1g,libsystemd0
stamp="feedd-ci-root 1 $suite minbase $include"

skip() {
	echo "mkroot.sh: $*" >&2
	exit 77
}

if [ -f "$root/.feedd-ci-root" ] &&
    [ "$(cat "$root/.feedd-ci-root")" = "$stamp" ]; then
	echo "$root"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || skip "debootstrap needs root"
command -v debootstrap >/dev/null 2>&1 ||
    skip "debootstrap is not installed (Debian package debootstrap)"
mkdir -p "$(dirname "$root")" || skip "cannot create $(dirname "$root")"
# One maker at a time; a second caller waits for the first's root.
exec 9>"$root.lock" || skip "cannot lock $root.lock"
if command -v flock >/dev/null 2>&1; then
	flock 9 || skip "cannot lock $root.lock"
	if [ -f "$root/.feedd-ci-root" ] &&
	    [ "$(cat "$root/.feedd-ci-root")" = "$stamp" ]; then
		echo "$root"
		exit 0
	fi
fi
rm -rf "$root.new"
echo "mkroot.sh: debootstrap $suite into $root (a few minutes)" >&2
if ! debootstrap --variant=minbase --include="$include" "$suite" \
    "$root.new" "$mirror" >"$root.log" 2>&1; then
	tail -n 20 "$root.log" >&2
	rm -rf "$root.new"
	skip "debootstrap failed (log: $root.log)"
fi
echo "$stamp" >"$root.new/.feedd-ci-root"
rm -rf "$root"
mv "$root.new" "$root" || skip "cannot move $root.new to $root"
echo "$root"
