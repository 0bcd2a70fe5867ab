/*
 * client.h: `feedd status` and `feedd refresh`, the command line's side
 * of the running daemon's control endpoints (GET /status, POST /refresh),
 * spoken over the daemon's Unix socket: the server answers POST /refresh
 * only there, never on TCP, so the socket's file mode decides who may.
 */
#ifndef FEEDD_CLIENT_H
#define FEEDD_CLIENT_H

#include <stdio.h>

struct conf;

/*
 * The socket is sock if not NULL, else the first "listen = unix:PATH" of
 * conf (conf may be NULL when sock is given).  Both print to out and
 * return 0, or print the reason to stderr and return -1.
 */

/* Every feed's state (title, URL, last success, last error, next poll),
 * failing feeds first. */
int	client_status(const struct conf *conf, const char *sock, FILE *out);

/* Asks the daemon to poll the feed name (NULL: every feed) now. */
int	client_refresh(const struct conf *conf, const char *sock,
	    const char *name, FILE *out);

#endif
