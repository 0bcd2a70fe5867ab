/*
 * feed.h: the normalized feed model, and the one entry point that turns a
 * fetched document into it.
 *
 * Every format (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) is parsed into
 * the same two structs: struct feed_info for the channel and one struct
 * entry per item.  The daemon stores exactly this model and `feedd parse`
 * prints exactly this model (tests/conformance/CONTRACT.md), so there is
 * one parser for both.
 *
 * Entries are streamed: feed_parse() calls sink->entry once per entry, in
 * document order, as each one completes, so memory stays bounded by one
 * entry rather than by the document.  The entry is borrowed: it is valid
 * only during the call.  feed_info is complete only when feed_parse()
 * returns, because RSS may put channel elements after the items.
 *
 * Strings are NUL-terminated valid UTF-8, or NULL when absent (an empty
 * value is reported as NULL).  Text fields (title, author, categories) are
 * plain text; summary and content are sanitized HTML fragments with URLs
 * made absolute where a base is known.
 */
#ifndef FEEDD_FEED_H
#define FEEDD_FEED_H

#include <stddef.h>

#include "model.h"

/* Default cap on a document's size, in bytes. */
#define FEED_MAX_SIZE	(16u * 1024 * 1024)

/* Call once at start-up (before any parse, from the main thread) and
 * feed_cleanup() once at exit. */
void	feed_init(void);
void	feed_cleanup(void);

/*
 * Parses the document doc[0..len).  Returns 0 and fills *info (which the
 * caller releases with feed_info_reset), or -1 with a one-line reason in
 * *errstr (caller frees) when the document cannot be read as a feed at all.
 * A document that needed recovery still returns 0, with FEED_RECOVERED set.
 */
int	feed_parse(const char *doc, size_t len,
	    const struct feed_parse_opts *opts, const struct feed_sink *sink,
	    struct feed_info *info, char **errstr);

/*
 * Checks the start tags of an XML document (ASCII-compatible encoding)
 * against the bounds feed_parse applies: at most 128 attributes and
 * 1 MiB each, since libxml2 2.9 checks an element's attributes pairwise.
 * For other readers of XML (OPML).  Returns 0, or -1 with a reason
 * (a static string) in *why.
 */
int	feed_xml_tags_bounded(const char *doc, size_t len, const char **why);


#endif
