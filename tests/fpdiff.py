#!/usr/bin/python3
"""Differential check of `feedd parse` against Debian's python3-feedparser.

    /usr/bin/python3 tests/fpdiff.py ./feedd FILE...

For each file, every field of the JSON contract that feedparser also gives
(feed title, subtitle, link, id, language; entry title, link, id, summary,
content, published, updated; the entry count) is compared with run.py's
own rules (tests/conformance/run.py: text as plain text, HTML as tokens,
dates as instants) and the differences are printed.  Not part of `make
check`: it is the tool used to find the classes feedd and feedparser
disagree on (generate variants of an element family, run both, read the
differences), and feedparser is not always the one that is right.
"""
import json
import os
import subprocess
import sys
import warnings

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "conformance"))
import run as R  # noqa: E402
import feedparser  # noqa: E402


def feedd(cmd, path):
    p = subprocess.run([cmd, "parse", path], capture_output=True, text=True)
    if p.returncode != 0:
        return {"feed": {}, "entries": []}
    return json.loads(p.stdout)


def check(kind, ours, theirs, where, out):
    try:
        if not R.Field(kind, ours, where).equals(theirs):
            out.append("  %-16s feedparser %r\n  %-16s feedd      %r"
                       % (where, theirs, "", ours))
    except R.Skip:
        pass


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    warnings.simplefilter("ignore")
    for path in sys.argv[2:]:
        d, g, out = feedparser.parse(path), feedd(sys.argv[1], path), []
        f, gf = d.feed, g.get("feed", {})
        for k, kind in (("title", "text"), ("subtitle", "text"),
                        ("link", "url"), ("id", "id"),
                        ("language", "lang")):
            if k in f:
                check(kind, gf.get(k), f[k], "feed." + k, out)
        ge = g.get("entries", [])
        for i, (e, o) in enumerate(zip(d.entries, ge)):
            w = "entries[%d]." % i
            for k, kind in (("title", "text"), ("link", "url"),
                            ("id", "id")):
                if k in e:
                    check(kind, o.get(k), e[k], w + k, out)
            if "summary" in e:
                check("html", o.get("summary") or o.get("content"),
                      e["summary"], w + "summary", out)
            if e.get("content"):
                check("html", o.get("content"), e["content"][0]["value"],
                      w + "content", out)
            for k in ("published", "updated"):
                if e.get(k + "_parsed"):
                    v = o.get(k) or (o.get("published")
                                     if k == "updated" else None)
                    check("date", v, tuple(e[k + "_parsed"]), w + k, out)
        if len(d.entries) != len(ge):
            out.append("  entries: feedparser %d, feedd %d"
                       % (len(d.entries), len(ge)))
        if out:
            print(path)
            print("\n".join(out))


if __name__ == "__main__":
    main()
