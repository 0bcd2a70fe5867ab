/*
 * extract_int.h: what the extractor's files share (extract.c, the
 * attempts and the result; extract_input.c, the tree; extract_meta.c,
 * metadata; extract_tree.c, per-element facts; extract_score.c, scoring
 * and clean-up).  Internal to parsers/.
 */
#ifndef FEEDD_EXTRACT_INT_H
#define FEEDD_EXTRACT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "extract.h"

/* What the page says about itself, outside its body text. */
struct extract_meta {
	char		*title;		/* og:title, JSON-LD headline, <title> */
	char		*byline;
	int64_t		 published;	/* or EXTRACT_NO_DATE */
	char		*lang;
	char		*image;		/* as written: resolved by the caller */
	char		*site_name;
	char		*body;		/* JSON-LD articleBody, plain text */
	int		 is_article;	/* og:type or JSON-LD says article */
};

/* Fills *m from the tree (head metas, JSON-LD scripts, <time>, rel=author).
 * Reads only; the JSON-LD scripts stay in the tree for the caller to
 * drop. */
void	extract_meta_collect(xmlDocPtr doc, struct extract_meta *m);
void	extract_meta_reset(struct extract_meta *m);

/*
 * extract_input.c: reads the page through rd, refuses what is not HTML
 * and parses it into a tree under caps (time and memory bounded whatever
 * the page).  Returns the tree (caller frees with xmlFreeDoc), or NULL
 * with a reason in *errstr (caller frees; *errstr NULL on entry), or NULL
 * alone when libxml2 built nothing.
 */
xmlDocPtr ex_input_build(extract_read_fn rd, void *arg,
	    const struct extract_opts *opts, char **errstr);

/* Helpers all files use. */
/* The value of attribute name of element n, borrowed, or NULL. */
const char *ex_attr(xmlNodePtr n, const char *name);
/* 1 if element n is named name (lower case, as libxml2's HTML parser
 * stores names). */
int	ex_is(xmlNodePtr n, const char *name);
/* The text of n's subtree, whitespace collapsed, trimmed; NULL if empty.
 * Caller frees.  Capped at cap bytes (0: no cap). */
char	*ex_text(xmlNodePtr n, size_t cap);
/* The next node of a depth-first walk of root's subtree after n, or NULL;
 * skip_children leaves n's subtree out.  Iterative: no recursion, so any
 * depth is safe. */
xmlNodePtr ex_next(xmlNodePtr n, xmlNodePtr root, int skip_children);
/* The live elements of root's subtree (elements with their info, not
 * removed), in the same order: ex_live_from gives n itself if it is live,
 * else the next live one; ex_next_live the next after n (past n's subtree
 * if skip_children).  A removed element's subtree is passed over whole. */
xmlNodePtr ex_live_from(xmlNodePtr n, xmlNodePtr root);
/* A depth-first walk of root's subtree, iterative (any depth is safe):
 * down(n, arg) as each node is reached, and its children are walked if it
 * returns nonzero; up(n, arg) once n and everything below it are done. */
void	ex_walk(xmlNodePtr root, int (*down)(xmlNodePtr, void *),
	    void (*up)(xmlNodePtr, void *), void *arg);
xmlNodePtr ex_next_live(xmlNodePtr n, xmlNodePtr root, int skip_children);

/* ---- extract_tree.c: per-element facts */

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

/* One page's extraction state. */
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

typedef int (*ex_judge_fn)(struct ex *, xmlNodePtr);

/* 1 for the blanks of HTML. */
int	ex_is_space(int c);
/* Inline (phrasing) tags; block tags end a line of text. */
int	ex_inline(enum tag t);
int	ex_block(enum tag t);
/* 1 if element n is marked removed. */
int	ex_dead(xmlNodePtr n);
/* Fills x->info for x->body's elements (caller frees x->info). */
void	ex_info_init(struct ex *x);
/* Sums the counts of root's live subtree bottom-up; fn (or NULL) may
 * kill an element, which then counts for nothing. */
void	ex_stats(struct ex *x, xmlNodePtr root, ex_judge_fn fn);
double	ex_link_density(const struct einfo *e);
/* Marks dead what is never article (by tag, role, hidden, class). */
void	ex_mark_unlikely(struct ex *x);
/* 1 for a tracking pixel (0 or 1 pixel wide or high). */
int	ex_pixel(xmlNodePtr img);
/* Gives lazy-loading placeholders the image of their <noscript>. */
void	ex_fix_noscript(struct ex *x);

/* ---- extract_score.c: finding and cleaning the article */

/* Scores x->body's candidates (after ex_stats). */
void	ex_score(struct ex *x);
/* The best candidate, widened to a common ancestor of close rivals. */
xmlNodePtr ex_top_candidate(struct ex *x);
/* top and the siblings that belong with it, in document order, into
 * *sel (caller frees); returns their number. */
size_t	ex_siblings(struct ex *x, xmlNodePtr top, xmlNodePtr **sel);
/* 1 if element n of the article is to go (an ex_judge_fn). */
int	ex_judge(struct ex *x, xmlNodePtr n);
/* Marks dead the junk trailing the article's last paragraph. */
void	ex_trim_tail(struct ex *x, xmlNodePtr *sel, size_t nsel);
/* The host of an absolute http(s) URL into out; 0, or -1 if none. */
int	ex_host_of(const char *url, char *out, size_t outlen);

#endif
