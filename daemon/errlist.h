/*
 * errlist.h: the errors a loader finds in a file, collected so that they
 * are reported all at once, one a line.
 *
 * The config reader and the OPML reader add to the same list (an OPML
 * file named by the config reports its errors with the config's), so a
 * user fixing either sees every problem in one go.  An error is one line:
 * a message's own trailing newline (libxml2 ends its messages with one)
 * is dropped.
 */
#ifndef FEEDD_ERRLIST_H
#define FEEDD_ERRLIST_H

#include <stddef.h>

#include "base/util.h"

struct errlist {
	struct buf	 text;	/* the errors so far, '\n' between them */
	size_t		 n;	/* how many */
};

void	errlist_init(struct errlist *el);
void	errlist_reset(struct errlist *el);

/* Adds "FILE:LINE: message". */
void	errlist_at(struct errlist *el, const char *file, long line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds the message as it is (for errors that have no line). */
void	errlist_add(struct errlist *el, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The errors as one string, one a line (caller frees; never NULL); the
 * list is empty again. */
char	*errlist_steal(struct errlist *el);

#endif
