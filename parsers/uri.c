/*
 * uri.c: resolving relative references and judging URL schemes.
 *
 * uri_resolve implements RFC 3986 section 5.2 directly (split with the
 * grammar of appendix B, merge, remove_dot_segments) rather than calling
 * libxml2's xmlBuildURI, which gives up (NULL) on spaces, brackets and
 * other characters that real feeds put in their links: we resolve them
 * as written and leave escaping to whoever serves them.  Before
 * resolving, surrounding whitespace is trimmed and the extra slashes of
 * "http:///example.com/" are dropped, as feedparser does.  A base
 * without a scheme cannot anchor anything: the reference is returned.
 *
 * uri_is_unsafe follows feedparser's sanitizer, which keeps a URL only if
 * it is relative or its scheme is on an allow-list (http, https, ftp,
 * mailto, ...).  So javascript:, vbscript:, livescript: and data: (all
 * data:, images included: feedparser allows none) are unsafe, and so is
 * any scheme nobody vetted.  The scheme is read as a browser reads it:
 * leading whitespace and control characters are skipped, tabs and
 * newlines inside are ignored, case does not matter.
 *
 * uri_is_web is stricter, for the links feedd republishes outside HTML
 * fragments (entry, enclosure, source and feed links): http and https
 * only, the schemes a feed reader follows.
 *
 * uri_origin and uri_host read an absolute URL with the same split, for
 * the daemon's per-host bookkeeping and robots.txt.  They validate
 * nothing (a port that is not a number, a host with spaces): libcurl
 * refuses such URLs when they are fetched, so no request is counted
 * against the name found.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "uri.h"
#include "base/util.h"

/* feedparser's ACCEPTABLE_URI_SCHEMES, sorted for bsearch. */
static const char *const safe_schemes[] = {
	"aim", "callto", "cvs", "facetime", "feed", "file", "ftp", "git",
	"gopher", "gtalk", "h323", "hdl", "http", "https", "imap", "irc",
	"irc6", "ircs", "itms", "magnet", "mailto", "mms", "msnim", "news",
	"nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip",
	"sips", "skype", "smb", "snews", "ssh", "svn", "svn+ssh", "telnet",
	"wais", "ymsg",
};

/* A reference split per RFC 3986 appendix B; NULL means undefined. */
struct parts {
	const char	*scheme, *auth, *path, *query, *frag;
	size_t		 lscheme, lauth, lpath, lquery, lfrag;
};

static int
is_scheme_char(int c, int first)
{
	if (isalpha(c))
		return 1;
	return !first && (isdigit(c) || c == '+' || c == '-' || c == '.');
}

static void
split(const char *s, struct parts *p)
{
	const char *q;
	size_t n;

	memset(p, 0, sizeof(*p));
	/* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	for (n = 0; is_scheme_char((unsigned char)s[n], n == 0); n++)
		;
	if (n > 0 && s[n] == ':') {
		p->scheme = s;
		p->lscheme = n;
		s += n + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		s += 2;
		n = strcspn(s, "/?#");
		p->auth = s;
		p->lauth = n;
		s += n;
	}
	n = strcspn(s, "?#");
	p->path = s;
	p->lpath = n;
	s += n;
	if (*s == '?') {
		s++;
		n = strcspn(s, "#");
		p->query = s;
		p->lquery = n;
		s += n;
	}
	if (*s == '#') {
		q = s + 1;
		p->frag = q;
		p->lfrag = strlen(q);
	}
}

/*
 * RFC 3986 section 5.2.4, on in[0..n) into out (which has n + 1 bytes).
 * Works on whole segments: "." and ".." are dropped or pop the output.
 */
static size_t
remove_dots(const char *in, size_t n, char *out)
{
	size_t o = 0, i = 0;

	while (i < n) {
		const char *s = in + i;
		size_t rest = n - i;

		if (rest >= 3 && strncmp(s, "../", 3) == 0)
			i += 3;
		else if (rest >= 2 && strncmp(s, "./", 2) == 0)
			i += 2;
		else if (rest >= 3 && strncmp(s, "/./", 3) == 0)
			i += 2;
		else if (rest == 2 && strncmp(s, "/.", 2) == 0) {
			out[o++] = '/';
			i += 2;
		} else if ((rest >= 4 && strncmp(s, "/../", 4) == 0) ||
		    (rest == 3 && strncmp(s, "/..", 3) == 0)) {
			/* Pop the last output segment and its '/'. */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (rest == 3) {
				out[o++] = '/';
				i += 3;
			} else
				i += 3;
		} else if ((rest == 1 && s[0] == '.') ||
		    (rest == 2 && strncmp(s, "..", 2) == 0))
			i += rest;
		else {
			/* Move the first segment, with its leading '/'. */
			if (s[0] == '/')
				out[o++] = in[i++];
			while (i < n && in[i] != '/')
				out[o++] = in[i++];
		}
	}
	out[o] = '\0';
	return o;
}

static void
add_dots_removed(struct buf *b, const char *path, size_t n)
{
	char *tmp = xmalloc(n + 1);
	size_t l = remove_dots(path, n, tmp);

	buf_add(b, tmp, l);
	free(tmp);
}

/* "http:///x" -> "http://x": feedparser's _urifixer, for broken feeds. */
static char *
fix_slashes(const char *s, size_t n)
{
	struct parts p;
	char *c = xstrndup(s, n);
	size_t i;

	split(c, &p);
	if (p.scheme != NULL && p.auth != NULL && p.lauth == 0) {
		i = p.lscheme + 3;
		while (c[i] == '/')
			i++;
		memmove(c + p.lscheme + 3, c + i, strlen(c + i) + 1);
	}
	return c;
}

/* "?query" of p, if p has one. */
static void
add_query(struct buf *b, const struct parts *p)
{
	if (p->query != NULL) {
		buf_addch(b, '?');
		buf_add(b, p->query, p->lquery);
	}
}

/* "//authority" (if any), the path without dot segments and "?query"
 * (if any) of p: all of a reference that section 5.2.2 takes whole. */
static void
add_auth_path_query(struct buf *b, const struct parts *p)
{
	if (p->auth != NULL) {
		buf_addstr(b, "//");
		buf_add(b, p->auth, p->lauth);
	}
	add_dots_removed(b, p->path, p->lpath);
	add_query(b, p);
}

/* Section 5.2.3: r's relative path merged with base b's, without dot
 * segments. */
static void
add_merged(struct buf *out, const struct parts *b, const struct parts *r)
{
	struct buf m;
	size_t keep = 0, i;

	/* Part of b and r. */
	buf_init(&m, BUF_UNCAPPED);
	if (b->auth != NULL && b->lpath == 0)
		buf_addch(&m, '/');
	else {
		for (i = 0; i < b->lpath; i++)
			if (b->path[i] == '/')
				keep = i + 1;
		buf_add(&m, b->path, keep);
	}
	buf_add(&m, r->path, r->lpath);
	add_dots_removed(out, m.data, m.len);
	buf_reset(&m);
}

static char *
trimmed(const char *s)
{
	size_t i, n;

	n = str_trim_span(s, strlen(s), WS_SPACE, &i);
	return fix_slashes(s + i, n);
}

char *
uri_resolve(const char *base, const char *ref)
{
	struct parts b, r;
	struct buf out;
	char *bs, *rs;

	if (ref == NULL)
		return NULL;
	rs = trimmed(ref);
	if (base == NULL)
		return rs;
	bs = trimmed(base);
	split(bs, &b);
	split(rs, &r);
	if (b.scheme == NULL) {
		free(bs);
		return rs;
	}

	/* RFC 3986 section 5.2.2, strict: a scheme makes it absolute.
	 * The result is at most base and ref together. */
	buf_init(&out, BUF_UNCAPPED);
	if (r.scheme != NULL)
		buf_add(&out, r.scheme, r.lscheme + 1);
	else
		buf_add(&out, b.scheme, b.lscheme + 1);
	if (r.scheme != NULL || r.auth != NULL)
		add_auth_path_query(&out, &r);
	else {
		if (b.auth != NULL) {
			buf_addstr(&out, "//");
			buf_add(&out, b.auth, b.lauth);
		}
		if (r.lpath == 0) {
			buf_add(&out, b.path, b.lpath);
			add_query(&out, r.query != NULL ? &r : &b);
		} else {
			if (r.path[0] == '/')
				add_dots_removed(&out, r.path, r.lpath);
			else
				add_merged(&out, &b, &r);
			add_query(&out, &r);
		}
	}
	if (r.frag != NULL) {
		buf_addch(&out, '#');
		buf_add(&out, r.frag, r.lfrag);
	}
	free(bs);
	free(rs);
	return buf_steal(&out);
}

static int
scheme_cmp(const void *a, const void *b)
{
	return strcmp(a, *(const char *const *)b);
}

/*
 * Reads url's scheme as a browser does (see the note atop) into
 * scheme[size], lower case.  Returns 1 with the scheme, 0 for a relative
 * reference (no scheme), -1 for a scheme too long for any vetted one.
 */
static int
browser_scheme(const char *url, char *scheme, size_t size)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)url;

	/* Browsers skip leading C0 controls and spaces. */
	while (*p != '\0' && (*p <= 0x20 || *p == 0x7f))
		p++;
	for (; *p != '\0' && *p != ':'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			continue;	/* dropped inside, as browsers do */
		if (!is_scheme_char(*p, n == 0))
			return 0;	/* no scheme: a relative reference */
		if (n + 1 >= size)
			return -1;
		scheme[n++] = (char)tolower(*p);
	}
	if (*p != ':' || n == 0)
		return 0;
	scheme[n] = '\0';
	return 1;
}

int
uri_is_unsafe(const char *url)
{
	char scheme[16];
	int rc;

	if (url == NULL)
		return 0;
	rc = browser_scheme(url, scheme, sizeof(scheme));
	if (rc <= 0)
		return rc < 0;	/* no vetted scheme is this long */
	return bsearch(scheme, safe_schemes,
	    NELEM(safe_schemes),
	    sizeof(safe_schemes[0]), scheme_cmp) == NULL;
}

int
uri_is_web(const char *url, int mailto)
{
	char scheme[16];
	int rc;

	if (url == NULL)
		return 0;
	rc = browser_scheme(url, scheme, sizeof(scheme));
	if (rc == 0)
		return 1;
	if (rc < 0)
		return 0;
	return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
	    (mailto && strcmp(scheme, "mailto") == 0);
}

int
uri_origin(const char *url, struct uri_origin *o)
{
	struct parts p;
	const char *h, *end;
	size_t i;

	memset(o, 0, sizeof(*o));
	split(url, &p);
	if (p.scheme == NULL || p.auth == NULL)
		return -1;
	o->len = (size_t)(p.auth - url) + p.lauth;
	/* RFC 3986 section 3.2: [ userinfo "@" ] host [ ":" port ]; the
	 * userinfo ends at the last "@", as browsers read it. */
	h = p.auth;
	end = p.auth + p.lauth;
	for (i = 0; i < p.lauth; i++)
		if (p.auth[i] == '@')
			h = p.auth + i + 1;
	o->host = (size_t)(h - url);
	if (*h == '[') {
		for (i = 0; h + i < end && h[i] != ']'; i++)
			;
		o->hostlen = h + i < end ? i + 1 : i;
	} else
		for (o->hostlen = 0; h + o->hostlen < end &&
		    h[o->hostlen] != ':'; o->hostlen++)
			;
	o->target = (size_t)(p.path - url);
	o->targetlen = p.lpath + (p.query != NULL ? p.lquery + 1 : 0);
	return 0;
}

char *
uri_host(const char *url)
{
	struct uri_origin o;
	char *c, *host;
	size_t i;

	c = fix_slashes(url, strlen(url));
	uri_origin(c, &o);
	host = xstrndup(c + o.host, o.hostlen);
	for (i = 0; host[i] != '\0'; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	free(c);
	return host;
}

void
uri_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			buf_addch(b, (char)*p);
		else {
			buf_addch(b, '%');
			buf_addch(b, hex[*p >> 4]);
			buf_addch(b, hex[*p & 15]);
		}
	}
}
