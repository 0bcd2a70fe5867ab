/* STUB: replaced by the serve work. */
#include <stdlib.h>
#include "serve.h"
#include "parsers/util.h"
struct server *serve_new(struct ev_loop *loop, const struct conf *conf, struct store *store, char **errstr) { *errstr = xstrdup("not implemented"); return NULL; }
void serve_free(struct server *srv) {}
