/*
 * listen.c: the listening sockets.  libmicrohttpd's own binding cannot do
 * AF_UNIX, so every socket the server listens on is made here and handed
 * to it as a descriptor: TCP with SO_REUSEADDR (and IPV6_V6ONLY, so that
 * "[::1]" and "127.0.0.1" can both be configured), Unix sockets after
 * removing a stale socket file (never a live one, nor a file that is not
 * a socket), then chmod to the configured mode.
 *
 * Sockets handed over by systemd socket activation are collected by
 * sd.c; listen_matches tells which configured address one is bound to.
 *
 * This file owns no state: it returns descriptors and forgets them.  It
 * does not remove the socket files it creates (the server does, when it
 * closes the listener) and never those of systemd's sockets.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf.h"
#include "listen.h"
#include "log.h"
#include "base/util.h"

#define LISTEN_BACKLOG		128

int
listen_set_nonblock(int fd)
{
	int fl;

	fl = fcntl(fd, F_GETFL);
	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	return 0;
}

int
listen_tcp(const struct conf_listen *cl, char **errstr)
{
	struct addrinfo hints, *res = NULL;
	int fd, on = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	rc = getaddrinfo(cl->host, cl->port, &hints, &res);
	if (rc != 0) {
		*errstr = xasprintf("listen %s: %s", cl->text,
		    gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	if (res->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1 || listen_set_nonblock(fd) == -1)
		goto fail;
	freeaddrinfo(res);
	return fd;
fail:
	*errstr = xasprintf("listen %s: %s", cl->text, strerror(errno));
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return -1;
}

int
listen_unix(const struct conf_listen *cl, mode_t mode, char **errstr)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, probe, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(cl->path) >= sizeof(sun.sun_path)) {
		*errstr = xasprintf("listen %s: path too long", cl->text);
		return -1;
	}
	strcpy(sun.sun_path, cl->path);

	/* A socket file left by a dead daemon is removed; one a live
	 * daemon answers on, or anything that is not a socket, is not. */
	if (lstat(cl->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			*errstr = xasprintf("listen %s: exists and is not a "
			    "socket", cl->text);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe != -1 && connect(probe, (struct sockaddr *)&sun,
		    sizeof(sun)) == 0) {
			close(probe);
			*errstr = xasprintf("listen %s: in use by another "
			    "process", cl->text);
			return -1;
		}
		if (probe != -1)
			close(probe);
		if (unlink(cl->path) == -1 && errno != ENOENT) {
			*errstr = xasprintf("listen %s: unlink: %s", cl->text,
			    strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		*errstr = xasprintf("listen %s: %s", cl->text,
		    strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		*errstr = xasprintf("listen %s: %s", cl->text,
		    strerror(saved));
		return -1;
	}
	if (chmod(cl->path, mode) == -1 || listen(fd, LISTEN_BACKLOG) == -1 ||
	    listen_set_nonblock(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(cl->path);
		*errstr = xasprintf("listen %s: %s", cl->text,
		    strerror(saved));
		return -1;
	}
	return fd;
}

int
listen_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return -1;
}

int
listen_matches(int fd, const struct conf_listen *cl)
{
	struct sockaddr_storage ss;
	struct addrinfo hints, *res = NULL, *ai;
	socklen_t len = sizeof(ss);
	int match = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (cl->kind == CONF_LISTEN_UNIX) {
		return ss.ss_family == AF_UNIX && strncmp(
		    ((struct sockaddr_un *)&ss)->sun_path, cl->path,
		    sizeof(((struct sockaddr_un *)&ss)->sun_path)) == 0;
	}
	if (strcmp(cl->port, "0") == 0)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(cl->host, cl->port, &hints, &res) != 0)
		return 0;
	for (ai = res; ai != NULL && !match; ai = ai->ai_next) {
		if (ai->ai_family != ss.ss_family)
			continue;
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			struct sockaddr_in *b = (struct sockaddr_in *)
			    ai->ai_addr;

			match = a->sin_port == b->sin_port &&
			    a->sin_addr.s_addr == b->sin_addr.s_addr;
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			struct sockaddr_in6 *b = (struct sockaddr_in6 *)
			    ai->ai_addr;

			match = a->sin6_port == b->sin6_port &&
			    memcmp(&a->sin6_addr, &b->sin6_addr,
			    sizeof(a->sin6_addr)) == 0;
		}
	}
	freeaddrinfo(res);
	return match;
}
