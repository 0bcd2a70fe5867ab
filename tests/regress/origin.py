#!/usr/bin/python3
"""origin.py: a loopback origin server for feedd's integration tests.

Serves the files of one directory over HTTP/1.1 on 127.0.0.1, the way a
well-behaved feed publisher does: every response carries an ETag (a hash
of the content) and a Last-Modified (the file's mtime), and a conditional
request whose validators still match gets 304 Not Modified.

Files are read from disk on every request, so a test changes a feed by
rewriting its file (atomically: write a temporary file, then rename it).

Each request is logged as one line, flushed at once, so that tests can
count fetches and see which were conditional:

    GET /world.rss 200 cond=none inm=- ims=- etag="9f2c..." lm=Tue,_12...
    GET /world.rss 304 cond=inm+ims inm="9f2c..." ims=Tue,_12... etag=...

cond is none, inm, ims or inm+ims: which validators the client sent; inm
and ims are their values, etag and lm the validators of the file as
served (so a test can check that the client sent them back exactly).
Spaces inside values are written as '_'; absent values as '-'.

Each line also carries, after those fields: host (the address the
request came in on, so that --bind can make several "hosts" on loopback),
t (arrival, unix seconds), te (when the response was sent or the
connection dropped), active and hactive (requests in progress at the
server, overall and on that address, when this one arrived, itself
included), ua (User-Agent), ae (Accept-Encoding), hdrs (the request's
header names, lower case, comma-separated), fault (the fault injected,
or -) and sent (body bytes written to the socket for a "size" fault, else
-).

Fault injection (--faults FILE): a JSON object mapping a path ("/a.rss")
to a behaviour, or to a list of them used one per request in turn (the
last one repeats).  The file is read again on every request, and the
per-path request counts start over whenever its contents change, so a
test rewrites it (atomically) to change behaviour.  A behaviour is an
object; with none of the keys below it serves the file as usual:

    "status": N        answer N with "body" (default empty) and, for 3xx,
                       "location"; a path with no status and no body
                       serves the file, N 304 included
    "headers": {...}   extra response headers (with the file too)
    "delay": S         sleep S seconds before answering
    "hang": true       accept, read the request, never answer
    "size": N          a body of N bytes of filler (status 200, or
                       "status"), sent as "mode": "length"
                       (Content-Length), "chunked", or "gzip" (N zero
                       bytes gzip-compressed: a bomb); the log line's
                       sent field says how many bytes the client took
    "trickle": S       send the file one byte every S seconds

Once listening, the chosen port is written to --port-file (atomically) or
to stdout.  With several --bind addresses every one listens on the same
port.  SIGTERM and SIGINT stop the server cleanly with status 0.

Python 3 standard library only.
"""

import argparse
import email.utils
import gzip
import hashlib
import http.server
import json
import os
import signal
import sys
import threading
import time

CONTENT_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain",
}


def etag_for(body):
    return '"%s"' % hashlib.sha256(body).hexdigest()[:32]


def etag_matches(header, etag):
    """If-None-Match uses the weak comparison (RFC 9110, 13.1.2)."""
    if header.strip() == "*":
        return True
    want = etag[2:] if etag.startswith("W/") else etag
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == want:
            return True
    return False


def logvalue(value):
    if value is None:
        return "-"
    return value.replace(" ", "_")


class State:
    """What every listening address shares."""

    def __init__(self, root, log, faults):
        self.root = root
        self.log = log
        self.faults = faults
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.active = 0
        self.hactive = {}
        self.counts = {}
        self.faults_text = None


def load_fault(state, path):
    """The behaviour for this request of path, or None."""
    if state.faults is None:
        return None
    try:
        with open(state.faults, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    with state.lock:
        if text != state.faults_text:
            state.faults_text = text
            state.counts = {}
        try:
            table = json.loads(text) if text.strip() else {}
        except ValueError:
            return None
        rule = table.get(path)
        if rule is None:
            return None
        n = state.counts.get(path, 0)
        state.counts[path] = n + 1
    if isinstance(rule, list):
        if not rule:
            return None
        rule = rule[min(n, len(rule) - 1)]
    return rule if isinstance(rule, dict) else None


def describe(rule):
    if rule is None:
        return "-"
    return ",".join("%s:%s" % (k, rule[k]) for k in sorted(rule)
                    if k != "headers") or "file"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feedd-test-origin/1"

    def log_message(self, fmt, *args):
        # The request log below is the record; stay quiet on stderr.
        pass

    def record(self, status, inm, ims, etag=None, lastmod=None):
        cond = "+".join(n for n, v in (("inm", inm), ("ims", ims))
                        if v is not None) or "none"
        line = "%s %s %d cond=%s inm=%s ims=%s etag=%s lm=%s" % (
            self.command, self.path, status, cond, logvalue(inm),
            logvalue(ims), logvalue(etag), logvalue(lastmod))
        line += (" host=%s t=%.3f te=%.3f active=%d hactive=%d ua=%s"
                 " ae=%s hdrs=%s fault=%s sent=%s\n") % (
            self.server.server_address[0], self.t_arrival, time.time(),
            self.n_active, self.n_hactive,
            logvalue(self.headers.get("User-Agent")),
            logvalue(self.headers.get("Accept-Encoding")),
            ",".join(sorted(k.lower() for k in self.headers.keys())),
            logvalue(describe(self.rule)),
            "-" if self.sent is None else self.sent)
        state = self.server.state
        with state.lock:
            state.log.write(line)
            state.log.flush()

    def arrive(self):
        state = self.server.state
        host = self.server.server_address[0]
        self.t_arrival = time.time()
        with state.lock:
            state.active += 1
            state.hactive[host] = state.hactive.get(host, 0) + 1
            self.n_active = state.active
            self.n_hactive = state.hactive[host]
        self.left = False

    def leave(self):
        # Called before the last bytes go out, so that a client that
        # starts its next request at once is never counted twice.
        if self.left:
            return
        self.left = True
        state = self.server.state
        host = self.server.server_address[0]
        with state.lock:
            state.active -= 1
            state.hactive[host] -= 1

    def faulty(self, rule, inm, ims):
        """Answers with an injected fault; False to serve the file."""
        if rule.get("delay"):
            self.server.state.stop.wait(float(rule["delay"]))
        if rule.get("hang"):
            self.record(0, inm, ims)
            self.server.state.stop.wait()
            self.close_connection = True
            return True
        if "size" in rule:
            status = int(rule.get("status", 200))
            self.send_size(int(rule["size"]), rule.get("mode", "length"),
                           rule.get("headers", {}), status)
            self.record(status, inm, ims)
            return True
        if "status" in rule or "body" in rule:
            status = int(rule.get("status", 200))
            body = rule.get("body", "").encode("utf-8")
            self.send_response(status)
            if "location" in rule:
                self.send_header("Location", rule["location"])
            for k, v in rule.get("headers", {}).items():
                self.send_header(k, str(v))
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            # With no body the headers are the last bytes.
            self.leave()
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.record(status, inm, ims)
            return True
        return False

    def send_size(self, size, mode, headers, status=200):
        filler = b"<!-- feedd origin filler -->\n"
        self.sent = 0
        self.send_response(status)
        self.send_header("Content-Type", "application/rss+xml")
        for k, v in headers.items():
            self.send_header(k, str(v))
        try:
            if mode == "gzip":
                body = gzip.compress(b"\0" * size, 9)
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.leave()
                self.wfile.write(body)
            elif mode == "chunked":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.leave()
                sent = 0
                while sent < size:
                    n = min(16384, size - sent)
                    chunk = (filler * (n // len(filler) + 1))[:n]
                    self.wfile.write(b"%x\r\n%s\r\n" % (n, chunk))
                    sent += n
                    self.sent = sent
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(size))
                self.end_headers()
                self.leave()
                sent = 0
                while sent < size:
                    n = min(16384, size - sent)
                    self.wfile.write((filler * (n // len(filler) + 1))[:n])
                    sent += n
                    self.sent = sent
        except OSError:
            # The client gave up (as it should past its cap).
            self.close_connection = True

    def send_plain(self, status, text, inm, ims):
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.leave()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.record(status, inm, ims)

    def do_GET(self):
        self.rule = None
        self.sent = None
        self.arrive()
        try:
            self.answer()
        except OSError:
            self.close_connection = True
        finally:
            self.leave()

    def answer(self):
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        self.rule = rule = load_fault(self.server.state,
                                      self.path.split("?", 1)[0])
        if rule is not None and self.faulty(rule, inm, ims):
            return
        name = self.path.split("?", 1)[0].lstrip("/")
        # Only plain names inside the directory: no traversal, no subdirs.
        if not name or "/" in name or name.startswith("."):
            self.send_plain(404, "not found\n", inm, ims)
            return
        path = os.path.join(self.server.state.root, name)
        try:
            with open(path, "rb") as f:
                body = f.read()
                mtime = os.fstat(f.fileno()).st_mtime
        except OSError:
            self.send_plain(404, "not found\n", inm, ims)
            return
        etag = etag_for(body)
        lastmod = email.utils.formatdate(int(mtime), usegmt=True)

        # RFC 9110, 13.2.2: If-None-Match wins; If-Modified-Since is only
        # looked at when the client sent no If-None-Match.
        fresh = False
        if inm is not None:
            fresh = etag_matches(inm, etag)
        elif ims is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
                fresh = int(mtime) <= since
            except (TypeError, ValueError, IndexError, OverflowError):
                fresh = False

        status = 304 if fresh else 200
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", lastmod)
        extra = rule.get("headers", {}) if rule is not None else {}
        if "Cache-Control" not in extra:
            self.send_header("Cache-Control", "max-age=0")
        for k, v in extra.items():
            self.send_header(k, str(v))
        if status == 200:
            ext = os.path.splitext(name)[1]
            self.send_header("Content-Type",
                             CONTENT_TYPES.get(ext, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
        if status != 200 or self.command == "HEAD":
            self.leave()
        self.end_headers()
        if status == 200 and self.command != "HEAD":
            if rule is not None and rule.get("trickle"):
                for i in range(len(body)):
                    if i == len(body) - 1:
                        self.leave()
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    if self.server.state.stop.wait(float(rule["trickle"])):
                        break
            else:
                self.leave()
                self.wfile.write(body)
        self.record(status, inm, ims, etag, lastmod)

    do_HEAD = do_GET


def write_port(port, port_file):
    if port_file is None:
        sys.stdout.write("%d\n" % port)
        sys.stdout.flush()
        return
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, port_file)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True, help="directory to serve")
    ap.add_argument("--port-file", help="write the port here (else stdout)")
    ap.add_argument("--log", required=True, help="request log file")
    ap.add_argument("--port", type=int, default=0,
                    help="port to bind (default 0: any free port)")
    ap.add_argument("--bind", action="append",
                    help="address to listen on (repeatable; default "
                    "127.0.0.1)")
    ap.add_argument("--faults", help="fault injection table (JSON)")
    args = ap.parse_args()

    state = State(os.path.abspath(args.dir),
                  open(args.log, "a", encoding="utf-8"), args.faults)
    servers = []
    port = args.port
    for addr in args.bind or ["127.0.0.1"]:
        server = http.server.ThreadingHTTPServer((addr, port), Handler)
        server.daemon_threads = True
        server.state = state
        port = server.server_address[1]
        servers.append(server)

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return, which runs on
        # the main thread for the first server: ask from another one.
        state.stop.set()
        for server in servers:
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, args=(0.1,),
                         daemon=True).start()
    write_port(port, args.port_file)
    try:
        servers[0].serve_forever(poll_interval=0.1)
    finally:
        for server in servers:
            server.server_close()
        state.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
