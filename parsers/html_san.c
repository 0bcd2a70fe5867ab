/*
 * html_san.c: the sanitizer's writer: what the SAX callbacks of either
 * parser (libxml2's HTML parser, html_fast.c) write for each element,
 * attribute and run of text.
 *
 * The sanitizer follows feedparser: allowed elements are written with
 * their allowed attributes; script, style and applet go with their
 * content; other elements go and their text stays; comments, processing
 * instructions and doctypes go.  style attributes are filtered by
 * feedparser's rules (html_css_clean); URL attributes of allowed pairs are
 * resolved against the base, and a URL with an unsafe scheme becomes "".
 * Unlike feedparser, the scheme check covers every URL attribute, also
 * when there is no base (feedparser checks only href then).  Also unlike
 * feedparser: a stray </script> with no script open changes nothing here,
 * where feedparser's counter of dropped elements goes below zero: it
 * writes text only while the counter is zero, so the text after the
 * stray tag is lost and the body of the next <script> is shown ("a</
 * script>b<b>c</b>d<script>e</script>f" gives "a<b></b>e").  Its
 * *_crazy test cases expect exactly that.  Losing an article's text
 * after a stray end tag, as real pages leave behind (document.write),
 * and showing script source instead is wrong for an aggregator.
 *
 * Inline SVG and MathML are kept as feedparser keeps them (their own
 * allow-lists, the namespace implied when missing, mixed-case SVG names
 * restored), but only as static pictures and formulas: html_allow.c's
 * lists have no animation (SMIL's set/animate could rewrite an href
 * after any check here) and nothing that embeds other markup; inside
 * <svg> or <math> no element of another vocabulary is written, input
 * namespace declarations are never copied, href and xlink:href take the
 * URL check and, in SVG off <a>, must point into the document ("#id"),
 * as must url() in SVG paint values.
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

#include "html_allow.h"
#include "html_int.h"
#include "uri.h"
#include "base/swar.h"
#include "base/util.h"

#define SVG_NS		"http://www.w3.org/2000/svg"
#define MATHML_NS	"http://www.w3.org/1998/Math/MathML"
#define XLINK_NS	"http://www.w3.org/1999/xlink"

/*
 * Windows-1252 for U+0080..U+009F: C1 controls are never text, and in
 * feeds they are cp1252 bytes mis-decoded or numeric references such as
 * &#146; (feedparser and HTML5 browsers read those as cp1252 too).  The
 * five code points cp1252 leaves undefined stay as they are.
 */
static const char *const c1_map[32] = {
	"\xe2\x82\xac", NULL, "\xe2\x80\x9a", "\xc6\x92", "\xe2\x80\x9e",
	"\xe2\x80\xa6", "\xe2\x80\xa0", "\xe2\x80\xa1", "\xcb\x86",
	"\xe2\x80\xb0", "\xc5\xa0", "\xe2\x80\xb9", "\xc5\x92", NULL,
	"\xc5\xbd", NULL, NULL, "\xe2\x80\x98", "\xe2\x80\x99",
	"\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\xa2", "\xe2\x80\x93",
	"\xe2\x80\x94", "\xcb\x9c", "\xe2\x84\xa2", "\xc5\xa1",
	"\xe2\x80\xba", "\xc5\x93", NULL, "\xc5\xbe", "\xc5\xb8",
};

/* The bytes html_san_add_escaped may have to replace. */
static const unsigned char esc_special[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, [0xc2] = 1,
};

void
html_san_add_escaped(struct san *s, const char *p, size_t n, enum esc mode)
{
	size_t i, start = 0, skip;
	const char *rep;
	uint64_t x, m;

	for (i = 0; i < n; i++) {
		/* Eight bytes at a time to the next special one: '"'
		 * and '&' differ only in bit 2, '<' and '>' in bit 1. */
#ifdef SWAR_V16
		while (n - i >= 16) {
			__m128i v = v16_load(p + i);
			unsigned b = v16_bits(_mm_or_si128(_mm_or_si128(
			    v16_eq(_mm_or_si128(v, _mm_set1_epi8(0x04)), '&'),
			    v16_eq(_mm_or_si128(v, _mm_set1_epi8(0x02)), '>')),
			    v16_eq(v, 0xc2)));

			if (b != 0) {
				i += v16_first(b);
				break;
			}
			i += 16;
		}
#endif
		while (n - i >= 8) {
			x = swar_load(p + i);
			m = swar_eq(x | 0x04 * SWAR_ONES, '&') |
			    swar_eq(x | 0x02 * SWAR_ONES, '>') |
			    swar_eq(x, 0xc2);
			if (m != 0) {
				i += swar_first(m);
				break;
			}
			i += 8;
		}
		while (i < n && !esc_special[(unsigned char)p[i]])
			i++;
		if (i == n)
			break;
		skip = 1;
		switch (p[i]) {
		case '&':
			rep = mode != ESC_NONE ? "&amp;" : NULL;
			break;
		case '<':
			rep = mode != ESC_NONE ? "&lt;" : NULL;
			break;
		case '>':
			rep = mode != ESC_NONE ? "&gt;" : NULL;
			break;
		case '"':
			rep = mode == ESC_ATTR ? "&quot;" : NULL;
			break;
		case '\xc2':
			rep = NULL;
			if (i + 1 < n && (unsigned char)p[i + 1] >= 0x80 &&
			    (unsigned char)p[i + 1] <= 0x9f) {
				rep = c1_map[(unsigned char)p[i + 1] - 0x80];
				skip = 2;
			}
			break;
		default:
			rep = NULL;
			break;
		}
		if (rep == NULL)
			continue;
		if (buf_add(&s->out, p + start, i - start) == -1 ||
		    buf_addstr(&s->out, rep) == -1)
			s->full = 1;
		i += skip - 1;
		start = i + 1;
	}
	if (buf_add(&s->out, p + start, n - start) == -1)
		s->full = 1;
}

static void
add(struct san *s, const char *p)
{
	if (buf_addstr(&s->out, p) == -1)
		s->full = 1;
}

/* 1 if value is a reference inside this document ("#id"). */
static int
is_fragment(const char *value)
{
	while (html_is_space((unsigned char)*value))
		value++;
	return value[0] == '#';
}

/*
 * SVG paints and markers may name a paint server or marker with url():
 * only one in the same document ("url(#g)") is kept, so that no value
 * makes the reader fetch anything.  A backslash could spell "url" as a
 * CSS escape: such a value goes too.
 */
static int
svg_value_ok(const char *value)
{
	const char *p;

	if (strchr(value, '\\') != NULL)
		return 0;
	for (p = value; (p = strchr(p, '(')) != NULL; p++) {
		const char *q = p + 1;

		if (p - value < 3 || strncasecmp(p - 3, "url", 3) != 0)
			continue;
		while (html_is_space((unsigned char)*q) || *q == '"' ||
		    *q == '\'')
			q++;
		if (*q != '#')
			return 0;
	}
	return 1;
}

/* Writes one attribute if allowed; 1 if written. */
static int
write_attr(struct san *s, enum allow_table set, const char *tag,
    const char *name, const char *value)
{
	char pair[128];
	char *owned = NULL;
	size_t i;
	unsigned m = allow_mask(name);

	if (!ALLOW_IN(m, set))
		return 0;
	if (value == NULL)
		value = name;		/* <input checked>, as sgmllib */
	if (set == ALLOW_SVG_ATTRIBUTE && !svg_value_ok(value))
		return 0;
	/*
	 * In SVG only <a> is a link; elsewhere (use, gradients) href
	 * points into the picture, and anything else would fetch (or,
	 * in <use>, embed) a document from outside.
	 */
	if (set == ALLOW_SVG_ATTRIBUTE && ALLOW_IN(m, ALLOW_URL_ATTR) &&
	    strcmp(tag, "a") != 0 && !is_fragment(value))
		return 0;
	if (strcmp(name, "style") == 0) {
		owned = html_css_clean(value, s->svg > 0);
		if (owned[0] == '\0') {
			free(owned);
			return 0;
		}
		value = owned;
	} else if (strcmp(name, "rel") == 0 || strcmp(name, "type") == 0) {
		owned = xstrdup(value);
		for (i = 0; owned[i] != '\0'; i++)
			owned[i] = (char)tolower((unsigned char)owned[i]);
		value = owned;
	} else if (ALLOW_IN(m, ALLOW_URL_ATTR)) {
		/* Judge what was written too: "java\tscript:" is not
		 * relative to a browser, even if RFC 3986 says it is. */
		if (uri_is_unsafe(value))
			value = "";
		else if (s->base != NULL && strlen(tag) + strlen(name) + 2 <=
		    sizeof(pair)) {
			strcpy(pair, tag);
			strcat(pair, "/");
			strcat(pair, name);
			if (allow_has(ALLOW_RELATIVE, pair))
				owned = uri_resolve(s->base, value);
		}
		if (owned != NULL)
			value = owned;
		if (uri_is_unsafe(value))
			value = "";
	}
	add(s, " ");
	add(s, set == ALLOW_SVG_ATTRIBUTE ? allow_svg_name(name) : name);
	add(s, "=\"");
	html_san_add_escaped(s, value, strlen(value), ESC_ATTR);
	add(s, "\"");
	free(owned);
	return 1;
}

static const char *
attr_value(const xmlChar **atts, const char *name, int *found)
{
	int i;

	*found = 0;
	for (i = 0; atts != NULL && atts[i] != NULL; i += 2)
		if (strcmp((const char *)atts[i], name) == 0) {
			*found = 1;
			return atts[i + 1] == NULL ? "" :
			    (const char *)atts[i + 1];
		}
	return NULL;
}

/*
 * Decides how an element outside the HTML allow-list may still be
 * written, as feedparser does for inline SVG and MathML: <svg>/<math>
 * with their namespace (implied when missing, as in HTML5) open a scope
 * in which their own elements and attributes are allowed.  Returns the
 * attribute table to use, or -1 to drop the element; may set *xmlns to
 * the namespace to declare.
 *
 * Inside a scope only that scope's elements are written (feedparser
 * does so for SVG): an HTML element there would be an element of the
 * foreign namespace to a browser (an SVG <a> is a link with its own
 * attributes), or would end the scope early and let the browser read
 * the rest differently from us.  A namespace given in the input is only
 * checked, never copied: the output declares exactly SVG's, MathML's
 * and, where an xlink attribute is written, XLink's.
 */
static int
foreign(struct san *s, struct san_frame *f, const xmlChar **atts,
    const char **xmlns, int allowed)
{
	const char *ns;
	int found;

	ns = attr_value(atts, "xmlns", &found);
	if (s->svg > 0) {
		if (!allow_has(ALLOW_SVG_ELEMENT, f->name))
			return -1;
	} else if (s->math > 0) {
		if (!allow_has(ALLOW_MATHML_ELEMENT, f->name))
			return -1;
	}
	if (strcmp(f->name, "math") == 0 && s->svg == 0 &&
	    (!found || strcmp(ns, MATHML_NS) == 0)) {
		s->math++;
		f->ns = 2;
		*xmlns = MATHML_NS;
	}
	if (strcmp(f->name, "svg") == 0 && s->math == 0 &&
	    (!found || strcmp(ns, SVG_NS) == 0)) {
		s->svg++;
		f->ns = 1;
		*xmlns = SVG_NS;
	}
	if (s->math > 0 && allow_has(ALLOW_MATHML_ELEMENT, f->name))
		return ALLOW_MATHML_ATTRIBUTE;
	if (s->svg > 0 && allow_has(ALLOW_SVG_ELEMENT, f->name)) {
		f->name = allow_svg_name(f->name);
		return ALLOW_SVG_ATTRIBUTE;
	}
	if (!allowed || s->svg > 0 || s->math > 0)
		return -1;
	return ALLOW_ATTRIBUTE;
}

void
html_san_start(struct san *s, const char *name, const xmlChar **atts,
    unsigned mask)
{
	const char *xmlns = NULL;
	struct san_frame *f;
	int i, set = ALLOW_ATTRIBUTE, allowed, xlink = 0;

	if (s->full)
		return;
	if (s->depth >= HTML_MAXDEPTH) {
		/* Deeper than any real page: stop here, keep the rest. */
		xmlStopParser(s->ctxt);
		return;
	}
	f = &s->stack[s->depth++];
	f->name = name;
	f->mask = mask;
	f->written = 0;
	f->dropping = 0;
	f->ns = 0;
	if (ALLOW_IN(mask, ALLOW_DROPPED)) {
		f->dropping = 1;
		s->skip++;
		return;
	}
	if (s->skip > 0 || s->text_only)
		return;
	allowed = ALLOW_IN(mask, ALLOW_ELEMENT);
	if (!allowed || s->svg > 0 || s->math > 0) {
		set = foreign(s, f, atts, &xmlns, allowed);
		if (set < 0)
			return;
	}
	f->written = 1;
	add(s, "<");
	add(s, f->name);
	for (i = 0; atts != NULL && atts[i] != NULL; i += 2)
		if (write_attr(s, (enum allow_table)set, name,
		    (const char *)atts[i], (const char *)atts[i + 1]) &&
		    strncmp((const char *)atts[i], "xlink:", 6) == 0)
			xlink = 1;
	if (xmlns != NULL) {
		add(s, " xmlns=\"");
		add(s, xmlns);
		add(s, "\"");
	}
	/* xlink:* attributes need their namespace declared. */
	if (xlink)
		add(s, " xmlns:xlink=\"" XLINK_NS "\"");
	/* f->name may be the SVG spelling now; no void element has one. */
	add(s, ALLOW_IN(mask, ALLOW_VOID) ? " />" : ">");
}

static void
sax_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	html_san_start(ctx, (const char *)xname, atts,
	    allow_mask((const char *)xname));
}

void
html_san_end(void *ctx, const xmlChar *xname)
{
	struct san *s = ctx;
	struct san_frame *f;

	(void)xname;
	if (s->depth == 0)
		return;
	f = &s->stack[--s->depth];
	if (f->dropping && s->skip > 0)
		s->skip--;
	if (f->ns == 1 && s->svg > 0)
		s->svg--;
	if (f->ns == 2 && s->math > 0)
		s->math--;
	if (f->written && !ALLOW_IN(f->mask, ALLOW_VOID)) {
		add(s, "</");
		add(s, f->name);
		add(s, ">");
	}
}

void
html_san_text(void *ctx, const xmlChar *ch, int len)
{
	struct san *s = ctx;

	if (s->skip > 0 || s->full || len <= 0)
		return;
	html_san_add_escaped(s, (const char *)ch, (size_t)len,
	    s->text_only ? ESC_NONE : ESC_TEXT);
	if (s->full)
		xmlStopParser(s->ctxt);
}

static void
sax_quiet(void *ctx, const xmlError *err)
{
	(void)ctx;
	(void)err;
}

void
html_san_sax(htmlSAXHandler *sax)
{
	memset(sax, 0, sizeof(*sax));
	sax->startElement = sax_start;
	sax->endElement = html_san_end;
	sax->characters = html_san_text;
	sax->ignorableWhitespace = html_san_text;
	sax->cdataBlock = html_san_text;
	/* Our own quiet handler, whatever the global one does. */
	sax->serror = (xmlStructuredErrorFunc)sax_quiet;
	sax->initialized = XML_SAX2_MAGIC;
}
