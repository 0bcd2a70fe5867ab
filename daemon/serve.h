/*
 * serve.h: the HTTP server.  One libmicrohttpd daemon per listening socket,
 * no internal threads, driven from the libev loop.  Handlers run on the
 * loop thread and answer from rendered buffers cached by store generation.
 */
#ifndef FEEDD_SERVE_H
#define FEEDD_SERVE_H

#include <stddef.h>

struct ev_loop;
struct conf;
struct store;
struct server;

/*
 * Binds every listener of conf and starts serving.  Returns NULL with a
 * reason in *errstr if any listener cannot be set up.
 */
struct server	*serve_new(struct ev_loop *loop, const struct conf *conf,
		    struct store *store, char **errstr);
/* Closes the listeners (removing Unix socket files) and frees. */
void		 serve_free(struct server *srv);

/*
 * The port listener i (in conf->listen order) is bound to, or -1 if it is
 * not TCP: how a config asking for port 0 learns the port (tests).
 */
int		 serve_tcp_port(const struct server *srv, size_t i);

#endif
