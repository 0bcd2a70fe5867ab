/*
 * html_int.h: what the parts of the HTML sanitizer share.  Private to
 * html.c (entry points, input preparation, libxml2), html_san.c (the
 * writer behind the SAX callbacks), html_fast.c (the fast path) and
 * html_css.c (style attributes); nothing else includes it.
 *
 * struct san is one run of the sanitizer: the output and the stack of open
 * elements.  Both parsers (libxml2's and the fast path) drive the same
 * callbacks, html_san_start, html_san_end and html_san_text, so what is
 * written never depends on which one read the fragment.
 */
#ifndef FEEDD_HTML_INT_H
#define FEEDD_HTML_INT_H

#include <stddef.h>

#include <libxml/HTMLparser.h>

#include "base/util.h"

/* Elements open at once; deeper nesting ends the fragment there. */
#define HTML_MAXDEPTH	256

struct san_frame {
	const char	*name;		/* as written (dictionary or table) */
	unsigned	 mask;		/* allow_mask(name) */
	unsigned char	 written;	/* start tag written */
	unsigned char	 dropping;	/* opened a dropped element */
	unsigned char	 ns;		/* opened <svg> (1) or <math> (2) */
};

struct san {
	struct buf		 out;
	const char		*base;
	int			 text_only;	/* html_to_text */
	int			 skip;		/* inside script/style/... */
	int			 depth;
	int			 svg, math;	/* open <svg>/<math> with ns */
	int			 full;		/* out hit its cap */
	htmlParserCtxtPtr	 ctxt;
	struct san_frame	 stack[HTML_MAXDEPTH];
};

/* How html_san_add_escaped writes text. */
enum esc {
	ESC_NONE,	/* plain text out (html_to_text) */
	ESC_TEXT,	/* &, <, > */
	ESC_ATTR	/* &, <, >, " */
};

/* HTML's blanks (as libxml2 and feedparser read them). */
static inline int
html_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* html_san.c: the writer. */
/* Appends p[0..n) to s->out, escaped as mode says, C1 controls mapped. */
void	html_san_add_escaped(struct san *s, const char *p, size_t n,
	    enum esc mode);
/* A start tag; mask is allow_mask(name).  name must outlive the element
 * (libxml2's dictionary, or the fast path's stack). */
void	html_san_start(struct san *s, const char *name,
	    const xmlChar **atts, unsigned mask);
/* The innermost open element ends (xname is not read). */
void	html_san_end(void *ctx, const xmlChar *xname);
/* Character data. */
void	html_san_text(void *ctx, const xmlChar *ch, int len);
/* Sets the SAX callbacks of libxml2's HTML parser to the writer's. */
void	html_san_sax(htmlSAXHandler *sax);

/* html_fast.c: the fast path over p (NUL-terminated, clean UTF-8).
 * Returns 0 if it wrote the whole fragment, -1 if libxml2 must (s is
 * then to be cleared). */
int	html_fast_run(struct san *s, const char *p);

/* html_css.c: a style attribute's value filtered as feedparser's
 * sanitize_style does (svg: SVG's presentation properties allowed too).
 * Returns a new string (caller frees), maybe empty. */
char	*html_css_clean(const char *style, int svg);

#endif
