#!/bin/sh
# sizes.sh: no source file over 1,000 lines and no function over 120, so
# that every room stays small enough to read in one sitting.  Functions
# are found by the house style: the body opens with "{" and closes with
# "}" in the first column, the name is on the line that opens its
# parameter list.  TAP: one line for files, one for functions, each
# offender printed.
: "${top_srcdir:=.}"
max_file=${MAX_FILE_LINES:-1000}
max_func=${MAX_FUNC_LINES:-120}
cd "$top_srcdir" || exit 99
src=$(ls base/*.c daemon/*.c parsers/*.c storage/*.c 2>/dev/null)
echo "1..2"
big=$(wc -l $src | awk -v m="$max_file" '$2 != "total" && $1 > m { print $2 " " $1 }')
[ -n "$big" ] && echo "$big" | sed 's/^/# file over '"$max_file"' lines: /'
[ -z "$big" ]
r=$?; [ $r -eq 0 ] && echo "ok 1 - no source file over $max_file lines" ||
    echo "not ok 1 - source files over $max_file lines"
long=$(awk -v m="$max_func" '
	FNR == 1 { name = "" }
	/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name) }
	/^\{/ { start = FNR }
	/^\}/ && start { if (FNR - start - 1 > m) print FILENAME ": " name "() " FNR - start - 1; start = 0 }
' $src)
[ -n "$long" ] && echo "$long" | sed 's/^/# function over '"$max_func"' lines: /'
[ -z "$long" ]
r2=$?; [ $r2 -eq 0 ] && echo "ok 2 - no function over $max_func lines" ||
    echo "not ok 2 - functions over $max_func lines"
[ $r -eq 0 ] && [ $r2 -eq 0 ]
