/*
 * opml.h: subscription lists in OPML (http://opml.org/spec2.opml), the
 * format every feed reader imports and exports.
 *
 * Reading: every <outline> with an xmlUrl attribute is a feed.  Its tags
 * are the comma-separated "category" attribute (leading '/' dropped, as
 * OPML 2.0 writes categories as paths) plus the titles of the outlines it
 * is nested in.  Names are derived from the title (else the URL) as
 * lower-case letters, digits and '-', made unique with -2, -3...; the same
 * file always gives the same names.  Parsing never touches the network
 * and never loads a DTD or expands external entities.
 *
 * Writing: OPML 2.0 with one flat outline per feed; tags go to the
 * "category" attribute, so reading the output back gives the same feeds
 * with the same names, URLs, titles and tags.
 */
#ifndef FEEDD_OPML_H
#define FEEDD_OPML_H

#include <stddef.h>

struct buf;
struct conf;
struct conf_feed;

/*
 * Reads the OPML file at path and appends its feeds to *feeds and *nfeeds
 * (an array of struct conf_feed as conf.h defines it; new entries have
 * line 0, interval 0 and the CONF_INHERIT tri-states).  Feeds whose URL
 * (or name) is already in the array are skipped, so a [feed] section
 * read earlier wins.  Each problem is appended to errors as one line
 * "PATH:LINE: message" (separated from earlier text by '\n').  Returns 0,
 * or -1 if there were errors (feeds found before the error stay appended;
 * callers that got -1 should discard the whole result).
 */
int	opml_read_feeds(const char *path, struct conf_feed **feeds,
	    size_t *nfeeds, struct buf *errors);

/* The same from a document in memory; name is used in messages. */
int	opml_read_mem(const char *name, const char *data, size_t len,
	    struct conf_feed **feeds, size_t *nfeeds, struct buf *errors);

/* Frees an array filled by opml_read_feeds or opml_read_mem. */
void	opml_feeds_free(struct conf_feed *feeds, size_t nfeeds);

/* Appends the subscriptions of conf to out as an OPML 2.0 document. */
void	opml_write(const struct conf *conf, struct buf *out);

/* Appends feeds as [feed NAME] sections for feedd.conf (import-opml). */
void	opml_write_conf(const struct conf_feed *feeds, size_t nfeeds,
	    struct buf *out);

#endif
