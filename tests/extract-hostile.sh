#!/bin/sh
# extract-hostile.sh: `feedd extract` on generated hostile pages, each
# under a CPU-time limit (ulimit -t 2; the goal is under a second, and
# feedd takes at most a third of one) and an address-space limit
# (ulimit -v 112 MiB, of which the shared libraries take about 60; a tree
# built whole by libxml2 took 177 MiB of RSS for the 16 MiB page, feedd's
# bounded reader stays under 25).  No timing is asserted beyond the
# limits: a page that runs past them is killed, and fails.  TAP, one line
# a page.
: "${top_builddir:=.}"
python=/usr/bin/python3
[ -x "$python" ] || python=${PYTHON3:-python3}
feedd=$top_builddir/feedd
cpu=${EXTRACT_HOSTILE_CPU:-2}
vm=${EXTRACT_HOSTILE_VM:-114688}	# KiB, shared libraries included
# A sanitizer build reserves terabytes of address space and runs several
# times slower: the pages still run (for what ASan and UBSan find), under
# no address-space limit and ten times the CPU.
case "${SAN_FLAGS:-}" in *sanitize*) vm=unlimited; cpu=$((cpu * 10)) ;; esac
if grep -q __asan_init "$feedd" 2>/dev/null; then
	vm=unlimited
	cpu=$((cpu * 10))
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/extract-hostile.XXXXXX") || {
	echo "1..1"
	echo "not ok 1 - mktemp"
	exit 1
}
trap 'rm -rf "$dir"' EXIT

# Each page: NAME, then the text its article must hold ("-": exit 0 is
# enough; "!REASON": exit 1 with REASON on stderr).
"$python" - "$dir" <<'PY' || exit 1
import os, sys
MiB = 1024 * 1024
out = sys.argv[1]
art = ("<p>The harbour authority said on Tuesday that the new ferry line, "
       "which links the two islands for the first time since 1998, will "
       "carry about four hundred passengers a day.</p>\n") * 5
head = "<!doctype html><html><head><title>A page</title></head><body>"
tail = "<article>" + art + "</article></body></html>"


def fill(unit, size, end=tail):
    """head, unit repeated, end: exactly size bytes."""
    n = size - len(head) - len(end)
    return head + (unit * (n // len(unit) + 1))[:n] + end


para = ('<div class="story"><p>Some words of a paragraph, with a '
        '<a href="/x">link</a> and more text.</p></div>\n')
pages = [
    ("big", "Some words of a paragraph", fill(para, 16 * MiB)),
    ("over", "!larger than", fill(para, 16 * MiB + 1)),
    ("nested-before", "four hundred passengers",
     head + tail[:-len("</body></html>")] + "<div>" * 100000 + "<p>deep</p>"
     + "</div>" * 100000 + "</body></html>"),
    ("nested-after", "-",
     head + "<div>" * 100000 + art + "</div>" * 100000 + "</body></html>"),
    ("stray-end-tags", "four hundred passengers",
     head + tail[:-len("</body></html>")] + "<div>" * 500
     + "</span>" * 1000000 + "</body></html>"),
    ("text-node", "a word, a word",
     head + "<p>" + "a word, " * (10 * MiB // 8) + "</p></body></html>"),
    ("attributes", "four hundred passengers",
     head + "<p" + "".join(' a%d="x"' % i for i in range(1000000))
     + ">" + tail),
    ("attribute-value", "four hundred passengers",
     head + '<a href="' + "x" * (15 * MiB) + '">l</a>' + tail),
    ("comment", "four hundred passengers",
     head + "<!--" + "c" * (15 * MiB) + "-->" + tail),
    ("script", "four hundred passengers",
     head + "<script>" + "var a = '</scr';\n" * (15 * MiB // 17)
     + "</script>" + tail),
    ("tags", "four hundred passengers", fill("<p>", 16 * MiB)),
    ("entities", "four hundred passengers", fill("&amp;", 16 * MiB)),
    ("many-elements", "last words of the page",
     head + "<article>" + "<p><b>x</b></p>" * 300000
     + "<p>last words of the page, at the end.</p></article></body></html>"),
]
with open(os.path.join(out, "cases"), "w") as f:
    for name, want, page in pages:
        with open(os.path.join(out, name + ".html"), "w") as p:
            p.write(page)
        f.write("%s\t%s\n" % (name, want))
PY

n=$(wc -l < "$dir/cases")
echo "1..$n"
i=0
while IFS='	' read -r name want; do
	i=$((i + 1))
	# One resource per ulimit call: some shells set only the first.
	(ulimit -t "$cpu" && ulimit -v "$vm" && exec "$feedd" extract \
	    "$dir/$name.html") > "$dir/out" 2> "$dir/err"
	rc=$?
	case $want in
	-)
		[ $rc -eq 0 ];;
	!*)
		[ $rc -eq 1 ] && grep -q "${want#!}" "$dir/err";;
	*)
		[ $rc -eq 0 ] && "$python" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if sys.argv[2] in (d["text"] or "") else 1)' "$dir/out" "$want";;
	esac
	if [ $? -eq 0 ]; then
		echo "ok $i - $name"
	else
		echo "not ok $i - $name (exit $rc: $(head -c 200 "$dir/err"))"
	fi
done < "$dir/cases"
