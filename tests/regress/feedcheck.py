#!/usr/bin/python3
"""feedcheck.py: read one of feedd's URLs the way a real client does and
check what it holds.

The document is fetched over TCP, or over a Unix socket with --unix PATH
(the URL's path is requested, with "Host: localhost"), and handed to
Debian's python3-feedparser together with the response headers, so that a
wrong Content-Type or charset counts as an error too.  Checks:

  always       status 200, bozo false, every entry has a title and a link
  --format F   the document is F (atom: feedparser's "atom10"; rss: "rss20")
  --fixture FILE SOURCE_URL SOURCE_TITLE   (repeatable)
               the document holds exactly the entries of these fixture
               feeds (compared by title and link), each once, and each
               attributed to SOURCE_URL (and SOURCE_TITLE; "-" means the
               fixture's own channel title)
  --expect FILE.json
               the same, from a JSON list of {"title", "link",
               "source_url", "source_title"} objects (source_* optional)
  --count N    exactly N entries
  --ordered    entries come newest first, in the order of the fixtures'
               dates (published, else updated), and carry those dates
  --dump FILE  write the entries as JSON (for --same-as later)
  --same-as FILE
               every entry of an earlier --dump is still there with every
               field unchanged (id, title, link, source, dates); --new N
               says how many other entries there must be (default 0)
  --wait SECS  poll until --min-count/--has-link hold (and the document
               parses), then run the checks once; on timeout, fail with
               what was last seen
  --raw        do not parse: only check --status and --body (for /healthz)
  --body-has T with --raw: the body contains T (a reason, a marker)

--format json reads a JSON Feed instead (no feedparser involved): the
document must meet the JSON Feed 1.1 spec's requirements (version,
title, items; each item an id and content_html or content_text; RFC 3339
dates; attachments with url and mime_type), served as
application/feed+json; its items are then checked like entries, the
source being feedd's "_source" extension (feed_url, title).

Exit status 0 when every check passed, 1 when one failed (the reasons go
to stderr, one per line), 2 on usage errors.  Standard library plus
feedparser; runs under /usr/bin/python3.
"""

import argparse
import calendar
import datetime
import http.client
import json
import re
import socket
import sys
import time
import urllib.parse

try:
    import feedparser
except ImportError:  # the shell checks for it first and skips
    feedparser = None

FORMATS = {"atom": "atom10", "rss": "rss20", "json": "json11"}
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?"
                     r"([Zz]|[+-]\d{2}:\d{2})$")


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over an AF_UNIX stream socket."""

    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        try:
            s.connect(self.unix_path)
        except OSError:
            s.close()
            raise
        self.sock = s


def fetch(url, unix_path, timeout=10):
    """Returns (status, headers as a lower-cased dict, body bytes)."""
    u = urllib.parse.urlsplit(url)
    target = u.path or "/"
    if u.query:
        target += "?" + u.query
    if unix_path is not None:
        conn = UnixHTTPConnection(unix_path, timeout=timeout)
    else:
        if u.scheme != "http":
            raise ValueError("only http:// URLs: %s" % url)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80,
                                          timeout=timeout)
    try:
        conn.request("GET", target, headers={
            "User-Agent": "feedd-regress-feedcheck/1",
            "Accept": "application/atom+xml, application/rss+xml, "
                      "application/xml;q=0.9, */*;q=0.5"})
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, headers, body
    finally:
        conn.close()


def iso(tm):
    if tm is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", tm)


def source_of(e):
    """(url, title) of an entry's source element.

    RSS 2.0 <source url="U">T</source> gives feedparser {href, title}.
    Atom <source> gives {id, title, links, ...}: the subscription URL is
    its rel="self" link, else its id.
    """
    src = e.get("source")
    if not src:
        return None, None
    url = None
    for link in src.get("links", []):
        if link.get("rel") == "self":
            url = link.get("href")
            break
    if url is None:
        url = src.get("href") or src.get("id")
    return url, src.get("title")


def entry_record(e):
    surl, stitle = source_of(e)
    return {
        "title": (e.get("title") or "").strip(),
        "link": e.get("link"),
        "id": e.get("id"),
        "source_url": surl,
        "source_title": stitle,
        "published": iso(e.get("published_parsed")),
        "updated": iso(e.get("updated_parsed")),
    }


def fixture_records(path, source_url, source_title):
    d = feedparser.parse(path)
    if d.bozo:
        raise SystemExit("feedcheck: fixture %s: bozo: %s"
                         % (path, d.get("bozo_exception")))
    if source_title == "-":
        source_title = d.feed.get("title")
    out = []
    for e in d.entries:
        date = e.get("published_parsed") or e.get("updated_parsed")
        out.append({
            "title": (e.get("title") or "").strip(),
            "link": e.get("link"),
            "source_url": source_url,
            "source_title": source_title,
            "date": calendar.timegm(date) if date else None,
            "date_iso": iso(date),
        })
    return out


def parse_3339(s):
    """An RFC 3339 date-time as a UTC struct_time."""
    s = s.replace("z", "Z").replace("t", "T")
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    dt = datetime.datetime.fromisoformat(s)
    return dt.astimezone(datetime.timezone.utc).timetuple()


class JsonFeedDoc:
    """A JSON Feed checked against the spec, its items shaped like
    feedparser's entries (so entry_record reads them)."""

    def __init__(self, body, headers):
        self.problems = []
        self.entries = []
        self.version = None
        ctype = headers.get("content-type", "")
        if not ctype.startswith("application/feed+json"):
            self.problems.append("Content-Type %r, want "
                                 "application/feed+json" % ctype)
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            self.problems.append("not JSON: %s" % exc)
            return
        if not isinstance(doc, dict):
            self.problems.append("top level is not an object")
            return
        if doc.get("version") == JSONFEED_VERSION:
            self.version = "json11"
        else:
            self.problems.append("version %r" % doc.get("version"))
        if not isinstance(doc.get("title"), str):
            self.problems.append("no title (required)")
        for key in ("home_page_url", "feed_url"):
            if key in doc and not isinstance(doc[key], str):
                self.problems.append("%s is not a string" % key)
        items = doc.get("items")
        if not isinstance(items, list):
            self.problems.append("no items array (required)")
            return
        for n, it in enumerate(items):
            self.entries.append(self.item(n, it))

    def bad(self, n, msg):
        self.problems.append("item %d: %s" % (n, msg))

    def item(self, n, it):
        if not isinstance(it, dict):
            self.bad(n, "not an object")
            return {}
        if not isinstance(it.get("id"), str) or not it["id"]:
            self.bad(n, "no id (required)")
        if not isinstance(it.get("content_html"), str) and \
           not isinstance(it.get("content_text"), str):
            self.bad(n, "neither content_html nor content_text")
        e = {"title": it.get("title"), "link": it.get("url"),
             "id": it.get("id")}
        for key, out in (("date_published", "published_parsed"),
                         ("date_modified", "updated_parsed")):
            if key not in it:
                continue
            if not isinstance(it[key], str) or not RFC3339.match(it[key]):
                self.bad(n, "%s %r is not RFC 3339" % (key, it[key]))
            else:
                e[out] = parse_3339(it[key])
        for a in it.get("authors", []):
            if not isinstance(a, dict) or not (set(a) & {"name", "url",
                                                         "avatar"}):
                self.bad(n, "author without name, url or avatar")
        for a in it.get("attachments", []):
            if not isinstance(a, dict) or \
               not isinstance(a.get("url"), str) or \
               not isinstance(a.get("mime_type"), str):
                self.bad(n, "attachment without url or mime_type")
        tags = it.get("tags", [])
        if not isinstance(tags, list) or \
           not all(isinstance(t, str) for t in tags):
            self.bad(n, "tags is not a list of strings")
        src = it.get("_source")
        if isinstance(src, dict):
            e["source"] = {"href": src.get("feed_url"),
                           "title": src.get("title")}
        return e


def describe(rec):
    return "%r <%s>" % (rec.get("title"), rec.get("link"))


class Checker:
    def __init__(self, label):
        self.label = label
        self.errors = []

    def fail(self, msg):
        self.errors.append(msg)

    def report(self):
        for msg in self.errors:
            sys.stderr.write("%s: %s\n" % (self.label, msg))
        return 1 if self.errors else 0


def load_document(args):
    """Fetch and parse; returns (parsed, headers) or raises RuntimeError."""
    try:
        status, headers, body = fetch(args.url, args.unix)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise RuntimeError("cannot fetch: %s" % exc)
    if status != args.status:
        raise RuntimeError("HTTP status %d, want %d (body: %r)"
                           % (status, args.status, body[:200]))
    if args.raw:
        return body, headers
    if args.format == "json":
        d = JsonFeedDoc(body, headers)
        if d.problems:
            raise RuntimeError("not a valid JSON Feed 1.1: %s"
                               % "; ".join(d.problems[:10]))
        return d, headers
    d = feedparser.parse(body, response_headers=headers)
    if d.bozo:
        raise RuntimeError("bozo: %s: %s (Content-Type %r)"
                           % (type(d.get("bozo_exception")).__name__,
                              d.get("bozo_exception"),
                              headers.get("content-type")))
    return d, headers


def wait_ready(args):
    """Poll until the document parses and the --wait conditions hold."""
    deadline = time.monotonic() + args.wait
    last = "nothing fetched"
    while True:
        try:
            d, _ = load_document(args)
            if args.raw:
                return None
            links = [e.get("link") for e in d.entries]
            if args.min_count is not None and len(links) < args.min_count:
                last = "%d entries, waiting for %d" % (len(links),
                                                       args.min_count)
            elif args.has_link is not None and args.has_link not in links:
                last = "%d entries, none with link %s" % (len(links),
                                                         args.has_link)
            else:
                return None
        except RuntimeError as exc:
            last = str(exc)
        if time.monotonic() >= deadline:
            return "gave up after %gs: %s" % (args.wait, last)
        time.sleep(0.2)


def check_set(ck, got, expected):
    """Each expected entry exactly once, nothing else, right sources."""
    index = {}
    for rec in got:
        index.setdefault((rec["title"], rec["link"]), []).append(rec)
    seen = set()
    for exp in expected:
        key = (exp["title"], exp["link"])
        if key in seen:
            continue
        seen.add(key)
        recs = index.get(key, [])
        if not recs:
            ck.fail("missing entry %s" % describe(exp))
            continue
        if len(recs) > 1:
            ck.fail("entry %s appears %d times" % (describe(exp), len(recs)))
        for rec in recs:
            if exp.get("source_url") is not None and \
               rec["source_url"] != exp["source_url"]:
                ck.fail("entry %s: source url %r, want %r"
                        % (describe(exp), rec["source_url"],
                           exp["source_url"]))
            if exp.get("source_title") is not None and \
               rec["source_title"] != exp["source_title"]:
                ck.fail("entry %s: source title %r, want %r"
                        % (describe(exp), rec["source_title"],
                           exp["source_title"]))
    for key, recs in index.items():
        if key not in seen:
            ck.fail("unexpected entry %s (x%d)" % (describe(recs[0]),
                                                   len(recs)))


def check_order(ck, got, expected):
    """Newest first by the fixtures' dates, and the dates carried over."""
    dated = [x for x in expected if x.get("date") is not None]
    want = [x["link"] for x in sorted(dated, key=lambda x: -x["date"])]
    wanted = set(want)
    have = [r["link"] for r in got if r["link"] in wanted]
    if have != want:
        ck.fail("order is not newest first:\n  got  %s\n  want %s"
                % ("\n       ".join(map(str, have)),
                   "\n       ".join(want)))
    by_link = {r["link"]: r for r in got}
    for exp in dated:
        rec = by_link.get(exp["link"])
        if rec is None:
            continue
        date = rec["published"] or rec["updated"]
        if date != exp["date_iso"]:
            ck.fail("entry %s: date %s, want %s (from the fixture)"
                    % (describe(exp), date, exp["date_iso"]))


def check_same_as(ck, got, before, nnew):
    """Everything dumped before is still there, field for field."""
    remaining = list(got)
    for old in before:
        match = [r for r in remaining if r == old]
        if match:
            remaining.remove(match[0])
            continue
        near = [r for r in got if r["link"] == old["link"]]
        if near:
            diffs = ["%s %r -> %r" % (k, old.get(k), near[0].get(k))
                     for k in sorted(old) if old.get(k) != near[0].get(k)]
            ck.fail("entry %s changed: %s" % (describe(old),
                                              "; ".join(diffs)))
        else:
            ck.fail("entry %s is gone" % describe(old))
    if len(remaining) != nnew:
        ck.fail("%d new entries, want %d: %s"
                % (len(remaining), nnew,
                   ", ".join(describe(r) for r in remaining)))


def main():
    ap = argparse.ArgumentParser(
        description="Check a feed served by feedd with feedparser.")
    ap.add_argument("url")
    ap.add_argument("--unix", metavar="PATH",
                    help="connect to this Unix socket instead of TCP")
    ap.add_argument("--label", help="prefix for failure messages")
    ap.add_argument("--format", choices=sorted(FORMATS))
    ap.add_argument("--fixture", nargs=3, action="append", default=[],
                    metavar=("FILE", "SOURCE_URL", "SOURCE_TITLE"))
    ap.add_argument("--expect", metavar="JSON")
    ap.add_argument("--count", type=int)
    ap.add_argument("--ordered", action="store_true")
    ap.add_argument("--dump", metavar="FILE")
    ap.add_argument("--same-as", metavar="FILE")
    ap.add_argument("--new", type=int, default=0)
    ap.add_argument("--wait", type=float, default=0)
    ap.add_argument("--min-count", type=int)
    ap.add_argument("--has-link")
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--body", help="with --raw: the exact body (stripped)")
    ap.add_argument("--body-has", help="with --raw: text the body holds")
    args = ap.parse_args()

    if feedparser is None and not args.raw and args.format != "json":
        sys.stderr.write("feedcheck: python3-feedparser is not installed\n")
        return 2
    label = args.label or (("unix:%s " % args.unix if args.unix else "")
                           + args.url)
    ck = Checker(label)

    if args.wait > 0:
        err = wait_ready(args)
        if err is not None:
            ck.fail(err)
            return ck.report()
    try:
        d, headers = load_document(args)
    except RuntimeError as exc:
        ck.fail(str(exc))
        return ck.report()

    if args.raw:
        if args.body is not None and d.strip() != args.body.encode():
            ck.fail("body %r, want %r" % (d[:200], args.body))
        if args.body_has is not None and args.body_has.encode() not in d:
            ck.fail("body %r does not hold %r" % (d[:200], args.body_has))
        return ck.report()

    if args.format and d.version != FORMATS[args.format]:
        ck.fail("format %r, want %r" % (d.version, FORMATS[args.format]))
    got = [entry_record(e) for e in d.entries]
    for rec in got:
        if not rec["title"] or not rec["link"]:
            ck.fail("entry without title or link: %r" % rec)

    expected = []
    for path, surl, stitle in args.fixture:
        expected.extend(fixture_records(path, surl, stitle))
    if args.expect:
        with open(args.expect, encoding="utf-8") as f:
            expected.extend(json.load(f))
    if args.fixture or args.expect:
        check_set(ck, got, expected)
    if args.count is not None and len(got) != args.count:
        ck.fail("%d entries, want %d" % (len(got), args.count))
    if args.ordered:
        check_order(ck, got, expected)
    if args.same_as:
        with open(args.same_as, encoding="utf-8") as f:
            check_same_as(ck, got, json.load(f), args.new)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            json.dump(got, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
