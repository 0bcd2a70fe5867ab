/*
 * feed_map.c: what feed elements mean.  Knows nothing of libxml2: the
 * driver (feed_xml.c) hands in each start tag (struct fmap_elem) and end
 * tag, and this file decides what the element is (the feed's root and
 * its dialect, a channel, an entry, a field, a container of fields) and,
 * for a field, whether its value is in its attributes (Atom links and
 * their relations, enclosures, categories, CDF's HREF) or in its content,
 * which the driver then captures for feed_field.c to read, told how
 * (content types, base64, the xhtml wrapper div, xml:base, xml:lang,
 * isPermaLink).
 *
 * All element meanings sit in tables (children of a channel or feed, of
 * an item or entry, of an Atom author, of skipHours and skipDays), each a
 * list of {namespace, element, field, priority} sorted once and searched
 * with bsearch; names match without case, as in feedparser.  A new
 * element is one table row.  Priorities are read by feed_field.c: lower
 * wins.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "feed_map.h"
#include "feed_map_int.h"
#include "uri.h"
#include "base/util.h"

static const struct {
	const char	*uri;
	enum ns		 ns;
} ns_uris[] = {
	{ "http://backend.userland.com/rss2", NS_RSS },
	{ "http://blogs.law.harvard.edu/tech/rss", NS_RSS },
	{ "http://my.netscape.com/rdf/simple/0.9/", NS_RSS },
	{ "http://purl.org/atom/ns#", NS_ATOM },
	{ "http://purl.org/dc/elements/1.1/", NS_DC },
	{ "http://purl.org/dc/elements/1.0/", NS_DC },
	{ "http://purl.org/dc/terms/", NS_DCTERMS },
	{ "http://purl.org/rss/1.0/", NS_RSS },
	{ "http://purl.org/rss/1.0/modules/content/", NS_CONTENT },
	{ "http://www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES },
	{ "http://example.com/dtds/podcast-1.0.dtd", NS_ITUNES },
	{ "http://www.w3.org/1999/02/22-rdf-syntax-ns#", NS_RDF },
	{ "http://www.w3.org/1999/xhtml", NS_XHTML },
	{ "http://www.w3.org/2005/Atom", NS_ATOM },
	{ "http://search.yahoo.com/mrss/", NS_MEDIA },
	{ "http://search.yahoo.com/mrss", NS_MEDIA },
	{ "http://purl.org/rss/1.0/modules/syndication/", NS_SY },
	/* Older names of the core vocabularies that feedparser reads as
	 * the core. */
	{ "http://purl.org/rss/1.0/modules/rss091#", NS_RSS },
	{ "http://example.com/newformat#", NS_ATOM },
	{ "http://example.com/necho", NS_ATOM },
	{ "http://purl.org/echo/", NS_ATOM },
	{ "uri/of/echo/namespace#", NS_ATOM },
	{ "http://purl.org/pie/", NS_ATOM },
};

/* Children of the channel (RSS) or feed (Atom).  Sorted at init. */
static struct map channel_map[] = {
	{ NS_RSS, "title", F_TITLE, 0 },
	{ NS_RSS, "link", F_LINK, 0 },
	{ NS_RSS, "description", F_SUBTITLE, 0 },
	{ NS_RSS, "language", F_LANGUAGE, 0 },
	{ NS_RSS, "lastBuildDate", F_UPDATED, 0 },
	{ NS_RSS, "pubDate", F_UPDATED, 3 },	/* only if nothing else */
	{ NS_RSS, "author", F_AUTHOR, 2 },
	{ NS_RSS, "managingEditor", F_AUTHOR, 4 },
	{ NS_RSS, "ttl", F_TTL, 0 },
	{ NS_RSS, "skipHours", F_SKIPHOURS, 0 },
	{ NS_RSS, "skipDays", F_SKIPDAYS, 0 },
	/* Atom's names in an RSS channel, as in feedparser. */
	{ NS_RSS, "subtitle", F_SUBTITLE, 1 },
	{ NS_RSS, "tagline", F_SUBTITLE, 1 },
	{ NS_RSS, "updated", F_UPDATED, 0 },
	{ NS_RSS, "modified", F_UPDATED, 0 },
	{ NS_SY, "updatePeriod", F_SYPERIOD, 0 },
	{ NS_SY, "updateFrequency", F_SYFREQ, 0 },
	{ NS_ATOM, "title", F_TITLE, 0 },
	{ NS_ATOM, "link", F_ALINK, 0 },
	{ NS_ATOM, "subtitle", F_SUBTITLE, 0 },
	{ NS_ATOM, "tagline", F_SUBTITLE, 0 },	/* Atom 0.3 */
	{ NS_ATOM, "id", F_ID, 0 },
	{ NS_ATOM, "updated", F_UPDATED, 0 },
	{ NS_ATOM, "modified", F_UPDATED, 0 },	/* Atom 0.3 */
	{ NS_ATOM, "author", F_AUTHORS, 0 },
	/* RSS names in an Atom feed (Amarbangla); feedparser reads them. */
	{ NS_ATOM, "description", F_SUBTITLE, 1 },
	{ NS_ATOM, "language", F_LANGUAGE, 1 },
	{ NS_DC, "title", F_TITLE, 0 },
	{ NS_DC, "creator", F_AUTHOR, 1 },
	{ NS_DC, "author", F_AUTHOR, 1 },
	{ NS_DC, "date", F_UPDATED, 0 },
	{ NS_DC, "language", F_LANGUAGE, 1 },
	{ NS_DC, "description", F_SUBTITLE, 1 },
	{ NS_DCTERMS, "modified", F_UPDATED, 0 },
	{ NS_ITUNES, "category", F_ICATEGORY, 0 },	/* feed: ignored */
	{ NS_ITUNES, "keywords", F_KEYWORDS, 0 },
	{ NS_ITUNES, "author", F_AUTHOR, 3 },
	{ NS_ITUNES, "summary", F_SUBTITLE, 1 },
	{ NS_ITUNES, "subtitle", F_SUBTITLE, 2 },
	{ NS_CDF, "TITLE", F_TITLE, 0 },
	{ NS_CDF, "ABSTRACT", F_SUBTITLE, 0 },
};

/* Children of an item (RSS) or entry (Atom). */
static struct map entry_map[] = {
	{ NS_RSS, "title", F_TITLE, 0 },
	{ NS_RSS, "link", F_LINK, 0 },
	{ NS_RSS, "description", F_SUMMARY, 0 },
	{ NS_RSS, "guid", F_GUID, 0 },
	{ NS_RSS, "pubDate", F_PUBLISHED, 0 },
	{ NS_RSS, "author", F_AUTHOR, 2 },
	{ NS_RSS, "category", F_CATEGORY, 0 },
	{ NS_RSS, "enclosure", F_ENCLOSURE, 0 },
	{ NS_ATOM, "title", F_TITLE, 0 },
	{ NS_ATOM, "link", F_ALINK, 0 },
	{ NS_ATOM, "id", F_ID, 0 },
	{ NS_ATOM, "published", F_PUBLISHED, 0 },
	{ NS_ATOM, "issued", F_PUBLISHED, 0 },	/* Atom 0.3 */
	{ NS_ATOM, "updated", F_UPDATED, 0 },
	{ NS_ATOM, "modified", F_UPDATED, 0 },	/* Atom 0.3 */
	{ NS_ATOM, "summary", F_SUMMARY, 0 },
	{ NS_ATOM, "content", F_CONTENT, 0 },
	{ NS_ATOM, "category", F_ACATEGORY, 0 },
	{ NS_ATOM, "author", F_AUTHORS, 0 },
	{ NS_DC, "title", F_TITLE, 0 },
	{ NS_DC, "creator", F_AUTHOR, 1 },
	{ NS_DC, "author", F_AUTHOR, 1 },
	{ NS_DC, "date", F_UPDATED, 0 },
	{ NS_DC, "subject", F_CATEGORY, 0 },
	{ NS_DC, "description", F_SUMMARY, 0 },
	{ NS_DCTERMS, "issued", F_PUBLISHED, 0 },
	{ NS_DCTERMS, "modified", F_UPDATED, 0 },
	{ NS_CONTENT, "encoded", F_CONTENT, 0 },
	{ NS_ITUNES, "author", F_AUTHOR, 3 },
	{ NS_ITUNES, "summary", F_SUMMARY, 0 },
	{ NS_ITUNES, "category", F_ICATEGORY, 0 },
	{ NS_ITUNES, "keywords", F_KEYWORDS, 0 },
	{ NS_MEDIA, "keywords", F_KEYWORDS, 0 },
	{ NS_XHTML, "body", F_CONTENT, 1 },
	{ NS_RSS, "body", F_CONTENT, 1 },	/* as feedparser */
	{ NS_RSS, "fullitem", F_CONTENT, 1 },
	{ NS_RSS, "tags", F_KEYWORDS, 0 },	/* as feedparser */
	/* Atom's names in an RSS item: feedparser knows one vocabulary. */
	{ NS_RSS, "summary", F_SUMMARY, 0 },
	{ NS_RSS, "content", F_CONTENT, 0 },
	{ NS_RSS, "updated", F_UPDATED, 0 },
	{ NS_RSS, "modified", F_UPDATED, 0 },
	{ NS_RSS, "published", F_PUBLISHED, 0 },
	{ NS_RSS, "issued", F_PUBLISHED, 0 },
	{ NS_MEDIA, "title", F_TITLE, 2 },
	{ NS_MEDIA, "description", F_SUMMARY, 2 },
	{ NS_MEDIA, "category", F_CATEGORY, 0 },
	{ NS_MEDIA, "group", F_GROUP, 0 },
	{ NS_CDF, "TITLE", F_TITLE, 0 },
	{ NS_CDF, "ABSTRACT", F_SUMMARY, 0 },
	{ NS_XHTML, "div", F_CONTENT, 2 },
};

/* An Atom link whose URL is its content (pre-1.0 Atom, sloppy feeds). */
static const struct map alink_text = { NS_ATOM, "link", F_LINK, 1 };

/* Children of RSS skipHours and skipDays. */
static struct map hours_map[] = {
	{ NS_RSS, "hour", F_HOUR, 0 },
};
static struct map days_map[] = {
	{ NS_RSS, "day", F_DAY, 0 },
};

/* Children of an Atom author. */
static struct map author_map[] = {
	{ NS_ATOM, "name", F_NAME, 0 },
	{ NS_ATOM, "email", F_EMAIL, 0 },
};

static int
map_cmp(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

/* ------------------------------------------------------------ helpers */

static enum ns
ns_code1(const struct fmap *m, const char *uri)
{
	size_t i;

	if ((uri == NULL || *uri == '\0') && m->format == FEED_FORMAT_CDF)
		return NS_CDF;
	if (uri == NULL || *uri == '\0' || (m->rootns != NULL &&
	    strcmp(uri, m->rootns) == 0))
		return m->atomroot ? NS_ATOM : NS_RSS;
	/* Publishers get the case of namespace names wrong (the iTunes
	 * DTD's most of all): like feedparser, compare without case. */
	for (i = 0; i < NELEM(ns_uris); i++)
		if (strcasecmp(uri, ns_uris[i].uri) == 0)
			return ns_uris[i].ns;
	if (strcasestr(uri, "backend.userland.com/rss") != NULL)
		return NS_RSS;
	return NS_OTHER;
}

/* The code of a namespace URI. */
static enum ns
ns_code(struct fmap *m, const char *uri)
{
	/* The driver hands the same URI as the same pointer (libxml2
	 * interns names): remember the last answer. */
	if (uri != NULL && uri == m->last_uri)
		return m->last_ns;
	m->last_uri = uri;
	m->last_ns = ns_code1(m, uri);
	return m->last_ns;
}

/* The table row for an element among the children of a ctx, or NULL. */
static const struct map *
find_map(enum ctx ctx, enum ns ns, const char *name)
{
	struct map key;
	struct map *tab;
	size_t n;

	switch (ctx) {
	case C_CHANNEL:
		tab = channel_map;
		n = NELEM(channel_map);
		break;
	case C_ENTRY:
		tab = entry_map;
		n = NELEM(entry_map);
		break;
	case C_AUTHOR:
		tab = author_map;
		n = NELEM(author_map);
		break;
	case C_SKIPHOURS:
		tab = hours_map;
		n = NELEM(hours_map);
		break;
	case C_SKIPDAYS:
		tab = days_map;
		n = NELEM(days_map);
		break;
	default:
		return NULL;
	}
	key.ns = ns;
	key.name = name;
	return bsearch(&key, tab, n, sizeof(struct map), map_cmp);
}


static enum ctype
ctype_of(const char *t)
{
	if (t == NULL)
		return T_NONE;
	if (strcasecmp(t, "text") == 0 || strcasecmp(t, "text/plain") == 0 ||
	    strcasecmp(t, "plain") == 0)
		return T_TEXT;
	if (strcasecmp(t, "html") == 0 || strcasecmp(t, "text/html") == 0)
		return T_HTML;
	if (strcasecmp(t, "xhtml") == 0 ||
	    strcasecmp(t, "application/xhtml+xml") == 0)
		return T_XHTML;
	return T_OTHER;
}


/* ------------------------------------------------------ start tags */

/* The dialect, from the root element. */
static void
detect_format(struct fmap *m, const struct fmap_elem *el)
{
	const char *name = el->name, *uri = el->uri;
	char *ver;

	if (strcasecmp(name, "rss") == 0) {
		ver = el->attr(el, NULL, "version");
		if (ver == NULL)
			m->format = FEED_FORMAT_RSS;
		else if (strncmp(ver, "2.", 2) == 0)
			m->format = FEED_FORMAT_RSS20;
		else if (strncmp(ver, "0.9", 3) == 0 && ver[3] != '0')
			m->format = FEED_FORMAT_RSS09X;
		else if (strcmp(ver, "0.90") == 0)
			m->format = FEED_FORMAT_RSS090;
		else
			m->format = FEED_FORMAT_RSS;
		free(ver);
	} else if (strcasecmp(name, "RDF") == 0) {
		/* RSS 1.0 wins over 0.90 when both are declared. */
		if (el->declares(el, RSS10_NS))
			m->format = FEED_FORMAT_RSS10;
		else if (el->declares(el, RSS090_NS))
			m->format = FEED_FORMAT_RSS090;
		else
			m->format = FEED_FORMAT_RSS;
	} else if (strcasecmp(name, "channel") == 0 && uri == NULL) {
		/* Microsoft's Channel Definition Format (1997). */
		m->format = FEED_FORMAT_CDF;
	} else if (strcasecmp(name, "feed") == 0) {
		m->atomroot = 1;
		ver = el->attr(el, NULL, "version");
		if (uri != NULL && strcmp(uri, ATOM10_NS) == 0)
			m->format = FEED_FORMAT_ATOM10;
		else if ((uri != NULL && strcmp(uri, ATOM03_NS) == 0 &&
		    (ver == NULL || strcmp(ver, "0.3") == 0)) ||
		    (ver != NULL && strcmp(ver, "0.3") == 0))
			m->format = FEED_FORMAT_ATOM03;
		else
			m->format = FEED_FORMAT_ATOM;
		free(ver);
	}
}

/* CDF puts the link and the date in attributes. */
static void
cdf_attrs(struct level *l, const struct fmap_elem *el)
{
	char *v;

	v = str_trim(el->attr(el, NULL, "HREF"), WS_XML);
	if (v != NULL)
		fmap_level_set(l, F_LINK, 0, uri_resolve(el->base, v));
	free(v);
	v = el->attr(el, NULL, "LASTMOD");
	fmap_level_set_date(l, F_UPDATED, 0, str_trim(v, WS_XML));
}

static void
root_start(struct fmap *m, const struct fmap_elem *el,
    struct fmap_frame *self)
{
	char *v, *t;

	detect_format(m, el);
	if (el->uri != NULL && m->format != FEED_FORMAT_UNKNOWN) {
		free(m->rootns);
		m->rootns = xstrdup(el->uri);
	}
	self->ctx = C_ROOT;
	if (m->format == FEED_FORMAT_UNKNOWN)
		self->ctx = C_SKIP;
	else
		m->any = 1;
	if (m->atomroot)
		self->ctx = C_CHANNEL;
	if (m->format == FEED_FORMAT_CDF) {
		self->ctx = C_CHANNEL;
		cdf_attrs(&m->feed, el);
	}
	v = el->attr(el, XML_NS, "lang");
	/* feedparser normalises en_US to en-US. */
	for (t = v; t != NULL && *t != '\0'; t++)
		if (*t == '_')
			*t = '-';
	fmap_level_set(&m->feed, F_LANGUAGE, 5, str_trim(v, WS_XML));
}

/*
 * The element starts an entry.  Only that element's end tag ends it:
 * containers that pass the entry's context on to their children
 * (media:group) share the ctx but not this mark.
 */
static void
begin_entry(struct fmap *m, const struct fmap_elem *el,
    struct fmap_frame *self)
{
	fmap_entry_begin(m);
	self->ctx = C_ENTRY;
	self->entry = 1;
	/* RSS 1.0 names an item by its rdf:about; a guid or an Atom id
	 * says it better (feedparser takes the later guid). */
	fmap_level_set(&m->ent, F_GUID, 5, str_trim(el->attr(el, RDF_NS,
	    "about"), WS_XML));
}

static int
is_item(enum ns ns, const char *name)
{
	return (ns == NS_RSS || ns == NS_ATOM) &&
	    (strcasecmp(name, "item") == 0 || strcasecmp(name, "entry") == 0);
}

/*
 * Entries and channels, which the tables do not map.  Returns 1 when
 * the element was one (*rc says whether the sink asked to stop), 0 when
 * it is to be looked up in the parent's table.
 */
static int
structure_start(struct fmap *m, enum ctx parent, enum ns ns,
    const struct fmap_elem *el, struct fmap_frame *self, int *rc)
{
	const char *name = el->name;

	*rc = 0;
	switch (parent) {
	case C_ROOT:
		if (strcasecmp(name, "channel") == 0)
			self->ctx = C_CHANNEL;
		else if (strcasecmp(name, "item") == 0 && !m->in_entry)
			begin_entry(m, el, self);
		return 1;
	case C_CHANNEL:
		if (is_item(ns, name) && !m->in_entry) {
			begin_entry(m, el, self);
			return 1;
		}
		if (ns == NS_CDF && !m->in_entry &&
		    strcasecmp(name, "item") == 0) {
			begin_entry(m, el, self);
			cdf_attrs(&m->ent, el);
			return 1;
		}
		return 0;
	case C_ENTRY:
		/* An item inside an item: like feedparser, the outer one
		 * ends there and the inner one is an entry of its own. */
		if (is_item(ns, name) && m->in_entry) {
			*rc = fmap_entry_end(m, el->base);
			if (*rc == 0)
				begin_entry(m, el, self);
			return 1;
		}
		return 0;
	case C_AUTHOR:
	case C_SKIPHOURS:
	case C_SKIPDAYS:
		return 0;
	default:
		return 1;
	}
}

/* The vocabulary of a category element (see enum catkind). */
static enum catkind
cat_kind(const struct fmap_elem *el, enum ns ns)
{
	char *v;

	v = el->attr(el, NULL, "scheme");
	if (v == NULL)
		v = el->attr(el, NULL, "domain");
	if (v != NULL) {
		free(v);
		return CAT_SCHEMED;
	}
	return ns == NS_ITUNES ? CAT_ITUNES : ns == NS_MEDIA ? CAT_MEDIA :
	    CAT_PLAIN;
}

/*
 * An Atom link (RFC 4287 4.2.7): an alternate link (rel missing or
 * "alternate") is the link, and one to an HTML page beats one to another
 * type (a PDF, a podcast's audio) wherever it is, as in feedparser; an
 * entry's rel="enclosure" is an enclosure.  Returns 1 when the URL is
 * the element's content instead of its href.
 */
static int
atom_link(struct level *l, const struct map *mp, enum ctx parent,
    const struct fmap_elem *el)
{
	char *rel, *href, *type, *len;
	int prio = mp->prio;

	rel = el->attr(el, NULL, "rel");
	href = str_trim(el->attr(el, NULL, "href"), WS_XML);
	if (href == NULL && (rel == NULL ||
	    strcasecmp(rel, "alternate") == 0)) {
		/* Pre-1.0 Atom and sloppy feeds: URL as content. */
		free(rel);
		return 1;
	}
	if (href != NULL && (rel == NULL ||
	    strcasecmp(rel, "alternate") == 0)) {
		type = str_trim(el->attr(el, NULL, "type"), WS_XML);
		if (type != NULL && strcasecmp(type, "text/html") != 0 &&
		    strcasecmp(type, "application/xhtml+xml") != 0)
			prio += 2;
		free(type);
		fmap_level_set(l, F_LINK, prio, uri_resolve(el->base, href));
	} else if (href != NULL && strcasecmp(rel, "enclosure") == 0 &&
	    parent == C_ENTRY) {
		len = el->attr(el, NULL, "length");
		fmap_level_add_enc(l, uri_resolve(el->base, href),
		    el->attr(el, NULL, "type"), len);
		free(len);
	}
	free(href);
	free(rel);
	return 0;
}

/*
 * Elements whose value is in their attributes, and containers.  Returns
 * 1 when that was all, 0 when the content is to be captured (as *mp,
 * which may be changed).
 */
static int
attr_field(struct level *l, const struct map **mp,
    enum ctx parent, enum ns ns, const struct fmap_elem *el,
    struct fmap_frame *self)
{
	char *url, *len;

	switch ((*mp)->field) {
	case F_AUTHORS:
		self->ctx = C_AUTHOR;
		return 1;
	case F_GROUP:
		self->ctx = parent;
		return 1;
	case F_SKIPHOURS:
		self->ctx = C_SKIPHOURS;
		return 1;
	case F_SKIPDAYS:
		self->ctx = C_SKIPDAYS;
		return 1;
	case F_ALINK:
		if (!atom_link(l, *mp, parent, el))
			return 1;
		*mp = &alink_text;
		return 0;
	case F_ENCLOSURE:
		url = str_trim(el->attr(el, NULL, "url"), WS_XML);
		len = el->attr(el, NULL, "length");
		fmap_level_add_enc(l, url != NULL ?
		    uri_resolve(el->base, url) : NULL,
		    el->attr(el, NULL, "type"), len);
		free(url);
		free(len);
		return 1;
	case F_ACATEGORY:
		fmap_level_add_cat(l, feed_collapse(el->attr(el, NULL,
		    "term"), FEED_BLANKS_XML), cat_kind(el, ns));
		return 1;
	case F_ICATEGORY:
		/* Categories nest (a subcategory inside its category): the
		 * children are read in the same context. */
		fmap_level_add_cat(l, feed_collapse(el->attr(el, NULL,
		    "text"), FEED_BLANKS_XML), cat_kind(el, ns));
		self->ctx = parent;
		return 1;
	default:
		return 0;
	}
}

/* How an Atom text or content construct is to be read (RFC 4287 3.1,
 * 4.1.3); returns whether a wrapper div is to be stripped. */
static int
atom_type(struct fmap *m, const struct fmap_elem *el)
{
	struct fmap_cap *c = &m->cap;
	char *v;
	int stripdiv;

	v = el->attr(el, NULL, "type");
	c->type = ctype_of(v);
	/* Only Atom 1.0 wraps xhtml in a div.  Elements inside a field
	 * that claims to be text or HTML are inline XHTML anyway, and
	 * their wrapper div is not content either (TypePad; feedparser
	 * drops it too). */
	stripdiv = c->type == T_XHTML ? m->format == FEED_FORMAT_ATOM10 : 1;
	/* RFC 4287 4.1.3.3: any other non-XML, non-text media type is
	 * base64. */
	if (c->type == T_OTHER && strncasecmp(v, "text/", 5) &&
	    strcasestr(v, "xml") == NULL) {
		c->b64 = 1;
		c->type = T_HTML;
	}
	free(v);
	/* RFC 4287 3.1: text constructs default to "text"; Atom 0.3
	 * content defaults to text/plain too. */
	if (c->type == T_NONE)
		c->type = T_TEXT;
	v = el->attr(el, NULL, "mode");
	if (v != NULL && strcmp(v, "base64") == 0)
		c->b64 = 1;
	else if (v != NULL && strcmp(v, "escaped") == 0)
		c->escaped = 1;
	free(v);
	/* Atom 0.3: base64 of XHTML is text to decode, then markup, not
	 * inline elements. */
	if (c->b64 && c->type == T_XHTML) {
		c->type = T_HTML;
		stripdiv = 0;
	}
	return stripdiv;
}

/* A field with a value in its content: the driver is to capture it. */
static void
capture_start(struct fmap *m, const struct map *mp, enum ctx parent,
    enum ns ns, const struct fmap_elem *el, struct fmap_capture *cap)
{
	struct fmap_cap *c = &m->cap;
	char *v;
	int stripdiv = 0;

	c->field = mp->field;
	c->prio = mp->prio;
	c->ctx = parent;
	c->ns = ns;
	c->catkind = cat_kind(el, ns);
	c->b64 = 0;
	c->escaped = 0;
	c->rss_author = mp->field == F_AUTHOR && ns != NS_ATOM;
	c->base = el->base;
	c->type = T_NONE;
	if (ns == NS_ATOM)
		stripdiv = atom_type(m, el);
	else if (ns == NS_XHTML)
		c->type = T_XHTML;
	if (mp->field == F_GUID) {
		v = el->attr(el, NULL, "isPermaLink");
		c->guidlink = v == NULL || strcasecmp(v, "false") != 0;
		free(v);
	}
	cap->on = 1;
	cap->stripdiv = stripdiv;
	cap->xhtml = c->type == T_XHTML;
	/* XHTML text and HTML fields are read from the markup copy alone
	 * (feed_field.c): no need to keep the text twice. */
	cap->markup_only = cap->xhtml && (c->field == F_SUMMARY ||
	    c->field == F_CONTENT || c->field == F_TITLE ||
	    c->field == F_SUBTITLE);
}

int
fmap_start(struct fmap *m, const struct fmap_frame *parent,
    const struct fmap_elem *el, struct fmap_frame *self,
    struct fmap_capture *cap)
{
	const struct map *mp;
	struct level *l;
	enum ctx pctx;
	enum ns ns;
	int rc;

	memset(self, 0, sizeof(*self));
	memset(cap, 0, sizeof(*cap));
	if (parent == NULL) {
		root_start(m, el, self);
		return 0;
	}
	pctx = (enum ctx)parent->ctx;
	ns = ns_code(m, el->uri);
	if (structure_start(m, pctx, ns, el, self, &rc))
		return rc;
	mp = find_map(pctx, ns, el->name);
	if (mp == NULL)
		return 0;
	l = pctx == C_CHANNEL ? &m->feed : pctx == C_ENTRY ? &m->ent :
	    m->in_entry ? &m->ent : &m->feed;
	if (attr_field(l, &mp, pctx, ns, el, self))
		return 0;
	capture_start(m, mp, pctx, ns, el, cap);
	return 0;
}

/* --------------------------------------------- end tags, the feed */

int
fmap_end(struct fmap *m, const struct fmap_frame *f, const char *base)
{
	if (f->entry && m->in_entry)
		return fmap_entry_end(m, base);
	if (f->ctx == C_AUTHOR)
		fmap_author_end(m->in_entry ? &m->ent : &m->feed);
	return 0;
}

int
fmap_flush(struct fmap *m, const char *base)
{
	return m->in_entry ? fmap_entry_end(m, base) : 0;
}

int
fmap_found(const struct fmap *m)
{
	return m->any || m->nitems > 0;
}

void
fmap_harvest(struct fmap *m, struct feed_info *info)
{
	struct level *l = &m->feed;

	info->format = m->format;
	info->title = l->v[F_TITLE], l->v[F_TITLE] = NULL;
	info->link = l->v[F_LINK], l->v[F_LINK] = NULL;
	info->id = l->v[F_ID], l->v[F_ID] = NULL;
	/* Unlike an entry's (fmap_entry_end), a feed's id does not stand
	 * in for its link, as it does in feedparser: in the real-world
	 * corpus it is always the feed's own address, never the site's. */
	info->author = l->v[F_AUTHOR], l->v[F_AUTHOR] = NULL;
	info->language = l->v[F_LANGUAGE], l->v[F_LANGUAGE] = NULL;
	info->subtitle = l->v[F_SUBTITLE], l->v[F_SUBTITLE] = NULL;
	info->updated = l->date[F_UPDATED];
	info->ttl = m->ttl;
	info->skip_hours = m->skip_hours;
	info->skip_days = m->skip_days;
	if (m->sy_period > 0)
		info->update_period = m->sy_period /
		    (m->sy_freq > 0 ? m->sy_freq : 1);
}

struct fmap *
fmap_new(struct feed_run *run)
{
	struct fmap *m;

	m = xcalloc(1, sizeof(*m));
	m->run = run;
	fmap_level_init(&m->feed);
	fmap_level_init(&m->ent);
	return m;
}

void
fmap_reset(struct fmap *m)
{
	fmap_level_reset(&m->feed);
	fmap_level_reset(&m->ent);
	m->in_entry = 0;
	m->format = FEED_FORMAT_UNKNOWN;
	m->atomroot = 0;
	m->nitems = 0;
	m->any = 0;
	m->ttl = 0;
	m->skip_hours = m->skip_days = 0;
	m->sy_period = m->sy_freq = 0;
	free(m->rootns);
	m->rootns = NULL;
	m->last_uri = NULL;
}

void
fmap_free(struct fmap *m)
{
	if (m == NULL)
		return;
	fmap_reset(m);
	free(m);
}

void
fmap_init(void)
{
	qsort(channel_map, NELEM(channel_map), sizeof(struct map), map_cmp);
	qsort(entry_map, NELEM(entry_map), sizeof(struct map), map_cmp);
	qsort(author_map, NELEM(author_map), sizeof(struct map), map_cmp);
	/* hours_map and days_map hold one entry each. */
}
