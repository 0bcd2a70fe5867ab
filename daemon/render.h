/*
 * render.h: the merged feed as RSS 2.0 or Atom 1.0, written with libxml2's
 * xmlTextWriter (never by pasting strings), or as JSON Feed 1.1 built with
 * jansson, so the output is well-formed whatever the stored text holds.
 */
#ifndef FEEDD_RENDER_H
#define FEEDD_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "storage/store.h"

struct json_t;

enum render_format {
	RENDER_RSS,
	RENDER_ATOM,
	RENDER_JSON
};

/* Where each item shows the outlet (its feed's title) besides its
 * source element, for readers that show no source. */
enum render_outlet {
	RENDER_OUTLET_AUTHOR = 0,	/* "Author (Outlet)", or "Outlet" */
	RENDER_OUTLET_TITLE,		/* "[Outlet] Title" */
	RENDER_OUTLET_NONE		/* the entry's own author only */
};

struct render_channel {
	const char	*title;
	const char	*self_url;	/* absolute URL of this document */
	const char	*site_url;	/* link to the human page, or NULL */
	int64_t		 now;		/* used as updated time when empty */
	enum render_outlet outlet;	/* 0: in the author */
};

/* Appends the document to out.  Returns 0, or -1 with out unchanged. */
int	render_feed(enum render_format format, const struct render_channel *ch,
	    const struct store_item *items, size_t nitems, struct buf *out);

/* The Content-Type for a format, with charset. */
const char *render_content_type(enum render_format format);

/* The date readers see for an item: updated, else published, else its
 * order time (store_item.order_time), else when feedd first saw it. */
int64_t	render_item_date(const struct store_item *it);

/* s as valid UTF-8 without the control characters XML forbids (invalid
 * bytes become U+FFFD).  Caller frees. */
char	*render_text_clean(const char *s);

/* The values both JSON documents (the JSON Feed, /status) hold, as new
 * references: s (not NULL) cleaned as render_text_clean cleans it, and
 * t in RFC 3339. */
struct json_t *render_json_text(const char *s);
struct json_t *render_json_date(int64_t t);
/* Appends root to out as an indented JSON document and a newline, keys in
 * their order, and drops the caller's reference to root.  0 or -1. */
int	 render_json_dump(struct json_t *root, struct buf *out);

#endif
