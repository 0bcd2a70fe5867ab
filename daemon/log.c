/*
 * log.c: see log.h.  Writes whole lines with one fprintf so lines from
 * one process never interleave mid-line.  Every message is escaped
 * (str_escape) before it is written: it may carry what a publisher or a
 * library put in an error text, and a newline or a terminal escape there
 * would forge log lines or act on the terminal that shows them.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "base/util.h"

/* Set on the daemon's thread (a reload), read on the server's too. */
static atomic_int	log_level = LOG_LEVEL_INFO;
static int		log_journal;
static int		log_stamp;	/* a time before each line */

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void
log_init(enum log_level level)
{
	atomic_store(&log_level, (int)level);
	log_journal = getenv("JOURNAL_STREAM") != NULL;
	/* On a terminal (feedd -d run by hand) nothing else says when a
	 * line was written; journald and most supervisors stamp lines
	 * themselves. */
	log_stamp = !log_journal && isatty(STDERR_FILENO);
}

void
log_set_level(enum log_level level)
{
	atomic_store(&log_level, (int)level);
}

/* "2026-12-04 17:58:01 " in local time, or "" if it cannot be had. */
static const char *
stamp(char *buf, size_t size)
{
	struct tm tm;
	time_t t = time(NULL);

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S ", &tm) == 0)
		return "";
	return buf;
}

static void
vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char *raw, *msg, when[32];
	int saved = errno;

	if ((int)level > atomic_load_explicit(&log_level,
	    memory_order_relaxed))
		return;
	raw = xvasprintf(fmt, ap);
	msg = str_escape(raw);
	free(raw);
	if (log_journal)
		fprintf(stderr, "<%d>%s%s%s\n", (int)level, msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "");
	else
		fprintf(stderr, "%sfeedd: %s: %s%s%s\n", log_stamp ?
		    stamp(when, sizeof(when)) : "", level_names[level], msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "");
	free(msg);
	errno = saved;
}

void
log_errorx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
