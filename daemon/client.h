/*
 * client.h: `feedd status` and `feedd refresh`, the command line's side
 * of the running daemon's control endpoints (GET /status, POST /refresh),
 * spoken over the daemon's Unix socket: the server answers POST /refresh
 * only there, never on TCP, so the socket's file mode decides who may.
 */
#ifndef FEEDD_CLIENT_H
#define FEEDD_CLIENT_H

#include <stdio.h>

/*
 * The socket named by the first "listen = unix:PATH" line of the [feedd]
 * section of the file conf_path, found leniently: the rest of the file
 * may have errors.  Returns it (free it), or NULL after printing why.
 */
char	*client_socket(const char *conf_path);

/*
 * Both print to out and return 0, or print the reason to stderr and
 * return -1.
 */

/* With name NULL, one line per feed (failing feeds first; only the
 * failing ones if failing is set); with a name, that feed in full. */
int	client_status(const char *sock, const char *name, int failing,
	    FILE *out);

/* Asks the daemon to poll the feed name (NULL: every feed) now.  With
 * wait set, waits up to timeout seconds for each poll's outcome and
 * prints it; returns -1 too if a feed failed or had no outcome. */
int	client_refresh(const char *sock, const char *name, int wait,
	    int timeout, FILE *out);

#endif
