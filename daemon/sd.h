/*
 * sd.h: the systemd side of the daemon (sd.c): the notify protocol, the
 * watchdog's period and socket activation.  Each works with or without
 * libsystemd, and does nothing outside systemd.  The names are
 * systemd_*: libsystemd owns sd_*.
 */
#ifndef FEEDD_SD_H
#define FEEDD_SD_H

#include <stddef.h>
#include <stdint.h>

/* Sends a notify message ("READY=1", "STATUS=..."), printf-style; a
 * failure is logged at debug level only. */
void		 systemd_notify(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* The watchdog's period when systemd asked for one: > 0 with *usec set,
 * 0 when not, < 0 on a malformed setting. */
int		 systemd_watchdog_usec(uint64_t *usec);
/* CLOCK_MONOTONIC in microseconds (RELOADING=1's MONOTONIC_USEC). */
unsigned long long systemd_monotonic_usec(void);
/*
 * The listening stream sockets systemd handed over (non-blocking and
 * close-on-exec), in *fds (caller frees): how many, 0 when none.  Other
 * descriptors are logged and skipped.  The environment is cleared.
 */
size_t		 systemd_listen_fds(int **fds);

#endif
