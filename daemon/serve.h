/*
 * serve.h: the HTTP server.  One libmicrohttpd daemon per listening socket,
 * no internal threads, driven from the libev loop.  Handlers run on the
 * loop thread and answer from rendered buffers cached by store generation.
 *
 * Routes: /feed.{rss,atom,json} (query: limit, tag, feed, q, since),
 * /view/NAME.{rss,atom,json}, / (HTML), /status (JSON), /metrics
 * (Prometheus text), /feeds.opml, /healthz; and, on Unix-socket listeners
 * only, POST /refresh[?feed=NAME].
 */
#ifndef FEEDD_SERVE_H
#define FEEDD_SERVE_H

#include <stddef.h>

struct ev_loop;
struct conf;
struct store;
struct server;

/*
 * Binds every listener of conf and starts serving; sockets handed over
 * by systemd (LISTEN_FDS, LISTEN_PID) are taken too: one whose address a
 * configured listener names is used for it instead of binding, and the
 * others are served as extra listeners.  conf is borrowed (views, feeds
 * and /feeds.opml come from it) and must stay valid until serve_free or
 * the next successful serve_reload.  Returns NULL with a reason in
 * *errstr if any listener cannot be set up.
 */
struct server	*serve_new(struct ev_loop *loop, const struct conf *conf,
		    struct store *store, char **errstr);
/* Closes the listeners (removing the Unix socket files it created) and
 * frees. */
void		 serve_free(struct server *srv);

/*
 * Switches to newconf (borrowed from now on, as in serve_new; the caller
 * frees the old one after this returns): listeners that are unchanged
 * keep their sockets and connections, new ones are opened, removed ones
 * closed; views and titles follow, and cached documents are dropped.
 * socket_mode, http_max_clients and http_timeout apply to listeners
 * opened from now on.  Returns 0; or -1 with a reason in *errstr (caller
 * frees) if a new listener cannot be opened, in which case nothing
 * changed and the old config stays in use.
 */
int		 serve_reload(struct server *srv,
		    const struct conf *newconf, char **errstr);

/*
 * What POST /refresh does (Unix-socket listeners only): cb(arg, NULL)
 * for every feed, cb(arg, NAME) for ?feed=NAME.  cb returns 0, or -1 if
 * there is no feed of that name (answered 404).  Without a hook set,
 * /refresh answers 503.
 */
void		 serve_set_refresh(struct server *srv,
		    int (*cb)(void *arg, const char *name), void *arg);

/*
 * The port listener i (in conf->listen order) is bound to, or -1 if it is
 * not TCP: how a config asking for port 0 learns the port (tests).
 */
/* 0 while a listener is wedged (what /healthz answers 503 for), else 1:
 * the daemon stops petting systemd's watchdog then, so that a listener
 * that cannot heal gets the service restarted. */
int		 serve_healthy(const struct server *srv);
int		 serve_tcp_port(const struct server *srv, size_t i);

/*
 * Tests only: stops driving listener i, as a lost wakeup would, so that
 * a test can see /healthz notice a listener that no longer accepts.
 */
void		 serve_test_stall(struct server *srv, size_t i);

#endif
