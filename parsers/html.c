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
 * The sanitizer follows feedparser: allowed elements are written with
 * their allowed attributes; script, style and applet go with their
 * content; other elements go and their text stays; comments, processing
 * instructions and doctypes go.  style attributes are filtered by
 * feedparser's rules (css_clean); URL attributes of allowed pairs are
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
 * Bounds: nesting deeper than HTML_MAXDEPTH stops the parse (what came
 * before is kept), since libxml2's HTML parser has no depth limit of its
 * own and searches its element stack for each end tag; the output is
 * capped at a multiple of the input (URL resolution can grow it).
 *
 * Inline SVG and MathML are kept as feedparser keeps them (their own
 * allow-lists, the namespace implied when missing, mixed-case SVG names
 * restored), but only as static pictures and formulas: html_allow.c's
 * lists have no animation (SMIL's set/animate could rewrite an href
 * after any check here) and nothing that embeds other markup; inside
 * <svg> or <math> no element of another vocabulary is written, input
 * namespace declarations are never copied, href and xlink:href take the
 * URL check and, in SVG off <a>, must point into the document ("#id"),
 * as must url() in SVG paint values.  An unclosed comment ends at the
 * first "--...>", as in feedparser, before libxml2 sees the fragment.
 *
 * Speed: a fragment with no '<' and no '&' has no markup and is copied
 * (or, for text, whitespace-collapsed) without any parser.  Other
 * fragments first go to a strict tokenizer (fast_run) for the plain HTML
 * that feeds mostly carry; it feeds the same callbacks and gives up on
 * anything irregular, which libxml2 then parses.  libxml2's HTML SAX
 * parser alone runs at about 60 MB/s; with the fast path the sanitizer
 * runs at about 150 MB/s on typical feed content.  The one difference
 * in output: where libxml2 would close an element implicitly (a <div>
 * inside a <p>), the fast path keeps the nesting as written, as
 * feedparser does.  Both outputs are balanced and filtered alike.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "html.h"
#include "html_allow.h"
#include "uri.h"
#include "util.h"

#define HTML_MAXDEPTH	256
#define HTML_PREFIX	"<html><body>"

#define SVG_NS		"http://www.w3.org/2000/svg"
#define MATHML_NS	"http://www.w3.org/1998/Math/MathML"
#define XLINK_NS	"http://www.w3.org/1999/xlink"

struct frame {
	const char	*name;		/* as written (dictionary or table) */
	unsigned	 mask;		/* allow_mask(name) */
	unsigned char	 written;	/* start tag written */
	unsigned char	 dropping;	/* opened a dropped element */
	unsigned char	 ns;		/* opened <svg> (1) or <math> (2) */
};

struct san {
	struct buf		 out;
	const char		*base;
	int			 text_only;	/* html_to_text */
	int			 skip;		/* inside script/style/... */
	int			 depth;
	int			 svg, math;	/* open <svg>/<math> with ns */
	int			 full;		/* out hit its cap */
	htmlParserCtxtPtr	 ctxt;
	struct frame		 stack[HTML_MAXDEPTH];
};

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

/* The bytes add_escaped may have to replace. */
static const unsigned char esc_special[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, [0xc2] = 1,
};

enum esc {
	ESC_NONE,	/* plain text out (html_to_text) */
	ESC_TEXT,	/* &, <, > */
	ESC_ATTR	/* &, <, >, " */
};

/* Appends p[0..n), escaped as mode says, C1 controls mapped. */
static void
add_escaped(struct san *s, const char *p, size_t n, enum esc mode)
{
	size_t i, start = 0, skip;
	const char *rep;

	for (i = 0; i < n; i++) {
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

/*
 * Copies s[0..n) into b as valid UTF-8: invalid sequences (overlong,
 * surrogates, beyond U+10FFFF, truncated) and the noncharacters
 * U+FFFE/U+FFFF become U+FFFD; NUL and C0 controls other than tab,
 * newline and return are dropped.
 */
static void
utf8_clean(const char *src, size_t n, struct buf *b)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t i = 0, start = 0;

	while (i < n) {
		unsigned char c;
		size_t len = 0;
		uint32_t cp = 0;
		uint64_t w;

		/* Eight printable ASCII bytes at a time: no byte with the
		 * top bit set, none below 0x20. */
		while (i + 8 <= n) {
			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ULL) != 0 ||
			    ((w - 0x2020202020202020ULL) & ~w &
			    0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
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
			size_t k;

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

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* Collapses runs of whitespace in place and trims; NULL (freed) if empty. */
static char *
collapse(char *s)
{
	char *r = s, *w = s;
	int pending = 0;

	for (; *r != '\0'; r++) {
		if (is_space((unsigned char)*r)) {
			pending = w != s;
			continue;
		}
		if (pending)
			*w++ = ' ';
		pending = 0;
		*w++ = *r;
	}
	*w = '\0';
	if (w == s) {
		free(s);
		return NULL;
	}
	return s;
}

/* Trims in place; NULL (freed) if nothing is left. */
static char *
trim(char *s)
{
	size_t n, i = 0;

	n = strlen(s);
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i == n) {
		free(s);
		return NULL;
	}
	memmove(s, s + i, n - i);
	s[n - i] = '\0';
	return s;
}

/* ---- CSS: feedparser's sanitize_style, without regular expressions. */

static int
css_word(int c)
{
	/* Python's \w on text: letters, digits, _ and non-ASCII. */
	return isalnum(c) || c == '_' || c >= 0x80;
}

static int
css_space(int c)
{
	return is_space(c);
}

/* Removes url(...) (feedparser: url\s*\(\s*[^\s)]+?\s*\)\s* -> " "). */
static char *
css_strip_urls(const char *in)
{
	struct buf b;
	size_t i = 0, n = strlen(in);

	buf_init(&b, 0);
	while (i < n) {
		if (strncmp(in + i, "url", 3) == 0) {
			size_t j = i + 3, k;

			while (j < n && css_space((unsigned char)in[j]))
				j++;
			if (j < n && in[j] == '(') {
				j++;
				while (j < n &&
				    css_space((unsigned char)in[j]))
					j++;
				k = j;
				while (k < n && in[k] != ')' &&
				    !css_space((unsigned char)in[k]))
					k++;
				if (k > j) {
					while (k < n &&
					    css_space((unsigned char)in[k]))
						k++;
					if (k < n && in[k] == ')') {
						k++;
						while (k < n && css_space(
						    (unsigned char)in[k]))
							k++;
						buf_addch(&b, ' ');
						i = k;
						continue;
					}
				}
			}
		}
		buf_addch(&b, in[i]);
		i++;
	}
	return buf_steal(&b);
}

/*
 * feedparser's gauntlet: the style must be a sequence of
 *   [:,;#%.\sa-zA-Z0-9!] | \w-\w | '[\s\w]+' | "[\s\w]+" | \([\d,\s]+\)
 * Decided by dynamic programming over positions (linear).
 */
static int
css_gauntlet(const char *st)
{
	const unsigned char *s = (const unsigned char *)st;
	size_t n = strlen(st), i, j;
	unsigned char *reach;
	int ok;

	reach = xcalloc(n + 1, 1);
	reach[0] = 1;
	for (i = 0; i < n; i++) {
		if (!reach[i])
			continue;
		if (strchr(":,;#%.!", s[i]) != NULL || css_space(s[i]) ||
		    (s[i] < 0x80 && isalnum(s[i])))
			reach[i + 1] = 1;
		if (i + 2 < n && css_word(s[i]) && s[i + 1] == '-' &&
		    css_word(s[i + 2]))
			reach[i + 3] = 1;
		if (s[i] == '\'' || s[i] == '"') {
			for (j = i + 1; j < n && (css_word(s[j]) ||
			    css_space(s[j])); j++)
				;
			if (j > i + 1 && j < n && s[j] == s[i])
				reach[j + 1] = 1;
		}
		if (s[i] == '(') {
			for (j = i + 1; j < n && (isdigit(s[j]) ||
			    s[j] == ',' || css_space(s[j])); j++)
				;
			if (j > i + 1 && j < n && s[j] == ')')
				reach[j + 1] = 1;
		}
	}
	ok = reach[n];
	free(reach);
	return ok;
}

/* feedparser's valid_css_values, anchored:
 * #[0-9a-f]+ | rgb\(\d+%?,\d*%?,?\d*%?\)? |
 * \d{0,2}\.?\d{0,2}(cm|em|ex|in|mm|pc|pt|px|%|,|\))? */
static int
css_valid_value(const char *v)
{
	static const char *const units[] = { "cm", "em", "ex", "in", "mm",
	    "pc", "pt", "px", "%", ",", ")", "" };
	const char *p;
	size_t i, k;

	if (v[0] == '#' && v[1] != '\0') {
		for (p = v + 1; *p != '\0'; p++)
			if (!isdigit((unsigned char)*p) && (*p < 'a' ||
			    *p > 'f'))
				break;
		if (*p == '\0')
			return 1;
	}
	if (strncmp(v, "rgb(", 4) == 0) {
		p = v + 4;
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == '%')
				p++;
			if (*p == ',') {
				p++;
				while (isdigit((unsigned char)*p))
					p++;
				if (*p == '%')
					p++;
				if (*p == ',')
					p++;
				while (isdigit((unsigned char)*p))
					p++;
				if (*p == '%')
					p++;
				if (*p == ')')
					p++;
				if (*p == '\0')
					return 1;
			}
		}
	}
	/*
	 * \d{0,2}\.?\d{0,2} then a unit: try every split the regex could
	 * make (the pattern is short, so brute force is cheap).
	 */
	for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
		size_t ul = strlen(units[k]), vl = strlen(v), nl, d1, d2;

		if (vl < ul || strcmp(v + vl - ul, units[k]) != 0)
			continue;
		nl = vl - ul;
		for (d1 = 0; d1 < nl && d1 < 2 &&
		    isdigit((unsigned char)v[d1]); d1++)
			;
		i = d1;
		if (i < nl && v[i] == '.')
			i++;
		for (d2 = 0; i < nl && d2 < 2 &&
		    isdigit((unsigned char)v[i]); d2++, i++)
			;
		if (i == nl)
			return 1;
	}
	return 0;
}

/*
 * Scans one declaration "\s*[-\w]+\s*:\s*[^:;]*;?" at s; sets the
 * property and value spans and returns the length, or 0.
 */
static size_t
css_decl(const char *s, const char **prop, size_t *plen, const char **val,
    size_t *vlen)
{
	size_t i = 0;

	while (css_space((unsigned char)s[i]))
		i++;
	*prop = s + i;
	while (css_word((unsigned char)s[i]) || s[i] == '-')
		i++;
	*plen = (size_t)(s + i - *prop);
	if (*plen == 0)
		return 0;
	while (css_space((unsigned char)s[i]))
		i++;
	if (s[i] != ':')
		return 0;
	i++;
	while (css_space((unsigned char)s[i]))
		i++;
	*val = s + i;
	while (s[i] != '\0' && s[i] != ':' && s[i] != ';')
		i++;
	*vlen = (size_t)(s + i - *val);
	if (s[i] == ';')
		i++;
	return i;
}

static int
css_keyword_ok(const char *v, size_t n)
{
	char w[64];
	size_t i = 0, j;

	while (i < n) {
		while (i < n && css_space((unsigned char)v[i]))
			i++;
		if (i == n)
			break;
		for (j = i; j < n && !css_space((unsigned char)v[j]); j++)
			;
		if (j - i >= sizeof(w))
			return 0;
		memcpy(w, v + i, j - i);
		w[j - i] = '\0';
		if (!allow_has(ALLOW_CSS_KEYWORD, w) && !css_valid_value(w))
			return 0;
		i = j;
	}
	return 1;
}

/* feedparser's sanitize_style; returns a new string, maybe empty. */
static char *
css_clean(const char *style, int svg)
{
	struct buf out;
	char *s, prop[64];
	const char *p, *pr, *val;
	size_t plen, vlen, n, i;

	buf_init(&out, 0);
	s = css_strip_urls(style);
	if (!css_gauntlet(s))
		goto done;
	/* Nothing but declarations may be left. */
	for (p = s; *p != '\0'; ) {
		n = css_decl(p, &pr, &plen, &val, &vlen);
		if (n == 0) {
			if (!css_space((unsigned char)*p))
				goto done;
			p++;
			continue;
		}
		p += n;
	}
	for (p = s; *p != '\0'; ) {
		n = css_decl(p, &pr, &plen, &val, &vlen);
		if (n == 0) {
			p++;
			continue;
		}
		p += n;
		if (vlen == 0 || plen >= sizeof(prop))
			continue;
		for (i = 0; i < plen; i++)
			prop[i] = (char)tolower((unsigned char)pr[i]);
		prop[plen] = '\0';
		if (svg && allow_has(ALLOW_SVG_CSS, prop))
			;
		else if (!allow_has(ALLOW_CSS_PROPERTY, prop)) {
			char *dash = strchr(prop, '-');

			if (dash != NULL)
				*dash = '\0';
			if ((strcmp(prop, "background") != 0 &&
			    strcmp(prop, "border") != 0 &&
			    strcmp(prop, "margin") != 0 &&
			    strcmp(prop, "padding") != 0) ||
			    !css_keyword_ok(val, vlen))
				continue;
		}
		if (out.len > 0)
			buf_addch(&out, ' ');
		buf_add(&out, pr, plen);
		buf_addstr(&out, ": ");
		buf_add(&out, val, vlen);
		buf_addch(&out, ';');
	}
done:
	free(s);
	return buf_steal(&out);
}

/* ---- SAX callbacks */

/* 1 if value is a reference inside this document ("#id"). */
static int
is_fragment(const char *value)
{
	while (is_space((unsigned char)*value))
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
		while (is_space((unsigned char)*q) || *q == '"' || *q == '\'')
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
		owned = css_clean(value, s->svg > 0);
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
	add_escaped(s, value, strlen(value), ESC_ATTR);
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
foreign(struct san *s, struct frame *f, const xmlChar **atts,
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

/* A start tag; mask is allow_mask(name). */
static void
start_elem(struct san *s, const char *name, const xmlChar **atts,
    unsigned mask)
{
	const char *xmlns = NULL;
	struct frame *f;
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
	start_elem(ctx, (const char *)xname, atts,
	    allow_mask((const char *)xname));
}

static void
sax_end(void *ctx, const xmlChar *xname)
{
	struct san *s = ctx;
	struct frame *f;

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

static void
sax_text(void *ctx, const xmlChar *ch, int len)
{
	struct san *s = ctx;

	if (s->skip > 0 || s->full || len <= 0)
		return;
	add_escaped(s, (const char *)ch, (size_t)len,
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

/*
 * The fast path.  Most feed HTML is plain: quoted attributes, explicit
 * and properly nested end tags, HTML 4 entities with their ';'.  For
 * that subset a small tokenizer produces exactly the events libxml2
 * would, and runs them through the same callbacks (so the allow-lists,
 * URL and CSS rules are shared); it is several times faster than
 * libxml2's HTML parser, whose tree-less SAX mode tops out near 60 MB/s.
 * Anything outside the subset (comments, doctypes, unquoted attributes,
 * stray or missing end tags, raw-text elements such as script, inline
 * SVG, unknown entities) makes it give up, and libxml2 parses the
 * fragment from the start.  Entities are looked up in libxml2's table.
 */
int	html_fast_disabled;

#define FAST_MAXATTS	32
#define FAST_NAMELEN	16

struct fast {
	char		 names[HTML_MAXDEPTH][FAST_NAMELEN];
	char		 attn[FAST_MAXATTS][FAST_NAMELEN];
	const xmlChar	*atts[FAST_MAXATTS * 2 + 2];
	struct buf	 val;		/* decoded attribute values */
	size_t		 voff[FAST_MAXATTS];
};

static int
is_xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 &&
	    c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	    (c >= 0x10000 && c <= 0x10ffff);
}

static size_t
put_utf8(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Decodes the reference at p ('&'); writes UTF-8 to out (4 bytes room),
 * sets *olen and returns the bytes consumed, or 0 to give up.  A '&'
 * that starts no reference stands for itself, as in libxml2.
 */
static size_t
fast_entity(const char *p, char *out, size_t *olen)
{
	const htmlEntityDesc *e;
	char name[32];
	uint32_t c = 0;
	size_t i = 1;

	if (p[1] == '#') {
		i = 2;
		if (p[2] == 'x' || p[2] == 'X') {
			for (i = 3; isxdigit((unsigned char)p[i]) && i < 12;
			    i++)
				c = c * 16 + (uint32_t)(isdigit(
				    (unsigned char)p[i]) ? p[i] - '0' :
				    (tolower((unsigned char)p[i]) - 'a' + 10));
			if (i == 3)
				return 0;
		} else {
			for (; isdigit((unsigned char)p[i]) && i < 11; i++)
				c = c * 10 + (uint32_t)(p[i] - '0');
			if (i == 2)
				return 0;
		}
		if (p[i] != ';' || !is_xml_char(c))
			return 0;
		*olen = put_utf8(c, out);
		return i + 1;
	}
	/*
	 * libxml2 decodes a known name followed by ';' and otherwise
	 * leaves '&' and the name as text ("&h=2", "&foo;", "&copy 2").
	 */
	out[0] = '&';
	*olen = 1;
	while (isalnum((unsigned char)p[i]) && i < sizeof(name))
		i++;
	if (i == 1 || p[i] != ';' || i >= sizeof(name))
		return 1;
	memcpy(name, p + 1, i - 1);
	name[i - 1] = '\0';
	e = htmlEntityLookup((const xmlChar *)name);
	if (e == NULL)
		return 1;
	if (!is_xml_char(e->value))
		return 0;
	*olen = put_utf8(e->value, out);
	return i + 1;
}

/* Reads a tag name at p into name (lower case); returns its length. */
static size_t
fast_name(const char *p, char *name)
{
	size_t i = 0;

	if (!isalpha((unsigned char)p[0]))
		return 0;
	while (isalnum((unsigned char)p[i])) {
		if (i + 1 >= FAST_NAMELEN)
			return 0;
		name[i] = (char)tolower((unsigned char)p[i]);
		i++;
	}
	name[i] = '\0';
	return i;
}

static int
fast_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Parses a start tag after '<'; returns bytes consumed or 0. */
static size_t
fast_start(struct san *s, struct fast *fs, const char *p)
{
	char *name = fs->names[s->depth];
	size_t i, n, na = 0, k, ol;
	int empty = 0;
	unsigned mask;

	if (s->depth + 1 >= HTML_MAXDEPTH)
		return 0;
	if ((i = fast_name(p, name)) == 0)
		return 0;
	mask = allow_mask(name);
	if (ALLOW_IN(mask, ALLOW_FAST_REFUSED))
		return 0;
	buf_clear(&fs->val);
	for (;;) {
		char *an;
		char q;

		if (!fast_space((unsigned char)p[i]) && p[i] != '>' &&
		    p[i] != '/')
			return 0;
		while (fast_space((unsigned char)p[i]))
			i++;
		if (p[i] == '>') {
			i++;
			break;
		}
		if (p[i] == '/' && p[i + 1] == '>') {
			i += 2;
			empty = 1;
			break;
		}
		if (na == FAST_MAXATTS || !isalpha((unsigned char)p[i]))
			return 0;
		an = fs->attn[na];
		for (n = 0; isalnum((unsigned char)p[i]) || p[i] == '-' ||
		    p[i] == '_' || p[i] == ':'; n++, i++) {
			if (n + 1 >= FAST_NAMELEN)
				return 0;
			an[n] = (char)tolower((unsigned char)p[i]);
		}
		an[n] = '\0';
		/* Duplicates: libxml2 decides. */
		for (k = 0; k < na; k++)
			if (strcmp(fs->attn[k], an) == 0)
				return 0;
		while (fast_space((unsigned char)p[i]))
			i++;
		if (p[i] != '=') {
			fs->voff[na++] = SIZE_MAX;	/* boolean attribute */
			continue;
		}
		i++;
		while (fast_space((unsigned char)p[i]))
			i++;
		if (p[i] != '"' && p[i] != '\'')
			return 0;
		q = p[i++];
		fs->voff[na] = fs->val.len;
		while (p[i] != q) {
			char u[4];

			if (p[i] == '\0' || p[i] == '<')
				return 0;
			if (p[i] == '&') {
				if ((k = fast_entity(p + i, u, &ol)) == 0)
					return 0;
				buf_add(&fs->val, u, ol);
				i += k;
				continue;
			}
			n = strcspn(p + i, q == '"' ? "\"&<" : "'&<");
			buf_add(&fs->val, p + i, n);
			i += n;
		}
		i++;
		buf_addch(&fs->val, '\0');
		na++;
	}
	for (k = 0; k < na; k++) {
		fs->atts[2 * k] = (const xmlChar *)fs->attn[k];
		fs->atts[2 * k + 1] = fs->voff[k] == SIZE_MAX ? NULL :
		    (const xmlChar *)fs->val.data + fs->voff[k];
	}
	fs->atts[2 * na] = NULL;
	start_elem(s, name, na > 0 ? fs->atts : NULL, mask);
	if (empty || ALLOW_IN(mask, ALLOW_VOID))
		sax_end(s, (const xmlChar *)name);
	return i;
}

/* Parses an end tag after "</"; returns bytes consumed or 0. */
static size_t
fast_end(struct san *s, struct fast *fs, const char *p)
{
	char name[FAST_NAMELEN];
	size_t i;

	int stray;

	if ((i = fast_name(p, name)) == 0)
		return 0;
	while (fast_space((unsigned char)p[i]))
		i++;
	if (p[i] != '>')
		return 0;
	stray = s->depth == 0 || strcmp(name, fs->names[s->depth - 1]) != 0;
	/* libxml2 ignores "</img>" and the like; other strays are its
	 * business (it may close or open elements for them). */
	if (stray && (!allow_has(ALLOW_VOID, name) ||
	    strcmp(name, "br") == 0))
		return 0;
	if (!stray)
		sax_end(s, (const xmlChar *)name);
	return i + 1;
}

/* Returns 0 if p (NUL-terminated, clean UTF-8) was handled, else -1. */
static int
fast_run(struct san *s, const char *p)
{
	struct fast *fs;
	size_t n, ol;
	int rc = -1;

	fs = xmalloc(sizeof(*fs));
	buf_init(&fs->val, 0);
	for (;;) {
		char u[4];

		n = strcspn(p, "<&");
		if (n > 0)
			sax_text(s, (const xmlChar *)p, (int)n);
		p += n;
		if (*p == '\0')
			break;
		if (*p == '&') {
			if ((n = fast_entity(p, u, &ol)) == 0)
				goto out;
			sax_text(s, (const xmlChar *)u, (int)ol);
		} else if (p[1] == '/')
			n = fast_end(s, fs, p + 2) + 2;
		else
			n = fast_start(s, fs, p + 1) + 1;
		if (n <= 2 && *p == '<')
			goto out;
		p += n;
	}
	rc = s->depth == 0 && !s->full ? 0 : -1;
out:
	buf_reset(&fs->val);
	free(fs);
	return rc;
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
			while (r < end && is_space((unsigned char)*r))
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
				    is_space((unsigned char)*q); q++)
					;
				if (q < end && *q == '=') {
					for (q++; q < end &&
					    is_space((unsigned char)*q); q++)
						;
					r = q;
					if (r < end && (*r == '"' ||
					    *r == '\'')) {
						q = memchr(r + 1, *r,
						    (size_t)(end - r - 1));
						r = q == NULL ? end : q + 1;
					} else
						while (r < end && *r != '>' &&
						    !is_space(
						    (unsigned char)*r))
							r++;
				}
			} else
				/* Not a name: libxml2 skips it to a blank. */
				while (r < end && *r != '>' &&
				    !is_space((unsigned char)*r) &&
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

	buf_init(&b, 0);
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
		memset(&sax, 0, sizeof(sax));
		sax.startElement = sax_start;
		sax.endElement = sax_end;
		sax.characters = sax_text;
		sax.ignorableWhitespace = sax_text;
		sax.cdataBlock = sax_text;
		/* Our own quiet handler, whatever the global one does. */
		sax.serror = (xmlStructuredErrorFunc)sax_quiet;
		sax.initialized = XML_SAX2_MAGIC;
	}
	buf_init(&in, 0);
	buf_addstr(&in, HTML_PREFIX);
	/*
	 * The fast path refuses "<!" and "<>", so it needs neither
	 * cut_comments nor drop_empty_tags: only libxml2's input does.
	 */
	if (!html_fast_disabled && len < INT32_MAX) {
		utf8_clean(html, len, &in);
		if (fast_run(s, in.data + strlen(HTML_PREFIX)) == 0)
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
		sax_end(s, NULL);
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


char *
html_sanitize(const char *html, size_t len, const char *base)
{
	struct san san, *s = &san;
	char *r;

	if (html == NULL || len == 0)
		return NULL;
	/* The element stack is written before it is read: skip it. */
	memset(s, 0, offsetof(struct san, stack));
	/* Room for escaping and resolved URLs, but not without end: past
	 * three times the input, the rest is cut. */
	buf_init(&s->out, len < SIZE_MAX / 16 ? len * 3 + 65536 : 0);
	if (!has_markup(html, len))
		utf8_clean(html, len, &s->out);
	else {
		s->base = base;
		run(s, html, len);
	}
	r = trim(buf_steal(&s->out));
	return r;
}

char *
html_to_text(const char *html, size_t len)
{
	struct san san, *s = &san;
	char *r;

	if (html == NULL || len == 0)
		return NULL;
	memset(s, 0, offsetof(struct san, stack));
	buf_init(&s->out, len < SIZE_MAX / 4 ? len * 2 + 64 : 0);
	if (!has_markup(html, len))
		utf8_clean(html, len, &s->out);
	else {
		s->text_only = 1;
		run(s, html, len);
	}
	r = collapse(buf_steal(&s->out));
	return r;
}

char *
html_escape(const char *text, size_t len)
{
	struct san s;
	struct buf clean;

	memset(&s, 0, sizeof(s));
	buf_init(&s.out, 0);
	buf_init(&clean, 0);
	if (text != NULL && len > 0) {
		utf8_clean(text, len, &clean);
		add_escaped(&s, clean.data, clean.len, ESC_TEXT);
	}
	buf_reset(&clean);
	return buf_steal(&s.out);
}
