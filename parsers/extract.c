/*
 * extract.c: finding the article in a web page.
 *
 * Files: extract_input.c and extract_decode.c (bytes to tree),
 * extract_meta.c (metadata), extract_tree.c (per-element facts),
 * extract_score.c (steps 1 and 2 below), this file (the attempts, the
 * output and the checks of step 3).
 *
 * Pipeline: the page's bytes become a tree (extract_input.c: decoding,
 * refusing what is not HTML, libxml2's HTML parser under caps), then
 * read the metadata (extract_meta.c), then find the article in three
 * steps and write it out through the feed sanitizer (html.c).
 *
 *   1. Scoring, after Readability's published description: every
 *      paragraph-like block with some text gives its parent and, less,
 *      its further ancestors (never <body>: the whole page is not an
 *      article) points for its length and its commas; an ancestor
 *      starts from a weight for its tag and for the words in its class
 *      and id; the scores are scaled by one minus the share of text
 *      inside links.  The best ancestor is the article, widened to a
 *      common ancestor when close rivals share one, plus those siblings
 *      that score well without being link lists, or read as prose.
 *   2. Clean-up, after trafilatura's: inside the article, boilerplate by
 *      tag and by class/id words (share bars, related lists, comments,
 *      newsletter boxes, cookie banners, bylines, datelines, captions
 *      and credits), link-dense or form-like blocks, headings that
 *      repeat the title, then the short or link-dense blocks trailing
 *      the last paragraph.  A list or paragraph of links is a list of
 *      related stories when its links stay on the page's own site, and
 *      part of the article (sources, shops) when they leave it.
 *      Embedded posts (tweets and the like) stay.
 *   3. Checks: JSON-LD articleBody, when the page has one, guards the
 *      result: when the extracted text covers little of it, the
 *      articleBody itself is used.  Too little text, or a selection made
 *      of links, means no article, with a reason (index page, login
 *      wall, error page, short page); a page whose metadata says it is
 *      an article may be short.
 *
 * When the first attempt finds too little, it is repeated with the
 * class/id filters turned off (they can hide the article on sites that
 * name their containers oddly), and the longest result wins.  Nothing is
 * removed from the tree while deciding: elements are marked dead in a
 * side table (node->_private), so attempts can be repeated.  The tree
 * changes once, before: a lazy-loading placeholder takes the source of
 * the image in the <noscript> after it.
 *
 * Bounds: extract_input.c reads the page in slices and builds a tree
 * with caps on its depth, its elements and its text (see there).  Every
 * pass over the tree is iterative (no recursion) and linear in its size;
 * ancestors are scored up to five levels.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "extract.h"
#include "extract_int.h"
#include "feed_int.h"
#include "html.h"
#include "uri.h"
#include "base/util.h"

/* Below this much text an attempt is retried with fewer filters, and
 * a final result is no article. */
#define EX_RETRY_CHARS	500
#define EX_MIN_CHARS	200

/* ---- output */

static const char *
lazy_src(xmlNodePtr n)
{
	static const char *const attrs[] = { "data-src", "data-lazy-src",
	    "data-original", "data-url", "data-hi-res-src", "data-lazy",
	    NULL };
	const char *src = ex_attr(n, "src"), *v;
	size_t i;

	if (src != NULL && *src != '\0' && strncmp(src, "data:", 5) != 0 &&
	    strstr(src, "placeholder") == NULL &&
	    strstr(src, "blank.") == NULL && strstr(src, "spacer") == NULL)
		return src;
	for (i = 0; attrs[i] != NULL; i++)
		if ((v = ex_attr(n, attrs[i])) != NULL && *v != '\0')
			return v;
	return src;
}

static void
put_escaped(struct buf *b, const char *s, int attr)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_addstr(b, "&amp;");
			break;
		case '<':
			buf_addstr(b, "&lt;");
			break;
		case '>':
			buf_addstr(b, "&gt;");
			break;
		case '"':
			if (attr) {
				buf_addstr(b, "&quot;");
				break;
			}
			/* FALLTHROUGH */
		default:
			buf_addch(b, *s);
		}
	}
}

static int
is_void(const char *name)
{
	static const char *const v[] = { "img", "br", "hr", "source", "wbr",
	    "input", "col", "meta", "link", "area", "embed", "track", NULL };
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(name, v[i]) == 0)
			return 1;
	return 0;
}

static void
start_tag(struct buf *b, xmlNodePtr n)
{
	xmlAttrPtr a;
	const char *v;

	buf_addch(b, '<');
	buf_addstr(b, (const char *)n->name);
	for (a = n->properties; a != NULL; a = a->next) {
		const char *name = (const char *)a->name;

		if (a->children == NULL ||
		    a->children->type != XML_TEXT_NODE)
			v = "";
		else
			v = (const char *)a->children->content;
		if (strcmp(name, "class") == 0 || strcmp(name, "id") == 0 ||
		    strcmp(name, "style") == 0)
			continue;
		if (strcmp(name, "src") == 0 && ex_is(n, "img"))
			v = lazy_src(n);
		buf_addch(b, ' ');
		buf_addstr(b, name);
		buf_addstr(b, "=\"");
		put_escaped(b, v != NULL ? v : "", 1);
		buf_addch(b, '"');
	}
	if (ex_is(n, "img") && ex_attr(n, "src") == NULL &&
	    (v = lazy_src(n)) != NULL) {
		buf_addstr(b, " src=\"");
		put_escaped(b, v, 1);
		buf_addch(b, '"');
	}
	buf_addch(b, '>');
}

static int
html_down(xmlNodePtr n, void *b)
{
	if (n->type == XML_ELEMENT_NODE && !ex_dead(n)) {
		start_tag(b, n);
		return 1;
	}
	if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
	    n->content != NULL)
		put_escaped(b, (const char *)n->content, 0);
	return 0;
}

static void
html_up(xmlNodePtr n, void *b)
{
	if (n->type == XML_ELEMENT_NODE && !ex_dead(n) &&
	    !is_void((const char *)n->name)) {
		buf_addstr(b, "</");
		buf_addstr(b, (const char *)n->name);
		buf_addch(b, '>');
	}
}

/* Writes root's live subtree as HTML (the sanitizer filters it). */
static void
serialize(struct buf *b, xmlNodePtr root)
{
	ex_walk(root, html_down, html_up, b);
}

static int
text_down(xmlNodePtr n, void *b)
{
	struct einfo *e;

	if (n->type == XML_ELEMENT_NODE && !ex_dead(n)) {
		e = INFO(n);
		if (e != NULL && ex_block((enum tag)e->tag))
			buf_addch(b, '\n');
		else if (e != NULL && (e->tag == T_TD || e->tag == T_TH))
			buf_addch(b, ' ');
		return 1;
	}
	if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
	    n->content != NULL)
		buf_addstr(b, (const char *)n->content);
	return 0;
}

static void
text_up(xmlNodePtr n, void *b)
{
	if (n->type == XML_ELEMENT_NODE && !ex_dead(n) && INFO(n) != NULL &&
	    ex_block((enum tag)INFO(n)->tag))
		buf_addch(b, '\n');
}

/* Appends root's live text, a line per block. */
static void
text_of(struct buf *b, xmlNodePtr root)
{
	ex_walk(root, text_down, text_up, b);
}

/* Collapses blanks inside lines, drops empty lines; NULL if empty. */
static char *
lines(char *s)
{
	char *r, *w;
	int pending = 0, nl = 0;

	for (r = w = s; *r != '\0'; r++) {
		if (*r == '\n') {
			nl = w != s;
			pending = 0;
			continue;
		}
		if (ex_is_space((unsigned char)*r) || ((unsigned char)r[0] ==
		    0xc2 && (unsigned char)r[1] == 0xa0)) {
			if ((unsigned char)*r == 0xc2)
				r++;
			pending = 1;
			continue;
		}
		if (nl) {
			*w++ = '\n';
			nl = 0;
		} else if (pending && w != s && w[-1] != '\n')
			*w++ = ' ';
		pending = 0;
		*w++ = *r;
	}
	*w = '\0';
	if (w == s) {
		free(s);
		return NULL;
	}
	return s;
}

/* ---- attempts and the result */

struct attempt {
	xmlNodePtr	*sel;
	size_t		 nsel;
	uint32_t	 chars;
	double		 ld;
	size_t		 teasers;	/* headings that are links */
};

/* Headings made of a link: what lists of stories are made of. */
static size_t
teasers(xmlNodePtr *sel, size_t nsel)
{
	xmlNodePtr n;
	struct einfo *e;
	size_t i, k = 0;
	int skip;

	for (i = 0; i < nsel; i++)
		for (n = ex_live_from(sel[i], sel[i]); n != NULL;
		    n = ex_next_live(n, sel[i], skip)) {
			e = INFO(n);
			skip = e->tag >= T_H1 && e->tag <= T_H6;
			if (skip)
				k += e->text > 0 && ex_link_density(e) > 0.5;
		}
	return k;
}

static void
attempt(struct ex *x, struct attempt *a)
{
	xmlNodePtr top;
	size_t i, k;
	uint32_t link = 0;

	for (k = 0; k < x->ninfo; k++)
		x->info[k].flags &= ~(F_DEAD | F_SCORED);
	ex_mark_unlikely(x);
	ex_stats(x, x->body, NULL);
	ex_score(x);
	top = ex_top_candidate(x);
	a->nsel = ex_siblings(x, top, &a->sel);
	a->teasers = teasers(a->sel, a->nsel);
	a->chars = 0;
	for (i = 0; i < a->nsel; i++)
		ex_stats(x, a->sel[i], ex_judge);
	ex_trim_tail(x, a->sel, a->nsel);
	for (i = 0; i < a->nsel; i++) {
		ex_stats(x, a->sel[i], NULL);
		a->chars += INFO(a->sel[i])->text;
		link += INFO(a->sel[i])->link;
	}
	a->ld = a->chars ? (double)link / a->chars : 0;
}

/* Words of s (lower-cased ASCII letters and digits, other bytes kept),
 * hashed into a bitmap of 2^16 bits. */
static void
word_bits(const char *s, unsigned char *bits, size_t *nwords, int test,
    size_t *hits)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t h;

	while (*p != '\0') {
		while (*p != '\0' && !(isalnum(*p) || *p >= 0x80))
			p++;
		if (*p == '\0')
			break;
		h = 2166136261u;
		while (*p != '\0' && (isalnum(*p) || *p >= 0x80)) {
			h = (h ^ (uint32_t)tolower(*p)) * 16777619u;
			p++;
		}
		h &= 0xffff;
		(*nwords)++;
		if (test)
			*hits += (bits[h >> 3] >> (h & 7)) & 1;
		else
			bits[h >> 3] |= (unsigned char)(1 << (h & 7));
	}
}

/* Share of body's words found in text. */
static double
coverage(const char *body, const char *text)
{
	unsigned char *bits = xcalloc(65536 / 8, 1);
	size_t nw = 0, nb = 0, hits = 0;

	if (text != NULL)
		word_bits(text, bits, &nw, 0, NULL);
	word_bits(body, bits, &nb, 1, &hits);
	free(bits);
	return nb == 0 ? 1 : (double)hits / nb;
}

/* articleBody as HTML paragraphs and as lines. */
static void
from_body(const char *body, struct extract_result *r)
{
	struct buf h;
	const char *p = body, *e;
	char *line;

	/* body (from the page, under its cap) escaped, in paragraphs. */
	buf_init(&h, BUF_UNCAPPED);
	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		line = feed_collapse(xstrndup(p, (size_t)(e - p)),
		    FEED_BLANKS_HTML_NBSP);
		if (line != NULL) {
			buf_addstr(&h, "<p>");
			put_escaped(&h, line, 0);
			buf_addstr(&h, "</p>");
			free(line);
		}
		p = *e == '\0' ? e : e + 1;
	}
	free(r->content);
	r->content = html_sanitize(h.data, h.len, NULL);
	buf_reset(&h);
	free(r->text);
	r->text = lines(xstrdup(body));
}

/* 1 if s holds tags ("<p>", "</a"): some sites put HTML in articleBody. */
static int
has_tags(const char *s)
{
	for (; (s = strchr(s, '<')) != NULL; s++)
		if (isalpha((unsigned char)s[1]) || s[1] == '/')
			return 1;
	return 0;
}

static int
looks_like_error(const char *title)
{
	static const char *const w[] = { "404", "not found", "page not",
	    "error", "does not exist", "no longer available", "forbidden",
	    "access denied", NULL };
	size_t i;

	if (title == NULL)
		return 0;
	for (i = 0; w[i] != NULL; i++)
		if (strcasestr(title, w[i]) != NULL)
			return 1;
	return 0;
}

/* The <base href>, resolved against the page URL. */
static char *
base_of(xmlDocPtr doc, const char *url)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n;
	const char *h;

	for (n = root; n != NULL; n = ex_next(n, root, 0))
		if (ex_is(n, "base") && (h = ex_attr(n, "href")) != NULL &&
		    *h != '\0')
			return uri_resolve(url, h);
		else if (ex_is(n, "body"))
			break;
	return url != NULL ? xstrdup(url) : NULL;
}

static char *
abs_url(const char *base, const char *u)
{
	char *r;

	if (u == NULL)
		return NULL;
	r = uri_resolve(base, u);
	if (r != NULL && (uri_is_unsafe(r) || *r == '\0')) {
		free(r);
		return NULL;
	}
	return r;
}

/* The first image of the article, for pages without og:image. */
static const char *
first_image(struct ex *x, xmlNodePtr *sel, size_t nsel)
{
	xmlNodePtr n;
	size_t i;
	int skip;

	for (i = 0; i < nsel; i++)
		for (n = sel[i]; n != NULL; n = ex_next(n, sel[i], skip)) {
			skip = ex_dead(n);
			if (!skip && ex_is(n, "img") && !ex_pixel(n) &&
			    lazy_src(n) != NULL)
				return lazy_src(n);
		}
	(void)x;
	return NULL;
}

/* Reads a page held in memory, for extract_page. */
struct mem_page {
	const char	*doc;
	size_t		 len, pos;
};

static long
read_mem(void *arg, char *buf, size_t len)
{
	struct mem_page *p = arg;
	size_t n = p->len - p->pos < len ? p->len - p->pos : len;

	memcpy(buf, p->doc + p->pos, n);
	p->pos += n;
	return (long)n;
}

int
extract_page(const char *doc, size_t len, const struct extract_opts *opts,
    struct extract_result *r, char **errstr)
{
	size_t max = opts->max_size ? opts->max_size : EXTRACT_MAX_SIZE;
	struct mem_page p = { doc, len, 0 };

	if (len > max) {
		memset(r, 0, sizeof(*r));
		r->published = EXTRACT_NO_DATE;
		*errstr = xasprintf("page larger than %zu bytes", max);
		return -1;
	}
	return extract_page_read(read_mem, &p, opts, r, errstr);
}

/*
 * Runs the attempts, with fewer filters each while too little is found,
 * into a[4]; returns the best, whose marks are left on the tree.
 */
static struct attempt *
attempts(struct ex *x, struct attempt a[4])
{
	static const int modes[4][3] = {
		{ 1, 1, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 0, 0, 0 }
	};
	struct attempt *best = NULL;
	int k, done = 0;

	memset(a, 0, 4 * sizeof(*a));
	for (k = 0; k < 4; k++) {
		/* A retry that would change nothing is skipped. */
		if ((k == 1 && !x->any_unlikely) || (k == 2 && !x->any_weight))
			continue;
		x->strip_unlikely = modes[k][0];
		x->weigh_classes = modes[k][1];
		x->clean_conditionally = modes[k][2];
		attempt(x, &a[k]);
		done = k + 1;
		if (best == NULL || a[k].chars > best->chars)
			best = &a[k];
		if (a[k].chars >= EX_RETRY_CHARS)
			break;
	}
	if (best != &a[done - 1]) {
		/* The marks are the last attempt's: redo the best one. */
		k = (int)(best - a);
		x->strip_unlikely = modes[k][0];
		x->weigh_classes = modes[k][1];
		x->clean_conditionally = modes[k][2];
		free(best->sel);
		attempt(x, best);
	}
	return best;
}

/*
 * Why the result is no article, or NULL.  A page the metadata calls an
 * article may be short; a page that says nothing about itself needs some
 * text.  A login form or an error title with little text says why.
 * from_meta: the text is the metadata's articleBody.
 */
static const char *
no_article(const struct ex *x, const struct attempt *best,
    const struct extract_meta *m, const char *text, int from_meta)
{
	size_t tlen = text != NULL ? strlen(text) : 0;

	if (tlen == 0)
		return "no article: no text";
	if (x->password && tlen < 1000)
		return "login wall: the page asks for a password";
	if (looks_like_error(m->title) && tlen < 500)
		return "error page";
	if (!from_meta && (best->ld > 0.5 || (best->teasers >= 5 &&
	    !m->is_article)))
		return "no article: the page is mostly links (an index or "
		    "home page)";
	if (tlen < EX_MIN_CHARS && !m->is_article)
		return "no article: too little text";
	return NULL;
}

/* The article's HTML and text into r: the selection's, or the
 * metadata's articleBody when the selection covers little of it.
 * Returns 1 in the second case. */
static int
write_article(const struct attempt *best, const struct extract_meta *m,
    const char *base, struct extract_result *r)
{
	struct buf b;
	size_t i;

	/* The selection of a page read under its cap, serialised. */
	buf_init(&b, BUF_UNCAPPED);
	for (i = 0; i < best->nsel; i++)
		serialize(&b, best->sel[i]);
	r->content = html_sanitize(b.data, b.len, base);
	buf_clear(&b);
	for (i = 0; i < best->nsel; i++)
		text_of(&b, best->sel[i]);
	r->text = lines(buf_steal(&b));
	if (m->body == NULL || strlen(m->body) < 200 ||
	    coverage(m->body, r->text) >= 0.5)
		return 0;
	if (has_tags(m->body)) {
		free(r->content);
		free(r->text);
		r->content = html_sanitize(m->body, strlen(m->body), base);
		r->text = html_to_text(m->body, strlen(m->body));
	} else
		from_body(m->body, r);
	return 1;
}

/* The tree of the page and its <body>, or -1 with *errstr. */
static int
load(struct ex *x, extract_read_fn rd, void *arg,
    const struct extract_opts *opts, char **errstr)
{
	xmlNodePtr root;

	memset(x, 0, sizeof(*x));
	x->doc = ex_input_build(rd, arg, opts, errstr);
	if (x->doc == NULL && *errstr != NULL)
		return -1;
	root = x->doc != NULL ? xmlDocGetRootElement(x->doc) : NULL;
	for (x->body = root; x->body != NULL; x->body = ex_next(x->body,
	    root, 0))
		if (ex_is(x->body, "body"))
			break;
	if (x->body == NULL) {
		*errstr = xstrdup("no HTML body");
		if (x->doc != NULL)
			xmlFreeDoc(x->doc);
		return -1;
	}
	return 0;
}

int
extract_page_read(extract_read_fn rd, void *arg,
    const struct extract_opts *opts, struct extract_result *r,
    char **errstr)
{
	struct extract_meta m;
	struct ex x;
	struct attempt a[4], *best;
	const char *why;
	char *base;
	int k, from_meta;

	memset(r, 0, sizeof(*r));
	r->published = EXTRACT_NO_DATE;
	*errstr = NULL;
	if (load(&x, rd, arg, opts, errstr) == -1)
		return -1;
	extract_meta_collect(x.doc, &m);
	base = base_of(x.doc, opts->url);
	if (ex_host_of(opts->url, x.hostbuf, sizeof(x.hostbuf)) == 0)
		x.host = x.hostbuf;
	x.title = m.title;
	ex_info_init(&x);
	ex_fix_noscript(&x);
	best = attempts(&x, a);
	from_meta = write_article(best, &m, base, r);
	if ((why = no_article(&x, best, &m, r->text, from_meta)) != NULL) {
		r->reason = xstrdup(why);
		free(r->content);
		free(r->text);
		r->content = r->text = NULL;
	}
	r->title = m.title, m.title = NULL;
	r->byline = m.byline, m.byline = NULL;
	r->lang = m.lang, m.lang = NULL;
	r->site_name = m.site_name, m.site_name = NULL;
	r->published = m.published;
	r->image = abs_url(base, m.image != NULL ? m.image :
	    r->content != NULL ? first_image(&x, best->sel, best->nsel) :
	    NULL);
	for (k = 0; k < 4; k++)
		free(a[k].sel);
	extract_meta_reset(&m);
	free(x.info);
	xmlFreeDoc(x.doc);
	free(base);
	return 0;
}

void
extract_result_reset(struct extract_result *r)
{
	free(r->title);
	free(r->byline);
	free(r->lang);
	free(r->image);
	free(r->site_name);
	free(r->content);
	free(r->text);
	free(r->reason);
	memset(r, 0, sizeof(*r));
	r->published = EXTRACT_NO_DATE;
}
