#!/usr/bin/python3
"""xsspage.py: the page that headless Chromium runs for xss.sh.

    xsspage.py page PARSED.json OUT.html [SERVED_DIR]  builds the page
    xsspage.py check DOM.html                         judges --dump-dom

The page loads every fragment of `feedd parse` output (entry summaries
and contents; titles; entry, source, enclosure and feed links), and of
what the daemon served (SERVED_DIR/feed.rss, feed.atom, feed.json and
index.html, its own page), into iframes of its own, the way a web-based
reader shows them: summaries and contents as HTML, titles as HTML too
where the format leaves it open (RSS titles: many readers do), as text
where it says text (the parser's titles, Atom type="text", JSON Feed),
URLs as the href of a link.  For each fragment and each of its elements
(SVG and MathML included; on the daemon's page, its links) a fresh copy
is loaded, SMIL animations get time to run, and that one element is
clicked and hovered: a click can navigate the frame,
which would cancel what a second click in the same frame started.  A
payload that runs posts its name to the top window.

Control fragments, written here without feedd, prove that the harness
sees what it must: a javascript: link, an onerror handler and the SVG
animation of an href must each report.  Results go into <pre
id="result"> as JSON, which `check` reads from the dumped DOM.
"""
import html
import json
import os
import sys
import xml.etree.ElementTree as ET

CONTROLS = [
    ("control-link",
     "<a href=\"javascript:top.postMessage('control-link','*')\">c</a>"),
    ("control-onerror",
     "<img src=x onerror=\"top.postMessage('control-onerror','*')\">"),
    ("control-animate",
     "<svg width=60 height=30><a><animate attributeName=href "
     "values=\"javascript:top.postMessage('control-animate','*')\"/>"
     "<rect width=60 height=30 /></a></svg>"),
    ("control-set",
     "<svg width=60 height=30><a><set attributeName=href "
     "to=\"javascript:top.postMessage('control-set','*')\"/>"
     "<rect width=60 height=30 /></a></svg>"),
]

SCRIPT = r"""
var fired = [], clicked = 0, frames = 0, pending = 0;
addEventListener('message', function (e) { fired.push(String(e.data)); });
function load(src, cb) {
	var f = document.createElement('iframe');
	f.onload = function () { f.onload = null; cb(f); };
	f.srcdoc = src;
	frames++;
	document.body.appendChild(f);
}
function poke(el) {
	var w = el.ownerDocument.defaultView;
	['mouseover', 'mousedown', 'mouseup'].forEach(function (t) {
		el.dispatchEvent(new w.MouseEvent(t, {bubbles: true}));
	});
	if (typeof el.click === 'function')
		el.click();
	else
		el.dispatchEvent(new w.MouseEvent('click',
		    {bubbles: true, cancelable: true, view: w}));
	clicked++;
}
function done() {
	if (--pending === 0)
		setTimeout(finish, 2000);
}
function finish() {
	document.getElementById('result').textContent = JSON.stringify(
	    {fired: fired, clicked: clicked, frames: frames});
}
function run(name, src) {
	/* The daemon's whole page: its links are what it may get wrong. */
	var sel = name === 'page' ? 'a' : 'body *';
	pending++;
	load(src, function (f) {
		var n = f.contentDocument.querySelectorAll(sel).length, k;
		for (k = 0; k < n; k++)
			(function (k) {
				pending++;
				load(src, function (g) {
					setTimeout(function () {
						var d = g.contentDocument;
						var el = d && d.querySelectorAll(sel)[k];
						if (el)
							poke(el);
						done();
					}, 500);
				});
			})(k);
		done();
	});
}
onload = function () {
	pending++;
	FRAGMENTS.forEach(function (x) { run(x[0], x[1]); });
	done();
};
"""


def fragments(parsed):
    out = []

    def link(name, url):
        if url:
            out.append((name, '<a href="%s">link</a>' % html.escape(url)))

    feed = parsed.get("feed") or {}
    if feed.get("title"):
        out.append(text_frag("feed.title", feed["title"]))
    link("feed.link", feed.get("link"))
    for i, e in enumerate(parsed.get("entries") or []):
        tag = "%d:%s" % (i, e.get("id"))
        for k in ("summary", "content"):
            if e.get(k):
                out.append(("%s.%s" % (tag, k), e[k]))
        if e.get("title"):
            out.append(text_frag(tag + ".title", e["title"]))
        link(tag + ".link", e.get("link"))
        link(tag + ".source", e.get("source"))
        for n, enc in enumerate(e.get("enclosures") or []):
            link("%s.enclosure%d" % (tag, n), enc.get("url"))
    return out


def link_frag(name, url):
    return (name, '<a href="%s">link</a>' % html.escape(url))


def text_frag(name, text):
    return (name, html.escape(text))


def served(d):
    """Fragments of the documents the daemon served, in d."""
    out = []
    atom = "{http://www.w3.org/2005/Atom}"
    content = "{http://purl.org/rss/1.0/modules/content/}encoded"
    rss = ET.parse(os.path.join(d, "feed.rss")).getroot()
    for i, it in enumerate(rss.iter("item")):
        tag = "rss%d" % i
        for k in ("title", "description", content):
            e = it.find(k)
            if e is not None and e.text:
                out.append(("%s.%s" % (tag, k.split("}")[-1]), e.text))
        e = it.find("link")
        if e is not None and e.text:
            out.append(link_frag(tag + ".link", e.text))
        for k in ("enclosure", "source"):
            for e in it.findall(k):
                if e.get("url"):
                    out.append(link_frag("%s.%s" % (tag, k), e.get("url")))
    feed = ET.parse(os.path.join(d, "feed.atom")).getroot()
    for i, it in enumerate(feed.iter(atom + "entry")):
        tag = "atom%d" % i
        for e in it.iter():
            name = e.tag.split("}")[-1]
            if name == "link" and e.get("href"):
                out.append(link_frag("%s.link" % tag, e.get("href")))
            elif name in ("title", "summary", "content") and e.text:
                if e.get("type", "text") == "text":
                    out.append(text_frag("%s.%s" % (tag, name), e.text))
                else:
                    out.append(("%s.%s" % (tag, name), e.text))
    with open(os.path.join(d, "feed.json"), encoding="utf-8") as f:
        j = json.load(f)
    for k in ("home_page_url", "feed_url"):
        if j.get(k):
            out.append(link_frag("json." + k, j[k]))
    for i, it in enumerate(j.get("items") or []):
        tag = "json%d" % i
        if it.get("title"):
            out.append(text_frag(tag + ".title", it["title"]))
        for k in ("content_html", "summary"):
            if it.get(k):
                out.append(("%s.%s" % (tag, k), it[k]))
        for k in ("url", "external_url"):
            if it.get(k):
                out.append(link_frag("%s.%s" % (tag, k), it[k]))
        for a in it.get("attachments") or []:
            out.append(link_frag(tag + ".attachment", a.get("url", "")))
        src = it.get("_source") or {}
        for k in ("feed_url", "home_page_url"):
            if src.get(k):
                out.append(link_frag("%s.%s" % (tag, k), src[k]))
    with open(os.path.join(d, "index.html"), encoding="utf-8") as f:
        out.append(("page", f.read()))
    return out


def page(parsed_path, out_path, served_dir=None):
    with open(parsed_path, encoding="utf-8") as f:
        parsed = json.load(f)
    frags = fragments(parsed)
    if served_dir:
        frags += served(served_dir)
    frags += CONTROLS
    # The same fragment served in several formats is clicked once.
    seen = set()
    frags = [f for f in frags if not (f[1] in seen or seen.add(f[1]))]
    doc = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
           "<title>xss</title></head><body><pre id=\"result\"></pre>"
           "<script>var FRAGMENTS = %s;%s</script></body></html>" %
           (json.dumps(frags).replace("</", "<\\/"), SCRIPT))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(doc)
    print(len(frags))


def check(dom_path):
    with open(dom_path, encoding="utf-8") as f:
        dom = f.read()
    start = dom.find('<pre id="result">')
    end = dom.find("</pre>", start)
    if start < 0 or end < 0:
        print("no result in the DOM")
        return 1
    text = html.unescape(dom[start + len('<pre id="result">'):end])
    if not text:
        print("the page did not finish")
        return 1
    r = json.loads(text)
    bad = []
    fired = sorted(set(r["fired"]))
    for name, _ in CONTROLS:
        if name not in fired:
            bad.append("control %s did not run: the harness is blind" %
                       name)
    ran = [x for x in fired if not x.startswith("control-")]
    if ran:
        bad.append("payloads ran: %s" % " ".join(ran))
    print("%d frames, %d clicks, ran: %s" %
          (r["frames"], r["clicked"], " ".join(fired)))
    if bad:
        print("\n".join(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "page":
        page(sys.argv[2], sys.argv[3],
             sys.argv[4] if len(sys.argv) > 4 else None)
        sys.exit(0)
    sys.exit(check(sys.argv[2]))
