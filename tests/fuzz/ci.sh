#!/bin/sh
# ci.sh: build the libFuzzer harnesses with clang (outside the autotools
# build: they need -fsanitize=fuzzer, which the normal build must not
# get) and run each for a while from seeds drawn from both corpora.
# Exits non-zero when a build fails or a harness finds a crash, a leak,
# a timeout or an out-of-memory; the input that did it is left in the
# work directory (printed) as crash-*, leak-*, timeout-* or oom-*.
#
#   tests/fuzz/ci.sh [SECONDS [HARNESS...]]
#
# SECONDS per harness (default 30); HARNESS among parse date uri html
# extract (default all).  Environment: CC (default clang, else clang-14),
# FUZZ_WORK (work directory, default a fresh one under ${TMPDIR:-/tmp}),
# FEEDD_SHARED (where corpus/ is, default ../shared beside the clone; the
# copies in tests/data/corpus/ are used when it is absent), FUZZ_JOBS
# (harnesses run at once, default 1), FUZZ_BUILD_ONLY=1 to stop after
# building.  Needs clang and libclang-rt-14-dev (libFuzzer, ASan, UBSan)
# plus the libxml2 and jansson headers.
set -eu

secs=${1:-30}
[ $# -gt 0 ] && shift
harnesses=${*:-parse date uri html extract}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
shared=${FEEDD_SHARED:-$src/../shared}
if [ -z "${CC:-}" ]; then
	CC=clang
	command -v clang >/dev/null 2>&1 || CC=clang-14
fi
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/feedd-fuzz.XXXXXX")}
mkdir -p "$work/obj"
echo "fuzz: work directory $work"

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san -std=c11 -D_GNU_SOURCE \
    -I$src $(pkg-config --cflags libxml-2.0 jansson)"
libs="$(pkg-config --libs libxml-2.0 jansson)"

# The parser library, once, instrumented for coverage.
objs=
for c in "$src"/parsers/*.c; do
	o=$work/obj/$(basename "$c" .c).o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
		$CC $cflags -fsanitize=fuzzer-no-link -c "$c" -o "$o"
	fi
	objs="$objs $o"
done
for h in $harnesses; do
	$CC $cflags -fsanitize=fuzzer "$here/fuzz_$h.c" $objs $libs \
	    -o "$work/fuzz_$h"
done
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

# Seeds: the shared corpora if present, else the committed copies.
if [ ! -d "$work/seeds" ]; then
	croot=$shared/corpus
	if [ ! -d "$croot/feedparser" ] || [ ! -d "$croot/realworld" ]; then
		croot=$work/corpus
		mkdir -p "$croot"
		for t in "$src"/tests/data/corpus/*.tar.xz; do
			tar -xJf "$t" -C "$croot"
		done
	fi
	python3 "$here/seeds.py" "$croot" "$work/seeds.tmp" >/dev/null
	mv "$work/seeds.tmp" "$work/seeds"
fi

run_one() {
	h=$1
	mkdir -p "$work/corpus-$h"
	case $h in
	# 16 KiB: larger inputs cost more than they find (seeds are cut).
	parse|html)	opts="-max_len=16384 -dict=$here/html.dict" ;;
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
