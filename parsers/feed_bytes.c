/*
 * feed_bytes.c: the XML parser's work on bytes, before libxml2 reads
 * them: which encoding and where the document starts (fbytes_sniff), the
 * clean-up of what XML forbids but feeds are full of (fbytes_filter),
 * the scan that bounds start tags (fbytes_tagscan), and the last-resort
 * decoding of legacy text (fbytes_legacy_to_utf8).  Each works chunk by
 * chunk with its state carried across calls, so the document is never
 * copied whole.  Nothing here calls libxml2; feed_xml.c drives it.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "feed_bytes.h"
#include "feed_int.h"
#include "base/swar.h"
#include "base/util.h"

/* Why tagscan said no. */
const char *
fbytes_tagscan_why(const struct tagscan *t)
{
	/* The figures are XML_MAXATTS and XML_MAXTAG. */
	return t->natts > XML_MAXATTS ? "an element with more than 128 "
	    "attributes" : "a start tag longer than 1 MiB";
}

/*
 * The states of tagscan inside a declaration (the DOCTYPE: quoted
 * values, an [internal subset] with its own comments and PIs, then '>').
 * Returns 1 when c is to be read again in the state it set.
 */
static int
tagscan_dtd(struct tagscan *t, unsigned char c)
{
	switch (t->state) {
	case TS_DECL:
		/* The DOCTYPE: quoted values, [internal subset] with
		 * its own comments and PIs, then '>'. */
		if (c == '"' || c == '\'') {
			t->state = TS_DQUOTE;
			t->q = c;
		} else if (c == '[')
			t->depth++;
		else if (c == ']' && t->depth > 0)
			t->depth--;
		else if (c == '>' && t->depth == 0)
			t->state = TS_TEXT;
		else if (c == '<' && t->depth > 0)
			t->state = TS_DLT;
		break;
	case TS_DLT:
		/* '<' inside the subset: "<?" or "<!--" (or a markup
		 * declaration, read as part of the DOCTYPE). */
		if (c == '?') {
			t->state = TS_PI;
			t->run = 0;
		} else if (c == '!')
			t->state = TS_DBANG;
		else {
			t->state = TS_DECL;
			return 1;
		}
		break;
	case TS_DBANG:
		if (c == '-')
			t->state = TS_DDASH;
		else {
			t->state = TS_DECL;
			return 1;
		}
		break;
	case TS_DDASH:
		if (c == '-') {
			t->state = TS_COMMENT;
			t->run = 0;
		} else {
			t->state = TS_DECL;
			return 1;
		}
		break;
	case TS_DQUOTE:
		if (c == t->q)
			t->state = TS_DECL;
		break;
	}
	return 0;
}

/* Moves *i to the next ch in p[*i..n); -1 if there is none. */
static int
skip_to(const char *p, size_t n, size_t *i, int ch)
{
	const char *q = memchr(p + *i, ch, n - *i);

	if (q == NULL)
		return -1;
	*i = (size_t)(q - p);
	return 0;
}

/*
 * Inside a quoted value, counts the bytes up to the closing quote (or the
 * end of p) at once, as the byte loop would: each is one more byte of
 * the tag, each '=' one more attribute.  Moves *ip to the quote and
 * returns 0, or returns 1 when p ends first; moves nothing (and returns
 * 0) when a bound would be passed there, for the byte loop to find the
 * byte where it is.
 */
static int
value_run(struct tagscan *t, const char *p, size_t n, size_t *ip)
{
	const char *q, *e;
	size_t end, k, eqs = 0;

	q = memchr(p + *ip, t->q, n - *ip);
	end = q != NULL ? (size_t)(q - p) : n;
	for (k = *ip; (e = memchr(p + k, '=', end - k)) != NULL;
	    k = (size_t)(e - p) + 1)
		eqs++;
	if (t->natts + eqs > XML_MAXATTS ||
	    t->taglen + (end - *ip) > XML_MAXTAG)
		return 0;
	t->natts += eqs;
	t->taglen += end - *ip;
	*ip = end;
	return end == n;
}

/* The bytes of a start tag, outside its values, that change the scan's
 * state; the others (names) only make the tag longer. */
static const unsigned char tag_special[256] = {
	['='] = 1, ['>'] = 1, ['<'] = 1, ['"'] = 1, ['\''] = 1, [' '] = 1,
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
};

/*
 * Inside a start tag, outside its values: counts the run of bytes that
 * tag_special passes at once, as the byte loop would (each one more byte
 * of the tag, and no '=' just before a value).  Moves *ip past it and
 * returns 0, or returns 1 when p ends first; moves nothing when the tag
 * would pass its bound there, for the byte loop to find the byte.
 */
static int
tag_run(struct tagscan *t, const char *p, size_t n, size_t *ip)
{
	size_t k = *ip;

	while (k < n && !tag_special[(unsigned char)p[k]])
		k++;
	if (t->taglen + (k - *ip) > XML_MAXTAG)
		return 0;
	t->taglen += k - *ip;
	t->eq = 0;
	*ip = k;
	return k == n;
}

/*
 * After "<!": "<!--", "<![CDATA[" or a declaration; k bytes of which (in
 * cdata, or "--" when k < 0) matched.  Returns 1 when c is to be read
 * again as part of a declaration.
 */
static int
tagscan_bang(struct tagscan *t, unsigned char c)
{
	static const char cdata[] = "[CDATA[";

	if (t->k <= 0 && c == '-') {
		if (--t->k == -2) {
			t->state = TS_COMMENT;
			t->run = 0;
		}
	} else if (t->k >= 0 && t->k < 7 &&
	    c == (unsigned char)cdata[t->k]) {
		if (++t->k == 7) {
			t->state = TS_CDATA;
			t->run = 0;
		}
	} else {
		t->state = TS_DECL;
		return 1;
	}
	return 0;
}

/* Returns 0, or -1 once a start tag has more than XML_MAXATTS. */
int
fbytes_tagscan(struct tagscan *t, const char *p, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		switch (t->state) {
		case TS_TEXT:
			/* Text is most of a feed: only a '<' matters. */
			if (skip_to(p, n, &i, '<') == -1)
				return 0;
			t->state = TS_LT;
			break;
		case TS_LT:
			if (c == '!') {
				t->state = TS_BANG;
				t->k = 0;
			} else if (c == '?') {
				t->state = TS_PI;
				t->run = 0;
			} else if (c == '/')
				t->state = TS_ETAG;
			else if (isalpha(c) || c == '_' || c == ':' ||
			    c >= 0x80) {
				t->state = TS_TAG;
				t->natts = 0;
				t->taglen = 0;
				t->eq = 0;
			} else if (c != '<')
				t->state = TS_TEXT;
			break;
		case TS_BANG:
			if (tagscan_bang(t, c))
				i--;	/* read c again as a declaration */
			break;
		case TS_TAG:
		case TS_VALUE:
			if (t->state == TS_VALUE && value_run(t, p, n, &i))
				return 0;	/* the value runs past p */
			if (t->state == TS_TAG &&
			    !tag_special[(unsigned char)p[i]] &&
			    tag_run(t, p, n, &i))
				return 0;	/* the name runs past p */
			c = (unsigned char)p[i];
			if ((c == '=' && ++t->natts > XML_MAXATTS) ||
			    ++t->taglen > XML_MAXTAG)
				return -1;
			if (t->state == TS_VALUE) {
				if (c == t->q)
					t->state = TS_TAG;
				break;
			}
			if (c == '>')
				t->state = TS_TEXT;
			else if (c == '<')
				t->state = TS_LT;
			else if (c == '=')
				t->eq = 1;
			else if ((c == '"' || c == '\'') && t->eq) {
				t->state = TS_VALUE;
				t->q = c;
				t->eq = 0;
			} else if (c != ' ' && c != '\t' && c != '\n' &&
			    c != '\r')
				t->eq = 0;
			break;
		case TS_COMMENT:
			/* Inside the DOCTYPE's subset (depth > 0), or not:
			 * depth is 0 out of a declaration.  Until a '-',
			 * nothing can end it. */
			if (t->run == 0 && c != '-') {
				if (skip_to(p, n, &i, '-') == -1)
					return 0;
				c = '-';
			}
			if (c == '>' && t->run >= 2)
				t->state = t->depth > 0 ? TS_DECL : TS_TEXT;
			t->run = c == '-' ? t->run + 1 : 0;
			break;
		case TS_CDATA:
			/* Until a ']', nothing can end the section. */
			if (t->run == 0 && c != ']') {
				if (skip_to(p, n, &i, ']') == -1)
					return 0;
				c = ']';
			}
			if (c == '>' && t->run >= 2)
				t->state = TS_TEXT;
			t->run = c == ']' ? t->run + 1 : 0;
			break;
		case TS_PI:
			if (c == '>' && t->run)
				t->state = t->depth > 0 ? TS_DECL : TS_TEXT;
			t->run = c == '?';
			break;
		case TS_ETAG:
			/* Until a '>' (or a '<'), nothing matters. */
			while (i < n && p[i] != '>' && p[i] != '<')
				i++;
			if (i == n)
				return 0;
			t->state = p[i] == '>' ? TS_TEXT : TS_LT;
			break;
		default:
			if (tagscan_dtd(t, c))
				i--;	/* c again, as part of the DOCTYPE */
			break;
		}
	}
	return 0;
}

int
feed_xml_tags_bounded(const char *doc, size_t len, const char **why)
{
	struct tagscan t;

	memset(&t, 0, sizeof(t));
	if (fbytes_tagscan(&t, doc, len) == 0)
		return 0;
	*why = fbytes_tagscan_why(&t);
	return -1;
}

/* Is doc[i..len) "&name;", "&#123;" or "&#x1f;"? */
int
fbytes_is_reference(const char *doc, size_t len, size_t i)
{
	size_t j = i + 1, k;

	if (j < len && doc[j] == '#') {
		j++;
		if (j < len && (doc[j] == 'x' || doc[j] == 'X')) {
			for (k = ++j; j < len &&
			    isxdigit((unsigned char)doc[j]); j++)
				;
		} else
			for (k = j; j < len && isdigit((unsigned char)doc[j]);
			    j++)
				;
		return j > k && j < len && doc[j] == ';';
	}
	if (j >= len || !(isalpha((unsigned char)doc[j]) || doc[j] == '_' ||
	    doc[j] == ':' || (doc[j] & 0x80)))
		return 0;
	for (k = j; j < len && j - k < 64 && (isalnum((unsigned char)doc[j]) ||
	    strchr("_:.-", doc[j]) != NULL || (doc[j] & 0x80)); j++)
		;
	return j < len && doc[j] == ';';
}

/*
 * The length of the run of p[0..lim) that sp (one of fbytes_filter's
 * tables) passes as plain.  The section's special bytes are the C0
 * controls and c1, c2: eight bytes are checked at a time, and a tab,
 * newline or return, which the word test also stops at, is passed over.
 */
static size_t
plain_run(const unsigned char *p, size_t lim, const unsigned char *sp,
    unsigned char c1, unsigned char c2)
{
	uint64_t x, m;
	size_t n = 0;

	for (;;) {
#ifdef SWAR_V16
		while (n + 16 <= lim) {
			__m128i v = v16_load(p + n);
			unsigned b = v16_bits(_mm_or_si128(_mm_or_si128(
			    v16_below(v, 0x20), v16_eq(v, c1)), v16_eq(v, c2)));

			if (b != 0) {
				n += v16_first(b);
				break;
			}
			n += 16;
		}
#endif
		while (n + 8 <= lim) {
			x = swar_load(p + n);
			m = swar_below(x, 0x20) | swar_eq(x, c1) |
			    swar_eq(x, c2);
			if (m != 0) {
				n += swar_first(m);
				break;
			}
			n += 8;
		}
		if (n + 8 > lim) {
			while (n < lim && !sp[p[n]])
				n++;
			return n;
		}
		if (sp[p[n]])
			return n;
		n++;
	}
}

/*
 * Copies the next piece of an ASCII-based document into out (at most
 * FBYTES_CHUNK + 5 bytes), cleaning what XML 1.0 forbids but feeds are full of:
 * C0 controls are dropped, a bare '&' becomes "&amp;", "&#X" "&#x" and a
 * '<' that cannot start a tag "&lt;" (as feedparser
 * reads them), outside CDATA sections and comments.  *mode carries the
 * section state across calls; the lookahead reads the whole document, so
 * chunk boundaries do not matter.
 */
size_t
fbytes_filter(const char *doc, size_t len, size_t *offp, char *out, int *mode)
{
	/* The bytes that need a look, per section: markup, CDATA, comment
	 * (the C0 controls other than tab, newline and return, and what may
	 * open or close something there). */
#define C0 [0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, \
	[7] = 1, [8] = 1, [11] = 1, [12] = 1, [14] = 1, [15] = 1, [16] = 1, \
	[17] = 1, [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1, \
	[24] = 1, [25] = 1, [26] = 1, [27] = 1, [28] = 1, [29] = 1, [30] = 1, \
	[31] = 1
	static const unsigned char special[3][256] = {
		{ C0, ['<'] = 1, ['&'] = 1 },
		{ C0, [']'] = 1 },
		{ C0, ['-'] = 1 },
	};
#undef C0
	const unsigned char *sp;
	size_t off = *offp, w = 0, n, lim, ev = *offp;
	const char *g;
	unsigned char c;

	if (*mode == 3)
		*mode = 0;
	while (off < len && w < FBYTES_CHUNK) {
		/* Plain bytes go in runs. */
		sp = special[*mode];
		lim = len - off < FBYTES_CHUNK - w ? len - off :
		    FBYTES_CHUNK - w;
		n = plain_run((const unsigned char *)doc + off, lim, sp,
		    *mode == 0 ? '<' : *mode == 1 ? ']' : '-',
		    *mode == 0 ? '&' : *mode == 1 ? ']' : '-');
		memcpy(out + w, doc + off, n);
		w += n;
		off += n;
		if (off >= len || w >= FBYTES_CHUNK)
			break;
		c = (unsigned char)doc[off];
		if (*mode == 0 && c == '&' && off > ev &&
		    (g = memrchr(doc + ev, '>', off - ev)) != NULL &&
		    fbytes_is_reference(doc, len, off)) {
			/* A reference in text that follows a tag, copied
			 * as it stands since: the piece ends after the
			 * '>', so that the driver may read the text
			 * itself (fbytes_text). */
			w -= off - (size_t)(g + 1 - doc);
			off = (size_t)(g + 1 - doc);
			*mode = 3;
			break;
		}
		ev = off + 1;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			off++;
			continue;
		}
		if (*mode == 0 && c == '<' && (off + 1 >= len ||
		    strchr(" \t\r\n=<&0123456789", doc[off + 1]) != NULL)) {
			/* "a < b": a '<' that cannot open markup. */
			memcpy(out + w, "&lt;", 4);
			w += 4;
			off++;
			continue;
		}
		if (*mode == 0 && c == '<') {
			if (len - off >= 9 && memcmp(doc + off, "<![CDATA[",
			    9) == 0) {
				/* The piece ends with the opening: the
				 * driver may hand the text over itself. */
				*mode = 1;
				memcpy(out + w, doc + off, 9);
				w += 9;
				off += 9;
				break;
			} else if (len - off >= 4 &&
			    memcmp(doc + off, "<!--", 4) == 0)
				*mode = 2;
		} else if (*mode == 1 && c == ']' && len - off >= 3 &&
		    memcmp(doc + off, "]]>", 3) == 0)
			*mode = 0;
		else if (*mode == 2 && c == '-' && len - off >= 3 &&
		    memcmp(doc + off, "-->", 3) == 0)
			*mode = 0;
		else if (*mode == 0 && c == '&' &&
		    !fbytes_is_reference(doc, len, off)) {
			memcpy(out + w, "&amp;", 5);
			w += 5;
			off++;
			continue;
		} else if (*mode == 0 && c == '&' && len - off > 2 &&
		    doc[off + 1] == '#' && doc[off + 2] == 'X') {
			/* XML wants "&#x"; HTML and feedparser take "&#X". */
			memcpy(out + w, "&#x", 3);
			w += 3;
			off += 3;
			continue;
		}
		out[w++] = (char)c;
		off++;
	}
	*offp = off;
	return w;
}

/*
 * Runs the start-tag scan over what libxml2 is about to read.  A UTF-16
 * or UTF-32 document is scanned by code unit (its markup is ASCII); any
 * unit past ASCII reads as a letter.  Its chunks hold whole units: they
 * are FBYTES_CHUNK bytes but at the end, and the first 4 bytes.
 */
int
fbytes_scan_chunk(struct tagscan *ts, const char *p, size_t n, int wide)
{
	const unsigned char *u = (const unsigned char *)p;
	char narrow[FBYTES_CHUNK / 2];
	size_t i, k = 0, unit;
	uint32_t v;

	if (!wide)
		return fbytes_tagscan(ts, p, n);
	/* wide: 2 or 3 for UTF-16, 4 or 5 for UTF-32, odd if big-endian. */
	unit = (size_t)(wide & ~1);
	for (i = 0; i + unit <= n; i += unit) {
		if (unit == 2)
			v = wide & 1 ? (uint32_t)u[i] << 8 | u[i + 1] :
			    (uint32_t)u[i + 1] << 8 | u[i];
		else
			v = wide & 1 ? (uint32_t)u[i] << 24 |
			    (uint32_t)u[i + 1] << 16 |
			    (uint32_t)u[i + 2] << 8 | u[i + 3] :
			    (uint32_t)u[i + 3] << 24 |
			    (uint32_t)u[i + 2] << 16 |
			    (uint32_t)u[i + 1] << 8 | u[i];
		narrow[k++] = v < 0x80 ? (char)v : 'x';
		if (k == sizeof(narrow)) {
			if (fbytes_tagscan(ts, narrow, k) == -1)
				return -1;
			k = 0;
		}
	}
	return fbytes_tagscan(ts, narrow, k);
}

/*
 * The last-resort decoding of a document that is not UTF-8, in
 * feedparser's order: windows-1252, or, when the document holds one of the
 * five bytes that code page leaves undefined (0x81, 0x8d, 0x8f, 0x90,
 * 0x9d) and so cannot be windows-1252, ISO-8859-2, which maps 0x80-0x9f to
 * the C1 controls (html.c later reads those as windows-1252, as feedparser
 * does, except the five undefined ones).  Done here rather than by iconv
 * because iconv rejects the undefined bytes outright.  Converts len bytes
 * into out (3 * len bytes at most), chunk by chunk as the parse goes, so
 * that the document is never held twice.
 */
size_t
fbytes_legacy_to_utf8(const char *doc, size_t len, int is1252, char *outp)
{
	static const uint16_t c1[32] = {
		0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
		0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178
	};
	static const uint16_t latin2[96] = {
		0xa0, 0x104, 0x2d8, 0x141, 0xa4, 0x13d, 0x15a, 0xa7,
		0xa8, 0x160, 0x15e, 0x164, 0x179, 0xad, 0x17d, 0x17b,
		0xb0, 0x105, 0x2db, 0x142, 0xb4, 0x13e, 0x15b, 0x2c7,
		0xb8, 0x161, 0x15f, 0x165, 0x17a, 0x2dd, 0x17e, 0x17c,
		0x154, 0xc1, 0xc2, 0x102, 0xc4, 0x139, 0x106, 0xc7,
		0x10c, 0xc9, 0x118, 0xcb, 0x11a, 0xcd, 0xce, 0x10e,
		0x110, 0x143, 0x147, 0xd3, 0xd4, 0x150, 0xd6, 0xd7,
		0x158, 0x16e, 0xda, 0x170, 0xdc, 0xdd, 0x162, 0xdf,
		0x155, 0xe1, 0xe2, 0x103, 0xe4, 0x13a, 0x107, 0xe7,
		0x10d, 0xe9, 0x119, 0xeb, 0x11b, 0xed, 0xee, 0x10f,
		0x111, 0x144, 0x148, 0xf3, 0xf4, 0x151, 0xf6, 0xf7,
		0x159, 0x16f, 0xfa, 0x171, 0xfc, 0xfd, 0x163, 0x2d9
	};
	unsigned char *w = (unsigned char *)outp;
	unsigned int c;
	size_t i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)doc[i];
		if (c >= 0x80 && c < 0xa0 && is1252)
			c = c1[c - 0x80];
		else if (c >= 0xa0 && !is1252)
			c = latin2[c - 0xa0];
		w += utf8_encode(c, (char *)w);
	}
	return (size_t)(w - (unsigned char *)outp);
}

/* Can the document be windows-1252 (fbytes_legacy_to_utf8)? */
int
fbytes_is_cp1252(const char *doc, size_t len)
{
	static const unsigned char undefined[] = { 0x81, 0x8d, 0x8f, 0x90,
	    0x9d };
	size_t i;

	for (i = 0; i < NELEM(undefined); i++)
		if (memchr(doc, undefined[i], len) != NULL)
			return 0;
	return 1;
}

/* The whole of a document at once, for pages read outside a feed parse. */
char *
feed_legacy_to_utf8(const char *doc, size_t len, size_t *outlen)
{
	char *out;

	out = xmalloc(3 * len + 1);
	*outlen = fbytes_legacy_to_utf8(doc, len, fbytes_is_cp1252(doc, len),
	    out);
	out[*outlen] = '\0';
	return out;
}

/*
 * Is a charset one where ASCII bytes are ASCII characters (so the markup
 * is what the bytes say)?  NULL (none given) is.  Not UTF-7, ISO-2022,
 * EBCDIC or the UTF-16/32 family without their byte patterns.
 */
static int
ascii_encoding(const char *cs)
{
	static const char *const ok[] = { "UTF-8", "UTF8", "US-ASCII",
	    "ASCII", "ISO-8859", "ISO8859", "ISO_8859", "LATIN", "L1", "L2",
	    "WINDOWS-", "CP125", "CP874", "CP932", "CP936", "CP949",
	    "CP950", "KOI8", "SHIFT_JIS", "SHIFT-JIS", "SJIS", "MS_KANJI",
	    "X-SJIS", "EUC", "GB2312", "GBK", "GB18030", "BIG5", "BIG-5",
	    "TIS-620", "TIS620", "MACINTOSH", "MAC", "X-MAC", "VISCII",
	    "ARMSCII", "HTML", "X-USER-DEFINED" };
	size_t i;

	if (cs == NULL)
		return 1;
	for (i = 0; i < NELEM(ok); i++)
		if (strncasecmp(cs, ok[i], strlen(ok[i])) == 0)
			return 1;
	return 0;
}

/* The encoding named by the XML declaration, in a static buffer, or
 * NULL. */
static const char *
declared(const char *doc, size_t len)
{
	static char name[64];
	const char *p, *end, *q;
	size_t n;

	if (len < 6 || memcmp(doc, "<?xml", 5) != 0)
		return NULL;
	n = len < 512 ? len : 512;
	end = memchr(doc, '>', n);
	if (end == NULL)
		end = doc + n;
	p = memmem(doc, (size_t)(end - doc), "encoding", 8);
	if (p == NULL)
		return NULL;
	for (p += 8; p < end && (*p == ' ' || *p == '=' || *p == '\t' ||
	    *p == '\r' || *p == '\n'); p++)
		;
	if (p >= end || (*p != '"' && *p != '\''))
		return NULL;
	q = memchr(p + 1, *p, (size_t)(end - p - 1));
	if (q == NULL || (size_t)(q - p - 1) >= sizeof(name))
		return "?";
	memcpy(name, p + 1, (size_t)(q - p - 1));
	name[q - p - 1] = '\0';
	return name;
}

/* Whether p starts with an XML declaration or a feed's root element. */
static int
starts_feed(const char *p, size_t n)
{
	static const char *const starts[] = { "<?xml", "<rss", "<feed",
	    "<rdf:RDF", "<RDF", "<channel" };
	size_t i, k;

	for (i = 0; i < NELEM(starts); i++) {
		k = strlen(starts[i]);
		if (n >= k && memcmp(p, starts[i], k) == 0)
			return 1;
	}
	return 0;
}

int
fbytes_sniff(const char *doc, size_t len, const char *charset,
    struct fbytes_sniff *s)
{
	const unsigned char *u = (const unsigned char *)doc;

	memset(s, 0, sizeof(*s));
	/* Encoding, in feedparser's order: a byte-order mark, then the
	 * HTTP charset, then the XML declaration (libxml2's own). */
	s->enc = charset;
	if (len >= 3 && memcmp(u, "\xef\xbb\xbf", 3) == 0) {
		s->enc = "UTF-8";
		s->skip = 3;
	} else if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) ||
	    (u[0] == 0xff && u[1] == 0xfe))) {
		/* libxml2 reads FF FE as UTF-16 even before 00 00. */
		s->wide = u[0] == 0xfe ? 3 : 2;
		s->enc = NULL;
	} else if (len >= 4 && ((u[0] == 0 && u[1] == 0x3c) ||
	    (u[0] == 0x3c && u[1] == 0) || (u[0] == 0 && u[1] == 0))) {
		/* As libxml2 guesses from the first four bytes. */
		s->wide = u[0] == 0 && u[1] == 0 ? 5 : u[0] == 0 ? 3 :
		    u[2] == 0 && u[3] == 0 ? 4 : 2;
		s->enc = NULL;
	}
	if (!s->wide) {
		/* Blanks or junk before the first tag would make libxml2
		 * reject the XML declaration: feedparser skips them. */
		while (s->skip < len && doc[s->skip] != '<') {
			if (!isspace((unsigned char)doc[s->skip]))
				s->junk = 1;
			s->skip++;
		}
		/* A server's warning before a feed's own start is junk
		 * to skip; text before some other tag is not a feed. */
		if (s->junk && starts_feed(doc + s->skip, len - s->skip))
			s->junk = 0;
	}
	if (s->skip >= len)
		return -1;
	doc += s->skip;
	len -= s->skip;
	if (!s->wide && (!ascii_encoding(s->enc) ||
	    (s->enc == NULL && !ascii_encoding(declared(doc, len)))))
		/* The bound on attributes is read from the bytes: a
		 * charset where markup is not ASCII is not believed. */
		s->enc = "UTF-8";
	return 0;
}
