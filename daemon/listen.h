/*
 * listen.h: listening sockets, bound here or handed over by systemd.
 * Knows addresses and file descriptors only: nothing of HTTP or of the
 * server that drives the sockets (serve.c).  Every descriptor returned
 * is a non-blocking, close-on-exec stream socket in the listening state,
 * owned by the caller.
 */
#ifndef FEEDD_LISTEN_H
#define FEEDD_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

struct conf_listen;

/*
 * Binds and listens on the TCP address of cl (numeric host and port;
 * SO_REUSEADDR, and IPV6_V6ONLY so that "[::1]" and "127.0.0.1" can
 * both be configured).  Returns the fd, or -1 with a reason in *errstr
 * (caller frees).
 */
int	listen_tcp(const struct conf_listen *cl, char **errstr);

/*
 * Binds and listens on the Unix socket path of cl, then chmods it to
 * mode.  A socket file left by a dead process is removed first; one a
 * live process answers on, or a file that is not a socket, is an error.
 * Returns the fd, or -1 with a reason in *errstr (caller frees).
 */
int	listen_unix(const struct conf_listen *cl, mode_t mode,
	    char **errstr);

/* The TCP port fd is bound to, or -1 if it is not TCP. */
int	listen_port(int fd);

/* Whether the socket fd is bound where cl says (never for port 0). */
int	listen_matches(int fd, const struct conf_listen *cl);

/* Sets O_NONBLOCK on fd.  Returns 0 or -1 (errno set). */
int	listen_set_nonblock(int fd);


#endif
