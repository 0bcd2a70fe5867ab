/* STUB */
#include <stdlib.h>
#include "sched.h"
#include "parsers/util.h"
struct sched *sched_new(struct ev_loop *loop, const struct conf *conf, struct store *store, struct fetcher *fetcher, char **errstr) { *errstr = xstrdup("not implemented"); return NULL; }
void sched_free(struct sched *s) {}
