#!/bin/sh
# ci.sh: build the libFuzzer harnesses and run each for a while from seeds
# drawn from the committed corpora (tests/data/corpus/).  The harnesses
# need every object instrumented (-fsanitize=fuzzer-no-link), which the
# normal build must not get, so they are built by automake in a copy of
# the tree configured with --enable-fuzzers --enable-sanitizers (CC
# clang).  Exits non-zero when the build fails or a harness finds a
# crash, a leak, a timeout or an out-of-memory; the input that did it is
# left in the work directory (printed) as crash-*, leak-*, timeout-* or
# oom-*.
#
#   tests/fuzz/ci.sh [SECONDS [HARNESS...]]
#
# SECONDS per harness (default 30); HARNESS among parse date uri html
# http extract (default all).  Environment: CC (default clang, else
# clang-14), FUZZ_WORK (work directory, default a fresh one under
# ${TMPDIR:-/tmp}; reusing one reuses its build and seeds), FUZZ_JOBS
# (harnesses run at once, default 1), FUZZ_BUILD_ONLY=1 to stop after
# building.  Needs clang and libclang-rt-14-dev (libFuzzer, ASan, UBSan)
# plus the build dependencies of feedd itself.
set -eu

secs=${1:-30}
[ $# -gt 0 ] && shift
harnesses=${*:-parse date uri html http extract}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
if [ -z "${CC:-}" ]; then
	CC=clang
	command -v clang >/dev/null 2>&1 || CC=clang-14
fi
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/feedd-fuzz.XXXXXX")}
mkdir -p "$work"
echo "fuzz: work directory $work"

# The tree's tracked files (or, outside git, everything but build
# products) copied into the work directory; a file that did not change
# keeps its time stamp, so make rebuilds only what changed.
mkdir -p "$work/tree"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z | xargs -0 tar -cf -) |
	    (cd "$work/tree" && tar -xpf - --keep-newer-files 2>/dev/null || true)
else
	(cd "$src" && tar -cf - --exclude=./tests/corpus --exclude='*.o' .) |
	    (cd "$work/tree" && tar -xpf - --keep-newer-files 2>/dev/null || true)
fi
progs=
for h in $harnesses; do
	progs="$progs tests/fuzz/fuzz_$h"
done
(
	cd "$work/tree"
	if [ ! -f Makefile ]; then
		autoreconf -fi >autoreconf.log 2>&1 || { tail -n 20 autoreconf.log >&2; exit 1; }
		./configure CC="$CC" --enable-sanitizers --enable-fuzzers \
		    >configure.log 2>&1 || { tail -n 30 configure.log >&2; exit 1; }
	fi
	make -j"${FUZZ_MAKE_JOBS:-2}" $progs >make.log 2>&1 ||
	    { tail -n 60 make.log >&2; exit 1; }
)
for h in $harnesses; do
	cp "$work/tree/tests/fuzz/fuzz_$h" "$work/fuzz_$h"
done
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

# Seeds from the committed corpora.
if [ ! -d "$work/seeds" ]; then
	croot=$work/corpus
	mkdir -p "$croot"
	for t in "$src"/tests/data/corpus/feedparser.tar.xz \
	    "$src"/tests/data/corpus/realworld.tar.xz; do
		tar -xJf "$t" -C "$croot"
	done
	python3 "$here/seeds.py" "$croot" "$work/seeds.tmp" >/dev/null
	mv "$work/seeds.tmp" "$work/seeds"
fi

# HTTP seeds: a few requests of each kind (seeds.py knows only feeds).
if [ ! -d "$work/seeds/http" ]; then
	mkdir -p "$work/seeds/http"
	i=0
	for r in 'GET /feed.atom?limit=2&tag=news&feed=alpha HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n' \
	    'GET /feed.json?q=one&since=2023-01-01T00:00:00Z HTTP/1.1\r\nHost: feeds.example:80\r\nIf-None-Match: "x"\r\n\r\n' \
	    'HEAD /view/news.rss HTTP/1.0\r\n\r\n' \
	    'GET /status HTTP/1.1\r\nHost: evil.example\r\n\r\n' \
	    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: a=b\r\n\r\n' \
	    'POST /refresh?feed=beta HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc' \
	    'GET /feeds.opml HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' \
	    'GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'; do
		i=$((i + 1))
		printf "$r" >"$work/seeds/http/seed$i"
	done
fi

run_one() {
	h=$1
	mkdir -p "$work/corpus-$h"
	case $h in
	# 16 KiB: larger inputs cost more than they find (seeds are cut).
	parse|html)	opts="-max_len=16384 -dict=$here/html.dict" ;;
	http)		opts="-max_len=20000 -dict=$here/http.dict" ;;
	# Whole pages: larger, and seeded from the extraction test pages.
	extract)	opts="-max_len=65536 -dict=$here/html.dict"
			mkdir -p "$work/seeds/extract"
			cp "$src"/tests/data/extract/*.html "$work/seeds/extract/"
			;;
	*)		opts="-max_len=4096" ;;
	esac
	"$work/fuzz_$h" $opts -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$work/$h-" \
	    "$work/corpus-$h" "$work/seeds/$h" >"$work/$h.log" 2>&1
}

# wait_all: waits for the harnesses in $pids ("pid:name ..."), rc=1 if
# one failed.
wait_all() {
	for p in $pids; do
		if ! wait "${p%%:*}"; then
			rc=1
			echo "fuzz: ${p#*:} FAILED, see $work/${p#*:}.log"
			tail -n 40 "$work/${p#*:}.log"
		fi
	done
	pids=
	n=0
}

rc=0
set +e
jobs=${FUZZ_JOBS:-1}
pids=
n=0
for h in $harnesses; do
	run_one "$h" &
	pids="$pids $!:$h"
	n=$((n + 1))
	[ "$n" -ge "$jobs" ] && wait_all
done
wait_all
for h in $harnesses; do
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$work/$h.log" | tail -n 1)
	secs_done=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' \
	    "$work/$h.log" | tail -n 1)
	echo "fuzz: $h: ${runs:-?} runs in ${secs_done:-?} s"
done
exit $rc
