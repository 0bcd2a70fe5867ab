/*
 * extract_score.c: finding the article (scoring, after Readability's
 * published description) and cleaning it up inside (after trafilatura's).
 * The design is told at the top of extract.c; this file holds the rules:
 * what a paragraph is worth to its ancestors, how the best candidate is
 * widened, which siblings join it, and which elements of the article go
 * (ex_judge, called bottom-up from ex_stats) or trail it (ex_trim_tail).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "extract_int.h"
#include "base/util.h"

/* ---- scoring */

static double
tag_base(enum tag t)
{
	switch (t) {
	case T_DIV: case T_ARTICLE: case T_MAIN: case T_SECTION:
		return 5;
	case T_PRE: case T_TD: case T_BLOCKQUOTE:
		return 3;
	case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD:
	case T_DT: case T_LI: case T_FORM:
		return -3;
	case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
	case T_TH:
		return -5;
	default:
		return 0;
	}
}

static void
init_candidate(struct ex *x, xmlNodePtr n)
{
	struct einfo *e = INFO(n);

	if (e->flags & F_SCORED)
		return;
	e->flags |= F_SCORED;
	e->score = tag_base((enum tag)e->tag) +
	    (x->weigh_classes ? e->weight : 0);
}

static int
scorable(const struct einfo *e)
{
	switch (e->tag) {
	case T_P: case T_PRE: case T_TD: case T_H2: case T_H3: case T_H4:
	case T_H5: case T_H6: case T_SECTION:
		return 1;
	case T_DIV:
		return e->nblock == 0;
	default:
		return 0;
	}
}

void
ex_score(struct ex *x)
{
	xmlNodePtr n, a;
	struct einfo *e;
	double s;
	int level;

	for (n = ex_live_from(x->body, x->body); n != NULL;
	    n = ex_next_live(n, x->body, 0)) {
		e = INFO(n);
		e->flags &= ~F_SCORED;
		e->score = 0;
	}
	for (n = ex_live_from(x->body, x->body); n != NULL;
	    n = ex_next_live(n, x->body, 0)) {
		e = INFO(n);
		if (!scorable(e) || e->text < 25)
			continue;
		s = 1 + e->commas + (e->text / 100 < 3 ? e->text / 100 : 3);
		for (a = n->parent, level = 0; a != NULL && level < 5 &&
		    a->type == XML_ELEMENT_NODE && INFO(a) != NULL;
		    a = a->parent, level++) {
			/* The whole page is never the article. */
			if (a == x->body)
				break;
			init_candidate(x, a);
			INFO(a)->score += s / (level == 0 ? 1 :
			    level == 1 ? 2 : level * 3);
		}
	}
	for (n = ex_live_from(x->body, x->body); n != NULL;
	    n = ex_next_live(n, x->body, 0)) {
		e = INFO(n);
		if (e->flags & F_SCORED)
			e->score *= 1 - ex_link_density(e);
	}
}

static int
is_ancestor(xmlNodePtr a, xmlNodePtr n)
{
	for (; n != NULL; n = n->parent)
		if (n == a)
			return 1;
	return 0;
}

#define NTOP	5

/* The best candidate, widened as Readability widens it. */
xmlNodePtr
ex_top_candidate(struct ex *x)
{
	xmlNodePtr top[NTOP] = { NULL }, n, p;
	struct einfo *e;
	double last, thresh;
	int i, k, nalt, cnt;

	for (n = ex_live_from(x->body, x->body); n != NULL;
	    n = ex_next_live(n, x->body, 0)) {
		e = INFO(n);
		if (!(e->flags & F_SCORED))
			continue;
		for (i = 0; i < NTOP; i++) {
			if (top[i] == NULL || e->score > INFO(top[i])->score) {
				for (k = NTOP - 1; k > i; k--)
					top[k] = top[k - 1];
				top[i] = n;
				break;
			}
		}
	}
	if (top[0] == NULL || top[0] == x->body)
		return x->body;
	/* Close rivals inside one ancestor: the ancestor is the article. */
	for (i = 1, nalt = 0; i < NTOP && top[i] != NULL; i++)
		if (INFO(top[i])->score >= 0.75 * INFO(top[0])->score)
			nalt++;
	if (nalt >= 3) {
		for (p = top[0]->parent; p != NULL && p != x->body;
		    p = p->parent) {
			for (i = 1, cnt = 0; i < NTOP && top[i] != NULL; i++)
				if (INFO(top[i])->score >= 0.75 *
				    INFO(top[0])->score &&
				    is_ancestor(p, top[i]))
					cnt++;
			if (cnt >= 3) {
				top[0] = p;
				init_candidate(x, p);
				break;
			}
		}
	}
	n = top[0];
	last = INFO(n)->score;
	thresh = last / 3;
	for (p = n->parent; p != NULL && p != x->body && INFO(p) != NULL;
	    p = p->parent) {
		if (!(INFO(p)->flags & F_SCORED))
			continue;
		if (INFO(p)->score < thresh)
			break;
		if (INFO(p)->score > last) {
			n = p;
			break;
		}
		last = INFO(p)->score;
	}
	/* An only child says nothing its parent does not. */
	for (p = n->parent; p != NULL && p != x->body && INFO(p) != NULL;
	    p = p->parent) {
		xmlNodePtr c;
		int kids = 0;

		for (c = p->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !ex_dead(c))
				kids++;
		if (kids != 1)
			break;
		n = p;
	}
	init_candidate(x, n);
	return n;
}

/* Ends like a sentence: ". " inside or a final '.'. */
static int
prose_like(xmlNodePtr n)
{
	char *t = ex_text(n, 4096);
	size_t len;
	int r;

	if (t == NULL)
		return 0;
	len = strlen(t);
	r = strstr(t, ". ") != NULL || (len > 0 && t[len - 1] == '.');
	free(t);
	return r;
}

/* Selects top and the siblings that belong with it into sel (document
 * order); returns their number. */
size_t
ex_siblings(struct ex *x, xmlNodePtr top, xmlNodePtr **sel)
{
	xmlNodePtr s, *v;
	struct einfo *e, *te = INFO(top);
	const char *tc = ex_attr(top, "class");
	double thresh = te->score * 0.2 > 10 ? te->score * 0.2 : 10, bonus;
	size_t n = 0, cap = 0;

	(void)x;
	if (top == x->body || top->parent == NULL) {
		v = xmalloc(sizeof(*v));
		v[0] = top;
		*sel = v;
		return 1;
	}
	for (s = top->parent->children; s != NULL; s = s->next)
		cap++;
	v = xcalloc(cap + 1, sizeof(*v));
	for (s = top->parent->children; s != NULL; s = s->next) {
		int add = 0;

		if (s->type != XML_ELEMENT_NODE || (e = INFO(s)) == NULL ||
		    (e->flags & F_DEAD))
			continue;
		if (s == top)
			add = 1;
		else {
			const char *sc = ex_attr(s, "class");

			bonus = tc != NULL && *tc != '\0' && sc != NULL &&
			    strcmp(tc, sc) == 0 ? te->score * 0.2 : 0;
			/* A sibling full of links is a list of teasers. */
			if ((e->flags & F_SCORED) && e->score + bonus >=
			    thresh && ex_link_density(e) < 0.25)
				add = 1;
			else if (e->tag == T_P || (e->tag == T_DIV &&
			    e->nblock == 0)) {
				double ld = ex_link_density(e);

				if (e->text > 80 && ld < 0.25)
					add = 1;
				else if (e->text < 80 && e->text > 0 &&
				    ld == 0 && prose_like(s))
					add = 1;
			}
		}
		if (add)
			v[n++] = s;
	}
	*sel = v;
	return n;
}

/* ---- clean-up inside the article */

/* 1 if a table holds data (headers, a caption) rather than layout. */
static int
data_table(xmlNodePtr t)
{
	xmlNodePtr n;
	const char *r = ex_attr(t, "role");
	size_t rows = 0;

	if (r != NULL && strcmp(r, "presentation") == 0)
		return 0;
	if (ex_attr(t, "summary") != NULL)
		return 1;
	for (n = t; n != NULL; n = ex_next(n, t, n != t && ex_is(n,
	    "table"))) {
		if (n != t && ex_is(n, "table"))
			return 0;
		if (ex_is(n, "th") || ex_is(n, "caption") ||
		    ex_is(n, "thead") || ex_is(n, "tfoot"))
			return 1;
		if (ex_is(n, "tr"))
			rows++;
	}
	return rows >= 10;
}

static int
in_data_table(xmlNodePtr n)
{
	int k;

	for (n = n->parent, k = 0; n != NULL && k < 20; n = n->parent, k++)
		if (ex_is(n, "table"))
			return data_table(n);
	return 0;
}

static int
same_text(xmlNodePtr n, const char *title)
{
	char *t;
	int r;

	if (title == NULL)
		return 0;
	t = ex_text(n, 4096);
	r = t != NULL && strcasecmp(t, title) == 0;
	free(t);
	return r;
}

static int
in_figure(xmlNodePtr n)
{
	int k;

	for (n = n->parent, k = 0; n != NULL && k < 8; n = n->parent, k++)
		if (ex_is(n, "figure"))
			return 1;
	return 0;
}

/* The host of an absolute http(s) URL into out; 0, or -1 if none. */
int
ex_host_of(const char *url, char *out, size_t outlen)
{
	const char *p, *e;
	size_t n;

	if (url == NULL || (p = strstr(url, "://")) == NULL)
		return -1;
	p += 3;
	e = p + strcspn(p, "/?#:");
	n = (size_t)(e - p);
	if (n == 0 || n >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* 1 if most links under n stay on the page's own site (a relative link
 * does; "www." is ignored on both sides). */
static int
local_links(struct ex *x, xmlNodePtr n)
{
	xmlNodePtr a;
	char h[256];
	const char *href, *ph = x->host, *hh;
	size_t local = 0, all = 0;

	if (ph == NULL)
		return 1;
	if (strncmp(ph, "www.", 4) == 0)
		ph += 4;
	for (a = n; a != NULL; a = ex_next(a, n, ex_dead(a))) {
		if (!ex_is(a, "a") || (href = ex_attr(a, "href")) == NULL)
			continue;
		all++;
		if (ex_host_of(href, h, sizeof(h)) == -1) {
			local++;
			continue;
		}
		hh = strncmp(h, "www.", 4) == 0 ? h + 4 : h;
		if (strcasecmp(hh, ph) == 0)
			local++;
	}
	return local * 2 >= all;
}

static size_t
nlinks(xmlNodePtr n)
{
	xmlNodePtr a;
	size_t k = 0;

	for (a = n; a != NULL; a = ex_next(a, n, 0))
		k += ex_is(a, "a");
	return k;
}

/* Lines that only point elsewhere: "Related: ...", "Read more: ...". */
static int
link_line(xmlNodePtr n)
{
	static const char *const starts[] = { "related", "read more",
	    "read also", "also read", "see also", "more:", "more from",
	    "recommended", "watch:", "listen:", "click here", "trending",
	    "must read", "don't miss", NULL };
	char *t = ex_text(n, 64), *p;
	size_t i;
	int r = 0;

	if (t == NULL)
		return 0;
	for (p = t; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; starts[i] != NULL && !r; i++)
		r = strncmp(t, starts[i], strlen(starts[i])) == 0;
	free(t);
	return r;
}

/* "By Jane Doe": a byline line. */
static int
starts_by(xmlNodePtr n)
{
	xmlNodePtr t;
	const char *s;

	for (t = n; t != NULL; t = ex_next(t, n, ex_dead(t)))
		if (t->type == XML_TEXT_NODE && t->content != NULL) {
			s = (const char *)t->content;
			while (ex_is_space((unsigned char)*s))
				s++;
			if (*s == '\0')
				continue;
			return (s[0] == 'B' || s[0] == 'b') && s[1] == 'y' &&
			    s[2] == ' ';
		}
	return 0;
}

/* Decides, bottom-up, whether an element of the article goes. */
int
ex_judge(struct ex *x, xmlNodePtr n)
{
	struct einfo *e = INFO(n);
	int weight = x->weigh_classes ? e->weight : 0, list;
	double ld = ex_link_density(e);

	if (e->flags & F_EMBED)
		return 0;
	/* A figure keeps its image, not its caption or credit. */
	if (e->nimg == 0 && e->tag != T_IMG && e->tag != T_PICTURE &&
	    e->tag != T_SOURCE && e->text > 0 && in_figure(n))
		return 1;
	if (e->text < 100 && !ex_inline((enum tag)e->tag) &&
	    ((e->flags & F_BYLINE) || starts_by(n)))
		return 1;
	switch (e->tag) {
	case T_TIME:
		/* A date on a line of its own is a dateline; a date in a
		 * sentence stays. */
		return n->parent != NULL && INFO(n->parent) != NULL &&
		    !ex_inline((enum tag)INFO(n->parent)->tag) &&
		    INFO(n->parent)->tag != T_P &&
		    INFO(n->parent)->tag != T_LI &&
		    INFO(n->parent)->tag != T_TD;
	case T_TD: case T_TH:
		/* A layout cell of links: navigation. */
		return e->text > 0 && ld > 0.5 && !in_data_table(n);
	case T_H1:
		/* The headline: the title field has it. */
		return 1;
	case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
		if (weight < 0 || same_text(n, x->title))
			return 1;
		return e->text > 0 && ld > 0.5;
	case T_IMG:
		return ex_pixel(n);
	case T_IFRAME: case T_EMBED: case T_INPUT: case T_FORM:
	case T_FIELDSET: case T_FIGCAPTION: case T_CAPTION:
		return 1;
	case T_P:
		if (e->text == 0)
			return e->nimg == 0 && e->nembed == 0;
		/* "Related: <a>headline</a>" between paragraphs, a bare
		 * "Don't miss" label, or a block of links to the site's
		 * other stories. */
		return (ld > 0.5 && e->text < 200 && link_line(n)) ||
		    (e->text < 40 && link_line(n)) ||
		    (ld > 0.9 && e->text < 120 && local_links(x, n)) ||
		    (ld > 0.6 && nlinks(n) >= 2 && local_links(x, n));
	default:
		break;
	}
	if ((e->flags & F_BOILER) && e->np < 3 && x->strip_unlikely)
		return 1;
	if (!x->clean_conditionally)
		return 0;
	if (e->tag != T_TABLE && e->tag != T_UL && e->tag != T_OL &&
	    e->tag != T_DIV && e->tag != T_SECTION && e->tag != T_DL)
		return 0;
	if (e->tag == T_TABLE && data_table(n))
		return 0;
	if (in_data_table(n))
		return 0;
	list = e->tag == T_UL || e->tag == T_OL;
	if (weight < 0)
		return 1;
	if (e->commas < 10) {
		long p = e->np, img = e->nimg, li = (long)e->nli - 100;
		long input = e->ninput;
		double hd = e->text ? (double)e->nhead / e->text : 0;

		if (img > 1 && (double)p / img < 0.5)
			return 1;
		if (!list && li > p)
			return 1;
		if (input > p / 3)
			return 1;
		if (!list && hd < 0.9 && e->text < 25 && (img == 0 ||
		    img > 2))
			return 1;
		if (!list && weight < 25 && ld > 0.2)
			return 1;
		if (weight >= 25 && ld > 0.5)
			return 1;
		if ((e->nembed == 1 && e->text < 75) || e->nembed > 1)
			return 1;
		/* A list of links to the site's own pages is a list of
		 * related stories; links elsewhere (sources, shops) are
		 * part of the article. */
		if (list && ld > 0.5 && local_links(x, n))
			return 1;
	}
	return 0;
}

/*
 * Phrases of the lines that close articles without belonging to them:
 * related links, calls to subscribe or follow, share prompts.
 */
static const char *const tail_phrases[] = { "you may also like",
	"you might also like", "related:", "related stories",
	"related articles", "read more", "read also", "more from",
	"recommended", "sign up", "subscribe", "newsletter", "follow us",
	"follow him", "follow her", "follow me", "share this", "click here",
	"all rights reserved", "copyright", "\xc2\xa9", "see also",
	"also read", "more stories", "don't miss", "trending", "listen to",
	"listen back", "on twitter", "on facebook", "on instagram",
	"share it with", "like this story", "tell us what you think",
	"leave a comment", "post a comment", "add a comment",
	"view comments", "show comments", NULL };

static int
tail_junk(xmlNodePtr n, const struct einfo *e)
{
	char *t, *p;
	size_t i;
	int r = 0;

	if (e->text == 0)
		return 1;
	if (ex_link_density(e) > 0.5)
		return 1;
	if (e->text > 150)
		return 0;
	if ((t = ex_text(n, 1024)) == NULL)
		return 1;
	for (p = t; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; tail_phrases[i] != NULL && !r; i++)
		r = strstr(t, tail_phrases[i]) != NULL;
	/* "12 comments": too short to be a sentence about comments. */
	if (e->text < 20 && strstr(t, "comment") != NULL)
		r = 1;
	free(t);
	return r;
}

/* A leaf block: a block element with no block element inside. */
static int
leaf_block(const struct einfo *e)
{
	return e->tag == T_P || (!ex_inline((enum tag)e->tag) &&
	    e->nblock == 0);
}

/*
 * Drops the blocks trailing the article's last real paragraph when they
 * are link lists, empty, or calls to subscribe, follow or read more; at
 * most a fifth of the text, so a short last paragraph stays.
 */
void
ex_trim_tail(struct ex *x, xmlNodePtr *sel, size_t nsel)
{
	xmlNodePtr *leaf = NULL, n;
	size_t nleaf = 0, cap = 0, i, k;
	uint32_t total = 0, cut = 0;
	struct einfo *e;
	int skip;

	(void)x;
	for (i = 0; i < nsel; i++) {
		total += INFO(sel[i])->text;
		for (n = ex_live_from(sel[i], sel[i]); n != NULL;
		    n = ex_next_live(n, sel[i], skip)) {
			skip = leaf_block(INFO(n));
			if (!skip)
				continue;
			if (nleaf == cap) {
				cap = cap ? cap * 2 : 64;
				leaf = xreallocarray(leaf, cap, sizeof(*leaf));
			}
			leaf[nleaf++] = n;
		}
	}
	for (k = nleaf; k > 0; k--) {
		e = INFO(leaf[k - 1]);
		if (!tail_junk(leaf[k - 1], e))
			break;
		cut += e->text;
	}
	if (cut * 5 <= total)
		for (i = k; i < nleaf; i++)
			if (INFO(leaf[i])->nimg == 0 ||
			    INFO(leaf[i])->text > 0)
				INFO(leaf[i])->flags |= F_DEAD;
	free(leaf);
}
