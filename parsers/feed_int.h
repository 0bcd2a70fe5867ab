/*
 * feed_int.h: what feed.c shares with the format parsers (feed_xml.c,
 * jsonfeed.c): their entry points and the bounds every parse applies.
 * Includes entry.h, the model's helpers they all use.  Not for use
 * outside parsers/.
 */
#ifndef FEEDD_FEED_INT_H
#define FEEDD_FEED_INT_H

#include <stddef.h>

#include "entry.h"
#include "feed.h"
#include "base/util.h"

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

/* doc[0..len) read as windows-1252 (ISO-8859-2 when it holds a byte
 * windows-1252 leaves undefined), as UTF-8: a new string (caller frees),
 * its length in *outlen.  The last resort for undeclared legacy text,
 * shared by the feed parser and the article extractor. */
char	*feed_legacy_to_utf8(const char *doc, size_t len, size_t *outlen);

/* The format parsers.  Same contract as feed_parse. */
int	feed_xml_parse(struct feed_run *run, const char *doc, size_t len,
	    char **errstr);
int	feed_json_parse(struct feed_run *run, const char *doc, size_t len,
	    char **errstr);
void	feed_xml_init(void);

#endif
