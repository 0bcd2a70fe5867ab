/* STUB: replaced by the parser work. */
#include <stdlib.h>
#include "feed.h"
#include "util.h"
void feed_init(void) {}
void feed_cleanup(void) {}
int
feed_parse(const char *doc, size_t len, const struct feed_parse_opts *opts,
    const struct feed_sink *sink, struct feed_info *info, char **errstr)
{
	*errstr = xstrdup("not implemented");
	return -1;
}
void feed_info_reset(struct feed_info *info) {}
const char *feed_format_name(enum feed_format format) { return NULL; }
void entry_copy(struct entry *dst, const struct entry *src) {}
void entry_reset(struct entry *e) {}
