/*
 * sd.c: everything feedd knows of systemd, in one place: the notify
 * protocol (READY, RELOADING, STOPPING, STATUS, WATCHDOG), the watchdog's
 * period, and the sockets of socket activation.  With libsystemd
 * (HAVE_SYSTEMD) its sd_notify, sd_watchdog_enabled, sd_listen_fds and
 * sd_is_socket do the work; without it the same protocols are read and
 * written by hand (sd_notify(3), sd_listen_fds(3)), so that a build
 * without the library behaves the same under systemd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "listen.h"
#include "log.h"
#include "sd.h"
#include "base/util.h"

#define SD_FDS_START		3	/* SD_LISTEN_FDS_START */

#ifndef HAVE_SYSTEMD
/*
 * sd_notify(3) without libsystemd: one datagram to the AF_UNIX socket
 * named by $NOTIFY_SOCKET ('@' = the abstract namespace).  Returns > 0
 * when sent, 0 when there is no socket, < 0 on error.
 */
static int
notify_send(const char *msg)
{
	struct sockaddr_un sun;
	const char *path;
	socklen_t len;
	size_t plen;
	ssize_t n;
	int fd;

	path = getenv("NOTIFY_SOCKET");
	if (path == NULL || *path == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    plen >= sizeof(sun.sun_path))
		return -EINVAL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -errno;
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	close(fd);
	return n == -1 ? -errno : 1;
}

/* sd_watchdog_enabled(3): WATCHDOG_USEC, if WATCHDOG_PID is unset or
 * ours. */
int
systemd_watchdog_usec(uint64_t *usec)
{
	const char *s, *p;
	char *end;
	unsigned long long v;

	s = getenv("WATCHDOG_USEC");
	if (s == NULL)
		return 0;
	p = getenv("WATCHDOG_PID");
	if (p != NULL && strtol(p, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return -EINVAL;
	*usec = v;
	return 1;
}
#else
static int
notify_send(const char *msg)
{
	return sd_notify(0, msg);
}

int
systemd_watchdog_usec(uint64_t *usec)
{
	return sd_watchdog_enabled(0, usec);
}
#endif

void
systemd_notify(const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int rc;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	rc = notify_send(msg);
	if (rc < 0)
		log_debug("sd_notify: %s", strerror(-rc));
	free(msg);
}

unsigned long long
systemd_monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL;
}

/*
 * Socket activation.  LISTEN_PID names this process and
 * LISTEN_FDS counts the descriptors from 3 (sd_listen_fds(3)); with
 * libsystemd its own sd_listen_fds and sd_is_socket read them.
 */
size_t
systemd_listen_fds(int **fds)
{
	size_t i, n = 0, k = 0;
	int fd, fl, ok;
#ifdef HAVE_SYSTEMD
	int r;

	r = sd_listen_fds(1);
	if (r < 0)
		log_warnx("socket activation: %s", strerror(-r));
	n = r > 0 ? (size_t)r : 0;
#else
	const char *pid, *nfds;
	char *end;
	unsigned long v;
	int type, acc;
	socklen_t len;

	pid = getenv("LISTEN_PID");
	nfds = getenv("LISTEN_FDS");
	if (pid != NULL && nfds != NULL) {
		errno = 0;
		v = strtoul(pid, &end, 10);
		if (errno == 0 && *end == '\0' &&
		    v == (unsigned long)getpid()) {
			v = strtoul(nfds, &end, 10);
			if (errno == 0 && *end == '\0' && v < 1024)
				n = v;
		}
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
#endif
	*fds = NULL;
	if (n == 0)
		return 0;
	*fds = xcalloc(n, sizeof(**fds));
	for (i = 0; i < n; i++) {
		fd = SD_FDS_START + (int)i;
		fl = fcntl(fd, F_GETFD);
		ok = fl != -1 && fcntl(fd, F_SETFD, fl | FD_CLOEXEC) != -1;
		/* A listening stream socket, and nothing else. */
#ifdef HAVE_SYSTEMD
		ok = ok && sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) > 0;
#else
		type = acc = 0;
		len = sizeof(type);
		ok = ok && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type,
		    &len) == 0 && type == SOCK_STREAM;
		len = sizeof(acc);
		ok = ok && getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc,
		    &len) == 0 && acc != 0;
#endif
		if (!ok || listen_set_nonblock(fd) == -1) {
			log_warnx("socket activation: fd %d is not a "
			    "listening stream socket: ignored", fd);
			continue;
		}
		(*fds)[k++] = fd;
	}
	return k;
}
