/*
 * html_fast.c: the sanitizer's fast path.
 *
 * Most feed HTML is plain: quoted attributes, explicit and properly
 * nested end tags, HTML 4 entities with their ';'.  For that subset a
 * small tokenizer produces exactly the events libxml2 would, and runs
 * them through the same callbacks (html_san.c: so the allow-lists, URL
 * and CSS rules are shared).  libxml2's HTML SAX parser alone runs at
 * about 60 MB/s; with the fast path the sanitizer runs at about 150 MB/s
 * on typical feed content.  Comments of the plain kind and the text of
 * script and style (all dropped) are skipped as libxml2 reads them.
 * Anything outside the subset (other comments, doctypes, unquoted
 * attributes, stray or missing end tags, other raw-text elements, inline
 * SVG, unknown entities) makes it give up, and libxml2 parses the
 * fragment from the start.  Entities are looked up in libxml2's table.
 *
 * The one difference in output: where libxml2 would close an element
 * implicitly (a <div> inside a <p>), the fast path keeps the nesting as
 * written, as feedparser does.  Both outputs are balanced and filtered
 * alike.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "html_allow.h"
#include "html_int.h"
#include "base/util.h"

int	html_fast_disabled;

#define FAST_MAXATTS	32
#define FAST_NAMELEN	16
/* Attribute names run longer ("data-original-height"); libxml2 reads up
 * to 100 bytes of a name. */
#define FAST_ATTRLEN	64

struct fast {
	char		 names[HTML_MAXDEPTH][FAST_NAMELEN];
	char		 attn[FAST_MAXATTS][FAST_ATTRLEN];
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
		*olen = utf8_encode(c, out);
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
	*olen = utf8_encode(e->value, out);
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

/*
 * The text of a script or style element that starts at p: libxml2 reads
 * it as raw text, dropped whole by the sanitizer, up to the first "</"
 * and the element's name (in any case; HTML_PARSE_RECOVER).  Returns its
 * length, 0 for any other element, or SIZE_MAX to give up: no such end,
 * or bytes past ASCII in the text (where libxml2 versions differ).  The
 * end tag itself is read as any other.
 */
static size_t
raw_text(const char *p, const char *name, unsigned mask)
{
	size_t i, n;

	/* Of the elements dropped whole, applet is refused earlier. */
	if (!ALLOW_IN(mask, ALLOW_DROPPED))
		return 0;
	n = strlen(name);
	for (i = 0; p[i] != '\0'; i++) {
		if ((unsigned char)p[i] >= 0x80)
			return SIZE_MAX;
		if (p[i] == '<' && p[i + 1] == '/' &&
		    strncasecmp(p + i + 2, name, n) == 0)
			return i;
	}
	return SIZE_MAX;
}

/*
 * A comment at p ("<!--"), which the sanitizer drops: returns its length
 * with the "-->", or 0 to give up.  Only a comment whose text holds no
 * "--" and no "<>" and does not start with '>' or "->": there, libxml2
 * and the clean-up before it (html.c's cut_comments, drop_empty_tags)
 * end it at the first "-->", as here.
 */
static size_t
fast_comment(const char *p)
{
	const char *body = p + 4, *end;

	if (strncmp(p, "<!--", 4) != 0 || body[0] == '>' ||
	    (body[0] == '-' && body[1] == '>'))
		return 0;
	if ((end = strstr(body, "-->")) == NULL)
		return 0;
	if (memmem(body, (size_t)(end - body), "--", 2) != NULL ||
	    memmem(body, (size_t)(end - body), "<>", 2) != NULL)
		return 0;
	return (size_t)(end + 3 - p);
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
			if (n + 1 >= FAST_ATTRLEN)
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
	if (!empty && (n = raw_text(p + i, name, mask)) == SIZE_MAX)
		return 0;
	html_san_start(s, name, na > 0 ? fs->atts : NULL, mask);
	if (empty || ALLOW_IN(mask, ALLOW_VOID))
		html_san_end(s, (const xmlChar *)name);
	else
		i += n;
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
		html_san_end(s, (const xmlChar *)name);
	return i + 1;
}

int
html_fast_run(struct san *s, const char *p)
{
	struct fast *fs;
	size_t n, ol;
	int rc = -1;

	fs = xmalloc(sizeof(*fs));
	/* An attribute value of p, which is in memory already. */
	buf_init(&fs->val, BUF_UNCAPPED);
	for (;;) {
		char u[4];

		n = strcspn(p, "<&");
		if (n > 0)
			html_san_text(s, (const xmlChar *)p, (int)n);
		p += n;
		if (*p == '\0')
			break;
		if (*p == '&') {
			if ((n = fast_entity(p, u, &ol)) == 0)
				goto out;
			html_san_text(s, (const xmlChar *)u, (int)ol);
		} else if (p[1] == '/')
			n = fast_end(s, fs, p + 2) + 2;
		else if (p[1] == '!') {
			if ((n = fast_comment(p)) == 0)
				goto out;
		}
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
