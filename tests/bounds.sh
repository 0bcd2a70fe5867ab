#!/bin/sh
# bounds.sh: the parser's resource bounds.  Documents of up to 16 MiB
# built to be as costly as possible (entity expansion, attribute floods in
# XML and in escaped, CDATA and XHTML HTML, deep nesting, huge text and
# attributes, millions of tiny entries, many names and namespaces, JSON
# Feed worst cases) are generated here, not committed, and each is run
# through `feedd parse`: it must end (parsed, or refused with a reason),
# print at most 8 times its size plus 1 MiB (JSON escapes included),
# and take at most 2 s of CPU
# and 64 MiB of peak RSS (getrusage of the child).  The CPU and memory
# assertions are skipped, not the runs, in a sanitizer build (SAN_FLAGS
# from the Makefile, or ASan's symbols in the binary), where such figures
# mean nothing.  TAP.
: "${top_srcdir:=.}" "${top_builddir:=.}"
python=/usr/bin/python3
[ -x "$python" ] || python=${PYTHON3:-python3}
feedd=$top_builddir/feedd
if [ ! -x "$feedd" ]; then
	echo "1..1"
	echo "not ok 1 - $feedd is not built"
	exit 1
fi
sanitized=0
case "$SAN_FLAGS" in *sanitize*) sanitized=1 ;; esac
if grep -q __asan_init "$feedd" 2>/dev/null; then
	sanitized=1
fi
exec "$python" - "$feedd" "$sanitized" <<'PY'
import os, resource, sys, tempfile

feedd, sanitized = sys.argv[1], sys.argv[2] == "1"
CPU_MAX, RSS_MAX = 2.0, 64 * 1024 * 1024
MAX = 16 * 1024 * 1024
M = MAX - 8192

RSS = b'<rss version="2.0"><channel><title>t</title>%s</channel></rss>\n'
ATOM = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'%s</feed>')
JF = (b'{"version":"https://jsonfeed.org/version/1.1","title":"t",'
      b'"items":[%s]}')


def item(body):
    return b'<item><title>a</title>' + body + b'</item>'


def esc(s):
    return s.replace(b'&', b'&amp;').replace(b'<', b'&lt;').replace(
        b'>', b'&gt;')


def attrs(n, fmt=b'a%d="x"'):
    return b' '.join(fmt % i for i in range(n))


def fit(unit, budget):
    """How many units fit in budget bytes."""
    return max(1, budget // len(unit))


def entdoc(decls, body):
    return (b'<?xml version="1.0"?>\n<!DOCTYPE rss [' + decls + b']>\n' +
            RSS % item(body))


# name: (generator, expected) where expected is "ok", "refused" or None
# (either).  Generators return the document; it must be <= 16 MiB.
CASES = {
    # One 50 KB entity referenced 20,000 times (110 KB): was 268 MB out.
    "ent_50k_x20000": (lambda: entdoc(
        b'<!ENTITY e "' + b'x' * 50000 + b'">',
        b'<description>' + b'&e;' * 20000 + b'</description>'), "refused"),
    "ent_10k_16m": (lambda: entdoc(
        b'<!ENTITY e "' + b'y' * 10000 + b'">',
        b'<description>' + b'&e;' * ((M - 20000) // 3) +
        b'</description>'), "refused"),
    "ent_uncaptured": (lambda: entdoc(
        b'<!ENTITY e "' + b'y' * 10000 + b'">',
        b'<foo>' + b'&e;' * ((M - 20000) // 3) + b'</foo>'), "refused"),
    "ent_in_attributes": (lambda: entdoc(
        b'<!ENTITY e "' + b'q' * 10000 + b'">',
        b'<enclosure url="&e;&e;&e;&e;&e;" type="x"/>' *
        ((M - 20000) // 45)), "refused"),
    "ent_1000_small": (lambda: entdoc(
        b''.join(b'<!ENTITY e%d "%s">' % (i, b'z' * 1000)
                 for i in range(1000)),
        b'<description>' + b''.join(b'&e%d;' % (i % 1000) for i in
                                    range((M - 1100000) // 6)) +
        b'</description>'), "refused"),
    "ent_nested": (lambda: entdoc(
        b'<!ENTITY a "' + b'x' * 100 + b'"><!ENTITY b "' + b'&a;' * 30 +
        b'"><!ENTITY c "' + b'&b;' * 30 + b'">',
        b'<description>' + b'&c;' * ((M - 2000) // 3) +
        b'</description>'), None),
    "ent_hidden_attributes": (lambda: entdoc(
        b'<!ENTITY e "<p ' + attrs(20000, b"a%d=''") + b'/>">',
        b'<description>&e;</description>'), "refused"),
    "param_entities": (lambda: b'<!DOCTYPE rss [<!ENTITY % p "<!-- ' +
        b'c' * 10000 + b' -->">' + b'%p;' * ((M - 20000) // 3) + b']>' +
        RSS % item(b''), "refused"),
    "attlist_many": (lambda: b'<!DOCTYPE rss [<!ATTLIST x ' +
        b' '.join(b'a%d CDATA "v"' % i for i in range(5000)) + b'>]>' +
        RSS % item(b'<description>' + b'<x/>' * ((M - 100000) // 4) +
                   b'</description>'), "refused"),
    "attlist_long_default": (lambda: b'<!DOCTYPE rss [<!ATTLIST x a CDATA "'
        + b'v' * 60000 + b'">]>' + RSS % item(
            b'<description>' + b'<x/>' * ((M - 100000) // 4) +
            b'</description>'), "refused"),
    "unknown_entities": (lambda: RSS % item(
        b'<description>' + b''.join(b'&u%d;' % i for i in range(M // 10))
        + b'</description>'), "refused"),
    "unknown_entities_attr": (lambda: RSS % item(b''.join(
        b'<enclosure url="&u%d;" />' % i for i in range(M // 32))),
        "refused"),
    # One element with 80,000 attributes (869 KB): was 2-18 s.
    "attr_80000_xml": (lambda: RSS % item(b'<foo ' + attrs(80000) +
                                          b'/>'), "refused"),
    "attr_80000_html": (lambda: RSS % item(
        b'<description>' + esc(b'<p ' + attrs(80000) + b'>x</p>') +
        b'</description>'), "ok"),
    "attr_16m_xml": (lambda: RSS % item(b'<foo ' + attrs(M // 13) + b'/>'),
                     "refused"),
    "attr_html_flood": (lambda: RSS % item(
        b'<description>' + esc(b''.join(b'<p ' + attrs(200) + b'>x</p>'
                                        for i in range(1500))) +
        b'</description>'), "ok"),
    "attr_html_bare": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<p ' + attrs(30000, b'a%d') + b'>x</p>')
        + b'</description>') for i in range(30)), "ok"),
    "attr_cdata_html": (lambda: RSS % b''.join(item(
        b'<description><![CDATA[<p ' + attrs(30000) + b'>x</p>]]>'
        b'</description>') for i in range(40)), "ok"),
    "attr_html_after_script": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<script><!--</script><p ' +
                               attrs(30000) + b'>x</p>') +
        b'</description>') for i in range(40)), "ok"),
    "attr_xhtml": (lambda: ATOM % (b'<entry><title>a</title><content '
        b'type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p ' +
        attrs(20000) + b'>x</p></div></content></entry>'), "refused"),
    "attr_after_comment_quote": (lambda: b"<!DOCTYPE rss [<!-- ' -->]>" +
        RSS % item(b'<foo ' + attrs(30000) + b'/>'), "refused"),
    "attr_utf16": (lambda: b'\xff\xfe' + (RSS % item(
        b'<foo ' + attrs(M // 30) + b'/>')).decode().encode('utf-16-le'),
        "refused"),
    "attr_utf7_declared": (lambda: b'<?xml version="1.0" encoding="UTF-7"?>'
        + RSS % item(b'<foo ' + b'+ACA-'.join(b'a%d+AD0AIgAi-' % i
                                              for i in range(M // 25)) +
                     b'/>'), None),
    "namespaces": (lambda: RSS % item(b'<foo ' + attrs(M // 20,
        b'xmlns:p%d="u"') + b'/>'), "refused"),
    "namespaces_nested": (lambda: RSS % item(
        b''.join(b'<x%d %s>' % (i, attrs(100, b'xmlns:p%%d="u%d"' % i))
                 for i in range(200)) + b'<p1:y/>' * 1000000), None),
    "distinct_names": (lambda: RSS % item(b''.join(
        b'<n%d/>' % i for i in range(M // 11))), "refused"),
    "pi_targets": (lambda: RSS % item(b''.join(
        b'<?p%d x?>' % i for i in range(M // 14))), "refused"),
    "dtd_names": (lambda: b'<!DOCTYPE rss [' + b''.join(
        b'<!NOTATION n%d SYSTEM "x">' % i for i in range(300000)) + b']>' +
        RSS % item(b''), "refused"),
    "long_style": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<!-- --><p style="' +
        b'color: red; ' * 300000 + b'">x</p>') + b'</description>')
        for i in range(4)), "ok"),
    "svg_paths": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<!-- --><svg>' + b'<path d="M0 0"/>' *
        120000 + b'</svg>') + b'</description>') for i in range(4)), "ok"),
    "html_entities": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<!-- -->' + b'&bogus&amp;&nbsp;' *
        130000) + b'</description>') for i in range(4)), "ok"),
    "deep_xml": (lambda: RSS % item(
        b'<description>' + (b'<d>' * 250 + b'</d>' * 250) *
        fit(b'<d></d>' * 250, M) + b'</description>'), None),
    "deep_html": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<div>' * 300) * 1000 + b'</description>')
        for i in range(4)), "ok"),
    "deep_unclosed": (lambda: RSS % item(
        b'<description>' + b'<b>' * ((M - 200) // 3) + b'</description>'),
        None),
    "cdata_tag_flood": (lambda: RSS % b''.join(item(
        b'<description><![CDATA[' + b'<p>' * 1390000 +
        b']]></description>') for i in range(4)), "ok"),
    "cdata_stray_end_tags": (lambda: RSS % b''.join(item(
        b'<description><![CDATA[' + b'<p>x</b>' * 520000 +
        b']]></description>') for i in range(4)), "ok"),
    "unclosed_inline_html": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<b><i><u><p>x') * 100000 +
        b'</description>') for i in range(4)), "ok"),
    "huge_text": (lambda: RSS % item(b'<description>' + b'x' * (M - 300) +
                                     b'</description>'), "refused"),
    "big_texts": (lambda: RSS % b''.join(item(
        b'<description>' + b'x' * (3 << 20) + b'</description>')
        for i in range(5)), "ok"),
    "big_cdata": (lambda: RSS % b''.join(item(
        b'<description><![CDATA[' + b'<b>x</b> & ' * 300000 +
        b']]></description>') for i in range(4)), "ok"),
    "big_titles": (lambda: RSS % b''.join(item(
        b'<title>' + esc(b'<b>x</b>') * 200000 + b'</title>')
        for i in range(4)), "ok"),
    "tiny_entries": (lambda: RSS % (b'<item/>' * ((M - 200) // 7)), "ok"),
    "small_entries": (lambda: RSS % (
        b'<item><title>t</title><link>/x</link><guid>g</guid></item>' *
        ((M - 200) // 60)), "ok"),
    "long_attribute": (lambda: ATOM % (b'<entry><link href="http://x/' +
                                       b'a' * (M - 300) + b'"/></entry>'),
                       "refused"),
    "long_base_chain": (lambda: ATOM.replace(b'<feed ', b'<feed xml:base='
        b'"http://x/' + b'a' * 500000 + b'/" ', 1) % (b'<entry>' +
        b'<link xml:base="b/" href="c"/>' * ((M - 600000) // 31) +
        b'</entry>'), None),
    "many_links_html": (lambda: b'<rss version="2.0" xml:base="http://ex'
        b'ample.com/' + b'a' * 2000 + b'/"><channel>' + b''.join(item(
            b'<description>' + esc(b'<a href="x">y</a>') * 120000 +
            b'</description>') for i in range(4)) + b'</channel></rss>',
        "ok"),
    "many_categories": (lambda: RSS % item(b'<category>c</category>' *
                                           ((M - 200) // 22)), "ok"),
    "many_enclosures": (lambda: RSS % item(b'<enclosure url="/e"/>' *
                                           ((M - 200) // 21)), "ok"),
    "huge_dates": (lambda: RSS % b''.join(item(b'<pubDate>' + b'1 ' *
        (1 << 20) + b'</pubDate>') for i in range(7)), "ok"),
    "comments_in_html": (lambda: RSS % b''.join(item(
        b'<description>' + esc(b'<!--') * 300000 + b'</description>')
        for i in range(4)), "ok"),
    "latin1_fallback": (lambda: b'<?xml version="1.0" encoding="utf-8"?>' +
        RSS % b''.join(item(b'<description>' + b'\x80' * 2000 +
                            b'</description>')
                       for i in range((M - 300) // 2060)), "ok"),
    "latin2_fallback_wide": (lambda: RSS % b''.join(item(
        b'<description>' + b'\x81\x80' * 1000 + b'</description>')
        for i in range((M - 300) // 2060)), "ok"),
    "json_deep": (lambda: b'{"version":"https://jsonfeed.org/version/1.1",'
        b'"x":' + b'[' * (M // 2 - 100) + b']' * (M // 2 - 100) +
        b',"items":[]}', "refused"),
    "json_empty_items": (lambda: JF % b','.join([b'{}'] * ((M - 100) // 3)),
                         "refused"),
    "json_ids": (lambda: JF % b','.join([b'{"id":"x"}'] *
                                        ((M - 100) // 11)), "refused"),
    "json_numbers": (lambda: JF % (b'{"id":"x","x":[' + b','.join(
        [b'1'] * ((M - 200) // 2)) + b']}'), "refused"),
    # A web page where a feed was meant: the feed links it names are
    # read with libxml2's HTML parser, which checks one tag's attributes
    # pairwise (80,000 took 23 s).
    "page_attr_flood": (lambda: b'<!DOCTYPE html><html><head>'
        b'<link rel="alternate" type="application/rss+xml" href="/f">'
        b'</head><body><p ' + attrs(fit(b' a1000000="x"', M - 200)) +
        b'>x</p></body></html>', "refused"),
    "json_long_string": (lambda: JF % (b'{"id":"x","content_html":"' +
        b'<b>x</b>' * ((M - 200) // 8) + b'"}'), None),
    "json_tags": (lambda: JF % (b'{"id":"x","tags":[' + b','.join(
        [b'"t"'] * ((M - 200) // 4)) + b']}'), "refused"),
    "json_keys": (lambda: JF % (b'{"id":"x",' + b','.join(
        b'"k%d":0' % i for i in range(M // 13)) + b'}'), "refused"),
    "json_attr_flood": (lambda: JF % (b'{"id":"x","content_html":"<p ' +
        attrs(M // 10, b'a%d') + b'>"}'), None),
    "json_items_html": (lambda: JF % b','.join(
        [b'{"id":"%d","content_html":"%s"}' % (i, b'<p>x</p>' * 500)
         for i in range(4000)]), "ok"),
}

# FEEDD_BOUNDS_CASES="a b": only those (to look at one by hand).
names = sorted(os.environ.get("FEEDD_BOUNDS_CASES", "").split() or CASES)
print("1..%d" % len(names))
tmp = tempfile.mkdtemp(prefix="feedd-bounds.")
failed = 0
for n, name in enumerate(names, 1):
    gen, expect = CASES[name]
    path = os.path.join(tmp, name + (".json" if name.startswith("json")
                                     else ".xml"))
    # Built by a child of its own: feedd's peak RSS counts the memory of
    # the process it was forked from, which must stay small.
    pid = os.fork()
    if pid == 0:
        try:
            with open(path, "wb") as f:
                f.write(gen())
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    size = os.path.getsize(path)
    out = os.path.join(tmp, "out")
    err = os.path.join(tmp, "err")
    pid = os.fork()
    if pid == 0:
        try:
            # A runaway is stopped, and fails below, rather than hang.
            resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
            os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
            os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            os.execv(feedd, [feedd, "parse", path])
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    cpu = ru.ru_utime + ru.ru_stime
    rss = ru.ru_maxrss * 1024
    outsize = os.path.getsize(out)
    with open(err, errors="replace") as f:
        reason = f.read().strip().replace("\n", " ")
    os.unlink(path)
    what = "%s: %d bytes, %s, %d out, %.2f s CPU, %d MiB" % (
        name, size, "exit %d" % code, outsize, cpu, rss >> 20)
    bad = []
    if size > MAX:
        bad.append("document over 16 MiB (test bug)")
    if code not in (0, 1):
        bad.append("exit status %d" % code)
    if code == 1 and not reason:
        bad.append("refused without a reason")
    if expect == "ok" and code != 0:
        bad.append("refused: " + reason)
    if expect == "refused" and code != 1:
        bad.append("not refused")
    if outsize > 8 * size + (1 << 20):
        bad.append("output over 8 times the input")
    if not sanitized and cpu > CPU_MAX:
        bad.append("over %.1f s of CPU" % CPU_MAX)
    if not sanitized and rss > RSS_MAX:
        bad.append("over %d MiB" % (RSS_MAX >> 20))
    if bad:
        failed += 1
        print("not ok %d - %s: %s" % (n, what, "; ".join(bad)))
    else:
        print("ok %d - %s%s%s" % (n, what, " (refused: %s)" % reason
                                  if code == 1 else "",
                                  " (sanitizer build: CPU and memory not "
                                  "checked)" if sanitized else ""))
    sys.stdout.flush()
for f in os.listdir(tmp):
    os.unlink(os.path.join(tmp, f))
os.rmdir(tmp)
sys.exit(1 if failed else 0)
PY
