/*
 * entry.c: the model's helpers: the clean-up every entry and the feed's
 * fields get before the caller sees them, whitespace collapsing, and the
 * deep copy and release of the model's structs.
 *
 * feed_emit is the one door from a format parser to the sink: strings
 * forced to valid UTF-8, empty strings made NULL, C1 controls in text
 * read as windows-1252, links that are not web links dropped, so every
 * reader can be a little careless and the model stays clean.  Nothing
 * here knows a format.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "model.h"
#include "mojibake.h"
#include "uri.h"
#include "base/swar.h"
#include "base/util.h"

const char *
feed_format_name(enum feed_format format)
{
	switch (format) {
	case FEED_FORMAT_RSS090:	return "rss0.90";
	case FEED_FORMAT_RSS09X:	return "rss0.9x";
	case FEED_FORMAT_RSS10:		return "rss1.0";
	case FEED_FORMAT_RSS20:		return "rss2.0";
	case FEED_FORMAT_RSS:		return "rss";
	case FEED_FORMAT_ATOM03:	return "atom0.3";
	case FEED_FORMAT_ATOM10:	return "atom1.0";
	case FEED_FORMAT_ATOM:		return "atom";
	case FEED_FORMAT_JSON10:	return "json1.0";
	case FEED_FORMAT_JSON11:	return "json1.1";
	case FEED_FORMAT_CDF:		return "cdf";
	case FEED_FORMAT_UNKNOWN:	break;
	}
	return NULL;
}

/*
 * Every string of every entry goes through here, so the common case is
 * made cheap: runs of printable ASCII are found sixteen or eight bytes
 * at a time (swar_printable_run) and, once something was dropped, moved
 * whole.
 */
void
feed_fix_utf8(char *s)
{
	unsigned char *r, *w, *end, *q;
	size_t n, i;
	uint32_t c;

	if (s == NULL)
		return;
	r = w = (unsigned char *)s;
	end = r + strlen(s);
	/*
	 * Most strings are valid: until the first byte to drop, nothing
	 * moves, and a 2- or 3-byte sequence is checked in one go.
	 */
	while (r < end) {
		r += swar_printable_run(r, (size_t)(end - r));
		if (r >= end)
			break;
		if (*r < 0x80) {
			if (*r < 0x20 && *r != '\t' && *r != '\n' &&
			    *r != '\r')
				break;
			r++;
			continue;
		}
		/* A run of 2- and 3-byte sequences at once. */
		q = r;
		while (*q >= 0xc2) {
			if (*q <= 0xdf && (q[1] & 0xc0) == 0x80)
				q += 2;
			else if (*q >= 0xe0 && *q <= 0xef &&
			    (q[1] & 0xc0) == 0x80 && (q[2] & 0xc0) == 0x80 &&
			    (*q != 0xe0 || q[1] >= 0xa0) &&
			    (*q != 0xed || q[1] < 0xa0))
				q += 3;
			else
				break;
		}
		if (q == r)
			break;
		r = q;
	}
	w = r;
	while (r < end) {
		n = swar_printable_run(r, (size_t)(end - r));
		memmove(w, r, n);
		r += n;
		w += n;
		if (r >= end)
			break;
		if (*r < 0x80) {
			if (*r >= 0x20 || *r == '\t' || *r == '\n' ||
			    *r == '\r')
				*w++ = *r;
			r++;
			continue;
		}
		if (*r >= 0xc2 && *r <= 0xdf)
			n = 1, c = *r & 0x1f;
		else if (*r >= 0xe0 && *r <= 0xef)
			n = 2, c = *r & 0x0f;
		else if (*r >= 0xf0 && *r <= 0xf4)
			n = 3, c = *r & 0x07;
		else {
			r++;
			continue;
		}
		/* The terminating NUL fails the test, so no overrun. */
		for (i = 1; i <= n; i++) {
			if ((r[i] & 0xc0) != 0x80)
				break;
			c = (c << 6) | (r[i] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF are
		 * as invalid as a broken sequence. */
		if (i <= n || (n == 2 && c < 0x800) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff)) {
			r++;
			continue;
		}
		/* w <= r: a forward copy is safe. */
		for (i = 0; i <= n; i++)
			w[i] = r[i];
		w += n + 1;
		r += n + 1;
	}
	*w = '\0';
}

/* The length of the blank at p under set blanks: 0 if p[0] is none. */
static size_t
blank_len(const unsigned char *p, enum feed_blanks blanks)
{
	switch (p[0]) {
	case ' ':
	case '\t':
	case '\n':
	case '\r':
		return 1;
	case '\f':
	case '\v':
		return blanks != FEED_BLANKS_XML;
	case 0xc2:
		return blanks == FEED_BLANKS_HTML_NBSP && p[1] == 0xa0 ? 2 : 0;
	default:
		return 0;
	}
}

char *
feed_collapse(char *s, enum feed_blanks blanks)
{
	char *r, *w;
	size_t n;
	int pending = 0;

	if (s == NULL)
		return NULL;
	r = w = s;
	while (*r != '\0') {
		n = blank_len((const unsigned char *)r, blanks);
		if (n > 0) {
			/* Leading blanks leave nothing to separate. */
			pending = w != s;
			r += n;
			continue;
		}
		if (pending)
			*w++ = ' ';
		pending = 0;
		*w++ = *r++;
	}
	*w = '\0';
	if (w == s) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * C1 controls (U+0080-U+009F) read as windows-1252, as feedparser does for
 * every value it hands out: they are never text, but cp1252 bytes that
 * were mis-decoded or references such as &#146; ("don&#146;t").  The five
 * code points cp1252 leaves undefined stay.  html.c does the same for the
 * HTML it writes; this covers the plain-text fields.
 */
static void
fix_c1(char **p)
{
	static const uint16_t cp[32] = {
		0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
		0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178
	};
	unsigned char *s = (unsigned char *)*p, *q, *out, *w;
	unsigned int c;

	for (q = s; (q = (unsigned char *)strchr((char *)q, 0xc2)) != NULL;
	    q++)
		if (q[1] >= 0x80 && q[1] < 0xa0 && cp[q[1] - 0x80] >= 0x100)
			break;
	if (q == NULL)
		return;
	/* Each 2-byte C1 becomes at most 3 bytes. */
	out = w = xmalloc(strlen((char *)s) / 2 * 3 + 2);
	memcpy(w, s, (size_t)(q - s));
	w += q - s;
	while (*q != '\0') {
		if (q[0] == 0xc2 && q[1] >= 0x80 && q[1] < 0xa0) {
			c = cp[q[1] - 0x80];
			q += 2;
			w += utf8_encode(c, (char *)w);
		} else
			*w++ = *q++;
	}
	*w = '\0';
	free(*p);
	*p = (char *)out;
}

/* Valid UTF-8, and "" made NULL: the contract treats both as missing. */
static void
fix_str(char **p)
{
	if (*p == NULL)
		return;
	feed_fix_utf8(*p);
	if (**p == '\0') {
		free(*p);
		*p = NULL;
	}
}

/* fix_str, C1 controls mapped and double-encoded UTF-8 repaired: for
 * text and HTML, not for ids and URLs, which are kept as written. */
static void
fix_text(char **p)
{
	fix_str(p);
	if (*p != NULL) {
		fix_c1(p);
		mojibake_repair(*p);
	}
}

/*
 * fix_str, and a link readers could be made to follow into script or
 * elsewhere (javascript:, vbscript:, data:, file:) dropped: every
 * dialect's links, entries' and enclosures' and the feed's, pass here,
 * and feedd republishes them as links.
 */
static void
fix_link(char **p)
{
	fix_str(p);
	if (*p != NULL && !uri_is_web(*p, 0)) {
		free(*p);
		*p = NULL;
	}
}

int
feed_emit(struct feed_run *run, struct entry *e)
{
	size_t i, j;

	if (run->seen++ < run->delivered)
		return 0;
	fix_str(&e->id);
	fix_text(&e->title);
	fix_link(&e->link);
	fix_text(&e->author);
	fix_text(&e->summary);
	fix_text(&e->content);
	for (i = j = 0; i < e->ncategories; i++) {
		fix_text(&e->categories[i]);
		if (e->categories[i] != NULL)
			e->categories[j++] = e->categories[i];
	}
	e->ncategories = j;
	for (i = j = 0; i < e->nenclosures; i++) {
		fix_link(&e->enclosures[i].url);
		fix_str(&e->enclosures[i].type);
		if (e->enclosures[i].url == NULL) {
			free(e->enclosures[i].type);
			continue;
		}
		e->enclosures[j++] = e->enclosures[i];
	}
	e->nenclosures = j;
	if (run->sink == NULL || run->sink->entry == NULL)
		return 0;
	if (run->sink->entry(run->sink->arg, e, &run->sink_err) == -1) {
		run->aborted = 1;
		return -1;
	}
	return 0;
}

void
feed_info_fix(struct feed_info *info)
{
	fix_text(&info->title);
	fix_link(&info->link);
	fix_str(&info->id);
	fix_text(&info->author);
	fix_str(&info->language);
	fix_text(&info->subtitle);
}

void
feed_info_reset(struct feed_info *info)
{
	free(info->title);
	free(info->link);
	free(info->id);
	free(info->author);
	free(info->language);
	free(info->subtitle);
	memset(info, 0, sizeof(*info));
	info->updated = FEED_NO_DATE;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
entry_copy(struct entry *dst, const struct entry *src)
{
	size_t i;

	dst->id = dup_or_null(src->id);
	dst->title = dup_or_null(src->title);
	dst->link = dup_or_null(src->link);
	dst->author = dup_or_null(src->author);
	dst->summary = dup_or_null(src->summary);
	dst->content = dup_or_null(src->content);
	dst->published = src->published;
	dst->updated = src->updated;
	dst->ncategories = src->ncategories;
	dst->categories = NULL;
	if (src->ncategories > 0) {
		dst->categories = xreallocarray(NULL, src->ncategories,
		    sizeof(char *));
		for (i = 0; i < src->ncategories; i++)
			dst->categories[i] = xstrdup(src->categories[i]);
	}
	dst->nenclosures = src->nenclosures;
	dst->enclosures = NULL;
	if (src->nenclosures > 0) {
		dst->enclosures = xreallocarray(NULL, src->nenclosures,
		    sizeof(struct enclosure));
		for (i = 0; i < src->nenclosures; i++) {
			dst->enclosures[i].url =
			    dup_or_null(src->enclosures[i].url);
			dst->enclosures[i].type =
			    dup_or_null(src->enclosures[i].type);
			dst->enclosures[i].length = src->enclosures[i].length;
		}
	}
}

void
entry_reset(struct entry *e)
{
	size_t i;

	free(e->id);
	free(e->title);
	free(e->link);
	free(e->author);
	free(e->summary);
	free(e->content);
	for (i = 0; i < e->ncategories; i++)
		free(e->categories[i]);
	free(e->categories);
	for (i = 0; i < e->nenclosures; i++) {
		free(e->enclosures[i].url);
		free(e->enclosures[i].type);
	}
	free(e->enclosures);
	memset(e, 0, sizeof(*e));
	e->published = e->updated = FEED_NO_DATE;
}
