/* STUB: replaced by the fetch work. */
#include <stdlib.h>
#include "fetch.h"
#include "parsers/util.h"
struct fetcher *fetch_new(struct ev_loop *loop, const struct fetch_opts *opts, char **errstr) { *errstr = xstrdup("not implemented"); return NULL; }
void fetch_free(struct fetcher *f) {}
int fetch_start(struct fetcher *f, const struct fetch_request *req, fetch_done_fn done, void *arg) { return -1; }
