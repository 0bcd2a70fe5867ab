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

Once listening, the chosen port is written to --port-file (atomically) or
to stdout.  SIGTERM and SIGINT stop the server cleanly with status 0.

Python 3 standard library only.
"""

import argparse
import email.utils
import hashlib
import http.server
import os
import signal
import sys
import threading

CONTENT_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".json": "application/feed+json",
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


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feedd-test-origin/1"

    def log_message(self, fmt, *args):
        # The request log below is the record; stay quiet on stderr.
        pass

    def record(self, status, inm, ims, etag=None, lastmod=None):
        cond = "+".join(n for n, v in (("inm", inm), ("ims", ims))
                        if v is not None) or "none"
        line = "%s %s %d cond=%s inm=%s ims=%s etag=%s lm=%s\n" % (
            self.command, self.path, status, cond, logvalue(inm),
            logvalue(ims), logvalue(etag), logvalue(lastmod))
        with self.server.log_lock:
            self.server.log.write(line)
            self.server.log.flush()

    def send_plain(self, status, text, inm, ims):
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.record(status, inm, ims)

    def do_GET(self):
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        name = self.path.split("?", 1)[0].lstrip("/")
        # Only plain names inside the directory: no traversal, no subdirs.
        if not name or "/" in name or name.startswith("."):
            self.send_plain(404, "not found\n", inm, ims)
            return
        path = os.path.join(self.server.root, name)
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
        self.send_header("Cache-Control", "max-age=0")
        if status == 200:
            ext = os.path.splitext(name)[1]
            self.send_header("Content-Type",
                             CONTENT_TYPES.get(ext, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status == 200 and self.command != "HEAD":
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
    args = ap.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                             Handler)
    server.daemon_threads = True
    server.root = os.path.abspath(args.dir)
    server.log = open(args.log, "a", encoding="utf-8")
    server.log_lock = threading.Lock()

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return, which runs on
        # this very thread: ask from another one.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    write_port(server.server_address[1], args.port_file)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        server.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
