/*
 * feed_int.h: what feed.c shares with the format parsers (feed_xml.c,
 * jsonfeed.c).  Not for use outside parsers/.
 */
#ifndef FEEDD_FEED_INT_H
#define FEEDD_FEED_INT_H

#include <stddef.h>

#include "feed.h"

/*
 * The longest value of one field (a summary, a content, a title) a
 * document may carry: past it the document is refused.  Each field is
 * copied a few times on its way (text, sanitizer input and output), so
 * this, not the document's size, sets the memory a parse needs.
 */
#define FEED_MAX_FIELD	(4u * 1024 * 1024)

/* Tags and attributes of irregular HTML (html_budget) one document may
 * hold. */
#define FEED_HTML_TAGS	500000

/* Categories and enclosures kept per entry; more are dropped. */
#define FEED_MAX_LIST	1024

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

/* Makes s valid UTF-8 in place: invalid bytes are dropped (in place, so
 * nothing grows), and so are C0 controls but tab, LF and CR.  NULL-safe. */
void	feed_fix_utf8(char *s);

/* doc[0..len) read as windows-1252 (ISO-8859-2 when it holds a byte
 * windows-1252 leaves undefined), as UTF-8: a new string (caller frees),
 * its length in *outlen.  The last resort for undeclared legacy text,
 * shared by the feed parser and the article extractor. */
char	*feed_legacy_to_utf8(const char *doc, size_t len, size_t *outlen);

/* Trims and collapses runs of whitespace in place; frees and returns NULL
 * when nothing is left. */
char	*feed_collapse(char *s);

/* The format parsers.  Same contract as feed_parse. */
int	feed_xml_parse(struct feed_run *run, const char *doc, size_t len,
	    char **errstr);
int	feed_json_parse(struct feed_run *run, const char *doc, size_t len,
	    char **errstr);
void	feed_xml_init(void);

#endif
