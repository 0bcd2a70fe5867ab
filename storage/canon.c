/*
 * canon.c: the canonical form of a link, the plain text of an HTML
 * fragment for the search index, and the hashes the store keeps (FNV-1a
 * for keys and links, a word-at-a-time hash for content).
 *
 * Two links are taken to name the same article when their canonical forms
 * are equal.  The rules only undo differences that never change which
 * document a server returns: the case of scheme and host (RFC 3986
 * section 6.2.2.1), a default port (6.2.3), the fragment (never sent to
 * the server), and tracking parameters added by mailing and social tools.
 * Everything else is kept byte for byte: path case, percent-encoding,
 * parameter order and "www." can all matter to some server, and a false
 * match would merge two different articles, which is worse than a
 * missed one.
 *
 * The text of HTML is only what the search index needs: words in their
 * order.  The input is the parser's sanitized HTML, so tags are simple;
 * each becomes a space, so that words either side stay apart.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "parsers/util.h"

uint64_t
fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * Eight bytes at a time (little-endian words, so the same on every
 * machine), each multiplied in and folded: FNV-1a's byte at a time over
 * every field of every entry was a tenth of the ingest time.  For change
 * detection, not for an adversary.
 */
#define WORD_MUL	0x9e3779b97f4a7c15ULL

uint64_t
store_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t w;
	size_t i;

	h = (h ^ (uint64_t)n) * WORD_MUL;
	for (; n >= 8; c += 8, n -= 8) {
		w = (uint64_t)c[0] | (uint64_t)c[1] << 8 |
		    (uint64_t)c[2] << 16 | (uint64_t)c[3] << 24 |
		    (uint64_t)c[4] << 32 | (uint64_t)c[5] << 40 |
		    (uint64_t)c[6] << 48 | (uint64_t)c[7] << 56;
		h = (h ^ w) * WORD_MUL;
		h ^= h >> 29;
	}
	w = 0;
	for (i = 0; i < n; i++)
		w |= (uint64_t)c[i] << (8 * i);
	h = (h ^ w) * WORD_MUL;
	return h ^ (h >> 29);
}

uint64_t
store_key_hash(const char *key, size_t len)
{
	uint64_t h;

	h = fnv64(FNV64_INIT, key, len);
	return h != 0 ? h : 1;
}

int64_t
store_canon_hash(const char *canon)
{
	const char *p = canon;
	uint64_t host, all;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "https://", 8) == 0)
		p += 8;
	host = fnv64(FNV64_INIT, p, strcspn(p, "/?#"));
	all = fnv64(FNV64_INIT, p, strlen(p));
	return (int64_t)((host & 0xffffff0000000000ULL) |
	    (all & 0x000000ffffffffffULL));
}

/* Query parameters that only say where a reader came from. */
static const char *const tracking_exact[] = {
	"dclid", "fbclid", "gclid", "gclsrc", "igshid", "mc_cid", "mc_eid",
	"msclkid", "_hsenc", "_hsmi", "yclid",
	/* The BBC's feeds tag every link with these. */
	"at_medium", "at_campaign", "at_link_origin", "at_ptr_name"
};

static int
is_tracking_param(const char *name, size_t len)
{
	size_t i;

	if (len > 4 && strncasecmp(name, "utm_", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(tracking_exact) / sizeof(tracking_exact[0]);
	    i++) {
		if (strlen(tracking_exact[i]) == len &&
		    strncasecmp(name, tracking_exact[i], len) == 0)
			return 1;
	}
	return 0;
}

/* Length of the scheme at s (RFC 3986 section 3.1) if followed by ':',
 * else 0. */
static size_t
scheme_len(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] == ':')
			return i;
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	}
	return 0;
}

static void
add_lower(struct buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addch(b, (char)tolower((unsigned char)p[i]));
}

/* Appends the authority p[0..n): userinfo as is, host lower-cased, the
 * port unless it is empty or the scheme's default. */
static void
add_authority(struct buf *b, const char *scheme, const char *p, size_t n)
{
	const char *at, *host, *port, *end = p + n;
	size_t i;

	at = NULL;
	for (i = 0; i < n; i++)
		if (p[i] == '@')
			at = p + i;
	host = at != NULL ? at + 1 : p;
	if (at != NULL)
		buf_add(b, p, (size_t)(host - p));
	/* The port follows the last ':' outside an IPv6 literal. */
	port = NULL;
	for (i = (size_t)(end - host); i > 0; i--) {
		if (host[i - 1] == ']')
			break;
		if (host[i - 1] == ':') {
			port = host + i - 1;
			break;
		}
	}
	add_lower(b, host, (size_t)((port != NULL ? port : end) - host));
	if (port == NULL || port + 1 == end)
		return;
	if ((strcmp(scheme, "http") == 0 && (size_t)(end - port) == 3 &&
	    memcmp(port, ":80", 3) == 0) ||
	    (strcmp(scheme, "https") == 0 && (size_t)(end - port) == 4 &&
	    memcmp(port, ":443", 4) == 0))
		return;
	buf_add(b, port, (size_t)(end - port));
}

/* Appends the query q[0..n) (without its '?') minus tracking parameters;
 * drops the '?' when nothing is left. */
static void
add_query(struct buf *b, const char *q, size_t n)
{
	const char *p = q, *end = q + n, *amp;
	size_t plen, nlen;
	int first = 1;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		plen = (size_t)((amp != NULL ? amp : end) - p);
		nlen = strcspn(p, "=&");
		if (nlen > plen)
			nlen = plen;
		if (plen > 0 && !is_tracking_param(p, nlen)) {
			buf_addch(b, first ? '?' : '&');
			buf_add(b, p, plen);
			first = 0;
		}
		p += plen + 1;
	}
}

char *
store_canon_link(const char *url)
{
	struct buf b;
	const char *s, *e, *p, *auth, *path, *query;
	size_t n, slen;
	char scheme[16];

	if (url == NULL)
		return NULL;
	for (s = url; isspace((unsigned char)*s); s++)
		;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	/* The fragment is never sent to the server. */
	p = memchr(s, '#', (size_t)(e - s));
	if (p != NULL)
		e = p;
	n = (size_t)(e - s);
	if (n == 0)
		return NULL;

	buf_init(&b, 0);
	slen = scheme_len(s, n);
	if (slen == 0 || slen >= sizeof(scheme)) {
		buf_add(&b, s, n);
		return buf_steal(&b);
	}
	add_lower(&b, s, slen + 1);
	memcpy(scheme, b.data, slen);
	scheme[slen] = '\0';
	p = s + slen + 1;

	path = p;
	if (e - p >= 2 && p[0] == '/' && p[1] == '/') {
		auth = p + 2;
		path = auth + strcspn(auth, "/?");
		if (path > e)
			path = e;
		buf_addstr(&b, "//");
		add_authority(&b, scheme, auth, (size_t)(path - auth));
		if (path == e || *path == '?')
			buf_addch(&b, '/');
	}
	query = memchr(path, '?', (size_t)(e - path));
	buf_add(&b, path, (size_t)((query != NULL ? query : e) - path));
	if (query != NULL)
		add_query(&b, query + 1, (size_t)(e - query - 1));
	return buf_steal(&b);
}

/* Appends code point cp as UTF-8; 0 if it is not a valid scalar value. */
static int
add_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(b, u, n);
	return 1;
}

static const struct {
	const char	*name;
	const char	*text;
} entities[] = {
	{ "amp", "&" }, { "apos", "'" }, { "gt", ">" }, { "lt", "<" },
	{ "nbsp", " " }, { "quot", "\"" }
};

/* Decodes the character reference at p (at its '&') into b; returns the
 * bytes it took, or 0 if it is not one we know. */
static size_t
add_entity(struct buf *b, const char *p)
{
	const char *semi;
	unsigned long cp;
	char *end;
	size_t i, n;

	semi = strchr(p, ';');
	if (semi == NULL || semi - p > 12)
		return 0;
	n = (size_t)(semi - p - 1);
	if (p[1] == '#') {
		if (p[2] == 'x' || p[2] == 'X')
			cp = strtoul(p + 3, &end, 16);
		else
			cp = strtoul(p + 2, &end, 10);
		if (end != semi || !isxdigit((unsigned char)end[-1]) ||
		    !add_utf8(b, cp))
			return 0;
		return (size_t)(semi - p) + 1;
	}
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
		if (strlen(entities[i].name) == n &&
		    memcmp(p + 1, entities[i].name, n) == 0) {
			buf_addstr(b, entities[i].text);
			return n + 2;
		}
	}
	return 0;
}

char *
store_html_text(const char *html)
{
	struct buf b;
	const char *p, *gt;
	size_t n;

	if (html == NULL)
		return NULL;
	buf_init(&b, 0);
	for (p = html; *p != '\0'; ) {
		if (*p == '<') {
			gt = strchr(p, '>');
			if (gt == NULL)
				break;
			buf_addch(&b, ' ');
			p = gt + 1;
		} else if (*p == '&') {
			n = add_entity(&b, p);
			if (n == 0) {
				buf_addch(&b, '&');
				n = 1;
			}
			p += n;
		} else {
			/* Plain text up to the next tag or reference, at
			 * once: this runs for every entry indexed. */
			n = strcspn(p, "<&");
			buf_add(&b, p, n);
			p += n;
		}
	}
	return buf_steal(&b);
}
