/*
 * discover.c: HTML pages given as feeds (see discover.h).
 *
 * The test for a page looks only at the first markup: a feed never
 * starts with <!DOCTYPE html>, <html>, <head> or <body>, and a page
 * almost always does (an XHTML page after its XML declaration too).
 * Looking further would misjudge feeds that carry HTML inside them.
 *
 * Links are found with libxml2's HTML parser (tolerant of the broken
 * markup pages have, and of an unquoted attribute), walking every
 * element: a <link> belongs in <head>, but the parser moves a stray one,
 * and a page that put it in <body> still means it.  rel is a set of
 * space-separated tokens compared without case (HTML), type is compared
 * without case and without parameters ("application/rss+xml;
 * charset=utf-8").  Only http and https URLs are kept.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "discover.h"
#include "html.h"
#include "uri.h"
#include "base/util.h"

static int
starts_ci(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && strncasecmp(p, word, n) == 0;
}

/* The first element's name after a BOM, blanks, XML declarations,
 * comments and a DOCTYPE (whose name goes to *doctype_html), as a
 * pointer into doc, or NULL. */
static const char *
first_element(const char *p, const char *end, int *doctype_html)
{
	const char *q;

	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (starts_ci(p, end, "<?")) {
			q = memmem(p, (size_t)(end - p), "?>", 2);
			p = q != NULL ? q + 2 : NULL;
		} else if (starts_ci(p, end, "<!--")) {
			q = memmem(p, (size_t)(end - p), "-->", 3);
			p = q != NULL ? q + 3 : NULL;
		} else if (starts_ci(p, end, "<!doctype")) {
			p += 9;
			while (p < end && isspace((unsigned char)*p))
				p++;
			*doctype_html = starts_ci(p, end, "html") &&
			    p + 4 < end && (isspace((unsigned char)p[4]) ||
			    p[4] == '>');
			q = memchr(p, '>', (size_t)(end - p));
			p = q != NULL ? q + 1 : NULL;
		} else
			break;
		if (p == NULL)
			return NULL;
	}
	return p < end && *p == '<' ? p + 1 : NULL;
}

static int
is_name(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	return starts_ci(p, end, name) && p + n < end &&
	    (isspace((unsigned char)p[n]) || p[n] == '>' || p[n] == '/');
}

int
discover_is_html(const char *doc, size_t len)
{
	const char *end = doc + len, *p;
	int doctype_html = 0;

	p = first_element(doc, end, &doctype_html);
	if (p == NULL)
		return 0;
	if (is_name(p, end, "html") || is_name(p, end, "head") ||
	    is_name(p, end, "body"))
		return 1;
	/* HTML may leave out <html> and <head>; a feed may carry a
	 * stray HTML DOCTYPE before its root. */
	return doctype_html && !is_name(p, end, "rss") &&
	    !is_name(p, end, "feed") && !is_name(p, end, "rdf:RDF") &&
	    !is_name(p, end, "channel");
}

/* Whether the space-separated token list has word, without case. */
static int
has_token(const char *list, const char *word)
{
	size_t n = strlen(word), k;

	while (*list != '\0') {
		list += strspn(list, " \t\n\r\f");
		k = strcspn(list, " \t\n\r\f");
		if (k == n && strncasecmp(list, word, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

/* "rss", "atom", "json" for a feed's media type, else NULL. */
static const char *
feed_kind(const char *type)
{
	static const struct {
		const char *type, *kind;
	} types[] = {
		{ "application/rss+xml", "rss" },
		{ "application/atom+xml", "atom" },
		{ "application/feed+json", "json" },
		{ "application/rdf+xml", "rss" },
	};
	size_t i, n;

	type += strspn(type, " \t");
	n = strcspn(type, " \t;");
	for (i = 0; i < NELEM(types); i++)
		if (strlen(types[i].type) == n &&
		    strncasecmp(type, types[i].type, n) == 0)
			return types[i].kind;
	return NULL;
}

static char *
attr(xmlNode *n, const char *name)
{
	xmlChar *v;
	char *s;

	v = xmlGetProp(n, (const xmlChar *)name);
	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

struct walk {
	char			*base;		/* the page's URL, or NULL */
	int			 base_set;	/* a <base href> was met */
	struct discover_link	*links;
	size_t			 n;
	size_t			 visited;
};

#define DISCOVER_NODES	200000	/* elements looked at, at most */

static void
visit(struct walk *w, xmlNode *n)
{
	char *rel, *type, *href, *url, *title;
	const char *kind;
	size_t i;

	if (strcasecmp((const char *)n->name, "base") == 0 &&
	    !w->base_set && (href = attr(n, "href")) != NULL) {
		/* The first <base href>, itself relative to the page's URL,
		 * is the base of what follows. */
		url = uri_resolve(w->base, href);
		free(href);
		free(w->base);
		w->base = url;
		w->base_set = 1;
		return;
	}
	if (strcasecmp((const char *)n->name, "link") != 0)
		return;
	rel = attr(n, "rel");
	type = attr(n, "type");
	href = attr(n, "href");
	kind = NULL;
	if (rel != NULL && type != NULL && href != NULL &&
	    has_token(rel, "alternate"))
		kind = feed_kind(type);
	free(rel);
	free(type);
	if (kind == NULL || w->n >= DISCOVER_MAX) {
		free(href);
		return;
	}
	url = uri_resolve(w->base, href);
	free(href);
	/* Only http and https; a relative URL stays as it is when the page
	 * has no URL (read from a file). */
	if (url == NULL || *url == '\0' || (url[strcspn(url, ":/?#")] == ':' &&
	    strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)) {
		free(url);
		return;
	}
	for (i = 0; i < w->n; i++)
		if (strcmp(w->links[i].url, url) == 0) {
			free(url);
			return;
		}
	title = attr(n, "title");
	if (title != NULL && *title == '\0') {
		free(title);
		title = NULL;
	}
	w->links = xreallocarray(w->links, w->n + 1, sizeof(*w->links));
	w->links[w->n].url = url;
	w->links[w->n].kind = xstrdup(kind);
	w->links[w->n].title = title;
	w->n++;
}

/* Iterative, depth first: a hostile page may nest deeply. */
static void
walk_tree(struct walk *w, xmlNode *root)
{
	xmlNode *n = root;

	while (n != NULL && w->visited < DISCOVER_NODES) {
		if (n->type == XML_ELEMENT_NODE) {
			w->visited++;
			visit(w, n);
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		}
		while (n != NULL && n != root && n->next == NULL)
			n = n->parent;
		if (n == NULL || n == root)
			break;
		n = n->next;
	}
}

size_t
discover_links(const char *doc, size_t len, const char *base,
    struct discover_link **links)
{
	htmlDocPtr d;
	struct walk w;
	char *cut;
	size_t cutlen;

	*links = NULL;
	if (len > (size_t)INT32_MAX)
		return 0;
	cut = html_cut_attributes(doc, len, &cutlen);
	d = htmlReadMemory(cut, (int)cutlen, NULL, NULL, HTML_PARSE_RECOVER |
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	free(cut);
	if (d == NULL)
		return 0;
	memset(&w, 0, sizeof(w));
	w.base = base != NULL ? xstrdup(base) : NULL;
	walk_tree(&w, xmlDocGetRootElement(d));
	xmlFreeDoc(d);
	*links = w.links;
	free(w.base);
	return w.n;
}

void
discover_free(struct discover_link *links, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(links[i].url);
		free(links[i].kind);
		free(links[i].title);
	}
	free(links);
}

#define REASON_NAMED	3	/* links named in a reason */

char *
discover_reason(const char *doc, size_t len, const char *base)
{
	struct discover_link *links;
	struct buf b;
	size_t i, n;

	n = discover_links(doc, len, base, &links);
	/* Our words and at most REASON_NAMED links of the page. */
	buf_init(&b, BUF_UNCAPPED);
	buf_addstr(&b, "not a feed: an HTML page");
	if (n > 0)
		buf_printf(&b, "; it links the feed%s ", n == 1 ? "" : "s");
	for (i = 0; i < n && i < REASON_NAMED; i++) {
		if (i > 0)
			buf_addstr(&b, i + 1 == n ? " and " : ", ");
		buf_addstr(&b, links[i].url);
	}
	if (n > REASON_NAMED)
		buf_printf(&b, " and %zu more", n - REASON_NAMED);
	discover_free(links, n);
	return buf_steal(&b);
}
