/*
 * feed_xml.c: the XML side of the parser: RSS (0.90 to 2.0, RDF), Atom
 * (0.3, 1.0) and CDF read with libxml2's SAX2 push parser.  What each
 * element means is feed_map.c's business; this file finds the elements,
 * keeps the context (channel, entry, author, skipped), the xml:base chain
 * and the text of the field being read (also serialised, for inline
 * XHTML).
 *
 * The document is pushed in chunks and no tree is built: memory is bounded
 * by the largest field being read, not by the document.
 *
 * Safety (TECH-NOTES section 4): XML_PARSE_NONET, never NOENT, DTDLOAD or
 * HUGE, so external entities are never read and libxml2's expansion and
 * depth limits stay in force; the external entity loader refuses
 * everything as a second fence.  Undeclared HTML entities (&nbsp;) are
 * resolved by a getEntity hook that falls back to htmlEntityLookup, since
 * feeds use them freely and a recovering parse would drop them silently.
 * libxml2 2.9's own limits leave much open (a flat entity referenced
 * without end, attributes checked pairwise): the bounds below the
 * includes close it, so that a parse costs time and memory linear in the
 * document whatever it holds.
 *
 * Broken documents: a strict pass first; if it fails on the encoding, a
 * strict pass in UTF-8 and then in windows-1252 (ISO-8859-2 when it
 * cannot be windows-1252, as in feedparser); if it still fails, a
 * recovering pass, flagged FEED_RECOVERED.  Entries a failed pass already
 * handed to the sink are counted and skipped by the next pass, so none is
 * seen twice. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "date.h"
#include "feed.h"
#include "feed_int.h"
#include "feed_xml.h"
#include "html.h"
#include "uri.h"
#include "util.h"

#define CHUNK	65536

/*
 * Bounds on what a document can make libxml2 and this file do, so that
 * parsing stays linear in the document's size whatever it holds.  Past
 * any of them the parse stops with a reason (fxml_refuse) and no other
 * pass is tried.
 *
 * - XML_MAXATTS attributes (namespace declarations included) on one
 *   element: libxml2 2.9 checks an element's attributes for duplicates
 *   pairwise.  A scan of the bytes libxml2 is given (struct tagscan)
 *   refuses the document before libxml2 reads such a start tag, or one
 *   longer than XML_MAXTAG (libxml2 holds a whole start tag in memory,
 *   and its values are copied more than once).
 * - XML_MAXNS namespace declarations in scope: libxml2 looks prefixes up
 *   linearly.
 * - Entities: every expansion of an entity the document declares (and of
 *   a parameter entity in its DTD), and every attribute default the DTD
 *   adds to an element, is charged to a budget of the document's size
 *   (plus EXPAND_SLACK): libxml2 2.9 lets a flat entity be referenced
 *   without end.  Entity values are scanned for start tags like the
 *   document, and the DTD may declare XML_MAXATTDECL attributes at most.
 * - Captured text (the raw and markup copies of fields, and xml:base
 *   URLs resolved) may total TEXT_FACTOR times the document plus
 *   EXPAND_SLACK: escaping in the markup copy grows it, but not without
 *   end.  One field holds FIELD_MAX bytes at most.
 * - XML_MAXNAMES distinct names (elements, attributes, entities): libxml2
 *   2.9 interns them in a hash table that stops growing, so each new
 *   name costs more.
 * - Nesting past XML_MAXDEPTH ends the parse where it is, keeping what
 *   came before (libxml2 refuses it, but not when recovering).
 */
#define XML_MAXATTS	128
#define XML_MAXTAG	(1024u * 1024)
#define XML_MAXNS	256
#define XML_MAXATTDECL	64
#define XML_MAXNAMES	20000
#define XML_MAXDEPTH	256
#define FIELD_MAX	FEED_MAX_FIELD
#define EXPAND_SLACK	(64u * 1024)
#define TEXT_FACTOR	3

/*
 * Counts the attributes of start tags in a byte stream, across chunks:
 * every '=' inside a start tag (inside its quoted values too: an upper
 * bound, since each XML attribute has one), where a start tag runs from
 * "<name" to a '>' outside quoted values.  Comments, CDATA sections,
 * processing instructions and declarations (the DOCTYPE, its internal
 * subset with quoted values, comments and PIs) hold no start tags.  A
 * '<' inside a start tag ends it, as it does in libxml2.
 */
enum { TS_TEXT, TS_LT, TS_BANG, TS_TAG, TS_VALUE, TS_COMMENT, TS_CDATA,
    TS_PI, TS_DECL, TS_DQUOTE, TS_ETAG, TS_DLT, TS_DBANG, TS_DDASH };

struct tagscan {
	int		 state;
	int		 k;		/* bytes matched of "--" or "[CDATA[" */
	int		 run;		/* '-', ']' or '?' just seen */
	int		 eq;		/* '=' seen, no value opened yet */
	int		 depth;		/* '[' in a declaration */
	unsigned char	 q;		/* the open quote */
	size_t		 natts;
	size_t		 taglen;
};

/* Why tagscan said no. */
static const char *
tagscan_why(const struct tagscan *t)
{
	/* The figures are XML_MAXATTS and XML_MAXTAG. */
	return t->natts > XML_MAXATTS ? "an element with more than 128 "
	    "attributes" : "a start tag longer than 1 MiB";
}

/* Returns 0, or -1 once a start tag has more than XML_MAXATTS. */
static int
tagscan(struct tagscan *t, const char *p, size_t n)
{
	static const char cdata[] = "[CDATA[";
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		switch (t->state) {
		case TS_TEXT:
			if (c == '<')
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
			/* "<!--", "<![CDATA[" or a declaration; k bytes of
			 * which (in cdata, or "--" when k < 0) matched. */
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
				i--;	/* read c again as a declaration */
			}
			break;
		case TS_TAG:
		case TS_VALUE:
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
			 * depth is 0 out of a declaration. */
			if (c == '>' && t->run >= 2)
				t->state = t->depth > 0 ? TS_DECL : TS_TEXT;
			t->run = c == '-' ? t->run + 1 : 0;
			break;
		case TS_CDATA:
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
			if (c == '>')
				t->state = TS_TEXT;
			else if (c == '<')
				t->state = TS_LT;
			break;
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
				i--;
			}
			break;
		case TS_DBANG:
			if (c == '-')
				t->state = TS_DDASH;
			else {
				t->state = TS_DECL;
				i--;
			}
			break;
		case TS_DDASH:
			if (c == '-') {
				t->state = TS_COMMENT;
				t->run = 0;
			} else {
				t->state = TS_DECL;
				i--;
			}
			break;
		case TS_DQUOTE:
			if (c == t->q)
				t->state = TS_DECL;
			break;
		}
	}
	return 0;
}

/* Stops the parse for good (no other pass is tried): a bound of the
 * parser was passed.  The first reason is kept. */
static void __attribute__((format(printf, 2, 3)))
fxml_refuse(struct xstate *st, const char *fmt, ...)
{
	va_list ap;

	if (st->refused == NULL) {
		va_start(ap, fmt);
		st->refused = xvasprintf(fmt, ap);
		va_end(ap);
	}
	if (st->ctxt != NULL)
		xmlStopParser(st->ctxt);
}

/* Charges n bytes that libxml2 makes up (entity text, defaults). */
static int
take_expansion(struct xstate *st, size_t n)
{
	if (st->refused != NULL)
		return -1;
	if (n > st->expand_left) {
		fxml_refuse(st, "entities and attribute defaults expand past "
		    "%zu bytes (the document's size, plus %u)",
		    st->doclen, EXPAND_SLACK);
		return -1;
	}
	st->expand_left -= n;
	return 0;
}

/* Takes n bytes of captured text from the budget; -1 (parse stopped)
 * when it is spent. */
/* libxml2 interns every name (elements, attributes, entities, PI
 * targets, declarations): returns 0 once there are too many. */
static int
names_bounded(struct xstate *st)
{
	if (st->ctxt == NULL || xmlDictSize(st->ctxt->dict) <= XML_MAXNAMES)
		return 1;
	fxml_refuse(st, "more than %d distinct names", XML_MAXNAMES);
	return 0;
}

static int
fxml_take_text(struct xstate *st, size_t n)
{
	if (st->refused != NULL)
		return -1;
	if (n > st->text_left) {
		fxml_refuse(st, "the document's text expands past %d times "
		    "its size", TEXT_FACTOR);
		return -1;
	}
	st->text_left -= n;
	return 0;
}

int
feed_xml_tags_bounded(const char *doc, size_t len, const char **why)
{
	struct tagscan t;

	memset(&t, 0, sizeof(t));
	if (tagscan(&t, doc, len) == 0)
		return 0;
	*why = tagscan_why(&t);
	return -1;
}

static int tables_sorted;
static void markup_text(struct xstate *, const xmlChar *, size_t);
static size_t legacy_to_utf8(const char *, size_t, int, char *);
static xmlParserInputPtr no_loader(const char *, const char *,
	    xmlParserCtxtPtr);

void
feed_xml_init(void)
{
	if (tables_sorted)
		return;
	xmlInitParser();
	/* A second fence behind the parse options: nothing is ever loaded
	 * from outside the document (DTDs, external entities). */
	xmlSetExternalEntityLoader(no_loader);
	fmap_init();
	tables_sorted = 1;
}

/* An attribute's value, entities decoded (libxml2 hands them undecoded
 * when it does not substitute entities). */
static char *
attr_get(struct xstate *st, const xmlChar **attrs, int nattrs,
    const char *uri, const char *name)
{
	const xmlChar *v, *end;
	xmlChar *d;
	char *r;
	int i;

	for (i = 0; i < nattrs; i++) {
		const xmlChar **a = attrs + i * 5;

		if (strcasecmp((const char *)a[0], name) != 0)
			continue;
		if (uri == NULL ? a[2] != NULL :
		    (a[2] == NULL || strcmp((const char *)a[2], uri) != 0))
			continue;
		v = a[3];
		end = a[4];
		if (memchr(v, '&', end - v) == NULL)
			return xstrndup((const char *)v, end - v);
		d = xmlStringLenDecodeEntities(st->ctxt, v, end - v,
		    XML_SUBSTITUTE_REF, 0, 0, 0);
		if (d == NULL)
			return NULL;
		r = xstrdup((const char *)d);
		xmlFree(d);
		return r;
	}
	return NULL;
}

/* -------------------------------------------------------- SAX events */

static struct xstate *
state_of(void *ctx)
{
	return ((xmlParserCtxtPtr)ctx)->_private;
}

static void
detect_format(struct xstate *st, const char *name, const xmlChar *uri,
    const xmlChar **attrs, int nattrs, const xmlChar **nss, int nns)
{
	char *ver;
	int i;

	if (strcasecmp(name, "rss") == 0) {
		ver = attr_get(st, attrs, nattrs, NULL, "version");
		if (ver == NULL)
			st->format = FEED_FORMAT_RSS;
		else if (strncmp(ver, "2.", 2) == 0)
			st->format = FEED_FORMAT_RSS20;
		else if (strncmp(ver, "0.9", 3) == 0 && ver[3] != '0')
			st->format = FEED_FORMAT_RSS09X;
		else if (strcmp(ver, "0.90") == 0)
			st->format = FEED_FORMAT_RSS090;
		else
			st->format = FEED_FORMAT_RSS;
		free(ver);
	} else if (strcasecmp(name, "RDF") == 0) {
		st->format = FEED_FORMAT_RSS;
		for (i = 0; i < nns; i++) {
			const char *u = (const char *)nss[2 * i + 1];

			if (u == NULL)
				continue;
			if (strcmp(u, RSS10_NS) == 0)
				st->format = FEED_FORMAT_RSS10;
			else if (strcmp(u, RSS090_NS) == 0 &&
			    st->format != FEED_FORMAT_RSS10)
				st->format = FEED_FORMAT_RSS090;
		}
	} else if (strcasecmp(name, "channel") == 0 && uri == NULL) {
		/* Microsoft's Channel Definition Format (1997). */
		st->format = FEED_FORMAT_CDF;
	} else if (strcasecmp(name, "feed") == 0) {
		st->atomroot = 1;
		ver = attr_get(st, attrs, nattrs, NULL, "version");
		if (uri != NULL && strcmp((const char *)uri, ATOM10_NS) == 0)
			st->format = FEED_FORMAT_ATOM10;
		else if ((uri != NULL &&
		    strcmp((const char *)uri, ATOM03_NS) == 0 &&
		    (ver == NULL || strcmp(ver, "0.3") == 0)) ||
		    (ver != NULL && strcmp(ver, "0.3") == 0))
			st->format = FEED_FORMAT_ATOM03;
		else
			st->format = FEED_FORMAT_ATOM;
		free(ver);
	}
}

/* CDF puts the link and the date in attributes. */
static void
cdf_attrs(struct xstate *st, struct level *l, const xmlChar **attrs,
    int nattrs)
{
	char *v;

	v = fmap_trim(attr_get(st, attrs, nattrs, NULL, "HREF"));
	if (v != NULL)
		fmap_level_set(l, F_LINK, 0,
		    uri_resolve(fmap_cur_base(st), v));
	free(v);
	v = attr_get(st, attrs, nattrs, NULL, "LASTMOD");
	fmap_level_set_date(l, F_UPDATED, 0, fmap_trim(v));
}

static void
push_frame(struct xstate *st, enum ctx ctx, const xmlChar **attrs,
    int nattrs, int nns)
{
	struct frame *f;
	char *b;

	if ((size_t)st->depth >= st->nframes) {
		st->nframes = st->nframes ? st->nframes * 2 : 32;
		st->frames = xreallocarray(st->frames, st->nframes,
		    sizeof(*st->frames));
	}
	f = &st->frames[st->depth];
	f->ctx = ctx;
	f->own = 0;
	f->entry = 0;
	f->nns = nns;
	st->ns_in_scope += nns;
	f->base = (char *)fmap_cur_base(st);
	b = attr_get(st, attrs, nattrs,
	    "http://www.w3.org/XML/1998/namespace", "base");
	if (b != NULL) {
		f->base = uri_resolve(fmap_cur_base(st), b);
		f->own = 1;
		free(b);
		/* Resolving costs the base's length, again and again. */
		if (f->base != NULL)
			(void)fxml_take_text(st, strlen(f->base));
	}
	st->depth++;
}

static int
all_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "param", "source",
	    "track", "wbr" };
	size_t i;

	for (i = 0; i < NELEM(v); i++)
		if (strcasecmp(name, v[i]) == 0)
			return 1;
	return 0;
}

/* Appends to the markup copy; a field past its cap stops the parse. */
static void
madd(struct xstate *st, const char *s)
{
	if (buf_addstr(&st->markup, s) == -1)
		fxml_refuse(st, "a field is longer than %zu bytes",
		    st->markup.cap);
}

static void
markup_attr_value(struct xstate *st, const char *s)
{
	size_t n;

	while (*s != '\0') {
		n = strcspn(s, "&<\"");
		if (buf_add(&st->markup, s, n) == -1) {
			madd(st, s);	/* fails: refused */
			return;
		}
		s += n;
		if (*s != '\0') {
			madd(st, *s == '&' ? "&amp;" : *s == '<' ? "&lt;" :
			    "&quot;");
			s++;
		}
	}
}

/* Inside a captured field: serialise the child element. */
static void
cap_start(struct xstate *st, const char *name, const xmlChar **nss,
    int nns, const xmlChar **attrs, int nattrs)
{
	int i;
	char *v;
	size_t before;

	if (!st->cap_children && st->cap_type != T_XHTML &&
	    st->raw.len > 0)
		markup_text(st, (const xmlChar *)st->raw.data, st->raw.len);
	if (st->refused != NULL)
		return;
	before = st->markup.len;
	st->cap_children = 1;
	if (st->cap_stripdiv && st->depth == st->cap_depth + 1) {
		/* A wrapper div is dropped only if it is the only child
		 * (cap_unwrap_div); note where it is. */
		if (st->cap_divdepth == 0 && strcmp(name, "div") == 0 &&
		    all_space(st->markup.data, st->markup.len))
			st->cap_divdepth = st->depth;
		else
			st->cap_divbad = 1;
	}
	madd(st, "<");
	madd(st, name);
	/* A refusal halts libxml2, which frees what attrs point to. */
	for (i = 0; i < nattrs && st->refused == NULL; i++) {
		const xmlChar **a = attrs + i * 5;

		v = attr_get(st, a, 1, (const char *)a[2],
		    (const char *)a[0]);
		if (v == NULL)
			continue;
		madd(st, " ");
		if (a[1] != NULL) {
			madd(st, (const char *)a[1]);
			madd(st, ":");
		}
		madd(st, (const char *)a[0]);
		madd(st, "=\"");
		markup_attr_value(st, v);
		madd(st, "\"");
		free(v);
	}
	for (i = 0; i < nns && st->refused == NULL; i++) {
		const char *pfx = (const char *)nss[2 * i];
		const char *u = (const char *)nss[2 * i + 1];

		madd(st, pfx != NULL ? " xmlns:" : " xmlns");
		if (pfx != NULL)
			madd(st, pfx);
		madd(st, "=\"");
		markup_attr_value(st, u != NULL ? u : "");
		madd(st, "\"");
	}
	madd(st, is_void(name) ? " />" : ">");
	(void)fxml_take_text(st, st->markup.len - before);
	if (st->cap_divdepth == st->depth && !st->cap_divdone)
		st->cap_divin = st->markup.len;
}

/*
 * The element just pushed starts an entry.  Only that element's end tag
 * ends it: containers that pass the entry's context on to their children
 * (media:group) share the ctx but not this mark.
 */
static void
begin_entry(struct xstate *st, const xmlChar **attrs, int nattrs)
{
	fmap_entry_begin(st);
	st->frames[st->depth - 1].ctx = C_ENTRY;
	st->frames[st->depth - 1].entry = 1;
	/* RSS 1.0 names an item by its rdf:about; a guid or an Atom id
	 * says it better (feedparser takes the later guid). */
	fmap_level_set(&st->ent, F_GUID, 5, fmap_trim(attr_get(st, attrs,
	    nattrs, RDF_NS, "about")));
}

/* The vocabulary of a category element (see enum catkind). */
static enum catkind
cat_kind(struct xstate *st, enum ns ns, const xmlChar **attrs, int nattrs)
{
	char *v;

	v = attr_get(st, attrs, nattrs, NULL, "scheme");
	if (v == NULL)
		v = attr_get(st, attrs, nattrs, NULL, "domain");
	if (v != NULL) {
		free(v);
		return CAT_SCHEMED;
	}
	return ns == NS_ITUNES ? CAT_ITUNES : ns == NS_MEDIA ? CAT_MEDIA :
	    CAT_PLAIN;
}

/*
 * An alternate link to an HTML page beats one to another type (a PDF, a
 * podcast's audio), wherever it is, as in feedparser.
 */
static int
alink_prio(struct xstate *st, const struct map *m, const xmlChar **attrs,
    int nattrs)
{
	char *type;
	int prio = m->prio;

	type = fmap_trim(attr_get(st, attrs, nattrs, NULL, "type"));
	if (type != NULL && strcasecmp(type, "text/html") != 0 &&
	    strcasecmp(type, "application/xhtml+xml") != 0)
		prio += 2;
	free(type);
	return prio;
}

/*
 * What libxml2 made of the element beyond its bytes: the attribute
 * defaults of the DTD are charged to the expansion budget (their values
 * and their cost), and namespaces in scope are counted.  Returns 0 when
 * the parse was stopped.
 */
static int
element_bounded(struct xstate *st, int nns, int nattrs, int ndefaulted,
    const xmlChar **attrs)
{
	size_t n = 0;
	int i;

	if (!names_bounded(st))
		return 0;
	if (st->depth >= XML_MAXDEPTH) {
		xmlStopParser(st->ctxt);
		return 0;
	}
	if (st->ns_in_scope + nns > XML_MAXNS) {
		fxml_refuse(st, "more than %d namespace declarations in scope",
		    XML_MAXNS);
		return 0;
	}
	for (i = nattrs - ndefaulted; i >= 0 && i < nattrs; i++)
		n += (size_t)(attrs[i * 5 + 4] - attrs[i * 5 + 3]) + 32;
	return n == 0 || take_expansion(st, n) == 0;
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **nss, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct xstate *st = state_of(ctx);
	const char *name = (const char *)localname;
	const struct map *m;
	enum ctx parent, child = C_SKIP;
	struct level *l;
	enum ns ns;
	char *v, *t;

	(void)prefix;
	if (!element_bounded(st, nns, nattrs, ndefaulted, attrs))
		return;
	if (st->cap) {
		/* Depth first so that the frame's base is this element's. */
		push_frame(st, C_SKIP, attrs, nattrs, nns);
		if (st->refused == NULL)
			cap_start(st, name, nss, nns, attrs, nattrs);
		return;
	}
	if (st->depth == 0) {
		detect_format(st, name, uri, attrs, nattrs, nss, nns);
		if (uri != NULL && st->format != FEED_FORMAT_UNKNOWN)
			st->rootns = xstrdup((const char *)uri);
		push_frame(st, C_ROOT, attrs, nattrs, nns);
		if (st->refused != NULL)
			return;
		if (st->format == FEED_FORMAT_UNKNOWN)
			st->frames[0].ctx = C_SKIP;
		else
			st->any = 1;
		if (st->atomroot)
			st->frames[0].ctx = C_CHANNEL;
		if (st->format == FEED_FORMAT_CDF) {
			st->frames[0].ctx = C_CHANNEL;
			cdf_attrs(st, &st->feed, attrs, nattrs);
		}
		v = attr_get(st, attrs, nattrs,
		    "http://www.w3.org/XML/1998/namespace", "lang");
		/* feedparser normalises en_US to en-US. */
		for (t = v; t != NULL && *t != '\0'; t++)
			if (*t == '_')
				*t = '-';
		fmap_level_set(&st->feed, F_LANGUAGE, 5, fmap_trim(v));
		return;
	}
	parent = st->frames[st->depth - 1].ctx;
	ns = fmap_ns_code(st, uri);
	push_frame(st, C_SKIP, attrs, nattrs, nns);
	/* A refusal halts libxml2, which frees what attrs point to. */
	if (st->refused != NULL)
		return;
	switch (parent) {
	case C_ROOT:
		if (strcasecmp(name, "channel") == 0)
			child = C_CHANNEL;
		else if (strcasecmp(name, "item") == 0 && !st->in_entry) {
			begin_entry(st, attrs, nattrs);
			return;
		}
		st->frames[st->depth - 1].ctx = child;
		return;
	case C_CHANNEL:
		if ((ns == NS_RSS || ns == NS_ATOM) && !st->in_entry &&
		    (strcasecmp(name, "item") == 0 ||
		    strcasecmp(name, "entry") == 0)) {
			begin_entry(st, attrs, nattrs);
			return;
		}
		if (ns == NS_CDF && !st->in_entry &&
		    strcasecmp(name, "item") == 0) {
			begin_entry(st, attrs, nattrs);
			cdf_attrs(st, &st->ent, attrs, nattrs);
			return;
		}
		break;
	case C_ENTRY:
		/* An item inside an item: like feedparser, the outer one
		 * ends there and the inner one is an entry of its own. */
		if ((ns == NS_RSS || ns == NS_ATOM) && st->in_entry &&
		    (strcasecmp(name, "item") == 0 ||
		    strcasecmp(name, "entry") == 0)) {
			fmap_entry_end(st);
			begin_entry(st, attrs, nattrs);
			return;
		}
		break;
	case C_AUTHOR:
	case C_SKIPHOURS:
	case C_SKIPDAYS:
		break;
	default:
		return;
	}
	m = fmap_find(parent, ns, name);
	if (m == NULL)
		return;
	l = parent == C_CHANNEL ? &st->feed : parent == C_ENTRY ? &st->ent :
	    st->in_entry ? &st->ent : &st->feed;
	switch (m->field) {
	case F_AUTHORS:
		st->frames[st->depth - 1].ctx = C_AUTHOR;
		return;
	case F_GROUP:
		st->frames[st->depth - 1].ctx = parent;
		return;
	case F_SKIPHOURS:
		st->frames[st->depth - 1].ctx = C_SKIPHOURS;
		return;
	case F_SKIPDAYS:
		st->frames[st->depth - 1].ctx = C_SKIPDAYS;
		return;
	case F_ALINK:
		v = attr_get(st, attrs, nattrs, NULL, "rel");
		t = fmap_trim(attr_get(st, attrs, nattrs, NULL, "href"));
		if (t == NULL && (v == NULL ||
		    strcasecmp(v, "alternate") == 0)) {
			/* Pre-1.0 Atom and sloppy feeds: URL as content. */
			free(v);
			m = &fmap_alink_text;
			break;
		}
		if (t != NULL && (v == NULL || strcasecmp(v, "alternate") == 0))
			fmap_level_set(l, F_LINK, alink_prio(st, m, attrs,
			    nattrs), uri_resolve(fmap_cur_base(st), t));
		else if (t != NULL && strcasecmp(v, "enclosure") == 0 &&
		    parent == C_ENTRY) {
			char *len = attr_get(st, attrs, nattrs, NULL,
			    "length");

			fmap_level_add_enc(l,
			    uri_resolve(fmap_cur_base(st), t),
			    attr_get(st, attrs, nattrs, NULL, "type"), len);
			free(len);
		}
		free(t);
		free(v);
		return;
	case F_ENCLOSURE:
		t = fmap_trim(attr_get(st, attrs, nattrs, NULL, "url"));
		v = attr_get(st, attrs, nattrs, NULL, "length");
		fmap_level_add_enc(l, t != NULL ?
		    uri_resolve(fmap_cur_base(st), t) : NULL,
		    attr_get(st, attrs, nattrs, NULL, "type"), v);
		free(t);
		free(v);
		return;
	case F_ACATEGORY:
		fmap_level_add_cat(l, feed_collapse(attr_get(st, attrs, nattrs,
		    NULL, "term")), cat_kind(st, ns, attrs, nattrs));
		return;
	case F_ICATEGORY:
		/* Categories nest (a subcategory inside its category): the
		 * children are read in the same context. */
		fmap_level_add_cat(l, feed_collapse(attr_get(st, attrs, nattrs,
		    NULL, "text")), cat_kind(st, ns, attrs, nattrs));
		st->frames[st->depth - 1].ctx = parent;
		return;
	default:
		break;
	}
	/* A field with a value in its content: capture it. */
	st->cap = 1;
	st->cap_depth = st->depth;
	st->cap_field = m->field;
	st->cap_prio = m->prio;
	st->cap_ctx = parent;
	st->cap_children = 0;
	st->cap_divdepth = 0;
	st->cap_divdone = st->cap_divbad = 0;
	st->cap_divin = st->cap_divout = st->cap_divend = 0;
	st->cap_ns = ns;
	st->cap_catkind = cat_kind(st, ns, attrs, nattrs);
	st->cap_b64 = 0;
	st->cap_escaped = 0;
	st->cap_stripdiv = 0;
	st->cap_rss_author = m->field == F_AUTHOR && ns != NS_ATOM;
	st->cap_base = st->frames[st->depth - 1].base;
	st->cap_type = T_NONE;
	if (ns == NS_ATOM) {
		v = attr_get(st, attrs, nattrs, NULL, "type");
		st->cap_type = fmap_ctype_of(v);
		/* Only Atom 1.0 wraps xhtml in a div.  Elements inside
		 * a field that claims to be text or HTML are inline XHTML
		 * anyway, and their wrapper div is not content either
		 * (TypePad; feedparser drops it too). */
		st->cap_stripdiv = st->cap_type == T_XHTML ?
		    st->format == FEED_FORMAT_ATOM10 : 1;
		/* RFC 4287 4.1.3.3: any other non-XML, non-text media type
		 * is base64. */
		if (st->cap_type == T_OTHER && strncasecmp(v, "text/", 5) &&
		    strcasestr(v, "xml") == NULL) {
			st->cap_b64 = 1;
			st->cap_type = T_HTML;
		}
		free(v);
		/* RFC 4287 3.1: text constructs default to "text";
		 * Atom 0.3 content defaults to text/plain too. */
		if (st->cap_type == T_NONE)
			st->cap_type = T_TEXT;
		v = attr_get(st, attrs, nattrs, NULL, "mode");
		if (v != NULL && strcmp(v, "base64") == 0)
			st->cap_b64 = 1;
		else if (v != NULL && strcmp(v, "escaped") == 0)
			st->cap_escaped = 1;
		free(v);
		/* Atom 0.3: base64 of XHTML is text to decode, then
		 * markup, not inline elements. */
		if (st->cap_b64 && st->cap_type == T_XHTML) {
			st->cap_type = T_HTML;
			st->cap_stripdiv = 0;
		}
	} else if (ns == NS_XHTML)
		st->cap_type = T_XHTML;
	if (m->field == F_GUID) {
		v = attr_get(st, attrs, nattrs, NULL, "isPermaLink");
		st->cap_guidlink = v == NULL || strcasecmp(v, "false") != 0;
		free(v);
	}
}

static void
sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct xstate *st = state_of(ctx);
	struct frame *f;
	int depth = st->depth;

	(void)prefix;
	(void)uri;
	if (depth == 0)
		return;
	if (st->cap && depth > st->cap_depth) {
		if (depth == st->cap_divdepth && !st->cap_divdone)
			st->cap_divout = st->markup.len;
		if (!is_void((const char *)localname)) {
			madd(st, "</");
			madd(st, (const char *)localname);
			madd(st, ">");
			(void)fxml_take_text(st,
			    strlen((const char *)localname) + 3);
		}
		if (depth == st->cap_divdepth && !st->cap_divdone) {
			st->cap_divdone = 1;
			st->cap_divend = st->markup.len;
		}
	} else if (st->cap && depth == st->cap_depth)
		fmap_cap_finish(st);
	else {
		f = &st->frames[depth - 1];
		if (f->entry && st->in_entry)
			fmap_entry_end(st);
		else if (f->ctx == C_AUTHOR)
			fmap_author_end(st,
			    st->in_entry ? &st->ent : &st->feed);
	}
	f = &st->frames[depth - 1];
	if (f->own)
		free(f->base);
	f->own = 0;
	st->ns_in_scope -= f->nns;
	st->depth--;
}

/* Text into the markup copy, escaped; runs of plain text in one go. */
static void
markup_text(struct xstate *st, const xmlChar *ch, size_t len)
{
	const xmlChar *p, *run, *end = ch + len;
	size_t before = st->markup.len;

	for (p = run = ch; p < end; p++) {
		if (*p != '&' && *p != '<' && *p != '>')
			continue;
		buf_add(&st->markup, run, p - run);
		buf_addstr(&st->markup, *p == '&' ? "&amp;" :
		    *p == '<' ? "&lt;" : "&gt;");
		run = p + 1;
	}
	if (buf_add(&st->markup, run, end - run) == -1)
		fxml_refuse(st, "a field is longer than %zu bytes",
		    st->markup.cap);
	(void)fxml_take_text(st, st->markup.len - before);
}

/*
 * The markup copy is only read when the field turns out to have child
 * elements (or is Atom xhtml), which most never do: it is started from the
 * raw text when the first child shows up (cap_start) rather than kept up
 * to date for every field.
 */
static void
sax_chars(void *ctx, const xmlChar *ch, int len)
{
	struct xstate *st = state_of(ctx);

	if (!st->cap || st->refused != NULL)
		return;
	/* XHTML text and HTML fields are read from the markup copy
	 * alone (cap_text, cap_html): no need to keep the text twice. */
	if (st->cap_type != T_XHTML || (st->cap_field != F_SUMMARY &&
	    st->cap_field != F_CONTENT && st->cap_field != F_TITLE &&
	    st->cap_field != F_SUBTITLE)) {
		if (fxml_take_text(st, (size_t)len) == -1)
			return;
		if (buf_add(&st->raw, ch, len) == -1) {
			fxml_refuse(st, "a field is longer than %zu bytes",
			    st->raw.cap);
			return;
		}
	}
	if (st->cap_children || st->cap_type == T_XHTML)
		markup_text(st, ch, (size_t)len);
}

/*
 * Entities: the document's own (and the five predefined) first, then the
 * HTML 4 names, which feeds use without declaring.  They are made
 * "predefined" so that libxml2 hands their text to characters() instead
 * of an entity reference.
 */
static xmlEntityPtr
sax_entity(void *ctx, const xmlChar *name)
{
	struct xstate *st = state_of(ctx);
	const htmlEntityDesc *h;
	xmlEntityPtr ent;
	char utf8[8];
	int n;

	if (st->refused != NULL)
		return NULL;
	if (!names_bounded(st))
		return NULL;
	ent = xmlSAX2GetEntity(ctx, name);
	if (ent != NULL) {
		/* Each expansion of the document's own entities is paid
		 * for (nested ones as they are looked up in turn). */
		if (ent->etype != XML_INTERNAL_PREDEFINED_ENTITY &&
		    ent->length > 0 &&
		    take_expansion(st, (size_t)ent->length) == -1)
			return NULL;
		return ent;
	}
	ent = xmlGetDocEntity(st->edoc, name);
	if (ent != NULL)
		return ent;
	h = htmlEntityLookup(name);
	if (h != NULL) {
		n = xmlCopyCharMultiByte((xmlChar *)utf8, (int)h->value);
		if (n <= 0)
			return NULL;
		utf8[n] = '\0';
		ent = xmlAddDocEntity(st->edoc, name,
		    XML_INTERNAL_GENERAL_ENTITY, NULL, NULL,
		    (const xmlChar *)utf8);
		if (ent != NULL)
			ent->etype = XML_INTERNAL_PREDEFINED_ENTITY;
		return ent;
	}
	/*
	 * An entity nobody declared stays as written, as in feedparser,
	 * rather than vanish.  One entity serves every such name, its text
	 * rewritten on each lookup (libxml2 copies a predefined entity's
	 * text at once): a table of every name a document makes up would
	 * grow with the document.
	 */
	if (st->unknown == NULL) {
		st->unknown = xmlAddDocEntity(st->edoc,
		    (const xmlChar *)"#unknown", XML_INTERNAL_GENERAL_ENTITY,
		    NULL, NULL, (const xmlChar *)"");
		if (st->unknown == NULL)
			return NULL;
		st->unknown->etype = XML_INTERNAL_PREDEFINED_ENTITY;
	}
	ent = st->unknown;
	xmlFree(ent->content);
	ent->content = xmlStrdup((const xmlChar *)"&");
	ent->content = xmlStrcat(ent->content, name);
	ent->content = xmlStrcat(ent->content, (const xmlChar *)";");
	ent->length = xmlStrlen(ent->content);
	return ent;
}

static xmlEntityPtr
sax_param_entity(void *ctx, const xmlChar *name)
{
	struct xstate *st = state_of(ctx);
	xmlEntityPtr ent;

	if (st->refused != NULL)
		return NULL;
	ent = xmlSAX2GetParameterEntity(ctx, name);
	if (ent != NULL && ent->length > 0 &&
	    take_expansion(st, (size_t)ent->length) == -1)
		return NULL;
	return ent;
}

/* An entity's text is parsed wherever it is referenced: its start tags
 * are bounded like the document's. */
static void
sax_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicid, const xmlChar *systemid, xmlChar *content)
{
	struct xstate *st = state_of(ctx);
	struct tagscan t;

	if (!names_bounded(st))
		return;
	memset(&t, 0, sizeof(t));
	if (content != NULL && tagscan(&t, (const char *)content,
	    strlen((const char *)content)) == -1) {
		fxml_refuse(st, "entity %s: %s", (const char *)name,
		    tagscan_why(&t));
		return;
	}
	xmlSAX2EntityDecl(ctx, name, type, publicid, systemid, content);
}

/* libxml2 adds the defaults to every element, checking each against the
 * element's attributes: few are allowed. */
static void
sax_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *fullname,
    int type, int def, const xmlChar *defval, xmlEnumerationPtr tree)
{
	struct xstate *st = state_of(ctx);

	if (++st->nattdecl > XML_MAXATTDECL) {
		xmlFreeEnumeration(tree);
		fxml_refuse(st, "the DTD declares more than %d attributes",
		    XML_MAXATTDECL);
		return;
	}
	xmlSAX2AttributeDecl(ctx, elem, fullname, type, def, defval, tree);
}

static void
sax_element_decl(void *ctx, const xmlChar *name, int type,
    xmlElementContentPtr content)
{
	if (names_bounded(state_of(ctx)))
		xmlSAX2ElementDecl(ctx, name, type, content);
}

static void
sax_notation_decl(void *ctx, const xmlChar *name, const xmlChar *publicid,
    const xmlChar *systemid)
{
	if (names_bounded(state_of(ctx)))
		xmlSAX2NotationDecl(ctx, name, publicid, systemid);
}

/* Processing instructions are dropped, but their targets are names. */
static void
sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)target;
	(void)data;
	(void)names_bounded(state_of(ctx));
}

static xmlParserInputPtr
sax_resolve(void *ctx, const xmlChar *publicid, const xmlChar *systemid)
{
	(void)ctx;
	(void)publicid;
	(void)systemid;
	return NULL;
}

static void
sax_error(void *ctx, xmlErrorPtr err)
{
	struct xstate *st = state_of(ctx);

	if (err == NULL || err->level < XML_ERR_ERROR || st->errcode != 0)
		return;
	st->errcode = err->code;
	st->errline = err->line;
	free(st->errmsg);
	st->errmsg = xstrdup(err->message != NULL ? err->message : "error");
	st->errmsg[strcspn(st->errmsg, "\n")] = '\0';
}

static xmlParserInputPtr
no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* ------------------------------------------------------------- passes */

/* Is doc[i..len) "&name;", "&#123;" or "&#x1f;"? */
static int
is_reference(const char *doc, size_t len, size_t i)
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
 * Copies the next piece of an ASCII-based document into out (at most
 * CHUNK + 5 bytes), cleaning what XML 1.0 forbids but feeds are full of:
 * C0 controls are dropped, a bare '&' becomes "&amp;", "&#X" "&#x" and a
 * '<' that cannot start a tag "&lt;" (as feedparser
 * reads them), outside CDATA sections and comments.  *mode carries the
 * section state across calls; the lookahead reads the whole document, so
 * chunk boundaries do not matter.
 */
static size_t
filter(const char *doc, size_t len, size_t *offp, char *out, int *mode)
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
	size_t off = *offp, w = 0, n, lim;
	unsigned char c;

	while (off < len && w < CHUNK) {
		/* Plain bytes go in runs. */
		sp = special[*mode];
		lim = len - off < CHUNK - w ? len - off : CHUNK - w;
		for (n = 0; n < lim && !sp[(unsigned char)doc[off + n]]; n++)
			;
		memcpy(out + w, doc + off, n);
		w += n;
		off += n;
		if (off >= len || w >= CHUNK)
			break;
		c = (unsigned char)doc[off];
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
			    9) == 0)
				*mode = 1;
			else if (len - off >= 4 &&
			    memcmp(doc + off, "<!--", 4) == 0)
				*mode = 2;
		} else if (*mode == 1 && c == ']' && len - off >= 3 &&
		    memcmp(doc + off, "]]>", 3) == 0)
			*mode = 0;
		else if (*mode == 2 && c == '-' && len - off >= 3 &&
		    memcmp(doc + off, "-->", 3) == 0)
			*mode = 0;
		else if (*mode == 0 && c == '&' &&
		    !is_reference(doc, len, off)) {
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
 * are CHUNK bytes but at the end, and the first 4 bytes.
 */
static int
scan_chunk(struct tagscan *ts, const char *p, size_t n, int wide)
{
	const unsigned char *u = (const unsigned char *)p;
	char narrow[CHUNK / 2];
	size_t i, k = 0, unit;
	uint32_t v;

	if (!wide)
		return tagscan(ts, p, n);
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
			if (tagscan(ts, narrow, k) == -1)
				return -1;
			k = 0;
		}
	}
	return tagscan(ts, narrow, k);
}

struct pass {
	const char	*enc;		/* forced encoding, or NULL */
	int		 recover;
	int		 legacy;	/* 1: windows-1252, 2: ISO-8859-2 */
};

/*
 * One parse of the whole document.  Returns 0 if it was well-formed, -1
 * if not (st->errcode says why).
 */
static int
run_pass(struct xstate *st, const char *doc, size_t len, int wide,
    const struct pass *p)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;
	xmlCharEncodingHandlerPtr h;
	char chunk[CHUNK + 8], *conv = NULL;
	struct tagscan ts;
	size_t off, n, w;
	int opts, rc, mode = 0;

	memset(&sax, 0, sizeof(sax));
	xmlSAXVersion(&sax, 2);
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_chars;
	sax.cdataBlock = sax_chars;
	sax.ignorableWhitespace = sax_chars;
	sax.getEntity = sax_entity;
	sax.getParameterEntity = sax_param_entity;
	sax.entityDecl = sax_entity_decl;
	sax.attributeDecl = sax_attribute_decl;
	sax.resolveEntity = sax_resolve;
	sax.externalSubset = NULL;
	sax.reference = NULL;
	sax.comment = NULL;
	sax.processingInstruction = sax_pi;
	sax.elementDecl = sax_element_decl;
	sax.notationDecl = sax_notation_decl;
	sax.warning = NULL;
	sax.error = NULL;
	sax.fatalError = NULL;
	sax.serror = sax_error;

	off = 0;
	/* libxml2 detects UTF-16/32 from the first bytes. */
	n = p->enc == NULL ? (len < 4 ? len : 4) : 0;
	ctxt = xmlCreatePushParserCtxt(&sax, NULL, doc, (int)n, NULL);
	if (ctxt == NULL)
		return -1;
	off = n;
	if (p->legacy)
		conv = xmalloc(3 * sizeof(chunk));
	ctxt->_private = st;
	st->ctxt = ctxt;
	opts = XML_PARSE_NONET | XML_PARSE_NOCDATA;
	if (p->recover)
		opts |= XML_PARSE_RECOVER;
	if (p->enc != NULL) {
		opts |= XML_PARSE_IGNORE_ENC;
		h = xmlFindCharEncodingHandler(p->enc);
		if (h != NULL)
			xmlSwitchToEncoding(ctxt, h);
	}
	xmlCtxtUseOptions(ctxt, opts);

	rc = 0;
	memset(&ts, 0, sizeof(ts));
	if (n > 0 && scan_chunk(&ts, doc, n, wide) == -1)
		off = len;
	while (off < len && !st->run->aborted && st->refused == NULL) {
		if (wide) {
			n = len - off < CHUNK ? len - off : CHUNK;
			memcpy(chunk, doc + off, n);
			w = n;
			off += n;
		} else
			w = filter(doc, len, &off, chunk, &mode);
		if (scan_chunk(&ts, chunk, w, wide) == -1)
			break;
		if (p->legacy) {
			w = legacy_to_utf8(chunk, w, p->legacy == 1, conv);
			rc = xmlParseChunk(ctxt, conv, (int)w, 0);
		} else
			rc = xmlParseChunk(ctxt, chunk, (int)w, 0);
		if ((rc != 0 && !p->recover) || !names_bounded(st))
			break;
	}
	if (ts.natts > XML_MAXATTS || ts.taglen > XML_MAXTAG)
		fxml_refuse(st, "%s", tagscan_why(&ts));
	if ((rc == 0 || p->recover) && st->refused == NULL)
		rc = xmlParseChunk(ctxt, NULL, 0, 1);
	if (p->recover && !st->run->aborted && st->refused == NULL) {
		/* A truncated document leaves elements open, and libxml2
		 * does not close them: keep what the last entry has. */
		if (st->cap)
			fmap_cap_finish(st);
		if (st->in_entry)
			fmap_entry_end(st);
	}
	if (!ctxt->wellFormed || st->errcode != 0)
		rc = -1;
	if (ctxt->myDoc != NULL) {
		xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	st->ctxt = NULL;
	free(conv);
	return rc == 0 ? 0 : -1;
}

static void
budget_reset(struct xstate *st)
{
	st->expand_left = st->doclen + EXPAND_SLACK;
	st->text_left = st->doclen > (SIZE_MAX - EXPAND_SLACK) / TEXT_FACTOR ?
	    SIZE_MAX : st->doclen * TEXT_FACTOR + EXPAND_SLACK;
	st->ns_in_scope = 0;
	st->nattdecl = 0;
}

static void
state_reset(struct xstate *st)
{
	int i;

	for (i = 0; i < st->depth; i++)
		if (st->frames[i].own)
			free(st->frames[i].base);
	st->depth = 0;
	fmap_level_reset(&st->feed);
	fmap_level_reset(&st->ent);
	st->in_entry = 0;
	st->cap = 0;
	buf_clear(&st->raw);
	buf_clear(&st->markup);
	st->format = FEED_FORMAT_UNKNOWN;
	st->atomroot = 0;
	st->errcode = 0;
	st->errline = 0;
	free(st->errmsg);
	st->errmsg = NULL;
	st->nitems = 0;
	st->any = 0;
	st->run->seen = 0;
	st->ttl = 0;
	st->skip_hours = st->skip_days = 0;
	st->sy_period = st->sy_freq = 0;
	free(st->rootns);
	st->rootns = NULL;
	st->last_uri = NULL;
	budget_reset(st);
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
static size_t
legacy_to_utf8(const char *doc, size_t len, int is1252, char *outp)
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
		if (c < 0x80)
			*w++ = (unsigned char)c;
		else if (c < 0x800) {
			*w++ = (unsigned char)(0xc0 | (c >> 6));
			*w++ = (unsigned char)(0x80 | (c & 0x3f));
		} else {
			*w++ = (unsigned char)(0xe0 | (c >> 12));
			*w++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			*w++ = (unsigned char)(0x80 | (c & 0x3f));
		}
	}
	return (size_t)(w - (unsigned char *)outp);
}

/* Can the document be windows-1252 (legacy_to_utf8)? */
static int
is_cp1252(const char *doc, size_t len)
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
	*outlen = legacy_to_utf8(doc, len, is_cp1252(doc, len), out);
	out[*outlen] = '\0';
	return out;
}

static void
silent(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static int
is_encoding_error(int code)
{
	return code == XML_ERR_INVALID_CHAR ||
	    code == XML_ERR_INVALID_ENCODING ||
	    code == XML_ERR_UNSUPPORTED_ENCODING ||
	    code == XML_ERR_UNKNOWN_ENCODING;
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

	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		k = strlen(starts[i]);
		if (n >= k && memcmp(p, starts[i], k) == 0)
			return 1;
	}
	return 0;
}

int
feed_xml_parse(struct feed_run *run, const char *doc, size_t len,
    char **errstr)
{
	struct xstate st;
	struct pass p;
	struct feed_info *info = run->info;
	const unsigned char *u = (const unsigned char *)doc;
	const char *enc;
	size_t skip = 0;
	int wide = 0, junk = 0, rc, ok;

	feed_xml_init();
	memset(&st, 0, sizeof(st));
	st.run = run;
	st.doclen = len;
	budget_reset(&st);
	fmap_level_init(&st.feed);
	fmap_level_init(&st.ent);
	buf_init(&st.raw, run->max_size < FIELD_MAX ? run->max_size :
	    FIELD_MAX);
	buf_init(&st.markup, st.raw.cap);
	st.edoc = xmlNewDoc((const xmlChar *)"1.0");
	xmlCreateIntSubset(st.edoc, (const xmlChar *)"html", NULL, NULL);

	/* Encoding, in feedparser's order: a byte-order mark, then the
	 * HTTP charset, then the XML declaration (libxml2's own). */
	enc = run->opts->charset;
	if (len >= 3 && memcmp(u, "\xef\xbb\xbf", 3) == 0) {
		enc = "UTF-8";
		skip = 3;
	} else if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) ||
	    (u[0] == 0xff && u[1] == 0xfe))) {
		/* libxml2 reads FF FE as UTF-16 even before 00 00. */
		wide = u[0] == 0xfe ? 3 : 2;
		enc = NULL;
	} else if (len >= 4 && ((u[0] == 0 && u[1] == 0x3c) ||
	    (u[0] == 0x3c && u[1] == 0) || (u[0] == 0 && u[1] == 0))) {
		/* As libxml2 guesses from the first four bytes. */
		wide = u[0] == 0 && u[1] == 0 ? 5 : u[0] == 0 ? 3 :
		    u[2] == 0 && u[3] == 0 ? 4 : 2;
		enc = NULL;
	}
	if (!wide) {
		/* Blanks or junk before the first tag would make libxml2
		 * reject the XML declaration: feedparser skips them. */
		while (skip < len && doc[skip] != '<') {
			if (!isspace((unsigned char)doc[skip]))
				junk = 1;
			skip++;
		}
		/* A server's warning before a feed's own start is junk
		 * to skip; text before some other tag is not a feed. */
		if (junk && starts_feed(doc + skip, len - skip))
			junk = 0;
	}
	if (skip >= len) {
		size_t i, line = 1;

		for (i = 0; i < len; i++)
			line += doc[i] == '\n';
		*errstr = len == 0 ? xstrdup("empty document") :
		    xasprintf("line %zu: no XML element in the document",
		    line);
		xmlFreeDoc(st.edoc);
		buf_reset(&st.raw);
		buf_reset(&st.markup);
		return -1;
	}
	doc += skip;
	len -= skip;
	if (!wide && (!ascii_encoding(enc) ||
	    (enc == NULL && !ascii_encoding(declared(doc, len)))))
		/* The bound on attributes is read from the bytes: a
		 * charset where markup is not ASCII is not believed. */
		enc = "UTF-8";

	/* Errors are collected per parse (sax_error); libxml2's encoding
	 * layer would otherwise print to stderr. */
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, silent);
	p.enc = enc;
	p.recover = 0;
	p.legacy = 0;
	rc = run_pass(&st, doc, len, wide, &p);
	if (rc == -1 && !run->aborted && st.refused == NULL && !wide &&
	    is_encoding_error(st.errcode)) {
		/* Not what it claims: feedparser falls back to UTF-8, then
		 * to windows-1252 or ISO-8859-2 (legacy_to_utf8). */
		if (run->delivered < run->seen)
			run->delivered = run->seen;
		if (enc == NULL || strcasecmp(enc, "UTF-8") != 0) {
			state_reset(&st);
			p.enc = "UTF-8";
			rc = run_pass(&st, doc, len, wide, &p);
		}
		if (rc == -1 && !run->aborted && st.refused == NULL &&
		    is_encoding_error(st.errcode)) {
			if (run->delivered < run->seen)
				run->delivered = run->seen;
			state_reset(&st);
			p.legacy = is_cp1252(doc, len) ? 1 : 2;
			p.enc = "UTF-8";
			rc = run_pass(&st, doc, len, wide, &p);
		}
	}
	if (rc == -1 && !run->aborted && st.refused == NULL) {
		int line = st.errline;
		char *msg = st.errmsg;

		st.errmsg = NULL;
		if (run->delivered < run->seen)
			run->delivered = run->seen;
		state_reset(&st);
		if (junk && run->delivered == 0) {
			/* Text, then markup that is neither a feed's start
			 * nor XML (a README quoting a tag): recovering would
			 * make an entry of it. */
			ok = 0;
			*errstr = xasprintf("not a feed: text before the "
			    "first tag, and then not XML (line %d: %s)", line,
			    msg != NULL ? msg : "not well-formed");
			free(msg);
			goto done;
		}
		p.recover = 1;
		(void)run_pass(&st, doc, len, wide, &p);
		info->flags |= FEED_RECOVERED;
		ok = st.any || st.nitems > 0 || run->delivered > 0;
		if (!ok)
			*errstr = xasprintf("line %d: %s", line,
			    msg != NULL ? msg : "not well-formed");
		free(msg);
	} else
		ok = st.any || st.nitems > 0;
	if (st.refused != NULL) {
		/* Nothing of it counts: what the sink took is dropped by
		 * the caller along with the failure. */
		ok = 0;
		free(*errstr);
		*errstr = st.refused;
		st.refused = NULL;
	}
	if (ok && !run->aborted) {
		info->format = st.format;
		info->title = st.feed.v[F_TITLE], st.feed.v[F_TITLE] = NULL;
		info->link = st.feed.v[F_LINK], st.feed.v[F_LINK] = NULL;
		info->id = st.feed.v[F_ID], st.feed.v[F_ID] = NULL;
		/* Unlike an entry's (fmap_entry_end), a feed's id does not
		 * stand in for its link, as it does in feedparser: in the
		 * real-world corpus it is always the feed's own address,
		 * never the site's. */
		info->author = st.feed.v[F_AUTHOR], st.feed.v[F_AUTHOR] = NULL;
		info->language = st.feed.v[F_LANGUAGE];
		st.feed.v[F_LANGUAGE] = NULL;
		info->subtitle = st.feed.v[F_SUBTITLE];
		st.feed.v[F_SUBTITLE] = NULL;
		info->updated = st.feed.date[F_UPDATED];
		info->ttl = st.ttl;
		info->skip_hours = st.skip_hours;
		info->skip_days = st.skip_days;
		if (st.sy_period > 0)
			info->update_period = st.sy_period /
			    (st.sy_freq > 0 ? st.sy_freq : 1);
	} else if (*errstr == NULL && !run->aborted)
		*errstr = xstrdup("not a feed: no RSS, RDF or Atom root "
		    "element");
done:
	state_reset(&st);
	fmap_level_reset(&st.feed);
	fmap_level_reset(&st.ent);
	free(st.frames);
	buf_reset(&st.raw);
	buf_reset(&st.markup);
	xmlFreeDoc(st.edoc);
	return ok && !run->aborted ? 0 : -1;
}

