/*
 * entry.h: the model's helpers, shared by the format parsers (feed_map.c,
 * jsonfeed.c) and feed.c.  Not for use outside parsers/ (entry_copy,
 * entry_reset and feed_info_reset, which are, are declared in model.h).
 *
 * A format parser fills a struct entry and hands it to feed_emit, which
 * cleans it up (valid UTF-8, "" made NULL, unsafe links dropped) and
 * passes it to the caller's sink.  struct feed_run is the state of one
 * parse that feed_emit needs: the sink, and how many entries an earlier
 * pass already delivered.
 */
#ifndef FEEDD_ENTRY_H
#define FEEDD_ENTRY_H

#include <stddef.h>

#include "model.h"

/* One parse, as the format parsers see it. */
struct feed_run {
	const struct feed_parse_opts	*opts;
	const struct feed_sink		*sink;
	struct feed_info		*info;
	size_t				 max_size;
	/* Entries already handed to the sink by an earlier pass (a strict
	 * pass that failed half-way): a later pass skips that many. */
	size_t				 delivered;
	size_t				 seen;	/* entries of this pass */
	int				 aborted; /* the sink said stop */
	char				*sink_err;
};

/* Fixes up e (valid UTF-8 everywhere) and hands it to the sink unless an
 * earlier pass did.  Returns 0, or -1 when the sink asked to stop. */
int	feed_emit(struct feed_run *run, struct entry *e);

/* The same clean-up for the feed's own fields, once the parse is done. */
void	feed_info_fix(struct feed_info *info);

/* Makes s valid UTF-8 in place: invalid bytes are dropped (in place, so
 * nothing grows), and so are C0 controls but tab, LF and CR.  NULL-safe. */
void	feed_fix_utf8(char *s);

/*
 * The bytes that count as blanks when collapsing: each format's own set,
 * so that, say, a form feed stays in an RSS title (XML does not call it
 * white space) but separates words in HTML.
 */
enum feed_blanks {
	FEED_BLANKS_XML,	/* space, tab, LF, CR: XML 1.0's S, and
				 * JSON's white space too */
	FEED_BLANKS_HTML,	/* those, FF and VT, as libxml2's HTML parser
				 * and feedparser read them */
	FEED_BLANKS_HTML_NBSP	/* those and U+00A0 NO-BREAK SPACE, which web
				 * pages use between words */
};

/* Trims s and collapses each run of blanks inside it to one space, in
 * place.  Frees s and returns NULL when nothing is left; NULL-safe. */
char	*feed_collapse(char *s, enum feed_blanks blanks);

#endif
