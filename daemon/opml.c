/*
 * opml.c: reading and writing OPML subscription lists (see opml.h).
 *
 * An OPML file is small and chosen by the user, so it is read whole into
 * a DOM with xmlReadMemory; the walk is a plain recursion over <outline>
 * elements carrying the titles of the enclosing outlines as tags.  The
 * parse is locked down as for feeds (TECH-NOTES section 4): NONET, no
 * NOENT, no DTDLOAD, and a document that declares entities is refused
 * outright (a subscription list has no use for them).
 *
 * Names: a feed needs a stable, unique section name.  The outline's
 * feedd:name attribute (our own exports carry it) is taken when valid;
 * otherwise the title is slugged (lower-case ASCII letters and digits,
 * other runs become one '-'), else the URL without its scheme and "www.".
 * Clashes get -2, -3... in document order, so re-reading the same file
 * gives the same names.
 *
 * Writing uses xmlTextWriter, so escaping is libxml2's business.  The
 * output carries no date: the same config gives byte-identical output,
 * which keeps ETags stable when it is served.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "conf.h"
#include "log.h"
#include "opml.h"
#include "parsers/feed.h"
#include "parsers/util.h"

#define OPML_NS		"urn:x-feedd:opml"
#define OPML_MAX_SIZE	(16u << 20)	/* bytes: ample */
#define OPML_NAME_MAX	48		/* of a derived name */
#define OPML_MAX_DEPTH	32		/* nested outlines */

struct opml_reader {
	const char	 *name;		/* for messages */
	struct conf_feed **feeds;
	size_t		 *nfeeds;
	struct buf	 *errors;
	int		  nerrors;
	char		**path;		/* enclosing titles */
	size_t		  npath;
	/* The names and URLs of *feeds, for duplicate checks in linear
	 * time (a big export, read again at each reload). */
	struct strmap	  names;
	struct strmap	  urls;
};

static void	opml_error(struct opml_reader *, long, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
opml_error(struct opml_reader *rd, long line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	buf_printf(rd->errors, "%s%s:%ld: %s", rd->errors->len > 0 ? "\n" :
	    "", rd->name, line, msg);
	rd->nerrors++;
	free(msg);
}

/* An attribute's value, trimmed, or NULL if absent or blank. */
static char *
attr(xmlNode *node, const char *name, const char *ns)
{
	xmlChar *v;
	char *s, *start, *end;

	v = ns != NULL ? xmlGetNsProp(node, (const xmlChar *)name,
	    (const xmlChar *)ns) : xmlGetNoNsProp(node, (const xmlChar *)name);
	if (v == NULL)
		return NULL;
	start = (char *)v;
	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	s = end > start ? xstrndup(start, (size_t)(end - start)) : NULL;
	xmlFree(v);
	return s;
}

/*
 * Lower-case ASCII letters and digits; other runs become one '-'.  The
 * Latin-1 letters (U+00C0-U+00FF, two bytes in UTF-8) fold to their base
 * letter first, so "Ünïcode" gives "unicode" rather than "n-code".
 */
static char *
slug(const char *s)
{
	/* U+00C0..U+00FF; '-' for the two signs among them. */
	static const char latin1[] = "aaaaaaaceeeeiiiidnooooo-ouuuuyts"
	    "aaaaaaaceeeeiiiidnooooo-ouuuuyty";
	char *out;
	size_t n = 0;
	int dash = 0;
	unsigned char c;

	out = xmalloc(OPML_NAME_MAX + 1);
	for (; *s != '\0' && n < OPML_NAME_MAX; s++) {
		c = (unsigned char)*s;
		if ((c == 0xc3) && ((unsigned char)s[1] & 0xc0) == 0x80) {
			c = (unsigned char)latin1[(unsigned char)s[1] & 0x3f];
			s++;
		}
		if (c < 0x80 && isalnum(c)) {
			if (dash && n > 0)
				out[n++] = '-';
			if (n < OPML_NAME_MAX)
				out[n++] = (char)tolower(c);
			dash = 0;
		} else
			dash = 1;
	}
	out[n] = '\0';
	return out;
}

static int
name_taken(struct opml_reader *rd, const char *name)
{
	return strmap_get(&rd->names, name) != 0;
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
	    conf_valid_feed_name(wanted) && !name_taken(rd, wanted))
		return xstrdup(wanted);
	base = title != NULL ? slug(title) : xstrdup("");
	if (*base == '\0') {
		free(base);
		u = strstr(url, "://");
		u = u != NULL ? u + 3 : url;
		if (strncasecmp(u, "www.", 4) == 0)
			u += 4;
		base = slug(u);
	}
	if (*base == '\0') {
		free(base);
		base = xstrdup("feed");
	}
	/* A taken base's value in names is the last suffix given to it
	 * (1 for none yet), so a thousand feeds of one title do not each
	 * try every suffix before theirs. */
	if ((last = strmap_get(&rd->names, base)) == 0)
		return base;
	n = last < 2 ? 2 : (int)last + 1;
	for (name = NULL; name == NULL || name_taken(rd, name); n++) {
		free(name);
		name = xasprintf("%s-%d", base, n);
	}
	strmap_put(&rd->names, base, (size_t)n - 1);	/* keeps its key */
	free(base);
	return name;
}

static int
url_taken(struct opml_reader *rd, const char *url)
{
	return strmap_get(&rd->urls, url) != 0;
}

static void
add_tag(struct conf_feed *f, const char *start, size_t len)
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
add_categories(struct conf_feed *f, const char *cats)
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
	struct conf_feed *f;
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
	*rd->feeds = xreallocarray(*rd->feeds, *rd->nfeeds + 1,
	    sizeof(**rd->feeds));
	f = &(*rd->feeds)[*rd->nfeeds];
	memset(f, 0, sizeof(*f));
	f->name = make_name(rd, wanted, title, url);
	f->url = url;
	f->title = title;
	f->interval_auto = CONF_INHERIT;
	f->keep_days = CONF_INHERIT;
	f->keep_entries = CONF_INHERIT;
	f->line = 0;
	for (i = 0; i < rd->npath; i++)
		add_tag(f, rd->path[i], strlen(rd->path[i]));
	if (cats != NULL)
		add_categories(f, cats);
	(*rd->nfeeds)++;
	strmap_put(&rd->names, f->name, 1);
	strmap_put(&rd->urls, f->url, 1);
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
			if (!conf_valid_url(url)) {
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
			opml_error(rd, xmlGetLineNo(n), "outlines nested "
			    "deeper than %d", OPML_MAX_DEPTH);
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

int
opml_read_mem(const char *name, const char *data, size_t len,
    struct conf_feed **feeds, size_t *nfeeds, struct buf *errors)
{
	struct opml_reader rd;
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	xmlNode *root, *n;
	const xmlError *e;
	const char *why;
	size_t i;

	memset(&rd, 0, sizeof(rd));
	rd.name = name;
	rd.feeds = feeds;
	rd.nfeeds = nfeeds;
	rd.errors = errors;
	if (len > OPML_MAX_SIZE || len > (size_t)INT32_MAX) {
		opml_error(&rd, 0, "larger than %u bytes", OPML_MAX_SIZE);
		return -1;
	}
	/* libxml2 would take seconds over a start tag with 80,000
	 * attributes: such a file is refused before it reads it. */
	if (feed_xml_tags_bounded(data, len, &why) == -1) {
		opml_error(&rd, 0, "%s", why);
		return -1;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		fatalx("libxml2: out of memory");
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlCtxtGetLastError(ctxt);
		opml_error(&rd, e != NULL ? e->line : 0, "not well-formed "
		    "XML: %s", e != NULL && e->message != NULL ?
		    e->message : "parse error");
		/* libxml2's messages end with a newline of their own. */
		if (errors->len > 0 && errors->data[errors->len - 1] == '\n')
			errors->data[--errors->len] = '\0';
		xmlFreeParserCtxt(ctxt);
		return -1;
	}
	xmlFreeParserCtxt(ctxt);
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset != NULL && (doc->intSubset->entities != NULL ||
	    doc->intSubset->pentities != NULL)) {
		opml_error(&rd, line_of(data, len, "<!ENTITY"),
		    "entity declarations are not allowed in OPML");
	} else if (root == NULL ||
	    strcmp((const char *)root->name, "opml") != 0) {
		opml_error(&rd, root != NULL ? xmlGetLineNo(root) : 1,
		    "not an OPML document (the root element is not <opml>)");
	} else {
		for (n = root->children; n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)n->name, "body") == 0)
				break;
		if (n == NULL)
			opml_error(&rd, xmlGetLineNo(root), "no <body>");
		else {
			for (i = 0; i < *nfeeds; i++) {
				strmap_put(&rd.names, (*feeds)[i].name, 1);
				if ((*feeds)[i].url != NULL)
					strmap_put(&rd.urls, (*feeds)[i].url,
					    1);
			}
			walk(&rd, n, 0);
		}
	}
	while (rd.npath > 0)
		free(rd.path[--rd.npath]);
	free(rd.path);
	strmap_reset(&rd.names);
	strmap_reset(&rd.urls);
	xmlFreeDoc(doc);
	return rd.nerrors > 0 ? -1 : 0;
}

int
opml_read_feeds(const char *path, struct conf_feed **feeds, size_t *nfeeds,
    struct buf *errors)
{
	struct buf data;
	FILE *fp;
	char chunk[8192];
	size_t n;
	int rc, toobig = 0;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		buf_printf(errors, "%s%s: %s", errors->len > 0 ? "\n" : "",
		    path, strerror(errno));
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
		buf_printf(errors, "%s%s: %s", errors->len > 0 ? "\n" : "",
		    path, toobig ? "file too large" : strerror(errno));
		fclose(fp);
		buf_reset(&data);
		return -1;
	}
	fclose(fp);
	rc = opml_read_mem(path, data.data != NULL ? data.data : "", data.len,
	    feeds, nfeeds, errors);
	buf_reset(&data);
	return rc;
}

void
opml_feeds_free(struct conf_feed *feeds, size_t nfeeds)
{
	size_t i, j;

	for (i = 0; i < nfeeds; i++) {
		free(feeds[i].name);
		free(feeds[i].url);
		free(feeds[i].title);
		free(feeds[i].user_agent);
		for (j = 0; j < feeds[i].ntags; j++)
			free(feeds[i].tags[j]);
		free(feeds[i].tags);
	}
	free(feeds);
}

void
opml_write(const struct conf *conf, struct buf *out)
{
	xmlBuffer *xb;
	xmlTextWriter *w;
	const struct conf_feed *f;
	struct buf cats;
	size_t i, j;
	int rc = 0;

	xb = xmlBufferCreate();
	if (xb == NULL)
		fatalx("libxml2: out of memory");
	w = xmlNewTextWriterMemory(xb, 0);
	if (w == NULL)
		fatalx("libxml2: out of memory");
	buf_init(&cats, 0);
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
	for (i = 0; i < conf->nfeeds; i++) {
		f = &conf->feeds[i];
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

/*
 * A value on one line of feedd.conf.  inih takes it up to an inline
 * comment, which is a ';' after whitespace, and trims it; so whitespace
 * before a ';' is dropped ("A ; B" becomes "A; B") and line breaks
 * become spaces.  Nothing else needs care.
 */
static void
put_value(struct buf *out, const char *key, const char *value)
{
	const char *p;

	buf_printf(out, "%s = ", key);
	for (p = value; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) &&
		    p[strspn(p, " \t\r\n\v\f")] == ';')
			continue;
		buf_addch(out, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	buf_addch(out, '\n');
}

void
opml_write_conf(const struct conf_feed *feeds, size_t nfeeds,
    struct buf *out)
{
	const struct conf_feed *f;
	struct buf tags;
	size_t i, j;

	buf_init(&tags, 0);
	for (i = 0; i < nfeeds; i++) {
		f = &feeds[i];
		buf_printf(out, "%s[feed %s]\n", i > 0 ? "\n" : "", f->name);
		put_value(out, "url", f->url);
		if (f->title != NULL)
			put_value(out, "title", f->title);
		if (f->ntags > 0) {
			buf_clear(&tags);
			for (j = 0; j < f->ntags; j++)
				buf_printf(&tags, "%s%s", j > 0 ? ", " : "",
				    f->tags[j]);
			put_value(out, "tags", tags.data);
		}
	}
	buf_reset(&tags);
}
