/* STUB: replaced by the storage work. */
#include <stdlib.h>
#include "store.h"
#include "parsers/util.h"
struct store { int x; };
struct store *store_open(const char *path, char **errstr) { *errstr = xstrdup("not implemented"); return NULL; }
void store_close(struct store *s) {}
int64_t store_feed_ensure(struct store *s, const char *name, const char *url, const char *title) { return -1; }
int store_feed_state_get(struct store *s, int64_t feed_id, struct store_feed_state *st) { return -1; }
int store_feed_state_put(struct store *s, int64_t feed_id, const struct store_feed_state *st) { return -1; }
void store_feed_state_reset(struct store_feed_state *st) {}
int store_doc_begin(struct store *s, int64_t feed_id) { return -1; }
int store_doc_entry(struct store *s, const struct entry *e, int64_t now, int *added) { return -1; }
int store_doc_info(struct store *s, const struct feed_info *info) { return -1; }
int store_doc_commit(struct store *s) { return -1; }
void store_doc_rollback(struct store *s) {}
int store_items(struct store *s, const struct store_query *q, struct store_item **items, size_t *nitems) { return -1; }
void store_items_free(struct store_item *items, size_t nitems) {}
uint64_t store_generation(const struct store *s) { return 0; }
const char *store_errmsg(const struct store *s) { return "not implemented"; }
