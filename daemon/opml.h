/*
 * opml.h: subscription lists in OPML (http://opml.org/spec2.opml), the
 * format every feed reader imports and exports.
 *
 * This module knows OPML and nothing of feedd.conf: it reads a document
 * into a list of struct opml_feed and writes such a list back.  conf.h
 * turns the list into [feed] sections and a config into a list.
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

#include "base/util.h"

struct errlist;

struct opml_feed {
	char		*name;		/* unique in its list, feedname_valid */
	char		*url;		/* feedname_url_ok */
	char		*title;		/* or NULL */
	char		*html_url;	/* the site's page (htmlUrl), or NULL */
	char		**tags;
	size_t		 ntags;
};

/*
 * The feeds read so far, and the names and URLs they and the reserved
 * ones take.  Zero-initialise; opml_list_reset frees the feeds and their
 * strings (a caller that takes a string over sets the field to NULL).
 */
struct opml_list {
	struct opml_feed *feeds;
	size_t		 nfeeds;
	struct strmap	 names;
	struct strmap	 urls;
};

void	opml_list_reset(struct opml_list *list);

/*
 * Takes name (and url, unless NULL) for a feed defined elsewhere, such
 * as a [feed] section read before the file: no feed read later gets that
 * name, and an outline with that URL is skipped, so the earlier
 * definition wins.  Both strings are borrowed: they must outlive list.
 */
void	opml_list_reserve(struct opml_list *list, const char *name,
	    const char *url);

/* The largest OPML document read, in bytes: ample. */
#define OPML_MAX_SIZE	(16u << 20)

/*
 * Reads the OPML file at path and appends its feeds to list.  Each
 * problem is added to errors as "PATH:LINE: message".  Returns 0, or -1
 * if there were errors (feeds found before the error stay appended;
 * callers that got -1 should discard the whole result).
 */
int	opml_read_file(const char *path, struct opml_list *list,
	    struct errlist *errors);

/* The same from a document in memory; name is used in messages. */
int	opml_read_mem(const char *name, const char *data, size_t len,
	    struct opml_list *list, struct errlist *errors);

/* Appends feeds to out as an OPML 2.0 document. */
void	opml_write(const struct opml_feed *feeds, size_t nfeeds,
	    struct buf *out);

#endif
