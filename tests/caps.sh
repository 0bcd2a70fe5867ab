#!/bin/sh
# caps.sh: every growable buffer states its cap.  A struct buf takes a
# real cap wherever a remote party controls its size; the few without
# one say BUF_UNCAPPED, under a comment that says why their size is
# bounded (base/util.h).  TAP:
#   1. no buf_init with a bare 0 for its cap;
#   2. each BUF_UNCAPPED buf_init follows a comment (or another one).
: "${top_srcdir:=.}"
cd "$top_srcdir" || exit 99
src=$(ls base/*.c daemon/*.c parsers/*.c storage/*.c 2>/dev/null)
echo "1..2"
bare=$(grep -n 'buf_init([^;]*, *0)' $src)
[ -n "$bare" ] && echo "$bare" | sed 's/^/# bare 0 cap: /'
[ -z "$bare" ] && echo "ok 1 - no buf_init with a bare 0 cap" ||
    echo "not ok 1 - buf_init with a bare 0 cap"
r1=$([ -z "$bare" ]; echo $?)
silent=$(awk '
	FNR == 1 { prev = "" }
	/buf_init\(.*BUF_UNCAPPED/ && prev !~ /\*\/[ \t]*$/ &&
	    prev !~ /buf_init\(.*BUF_UNCAPPED/ { print FILENAME ":" FNR }
	NF > 0 { prev = $0 }' $src)
[ -n "$silent" ] && echo "$silent" | sed 's/^/# BUF_UNCAPPED without a why: /'
[ -z "$silent" ] && echo "ok 2 - each BUF_UNCAPPED says why" ||
    echo "not ok 2 - BUF_UNCAPPED without a comment"
[ "$r1" -eq 0 ] && [ -z "$silent" ]
