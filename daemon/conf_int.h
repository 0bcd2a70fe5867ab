/*
 * conf_int.h: what the files of the config reader share, and nobody
 * else: conf.c (the loader), conf_opml.c (the config's side of OPML).
 */
#ifndef FEEDD_CONF_INT_H
#define FEEDD_CONF_INT_H

#include "conf.h"
#include "errlist.h"

/*
 * Appends the feeds of conf->opml to conf->feeds (the [feed] sections
 * win: their URLs are skipped in the file, their names not reused).
 * Each problem is added to errors; returns 0 or -1.
 */
int	conf_read_opml(struct conf *conf, struct errlist *errors);

#endif
