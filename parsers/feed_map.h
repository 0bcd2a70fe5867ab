/*
 * feed_map.h: the boundary between the XML driver (feed_xml.c: libxml2,
 * passes, encodings, frames, markup capture) and the feed semantics
 * (feed_map.c: what each element of RSS, Atom and CDF means).  Internal
 * to parsers/; nothing here depends on libxml2.
 *
 * The driver calls fmap_start for each element it reads outside a field
 * being captured and fmap_end when that element ends.  The mapping
 * answers with its word on the element (struct fmap_frame), which the
 * driver keeps on its stack of open elements without reading it and
 * passes back as the parent of the element's children, and with whether
 * and how to capture the element's content (struct fmap_capture).  When a
 * captured element ends, the driver hands what it captured to
 * fmap_cap_end.  Entries go to the sink from here (feed_emit): a sink
 * that asks to stop makes a call return -1, and the driver ends the
 * parse.
 *
 * Call order per pass: fmap_start/fmap_end (and fmap_cap_end) as the
 * document goes, fmap_flush if the document ended early, then
 * fmap_found/fmap_harvest; fmap_reset before another pass over the same
 * document.
 */
#ifndef FEEDD_FEED_MAP_H
#define FEEDD_FEED_MAP_H

#include "feed.h"
#include "feed_int.h"
#include "base/util.h"

/* The mapping's state of one parse (feed_map.c). */
struct fmap;

/* The mapping's word on an open element: the driver stores it and never
 * reads it.  All zero: nothing inside the element means anything. */
struct fmap_frame {
	unsigned char	 ctx;		/* which table maps its children */
	unsigned char	 entry;		/* this element began an entry */
};

/* One start tag, as the driver presents it. */
struct fmap_elem {
	const char	*name;		/* local name */
	/* Namespace URI, or NULL.  Within a parse the same URI comes as
	 * the same pointer (libxml2 interns names): fmap caches on it. */
	const char	*uri;
	const char	*base;		/* xml:base in force, or NULL */
	/* An attribute (uri NULL: in no namespace; name matched without
	 * case), entities decoded: a new string (caller frees), or NULL. */
	char		*(*attr)(const struct fmap_elem *el, const char *uri,
			    const char *name);
	/* 1 if the element declares the namespace uri. */
	int		 (*declares)(const struct fmap_elem *el,
			    const char *uri);
};

/* How the driver captures a field's content (fmap_start's answer). */
struct fmap_capture {
	int		 on;		/* capture the element's content */
	int		 xhtml;		/* child elements are the value: keep
					 * the markup copy from the start */
	int		 markup_only;	/* ... and no separate text copy */
	int		 stripdiv;	/* a div that is the only child is a
					 * wrapper, not content */
};

/* What the driver captured of a field. */
struct fmap_text {
	struct buf	*raw;		/* character data, decoded (may be
					 * rewritten in place) */
	struct buf	*markup;	/* the same, with child elements */
	int		 children;	/* child elements were seen */
};

/* Sorts the tables; once, before the first parse. */
void	 fmap_init(void);

struct fmap *fmap_new(struct feed_run *run);
void	 fmap_free(struct fmap *m);
/* Forgets what a pass gathered, for another pass. */
void	 fmap_reset(struct fmap *m);

/*
 * An element starts outside a captured field: parent is the mapping's
 * word on its parent (NULL for the root element).  Sets *self and *cap.
 * Returns 0, or -1 when the sink asked to stop.
 */
int	 fmap_start(struct fmap *m, const struct fmap_frame *parent,
	    const struct fmap_elem *el, struct fmap_frame *self,
	    struct fmap_capture *cap);
/* An element that fmap_start saw ends; base is the xml:base in force.
 * Returns 0, or -1 when the sink asked to stop. */
int	 fmap_end(struct fmap *m, const struct fmap_frame *f,
	    const char *base);
/* The captured field ended: its text becomes its value. */
void	 fmap_cap_end(struct fmap *m, struct fmap_text *t);
/* The document ended with an entry open (a truncated document read by a
 * recovering pass): it is complete as it is. */
int	 fmap_flush(struct fmap *m, const char *base);

/* 1 if the pass found a feed: a known root element, or entries. */
int	 fmap_found(const struct fmap *m);
/* Moves the feed's own fields and hints into info. */
void	 fmap_harvest(struct fmap *m, struct feed_info *info);

#endif
