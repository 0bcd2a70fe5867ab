/*
 * serve.h: the HTTP server.  One libmicrohttpd daemon per listening socket,
 * driven from a libev loop on the server's own thread, so that a reader
 * does not wait while the daemon's loop parses or stores: handlers answer
 * from rendered buffers cached by store generation, and reach the store
 * only under a lock the daemon's loop releases while it waits for events
 * (serve_thread.c says what may be touched on which thread).
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
 * Binds every listener of conf and starts serving, on a thread of its
 * own; loop is the daemon's, whose release, acquire and invoke callbacks
 * and user data the server sets (and gives back in serve_free).  From
 * here on the calling thread holds the lock that guards store and the
 * rest of the daemon's state, except while loop waits for events: code
 * outside ev_run runs as alone as before.  Sockets handed over
 * by systemd (LISTEN_FDS, LISTEN_PID) are taken too: one whose address a
 * configured listener names is used for it instead of binding, and the
 * others are served as extra listeners.  conf is borrowed (views, feeds
 * and /feeds.opml come from it) and must stay valid until serve_free or
 * the next successful serve_reload.  Returns NULL with a reason in
 * *errstr if any listener cannot be set up.
 */
struct server	*serve_new(struct ev_loop *loop, const struct conf *conf,
		    struct store *store, char **errstr);
/* Stops the server's thread, closes the listeners (removing the Unix
 * socket files it created) and frees; the lock goes with it. */
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
 * for every feed, cb(arg, NAME) for ?feed=NAME, called on loop's thread
 * soon after the answer (202; 404 if the config has no feed NAME).
 * Without a hook set, /refresh answers 503.
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
