#!/bin/sh
# conformance.sh: `feedd parse` against feedparser's own test cases
# through run.py, which compares the contract JSON with what feedparser
# expects (issue 3 item 7).  TAP: one line for the whole run, the failed
# cases as diagnostics.
#
# The corpus and the runner come from ../shared beside the clone
# (FEEDD_SHARED overrides) when it is there, else from the copies
# committed in tests/data/corpus/feedparser.tar.xz (extracted into the
# build directory) and tests/conformance/run.py: the test never skips.
#
# FAIL_UNDER is the figure required (issue 3: at least 99% of mapped
# cases); reached: 635 of 641 (99.1%).  The six failures are feedparser's
# *_crazy sanitizer cases, where feedd deliberately differs (html.c).
FAIL_UNDER=${FAIL_UNDER:-99.0}
: "${top_srcdir:=.}" "${top_builddir:=.}"
shared=${FEEDD_SHARED:-$top_srcdir/../shared}
python=/usr/bin/python3
[ -x "$python" ] || python=${PYTHON3:-python3}

bail() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

# corpus_dir NAME: where corpus NAME is, extracting the committed copy
# (once, atomically: parallel tests may ask at the same time).
corpus_dir() {
	if [ -d "$shared/corpus/$1" ]; then
		echo "$shared/corpus/$1"
		return 0
	fi
	dst=$top_builddir/tests/corpus
	if [ ! -d "$dst/$1" ]; then
		mkdir -p "$dst" || return 1
		tmp=$(mktemp -d "$dst/.x.XXXXXX") || return 1
		if ! xz -dc "$top_srcdir/tests/data/corpus/$1.tar.xz" |
		    tar -xf - -C "$tmp"; then
			rm -rf "$tmp"
			return 1
		fi
		mv -T "$tmp/$1" "$dst/$1" 2>/dev/null || [ -d "$dst/$1" ] ||
		    return 1
		rm -rf "$tmp"
	fi
	echo "$dst/$1"
}

corpus=$(corpus_dir feedparser) || bail "cannot extract the feedparser corpus"
runner=$shared/conformance/run.py
[ -f "$runner" ] || runner=$top_srcdir/tests/conformance/run.py
feedd=$top_builddir/feedd
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT

echo "1..1"
echo "# corpus $corpus"
"$python" "$runner" "$corpus" \
    --cmd "$feedd parse {file}" -f -j 2 --fail-under "$FAIL_UNDER" \
    >"$out" 2>&1
rc=$?
sed -e 's/^/# /' "$out" | cut -c1-300
last=$(tail -n 1 "$out")
if [ $rc -eq 0 ]; then
	echo "ok 1 - $last (at least $FAIL_UNDER%)"
else
	echo "not ok 1 - $last (below $FAIL_UNDER%, or run.py failed: $rc)"
fi
