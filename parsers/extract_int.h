/*
 * extract_int.h: what extract.c (decoding, the tree, scoring, clean-up)
 * shares with extract_meta.c (metadata: <meta>, JSON-LD, <time>).
 * Internal to parsers/.
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
/* Collapses whitespace in place and trims; frees and returns NULL if
 * empty. */
char	*ex_collapse(char *s);

#endif
