/*
 * extract_tree.c: what the extractor knows of each element, in a side
 * table (struct einfo) hung on node->_private, and the walks that fill
 * it.
 *
 * info_init reads, once per page, each element's tag and the words of
 * its class and id (boilerplate, byline, embedded post, positive or
 * negative weight) into the table; stats sums text, link text, commas
 * and block counts bottom-up over a live subtree, letting a judge kill
 * elements on the way; mark_unlikely kills what is never article (by
 * tag, role, hidden, class words).  Nothing is removed from the tree:
 * the F_DEAD flag stands for removal, so attempts can be repeated.  All
 * walks are iterative and linear.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "entry.h"
#include "extract_int.h"
#include "base/util.h"

/* Class and id strings longer than this are only read this far. */
#define EX_CLASSLEN	256

/* ---- small helpers shared with extract_meta.c */

const char *
ex_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = n->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 &&
		    a->children != NULL && a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

int
ex_is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr
ex_next(xmlNodePtr n, xmlNodePtr root, int skip_children)
{
	if (!skip_children && n->type == XML_ELEMENT_NODE &&
	    n->children != NULL)
		return n->children;
	while (n != root && n != NULL) {
		if (n->next != NULL)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

void
ex_walk(xmlNodePtr root, int (*down)(xmlNodePtr, void *),
    void (*up)(xmlNodePtr, void *), void *arg)
{
	xmlNodePtr n = root;

	for (;;) {
		if (down(n, arg) && n->children != NULL) {
			n = n->children;
			continue;
		}
		for (;;) {
			up(n, arg);
			if (n == root)
				return;
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
		}
	}
}

xmlNodePtr
ex_live_from(xmlNodePtr n, xmlNodePtr root)
{
	while (n != NULL) {
		if (n->type != XML_ELEMENT_NODE || INFO(n) == NULL)
			n = ex_next(n, root, 0);
		else if (INFO(n)->flags & F_DEAD)
			n = ex_next(n, root, 1);
		else
			return n;
	}
	return NULL;
}

xmlNodePtr
ex_next_live(xmlNodePtr n, xmlNodePtr root, int skip_children)
{
	return ex_live_from(ex_next(n, root, skip_children), root);
}

int
ex_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

char *
ex_text(xmlNodePtr root, size_t cap)
{
	struct buf b;
	xmlNodePtr n;

	buf_init(&b, cap);
	for (n = root; n != NULL; n = ex_next(n, root, 0)) {
		const char *s = (const char *)n->content;
		size_t len;

		if ((n->type != XML_TEXT_NODE &&
		    n->type != XML_CDATA_SECTION_NODE) || s == NULL)
			continue;
		len = strlen(s);
		if (cap > 0 && b.len + len > cap) {
			/* What fits, cut at a character boundary. */
			len = cap - b.len;
			while (len > 0 && (s[len] & 0xc0) == 0x80)
				len--;
			buf_add(&b, s, len);
			break;
		}
		buf_add(&b, s, len);
	}
	return feed_collapse(buf_steal(&b), FEED_BLANKS_HTML_NBSP);
}

/* ---- per-element facts, in a side table hung on node->_private */


struct tagname {
	const char	*name;
	enum tag	 tag;
};

static const struct tagname tagnames[] = {
	{ "a", T_A }, { "abbr", T_ABBR }, { "address", T_ADDRESS },
	{ "article", T_ARTICLE }, { "aside", T_ASIDE }, { "b", T_B },
	{ "big", T_BIG }, { "blockquote", T_BLOCKQUOTE }, { "body", T_BODY },
	{ "br", T_BR }, { "caption", T_CAPTION }, { "center", T_CENTER },
	{ "cite", T_CITE }, { "code", T_CODE }, { "col", T_COL },
	{ "colgroup", T_COLGROUP }, { "dd", T_DD }, { "del", T_DEL },
	{ "details", T_DETAILS }, { "div", T_DIV }, { "dl", T_DL },
	{ "dt", T_DT }, { "em", T_EM }, { "embed", T_EMBED },
	{ "fieldset", T_FIELDSET }, { "figcaption", T_FIGCAPTION },
	{ "figure", T_FIGURE }, { "font", T_FONT }, { "footer", T_FOOTER },
	{ "form", T_FORM }, { "h1", T_H1 }, { "h2", T_H2 }, { "h3", T_H3 },
	{ "h4", T_H4 }, { "h5", T_H5 }, { "h6", T_H6 }, { "head", T_HEAD },
	{ "header", T_HEADER }, { "hr", T_HR }, { "html", T_HTML },
	{ "i", T_I }, { "iframe", T_IFRAME }, { "img", T_IMG },
	{ "input", T_INPUT }, { "ins", T_INS }, { "kbd", T_KBD },
	{ "label", T_LABEL }, { "li", T_LI }, { "link", T_LINK },
	{ "main", T_MAIN }, { "mark", T_MARK }, { "menu", T_MENU },
	{ "meta", T_META }, { "nav", T_NAV }, { "noscript", T_NOSCRIPT },
	{ "ol", T_OL }, { "option", T_OPTION }, { "p", T_P },
	{ "picture", T_PICTURE }, { "pre", T_PRE }, { "q", T_Q },
	{ "s", T_S }, { "samp", T_SAMP }, { "script", T_SCRIPT },
	{ "section", T_SECTION }, { "small", T_SMALL },
	{ "source", T_SOURCE }, { "span", T_SPAN }, { "strike", T_STRIKE },
	{ "strong", T_STRONG }, { "sub", T_SUB }, { "summary", T_SUMMARY },
	{ "sup", T_SUP }, { "table", T_TABLE }, { "tbody", T_TBODY },
	{ "td", T_TD }, { "tfoot", T_TFOOT }, { "th", T_TH },
	{ "thead", T_THEAD }, { "time", T_TIME }, { "title", T_TITLE },
	{ "tr", T_TR }, { "tt", T_TT }, { "u", T_U }, { "ul", T_UL },
	{ "var", T_VAR }, { "wbr", T_WBR },
};

static int
tag_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

static enum tag
tag_of(const char *name)
{
	const void *p;

	p = bsearch(name, tagnames, NELEM(tagnames),
	    sizeof(tagnames[0]), tag_cmp);
	return p == NULL ? T_OTHER : ((const struct tagname *)p)->tag;
}

/* Inline (phrasing) elements: a div holding only these reads as a
 * paragraph. */
int
ex_inline(enum tag t)
{
	switch (t) {
	case T_A: case T_SPAN: case T_B: case T_STRONG: case T_EM: case T_I:
	case T_U: case T_CODE: case T_SMALL: case T_SUP: case T_SUB:
	case T_BR: case T_IMG: case T_FONT: case T_ABBR: case T_Q:
	case T_CITE: case T_MARK: case T_S: case T_DEL: case T_INS:
	case T_KBD: case T_SAMP: case T_VAR: case T_BIG: case T_TT:
	case T_STRIKE: case T_TIME: case T_WBR: case T_LABEL:
	case T_PICTURE: case T_SOURCE: case T_NOSCRIPT: case T_OTHER:
		return 1;
	default:
		return 0;
	}
}

/* Block elements that end a line in the text output. */
int
ex_block(enum tag t)
{
	return !ex_inline(t) || t == T_BR;
}



int
ex_dead(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE && INFO(n) != NULL &&
	    (INFO(n)->flags & F_DEAD);
}

/* Class and id in lower case into out. */
static void
class_id(xmlNodePtr n, char *out, size_t outlen)
{
	const char *c = ex_attr(n, "class"), *id = ex_attr(n, "id");
	size_t i = 0;

	for (; c != NULL && *c != '\0' && i + 2 < outlen; c++)
		out[i++] = (char)tolower((unsigned char)*c);
	if (i + 2 < outlen)
		out[i++] = ' ';
	for (; id != NULL && *id != '\0' && i + 1 < outlen; id++)
		out[i++] = (char)tolower((unsigned char)*id);
	out[i] = '\0';
}

/* Word lists for class and id values (matched as substrings). */
static const char *const w_unlikely[] = { "-ad-", "ai2html", "banner",
	"breadcrumb", "combx", "comment", "community", "cover-wrap",
	"disqus", "extra", "footer", "gdpr", "header", "legends", "menu",
	"related", "remark", "replies", "rss", "shoutbox", "sidebar",
	"skyscraper", "social", "sponsor", "supplemental", "ad-break",
	"agegate", "pagination", "pager", "popup", "yom-remote", "cookie",
	"consent", "newsletter", "subscribe", "signup", "sign-up", "promo",
	"outbrain", "taboola", "share", "sharing", "toolbar", "navbar",
	"masthead", "recommend", "most-popular", "mostpopular", "trending",
	"paywall", "modal", "overlay", NULL };
static const char *const w_maybe[] = { "and", "article", "body",
	"column", "content", "main", "shadow", "story", "entry", "post",
	"embed", "tweet", "instagram", NULL };
/* Embedded posts quoted in the article: content, not boilerplate. */
static const char *const w_embed[] = { "twitter-tweet", "tweet-embed",
	"embedded-tweet", "instagram-media", "social-embed", "media-embed",
	"social-media-embed", "tiktok-embed", "reddit-card", NULL };
/* Bylines and datelines: short, and the byline field has them. */
static const char *const w_byline[] = { "byline", "author", "dateline",
	"writtenby", "p-author", "submitted", "posted-by", "postedby",
	"timestamp", "pubdate", "publish-date", "article-date", NULL };
static const char *const w_negative[] = { "-ad-", "hidden", "banner",
	"combx", "comment", "com-", "contact", "foot", "footnote", "gdpr",
	"masthead", "media", "meta", "outbrain", "promo", "related",
	"scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
	"shopping", "tags", "tool", "widget", "social", "newsletter",
	"subscribe", "cookie", "consent", "byline", "author", "caption",
	"credit", "recommend", "teaser", "more-", "nav", NULL };
static const char *const w_positive[] = { "article", "body", "content",
	"entry", "hentry", "h-entry", "main", "page", "post", "text",
	"blog", "story", "prose", "rich-text", "richtext", NULL };
/* Boilerplate inside an article: removed outright. */
static const char *const w_boiler[] = { "share", "sharing", "social",
	"related", "newsletter", "subscribe", "signup", "sign-up",
	"cookie", "consent", "gdpr", "comment", "disqus", "promo",
	"advert", "-ad-", "ad-slot", "adslot", "ad-container", "adunit",
	"ad-unit", "breadcrumb", "recommend", "most-popular", "mostpopular",
	"trending", "read-more", "readmore", "more-stories", "morestories",
	"author-bio", "authorbio", "author-info", "tags", "tag-list",
	"taglist", "keywords", "print", "toolbar", "pagination", "pager",
	"outbrain", "taboola", "paywall", "sponsor", "byline", "dateline",
	"timestamp", "post-meta", "entry-meta", "article-meta", "caption",
	"credit", "copyright", "next-post", "prev-post", "nav", "popup",
	"modal", "rating", "widget", "tooltip", "rollover", "hovercard",
	"popover", "sr-only", "screen-reader", "screenreader",
	"visually-hidden", "visuallyhidden", "off-screen", "offscreen",
	"a11y", NULL };

/* The word lists above by bit, for classify(). */
#define CW_UNLIKELY	0x01
#define CW_MAYBE	0x02
#define CW_EMBED	0x04
#define CW_BYLINE	0x08
#define CW_NEGATIVE	0x10
#define CW_POSITIVE	0x20
#define CW_BOILER	0x40

static const struct {
	const char *const	*words;
	unsigned		 bit;
} cw_lists[] = {
	{ w_unlikely, CW_UNLIKELY }, { w_maybe, CW_MAYBE },
	{ w_embed, CW_EMBED }, { w_byline, CW_BYLINE },
	{ w_negative, CW_NEGATIVE }, { w_positive, CW_POSITIVE },
	{ w_boiler, CW_BOILER },
};

#define CW_MAX	256

/*
 * Every word of every list, bucketed by first byte, so a class/id string
 * is scanned once for all lists instead of once per word (strstr for
 * each of some 200 words on each element was a quarter of the time).
 */
struct cwindex {
	const char	*word[CW_MAX];
	uint8_t		 len[CW_MAX];
	uint8_t		 bit[CW_MAX];
	uint16_t	 start[257];	/* bucket of byte c: [start[c],
					   start[c + 1]) */
};

static void
cw_build(struct cwindex *ix)
{
	uint16_t count[256] = { 0 }, fill[256];
	size_t l, i, k, total = 0;
	const char *w;

	for (l = 0; l < NELEM(cw_lists); l++)
		for (i = 0; cw_lists[l].words[i] != NULL; i++)
			count[(unsigned char)cw_lists[l].words[i][0]]++,
			    total++;
	if (total > CW_MAX)
		abort();	/* the lists outgrew CW_MAX: a bug, not input */
	ix->start[0] = 0;
	for (i = 0; i < 256; i++) {
		ix->start[i + 1] = (uint16_t)(ix->start[i] + count[i]);
		fill[i] = ix->start[i];
	}
	for (l = 0; l < NELEM(cw_lists); l++)
		for (i = 0; (w = cw_lists[l].words[i]) != NULL; i++) {
			k = fill[(unsigned char)w[0]]++;
			ix->word[k] = w;
			ix->len[k] = (uint8_t)strlen(w);
			ix->bit[k] = (uint8_t)cw_lists[l].bit;
		}
}

/* The CW_ bits of the lists with a word inside s (as has_any would find
 * it). */
static unsigned
classify(const struct cwindex *ix, const char *s)
{
	unsigned mask = 0;
	size_t k;

	const char *w;
	size_t j;

	for (; *s != '\0'; s++)
		for (k = ix->start[(unsigned char)*s];
		    k < ix->start[(unsigned char)*s + 1]; k++) {
			/* The first byte matched: compare the rest (s's NUL
			 * stops a mismatch first). */
			w = ix->word[k];
			for (j = 1; w[j] != '\0' && s[j] == w[j]; j++)
				;
			if (w[j] == '\0')
				mask |= ix->bit[k];
		}
	return mask;
}

void
ex_info_init(struct ex *x)
{
	struct cwindex ix;
	xmlNodePtr n;
	char ci[EX_CLASSLEN];
	const char *v;
	unsigned cw;
	size_t k = 0;

	cw_build(&ix);
	for (n = x->body; n != NULL; n = ex_next(n, x->body, 0))
		if (n->type == XML_ELEMENT_NODE)
			x->ninfo++;
	x->info = xcalloc(x->ninfo + 1, sizeof(*x->info));
	for (n = x->body; n != NULL; n = ex_next(n, x->body, 0)) {
		struct einfo *e;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		e = &x->info[k++];
		n->_private = e;
		e->tag = (uint16_t)tag_of((const char *)n->name);
		class_id(n, ci, sizeof(ci));
		if (ci[0] != ' ' || ci[1] != '\0') {
			cw = classify(&ix, ci);
			if (cw & CW_NEGATIVE)
				e->weight -= 25;
			if (cw & CW_POSITIVE)
				e->weight += 25;
			if ((cw & CW_UNLIKELY) && !(cw & CW_MAYBE))
				e->flags |= F_UNLIKELY;
			if ((cw & CW_BOILER) && !(cw & CW_MAYBE))
				e->flags |= F_BOILER;
			if (cw & CW_BYLINE)
				e->flags |= F_BYLINE;
			if (cw & CW_EMBED)
				e->flags |= F_EMBED;
		}
		if (ex_attr(n, "hidden") != NULL ||
		    ((v = ex_attr(n, "aria-hidden")) != NULL &&
		    strcmp(v, "true") == 0))
			e->flags |= F_HIDDEN;
		if ((v = ex_attr(n, "style")) != NULL &&
		    (strstr(v, "display:none") != NULL ||
		    strstr(v, "display: none") != NULL ||
		    strstr(v, "visibility:hidden") != NULL ||
		    strstr(v, "visibility: hidden") != NULL))
			e->flags |= F_HIDDEN;
		if (e->flags & F_UNLIKELY || e->flags & F_BOILER ||
		    e->tag == T_FORM || ex_attr(n, "role") != NULL)
			x->any_unlikely = 1;
		if (e->weight != 0)
			x->any_weight = 1;
		if (e->tag == T_INPUT && (v = ex_attr(n, "type")) != NULL &&
		    strcasecmp(v, "password") == 0)
			x->password = 1;
	}
}

/* Characters of text (a run of blanks counts once) and commas. */
static void
count_text(const char *s, uint32_t *chars, uint32_t *commas)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t n = 0, c = 0;
	int blank = 0;

	for (; *p != '\0'; p++) {
		if (ex_is_space(*p)) {
			if (!blank)
				n++;
			blank = 1;
			continue;
		}
		blank = 0;
		if ((*p & 0xc0) != 0x80)
			n++;
		if (*p == ',')
			c++;
		/* U+060C, U+3001, U+FF0C: Arabic, ideographic and
		 * fullwidth commas. */
		else if ((p[0] == 0xd8 && p[1] == 0x8c) ||
		    (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x81) ||
		    (p[0] == 0xef && p[1] == 0xbc && p[2] == 0x8c))
			c++;
	}
	*chars += n;
	*commas += c;
}


/* Adds finished element n's counts to its parent's. */
static void
roll_up(xmlNodePtr n)
{
	struct einfo *e = INFO(n), *p;

	if (n->parent == NULL || n->parent->type != XML_ELEMENT_NODE ||
	    (p = INFO(n->parent)) == NULL)
		return;
	p->text += e->text;
	p->link += e->tag == T_A ? e->text : e->link;
	p->commas += e->commas;
	p->np += e->np + (e->tag == T_P);
	p->nimg += e->nimg + (e->tag == T_IMG);
	p->nli += e->nli + (e->tag == T_LI);
	p->ninput += e->ninput + (e->tag == T_INPUT);
	p->nembed += e->nembed + (e->tag == T_IFRAME || e->tag == T_EMBED);
	p->nhead += e->nhead + (e->tag >= T_H1 && e->tag <= T_H6 ?
	    e->text : 0);
	switch (e->tag) {
	case T_BLOCKQUOTE: case T_DL: case T_DIV: case T_IMG: case T_OL:
	case T_P: case T_PRE: case T_TABLE: case T_UL: case T_SECTION:
	case T_ARTICLE: case T_FIGURE: case T_H1: case T_H2: case T_H3:
	case T_H4: case T_H5: case T_H6:
		p->nblock++;
		break;
	default:
		p->nblock += e->nblock;
	}
}

struct stats_walk {
	struct ex	*x;
	xmlNodePtr	 root;
	ex_judge_fn	 fn;
};

static int
stats_down(xmlNodePtr n, void *arg)
{
	struct einfo *e;

	(void)arg;
	if (n->type == XML_ELEMENT_NODE && (e = INFO(n)) != NULL &&
	    !(e->flags & F_DEAD)) {
		e->text = e->link = e->commas = 0;
		e->np = e->nimg = e->nli = e->ninput = e->nembed = 0;
		e->nhead = e->nblock = 0;
		return 1;
	}
	if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
	    n->content != NULL && n->parent != NULL && INFO(n->parent) != NULL)
		count_text((const char *)n->content, &INFO(n->parent)->text,
		    &INFO(n->parent)->commas);
	return 0;
}

/* n is done: judge it, or add its counts to its parent's. */
static void
stats_up(xmlNodePtr n, void *arg)
{
	struct stats_walk *w = arg;

	if (n->type != XML_ELEMENT_NODE || INFO(n) == NULL ||
	    (INFO(n)->flags & F_DEAD) || n == w->root)
		return;
	if (w->fn != NULL && w->fn(w->x, n))
		INFO(n)->flags |= F_DEAD;
	else
		roll_up(n);
}

/*
 * Post-order over root's live subtree: each element's counts are summed
 * from its live children, then fn (if any) may kill it, in which case
 * it adds nothing to its parent.  Linear, iterative.
 */
void
ex_stats(struct ex *x, xmlNodePtr root, ex_judge_fn fn)
{
	struct stats_walk w = { x, root, fn };

	ex_walk(root, stats_down, stats_up, &w);
}

double
ex_link_density(const struct einfo *e)
{
	return e->text == 0 ? 0 : (double)e->link / e->text;
}

/* ---- marking what is never article */

static int
role_unlikely(xmlNodePtr n)
{
	static const char *const roles[] = { "menu", "menubar",
	    "complementary", "navigation", "alert", "alertdialog", "dialog",
	    "banner", "contentinfo", "search", NULL };
	const char *r = ex_attr(n, "role");
	size_t i;

	if (r == NULL)
		return 0;
	for (i = 0; roles[i] != NULL; i++)
		if (strcasecmp(r, roles[i]) == 0)
			return 1;
	return 0;
}

void
ex_mark_unlikely(struct ex *x)
{
	xmlNodePtr n;
	struct einfo *e;
	int skip;

	for (n = x->body; n != NULL; n = ex_next(n, x->body, skip)) {
		skip = 0;
		if (n->type != XML_ELEMENT_NODE || (e = INFO(n)) == NULL ||
		    n == x->body)
			continue;
		switch (e->tag) {
		case T_NAV: case T_ASIDE: case T_FOOTER: case T_IFRAME:
		case T_INPUT: case T_FORM: case T_LINK: case T_META:
		case T_SCRIPT: case T_OPTION: case T_MENU: case T_FIELDSET:
		case T_LABEL: case T_HEAD: case T_TITLE:
			if (e->tag != T_FORM || x->strip_unlikely)
				e->flags |= F_DEAD;
			break;
		case T_NOSCRIPT:
			/* Kept only for the image a lazy loader hides. */
			e->flags |= F_DEAD;
			break;
		default:
			break;
		}
		if (e->flags & F_HIDDEN)
			e->flags |= F_DEAD;
		if (x->strip_unlikely && (e->flags & F_UNLIKELY) &&
		    e->tag != T_ARTICLE && e->tag != T_MAIN &&
		    e->tag != T_BODY && e->tag != T_A && e->tag != T_TABLE &&
		    e->tag != T_TD && e->tag != T_TR && e->tag != T_TBODY &&
		    e->tag != T_P)
			e->flags |= F_DEAD;
		if (x->strip_unlikely && role_unlikely(n))
			e->flags |= F_DEAD;
		if (e->flags & F_DEAD)
			skip = 1;
	}
}

/* A tracking pixel: 0 or 1 pixel wide or high. */
int
ex_pixel(xmlNodePtr img)
{
	const char *w = ex_attr(img, "width"), *h = ex_attr(img, "height");

	return (w != NULL && (strcmp(w, "0") == 0 || strcmp(w, "1") == 0)) ||
	    (h != NULL && (strcmp(h, "0") == 0 || strcmp(h, "1") == 0));
}

/*
 * <noscript> after a lazy-loading placeholder holds the real image: keep
 * the noscript's image and drop the placeholder.  Done once, on the
 * tree (it only moves attribute values).
 */
void
ex_fix_noscript(struct ex *x)
{
	xmlNodePtr n, img, prev;
	struct einfo *e;
	const char *src;

	for (n = x->body; n != NULL; n = ex_next(n, x->body, 0)) {
		if (n->type != XML_ELEMENT_NODE || (e = INFO(n)) == NULL ||
		    e->tag != T_NOSCRIPT)
			continue;
		for (img = n; img != NULL; img = ex_next(img, n, 0))
			if (ex_is(img, "img"))
				break;
		if (img == NULL || (src = ex_attr(img, "src")) == NULL ||
		    ex_pixel(img))
			continue;
		for (prev = n->prev; prev != NULL &&
		    prev->type != XML_ELEMENT_NODE; prev = prev->prev)
			;
		if (prev == NULL && n->parent != NULL)
			for (prev = n->parent->children; prev != NULL &&
			    prev != n; prev = prev->next)
				if (ex_is(prev, "img"))
					break;
		if (prev != NULL && prev != n && ex_is(prev, "img")) {
			/* The placeholder takes the real source. */
			xmlSetProp(prev, (const xmlChar *)"src",
			    (const xmlChar *)src);
			xmlUnsetProp(prev, (const xmlChar *)"srcset");
		} else if (prev == NULL || prev == n) {
			/* No placeholder: let the noscript's image show by
			 * moving it out. */
			xmlUnlinkNode(img);
			xmlAddPrevSibling(n, img);
		}
	}
}
