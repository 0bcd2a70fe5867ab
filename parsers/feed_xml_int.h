/*
 * feed_xml_int.h: the XML driver's state, shared by its two files:
 * feed_xml.c (the passes, the SAX events of elements and text, frames,
 * markup capture) and feed_xml_dtd.c (entities, the DTD's declarations
 * and the bounds on what libxml2 makes up beyond the document's bytes).
 * Private to those two; the mapping's state is feed_map.c's own (struct
 * fmap) and reached only through feed_map.h.
 */
#ifndef FEEDD_FEED_XML_INT_H
#define FEEDD_FEED_XML_INT_H

#include <stddef.h>

#include <libxml/parser.h>

#include "feed_bytes.h"
#include "feed_int.h"
#include "feed_map.h"
#include "base/util.h"

/*
 * Bounds on what a document can make libxml2 and this file do, so that
 * parsing stays linear in the document's size whatever it holds.  Past
 * any of them the parse stops with a reason (fxml_refuse) and no other
 * pass is tried.
 *
 * - XML_MAXATTS attributes (namespace declarations included) on one
 *   element: libxml2 2.9 checks an element's attributes for duplicates
 *   pairwise.  A scan of the bytes libxml2 is given (fbytes_tagscan)
 *   refuses the document before libxml2 reads such a start tag, or one
 *   longer than XML_MAXTAG (libxml2 holds a whole start tag in memory,
 *   and its values are copied more than once).
 * - XML_MAXNS namespace declarations in scope: libxml2 looks prefixes up
 *   linearly.
 * - Entities: every expansion of an entity the document declares (and of
 *   a parameter entity in its DTD), and every attribute default the DTD
 *   adds to an element, is charged to a budget of the document's size
 *   (plus EXPAND_SLACK): libxml2 2.9 lets a flat entity be referenced
 *   without end.  Entity values are scanned for start tags like the
 *   document, and the DTD may declare XML_MAXATTDECL attributes at most.
 * - Captured text (the raw and markup copies of fields, and xml:base
 *   URLs resolved) may total TEXT_FACTOR times the document plus
 *   EXPAND_SLACK: escaping in the markup copy grows it, but not without
 *   end.  One field holds FIELD_MAX bytes at most.
 * - XML_MAXNAMES distinct names (elements, attributes, entities): libxml2
 *   2.9 interns them in a hash table that stops growing, so each new
 *   name costs more.
 * - Nesting past XML_MAXDEPTH ends the parse where it is, keeping what
 *   came before (libxml2 refuses it, but not when recovering).
 */
#define XML_MAXNS	256
#define XML_MAXATTDECL	64
#define XML_MAXNAMES	20000
#define XML_MAXDEPTH	256
#define FIELD_MAX	FEED_MAX_FIELD
#define EXPAND_SLACK	(64u * 1024)
#define TEXT_FACTOR	3

/* An open element. */
struct frame {
	struct fmap_frame m;		/* the mapping's word on it */
	int		 nns;		/* namespaces it declares */
	char		*base;		/* xml:base in force (owned if own) */
	int		 own;
};

/* The driver's state of one parse. */
struct xstate {
	struct feed_run	*run;
	struct fmap	*map;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr	 edoc;		/* holds the HTML entities we made */
	int		 depth;
	struct frame	*frames;
	size_t		 nframes;
	/* The field being captured, if any, and how (fmap_start said). */
	int		 cap;
	int		 cap_depth;
	struct fmap_capture cap_how;
	int		 cap_children;
	int		 cap_divdepth;	/* xhtml wrapper div open at */
	int		 cap_divdone;	/* ... and closed */
	int		 cap_divbad;	/* ... and not the only child */
	size_t		 cap_divin;	/* markup offsets: in the div, */
	size_t		 cap_divout;	/* at its end tag, */
	size_t		 cap_divend;	/* after its end tag */
	struct buf	 raw;		/* character data, decoded */
	struct buf	 markup;	/* the same, children serialised */
	/* First error. */
	int		 errcode;
	int		 errline;
	char		*errmsg;
	/* Bounds: what libxml2 may produce beyond the document's own
	 * bytes, and why the parse was refused. */
	size_t		 doclen;	/* the document's size */
	size_t		 expand_left;	/* entity and default bytes */
	size_t		 text_left;	/* captured text, raw and markup */
	int		 ns_in_scope;
	int		 nattdecl;
	char		*refused;	/* a bound was hit: the reason */
	xmlEntityPtr	 unknown;	/* "&name;" for undeclared names */
	size_t		 swallow;	/* bytes of text that are a stand-in */
};

/* The parse's state, from libxml2's context. */
static inline struct xstate *
fxml_state(void *ctx)
{
	return ((xmlParserCtxtPtr)ctx)->_private;
}

/* feed_xml.c */
/* Stops the parse for good (no other pass is tried): a bound of the
 * parser was passed.  The first reason is kept. */
void	fxml_refuse(struct xstate *st, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* feed_xml_dtd.c */
/* Sets the handlers of entities and declarations. */
void	fxml_dtd_sax(xmlSAXHandler *sax);
/* Returns 0 once libxml2 holds too many distinct names (parse stopped). */
int	fxml_names_bounded(struct xstate *st);
/* What libxml2 made of a start tag beyond its bytes (defaults, namespaces
 * in scope, depth).  Returns 0 when the parse was stopped. */
int	fxml_element_bounded(struct xstate *st, int nns, int nattrs,
	    int ndefaulted, const xmlChar **attrs);
/* The refusing external entity loader. */
xmlParserInputPtr fxml_no_loader(const char *url, const char *id,
	    xmlParserCtxtPtr ctxt);

#endif
