#!/usr/bin/env python3
"""seeds.py: build the seed corpora of the fuzz harnesses from the two
feed corpora (feedparser's cases and the real-world feeds).

    seeds.py CORPUS_ROOT OUTDIR

CORPUS_ROOT holds feedparser/ and realworld/ (the copies ci.sh
extracts from tests/data/corpus/*.tar.xz).
Writes OUTDIR/{parse,date,uri,html}/, one seed per file:

  parse  every document, whole (large ones cut to 16 KiB, as the
         harness's -max_len would anyway), with a leading option byte
  date   the text of every date-like element
  uri    "base NUL reference" pairs from xml:base and href/src values
  html   summaries and contents, escaped markup undone once

Regular expressions are fine here: seeds only need to be plausible.
"""
import hashlib
import html
import os
import re
import sys

MAX = 16384
DATE_RE = re.compile(
    rb"<(?:[\w]+:)?(pubDate|lastBuildDate|updated|published|modified|"
    rb"issued|created|date|dc:date)\b[^>]*>([^<]{1,80})<", re.I)
URL_RE = re.compile(rb"""(?:href|src|xml:base|url)\s*=\s*["']([^"']{1,300})""",
                    re.I)
LINK_RE = re.compile(rb"<link>([^<]{1,300})</link>", re.I)
HTML_RE = re.compile(
    rb"<((?:content:encoded)|description|summary|content|body)\b[^>]*>"
    rb"(.{1,20000}?)</\1>", re.I | re.S)
CDATA_RE = re.compile(rb"^\s*<!\[CDATA\[(.*)\]\]>\s*$", re.S)


def put(outdir, kind, data, seen):
    h = hashlib.sha1(data).hexdigest()
    if (kind, h) in seen:
        return
    seen.add((kind, h))
    with open(os.path.join(outdir, kind, h), "wb") as f:
        f.write(data)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: seeds.py CORPUS_ROOT OUTDIR")
    root, outdir = sys.argv[1], sys.argv[2]
    for kind in ("parse", "date", "uri", "html"):
        os.makedirs(os.path.join(outdir, kind), exist_ok=True)
    seen = set()
    files = []
    for sub in ("feedparser", "realworld"):
        for d, _, names in os.walk(os.path.join(root, sub)):
            files += [os.path.join(d, n) for n in names
                      if n.endswith((".xml", ".json"))]
    if not files:
        sys.exit("seeds.py: no corpus under %s" % root)
    for i, path in enumerate(sorted(files)):
        with open(path, "rb") as f:
            doc = f.read()
        # The harness's first byte selects charset/base/size-cap options.
        put(outdir, "parse", bytes([i % 32]) + doc[:MAX], seen)
        for m in DATE_RE.finditer(doc):
            put(outdir, "date", m.group(2).strip(), seen)
        urls = URL_RE.findall(doc) + LINK_RE.findall(doc)
        for j, u in enumerate(urls[:20]):
            base = urls[0] if j else b"http://example.org/a/b/c?q#f"
            put(outdir, "uri", base + b"\0" + u, seen)
        for m in HTML_RE.finditer(doc):
            body = m.group(2)
            c = CDATA_RE.match(body)
            if c:
                body = c.group(1)
            elif b"&lt;" in body:
                body = html.unescape(body.decode("utf-8", "replace")
                                     ).encode("utf-8")
            put(outdir, "html", body[:MAX], seen)
    for kind in ("parse", "date", "uri", "html"):
        print("%s: %d seeds" % (kind,
              len(os.listdir(os.path.join(outdir, kind)))))


if __name__ == "__main__":
    main()
