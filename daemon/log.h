/*
 * log.h: one line per event on stderr.  Under systemd (JOURNAL_STREAM set)
 * each line starts with the <N> priority prefix journald reads.
 * log_warn appends strerror(errno); the x variants do not.  fatal/fatalx
 * log and exit(1): only for start-up errors and broken invariants, never
 * because of remote input.
 */
#ifndef FEEDD_LOG_H
#define FEEDD_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7
};

void	log_init(enum log_level level);
void	log_set_level(enum log_level level);

/* An error that does not end the process (fatalx does). */
void	log_errorx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
