/*
 * feed_map.c: what feed elements mean.  Knows nothing of libxml2's
 * parsing; feed_xml.c calls in with elements and captured text.
 *
 * All feed semantics sit in three tables (children of a channel or feed,
 * of an item or entry, of an Atom author), each a list of {namespace,
 * element, field, priority} sorted once and searched with bsearch; names
 * match without case, as in feedparser.  A field keeps the value of the
 * best priority seen, the first among equals (title and dc:title), except
 * dates, where the last readable one among equals wins (several updated
 * elements: feedparser keeps the last; a channel pubDate counts only when
 * nothing else dated the feed).
 *
 * Summaries follow feedparser: the first of description, atom:summary,
 * itunes:summary and dc:description is the summary, and a second one is
 * the content when the entry has no content element (content:encoded or
 * atom:content win over it wherever they are).  A new element is one
 * table row.
 *
 * Text becomes plain text (titles, authors, categories) or sanitized HTML
 * (summary, content) here, through html.c, and dates go through date.c:
 * this file writes no HTML, URL or date code of its own.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "date.h"
#include "feed.h"
#include "feed_int.h"
#include "feed_xml.h"
#include "html.h"
#include "uri.h"
#include "util.h"

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

const struct map fmap_alink_text = { NS_ATOM, "link", F_LINK, 1 };

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

static enum ns	ns_code1(const struct xstate *, const xmlChar *);

enum ns
fmap_ns_code(struct xstate *st, const xmlChar *uri)
{
	/* libxml2 interns names, so the same URI comes back as the same
	 * pointer: remember the last answer. */
	if (uri != NULL && uri == st->last_uri)
		return st->last_ns;
	st->last_uri = uri;
	st->last_ns = ns_code1(st, uri);
	return st->last_ns;
}

static enum ns
ns_code1(const struct xstate *st, const xmlChar *uri)
{
	size_t i;

	if ((uri == NULL || *uri == '\0') && st->format == FEED_FORMAT_CDF)
		return NS_CDF;
	if (uri == NULL || *uri == '\0' || (st->rootns != NULL &&
	    strcmp((const char *)uri, st->rootns) == 0))
		return st->atomroot ? NS_ATOM : NS_RSS;
	/* Publishers get the case of namespace names wrong (the iTunes
	 * DTD's most of all): like feedparser, compare without case. */
	for (i = 0; i < NELEM(ns_uris); i++)
		if (strcasecmp((const char *)uri, ns_uris[i].uri) == 0)
			return ns_uris[i].ns;
	if (strcasestr((const char *)uri, "backend.userland.com/rss") != NULL)
		return NS_RSS;
	return NS_OTHER;
}

const struct map *
fmap_find(enum ctx ctx, enum ns ns, const char *name)
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


char *
fmap_trim(char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	for (p = s; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	memmove(s, p, n);
	s[n] = '\0';
	if (n == 0) {
		free(s);
		return NULL;
	}
	return s;
}

const char *
fmap_cur_base(const struct xstate *st)
{
	if (st->nframes == 0 || st->depth == 0)
		return st->run->opts->url;
	return st->frames[st->depth - 1].base;
}

/* feedparser's test for escaped HTML in RSS text: an end tag or an
 * entity reference. */
static int
looks_like_html(const char *s)
{
	const char *p;

	for (p = s; (p = strpbrk(p, "<&")) != NULL; p++) {
		const char *q = p + 1;

		if (*p == '<') {
			if (*q++ != '/')
				continue;
			if (!isalpha((unsigned char)*q))
				continue;
			while (isalnum((unsigned char)*q))
				q++;
			if (*q == '>')
				return 1;
		} else {
			if (*q == '#')
				q++;
			if (!isalnum((unsigned char)*q))
				continue;
			while (isalnum((unsigned char)*q))
				q++;
			if (*q == ';')
				return 1;
		}
	}
	return 0;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decodes base64 in place, skipping blanks; stops at '=' or junk. */
static void
b64_decode(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;
	uint32_t acc = 0;
	int bits = 0, v;

	for (; *r != '\0'; r++) {
		v = b64val(*r);
		if (v < 0) {
			if (isspace(*r))
				continue;
			break;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*w++ = (unsigned char)(acc >> bits);
		}
	}
	*w = '\0';
}

enum ctype
fmap_ctype_of(const char *t)
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

/* ------------------------------------------------------------ levels */

void
fmap_level_init(struct level *l)
{
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < NFIELDS; i++) {
		l->prio[i] = INT_MAX;
		l->date[i] = FEED_NO_DATE;
	}
}

void
fmap_level_reset(struct level *l)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		free(l->v[i]);
	free(l->aname);
	free(l->aemail);
	for (i = 0; i < l->ncats; i++)
		free(l->cats[i]);
	free(l->cats);
	free(l->catkinds);
	for (i = 0; i < l->nencs; i++) {
		free(l->encs[i].url);
		free(l->encs[i].type);
	}
	free(l->encs);
	fmap_level_init(l);
}

/* Offers a value (taken) to a field; keeps it if its priority wins. */
void
fmap_level_set(struct level *l, enum field f, int prio, char *v)
{
	if (v == NULL)
		return;
	if (prio >= l->prio[f]) {
		free(v);
		return;
	}
	free(l->v[f]);
	l->v[f] = v;
	l->prio[f] = prio;
}

void
fmap_level_set_date(struct level *l, enum field f, int prio, char *v)
{
	int64_t t;

	if (v != NULL && prio <= l->prio[f] && date_parse(v, &t) == 0) {
		l->date[f] = t;
		l->prio[f] = prio;
	}
	free(v);
}

void
fmap_level_add_cat(struct level *l, char *v, enum catkind kind)
{
	size_t i;

	/* The cap comes first: the duplicate check below is linear. */
	if (v == NULL || l->ncats >= FEED_MAX_LIST) {
		free(v);
		return;
	}
	for (i = 0; kind != CAT_SCHEMED && i < l->ncats; i++)
		if (l->catkinds[i] == kind && strcmp(l->cats[i], v) == 0) {
			free(v);
			return;
		}
	l->cats = xreallocarray(l->cats, l->ncats + 1, sizeof(char *));
	l->catkinds = xreallocarray(l->catkinds, l->ncats + 1, 1);
	l->catkinds[l->ncats] = (unsigned char)kind;
	l->cats[l->ncats++] = v;
}

void
fmap_level_add_enc(struct level *l, char *url, char *type, const char *len)
{
	struct enclosure *e;
	char *end;
	long long n;

	if (url == NULL || l->nencs >= FEED_MAX_LIST) {
		free(url);
		free(type);
		return;
	}
	l->encs = xreallocarray(l->encs, l->nencs + 1, sizeof(*l->encs));
	e = &l->encs[l->nencs++];
	e->url = url;
	e->type = fmap_trim(type);
	e->length = -1;
	if (len != NULL) {
		while (isspace((unsigned char)*len))
			len++;
		if (isdigit((unsigned char)*len)) {
			n = strtoll(len, &end, 10);
			while (isspace((unsigned char)*end))
				end++;
			if (*end == '\0' && n >= 0)
				e->length = n;
		}
	}
}

/* -------------------------------------------------- capturing a field */

/*
 * Undoes base64 once.  An empty capture has no buffer at all (raw.data is
 * NULL: decoding a "" literal in place wrote to read-only memory, found by
 * tests/fuzz/fuzz_parse), and the flag is cleared so that a capture read
 * as text and as HTML is not decoded twice.
 */
static void
cap_unbase64(struct xstate *st)
{
	if (!st->cap_b64)
		return;
	st->cap_b64 = 0;
	if (st->raw.data != NULL) {
		b64_decode(st->raw.data);
		st->raw.len = strlen(st->raw.data);
	}
}

/*
 * A start tag or markup declaration as a browser would read one ("<"
 * then a letter, "!" or "?").  feedparser keeps such RSS text as
 * written when it has no end tag or entity, but readers that show RSS
 * titles as HTML then run "<img src=x onerror=...>": text with a tag in
 * it is read as HTML, so its markup goes.  An address in brackets
 * ("Joe <joe@example.com>", as RSS authors are written) is no tag: it
 * can carry no attribute, and author_name needs it.
 */
static int
has_tag(const char *s)
{
	const char *p;
	size_t n;

	for (p = s; (p = strchr(p, '<')) != NULL; p++) {
		if (!isalpha((unsigned char)p[1]) && p[1] != '!' &&
		    p[1] != '?')
			continue;
		n = strcspn(p + 1, "> \t\r\n\f=/\"'");
		if (p[1 + n] == '>' && memchr(p + 1, '@', n) != NULL)
			continue;
		return 1;
	}
	return 0;
}

/* The captured value, as plain text. */
static char *
cap_text(struct xstate *st)
{
	const char *src;
	size_t n;

	cap_unbase64(st);
	if (st->cap_children || st->cap_type == T_XHTML) {
		src = st->markup.data;
		n = st->markup.len;
	} else {
		src = st->raw.data;
		n = st->raw.len;
		if (src == NULL)
			return NULL;
		/* Atom 0.3 mode="escaped" is markup whatever the type
		 * says, as cap_html reads it. */
		if ((st->cap_type == T_TEXT && !st->cap_escaped) ||
		    (st->cap_type != T_HTML && !st->cap_escaped &&
		    !looks_like_html(src) && !has_tag(src)))
			return feed_collapse(xstrndup(src, n));
	}
	if (src == NULL)
		return NULL;
	return html_to_text(src, n);
}

/*
 * RSS and Dublin Core authors are often "me@example.com (Me)" or
 * "Me <me@example.com>": like feedparser, keep the name, or the address
 * when there is no name.
 */
static char *
author_name(char *s)
{
	static const char stop[] = " \t<>()[]\"',:;";
	char *at, *b, *e, *r, *w, *email;
	size_t n;

	if (s == NULL || (at = strchr(s, '@')) == NULL)
		return s;
	for (b = at; b > s && strchr(stop, b[-1]) == NULL; b--)
		;
	for (e = at + 1; *e != '\0' && strchr(stop, *e) == NULL; e++)
		;
	if (b == at || e == at + 1)
		return s;
	email = xstrndup(b, e - b);
	memmove(b, e, strlen(e) + 1);
	/* Drop the brackets that held the address, and the ends. */
	for (r = w = s; *r != '\0'; r++) {
		if ((r[0] == '(' && r[1] == ')') || (r[0] == '<' &&
		    r[1] == '>') || (r[0] == '[' && r[1] == ']')) {
			r++;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	for (r = s; *r != '\0' && strchr(" \t()<>[]", *r) != NULL; r++)
		;
	n = strlen(r);
	while (n > 0 && strchr(" \t()<>[]", r[n - 1]) != NULL)
		n--;
	if (n == 0) {
		free(s);
		return email;
	}
	memmove(s, r, n);
	s[n] = '\0';
	free(email);
	return s;
}

/* The captured value, as a sanitized HTML fragment. */
static char *
cap_html(struct xstate *st)
{
	const char *src;
	size_t n;

	cap_unbase64(st);
	if (st->cap_children || st->cap_type == T_XHTML) {
		src = st->markup.data;
		n = st->markup.len;
	} else {
		src = st->raw.data;
		if (src == NULL)
			return NULL;
		n = st->raw.len;
		/* Atom type="text" is literal text (RFC 4287 3.1.1.1). */
		if (st->cap_type == T_TEXT && !st->cap_escaped)
			return html_escape(src, n);
	}
	if (src == NULL)
		return NULL;
	return html_sanitize(src, n, st->cap_base);
}

static char *
cap_plain(struct xstate *st)
{
	if (st->raw.data == NULL)
		return NULL;
	return fmap_trim(xstrndup(st->raw.data, st->raw.len));
}

/*
 * The publisher's scheduling hints (RSS 2.0 skipHours/skipDays, the
 * syndication module's updatePeriod/updateFrequency).  Unreadable values
 * are ignored: a hint never makes a feed fail.
 */
static void
schedule_hint(struct xstate *st, enum field f, const char *v)
{
	static const char *const days[7] = { "Sunday", "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday" };
	static const struct {
		const char	*name;
		int		 seconds;
	} periods[] = {
		{ "hourly", 3600 }, { "daily", 86400 }, { "weekly", 604800 },
		{ "monthly", 2592000 }, { "yearly", 31536000 },
	};
	char *end;
	long n;
	size_t i;

	switch (f) {
	case F_HOUR:
		n = strtol(v, &end, 10);
		/* The spec says 0-23; some publishers write 24 for 0. */
		if (end != v && *end == '\0' && n >= 0 && n <= 24)
			st->skip_hours |= (uint32_t)1 << (n % 24);
		break;
	case F_DAY:
		for (i = 0; i < 7; i++)
			if (strcasecmp(v, days[i]) == 0)
				st->skip_days |= (uint32_t)1 << i;
		break;
	case F_SYPERIOD:
		for (i = 0; i < NELEM(periods); i++)
			if (strcasecmp(v, periods[i].name) == 0)
				st->sy_period = periods[i].seconds;
		break;
	case F_SYFREQ:
		n = strtol(v, &end, 10);
		if (end != v && *end == '\0' && n > 0 && n <= 100000)
			st->sy_freq = (int)n;
		break;
	default:
		break;
	}
}

/*
 * Atom 1.0 xhtml content is wrapped in a div that is not part of it (RFC
 * 4287 4.1.3.3) - when the div is the only child, as feedparser reads it:
 * two divs side by side, or text beside one, are the content as they
 * are.  cap_start and sax_end recorded where the div's tags sit.
 */
static void
cap_unwrap_div(struct xstate *st)
{
	struct buf *b = &st->markup;
	size_t i, n;

	if (st->cap_divdepth == 0 || !st->cap_divdone || st->cap_divbad ||
	    st->cap_divin > st->cap_divout || st->cap_divend > b->len ||
	    b->data == NULL)
		return;
	for (i = st->cap_divend; i < b->len; i++)
		if (!isspace((unsigned char)b->data[i]))
			return;
	n = st->cap_divout - st->cap_divin;
	memmove(b->data, b->data + st->cap_divin, n);
	b->data[n] = '\0';
	b->len = n;
}

/*
 * A link written with its ampersands escaped twice ("?a=1&amp;amp;b=2")
 * has "&amp;" in the URL, which no server means: feedparser undoes it,
 * and so does this.
 */
static char *
amp_once(char *s)
{
	char *r, *w;

	if (s == NULL || strstr(s, "&amp;") == NULL)
		return s;
	for (r = w = s; *r != '\0'; r++) {
		*w++ = *r;
		if (strncmp(r, "&amp;", 5) == 0)
			r += 4;
	}
	*w = '\0';
	return s;
}

void
fmap_cap_finish(struct xstate *st)
{
	struct level *l;
	enum field f = st->cap_field;
	char *v, *t, *save = NULL;

	l = st->cap_ctx == C_CHANNEL ? &st->feed :
	    st->cap_ctx == C_ENTRY ? &st->ent : st->in_entry ? &st->ent :
	    &st->feed;
	cap_unwrap_div(st);
	switch (f) {
	case F_AUTHOR:
		v = cap_text(st);
		if (st->cap_rss_author)
			v = author_name(v);
		fmap_level_set(l, f, st->cap_prio, v);
		break;
	case F_TITLE:
	case F_SUBTITLE:
		fmap_level_set(l, f, st->cap_prio, cap_text(st));
		break;
	case F_CATEGORY:
		fmap_level_add_cat(l, cap_text(st), st->cap_catkind);
		break;
	case F_KEYWORDS:
		/* Keywords have no scheme in feedparser but iTunes's. */
		v = cap_text(st);
		for (t = v != NULL ? strtok_r(v, ",", &save) : NULL; t != NULL;
		    t = strtok_r(NULL, ",", &save))
			fmap_level_add_cat(l, feed_collapse(xstrdup(t)),
			    st->cap_ns == NS_ITUNES ? CAT_ITUNES : CAT_PLAIN);
		free(v);
		break;
	case F_NAME:
		if (l->aname == NULL)
			l->aname = cap_text(st);
		break;
	case F_EMAIL:
		if (l->aemail == NULL)
			l->aemail = cap_plain(st);
		break;
	case F_SUMMARY:
		v = cap_html(st);
		if (v == NULL)
			break;
		/* media:description describes the media, not the entry: it
		 * is a summary only for want of one, and never demotes. */
		if (st->cap_prio != 0 || st->cap_ns == NS_CDF)
			fmap_level_set(l, f, st->cap_prio, v);
		else if (l->summary_seen && !l->has_content && l == &st->ent)
			fmap_level_set(l, F_CONTENT, 6, v);
		else {
			l->summary_seen = 1;
			fmap_level_set(l, f, st->cap_prio, v);
		}
		break;
	case F_CONTENT:
		if (st->cap_ns == NS_CONTENT || st->cap_ns == NS_ATOM ||
		    (st->cap_ns == NS_RSS && st->cap_prio == 0))
			l->has_content = 1;
		fmap_level_set(l, f, st->cap_prio, cap_html(st));
		break;
	case F_LINK:
		v = amp_once(cap_plain(st));
		if (v != NULL) {
			fmap_level_set(l, f, st->cap_prio,
			    uri_resolve(st->cap_base, v));
			free(v);
		}
		break;
	case F_GUID:
		v = cap_plain(st);
		if (v != NULL && st->cap_prio < l->prio[F_GUID])
			l->guid_link = st->cap_guidlink;
		fmap_level_set(l, F_GUID, st->cap_prio, v);
		break;
	case F_ID:
	case F_LANGUAGE:
		fmap_level_set(l, f, st->cap_prio, cap_plain(st));
		break;
	case F_TTL:
		v = cap_plain(st);
		if (v != NULL && st->cap_prio < l->prio[F_TTL]) {
			const char *end;
			int64_t n = sat_parse_digits(v, &end);

			/* Minutes; any number of digits is a long time
			 * (saturated), not an error. */
			if (n > 0)
				st->ttl = (int)sat_clamp(n, 1, INT_MAX);
			l->prio[F_TTL] = st->cap_prio;
		}
		free(v);
		break;
	case F_PUBLISHED:
	case F_UPDATED:
		fmap_level_set_date(l, f, st->cap_prio, cap_plain(st));
		break;
	case F_HOUR:
	case F_DAY:
	case F_SYPERIOD:
	case F_SYFREQ:
		v = cap_plain(st);
		if (v != NULL)
			schedule_hint(st, f, v);
		free(v);
		break;
	default:
		break;
	}
	st->cap = 0;
	buf_clear(&st->raw);
	buf_clear(&st->markup);
}

/* ------------------------------------------------ entries and the feed */

int
fmap_is_web_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0);
}

void
fmap_entry_begin(struct xstate *st)
{
	fmap_level_reset(&st->ent);
	st->in_entry = 1;
}

void
fmap_entry_end(struct xstate *st)
{
	struct level *l = &st->ent;
	struct entry e;

	st->in_entry = 0;
	memset(&e, 0, sizeof(e));
	/* RSS 2.0: a guid that is a permalink stands in for a missing
	 * link. */
	if (l->v[F_LINK] == NULL && l->v[F_GUID] != NULL && l->guid_link)
		e.link = uri_resolve(fmap_cur_base(st), l->v[F_GUID]);
	else
		e.link = l->v[F_LINK], l->v[F_LINK] = NULL;
	/* An Atom entry without a link: feedparser takes its id, which
	 * works when the id is a web address (not for tag: or urn:). */
	if (e.link == NULL && fmap_is_web_url(l->v[F_ID]))
		e.link = xstrdup(l->v[F_ID]);
	e.id = l->v[F_ID] != NULL ? l->v[F_ID] : l->v[F_GUID];
	if (e.id == l->v[F_ID])
		l->v[F_ID] = NULL;
	else
		l->v[F_GUID] = NULL;
	e.title = l->v[F_TITLE], l->v[F_TITLE] = NULL;
	if (l->v[F_AUTHOR] != NULL)
		e.author = l->v[F_AUTHOR], l->v[F_AUTHOR] = NULL;
	e.summary = l->v[F_SUMMARY], l->v[F_SUMMARY] = NULL;
	e.content = l->v[F_CONTENT], l->v[F_CONTENT] = NULL;
	e.published = l->date[F_PUBLISHED];
	e.updated = l->date[F_UPDATED];
	e.categories = l->cats, e.ncategories = l->ncats;
	l->cats = NULL, l->ncats = 0;
	e.enclosures = l->encs, e.nenclosures = l->nencs;
	l->encs = NULL, l->nencs = 0;
	st->nitems++;
	if (feed_emit(st->run, &e) == -1)
		xmlStopParser(st->ctxt);
	entry_reset(&e);
	fmap_level_reset(l);
}

/* An Atom author closed: its name, else its e-mail, is the author. */
void
fmap_author_end(struct xstate *st, struct level *l)
{
	char *v;

	if (!l->author_seen) {
		l->author_seen = 1;
		v = l->aname != NULL ? l->aname : l->aemail;
		if (v == l->aname)
			l->aname = NULL;
		else
			l->aemail = NULL;
		fmap_level_set(l, F_AUTHOR, 0, v);
	}
	free(l->aname);
	free(l->aemail);
	l->aname = l->aemail = NULL;
	(void)st;
}

void
fmap_init(void)
{
	qsort(channel_map, NELEM(channel_map), sizeof(struct map), map_cmp);
	qsort(entry_map, NELEM(entry_map), sizeof(struct map), map_cmp);
	qsort(author_map, NELEM(author_map), sizeof(struct map), map_cmp);
	/* hours_map and days_map hold one entry each. */
}
