#!/bin/sh
# http_limits.sh: the real daemon's HTTP listeners against hostile or
# unlucky clients.  TAP.
#
# - The connection limit: 64 connections open (http_max_clients), the
#   daemon stopped (SIGSTOP, as a long parse would), all 64 closed, the
#   daemon continued: the next request is answered within a second, on
#   TCP and on the Unix socket, and /healthz says ok.
# - Request sizes: query parameters, header count, header length, URL
#   length and cookies swept across libmicrohttpd's per-connection
#   memory; every request gets a status line (200, 414 or 431) at once,
#   none hangs or is dropped without an answer.
# - Host: a foreign name (DNS rebinding) gets 421 on /status,
#   /feeds.opml and the feed; localhost, the listener's address and the
#   configured server_name are served.

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
[ -x "$feedd" ] || tap_bail "$feedd is not built"

tap_plan 5

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -le 60 ] || tmp=/tmp
work=$(mktemp -d "$tmp/feedd-http.XXXXXX") || tap_bail "mktemp -d failed"
feedd_pid=
cleanup() {
	if [ -n "$feedd_pid" ] && alive "$feedd_pid"; then
		kill -CONT "$feedd_pid" 2>/dev/null
		kill -KILL "$feedd_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

sock=$work/feedd.sock
start() {
	port=$(free_port)
	cat >"$work/feedd.conf" <<EOC
[feedd]
database = $work/feedd.db
listen = 127.0.0.1:$port
listen = unix:$sock
server_name = feeds.example.org
log_level = debug

[feed one]
url = http://127.0.0.1:9/feed.xml
interval = 1d
EOC
	"$feedd" -c "$work/feedd.conf" 2>>"$work/feedd.log" &
	feedd_pid=$!
	wait_for 10 test -S "$sock" && wait_for 10 healthy
}
healthy() {
	[ "$(http_code GET "http://127.0.0.1:$port/healthz")" = 200 ]
}
if ! start; then
	# The port was taken meanwhile: once more.
	stop_pid "$feedd_pid"
	start || { diag_file "$work/feedd.log" 30; tap_bail "feedd did not start"; }
fi

# clients.py MODE: the checks, in Python (raw sockets, exact timing).
cat >"$work/clients.py" <<'EOP'
import os, signal, socket, sys, time

mode, pid, port, sock = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def conn(unix):
    if unix:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
    else:
        s = socket.create_connection(("127.0.0.1", port))
    return s

def exchange(raw, unix=False, timeout=3.0):
    """The status of the answer to raw (0: none, -1: no close in time)."""
    s = conn(unix)
    s.settimeout(timeout)
    data = b""
    try:
        s.sendall(raw)
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except socket.timeout:
        s.close()
        return -1
    except OSError:
        pass
    s.close()
    if data[:7] == b"HTTP/1." and len(data) >= 12:
        return int(data[9:12])
    return 0

def get(path, host="localhost", unix=False, timeout=3.0):
    return exchange(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                     % (path, host)).encode(), unix, timeout)

bad = 0
if mode == "limit":
    for unix in (False, True):
        conns = [conn(unix) for _ in range(64)]
        time.sleep(0.5)
        os.kill(pid, signal.SIGSTOP)
        for s in conns:
            s.close()
        time.sleep(0.2)
        os.kill(pid, signal.SIGCONT)
        t = time.monotonic()
        st = get("/healthz", unix=unix, timeout=1.0)
        dt = time.monotonic() - t
        name = "unix" if unix else "tcp"
        print("%s: /healthz %d after %.3f s" % (name, st, dt))
        if st != 200 or dt > 1.0:
            bad += 1
        st = get("/healthz", unix=not unix, timeout=1.0)
        if st != 200:
            print("other listener: /healthz %d" % st)
            bad += 1
elif mode == "sizes":
    H = b"Host: localhost\r\nConnection: close\r\n"
    cases = []
    for n in range(0, 800, 7):
        # limit=, because a parameter feeds do not take is a 400
        q = "&".join("limit=%d" % (i % 500 + 1) for i in range(n)).encode()
        cases.append(("%d params" % n, b"GET /feed.rss?" + q + b" HTTP/1.1\r\n" + H + b"\r\n"))
    for n in range(0, 900, 11):
        cases.append(("%d empty params" % n, b"GET /feed.rss?" + b"&" * n + b" HTTP/1.1\r\n" + H + b"\r\n"))
    for n in range(100, 400, 3):
        cases.append(("%d headers" % n, b"GET /feed.rss HTTP/1.1\r\n" + H + b"".join(b"X-%d: y\r\n" % i for i in range(n)) + b"\r\n"))
    for n in range(6000, 18000, 53):
        cases.append(("header of %d" % n, b"GET /feed.rss HTTP/1.1\r\n" + H + b"X: " + b"y" * n + b"\r\n\r\n"))
        cases.append(("url of %d" % n, b"GET /feed.rss?q=" + b"y" * n + b" HTTP/1.1\r\n" + H + b"\r\n"))
        cases.append(("path of %d" % n, b"GET /view/" + b"y" * n + b".rss HTTP/1.1\r\n" + H + b"\r\n"))
    for n in range(50, 400, 3):
        cases.append(("%d cookies" % n, b"GET /feed.rss HTTP/1.1\r\n" + H + b"Cookie: " + b"; ".join(b"c%d=1" % i for i in range(n)) + b"\r\n\r\n"))
        cases.append(("%d Cookie headers" % n, b"GET /feed.rss HTTP/1.1\r\n" + H + b"".join(b"Cookie: c%d=1\r\n" % i for i in range(n)) + b"\r\n"))
    seen = {}
    for name, raw in cases:
        t = time.monotonic()
        st = exchange(raw, unix=len(raw) % 2 == 1)
        dt = time.monotonic() - t
        seen[st] = seen.get(st, 0) + 1
        if st not in (200, 404, 414, 431) or dt > 1.0:
            print("%s (%d bytes): status %d after %.2f s" % (name, len(raw), st, dt))
            bad += 1
    print("%d requests: %s" % (len(cases), ", ".join("%d x %d" % (v, k) for k, v in sorted(seen.items()))))
elif mode == "host":
    for path in ("/status", "/feeds.opml", "/feed.atom", "/"):
        for host in ("evil.example", "evil.example:%d" % port, "127.0.0.1.evil.example"):
            st = get(path, host)
            if st != 421:
                print("%s Host %s: %d, want 421" % (path, host, st))
                bad += 1
        st = get(path, "evil.example", unix=True)
        if st != 421:
            print("%s Host evil.example over unix: %d" % (path, st))
            bad += 1
        for host in ("localhost", "127.0.0.1:%d" % port, "feeds.example.org"):
            st = get(path, host)
            if st != 200:
                print("%s Host %s: %d, want 200" % (path, host, st))
                bad += 1
sys.exit(1 if bad else 0)
EOP

tap_check "64 connections closed while the daemon was stopped: the next request is answered within 1 s (TCP, Unix)" \
    "$PYTHON3" "$work/clients.py" limit "$feedd_pid" "$port" "$sock"
tap_check "requests of every size across the per-connection memory are answered at once" \
    "$PYTHON3" "$work/clients.py" sizes "$feedd_pid" "$port" "$sock"
tap_check "a foreign Host gets 421, localhost, the address and server_name are served" \
    "$PYTHON3" "$work/clients.py" host "$feedd_pid" "$port" "$sock"
st=$(http_code GET "http://127.0.0.1:$port/healthz")
tap_ok "$([ "$st" = 200 ] && echo 0 || echo 1)" "/healthz is 200 afterwards (got $st)"
stop_pid "$feedd_pid"
feedd_pid=
tap_ok "$([ "$stop_status" = 0 ] && echo 0 || echo 1)" "feedd stops cleanly (status $stop_status)"
[ "$tap_failed" -eq 0 ] || diag_file "$work/feedd.log" 20
exit 0
