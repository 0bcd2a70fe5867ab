/*
 * opml.c: reading and writing OPML subscription lists (see opml.h).
 *
 * An OPML file is small and chosen by the user, so it is read whole into
 * a DOM with xmlReadMemory; the walk is a plain recursion over <outline>
 * elements carrying the titles of the enclosing outlines as tags.  The
 * parse is locked down as for feeds: NONET, no NOENT, no DTDLOAD, and a
 * document that declares entities is refused outright (a subscription
 * list has no use for them).  Errors go to an errlist shared with the
 * config reader, so an `opml = PATH` file's errors come with the
 * config's.
 *
 * Names: a feed needs a stable, unique section name.  The outline's
 * feedd:name attribute (our own exports carry it) is taken when valid;
 * otherwise the title is slugged (lower-case ASCII letters and digits,
 * other runs become one '-'), else the URL without its scheme and "www.".
 * Clashes get -2, -3... in document order, so re-reading the same file
 * gives the same names.  The names and URLs taken are kept in the list
 * (hashed: a big export is read again at each reload), seeded by the
 * caller with what it defined before the file.
 *
 * Writing uses xmlTextWriter, so escaping is libxml2's business.  The
 * output carries no date: the same config gives byte-identical output,
 * which keeps ETags stable when it is served.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "errlist.h"
#include "feedname.h"
#include "log.h"
#include "opml.h"
#include "parsers/feed.h"
#include "base/util.h"

#define OPML_NS		"urn:x-feedd:opml"
#define OPML_NAME_MAX	48		/* of a derived name */
#define OPML_MAX_DEPTH	32		/* nested outlines */

struct opml_reader {
	const char	 *name;		/* for messages */
	struct opml_list *list;
	struct errlist	 *errors;
	char		**path;		/* enclosing titles */
	size_t		  npath;
};

/* An attribute's value, trimmed, or NULL if absent or blank. */
static char *
attr(xmlNode *node, const char *name, const char *ns)
{
	xmlChar *v;
	const char *t;
	char *s;
	size_t skip, n;

	v = ns != NULL ? xmlGetNsProp(node, (const xmlChar *)name,
	    (const xmlChar *)ns) : xmlGetNoNsProp(node, (const xmlChar *)name);
	if (v == NULL)
		return NULL;
	t = (const char *)v;
	n = str_trim_span(t, strlen(t), WS_SPACE, &skip);
	s = n > 0 ? xstrndup(t + skip, n) : NULL;
	xmlFree(v);
	return s;
}

static int
name_taken(struct opml_reader *rd, const char *name)
{
	return strmap_get(&rd->list->names, name) != 0;
}

/* A unique name: the wanted one if free, else from the title or URL. */
static char *
make_name(struct opml_reader *rd, const char *wanted, const char *title,
    const char *url)
{
	char *base, *name;
	const char *u;
	size_t last;
	int n;

	if (wanted != NULL && strlen(wanted) <= 128 &&
	    feedname_valid(wanted) && !name_taken(rd, wanted))
		return xstrdup(wanted);
	base = title != NULL ? feedname_slug(title, OPML_NAME_MAX) : xstrdup("");
	if (*base == '\0') {
		free(base);
		u = strstr(url, "://");
		u = u != NULL ? u + 3 : url;
		if (strncasecmp(u, "www.", 4) == 0)
			u += 4;
		base = feedname_slug(u, OPML_NAME_MAX);
	}
	if (*base == '\0') {
		free(base);
		base = xstrdup("feed");
	}
	/* A taken base's value in names is the last suffix given to it
	 * (1 for none yet), so a thousand feeds of one title do not each
	 * try every suffix before theirs. */
	if ((last = strmap_get(&rd->list->names, base)) == 0)
		return base;
	n = last < 2 ? 2 : (int)last + 1;
	for (name = NULL; name == NULL || name_taken(rd, name); n++) {
		free(name);
		name = xasprintf("%s-%d", base, n);
	}
	strmap_put(&rd->list->names, base, (size_t)n - 1);	/* keeps its key */
	free(base);
	return name;
}

static int
url_taken(struct opml_reader *rd, const char *url)
{
	return strmap_get(&rd->list->urls, url) != 0;
}

static void
add_tag(struct opml_feed *f, const char *start, size_t len)
{
	size_t i;

	while (len > 0 && (isspace((unsigned char)*start) || *start == '/')) {
		start++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)start[len - 1]))
		len--;
	if (len == 0)
		return;
	for (i = 0; i < f->ntags; i++)
		if (strlen(f->tags[i]) == len &&
		    strncasecmp(f->tags[i], start, len) == 0)
			return;	/* "Tech" folder + "tech" category */
	f->tags = xreallocarray(f->tags, f->ntags + 1, sizeof(*f->tags));
	f->tags[f->ntags++] = xstrndup(start, len);
}

/* OPML 2.0 category: comma-separated, each maybe a "/a/b" path. */
static void
add_categories(struct opml_feed *f, const char *cats)
{
	const char *p, *comma;

	for (p = cats; ; p = comma + 1) {
		comma = strchr(p, ',');
		add_tag(f, p, comma != NULL ? (size_t)(comma - p) : strlen(p));
		if (comma == NULL)
			break;
	}
}

static void
read_feed(struct opml_reader *rd, xmlNode *node, char *url)
{
	struct opml_list *list;
	struct opml_feed *f;
	char *title, *text, *wanted, *cats;
	size_t i;

	title = attr(node, "title", NULL);
	text = attr(node, "text", NULL);
	wanted = attr(node, "name", OPML_NS);
	cats = attr(node, "category", NULL);
	/* Our own export writes text=NAME for a feed without a title of its
	 * own: that is no title. */
	if (title == NULL && text != NULL &&
	    (wanted == NULL || strcmp(text, wanted) != 0)) {
		title = text;
		text = NULL;
	}
	list = rd->list;
	list->feeds = xreallocarray(list->feeds, list->nfeeds + 1,
	    sizeof(*list->feeds));
	f = &list->feeds[list->nfeeds];
	memset(f, 0, sizeof(*f));
	f->name = make_name(rd, wanted, title, url);
	f->url = url;
	f->title = title;
	for (i = 0; i < rd->npath; i++)
		add_tag(f, rd->path[i], strlen(rd->path[i]));
	if (cats != NULL)
		add_categories(f, cats);
	list->nfeeds++;
	strmap_put(&list->names, f->name, 1);
	strmap_put(&list->urls, f->url, 1);
	free(text);
	free(wanted);
	free(cats);
}

static void
walk(struct opml_reader *rd, xmlNode *parent, int depth)
{
	xmlNode *n;
	char *url, *label;

	for (n = parent->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "outline") != 0)
			continue;
		url = attr(n, "xmlUrl", NULL);
		if (url == NULL)
			url = attr(n, "xmlurl", NULL); /* in the wild */
		if (url != NULL) {
			if (!feedname_url_ok(url)) {
				/* newsboat's query: and exec: feeds and the
				 * like: nothing feedd could poll. */
				log_warnx("%s:%ld: skipping %s: not an "
				    "http:// or https:// URL", rd->name,
				    xmlGetLineNo(n), url);
				free(url);
			} else if (url_taken(rd, url)) {
				log_debug("%s:%ld: %s is already subscribed",
				    rd->name, xmlGetLineNo(n), url);
				free(url);
			} else
				read_feed(rd, n, url);
			continue;
		}
		if (n->children == NULL)
			continue;
		if (depth >= OPML_MAX_DEPTH) {
			errlist_at(rd->errors, rd->name, xmlGetLineNo(n),
			    "outlines nested deeper than %d", OPML_MAX_DEPTH);
			return;
		}
		label = attr(n, "title", NULL);
		if (label == NULL)
			label = attr(n, "text", NULL);
		if (label != NULL) {
			rd->path = xreallocarray(rd->path, rd->npath + 1,
			    sizeof(*rd->path));
			rd->path[rd->npath++] = label;
		}
		walk(rd, n, depth + 1);
		if (label != NULL)
			free(rd->path[--rd->npath]);
	}
}

/* The line of the first occurrence of what (libxml2 keeps no line for
 * declarations), or 0. */
static long
line_of(const char *data, size_t len, const char *what)
{
	const char *p, *hit;
	long line = 1;

	hit = memmem(data, len, what, strlen(what));
	if (hit == NULL)
		return 0;
	for (p = data; p < hit; p++)
		line += *p == '\n';
	return line;
}

/*
 * The document at data, parsed and checked to be OPML, or NULL with the
 * reason added to errors.  The parse is locked down (see the top).
 */
static xmlDoc *
read_doc(const char *name, const char *data, size_t len,
    struct errlist *errors)
{
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	xmlNode *root;
	const xmlError *e;
	const char *why;

	if (len > OPML_MAX_SIZE || len > (size_t)INT32_MAX) {
		errlist_at(errors, name, 0, "larger than %u bytes",
		    OPML_MAX_SIZE);
		return NULL;
	}
	/* libxml2 would take seconds over a start tag with 80,000
	 * attributes: such a file is refused before it reads it. */
	if (feed_xml_tags_bounded(data, len, &why) == -1) {
		errlist_at(errors, name, 0, "%s", why);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		fatalx("libxml2: out of memory");
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlCtxtGetLastError(ctxt);
		errlist_at(errors, name, e != NULL ? e->line : 0, "not "
		    "well-formed XML: %s", e != NULL && e->message != NULL ?
		    e->message : "parse error");
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset != NULL && (doc->intSubset->entities != NULL ||
	    doc->intSubset->pentities != NULL)) {
		errlist_at(errors, name, line_of(data, len, "<!ENTITY"),
		    "entity declarations are not allowed in OPML");
	} else if (root == NULL ||
	    strcmp((const char *)root->name, "opml") != 0) {
		errlist_at(errors, name, root != NULL ? xmlGetLineNo(root) : 1,
		    "not an OPML document (the root element is not <opml>)");
	} else
		return doc;
	xmlFreeDoc(doc);
	return NULL;
}

int
opml_read_mem(const char *name, const char *data, size_t len,
    struct opml_list *list, struct errlist *errors)
{
	struct opml_reader rd;
	xmlDoc *doc;
	xmlNode *root, *n;
	size_t before = errors->n;

	if ((doc = read_doc(name, data, len, errors)) == NULL)
		return -1;
	memset(&rd, 0, sizeof(rd));
	rd.name = name;
	rd.list = list;
	rd.errors = errors;
	root = xmlDocGetRootElement(doc);
	for (n = root->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "body") == 0)
			break;
	if (n == NULL)
		errlist_at(errors, name, xmlGetLineNo(root), "no <body>");
	else
		walk(&rd, n, 0);
	while (rd.npath > 0)
		free(rd.path[--rd.npath]);
	free(rd.path);
	xmlFreeDoc(doc);
	return errors->n > before ? -1 : 0;
}

int
opml_read_file(const char *path, struct opml_list *list,
    struct errlist *errors)
{
	struct buf data;
	FILE *fp;
	char chunk[8192];
	size_t n;
	int rc, toobig = 0;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		errlist_add(errors, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&data, OPML_MAX_SIZE);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_add(&data, chunk, n) == -1) {
			toobig = 1;
			break;
		}
	}
	if (ferror(fp) || toobig) {
		errlist_add(errors, "%s: %s", path,
		    toobig ? "file too large" : strerror(errno));
		fclose(fp);
		buf_reset(&data);
		return -1;
	}
	fclose(fp);
	rc = opml_read_mem(path, data.data != NULL ? data.data : "", data.len,
	    list, errors);
	buf_reset(&data);
	return rc;
}

static void
feed_reset(struct opml_feed *f)
{
	size_t i;

	free(f->name);
	free(f->url);
	free(f->title);
	for (i = 0; i < f->ntags; i++)
		free(f->tags[i]);
	free(f->tags);
}

void
opml_list_reset(struct opml_list *list)
{
	size_t i;

	/* The maps first: their keys are the feeds' strings. */
	strmap_reset(&list->names);
	strmap_reset(&list->urls);
	for (i = 0; i < list->nfeeds; i++)
		feed_reset(&list->feeds[i]);
	free(list->feeds);
	memset(list, 0, sizeof(*list));
}

void
opml_list_reserve(struct opml_list *list, const char *name, const char *url)
{
	strmap_put(&list->names, name, 1);
	if (url != NULL)
		strmap_put(&list->urls, url, 1);
}

void
opml_write(const struct opml_feed *feeds, size_t nfeeds, struct buf *out)
{
	xmlBuffer *xb;
	xmlTextWriter *w;
	const struct opml_feed *f;
	struct buf cats;
	size_t i, j;
	int rc = 0;

	xb = xmlBufferCreate();
	if (xb == NULL)
		fatalx("libxml2: out of memory");
	w = xmlNewTextWriterMemory(xb, 0);
	if (w == NULL)
		fatalx("libxml2: out of memory");
	/* Tags from the configuration. */
	buf_init(&cats, BUF_UNCAPPED);
	/* Every call's result is chained: a writer into memory fails only
	 * on out-of-memory, and then the document is dropped whole. */
	rc |= xmlTextWriterSetIndent(w, 1) < 0;
	rc |= xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0;
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "opml") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "version",
	    BAD_CAST "2.0") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:feedd",
	    BAD_CAST OPML_NS) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "head") < 0;
	rc |= xmlTextWriterWriteElement(w, BAD_CAST "title",
	    BAD_CAST "feedd subscriptions") < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "body") < 0;
	for (i = 0; i < nfeeds; i++) {
		f = &feeds[i];
		rc |= xmlTextWriterStartElement(w, BAD_CAST "outline") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type",
		    BAD_CAST "rss") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "text",
		    BAD_CAST (f->title != NULL ? f->title : f->name)) < 0;
		if (f->title != NULL)
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "title",
			    BAD_CAST f->title) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlUrl",
		    BAD_CAST f->url) < 0;
		if (f->html_url != NULL)
			rc |= xmlTextWriterWriteAttribute(w,
			    BAD_CAST "htmlUrl", BAD_CAST f->html_url) < 0;
		if (f->ntags > 0) {
			buf_clear(&cats);
			for (j = 0; j < f->ntags; j++)
				buf_printf(&cats, "%s%s", j > 0 ? "," : "",
				    f->tags[j]);
			rc |= xmlTextWriterWriteAttribute(w,
			    BAD_CAST "category", BAD_CAST cats.data) < 0;
		}
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "feedd:name",
		    BAD_CAST f->name) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	buf_reset(&cats);
	if (rc != 0)
		fatalx("libxml2: cannot write OPML");
	buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
}
