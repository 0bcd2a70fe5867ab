/*
 * extract.c: finding the article in a web page.
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
#include "util.h"

/* Below this much text an attempt is retried with fewer filters, and
 * a final result is no article. */
#define EX_RETRY_CHARS	500
#define EX_MIN_CHARS	200
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

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* U+00A0 counts as a space too when collapsing. */
char *
ex_collapse(char *s)
{
	char *r, *w;
	int pending = 0;

	if (s == NULL)
		return NULL;
	for (r = w = s; *r != '\0'; r++) {
		if (is_space((unsigned char)*r) || ((unsigned char)r[0] ==
		    0xc2 && (unsigned char)r[1] == 0xa0)) {
			if ((unsigned char)*r == 0xc2)
				r++;
			pending = w != s;
			continue;
		}
		if (pending)
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
	return ex_collapse(buf_steal(&b));
}

/* ---- per-element facts, in a side table hung on node->_private */

enum tag {
	T_OTHER, T_DIV, T_P, T_PRE, T_TD, T_BLOCKQUOTE, T_A, T_IMG, T_LI,
	T_UL, T_OL, T_DL, T_H1, T_H2, T_H3, T_H4, T_H5, T_H6, T_TABLE,
	T_TR, T_TH, T_FORM, T_INPUT, T_IFRAME, T_EMBED, T_ARTICLE,
	T_SECTION, T_MAIN, T_BODY, T_HTML, T_NAV, T_ASIDE, T_FOOTER,
	T_HEADER, T_FIGURE, T_FIGCAPTION, T_NOSCRIPT, T_BR, T_SPAN,
	T_PICTURE, T_SOURCE, T_TIME, T_ADDRESS, T_DD, T_DT, T_HR, T_LINK,
	T_META, T_SCRIPT, T_TITLE, T_HEAD, T_FONT, T_CENTER, T_CAPTION,
	T_TBODY, T_THEAD, T_TFOOT, T_LABEL, T_FIELDSET, T_OPTION, T_MENU,
	T_SUP, T_SUB, T_B, T_STRONG, T_EM, T_I, T_U, T_CODE, T_SMALL,
	T_COL, T_COLGROUP, T_WBR, T_ABBR, T_Q, T_CITE, T_MARK, T_S,
	T_DEL, T_INS, T_KBD, T_SAMP, T_VAR, T_BIG, T_TT, T_STRIKE,
	T_DETAILS, T_SUMMARY, T_IFRAME2
};

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

	p = bsearch(name, tagnames, sizeof(tagnames) / sizeof(tagnames[0]),
	    sizeof(tagnames[0]), tag_cmp);
	return p == NULL ? T_OTHER : ((const struct tagname *)p)->tag;
}

/* Inline (phrasing) elements: a div holding only these reads as a
 * paragraph. */
static int
is_inline(enum tag t)
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
static int
is_block(enum tag t)
{
	return !is_inline(t) || t == T_BR;
}

/* Flags. */
#define F_DEAD		0x0001	/* removed */
#define F_SCORED	0x0002	/* a candidate with an initial score */
#define F_UNLIKELY	0x0004	/* class/id says boilerplate */
#define F_HIDDEN	0x0008	/* hidden, aria-hidden, display:none */
#define F_PARA		0x0010	/* a div that reads as a paragraph */
#define F_BOILER	0x0020	/* class/id says share/related/... */
#define F_BYLINE	0x0040	/* class/id says byline or date */
#define F_EMBED		0x0080	/* an embedded post (tweet, ...) */

struct einfo {
	double		 score;
	uint32_t	 text;		/* characters, blank runs as one */
	uint32_t	 link;		/* of those, inside <a> */
	uint32_t	 commas;
	uint32_t	 np, nimg, nli, ninput, nembed, nhead, nblock;
	uint32_t	 sentences;	/* text blocks ending like prose */
	int16_t		 weight;	/* class/id weight */
	uint16_t	 flags;
	uint16_t	 tag;
	uint16_t	 ancestors_ok;
};

#define INFO(n)	((struct einfo *)(n)->_private)

struct ex {
	xmlDocPtr		 doc;
	xmlNodePtr		 body;
	struct einfo		*info;
	size_t			 ninfo;
	const char		*title;	/* from the metadata */
	char			 hostbuf[256];
	const char		*host;	/* the page's host, or NULL */
	int			 strip_unlikely;
	int			 weigh_classes;
	int			 clean_conditionally;
	int			 password;	/* a password field */
	int			 any_unlikely;	/* F_UNLIKELY, role or form */
	int			 any_weight;	/* a class/id weight */
};

static int
dead(xmlNodePtr n)
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

	for (l = 0; l < sizeof(cw_lists) / sizeof(cw_lists[0]); l++)
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
	for (l = 0; l < sizeof(cw_lists) / sizeof(cw_lists[0]); l++)
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

	for (; *s != '\0'; s++)
		for (k = ix->start[(unsigned char)*s];
		    k < ix->start[(unsigned char)*s + 1]; k++)
			if (strncmp(s, ix->word[k], ix->len[k]) == 0)
				mask |= ix->bit[k];
	return mask;
}

static void
info_init(struct ex *x)
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
		if (is_space(*p)) {
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

typedef int (*judge_fn)(struct ex *, xmlNodePtr);

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

/*
 * Post-order over root's live subtree: each element's counts are summed
 * from its live children, then judge (if any) may kill it, in which case
 * it adds nothing to its parent.  Linear, iterative.
 */
static void
stats(struct ex *x, xmlNodePtr root, judge_fn judge)
{
	xmlNodePtr n = root;
	struct einfo *e;

	for (;;) {
		if (n->type == XML_ELEMENT_NODE && (e = INFO(n)) != NULL &&
		    !(e->flags & F_DEAD)) {
			e->text = e->link = e->commas = 0;
			e->np = e->nimg = e->nli = e->ninput = e->nembed = 0;
			e->nhead = e->nblock = 0;
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		} else if ((n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) && n->content != NULL &&
		    n->parent != NULL && INFO(n->parent) != NULL)
			count_text((const char *)n->content,
			    &INFO(n->parent)->text, &INFO(n->parent)->commas);
		/* n is done: finish it and the ancestors it completes. */
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && INFO(n) != NULL &&
			    !(INFO(n)->flags & F_DEAD)) {
				if (judge != NULL && n != root &&
				    judge(x, n))
					INFO(n)->flags |= F_DEAD;
				else if (n != root)
					roll_up(n);
			}
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

static double
link_density(const struct einfo *e)
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

static void
mark_unlikely(struct ex *x)
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
static int
pixel(xmlNodePtr img)
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
static void
fix_noscript(struct ex *x)
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
		    pixel(img))
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

static void
score(struct ex *x)
{
	xmlNodePtr n, a;
	struct einfo *e;
	double s;
	int skip, level;

	for (n = x->body; n != NULL; n = ex_next(n, x->body, skip)) {
		skip = 0;
		if (n->type != XML_ELEMENT_NODE || (e = INFO(n)) == NULL)
			continue;
		if (e->flags & F_DEAD) {
			skip = 1;
			continue;
		}
		e->flags &= ~F_SCORED;
		e->score = 0;
	}
	for (n = x->body; n != NULL; n = ex_next(n, x->body, skip)) {
		skip = 0;
		if (n->type != XML_ELEMENT_NODE || (e = INFO(n)) == NULL)
			continue;
		if (e->flags & F_DEAD) {
			skip = 1;
			continue;
		}
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
	for (n = x->body; n != NULL; n = ex_next(n, x->body, skip)) {
		skip = 0;
		if (n->type != XML_ELEMENT_NODE || (e = INFO(n)) == NULL)
			continue;
		if (e->flags & F_DEAD) {
			skip = 1;
			continue;
		}
		if (e->flags & F_SCORED)
			e->score *= 1 - link_density(e);
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
static xmlNodePtr
top_candidate(struct ex *x)
{
	xmlNodePtr top[NTOP] = { NULL }, n, p;
	struct einfo *e;
	double last, thresh;
	int skip, i, k, nalt, cnt;

	for (n = x->body; n != NULL; n = ex_next(n, x->body, skip)) {
		skip = 0;
		if (n->type != XML_ELEMENT_NODE || (e = INFO(n)) == NULL)
			continue;
		if (e->flags & F_DEAD) {
			skip = 1;
			continue;
		}
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
			if (c->type == XML_ELEMENT_NODE && !dead(c))
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
static size_t
siblings(struct ex *x, xmlNodePtr top, xmlNodePtr **sel)
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
			    thresh && link_density(e) < 0.25)
				add = 1;
			else if (e->tag == T_P || (e->tag == T_DIV &&
			    e->nblock == 0)) {
				double ld = link_density(e);

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
static int
host_of(const char *url, char *out, size_t outlen)
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
	for (a = n; a != NULL; a = ex_next(a, n, dead(a))) {
		if (!ex_is(a, "a") || (href = ex_attr(a, "href")) == NULL)
			continue;
		all++;
		if (host_of(href, h, sizeof(h)) == -1) {
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

	for (t = n; t != NULL; t = ex_next(t, n, dead(t)))
		if (t->type == XML_TEXT_NODE && t->content != NULL) {
			s = (const char *)t->content;
			while (is_space((unsigned char)*s))
				s++;
			if (*s == '\0')
				continue;
			return (s[0] == 'B' || s[0] == 'b') && s[1] == 'y' &&
			    s[2] == ' ';
		}
	return 0;
}

/* Decides, bottom-up, whether an element of the article goes. */
static int
judge(struct ex *x, xmlNodePtr n)
{
	struct einfo *e = INFO(n);
	int weight = x->weigh_classes ? e->weight : 0, list;
	double ld = link_density(e);

	if (e->flags & F_EMBED)
		return 0;
	/* A figure keeps its image, not its caption or credit. */
	if (e->nimg == 0 && e->tag != T_IMG && e->tag != T_PICTURE &&
	    e->tag != T_SOURCE && e->text > 0 && in_figure(n))
		return 1;
	if (e->text < 100 && !is_inline((enum tag)e->tag) &&
	    ((e->flags & F_BYLINE) || starts_by(n)))
		return 1;
	switch (e->tag) {
	case T_TIME:
		/* A date on a line of its own is a dateline; a date in a
		 * sentence stays. */
		return n->parent != NULL && INFO(n->parent) != NULL &&
		    !is_inline((enum tag)INFO(n->parent)->tag) &&
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
		return pixel(n);
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
	if (link_density(e) > 0.5)
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
	return e->tag == T_P || (!is_inline((enum tag)e->tag) &&
	    e->nblock == 0);
}

/*
 * Drops the blocks trailing the article's last real paragraph when they
 * are link lists, empty, or calls to subscribe, follow or read more; at
 * most a fifth of the text, so a short last paragraph stays.
 */
static void
trim_tail(struct ex *x, xmlNodePtr *sel, size_t nsel)
{
	xmlNodePtr *leaf = NULL, n;
	size_t nleaf = 0, cap = 0, i, k;
	uint32_t total = 0, cut = 0;
	struct einfo *e;
	int skip;

	(void)x;
	for (i = 0; i < nsel; i++) {
		total += INFO(sel[i])->text;
		for (n = sel[i]; n != NULL; n = ex_next(n, sel[i], skip)) {
			skip = 0;
			if (n->type != XML_ELEMENT_NODE ||
			    (e = INFO(n)) == NULL)
				continue;
			if (e->flags & F_DEAD) {
				skip = 1;
				continue;
			}
			if (!leaf_block(e))
				continue;
			skip = 1;
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

/* Writes root's live subtree as HTML (the sanitizer filters it). */
static void
serialize(struct buf *b, xmlNodePtr root)
{
	xmlNodePtr n = root;

	for (;;) {
		if (n->type == XML_ELEMENT_NODE && !dead(n)) {
			start_tag(b, n);
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		} else if ((n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) && n->content != NULL)
			put_escaped(b, (const char *)n->content, 0);
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && !dead(n) &&
			    !is_void((const char *)n->name)) {
				buf_addstr(b, "</");
				buf_addstr(b, (const char *)n->name);
				buf_addch(b, '>');
			}
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

/* Appends root's live text, a line per block. */
static void
text_of(struct buf *b, xmlNodePtr root)
{
	xmlNodePtr n = root;
	struct einfo *e;

	for (;;) {
		if (n->type == XML_ELEMENT_NODE && !dead(n)) {
			e = INFO(n);
			if (e != NULL && is_block((enum tag)e->tag))
				buf_addch(b, '\n');
			else if (e != NULL && (e->tag == T_TD ||
			    e->tag == T_TH))
				buf_addch(b, ' ');
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		} else if ((n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) && n->content != NULL)
			buf_addstr(b, (const char *)n->content);
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && !dead(n) &&
			    INFO(n) != NULL &&
			    is_block((enum tag)INFO(n)->tag))
				buf_addch(b, '\n');
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
		if (is_space((unsigned char)*r) || ((unsigned char)r[0] ==
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
		for (n = sel[i]; n != NULL; n = ex_next(n, sel[i], skip)) {
			skip = 0;
			if (n->type != XML_ELEMENT_NODE ||
			    (e = INFO(n)) == NULL)
				continue;
			if (e->flags & F_DEAD) {
				skip = 1;
				continue;
			}
			if (e->tag >= T_H1 && e->tag <= T_H6) {
				skip = 1;
				k += e->text > 0 && link_density(e) > 0.5;
			}
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
	mark_unlikely(x);
	stats(x, x->body, NULL);
	score(x);
	top = top_candidate(x);
	a->nsel = siblings(x, top, &a->sel);
	a->teasers = teasers(a->sel, a->nsel);
	a->chars = 0;
	for (i = 0; i < a->nsel; i++)
		stats(x, a->sel[i], judge);
	trim_tail(x, a->sel, a->nsel);
	for (i = 0; i < a->nsel; i++) {
		stats(x, a->sel[i], NULL);
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

	buf_init(&h, 0);
	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		line = ex_collapse(xstrndup(p, (size_t)(e - p)));
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
			skip = dead(n);
			if (!skip && ex_is(n, "img") && !pixel(n) &&
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

int
extract_page_read(extract_read_fn rd, void *arg,
    const struct extract_opts *opts, struct extract_result *r,
    char **errstr)
{
	struct extract_meta m;
	struct ex x;
	struct attempt a[4], *best = NULL;
	static const int modes[4][3] = {
		{ 1, 1, 1 }, { 0, 1, 1 }, { 0, 0, 1 }, { 0, 0, 0 }
	};
	size_t i, tlen;
	int k, done = 0, body = 0;
	const char *why;
	char *base = NULL;
	struct buf b;
	xmlNodePtr root;

	memset(r, 0, sizeof(*r));
	r->published = EXTRACT_NO_DATE;
	*errstr = NULL;
	memset(&x, 0, sizeof(x));
	x.doc = ex_input_build(rd, arg, opts, errstr);
	if (x.doc == NULL && *errstr != NULL)
		return -1;
	root = x.doc != NULL ? xmlDocGetRootElement(x.doc) : NULL;
	for (x.body = root; x.body != NULL; x.body = ex_next(x.body, root,
	    0))
		if (ex_is(x.body, "body"))
			break;
	if (x.body == NULL) {
		*errstr = xstrdup("no HTML body");
		if (x.doc != NULL)
			xmlFreeDoc(x.doc);
		return -1;
	}
	extract_meta_collect(x.doc, &m);
	base = base_of(x.doc, opts->url);
	if (host_of(opts->url, x.hostbuf, sizeof(x.hostbuf)) == 0)
		x.host = x.hostbuf;
	x.title = m.title;
	info_init(&x);
	fix_noscript(&x);

	memset(a, 0, sizeof(a));
	for (k = 0; k < 4; k++) {
		/* A retry that would change nothing is skipped. */
		if ((k == 1 && !x.any_unlikely) || (k == 2 && !x.any_weight))
			continue;
		x.strip_unlikely = modes[k][0];
		x.weigh_classes = modes[k][1];
		x.clean_conditionally = modes[k][2];
		attempt(&x, &a[k]);
		done = k + 1;
		if (best == NULL || a[k].chars > best->chars)
			best = &a[k];
		if (a[k].chars >= EX_RETRY_CHARS)
			break;
	}
	if (best != &a[done - 1]) {
		/* The marks are the last attempt's: redo the best one. */
		k = (int)(best - a);
		x.strip_unlikely = modes[k][0];
		x.weigh_classes = modes[k][1];
		x.clean_conditionally = modes[k][2];
		free(best->sel);
		attempt(&x, best);
	}

	buf_init(&b, 0);
	for (i = 0; i < best->nsel; i++)
		serialize(&b, best->sel[i]);
	r->content = html_sanitize(b.data, b.len, base);
	buf_clear(&b);
	for (i = 0; i < best->nsel; i++)
		text_of(&b, best->sel[i]);
	r->text = lines(buf_steal(&b));

	if (m.body != NULL && strlen(m.body) >= 200 &&
	    coverage(m.body, r->text) < 0.5) {
		if (has_tags(m.body)) {
			free(r->content);
			free(r->text);
			r->content = html_sanitize(m.body, strlen(m.body),
			    base);
			r->text = html_to_text(m.body, strlen(m.body));
		} else
			from_body(m.body, r);
		body = 1;
	}
	/*
	 * No article?  A page the metadata calls an article may be short; a
	 * page that says nothing about itself needs some text.  A login form
	 * or an error title with little text says why.
	 */
	tlen = r->text != NULL ? strlen(r->text) : 0;
	if (tlen == 0)
		why = "no article: no text";
	else if (x.password && tlen < 1000)
		why = "login wall: the page asks for a password";
	else if (looks_like_error(m.title) && tlen < 500)
		why = "error page";
	else if (!body && (best->ld > 0.5 || (best->teasers >= 5 &&
	    !m.is_article)))
		why = "no article: the page is mostly links (an index or "
		    "home page)";
	else if (tlen < EX_MIN_CHARS && !m.is_article)
		why = "no article: too little text";
	else
		why = NULL;
	if (why != NULL) {
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

