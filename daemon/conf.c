/* STUB */
#include <stdlib.h>
#include "conf.h"
#include "parsers/util.h"
struct conf *conf_load(const char *path, char **errstr) { *errstr = xstrdup("stub"); return NULL; }
void conf_free(struct conf *conf) {}
int conf_feed_interval(const struct conf *conf, const struct conf_feed *feed) { return 0; }
int conf_parse_duration(const char *s, int *seconds) { return -1; }
