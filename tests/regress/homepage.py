#!/usr/bin/python3
"""homepage.py: the checks of homepage.sh on feedd's home page.

    homepage.py feeds DIR             writes edge.xml (what breaks
                                      layouts) and lead.png into DIR
    homepage.py probe PAGE OUT        copies the served page to OUT with a
                                      probe script (see below)
    homepage.py measured DOM SCHEME   judges what the probe wrote into the
                                      DOM Chromium dumped
    homepage.py dom DOM               accessibility and policy checks of
                                      the page as Chromium built it
    homepage.py png FILE WIDTH        a real screenshot of that width

The page itself runs no script and its Content-Security-Policy forbids
any, so layout is measured on a copy: the same markup and style sheet,
the policy's meta element removed and a script appended that, once the
page (images included) has loaded, records into <pre id="probe">: the
document's width against the viewport's (horizontal scrolling), every
element sticking out on the right, the contrast of every piece of text
against the background it is drawn on (WCAG 2 relative luminance: 4.5:1,
3:1 for large text), whether a focused link shows an outline, and the
body's colours (to tell light from dark).

Prints what is wrong, one line each, and exits 1 if anything is.
Python 3 standard library only.
"""
import base64
import email.utils
import hashlib
import html.parser
import json
import re
import struct
import sys
import time
import zlib

PROBE = r"""
<pre id="probe"></pre>
<script>
function lum(c) {
  var m = c.match(/[\d.]+/g).map(Number);
  var v = m.slice(0, 3).map(function (x) {
    x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function alpha(c) {
  var m = c.match(/[\d.]+/g).map(Number);
  return m.length > 3 ? m[3] : 1;
}
function bg(el) {
  for (; el; el = el.parentElement) {
    var c = getComputedStyle(el).backgroundColor;
    if (alpha(c) > 0.5) return c;
  }
  return "rgb(255, 255, 255)";
}
function label(el) {
  return el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
    + " \"" + (el.textContent || "").trim().slice(0, 40) + "\"";
}
window.addEventListener("load", function () {
  var r = {}, vw = document.documentElement.clientWidth;
  r.viewport = vw;
  r.scrollWidth = document.documentElement.scrollWidth;
  r.bodyScrollWidth = document.body.scrollWidth;
  r.sticking = [];
  r.contrast = [];
  document.querySelectorAll("body *").forEach(function (el) {
    var b = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (el.id === "probe" || s.position === "absolute" && b.right < 0)
      return;
    if (b.width > 0 && b.right > vw + 0.5 && !el.closest(".scroll"))
      r.sticking.push(label(el) + " right=" + Math.round(b.right));
    var text = Array.prototype.some.call(el.childNodes, function (n) {
      return n.nodeType === 3 && n.textContent.trim() !== "";
    });
    if (!text || b.width === 0 || s.visibility === "hidden" ||
        el.closest(".vh") || el.closest(".skip"))
      return;
    var l1 = lum(s.color), l2 = lum(bg(el));
    var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    var size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    var need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need)
      r.contrast.push(label(el) + " " + ratio.toFixed(2) + " < " + need);
  });
  var a = document.querySelector("main a");
  a.focus();
  var fs = getComputedStyle(a);
  r.focusOutline = fs.outlineStyle + " " + fs.outlineWidth;
  /* Whether the browser counts this programmatic focus as one to show
   * (its heuristic varies with the headless window's own focus). */
  r.focusVisible = a.matches(":focus-visible");
  r.bodyColor = getComputedStyle(document.body).color;
  r.bodyBackground = getComputedStyle(document.body).backgroundColor;
  r.images = Array.prototype.map.call(document.querySelectorAll("img"),
    function (i) { return [i.currentSrc, i.naturalWidth]; });
  document.getElementById("probe").textContent = JSON.stringify(r);
});
</script>
"""


def png(width, height, rgb):
    """A solid-colour PNG, written by hand (no imaging library needed)."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                       0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def feeds(d, origin):
    """edge.xml: what breaks layouts (a title of one 300-letter word, a
    long URL in the text, right-to-left text, markup in titles) and a lead
    image served by the origin; dated minutes ago, so they lead the
    river."""
    with open(d + "/lead.png", "wb") as f:
        f.write(png(300, 200, (40, 120, 180)))
    word = "Donaudampfschifffahrtsgesellschaftskapitaen" * 7
    url = "https://example.org/" + "a/very/long/path/" * 20 + "end.html"
    items = [
        ("edge-1", word, "<p>%s</p>" % url, "lead.png"),
        ("edge-2", "\u0627\u0644\u0623\u062e\u0628\u0627\u0631 "
         "\u0627\u0644\u0639\u0627\u0644\u0645\u064a\u0629 "
         "\u0627\u0644\u064a\u0648\u0645",
         "<p>\u0646\u0635 \u0639\u0631\u0628\u064a "
         "\u0637\u0648\u064a\u0644 " * 20 + "</p>", None),
        ("edge-3", "A <b>bold</b> & \"quoted\" title",
         "<p>Text with <a href=\"https://example.org/\">a link</a> and "
         "<img src=\"%s/lead.png\" alt=\"inline\"> an image.</p>" % origin,
         None),
    ]
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">'
           '<channel><title>Edge cases</title>'
           '<link>https://edge.example/</link><description>x</description>']
    for n, (guid, title, desc, img) in enumerate(items):
        out.append("<item><guid>%s</guid><title>%s</title>"
                   "<link>https://edge.example/%s</link>"
                   "<pubDate>%s</pubDate>"
                   "<description>%s</description>" %
                   (guid, html.escape(title), guid,
                    email.utils.formatdate(time.time() - 600 * (n + 1),
                                           usegmt=True),
                    html.escape(desc)))
        if img:
            out.append('<enclosure url="%s/%s" type="image/png" '
                       'length="1000"/>' % (origin, img))
        out.append("</item>")
    out.append("</channel></rss>\n")
    with open(d + "/edge.xml", "w", encoding="utf-8") as f:
        f.write("".join(out))


def probe(page, out):
    with open(page, encoding="utf-8") as f:
        s = f.read()
    s, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                   s)
    if n != 1:
        sys.exit("no policy in the page")
    s = s.replace("</body>", PROBE + "</body>")
    with open(out, "w", encoding="utf-8") as f:
        f.write(s)


def measured(dom, scheme):
    m = re.search(r'<pre id="probe">(.*?)</pre>', open(dom,
                  encoding="utf-8").read(), re.S)
    if not m or not m.group(1).strip():
        return ["the probe did not run"]
    r = json.loads(html.unescape(m.group(1)))
    bad = []
    if r["scrollWidth"] > r["viewport"] or r["bodyScrollWidth"] > \
            r["viewport"]:
        bad.append("horizontal scroll: document %d px wide, viewport %d" %
                   (r["scrollWidth"], r["viewport"]))
    bad += ["sticks out: " + x for x in r["sticking"][:10]]
    bad += ["contrast: " + x for x in r["contrast"][:10]]
    w = re.match(r"(\w+) ([\d.]+)px", r["focusOutline"])
    if r.get("focusVisible") and (not w or w.group(1) == "none" or
                                  float(w.group(2)) < 2):
        bad.append("a focused link shows no outline (%s)" %
                   r["focusOutline"])
    lum = sum(int(x) for x in re.findall(r"\d+", r["bodyBackground"])[:3])
    if (scheme == "dark") != (lum < 3 * 64):
        bad.append("%s scheme: background %s" % (scheme,
                                                  r["bodyBackground"]))
    if not any(w > 0 for _, w in r["images"]):
        bad.append("no lead image was shown: %r" % r["images"][:5])
    return bad


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.stack = []
        self.text = {}
        self.cur = []
        self.style = ""
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "style":
            self.in_style = True
        if tag in ("a", "button", "label", "h1", "h2", "h3", "title"):
            self.cur.append([tag, a, ""])

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        for i in range(len(self.cur) - 1, -1, -1):
            if self.cur[i][0] == tag:
                t = self.cur.pop(i)
                self.text.setdefault(tag, []).append((t[1], t[2].strip()))
                break

    def handle_data(self, d):
        if self.in_style:
            self.style += d
        for c in self.cur:
            c[2] += d


def dom(path):
    p = Dom()
    p.feed(open(path, encoding="utf-8").read())
    tags = p.tags
    bad = []

    def all_of(name):
        return [a for t, a in tags if t == name]

    if not any(a.get("lang") for a in all_of("html")):
        bad.append("<html> has no lang")
    for land in ("main", "header", "footer", "nav", "aside"):
        if not all_of(land):
            bad.append("no <%s> landmark" % land)
    if len(all_of("main")) != 1:
        bad.append("%d <main> elements" % len(all_of("main")))
    heads = [int(t[1]) for t, _ in tags if re.fullmatch(r"h[1-6]", t)]
    if heads.count(1) != 1:
        bad.append("%d h1 headings, want 1" % heads.count(1))
    for a, b in zip(heads, heads[1:]):
        if b > a + 1:
            bad.append("heading level skips from h%d to h%d" % (a, b))
            break
    ids = [a["id"] for _, a in tags if "id" in a]
    if len(ids) != len(set(ids)):
        bad.append("duplicate ids")
    labelled = {a.get("for") for a in all_of("label")}
    for t, a in tags:
        if t in ("input", "select", "textarea") and \
                a.get("type") != "hidden" and a.get("id") not in labelled \
                and not a.get("aria-label"):
            bad.append("unlabelled <%s name=%s>" % (t, a.get("name")))
        if t == "img" and "alt" not in a:
            bad.append("<img> without alt: %s" % a.get("src"))
        if a.get("tabindex", "0").lstrip("-").isdigit() and \
                int(a.get("tabindex", "0")) > 0:
            bad.append("positive tabindex on <%s>" % t)
        if t == "script" or t in ("iframe", "object", "embed", "frame"):
            bad.append("<%s> in the page" % t)
        if "style" in a or any(k.startswith("on") for k in a):
            bad.append("inline style or handler on <%s>" % t)
        if t == "link" and a.get("rel") not in ("alternate",):
            bad.append("<link rel=%s> loads something" % a.get("rel"))
        if t == "img" and a.get("referrerpolicy") != "no-referrer":
            bad.append("<img> sends a referrer: %s" % a.get("src"))
        for k in ("href", "src", "action"):
            v = a.get(k, "")
            if v.lower().lstrip().startswith(("javascript:", "data:")):
                bad.append("%s=%s on <%s>" % (k, v[:40], t))
    for a, text in p.text.get("a", []):
        if not text and not a.get("aria-label"):
            bad.append("a link without text: %s" % a.get("href"))
    for a, text in p.text.get("button", []):
        if not text:
            bad.append("a button without text")
    if not p.text.get("title") or not p.text["title"][0][1]:
        bad.append("no <title>")
    # The policy: no script at all, the one style sheet by its hash.
    csp = [a.get("content", "") for a in all_of("meta")
           if a.get("http-equiv", "").lower() == "content-security-policy"]
    if len(csp) != 1:
        bad.append("%d Content-Security-Policy meta elements" % len(csp))
    else:
        c = csp[0]
        h = base64.b64encode(hashlib.sha256(p.style.encode()).digest())
        for want in ("default-src 'none'", "base-uri 'none'",
                     "form-action 'self'",
                     "style-src 'sha256-%s'" % h.decode()):
            if want not in c:
                bad.append("the policy lacks %s: %s" % (want, c))
        for no in ("unsafe", "script-src", "*"):
            if no in c:
                bad.append("the policy allows %s: %s" % (no, c))
    if re.search(r"@import|url\(|@font-face", p.style):
        bad.append("the style sheet loads something")
    if ":focus-visible" not in p.style or "prefers-color-scheme:dark" \
            not in p.style:
        bad.append("the style sheet has no focus ring or no dark scheme")
    return bad


def png_check(path, width):
    b = open(path, "rb").read()
    if b[:8] != b"\x89PNG\r\n\x1a\n" or b[12:16] != b"IHDR":
        return ["%s is not a PNG" % path]
    w, h = struct.unpack(">II", b[16:24])
    bad = []
    if w != int(width):
        bad.append("%s is %d px wide, want %s" % (path, w, width))
    if len(b) < 20000:
        bad.append("%s is %d bytes: nothing drawn?" % (path, len(b)))
    return bad


def main():
    cmd = sys.argv[1]
    if cmd == "feeds":
        feeds(sys.argv[2], sys.argv[3])
        return
    if cmd == "probe":
        probe(sys.argv[2], sys.argv[3])
        return
    if cmd == "measured":
        bad = measured(sys.argv[2], sys.argv[3])
    elif cmd == "dom":
        bad = dom(sys.argv[2])
    elif cmd == "png":
        bad = png_check(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: see the top of %s" % sys.argv[0])
    if bad:
        print("\n".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
