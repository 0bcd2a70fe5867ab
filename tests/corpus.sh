# corpus.sh: sourced by the tests that read a test corpus.  The corpora
# are the compressed copies committed in tests/data/corpus/ (see the
# README there); a test never reads anything outside the repository, so
# that a clone, CI and `make distcheck' test the same bytes.
#
# corpus_dir NAME: prints the directory holding corpus NAME, extracting
# tests/data/corpus/NAME.tar.xz into the build directory on first use,
# atomically (parallel tests may ask at the same time).
corpus_dir() {
	_dst=${top_builddir:-.}/tests/corpus
	if [ ! -d "$_dst/$1" ]; then
		mkdir -p "$_dst" || return 1
		_tmp=$(mktemp -d "$_dst/.x.XXXXXX") || return 1
		if ! xz -dc "${top_srcdir:-.}/tests/data/corpus/$1.tar.xz" |
		    tar -xf - -C "$_tmp"; then
			rm -rf "$_tmp"
			return 1
		fi
		mv -T "$_tmp/$1" "$_dst/$1" 2>/dev/null || [ -d "$_dst/$1" ] ||
		    { rm -rf "$_tmp"; return 1; }
		rm -rf "$_tmp"
	fi
	echo "$_dst/$1"
}
