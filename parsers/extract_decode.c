/*
 * extract_decode.c: the page's bytes as UTF-8, and what is not HTML.
 *
 * The charset is chosen once, from the first bytes of the page (all of it
 * when it is small): a byte-order mark, then the charset of the HTTP
 * header, then a <meta> one (HTML's prescan, simplified); bytes that are
 * valid UTF-8 and hold non-ASCII text are read as UTF-8 whatever a label
 * says, and undeclared text that is not UTF-8 as windows-1252 (or
 * ISO-8859-2, see feed_legacy_to_utf8).  Then each slice is converted on
 * its own; a character cut by the end of a slice is carried to the next,
 * so slicing never changes the text.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_decode.h"
#include "feed_int.h"
#include "base/util.h"

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* ---- decoding */

static int
is_utf8_label(const char *l)
{
	return strcasecmp(l, "utf-8") == 0 || strcasecmp(l, "utf8") == 0 ||
	    strcasecmp(l, "unicode-1-1-utf-8") == 0;
}

/* Labels WHATWG's Encoding Standard reads as windows-1252. */
static int
is_1252_label(const char *l)
{
	static const char *const names[] = { "windows-1252", "cp1252",
	    "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1",
	    "l1", "us-ascii", "ascii", "iso-ir-100", "csisolatin1",
	    "ansi_x3.4-1968", "iso88591", "cp819", "ibm819", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(l, names[i]) == 0)
			return 1;
	return 0;
}

/* The length of the UTF-8 sequence lead byte c starts, 0 if none. */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Counts the well-formed multi-byte UTF-8 sequences of s[0..n) in *good
 * and the bytes that start none in *bad. */
static void
utf8_count(const unsigned char *s, size_t n, size_t *good, size_t *bad)
{
	size_t i = 0, k, len;

	*good = *bad = 0;
	while (i < n) {
		if (s[i] < 0x80) {
			/* ASCII, eight bytes at a time. */
			while (i + 8 <= n) {
				uint64_t x;

				memcpy(&x, s + i, 8);
				if (x & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			if (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		len = utf8_len(s[i]);
		for (k = 1; len > 0 && k < len; k++)
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				break;
		if (len > 0 && k == len) {
			(*good)++;
			i += len;
		} else {
			(*bad)++;
			i++;
		}
	}
}

/* How many bytes at the end of s[0..n) start a UTF-8 sequence that n
 * cuts short (0 to 3): they wait for the next slice. */
static size_t
utf8_cut(const unsigned char *s, size_t n)
{
	size_t k, len;

	for (k = 1; k <= 3 && k <= n; k++) {
		if ((s[n - k] & 0xc0) == 0x80)
			continue;
		len = utf8_len(s[n - k]);
		return len > k ? k : 0;
	}
	return 0;
}

/*
 * The charset a <meta> declares in the first bytes of the page (HTML's
 * prescan, simplified): <meta charset=X> or <meta http-equiv=Content-Type
 * content="...; charset=X">.  Writes the label to out.
 */
static int
meta_charset(const char *doc, size_t len, char *out, size_t outlen)
{
	const char *p = doc, *end = doc + (len < 16384 ? len : 16384), *q;
	size_t i;

	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		p++;
		if (end - p < 5 || strncasecmp(p, "meta", 4) != 0 ||
		    !(is_space((unsigned char)p[4]) || p[4] == '/'))
			continue;
		q = memchr(p, '>', (size_t)(end - p));
		if (q == NULL)
			return -1;
		for (; p + 8 < q; p++) {
			if (strncasecmp(p, "charset", 7) != 0)
				continue;
			p += 7;
			while (p < q && is_space((unsigned char)*p))
				p++;
			if (p >= q || *p != '=')
				continue;
			p++;
			while (p < q && (is_space((unsigned char)*p) ||
			    *p == '"' || *p == '\''))
				p++;
			for (i = 0; p < q && i + 1 < outlen &&
			    (isalnum((unsigned char)*p) || *p == '-' ||
			    *p == '_' || *p == '.' || *p == ':'); i++)
				out[i] = *p++;
			out[i] = '\0';
			return i > 0 ? 0 : -1;
		}
		p = q;
	}
	return -1;
}

/* The decoder for text labelled lab (or NULL) whose non-ASCII bytes
 * make good well-formed UTF-8 sequences and bad other bytes. */
static void
decide(struct decoder *d, const char *lab, size_t good, size_t bad)
{
	/* Labelled UTF-8 but not one well-formed sequence: legacy text
	 * mislabelled. */
	if (lab != NULL && is_utf8_label(lab) && bad > 0 && good == 0)
		lab = NULL;
	if ((bad == 0 && (good > 0 || lab == NULL)) ||
	    (lab != NULL && is_utf8_label(lab)))
		d->mode = DEC_UTF8;
	else if (lab == NULL || is_1252_label(lab))
		d->mode = DEC_LEGACY;
	else if ((d->cd = iconv_open("UTF-8", lab)) != (iconv_t)-1)
		d->mode = DEC_ICONV;
	else
		d->mode = DEC_LEGACY;
}

/*
 * Picks the decoder for the page whose first bytes are doc[0..len) (all
 * of it when eof); *skip is the byte-order mark's length.  Byte-order
 * mark, then the HTTP charset, then a <meta> one; bytes that are valid
 * UTF-8 and hold non-ASCII text are read as UTF-8 whatever a label says:
 * mislabelled pages are common, and legacy text that happens to be valid
 * UTF-8 is vanishingly rare.
 */
void
ex_decode_choose(struct decoder *d, const char *doc, size_t len, int eof,
    const char *hint, size_t *skip)
{
	const unsigned char *u = (const unsigned char *)doc;
	char label[64];
	const char *lab = NULL;
	size_t i, good, bad;

	memset(d, 0, sizeof(*d));
	*skip = 0;
	if (len >= 3 && memcmp(u, "\xef\xbb\xbf", 3) == 0) {
		*skip = 3;
		doc += 3;
		u += 3;
		len -= 3;
		lab = "UTF-8";
	} else if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) ||
	    (u[0] == 0xff && u[1] == 0xfe))) {
		d->cd = iconv_open("UTF-8", u[0] == 0xfe ? "UTF-16BE" :
		    "UTF-16LE");
		if (d->cd != (iconv_t)-1) {
			d->mode = DEC_ICONV;
			*skip = 2;
			return;
		}
	}
	if (lab == NULL && hint != NULL && *hint != '\0') {
		lab = hint;
		while (*lab == '"' || *lab == '\'' || is_space(*lab))
			lab++;
		for (i = 0; lab[i] != '\0' && lab[i] != '"' &&
		    lab[i] != '\'' && !is_space(lab[i]) &&
		    i + 1 < sizeof(label); i++)
			label[i] = lab[i];
		label[i] = '\0';
		lab = label;
	}
	if (lab == NULL && meta_charset(doc, len, label, sizeof(label)) == 0)
		lab = label;
	if (lab != NULL && strncasecmp(lab, "utf-16", 6) == 0)
		lab = "UTF-8";	/* a <meta> in UTF-16 cannot be read */
	utf8_count(u, eof ? len : len - utf8_cut(u, len), &good, &bad);
	if (good == 0 && bad == 0 && !eof) {
		/* ASCII so far: the first other bytes will tell, as they
		 * would have told in a page read whole. */
		d->mode = DEC_ASCII;
		snprintf(d->label, sizeof(d->label), "%s", lab != NULL ? lab :
		    "");
		return;
	}
	decide(d, lab, good, bad);
}

void
ex_decode_reset(struct decoder *d)
{
	if (d->mode == DEC_ICONV)
		iconv_close(d->cd);
	memset(d, 0, sizeof(*d));
}

/* Appends iconv's output for in[0..len); an undecodable byte becomes
 * U+FFFD, and so does a sequence cut short by the end of the page. */
static void
decode_iconv(struct decoder *d, const char *in, size_t len, int eof,
    struct buf *out)
{
	char chunk[8192], *ip = (char *)in, *o;
	size_t left = len, oleft, r;

	while (left > 0) {
		o = chunk;
		oleft = sizeof(chunk);
		r = iconv(d->cd, &ip, &left, &o, &oleft);
		buf_add(out, chunk, sizeof(chunk) - oleft);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EINVAL && !eof && left < sizeof(d->carry)) {
			memcpy(d->carry, ip, left);
			d->ncarry = left;
			return;
		}
		buf_add(out, "\xef\xbf\xbd", 3);
		ip++;
		left--;
	}
}

/*
 * Decodes in[0..len), the next slice of the page (eof: the last one), and
 * appends it to out as UTF-8 without NUL bytes or invalid sequences.
 */
void
ex_decode_slice(struct decoder *d, const char *in, size_t len, int eof,
    struct buf *out)
{
	struct buf raw;
	char *conv, *w;
	size_t n, keep, from = out->len, i, good, bad;

	/* The few carried bytes and in[0..len), one slice. */
	buf_init(&raw, BUF_UNCAPPED);
	if (d->ncarry > 0) {
		buf_add(&raw, d->carry, d->ncarry);
		buf_add(&raw, in, len);
		d->ncarry = 0;
		in = raw.data;
		len = raw.len;
	}
	if (d->mode == DEC_ASCII) {
		for (i = 0; i < len && (unsigned char)in[i] < 0x80; i++)
			;
		if (i < len) {
			n = eof ? len : len - utf8_cut((const unsigned char *)
			    in, len);
			utf8_count((const unsigned char *)in + i, n - i, &good,
			    &bad);
			if (good + bad > 0)
				decide(d, d->label[0] != '\0' ? d->label :
				    NULL, good, bad);
		}
	}
	switch (d->mode) {
	case DEC_ASCII:
	case DEC_UTF8:
		keep = eof ? 0 : utf8_cut((const unsigned char *)in, len);
		memcpy(d->carry, in + len - keep, keep);
		d->ncarry = keep;
		buf_add(out, in, len - keep);
		break;
	case DEC_LEGACY:
		conv = feed_legacy_to_utf8(in, len, &n);
		buf_add(out, conv, n);
		free(conv);
		break;
	case DEC_ICONV:
		decode_iconv(d, in, len, eof, out);
		break;
	}
	buf_reset(&raw);
	if (out->data == NULL)
		return;
	/* NULs would cut the string; feed_fix_utf8 drops what is left. */
	w = memchr(out->data + from, '\0', out->len - from);
	for (i = w != NULL ? (size_t)(w - out->data) : out->len; i < out->len;
	    i++)
		if (out->data[i] != '\0')
			*w++ = out->data[i];
	if (w != NULL)
		*w = '\0';
	feed_fix_utf8(out->data + from);
	out->len = from + strlen(out->data + from);
}

/* ---- is it HTML? */

/* Formats that are surely not HTML, by their first bytes (raw, before
 * any decoding). */
const char *
ex_sniff_binary(const char *doc, size_t len, int wide)
{
	const unsigned char *u = (const unsigned char *)doc;
	size_t i;

	if ((len >= 4 && memcmp(doc, "%PDF", 4) == 0) ||
	    (len >= 4 && memcmp(doc, "\x89PNG", 4) == 0) ||
	    (len >= 4 && memcmp(doc, "GIF8", 4) == 0) ||
	    (len >= 3 && memcmp(doc, "\xff\xd8\xff", 3) == 0) ||
	    (len >= 4 && memcmp(doc, "PK\x03\x04", 4) == 0) ||
	    (len >= 2 && memcmp(doc, "\x1f\x8b", 2) == 0))
		return "binary data, not an HTML page";
	/* Control bytes other than blanks (and ESC, which ISO-2022 text
	 * uses) never start a page, but fill binary files. */
	for (i = 0; !wide && i < len && i < 1024; i++)
		if (u[i] == 0 || (u[i] < 0x20 && !is_space(u[i]) &&
		    u[i] != 0x1b))
			return "binary data, not an HTML page";
	return NULL;
}

/* What the decoded page (its first bytes, NUL-terminated) is, if not
 * HTML. */
const char *
ex_sniff(const char *doc, size_t len)
{
	static const char *const tags[] = { "<html", "<!doctype html",
	    "<head", "<body", "<div", "<p>", "<p ", "<article", "<title",
	    "<meta", "<table", "<span", "<a ", "<h1", "<h2", "<section",
	    "<main", "<br", "<img", "<ul", "<script", NULL };
	const unsigned char *u = (const unsigned char *)doc;
	size_t i, n = len < 65536 ? len : 65536;
	const char *p;

	if (len == 0)
		return "empty document";
	for (i = 0; i < n && is_space(u[i]); i++)
		;
	if (i == n)
		return "empty document";
	if (u[i] == '{' || u[i] == '[')
		return "JSON, not an HTML page";
	/* The first element: a feed's root says it is a feed. */
	p = doc + i;
	while (p < doc + n && *p == '<' && (p[1] == '?' || p[1] == '!')) {
		const char *q = memchr(p, '>', (size_t)(doc + n - p));

		if (q == NULL || (p[1] == '!' &&
		    strncasecmp(p, "<!doctype html", 14) == 0))
			break;
		p = q + 1;
		while (p < doc + n && is_space((unsigned char)*p))
			p++;
	}
	if (p + 5 < doc + n && (strncasecmp(p, "<rss", 4) == 0 ||
	    strncasecmp(p, "<feed", 5) == 0 ||
	    strncasecmp(p, "<rdf:rdf", 8) == 0 ||
	    strncasecmp(p, "<opml", 5) == 0))
		return "a feed, not an HTML page";
	for (i = 0; tags[i] != NULL; i++)
		if ((p = strcasestr(doc, tags[i])) != NULL &&
		    (size_t)(p - doc) < n)
			return NULL;
	return "no HTML elements: not an HTML page";
}

