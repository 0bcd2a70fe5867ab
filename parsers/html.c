/*
 * html.c: sanitizing HTML fragments and reducing them to plain text.
 *
 * Both html_sanitize and html_to_text run libxml2's HTML parser in SAX
 * mode and write their output from the callbacks, so no tree is built:
 * time and memory stay linear in the fragment.  The parser does the hard
 * part (tokenizing, entities, implied end tags, mis-nesting), and hands
 * us balanced start/end events; we keep our own stack of open elements
 * to know which end tags we wrote.
 *
 * Input is first made valid UTF-8 (bad bytes become U+FFFD, NUL and C0
 * controls other than tab/newline/return are dropped) and wrapped in
 * "<html><body>", so that libxml2 neither guesses an encoding nor wraps
 * leading text in an implied <p>.  HTML_PARSE_IGNORE_ENC keeps a <meta
 * charset> inside the fragment from switching the encoding.
 *
 * Bounds: nesting deeper than HTML_MAXDEPTH stops the parse (what came
 * before is kept), since libxml2's HTML parser has no depth limit of its
 * own and searches its element stack for each end tag; the output is
 * capped at a multiple of the input (URL resolution can grow it).  An
 * unclosed comment ends at the first "--...>", as in feedparser, before
 * libxml2 sees the fragment (cut_comments).
 *
 * The parts: html_san.c writes what the callbacks receive (allow-lists,
 * attributes, URLs), html_css.c filters style attributes, html_fast.c is
 * the fast path; this file prepares the input, runs a parser over it and
 * holds the entry points.
 *
 * Speed: a fragment with no '<' and no '&' has no markup and is copied
 * (or, for text, whitespace-collapsed) without any parser.  Other
 * fragments first go to a strict tokenizer (html_fast_run) for the plain HTML
 * that feeds mostly carry; it feeds the same callbacks and gives up on
 * anything irregular, which libxml2 then parses.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "entry.h"
#include "html.h"
#include "html_allow.h"
#include "html_int.h"
#include "base/swar.h"
#include "base/util.h"

#define HTML_PREFIX	"<html><body>"

/*
 * Copies s[0..n) into b as valid UTF-8: invalid sequences (overlong,
 * surrogates, beyond U+10FFFF, truncated) and the noncharacters
 * U+FFFE/U+FFFF become U+FFFD; NUL and C0 controls other than tab,
 * newline and return are dropped.
 */
/* Past the run of valid 2- and 3-byte sequences at p[i..n) (none of
 * them U+FFFE or U+FFFF); i itself when there is none. */
static size_t
run23(const unsigned char *p, size_t n, size_t i)
{
	unsigned char c;

	while (i < n && (c = p[i]) >= 0xc2) {
		if (c <= 0xdf && i + 2 <= n && (p[i + 1] & 0xc0) == 0x80)
			i += 2;
		else if (c >= 0xe0 && c <= 0xef && i + 3 <= n &&
		    (p[i + 1] & 0xc0) == 0x80 && (p[i + 2] & 0xc0) == 0x80 &&
		    (c != 0xe0 || p[i + 1] >= 0xa0) &&
		    (c != 0xed || p[i + 1] < 0xa0) &&
		    (c != 0xef || p[i + 1] != 0xbf || p[i + 2] < 0xbe))
			i += 3;
		else
			break;
	}
	return i;
}

static void
utf8_clean(const char *src, size_t n, struct buf *b)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t i = 0, start = 0;

	while (i < n) {
		unsigned char c;
		size_t len = 0, k;
		uint32_t cp = 0;

		i += swar_printable_run(p + i, n - i);
		if (i >= n)
			break;
		c = p[i];
		if (c >= 0x20 && c < 0x80) {
			i++;
			continue;
		}
		if (c < 0x20) {
			if (c == '\t' || c == '\n' || c == '\r') {
				i++;
				continue;
			}
			buf_add(b, p + start, i - start);
			start = ++i;
			continue;
		}
		/* The common 2- and 3-byte sequences in one test each, a
		 * run of them (text in another script) at once. */
		if ((k = run23(p, n, i)) > i) {
			i = k;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		}
		if (len > 0 && i + len <= n) {
			for (k = 1; k < len; k++) {
				if ((p[i + k] & 0xc0) != 0x80)
					break;
				cp = (cp << 6) | (p[i + k] & 0x3f);
			}
			if (k == len && !(len == 3 && cp < 0x800) &&
			    !(len == 4 && (cp < 0x10000 || cp > 0x10ffff)) &&
			    !(cp >= 0xd800 && cp <= 0xdfff) &&
			    cp != 0xfffe && cp != 0xffff) {
				i += len;
				continue;
			}
		}
		buf_add(b, p + start, i - start);
		buf_add(b, "\xef\xbf\xbd", 3);
		start = ++i;
	}
	buf_add(b, p + start, n - start);
}

/*
 * Copies html[0..len) to b, cutting unclosed comments as feedparser
 * does: a "<!--" with no "-->" after it ends at the first "--...>", so
 * "sa<!-- -- x >fe" keeps "fe" (libxml2 alone would drop the rest).
 */
static void
cut_comments(const char *html, size_t len, struct buf *b)
{
	const char *p = html, *end = html + len, *open, *q, *gt;
	int no_close = 0;

	while ((open = memmem(p, (size_t)(end - p), "<!--", 4)) != NULL) {
		q = no_close ? NULL : memmem(open + 4,
		    (size_t)(end - open - 4), "-->", 3);
		if (q != NULL) {
			utf8_clean(p, (size_t)(q + 3 - p), b);
			p = q + 3;
			continue;
		}
		no_close = 1;	/* nor after any later "<!--": linear */
		q = memmem(open + 4, (size_t)(end - open - 4), "--", 2);
		gt = q == NULL ? NULL : memchr(q + 2, '>',
		    (size_t)(end - q - 2));
		if (gt == NULL)
			break;
		utf8_clean(p, (size_t)(open - p), b);
		p = gt + 1;
	}
	utf8_clean(p, (size_t)(end - p), b);
}

/* feedparser's SGML parser reads "<>" as an empty tag and drops it. */
static void
drop_empty_tags(struct buf *b, size_t from)
{
	char *r, *w, *end = b->data + b->len;

	r = memmem(b->data + from, b->len - from, "<>", 2);
	if (r == NULL)
		return;
	for (w = r; r < end; ) {
		if (r + 1 < end && r[0] == '<' && r[1] == '>') {
			r += 2;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	b->len = (size_t)(w - b->data);
}

/*
 * libxml2's HTML parser checks each attribute of a start tag against all
 * the earlier ones: an element with 80,000 attributes took 11 s.  Before
 * it reads the fragment, attributes past HTML_MAXATTS are cut from each
 * start tag (the sanitizer would drop nearly all of them anyway), in one
 * pass over b from byte from, in place.  Tags, attribute values, comments
 * and script/style text are told apart as libxml2 does; where the two
 * could differ, this side counts more attributes, never fewer.
 */
#define HTML_MAXATTS	32

/*
 * libxml2's HTML parser (and the sanitizer behind it) spends about a
 * microsecond on a tag, however short: 16 MiB of nothing but "<p>" (5.6
 * million tags) took 4 s.  The tags and attributes it is given (the fast
 * path's are not counted) are budgeted per document: html_budget() sets
 * it, and past it a fragment is cut where it is, like one nested too
 * deep, and further attributes are dropped.
 */
static size_t slow_tags_left = SIZE_MAX;

void
html_budget(size_t tags)
{
	slow_tags_left = tags;
}

static int
html_name_char(int c)
{
	return isalnum(c) || c == '_' || c == ':' || c == '.' || c == '-';
}

static void
limit_attributes(struct buf *b, size_t from)
{
	char *p = b->data, *end = b->data + b->len, *r, *w, *q, *mark;
	size_t natts, n;
	int raw;

	for (r = w = p + from; r < end; ) {
		if (*r != '<' || r + 1 >= end) {
			*w++ = *r++;
			continue;
		}
		if ((isalpha((unsigned char)r[1]) || r[1] == '/') &&
		    slow_tags_left-- == 0) {
			slow_tags_left = 0;
			break;
		}
		if (r[1] == '!' || r[1] == '?' || r[1] == '/') {
			/* Comment, declaration, PI or end tag: copied. */
			q = r + 4 <= end && memcmp(r, "<!--", 4) == 0 ?
			    memmem(r + 4, (size_t)(end - r - 4), "-->", 3) :
			    memchr(r + 1, '>', (size_t)(end - r - 1));
			q = q == NULL ? end : q + (*q == '-' ? 3 : 1);
			memmove(w, r, (size_t)(q - r));
			w += q - r;
			r = q;
			continue;
		}
		if (!isalpha((unsigned char)r[1]) && r[1] != '_' &&
		    r[1] != ':' && r[1] != '.') {
			*w++ = *r++;
			continue;
		}
		/* A start tag: its name, then attributes. */
		mark = r;
		for (r++; r < end && html_name_char((unsigned char)*r); r++)
			;
		n = (size_t)(r - mark - 1);
		raw = (n == 6 && strncasecmp(mark + 1, "script", 6) == 0) ||
		    (n == 5 && strncasecmp(mark + 1, "style", 5) == 0);
		memmove(w, mark, (size_t)(r - mark));
		w += r - mark;
		natts = 0;
		for (;;) {
			while (r < end && html_is_space((unsigned char)*r))
				*w++ = *r++;
			if (r >= end || *r == '>' || (*r == '/' &&
			    r + 1 < end && r[1] == '>'))
				break;
			mark = r;
			if (isalpha((unsigned char)*r) || *r == '_' ||
			    *r == ':' || *r == '.') {
				while (r < end &&
				    html_name_char((unsigned char)*r))
					r++;
				for (q = r; q < end &&
				    html_is_space((unsigned char)*q); q++)
					;
				if (q < end && *q == '=') {
					for (q++; q < end && html_is_space(
					    (unsigned char)*q); q++)
						;
					r = q;
					if (r < end && (*r == '"' ||
					    *r == '\'')) {
						q = memchr(r + 1, *r,
						    (size_t)(end - r - 1));
						r = q == NULL ? end : q + 1;
					} else
						while (r < end && *r != '>' &&
						    !html_is_space(
						    (unsigned char)*r))
							r++;
				}
			} else
				/* Not a name: libxml2 skips it to a blank. */
				while (r < end && *r != '>' &&
				    !html_is_space((unsigned char)*r) &&
				    (*r != '/' || r + 1 >= end ||
				    r[1] != '>'))
					r++;
			if (r == mark)
				r++;
			if (++natts <= HTML_MAXATTS && slow_tags_left > 0) {
				slow_tags_left--;
				memmove(w, mark, (size_t)(r - mark));
				w += r - mark;
			}
		}
		if (r < end && *r == '/') {
			*w++ = *r++;
			raw = 0;
		}
		if (r < end)
			*w++ = *r++;
		if (raw) {
			/* Script and style text runs to "</script" or
			 * "</style": no tags in it. */
			for (q = r; (q = memmem(q, (size_t)(end - q), "</",
			    2)) != NULL; q += 2)
				if ((size_t)(end - q - 2) >= n &&
				    strncasecmp(q + 2, n == 6 ? "script" :
				    "style", n) == 0)
					break;
			q = q == NULL ? end : q;
			memmove(w, r, (size_t)(q - r));
			w += q - r;
			r = q;
		}
	}
	*w = '\0';
	b->len = (size_t)(w - b->data);
}

char *
html_cut_attributes(const char *html, size_t len, size_t *outlen)
{
	struct buf b;
	size_t saved = slow_tags_left;

	/* A copy of html[0..len), which the cut only shortens. */
	buf_init(&b, BUF_UNCAPPED);
	buf_add(&b, html, len);
	buf_addch(&b, '\0');
	b.len = len;
	/* Only the attribute cut: the tag budget is the feed parser's. */
	slow_tags_left = SIZE_MAX;
	limit_attributes(&b, 0);
	slow_tags_left = saved;
	*outlen = b.len;
	return buf_steal(&b);
}

/* Runs the parser over html[0..len) with s collecting the output. */
static void
run(struct san *s, const char *html, size_t len)
{
	static htmlSAXHandler sax;
	struct buf in;

	if (sax.initialized == 0) {
		xmlInitParser();
		html_san_sax(&sax);
	}
	/* HTML_PREFIX and a cleaned copy of html[0..len): at most three
	 * times it (an invalid byte becomes U+FFFD). */
	buf_init(&in, BUF_UNCAPPED);
	buf_addstr(&in, HTML_PREFIX);
	/*
	 * The fast path refuses "<!" and "<>", so it needs neither
	 * cut_comments nor drop_empty_tags: only libxml2's input does.
	 */
	if (!html_fast_disabled && len < INT32_MAX) {
		utf8_clean(html, len, &in);
		if (html_fast_run(s, in.data + strlen(HTML_PREFIX)) == 0)
			goto out;
		/* Start again with libxml2. */
		buf_clear(&s->out);
		s->skip = s->depth = s->svg = s->math = s->full = 0;
		buf_clear(&in);
		buf_addstr(&in, HTML_PREFIX);
	}
	cut_comments(html, len, &in);
	drop_empty_tags(&in, strlen(HTML_PREFIX));
	limit_attributes(&in, strlen(HTML_PREFIX));
	if (in.len > INT32_MAX)
		goto out;
	s->ctxt = htmlCreateMemoryParserCtxt(in.data, (int)in.len);
	if (s->ctxt == NULL)
		goto out;
	/* Otherwise libxml2 reads the first non-ASCII byte as Latin-1. */
	xmlSwitchEncoding(s->ctxt, XML_CHAR_ENCODING_UTF8);
	memcpy(s->ctxt->sax, &sax, sizeof(sax));
	s->ctxt->userData = s;
	htmlCtxtUseOptions(s->ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC |
	    HTML_PARSE_NODEFDTD | HTML_PARSE_RECOVER);
	htmlParseDocument(s->ctxt);
	/* Close what a stopped parse left open. */
	while (s->depth > 0)
		html_san_end(s, NULL);
	htmlFreeParserCtxt(s->ctxt);
	s->ctxt = NULL;
out:
	buf_reset(&in);
}

/* Markup, or C1 controls to map: the copy-only path would not do. */
static int
has_markup(const char *html, size_t len)
{
	return memchr(html, '<', len) != NULL ||
	    memchr(html, '&', len) != NULL ||
	    memchr(html, '\xc2', len) != NULL;
}

/*
 * html[0..len) through the sanitizer into a string: markup as HTML, or
 * only its text (text_only), the output cut past cap bytes.  Text with no
 * markup at all is only cleaned.
 */
static char *
sanitize(const char *html, size_t len, const char *base, int text_only,
    size_t cap)
{
	struct san san, *s = &san;

	/* The element stack is written before it is read: skip it. */
	memset(s, 0, offsetof(struct san, stack));
	buf_init(&s->out, cap);
	if (!has_markup(html, len))
		utf8_clean(html, len, &s->out);
	else {
		s->base = base;
		s->text_only = text_only;
		run(s, html, len);
	}
	return buf_steal(&s->out);
}

char *
html_sanitize(const char *html, size_t len, const char *base)
{
	if (html == NULL || len == 0)
		return NULL;
	/* Room for escaping and resolved URLs, but not without end: past
	 * three times the input, the rest is cut. */
	return str_trim(sanitize(html, len, base, 0,
	    len < SIZE_MAX / 16 ? len * 3 + 65536 : 0), WS_SPACE);
}

char *
html_to_text(const char *html, size_t len)
{
	if (html == NULL || len == 0)
		return NULL;
	return feed_collapse(sanitize(html, len, NULL, 1,
	    len < SIZE_MAX / 4 ? len * 2 + 64 : 0), FEED_BLANKS_HTML);
}

char *
html_escape(const char *text, size_t len)
{
	struct san s;
	struct buf clean;

	memset(&s, 0, sizeof(s));
	/* text[0..len) cleaned, then escaped: a few times its length. */
	buf_init(&s.out, BUF_UNCAPPED);
	buf_init(&clean, BUF_UNCAPPED);
	if (text != NULL && len > 0) {
		utf8_clean(text, len, &clean);
		html_san_add_escaped(&s, clean.data, clean.len, ESC_TEXT);
	}
	buf_reset(&clean);
	return buf_steal(&s.out);
}
