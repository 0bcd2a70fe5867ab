/* STUB: replaced by the render work. */
#include "render.h"
int render_feed(enum render_format format, const struct render_channel *ch, const struct store_item *items, size_t nitems, struct buf *out) { return -1; }
const char *render_content_type(enum render_format format) { return "text/plain"; }
