/*
 * errlist.c: collected errors, one a line (see errlist.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "errlist.h"

void
errlist_init(struct errlist *el)
{
	/* Our messages about a local file. */
	buf_init(&el->text, BUF_UNCAPPED);
	el->n = 0;
}

void
errlist_reset(struct errlist *el)
{
	buf_reset(&el->text);
	el->n = 0;
}

/* Appends msg as the next line, without its own final newline. */
static void
add_line(struct errlist *el, char *msg, size_t len)
{
	if (len > 0 && msg[len - 1] == '\n')
		len--;
	if (el->n > 0)
		buf_addch(&el->text, '\n');
	buf_add(&el->text, msg, len);
	el->n++;
}

void
errlist_at(struct errlist *el, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	full = xasprintf("%s:%ld: %s", file, line, msg);
	add_line(el, full, strlen(full));
	free(full);
	free(msg);
}

void
errlist_add(struct errlist *el, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	add_line(el, msg, strlen(msg));
	free(msg);
}

char *
errlist_steal(struct errlist *el)
{
	el->n = 0;
	return buf_steal(&el->text);
}
