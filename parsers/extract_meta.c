/*
 * extract_meta.c: what a page says about its article outside the body
 * text: title, author, date, language, lead image, site name, and the
 * JSON-LD articleBody that extract.c uses as a guide.
 *
 * Sources, best first for each field: JSON-LD (schema.org Article and its
 * subtypes, also inside @graph or arrays), Open Graph and article:*
 * properties, Twitter cards, the common name= metas (author, date,
 * Dublin Core, Parse.ly, Sailthru), microdata (itemprop), then the body
 * itself (<time datetime>, rel=author, the <title>).  A field keeps the
 * first value of the best source that has one: each source has a rank
 * and a later one only replaces a worse one.
 *
 * Only reads the tree; one linear walk plus one JSON parse per ld+json
 * script (each capped in size).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "date.h"
#include "entry.h"
#include "extract.h"
#include "extract_int.h"
#include "base/util.h"

/* A JSON-LD script larger than this is skipped (a real one is a few KiB,
 * articleBody included). */
#define LD_MAX		(2u * 1024 * 1024)
/* Text fields are cut here. */
#define FIELD_MAX	4096

/* Ranks: lower wins. */
enum { R_LD = 1, R_OG, R_META, R_ITEMPROP, R_BODY, R_TITLE, R_NONE = 99 };

struct gather {
	struct extract_meta	*m;
	int	 rtitle, rbyline, rdate, rimage, rsite, rlang;
	char	*doctitle;	/* <title> */
	char	*h1;		/* the first <h1>, if only one */
	int	 nh1;
};

static void
set_str(char **dst, int *rank, int r, const char *v)
{
	char *s;

	if (v == NULL || r >= *rank)
		return;
	s = feed_collapse(xstrndup(v, FIELD_MAX), FEED_BLANKS_HTML_NBSP);
	if (s == NULL)
		return;
	free(*dst);
	*dst = s;
	*rank = r;
}

static void
set_date(struct gather *g, int r, const char *v)
{
	int64_t t;

	if (v == NULL || r >= g->rdate)
		return;
	/* date_parse trims v itself. */
	if (date_parse(v, &t) == -1)
		return;
	g->m->published = t;
	g->rdate = r;
}

static int
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 ||
	    strncmp(s, "https://", 8) == 0 || s[0] == '/';
}

/* ---- JSON-LD */

static int
ld_type_is(json_t *o, const char *const *names)
{
	json_t *t = json_object_get(o, "@type"), *v;
	size_t i, k;

	if (json_is_string(t)) {
		for (k = 0; names[k] != NULL; k++)
			if (strcmp(json_string_value(t), names[k]) == 0)
				return 1;
		return 0;
	}
	json_array_foreach(t, i, v) {
		if (!json_is_string(v))
			continue;
		for (k = 0; names[k] != NULL; k++)
			if (strcmp(json_string_value(v), names[k]) == 0)
				return 1;
	}
	return 0;
}

static const char *const article_types[] = {
	"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle",
	"AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
	"ReviewNewsArticle", "AskPublicQuestionNewsArticle", "LiveBlogPosting",
	"SocialMediaPosting", "TechArticle", "ScholarlyArticle", "Report",
	"SatiricalArticle", "AdvertiserContentArticle", "Review", "Recipe",
	"Posting", "DiscussionForumPosting", "MedicalScholarlyArticle",
	NULL
};

/* A name out of a string, an object with "name", or an array of them
 * (joined with ", "). */
static void
ld_names(json_t *v, struct buf *b, int depth)
{
	json_t *x;
	size_t i;

	if (depth > 3)
		return;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (is_url(s))
			return;
		if (b->len > 0)
			buf_addstr(b, ", ");
		buf_addstr(b, s);
	} else if (json_is_object(v))
		ld_names(json_object_get(v, "name"), b, depth + 1);
	else if (json_is_array(v))
		json_array_foreach(v, i, x)
			ld_names(x, b, depth + 1);
}

/* A URL out of a string, an object with "url" (or contentUrl), or the
 * first of an array. */
static const char *
ld_url(json_t *v, int depth)
{
	const char *s;

	if (depth > 3)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v)) {
		s = ld_url(json_object_get(v, "url"), depth + 1);
		return s != NULL ? s :
		    ld_url(json_object_get(v, "contentUrl"), depth + 1);
	}
	if (json_is_array(v))
		return ld_url(json_array_get(v, 0), depth + 1);
	return NULL;
}

static void
ld_article(struct gather *g, json_t *o)
{
	struct extract_meta *m = g->m;
	struct buf b;
	json_t *v;

	m->is_article = 1;
	v = json_object_get(o, "headline");
	if (!json_is_string(v))
		v = json_object_get(o, "name");
	if (json_is_string(v))
		set_str(&m->title, &g->rtitle, R_LD, json_string_value(v));
	buf_init(&b, FIELD_MAX);
	ld_names(json_object_get(o, "author"), &b, 0);
	if (b.len == 0)
		ld_names(json_object_get(o, "creator"), &b, 0);
	if (b.len > 0)
		set_str(&m->byline, &g->rbyline, R_LD, b.data);
	buf_reset(&b);
	v = json_object_get(o, "datePublished");
	if (!json_is_string(v))
		v = json_object_get(o, "dateCreated");
	if (json_is_string(v))
		set_date(g, R_LD, json_string_value(v));
	set_str(&m->image, &g->rimage, R_LD,
	    ld_url(json_object_get(o, "image"), 0));
	v = json_object_get(o, "publisher");
	if (json_is_object(v) && json_is_string(json_object_get(v, "name")))
		set_str(&m->site_name, &g->rsite, R_LD,
		    json_string_value(json_object_get(v, "name")));
	v = json_object_get(o, "inLanguage");
	if (json_is_string(v))
		set_str(&m->lang, &g->rlang, R_LD, json_string_value(v));
	v = json_object_get(o, "articleBody");
	if (!json_is_string(v))
		v = json_object_get(o, "text");
	/* The longest body wins: some pages carry a teaser object too. */
	if (json_is_string(v) && (m->body == NULL ||
	    strlen(m->body) < json_string_length(v))) {
		free(m->body);
		m->body = xstrdup(json_string_value(v));
	}
}

/* Looks for article objects in v: itself, its @graph, array members,
 * and mainEntity / mainEntityOfPage wrappers one level down. */
static void
ld_walk(struct gather *g, json_t *v, int depth)
{
	json_t *x;
	size_t i;

	if (depth > 4)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			ld_walk(g, x, depth + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	if (ld_type_is(v, article_types))
		ld_article(g, v);
	ld_walk(g, json_object_get(v, "@graph"), depth + 1);
	x = json_object_get(v, "mainEntity");
	if (json_is_object(x))
		ld_walk(g, x, depth + 1);
}

static void
ld_script(struct gather *g, xmlNodePtr n)
{
	json_error_t err;
	json_t *root;
	char *s;

	s = ex_text(n, LD_MAX + 1);
	if (s == NULL || strlen(s) > LD_MAX) {
		free(s);
		return;
	}
	root = json_loads(s, JSON_DISABLE_EOF_CHECK, &err);
	free(s);
	if (root == NULL)
		return;
	ld_walk(g, root, 0);
	json_decref(root);
}

/* ---- <meta> */

struct metamap {
	const char	*key;
	int		 field;	/* 0 title, 1 byline, 2 date, 3 image, 4 site,
				   5 lang, 6 type */
	int		 rank;
};

static const struct metamap metas[] = {
	{ "og:title", 0, R_OG },
	{ "twitter:title", 0, R_META },
	{ "dc.title", 0, R_META },
	{ "author", 1, R_META },
	{ "article:author", 1, R_OG },
	{ "byl", 1, R_META },
	{ "dc.creator", 1, R_META },
	{ "parsely-author", 1, R_META },
	{ "sailthru.author", 1, R_META },
	{ "citation_author", 1, R_META },
	{ "article:published_time", 2, R_OG },
	{ "og:article:published_time", 2, R_OG },
	{ "article:published", 2, R_OG },
	{ "datepublished", 2, R_META },
	{ "date", 2, R_META },
	{ "pubdate", 2, R_META },
	{ "publishdate", 2, R_META },
	{ "publish-date", 2, R_META },
	{ "dc.date", 2, R_META },
	{ "dc.date.issued", 2, R_META },
	{ "dcterms.date", 2, R_META },
	{ "dcterms.created", 2, R_META },
	{ "parsely-pub-date", 2, R_META },
	{ "sailthru.date", 2, R_META },
	{ "citation_publication_date", 2, R_META },
	{ "og:image", 3, R_OG },
	{ "og:image:url", 3, R_OG },
	{ "og:image:secure_url", 3, R_OG },
	{ "twitter:image", 3, R_META },
	{ "twitter:image:src", 3, R_META },
	{ "og:site_name", 4, R_OG },
	{ "application-name", 4, R_META },
	{ "og:locale", 5, R_OG + 1 },
	{ "content-language", 5, R_META + 1 },
	{ "dc.language", 5, R_META + 1 },
	{ "og:type", 6, R_OG },
};

static void
meta_tag(struct gather *g, xmlNodePtr n)
{
	struct extract_meta *m = g->m;
	const char *key, *content;
	char k[64];
	size_t i;

	content = ex_attr(n, "content");
	if (content == NULL)
		return;
	key = ex_attr(n, "property");
	if (key == NULL)
		key = ex_attr(n, "name");
	if (key == NULL)
		key = ex_attr(n, "http-equiv");
	if (key == NULL)
		key = ex_attr(n, "itemprop");
	if (key == NULL || strlen(key) >= sizeof(k))
		return;
	for (i = 0; key[i] != '\0'; i++)
		k[i] = (char)tolower((unsigned char)key[i]);
	k[i] = '\0';
	for (i = 0; i < NELEM(metas); i++) {
		if (strcmp(k, metas[i].key) != 0)
			continue;
		switch (metas[i].field) {
		case 0:
			set_str(&m->title, &g->rtitle, metas[i].rank,
			    content);
			break;
		case 1:
			/* article:author is often a profile URL. */
			if (!is_url(content))
				set_str(&m->byline, &g->rbyline,
				    metas[i].rank, content);
			break;
		case 2:
			set_date(g, metas[i].rank, content);
			break;
		case 3:
			set_str(&m->image, &g->rimage, metas[i].rank,
			    content);
			break;
		case 4:
			set_str(&m->site_name, &g->rsite, metas[i].rank,
			    content);
			break;
		case 5:
			set_str(&m->lang, &g->rlang, metas[i].rank, content);
			break;
		case 6:
			if (strncasecmp(content, "article", 7) == 0)
				m->is_article = 1;
			break;
		}
		return;
	}
}

/* ---- microdata and the body */

static void
itemprop(struct gather *g, xmlNodePtr n, const char *p)
{
	struct extract_meta *m = g->m;
	const char *v;
	char *s;

	if (strcmp(p, "datePublished") == 0) {
		v = ex_attr(n, "content");
		if (v == NULL)
			v = ex_attr(n, "datetime");
		if (v != NULL)
			set_date(g, R_ITEMPROP, v);
		else if ((s = ex_text(n, 256)) != NULL) {
			set_date(g, R_ITEMPROP, s);
			free(s);
		}
	} else if (strcmp(p, "author") == 0 && g->rbyline > R_ITEMPROP) {
		xmlNodePtr c;

		/* Prefer the itemprop=name inside the author item. */
		for (c = n; c != NULL; c = ex_next(c, n, 0))
			if (c->type == XML_ELEMENT_NODE && c != n &&
			    (v = ex_attr(c, "itemprop")) != NULL &&
			    strcmp(v, "name") == 0)
				break;
		v = ex_attr(c != NULL ? c : n, "content");
		if (v != NULL)
			set_str(&m->byline, &g->rbyline, R_ITEMPROP, v);
		else if ((s = ex_text(c != NULL ? c : n, 256)) != NULL) {
			if (strlen(s) < 100)
				set_str(&m->byline, &g->rbyline, R_ITEMPROP,
				    s);
			free(s);
		}
	} else if (strcmp(p, "headline") == 0 && g->rtitle > R_ITEMPROP) {
		v = ex_attr(n, "content");
		if (v != NULL)
			set_str(&m->title, &g->rtitle, R_ITEMPROP, v);
		else if ((s = ex_text(n, FIELD_MAX)) != NULL) {
			set_str(&m->title, &g->rtitle, R_ITEMPROP, s);
			free(s);
		}
	}
}

static size_t
words(const char *s)
{
	size_t n = 0;
	int in = 0;

	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s))
			in = 0;
		else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/*
 * A <title> often carries the site's name: "Headline | Site" or "Site -
 * Headline".  Cut at the last separator; when that leaves fewer than three
 * words, the site came first: keep what follows the first separator.
 */
static char *
title_clean(char *t)
{
	static const char *const seps[] = { " | ", " - ", " \xe2\x80\x93 ",
	    " \xe2\x80\x94 ", " :: ", " \xc2\xbb ", " / ", " \xc2\xb7 ",
	    NULL };
	char *last = NULL, *first = NULL, *p;
	size_t i, firstn = 0, n;

	if ((t = feed_collapse(t, FEED_BLANKS_HTML_NBSP)) == NULL)
		return NULL;
	for (i = 0; seps[i] != NULL; i++) {
		n = strlen(seps[i]);
		for (p = t; (p = strstr(p, seps[i])) != NULL; p += n) {
			if (last == NULL || p > last)
				last = p;
			if (first == NULL || p < first)
				first = p, firstn = n;
		}
	}
	if (last == NULL)
		return t;
	*last = '\0';
	if (words(t) >= 3)
		return t;
	*last = ' ';	/* every separator starts with a blank */
	memmove(t, first + firstn, strlen(first + firstn) + 1);
	return feed_collapse(t, FEED_BLANKS_HTML_NBSP);
}

void
extract_meta_collect(xmlDocPtr doc, struct extract_meta *m)
{
	struct gather g;
	xmlNodePtr root, n;
	const char *v;
	int skip;

	memset(m, 0, sizeof(*m));
	m->published = EXTRACT_NO_DATE;
	memset(&g, 0, sizeof(g));
	g.m = m;
	g.rtitle = g.rbyline = g.rdate = g.rimage = g.rsite = g.rlang =
	    R_NONE;
	root = xmlDocGetRootElement(doc);
	if (root == NULL)
		return;
	if ((v = ex_attr(root, "lang")) != NULL ||
	    (v = ex_attr(root, "xml:lang")) != NULL)
		set_str(&m->lang, &g.rlang, R_LD - 1, v);
	for (n = root; n != NULL; n = ex_next(n, root, skip)) {
		skip = 0;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (ex_is(n, "meta"))
			meta_tag(&g, n);
		else if (ex_is(n, "script")) {
			v = ex_attr(n, "type");
			if (v != NULL && strcasecmp(v,
			    "application/ld+json") == 0)
				ld_script(&g, n);
			skip = 1;
		} else if (ex_is(n, "title") && g.doctitle == NULL &&
		    (n->parent == NULL || !ex_is(n->parent, "svg"))) {
			g.doctitle = ex_text(n, FIELD_MAX);
			skip = 1;
		} else if (ex_is(n, "h1")) {
			if (g.nh1++ == 0)
				g.h1 = ex_text(n, FIELD_MAX);
			skip = 1;
		} else if (ex_is(n, "time") && g.rdate > R_BODY) {
			v = ex_attr(n, "datetime");
			if (v != NULL && (ex_attr(n, "pubdate") != NULL ||
			    g.rdate == R_NONE))
				set_date(&g, ex_attr(n, "pubdate") != NULL ?
				    R_BODY : R_BODY + 1, v);
		} else if (ex_is(n, "a") && g.rbyline > R_BODY &&
		    (v = ex_attr(n, "rel")) != NULL &&
		    strcasestr(v, "author") != NULL) {
			char *s = ex_text(n, 256);

			if (s != NULL && strlen(s) < 100)
				set_str(&m->byline, &g.rbyline, R_BODY, s);
			free(s);
		}
		if (n->type == XML_ELEMENT_NODE &&
		    (v = ex_attr(n, "itemprop")) != NULL)
			itemprop(&g, n, v);
	}
	/* og:locale is en_US; a language tag is en-US. */
	if (m->lang != NULL) {
		char *p;

		for (p = m->lang; *p != '\0'; p++)
			if (*p == '_')
				*p = '-';
		if ((p = strchr(m->lang, ',')) != NULL)
			*p = '\0';
	}
	/* One <h1> that the <title> contains is the headline without the
	 * site's name. */
	if (m->title == NULL && g.nh1 == 1 && g.h1 != NULL &&
	    g.doctitle != NULL && strstr(g.doctitle, g.h1) != NULL) {
		m->title = g.h1;
		g.h1 = NULL;
	}
	if (m->title == NULL && g.nh1 == 1 && g.h1 != NULL &&
	    g.doctitle == NULL) {
		m->title = g.h1;
		g.h1 = NULL;
	}
	if (m->title == NULL)
		m->title = title_clean(g.doctitle);
	else
		free(g.doctitle);
	free(g.h1);
}

void
extract_meta_reset(struct extract_meta *m)
{
	free(m->title);
	free(m->byline);
	free(m->lang);
	free(m->image);
	free(m->site_name);
	free(m->body);
	memset(m, 0, sizeof(*m));
}
