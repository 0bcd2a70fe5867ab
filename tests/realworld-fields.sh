#!/bin/sh
# realworld-fields.sh: for every document of the real-world corpus, each
# entry's title, link, date, author, the start of its text (summary or
# content as plain text, 80 characters) and which other fields it has
# (id, summary, content, both dates, how many categories and enclosures)
# must be what tests/data/realworld-fields.jsonl says: a reference written
# once and checked by hand against the source XML, so that no field can
# silently disappear (entry counts alone did not notice a whole feed of
# untitled, undated, empty entries).  TAP, one line per file.
#
# A deliberate change of what the parser produces (plain-text titles,
# repaired mojibake) is a regeneration, reviewed as a diff of the
# reference:
#
#	tests/realworld-fields.sh --regen	(from the top of the tree,
#						after make)
#
# The reference is JSON lines, one per document (its feed fields and
# entry count) and one per entry, in corpus and document order, so that a
# diff shows the field that moved.  The corpus is the copy in
# tests/data/corpus/realworld.tar.xz, as in realworld.sh.
: "${top_srcdir:=.}" "${top_builddir:=.}"
python=/usr/bin/python3
[ -x "$python" ] || python=${PYTHON3:-python3}

bail() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

. "$top_srcdir/tests/corpus.sh"

dir=$(corpus_dir realworld) || bail "cannot extract the realworld corpus"
exec "$python" - "$dir" "$top_builddir/feedd" \
    "$top_srcdir/tests/data/realworld-fields.jsonl" "$@" <<'PY'
import html.parser, json, os, subprocess, sys

corpus, feedd, ref_path = sys.argv[1:4]
regen = "--regen" in sys.argv[4:]
TEXT_CHARS = 80


class Text(html.parser.HTMLParser):
    """Sanitized HTML -> the text a reader sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    def handle_data(self, data):
        self.out.append(data)


def text_of(fragment):
    if not fragment:
        return None
    p = Text()
    p.feed(fragment)
    p.close()
    return " ".join("".join(p.out).split())[:TEXT_CHARS] or None


def lines_of(name):
    """The reference lines of one document, as dicts."""
    p = subprocess.run([feedd, "parse", os.path.join(corpus, name)],
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return [{"file": name, "error": err[-1] if err else
                 "exit %d" % p.returncode}]
    out = json.loads(p.stdout)
    feed = out.get("feed") or {}
    entries = out.get("entries") or []
    rows = [{"file": name, "format": out.get("format"),
             "title": feed.get("title"), "link": feed.get("link"),
             "updated": feed.get("updated"), "entries": len(entries)}]
    for i, e in enumerate(entries):
        rows.append({"file": name, "i": i, "title": e.get("title"),
                     "link": e.get("link"),
                     "date": e.get("published") or e.get("updated"),
                     "author": e.get("author"),
                     "text": text_of(e.get("summary") or e.get("content")),
                     "has": has(e)})
    return rows


def has(e):
    """Which other fields the entry has: a summary lost behind its
    content, a date or a category gone, show here."""
    words = [k for k in ("id", "summary", "content", "published",
                         "updated") if e.get(k)]
    for k in ("categories", "enclosures"):
        if e.get(k):
            words.append("%s:%d" % (k, len(e[k])))
    return " ".join(words)


def dump(row):
    return json.dumps(row, ensure_ascii=False, sort_keys=False)


files = sorted(n for n in os.listdir(corpus)
               if n not in ("SOURCES.tsv", "README.md"))
if regen:
    with open(ref_path + ".tmp", "w", encoding="utf-8") as f:
        for name in files:
            for row in lines_of(name):
                f.write(dump(row) + "\n")
    os.replace(ref_path + ".tmp", ref_path)
    print("wrote %s: review it with git diff" % ref_path)
    sys.exit(0)

want = {}
with open(ref_path, encoding="utf-8") as f:
    for line in f:
        row = json.loads(line)
        want.setdefault(row["file"], []).append(row)
print("1..%d" % (len(files) + 1))
for n, name in enumerate(files, 1):
    try:
        got = lines_of(name)
    except (subprocess.TimeoutExpired, ValueError) as e:
        print("not ok %d - %s: %s" % (n, name, e))
        continue
    ref = want.get(name)
    if ref is None:
        print("not ok %d - %s: not in the reference (--regen)" % (n, name))
        continue
    diffs = []
    for j in range(max(len(got), len(ref))):
        g = got[j] if j < len(got) else {}
        r = ref[j] if j < len(ref) else {}
        for k in sorted(set(g) | set(r)):
            if g.get(k) != r.get(k):
                diffs.append("%s: %s: want %r, got %r" % (
                    "feed" if "i" not in (g or r) else
                    "entry %s" % (g or r).get("i"), k, r.get(k), g.get(k)))
    if diffs:
        print("not ok %d - %s: %d fields differ" % (n, name, len(diffs)))
        for d in diffs[:8]:
            print("#   " + d[:300])
    else:
        print("ok %d - %s: %d entries" % (n, name, len(got) - 1))
stale = sorted(set(want) - set(files))
print("%s %d - reference names no missing document%s" % (
    "not ok" if stale else "ok", len(files) + 1,
    ": " + " ".join(stale) if stale else ""))
PY
