#!/bin/sh
# extract.sh: `feedd extract` on the 88 dev pages of the article
# extraction benchmark (committed in tests/data/corpus/extraction-dev.tar.xz,
# extracted into the build directory), scored with the benchmark's metric:
# word tokens, 4-token shingles with multiplicity, per-page true and false
# positives and false negatives each divided by their sum, precision and
# recall averaged over pages, F1 their harmonic mean.  All pages run in
# one `feedd extract --list` process.  TAP: one line per page (fails
# below F1 0.5 or on an error), then one for the mean
# (fails below EXTRACT_F1_FLOOR, default a little under the measured
# 0.986, so a regression fails).  Uses only files inside the repository.
: "${top_srcdir:=.}" "${top_builddir:=.}"
python=/usr/bin/python3
[ -x "$python" ] || python=${PYTHON3:-python3}
floor=${EXTRACT_F1_FLOOR:-0.98}

bail() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

. "$top_srcdir/tests/corpus.sh"
dir=$(corpus_dir extraction-dev) || bail "cannot extract the extraction corpus"
exec "$python" - "$dir" "$top_builddir/feedd" "$floor" <<'PY'
import collections, json, os, re, subprocess, sys

corpus, feedd, floor = sys.argv[1], sys.argv[2], float(sys.argv[3])
WORD = re.compile(r"\w+")


def grams(text):
    """The multiset of 4-word shingles (one shingle of the whole text
    when it has fewer than four words)."""
    w = WORD.findall(text or "")
    if len(w) < 4:
        return collections.Counter([tuple(w)] if w else [])
    return collections.Counter(tuple(w[i:i + 4]) for i in range(len(w) - 3))


def shares(truth, got):
    t, g = grams(truth), grams(got)
    both = sum((t & g).values())
    fp = sum(g.values()) - both
    fn = sum(t.values()) - both
    total = both + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return both / total, fp / total, fn / total


def ratio(a, b, perfect):
    if perfect:
        return 1.0
    return a / (a + b) if a + b > 0 else 0.0


truth = json.load(open(os.path.join(corpus, "truth.json"), encoding="utf-8"))
keys = sorted(truth)
print("1..%d" % (len(keys) + 1))
# All pages in one process: one JSON line each, "file" first.
listing = "".join("%s\t%s\n" % (os.path.join(corpus, key + ".html"),
                                 truth[key]["url"]) for key in keys)
p = subprocess.run([feedd, "extract", "--list", "-"], capture_output=True,
                   input=listing.encode("utf-8"))
results = {}
for line in p.stdout.decode("utf-8").splitlines():
    d = json.loads(line)
    results[d["file"]] = d
precs, recs = [], []
for i, key in enumerate(keys, 1):
    d = results.get(os.path.join(corpus, key + ".html"),
                    {"error": "no output (exit %d: %s)" % (
                        p.returncode,
                        p.stderr.decode("utf-8", "replace").strip()[:200])})
    text = d.get("text") or ""
    tp, fp, fn = shares(truth[key]["articleBody"], text)
    perfect = fp == 0 and fn == 0
    pr, rc = ratio(tp, fp, perfect), ratio(tp, fn, perfect)
    if tp + fp > 0:
        precs.append(pr)
    if tp + fn > 0:
        recs.append(rc)
    f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    ok = "error" not in d and f1 >= 0.5
    print("%s %d - %s F1 %.3f precision %.3f recall %.3f%s" % (
        "ok" if ok else "not ok", i, key[:16], f1, pr, rc,
        "" if "error" not in d else " error: %s" % d["error"]))
mp = sum(precs) / len(precs) if precs else 0.0
mr = sum(recs) / len(recs) if recs else 0.0
f1 = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
print("%s %d - mean F1 %.3f (precision %.3f, recall %.3f) on %d pages, "
      "floor %.3f" % ("ok" if f1 >= floor else "not ok", len(keys) + 1, f1,
                      mp, mr, len(keys), floor))
PY
