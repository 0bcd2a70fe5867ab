/*
 * feed_text.c: text the XML driver reads itself rather than through
 * libxml2 (feed_xml.c's cdata_direct and text_direct): the check of a
 * CDATA section's text and the decoding of an element's text with its
 * references, each exactly as libxml2 would read the bytes that
 * fbytes_filter hands it, or not at all (the caller then lets libxml2
 * read them).  Byte work only: nothing here calls libxml2.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "feed_bytes.h"
#include "feed_int.h"
#include "base/swar.h"
#include "base/util.h"

/*
 * The run of non-ASCII characters at p[i..len), copied as it is to out
 * from *wp on while 8 bytes of its cap are free (out NULL: only checked):
 * valid UTF-8 of XML characters.  Returns the bytes read (at least one
 * character when out has the room), or 0 when one is invalid.
 */
static size_t
text_nonascii(const unsigned char *p, size_t len, size_t i, char *out,
    size_t cap, size_t *wp)
{
	size_t k = i, n;
	uint32_t cp;
	unsigned char c;

	while (k < len && p[k] >= 0x80 && (out == NULL || cap - *wp >= 8)) {
		c = p[k];
		/* The common 2- and 3-byte forms in one test each. */
		if (c >= 0xc2 && c <= 0xdf && len - k >= 2 &&
		    (p[k + 1] & 0xc0) == 0x80)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef && len - k >= 3 &&
		    (p[k + 1] & 0xc0) == 0x80 && (p[k + 2] & 0xc0) == 0x80 &&
		    (c != 0xe0 || p[k + 1] >= 0xa0) &&
		    (c != 0xed || p[k + 1] < 0xa0) &&
		    (c != 0xef || p[k + 1] != 0xbf || p[k + 2] < 0xbe))
			n = 3;
		else if ((n = utf8_decode(p + k, len - k, &cp)) == 0 ||
		    cp == 0xfffe || cp == 0xffff)
			return 0;
		if (out != NULL) {
			out[*wp] = (char)p[k];
			out[*wp + 1] = (char)p[k + 1];
			if (n > 2)
				out[*wp + 2] = (char)p[k + 2];
			if (n > 3)
				out[*wp + 3] = (char)p[k + 3];
		}
		*wp += n;
		k += n;
	}
	return k - i;
}

/*
 * Is p[0..n) plain text as libxml2 reads it: valid UTF-8 of XML
 * characters, with no C0 control but tab and newline (a carriage return
 * libxml2 would normalise)?  Counts the newlines in *nl.
 */
int
fbytes_plain(const unsigned char *p, size_t n, size_t *nl)
{
	const unsigned char *q = p, *end = p + n;
	size_t k, w = 0;

	*nl = 0;
	while (q < end) {
		q += swar_printable_run(q, (size_t)(end - q));
		if (q >= end)
			break;
		if (*q < 0x80) {
			if (*q < 0x20 && *q != '\t' && *q != '\n')
				return 0;
			*nl += *q == '\n';
			q++;
			continue;
		}
		if ((k = text_nonascii(q, (size_t)(end - q), 0, NULL, 0,
		    &w)) == 0)
			return 0;
		q += k;
	}
	return 1;
}

/*
 * The character a reference at doc[i..len) stands for, as libxml2 reads
 * it once fbytes_filter has passed it: "&#X" is "&#x" then, and the five
 * names XML predefines are the only ones taken.  Returns the reference's
 * length, or 0 for anything else (another name, a value that is not an
 * XML character, more than seven digits), which libxml2 is left to read.
 */
static size_t
text_ref(const char *doc, size_t len, size_t i, uint32_t *cp)
{
	static const struct { const char *s; size_t n; char c; } named[] = {
		{ "&lt;", 4, '<' }, { "&gt;", 4, '>' }, { "&amp;", 5, '&' },
		{ "&quot;", 6, '"' }, { "&apos;", 6, '\'' } };
	size_t j = i + 2, k, d;
	uint32_t v = 0;
	int hex;

	if (len - i < 4)
		return 0;
	if (doc[i + 1] != '#') {
		/* Each name has its own second letter but "amp", "apos". */
		for (k = 0; k < NELEM(named); k++) {
			if (named[k].s[1] != doc[i + 1] ||
			    len - i < named[k].n)
				continue;
			for (d = 2; d < named[k].n &&
			    doc[i + d] == named[k].s[d]; d++)
				;
			if (d == named[k].n) {
				*cp = (unsigned char)named[k].c;
				return named[k].n;
			}
		}
		return 0;
	}
	hex = doc[j] == 'x' || doc[j] == 'X';
	j += hex;
	for (k = j; k < len && k - j < 8; k++) {
		d = (unsigned char)doc[k];
		if (d >= '0' && d <= '9')
			d -= '0';
		else if (hex && (d | 0x20) >= 'a' && (d | 0x20) <= 'f')
			d = (d | 0x20) - 'a' + 10;
		else
			break;
		v = v * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (k == j || k - j > 7 || k >= len || doc[k] != ';')
		return 0;
	/* XML 1.0's Char production. */
	if (!(v == 0x9 || v == 0xa || v == 0xd || (v >= 0x20 &&
	    v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd) ||
	    (v >= 0x10000 && v <= 0x10ffff)))
		return 0;
	*cp = v;
	return k + 1 - i;
}

/*
 * The text of an element from doc[off] up to the next '<' that opens
 * markup, as libxml2 would hand it over after fbytes_filter: references
 * decoded (text_ref), a bare '&' or a '<' that opens nothing as it
 * stands, C0 controls dropped, "\r\n" read as "\n".  Only plain text is
 * read so: valid UTF-8 of XML characters, no other carriage return, no
 * "]]>" (which libxml2 rejects).  Writes to out (cap bytes, at
 * least 8) until it is nearly full (*more is then 1) or the text ends,
 * or only checks the text when out is NULL; *outlen is the bytes
 * written, and *nl counts the newlines read.  Returns the bytes of doc
 * read, or 0 when libxml2 is to read the text itself.
 */
size_t
fbytes_text(const char *doc, size_t len, size_t off, char *out, size_t cap,
    struct fbytes_text *t)
{
	const unsigned char *p = (const unsigned char *)doc;
	size_t i = off, w = 0, n, k;
	uint64_t x, m;
	uint32_t cp;
	char tmp[8];

	t->nl = 0;
	t->more = 0;
	for (;;) {
		/* Sixteen or eight bytes of plain ASCII at a time. */
#ifdef SWAR_V16
		while (len - i >= 16 && (out == NULL || cap - w >= 16)) {
			__m128i v = v16_load(p + i);
			unsigned b = v16_bits(_mm_or_si128(_mm_or_si128(
			    _mm_or_si128(v, v16_below(v, 0x20)),
			    _mm_or_si128(v16_eq(v, '<'), v16_eq(v, '&'))),
			    v16_eq(v, ']')));

			if (out != NULL)
				_mm_storeu_si128((__m128i *)(out + w), v);
			if (b != 0) {
				w += v16_first(b);
				i += v16_first(b);
				break;
			}
			w += 16;
			i += 16;
		}
#endif
		while (len - i >= 8 && (out == NULL || cap - w >= 8)) {
			x = swar_load(p + i);
			m = swar_below(x, 0x20) | swar_eq(x, '<') |
			    swar_eq(x, '&') | swar_eq(x, ']') |
			    (x & SWAR_HIGHS);
			if (m != 0) {
				n = swar_first(m);
				if (out != NULL)
					memcpy(out + w, p + i, 8);
				w += n;
				i += n;
				break;
			}
			if (out != NULL)
				memcpy(out + w, p + i, 8);
			w += 8;
			i += 8;
		}
		if (i >= len)
			return 0;
		if (out != NULL && cap - w < 8) {
			t->more = 1;
			break;
		}
		if (p[i] == '<') {
			if (i + 1 < len && strchr(" \t\r\n=<&0123456789",
			    doc[i + 1]) == NULL)
				break;
			cp = '<';
			n = 1;
		} else if (p[i] == '&') {
			n = text_ref(doc, len, i, &cp);
			if (n == 0 && fbytes_is_reference(doc, len, i))
				return 0;
			if (n == 0) {
				cp = '&';
				n = 1;
			}
		} else if (p[i] == ']') {
			/* "]]>" is an error in text, even with controls
			 * between the three that the filter drops. */
			for (n = 0, k = 0; i + n < len && (p[i + n] == ']' ||
			    (p[i + n] < 0x20 && p[i + n] != '\t' &&
			    p[i + n] != '\n' && p[i + n] != '\r')); n++)
				k += p[i + n] == ']';
			if ((k >= 2 && i + n < len && p[i + n] == '>') ||
			    k > 64)
				return 0;
			if (k > 1) {
				if (out != NULL && cap - w < k + 8) {
					t->more = 1;
					break;
				}
				if (out != NULL)
					memset(out + w, ']', k - 1);
				w += k - 1;
			}
			cp = ']';
		} else if (p[i] < 0x20) {
			n = 1;
			if (p[i] == '\r' && (i + 1 >= len || p[i + 1] != '\n'))
				return 0;
			if (p[i] == '\r')
				n = 2;
			else if (p[i] != '\t' && p[i] != '\n') {
				i++;
				continue;
			}
			cp = p[i + n - 1];
		} else if (p[i] < 0x80) {
			cp = p[i];
			n = 1;
		} else {
			if ((n = text_nonascii(p, len, i, out, cap, &w)) == 0)
				return 0;
			i += n;
			continue;
		}
		t->nl += cp == '\n';
		w += utf8_encode(cp, out != NULL ? out + w : tmp);
		i += n;
	}
	t->outlen = w;
	return i - off;
}
