/*
 * feed_field.c: what a captured element becomes, and the values gathered
 * for the feed and the entry being read.  feed_map.c decides which field
 * an element fills and how its content is to be read (type, base64,
 * xml:base); this file turns the text the driver captured into that
 * field's value and hands completed entries on.
 *
 * Text becomes plain text (titles, authors, categories) or sanitized HTML
 * (summary, content) here, through html.c, and dates go through date.c:
 * this file writes no HTML, URL or date code of its own.
 *
 * A level (the channel, or the entry being read) keeps per field the
 * value of the best priority offered, the first among equals (title and
 * dc:title), except dates, where the last readable one among equals wins
 * (several updated elements: feedparser keeps the last; a channel pubDate
 * counts only when nothing else dated the feed).
 *
 * Summaries follow feedparser: the first of description, atom:summary,
 * itunes:summary and dc:description is the summary, and a second one is
 * the content when the entry has no content element (content:encoded or
 * atom:content win over it wherever they are).
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "entry.h"
#include "feed.h"
#include "feed_map_int.h"
#include "html.h"
#include "uri.h"
#include "base/util.h"

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

int
fmap_is_web_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0);
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
	e->type = str_trim(type, WS_XML);
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
 * the fuzzer), and the flag is cleared so that a capture read
 * as text and as HTML is not decoded twice.
 */
static void
cap_unbase64(struct fmap *m, struct fmap_text *t)
{
	if (!m->cap.b64)
		return;
	m->cap.b64 = 0;
	if (t->raw->data != NULL) {
		b64_decode(t->raw->data);
		t->raw->len = strlen(t->raw->data);
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

/*
 * The bytes of the captured value, decoded from base64 if they were: its
 * serialised markup when the field held elements or is XHTML (*markup
 * set), else its text.  NULL when the field was empty.
 */
static const char *
cap_source(struct fmap *m, struct fmap_text *t, size_t *n, int *markup)
{
	cap_unbase64(m, t);
	*markup = t->children || m->cap.type == T_XHTML;
	if (*markup) {
		*n = t->markup->len;
		return t->markup->data;
	}
	*n = t->raw->len;
	return t->raw->data;
}

/* The captured value, as plain text. */
static char *
cap_text(struct fmap *m, struct fmap_text *t)
{
	const char *src;
	size_t n;
	int markup;

	if ((src = cap_source(m, t, &n, &markup)) == NULL)
		return NULL;
	/* Atom 0.3 mode="escaped" is markup whatever the type says, as
	 * cap_html reads it. */
	if (!markup && ((m->cap.type == T_TEXT && !m->cap.escaped) ||
	    (m->cap.type != T_HTML && !m->cap.escaped &&
	    !looks_like_html(src) && !has_tag(src))))
		return feed_collapse(xstrndup(src, n), FEED_BLANKS_XML);
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
cap_html(struct fmap *m, struct fmap_text *t)
{
	const char *src;
	size_t n;
	int markup;

	if ((src = cap_source(m, t, &n, &markup)) == NULL)
		return NULL;
	/* Atom type="text" is literal text (RFC 4287 3.1.1.1). */
	if (!markup && m->cap.type == T_TEXT && !m->cap.escaped)
		return html_escape(src, n);
	return html_sanitize(src, n, m->cap.base);
}

static char *
cap_plain(struct fmap *m, struct fmap_text *t)
{
	(void)m;
	if (t->raw->data == NULL)
		return NULL;
	return str_trim(xstrndup(t->raw->data, t->raw->len), WS_XML);
}

/*
 * The publisher's scheduling hints (RSS 2.0 skipHours/skipDays, the
 * syndication module's updatePeriod/updateFrequency).  Unreadable values
 * are ignored: a hint never makes a feed fail.
 */
static void
schedule_hint(struct fmap *m, enum field f, const char *v)
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
			m->skip_hours |= (uint32_t)1 << (n % 24);
		break;
	case F_DAY:
		for (i = 0; i < 7; i++)
			if (strcasecmp(v, days[i]) == 0)
				m->skip_days |= (uint32_t)1 << i;
		break;
	case F_SYPERIOD:
		for (i = 0; i < NELEM(periods); i++)
			if (strcasecmp(v, periods[i].name) == 0)
				m->sy_period = periods[i].seconds;
		break;
	case F_SYFREQ:
		n = strtol(v, &end, 10);
		if (end != v && *end == '\0' && n > 0 && n <= 100000)
			m->sy_freq = (int)n;
		break;
	default:
		break;
	}
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
fmap_cap_end(struct fmap *m, struct fmap_text *t)
{
	struct level *l;
	enum field f = m->cap.field;
	char *v, *kw, *save = NULL;

	l = m->cap.ctx == C_CHANNEL ? &m->feed :
	    m->cap.ctx == C_ENTRY ? &m->ent : m->in_entry ? &m->ent :
	    &m->feed;
	switch (f) {
	case F_AUTHOR:
		v = cap_text(m, t);
		if (m->cap.rss_author)
			v = author_name(v);
		fmap_level_set(l, f, m->cap.prio, v);
		break;
	case F_TITLE:
	case F_SUBTITLE:
		fmap_level_set(l, f, m->cap.prio, cap_text(m, t));
		break;
	case F_CATEGORY:
		fmap_level_add_cat(l, cap_text(m, t), m->cap.catkind);
		break;
	case F_KEYWORDS:
		/* Keywords have no scheme in feedparser but iTunes's. */
		v = cap_text(m, t);
		for (kw = v != NULL ? strtok_r(v, ",", &save) : NULL;
		    kw != NULL; kw = strtok_r(NULL, ",", &save))
			fmap_level_add_cat(l, feed_collapse(xstrdup(kw),
			    FEED_BLANKS_XML), m->cap.ns == NS_ITUNES ?
			    CAT_ITUNES : CAT_PLAIN);
		free(v);
		break;
	case F_NAME:
		if (l->aname == NULL)
			l->aname = cap_text(m, t);
		break;
	case F_EMAIL:
		if (l->aemail == NULL)
			l->aemail = cap_plain(m, t);
		break;
	case F_SUMMARY:
		v = cap_html(m, t);
		if (v == NULL)
			break;
		/* media:description describes the media, not the entry: it
		 * is a summary only for want of one, and never demotes. */
		if (m->cap.prio != 0 || m->cap.ns == NS_CDF)
			fmap_level_set(l, f, m->cap.prio, v);
		else if (l->summary_seen && !l->has_content && l == &m->ent)
			fmap_level_set(l, F_CONTENT, 6, v);
		else {
			l->summary_seen = 1;
			fmap_level_set(l, f, m->cap.prio, v);
		}
		break;
	case F_CONTENT:
		if (m->cap.ns == NS_CONTENT || m->cap.ns == NS_ATOM ||
		    (m->cap.ns == NS_RSS && m->cap.prio == 0))
			l->has_content = 1;
		fmap_level_set(l, f, m->cap.prio, cap_html(m, t));
		break;
	case F_LINK:
		v = amp_once(cap_plain(m, t));
		if (v != NULL) {
			fmap_level_set(l, f, m->cap.prio,
			    uri_resolve(m->cap.base, v));
			free(v);
		}
		break;
	case F_GUID:
		v = cap_plain(m, t);
		if (v != NULL && m->cap.prio < l->prio[F_GUID])
			l->guid_link = m->cap.guidlink;
		fmap_level_set(l, F_GUID, m->cap.prio, v);
		break;
	case F_ID:
	case F_LANGUAGE:
		fmap_level_set(l, f, m->cap.prio, cap_plain(m, t));
		break;
	case F_TTL:
		v = cap_plain(m, t);
		if (v != NULL && m->cap.prio < l->prio[F_TTL]) {
			const char *end;
			int64_t n = sat_parse_digits(v, &end);

			/* Minutes; any number of digits is a long time
			 * (saturated), not an error. */
			if (n > 0)
				m->ttl = (int)sat_clamp(n, 1, INT_MAX);
			l->prio[F_TTL] = m->cap.prio;
		}
		free(v);
		break;
	case F_PUBLISHED:
	case F_UPDATED:
		fmap_level_set_date(l, f, m->cap.prio, cap_plain(m, t));
		break;
	case F_HOUR:
	case F_DAY:
	case F_SYPERIOD:
	case F_SYFREQ:
		v = cap_plain(m, t);
		if (v != NULL)
			schedule_hint(m, f, v);
		free(v);
		break;
	default:
		break;
	}
}

void
fmap_entry_begin(struct fmap *m)
{
	fmap_level_reset(&m->ent);
	m->in_entry = 1;
}

int
fmap_entry_end(struct fmap *m, const char *base)
{
	struct level *l = &m->ent;
	struct entry e;
	int rc;

	m->in_entry = 0;
	memset(&e, 0, sizeof(e));
	/* RSS 2.0: a guid that is a permalink stands in for a missing
	 * link. */
	if (l->v[F_LINK] == NULL && l->v[F_GUID] != NULL && l->guid_link)
		e.link = uri_resolve(base, l->v[F_GUID]);
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
	m->nitems++;
	rc = feed_emit(m->run, &e);
	entry_reset(&e);
	fmap_level_reset(l);
	return rc;
}

/* An Atom author closed: its name, else its e-mail, is the author. */
void
fmap_author_end(struct level *l)
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
}

