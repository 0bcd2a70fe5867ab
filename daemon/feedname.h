/*
 * feedname.h: what a subscription may be called and where it may point,
 * the rules that feedd.conf's [feed NAME] sections and OPML import share.
 */
#ifndef FEEDD_FEEDNAME_H
#define FEEDD_FEEDNAME_H

#include <stddef.h>

/* A feed (or view) name: one or more letters, digits, '-', '_', '.'.
 * Returns 1 or 0. */
int	feedname_valid(const char *name);

/*
 * A name made from text (a title, a URL without its scheme): lower-case
 * ASCII letters and digits, each run of anything else one '-', at most
 * max bytes; the Latin-1 letters fold to their base letter first, so
 * "Ünïcode" gives "unicode".  May be empty.  Caller frees.
 */
char	*feedname_slug(const char *text, size_t max);

/* A URL feedd can poll: http:// or https://, a host, no blanks or
 * controls.  Returns 1 or 0. */
int	feedname_url_ok(const char *url);

#endif
