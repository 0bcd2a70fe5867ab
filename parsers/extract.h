/*
 * extract.h: the article in a web page, for feeds that only carry a
 * teaser.
 *
 * A pure function: the page's bytes, the charset the HTTP header named
 * and the page's URL in; title, byline, date, language, lead image, the
 * article body as sanitized HTML and as plain text out.  No I/O, no
 * global state but libxml2's, so the daemon can run it on a page it
 * fetched and `feedd extract` on a file.  Time and memory are bounded for
 * any input: the size is capped, so are the element count and depth, and
 * every pass over the tree is linear.
 */
#ifndef FEEDD_EXTRACT_H
#define FEEDD_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

/* Default cap on a page's size, in bytes. */
#define EXTRACT_MAX_SIZE	(16u * 1024 * 1024)

struct extract_opts {
	const char	*url;		/* the page's URL (base), or NULL */
	const char	*charset;	/* charset from HTTP Content-Type, or NULL */
	size_t		 max_size;	/* 0: EXTRACT_MAX_SIZE */
};

/*
 * Strings are NUL-terminated valid UTF-8, or NULL when absent.  content
 * is NULL when the page holds no article; reason then says why (a home
 * page, a login wall, an error page, too little text).
 */
struct extract_result {
	char		*title;		/* plain text */
	char		*byline;	/* plain text: the author(s) */
	int64_t		 published;	/* seconds since the epoch, or
					   EXTRACT_NO_DATE */
	char		*lang;		/* BCP 47 tag as the page gives it */
	char		*image;		/* lead image, absolute URL */
	char		*site_name;	/* plain text */
	char		*content;	/* sanitized HTML, URLs absolute */
	char		*text;		/* plain text, one paragraph a line */
	char		*reason;	/* why content is NULL */
};

#define EXTRACT_NO_DATE	INT64_MIN

/*
 * Extracts the article of the page doc[0..len).  Returns 0 and fills *r
 * (release with extract_result_reset) whether or not an article was
 * found, or -1 with a one-line reason in *errstr (caller frees) when the
 * input is not an HTML page at all (empty, binary, a feed, plain text,
 * larger than the cap).  Call feed_init() (or xmlInitParser()) once
 * before, from the main thread.
 */
int	extract_page(const char *doc, size_t len,
	    const struct extract_opts *opts, struct extract_result *r,
	    char **errstr);

/*
 * Reads up to len bytes of the page into buf: returns how many, 0 at the
 * end, or -1 on a read error (errno set).
 */
typedef long (*extract_read_fn)(void *arg, char *buf, size_t len);

/*
 * extract_page on a page read through rd (arg is rd's): the same result,
 * but the page is read and parsed in slices, never held whole, so memory
 * stays bounded whatever its size.  A page past the cap fails (-1) as in
 * extract_page; so does a read error.
 */
int	extract_page_read(extract_read_fn rd, void *arg,
	    const struct extract_opts *opts, struct extract_result *r,
	    char **errstr);

void	extract_result_reset(struct extract_result *r);

#endif
