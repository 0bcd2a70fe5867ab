/*
 * uri.h: resolving relative references (RFC 3986 section 5), telling
 * safe URL schemes from unsafe ones, and finding the server and the
 * request in an absolute URL.
 */
#ifndef FEEDD_URI_H
#define FEEDD_URI_H

#include <stddef.h>

struct buf;

/*
 * Resolves ref against base (either may be NULL).  Returns a new string
 * (caller frees): the absolute URL, or a copy of ref when it cannot be
 * resolved (no base, or a base that is not absolute), or NULL if ref is
 * NULL.
 */
char	*uri_resolve(const char *base, const char *ref);

/* 1 if url has a scheme that is unsafe in served HTML, else 0.  Like
 * feedparser, only an allow-list of schemes (http, https, ftp, mailto, ...)
 * is safe: javascript:, vbscript: and every data: URL, images included, are
 * unsafe.  Case, whitespace and control characters inside the scheme are
 * ignored, as browsers do. */
int	 uri_is_unsafe(const char *url);

/* 1 if url may stand as a link that feedd republishes (an entry's,
 * enclosure's, source's or feed's): a relative reference, or http or
 * https (or, if mailto is set, mailto), its scheme read as
 * uri_is_unsafe reads it.  0 for every other scheme (javascript:,
 * data:, file:, ...) and for NULL. */
int	 uri_is_web(const char *url, int mailto);

/*
 * Where the parts a client needs stand in an absolute URL, as offsets
 * into it (the URL split as RFC 3986 appendix B does):
 */
struct uri_origin {
	size_t	len;		/* url[0..len): "scheme://authority" */
	size_t	host, hostlen;	/* the authority's host: no userinfo, no
				 * port; an IPv6 literal keeps its [] */
	size_t	target, targetlen; /* the path and query a request names
				 * (no fragment; may be empty) */
};

/* Finds them in url.  Returns 0, or -1 (o zeroed) if url has no scheme
 * or no authority. */
int	 uri_origin(const char *url, struct uri_origin *o);

/* url's host in lower case, "" if it has none (extra slashes after the
 * scheme skipped, as uri_resolve does and libcurl does in the http and
 * https URLs feedd fetches): the name that politeness, Retry-After holds
 * and robots.txt count per.  Caller frees. */
char	*uri_host(const char *url);

/* Appends s to b percent-encoded for a query or path component: RFC
 * 3986's unreserved characters kept, every other byte %XX. */
void	 uri_escape(struct buf *b, const char *s);

#endif
