/*
 * html_allow.h: the sanitizer's allow-lists (private to html.c and its
 * test).
 */
#ifndef FEEDD_HTML_ALLOW_H
#define FEEDD_HTML_ALLOW_H

enum allow_table {
	ALLOW_ELEMENT,
	ALLOW_ATTRIBUTE,
	ALLOW_CSS_PROPERTY,
	ALLOW_CSS_KEYWORD,
	ALLOW_DROPPED,		/* removed with their content */
	ALLOW_VOID,		/* no end tag */
	ALLOW_URL_ATTR,		/* value is a URL */
	ALLOW_RELATIVE,		/* "element/attribute" resolved against base */
	ALLOW_SVG_ELEMENT,	/* lower case */
	ALLOW_SVG_ATTRIBUTE,	/* lower case */
	ALLOW_MATHML_ELEMENT,
	ALLOW_MATHML_ATTRIBUTE,
	ALLOW_SVG_CSS,		/* extra CSS properties inside <svg> */
	ALLOW_FAST_REFUSED	/* left to libxml2 by the fast tokenizer */
};

/* 1 if name (lower case) is in table t. */
int	allow_has(enum allow_table t, const char *name);
/* The set of tables name is in, bit t for table t: one look-up for
 * several questions about the same name. */
unsigned allow_mask(const char *name);
#define ALLOW_IN(mask, t)	(((mask) >> (t)) & 1u)
/* The SVG spelling of a lowercased name ("viewbox" -> "viewBox"). */
const char *allow_svg_name(const char *lower);
/* Set to make html.c always use libxml2 (tests compare both paths). */
extern int html_fast_disabled;
/* 0 if every table is sorted, else -1 (for the unit test). */
int	allow_check_sorted(void);

#endif
