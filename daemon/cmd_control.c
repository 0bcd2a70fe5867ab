/*
 * cmd_control.c: `feedd status` and `feedd refresh`, the commands that
 * talk to the running daemon (see client.h for the protocol).
 *
 * They need only the daemon's Unix socket, found leniently in the
 * configuration when -s does not name it: they must work while the
 * configuration has errors, which is when one most wants to know what
 * the running daemon does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"

/* The socket to use: -s, or the one in the config (*found, to free). */
static const char *
socket_of(const struct cmd_opts *o, char **found)
{
	*found = NULL;
	if (o->sock != NULL)
		return o->sock;
	*found = client_socket(o->conf_path);
	return *found;
}

int
cmd_status(const struct cmd_opts *o)
{
	const char *sock;
	char *found;
	int rc;

	if ((sock = socket_of(o, &found)) == NULL)
		return 1;
	rc = client_status(sock, o->argc > 0 ? o->argv[0] : NULL, o->failing,
	    stdout);
	free(found);
	return rc == 0 ? 0 : 1;
}

int
cmd_refresh(const struct cmd_opts *o)
{
	const char *sock;
	char *found;
	int rc;

	if ((sock = socket_of(o, &found)) == NULL)
		return 1;
	rc = client_refresh(sock, o->argc > 0 ? o->argv[0] : NULL, o->wait,
	    o->timeout, stdout);
	free(found);
	return rc == 0 ? 0 : 1;
}
