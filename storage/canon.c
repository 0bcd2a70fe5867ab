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
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "canon.h"
#include "base/util.h"

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
	for (i = 0; i < NELEM(tracking_exact);
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
	size_t i, n, slen;
	char scheme[16];

	if (url == NULL)
		return NULL;
	n = str_trim_span(url, strlen(url), WS_SPACE, &i);
	s = url + i;
	e = s + n;
	/* The fragment is never sent to the server. */
	p = memchr(s, '#', (size_t)(e - s));
	if (p != NULL)
		e = p;
	n = (size_t)(e - s);
	if (n == 0)
		return NULL;

	/* At most url's length (an entry's, or a configured one). */
	buf_init(&b, BUF_UNCAPPED);
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
	n = utf8_encode(cp, u);
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
	for (i = 0; i < NELEM(entities); i++) {
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
	/* At most html's length (an entry's content). */
	buf_init(&b, BUF_UNCAPPED);
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

/*
 * The search index's form of text.  FTS5's unicode61 tokenizer splits
 * words at spaces and punctuation, folds case and (remove_diacritics 2)
 * Latin accents, so "Kyiv" finds "Kyïv".  What it does not do is done
 * here, on the text before it and on a reader's words alike:
 *
 * Chinese and Japanese are written without spaces, so a run of their
 * characters would be one token and a word inside it could not be
 * found.  Each run (Han, kana, and Hangul, whose space-separated words
 * carry particles) becomes its overlapping pairs of characters, the
 * usual way of indexing these scripts without a dictionary, and each
 * character alone, for one-character words (common in Japanese): "中国
 * 人民" is indexed as 中 中国 国 国人 人 人民 民.  A reader's word becomes
 * its pairs, all required ("习近平": 习近 and 近平), or the character
 * when it is one.  (A prefix query on the pairs instead of the single
 * characters cost 22 ms of CPU at a million entries.)
 *
 * Letters that readers type in another form: Greek tonos, dialytika and
 * final sigma (capitals carry no accents, so "ΑΘΗΝΑ" finds "Αθήνα");
 * Russian ё as е; ß as ss, dotless ı as i, œ and æ as oe and ae; full-
 * width Latin as ASCII; Arabic and Persian harakat and tatweel dropped,
 * alef forms as alef, Arabic and Persian yeh and kaf as one, teh
 * marbuta as heh; Hebrew points dropped.  Deterministic, like
 * store_html_text: the contentless index removes a row by recomputing
 * its tokens, so changing this needs a schema step that rebuilds it.
 */

/* The code point of the UTF-8 sequence at s (of at most n bytes), its
 * length in *len; an invalid byte is returned as itself, length 1. */
static uint32_t
utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c = s[0];
	size_t i, want;

	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf)
		want = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		want = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		want = 4, c &= 0x07;
	else
		return c | 0x80000000u;
	if (n < want)
		return s[0] | 0x80000000u;
	for (i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return s[0] | 0x80000000u;
		c = c << 6 | (s[i] & 0x3f);
	}
	*len = want;
	return c;
}

static void
buf_addcp(struct buf *b, uint32_t c)
{
	char u[4];

	if (c & 0x80000000u) {		/* an invalid byte, as it was */
		u[0] = (char)(c & 0xff);
		buf_add(b, u, 1);
	} else
		buf_add(b, u, utf8_encode(c, u));
}

/* Whether c belongs to a script written without spaces between words
 * (or, for Hangul, with particles attached): paired when indexed. */
static int
fts_cjk(uint32_t c)
{
	return (c >= 0x3041 && c <= 0x30ff && c != 0x30a0 && c != 0x30fb) ||
	    (c >= 0x31f0 && c <= 0x31ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff66 && c <= 0xff9f) ||
	    (c >= 0x20000 && c <= 0x2fa1f);
}

/* Greek U+0386..U+03CE without tonos or dialytika (0: unchanged). */
static const uint16_t greek_base[] = {
	0x0391, 0, 0x0395, 0x0397, 0x0399, 0, 0x039f, 0, 0x03a5, 0x03a9,
	0x03b9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0x0399, 0x03a5, 0x03b1, 0x03b5, 0x03b7, 0x03b9,
	0x03c5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03c3,
	0, 0, 0, 0, 0, 0, 0, 0x03b9, 0x03c5, 0x03bf, 0x03c5, 0x03c9
};

/* The folded form of c (see above) into b; returns 0, or 1 when c was
 * dropped. */
static int
fts_fold(struct buf *b, uint32_t c)
{
	if (c >= 0x0386 && c <= 0x03ce && greek_base[c - 0x0386] != 0)
		c = greek_base[c - 0x0386];
	else if (c == 0x0451 || c == 0x0401)	/* ё Ё */
		c = c == 0x0451 ? 0x0435 : 0x0415;
	else if (c == 0x00df || c == 0x1e9e) {	/* ß ẞ */
		buf_add(b, "ss", 2);
		return 0;
	} else if (c == 0x0153 || c == 0x0152) {	/* œ Œ */
		buf_add(b, "oe", 2);
		return 0;
	} else if (c == 0x00e6 || c == 0x00c6) {	/* æ Æ */
		buf_add(b, "ae", 2);
		return 0;
	} else if (c == 0x0131)			/* ı */
		c = 'i';
	else if (c >= 0xff01 && c <= 0xff5e)	/* full-width ASCII */
		c -= 0xfee0;
	else if ((c >= 0x064b && c <= 0x065f) || c == 0x0670 ||
	    c == 0x0640)			/* harakat, tatweel */
		return 1;
	else if (c == 0x0622 || c == 0x0623 || c == 0x0625 || c == 0x0671)
		c = 0x0627;			/* alef */
	else if (c == 0x0649 || c == 0x06cc)	/* alef maksura, Farsi yeh */
		c = 0x064a;
	else if (c == 0x06a9)			/* keheh */
		c = 0x0643;
	else if (c == 0x0629 || c == 0x06c0)	/* teh marbuta, heh-yeh */
		c = 0x0647;
	else if ((c >= 0x0591 && c <= 0x05bd) || c == 0x05bf ||
	    c == 0x05c1 || c == 0x05c2 || c == 0x05c4 || c == 0x05c5 ||
	    c == 0x05c7)			/* Hebrew points */
		return 1;
	buf_addcp(b, c);
	return 0;
}

char *
store_fts_text(const char *text, int query)
{
	const unsigned char *p;
	struct buf b;
	uint32_t c, prev = 0;
	size_t n, len, run = 0;

	if (text == NULL)
		return NULL;
	/* A few times text's length (an entry's text, or a query). */
	buf_init(&b, BUF_UNCAPPED);
	p = (const unsigned char *)text;
	for (n = strlen(text); n > 0; p += len, n -= len) {
		/* Most text is ASCII, which needs nothing. */
		if (*p < 0x80 && run == 0) {
			for (len = 1; len < n && p[len] < 0x80; len++)
				;
			buf_add(&b, p, len);
			continue;
		}
		c = utf8_next(p, n, &len);
		if (fts_cjk(c)) {
			if (run == 0)
				buf_addch(&b, ' ');
			else {
				buf_addcp(&b, prev);
				buf_addcp(&b, c);
				buf_addch(&b, ' ');
			}
			if (!query) {
				buf_addcp(&b, c);
				buf_addch(&b, ' ');
			}
			prev = c;
			run++;
			continue;
		}
		if (run > 0) {
			/* A one-character word is that character. */
			if (run == 1 && query)
				buf_addcp(&b, prev);
			buf_addch(&b, ' ');
			run = 0;
		}
		fts_fold(&b, c);
	}
	if (run == 1 && query)
		buf_addcp(&b, prev);
	if (b.data == NULL)
		buf_addstr(&b, "");
	return buf_steal(&b);
}
