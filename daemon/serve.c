/*
 * serve.c: the HTTP server: its listeners, from opening to closing, and
 * the routes a request is dispatched by.  The other roles are in
 * serve_http.c (replies, negotiation, parameters), serve_health.c (slow
 * connections, wedged listeners), serve_cache.c (the rendered documents)
 * and serve_feed.c (the merged feed and its views); serve_int.h says who
 * owns what.
 *
 * Listeners.  Each configured address gets a socket from listen.c (bound
 * there, or the one systemd handed over for that address); activated
 * sockets no listener names are served as extra listeners.  Each socket
 * gets its own MHD daemon with no internal thread, driven from the
 * server's libev loop (on its own thread, serve_thread.c): an ev_io
 * watches the daemon's epoll fd and an ev_timer MHD's next timeout; both
 * run MHD_run() and re-arm the timer from MHD_get_timeout() afterwards,
 * or at once after a run that closed a connection (listener_rearm).  MHD
 * limits connections (http_max_clients), per-connection memory (so the
 * request line and headers) and idle time (http_timeout); bodies, which
 * no route needs, are counted and refused past SERVE_BODY_MAX.  Requests
 * slower than twice http_timeout are cut and wedged listeners reported
 * by a check every second (serve_health.c).  A reload, run on the
 * server's thread (serve_call), keeps the listeners whose address did
 * not change, with their connections.
 *
 * Routes.  routes[] lists every path (exact, or a prefix whose rest a
 * match function accepts), the methods it takes, whether it is served
 * on Unix sockets only, and its handler; the handler refuses what no row
 * allows before any body is read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <microhttpd.h>

#include "conf.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "page.h"
#include "sd.h"
#include "serve.h"
#include "serve_int.h"
#include "base/util.h"
#include "storage/store.h"

#define SERVE_PAGE_ITEMS	50	/* the newest entries on /status */
#define SERVE_BODY_MAX		4096	/* bytes of request body */
#define SERVE_CONN_LIMIT	64	/* when the config says 0 */
#define SERVE_CONN_TIMEOUT	10	/* seconds idle, idem */
#define SERVE_SOCKET_MODE	0660	/* idem */
#define SERVE_CONN_MEMORY	((size_t)16384)	/* MHD zeroes it per request */

/* --- the MHD daemons inside libev */

/*
 * After every MHD_run: when to run it next.  MHD takes its listening
 * socket out of its epoll set once the connection limit is reached and
 * puts it back only at the start of a later MHD_run, while connections
 * are closed at the end of one; so a run that closed a connection may
 * leave the socket out with nothing left to wake us: no connection to
 * time out, no readable fd.  Hence a run that closed one is followed by
 * another on the next loop iteration, whatever MHD_get_timeout says.
 */
static void
listener_rearm(struct listener *l)
{
	MHD_UNSIGNED_LONG_LONG ms;
	struct ev_loop *loop = l->srv->loop;

	ev_timer_stop(loop, &l->timer);
	if (l->stalled)
		return;
	if (l->closed) {
		l->closed = 0;
		ev_timer_set(&l->timer, 0., 0.);
		ev_timer_start(loop, &l->timer);
	} else if (MHD_get_timeout(l->mhd, &ms) == MHD_YES) {
		ev_timer_set(&l->timer, (double)ms / 1000.0, 0.);
		ev_timer_start(loop, &l->timer);
	}
}

void
listener_drive(struct listener *l)
{
	if (l->stalled)
		return;
	l->closed = 0;
	MHD_run(l->mhd);
	listener_rearm(l);
}

static void
listener_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	listener_drive(w->data);
}

static void
listener_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	listener_drive(w->data);
}

/* /status: the newest entries and every feed's state. */
static void
build_status(struct server *srv, const struct request *req, const char *host,
    void *arg, struct built *b)
{
	struct store_query q;
	struct store_item *items = NULL;
	struct store_feed_row *rows = NULL;
	struct page_data d;
	size_t nitems = 0, nrows = 0;

	(void)req;
	(void)host;
	(void)arg;
	memset(&q, 0, sizeof(q));
	q.limit = SERVE_PAGE_ITEMS;
	if (store_items(srv->store, &q, &items, &nitems) != 0 ||
	    store_feeds(srv->store, &rows, &nrows) != 0) {
		log_warnx("serving: cannot read the status: %s",
		    store_errmsg(srv->store));
		store_items_free(items, nitems);
		b->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		b->reason = xstrdup("internal error: cannot read the status");
		return;
	}
	memset(&d, 0, sizeof(d));
	d.title = "feedd";
	d.items = items;
	d.nitems = nitems;
	d.feeds = rows;
	d.nfeeds = nrows;
	d.now = (int64_t)time(NULL);
	if (page_status_json(&d, &b->out) == -1) {
		b->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		b->reason = xstrdup("internal error: cannot render the status");
	}
	b->ctype = "application/json; charset=utf-8";
	b->mtime = d.now;
	store_items_free(items, nitems);
	store_feeds_free(rows, nrows);
}

static void
build_opml(struct server *srv, const struct request *req, const char *host,
    void *arg, struct built *b)
{
	(void)req;
	(void)host;
	struct store_feed_row *rows = NULL;
	size_t nrows = 0;

	(void)arg;
	/* The feeds' own titles and links, when the store can say. */
	if (store_feeds(srv->store, &rows, &nrows) == -1)
		nrows = 0;
	conf_write_opml(srv->conf, rows, nrows, &b->out);
	store_feeds_free(rows, nrows);
	b->ctype = "text/x-opml; charset=utf-8";
	b->mtime = srv->started;
}

/* /: the page (page.h) for the query that arg points to. */
static void
build_index(struct server *srv, const struct request *req, const char *host,
    void *arg, struct built *b)
{
	(void)req;
	(void)host;
	b->mtime = (int64_t)time(NULL);
	b->ctype = "text/html; charset=utf-8";
	b->status = page_index(srv->store, srv->conf, arg, b->mtime, &b->out,
	    &b->reason);
}

static enum MHD_Result
page_arg_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	(void)kind;
	page_query_add(cls, k, v);
	return MHD_YES;
}

/* / and /status change with the entries and with the feeds' state. */
static enum MHD_Result
serve_index(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	struct page_query pq;
	enum MHD_Result ret;

	/* / has its own parameters, refused with the reason (page.h). */
	page_query_init(&pq);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, page_arg_cb,
	    &pq);
	if (pq.err != NULL)
		ret = http_reply_fmt(req, conn, MHD_HTTP_BAD_REQUEST, "%s",
		    pq.err);
	else
		ret = cache_serve(srv, req, conn, url,
		    page_query_key(&pq, (int64_t)time(NULL)),
		    CACHE_GENS_BOTH, build_index, &pq);
	page_query_reset(&pq);
	return ret;
}

static enum MHD_Result
serve_status(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	return cache_serve(srv, req, conn, url, NULL, CACHE_GENS_BOTH,
	    build_status, NULL);
}

/* /feeds.opml changes only with the config (a reload clears the cache). */
static enum MHD_Result
serve_opml(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	return cache_serve(srv, req, conn, url, NULL, CACHE_GENS_NONE,
	    build_opml, NULL);
}
static enum MHD_Result
serve_metrics(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	struct MHD_Response *r;
	struct metrics m;
	struct buf out;
	size_t len;
	char *data;

	(void)url;
	/* The fetch counters are the daemon loop's: read under the lock,
	 * or as they were the last time while the loop is busy (as a
	 * cached document).  The request counters are this thread's. */
	if (serve_lock_or_copy(srv, srv->metrics_ok)) {
		srv->metrics = metrics;
		srv->metrics_ok = 1;
		serve_unlock(srv);
	}
	m = srv->metrics;
	metrics_copy_http(&m, &metrics);
	/* Our counters. */
	buf_init(&out, BUF_UNCAPPED);
	metrics_render(&m, &out);
	len = out.len;
	data = buf_steal(&out);
	r = MHD_create_response_from_buffer_with_free_callback(len, data,
	    free);
	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return http_queue(req, conn, MHD_HTTP_OK, r);
}

/* POST /refresh: handed to the daemon's loop (serve_refresh_queue),
 * not waited for. */
static enum MHD_Result
serve_refresh(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	const char *name;

	(void)url;
	if (srv->refresh_cb == NULL)
		return http_reply_text(req, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "refresh is not available\n", NULL);
	name = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
	    "feed");
	if (name != NULL && *name == '\0')
		name = NULL;
	/* The scheduler's feeds are the config's. */
	if (name != NULL && conf_find_feed(srv->conf, name) == NULL)
		return http_reply_fmt(req, conn, MHD_HTTP_NOT_FOUND,
		    "not found: no feed named \"%.100s\"", name);
	if (serve_refresh_queue(srv, name) == -1)
		return http_reply_text(req, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "too many refreshes waiting\n", NULL);
	if (name != NULL)
		log_info("refresh of %s requested", name);
	else
		log_info("refresh of every feed requested");
	return http_reply_fmt(req, conn, MHD_HTTP_ACCEPTED,
	    "refresh requested: %.100s", name ? name : "every feed");
}

/* --- routes */

enum route_methods {
	ROUTE_GET,		/* GET and HEAD */
	ROUTE_POST
};

struct route {
	const char	*path;		/* exact, or match's prefix */
	route_match_fn	*match;		/* NULL: path is exact */
	enum route_methods methods;
	int		 unix_only;	/* 403 on TCP listeners */
	route_fn	*serve;
};

static const struct route routes[] = {
	/* path         match       methods    unix  handler */
	{ "/",           NULL,       ROUTE_GET,  0, serve_index },
	{ "/status",     NULL,       ROUTE_GET,  0, serve_status },
	{ "/metrics",    NULL,       ROUTE_GET,  0, serve_metrics },
	{ "/feeds.opml", NULL,       ROUTE_GET,  0, serve_opml },
	{ "/healthz",    NULL,       ROUTE_GET,  0, serve_healthz },
	{ "/refresh",    NULL,       ROUTE_POST, 1, serve_refresh },
	{ "/feed.",      feed_match, ROUTE_GET,  0, serve_feed },
	{ "/view/",      view_match, ROUTE_GET,  0, serve_feed },
};

static const char not_found[] = "not found: this server has /, /status, "
    "/metrics, /feeds.opml, /healthz, /feed.{rss,atom,json} and "
    "/view/NAME.{rss,atom,json}\n";

/* The route of url, or NULL. */
static const struct route *
route_find(struct request *req, const char *url)
{
	const struct route *rt;
	size_t i, n;

	for (i = 0; i < NELEM(routes); i++) {
		rt = &routes[i];
		if (rt->match == NULL) {
			if (strcmp(url, rt->path) == 0)
				return rt;
			continue;
		}
		n = strlen(rt->path);
		if (strncmp(url, rt->path, n) == 0 && rt->match(req, url + n))
			return rt;
	}
	return NULL;
}

/* Whether no route takes the request as it is; the answer then in
 * *ret. */
static int
route_refused(struct request *req, struct MHD_Connection *conn,
    const struct listener *l, const char *method, enum MHD_Result *ret)
{
	const struct route *rt = req->route;
	char text[128];

	if (rt == NULL)
		*ret = http_reply_text(req, conn, MHD_HTTP_NOT_FOUND,
		    not_found, NULL);
	else if (rt->unix_only && !l->is_unix)
		*ret = http_reply_fmt(req, conn, MHD_HTTP_FORBIDDEN,
		    "forbidden: %s is served only on Unix sockets", rt->path);
	else if (rt->methods == ROUTE_POST &&
	    strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
		snprintf(text, sizeof(text), "method not allowed: %s takes "
		    "POST\n", rt->path);
		*ret = http_reply_text(req, conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    text, "POST");
	} else if (rt->methods == ROUTE_GET &&
	    strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		/* (MHD leaves the body out for HEAD itself.) */
		*ret = http_reply_text(req, conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed: only GET and HEAD\n", NULL);
	else
		return 0;
	return 1;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct listener *l = cls;
	struct server *srv = l->srv;
	struct request *req = *con_cls;
	const char *clen, *host;
	enum MHD_Result ret;

	(void)upload_data;
	/*
	 * Errors are answered on the first call, before any body is read
	 * (MHD then closes the connection).  Good requests wait for the
	 * last call: answering while MHD still expects the rest of the
	 * request would cost the keep-alive connection.
	 */
	if (req == NULL) {
		req = xcalloc(1, sizeof(*req));
		req->start = mono_now();
		*con_cls = req;
	}
	if (!req->seen) {
		req->seen = 1;
		log_debug("http: %s %.200s", method, url);
		if (req->refuse != 0)
			return http_refuse_raw(req, conn, req->refuse);
		if (http_head_too_large(conn, url, method))
			return http_refuse_raw(req, conn,
			    MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE);
		host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_HOST);
		if (host == NULL && strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
			return http_reply_text(req, conn, MHD_HTTP_BAD_REQUEST,
			    "bad request: no Host header\n", NULL);
		if (!http_host_allowed(l, srv->conf, host))
			return http_reply_text(req, conn,
			    MHD_HTTP_MISDIRECTED_REQUEST, "misdirected "
			    "request: this server does not answer for that "
			    "Host (see server_name in feedd.conf(5))\n", NULL);
		req->route = route_find(req, url);
		if (route_refused(req, conn, l, method, &ret))
			return ret;
		/* Refused before a client waiting for "100 Continue"
		 * sends it. */
		clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (clen != NULL && strtoull(clen, NULL, 10) > SERVE_BODY_MAX)
			return http_reply_text(req, conn,
			    MHD_HTTP_CONTENT_TOO_LARGE,
			    "request body too large\n", NULL);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		/* No route reads a body: count it against the cap, and
		 * drop the connection of a chunked one that passes it. */
		req->body += *upload_data_size;
		*upload_data_size = 0;
		return req->body > SERVE_BODY_MAX ? MHD_NO : MHD_YES;
	}
	if (req->answered)
		return MHD_YES;
	return req->route->serve(srv, req, conn, url);
}

/* --- listeners */

/* Takes the activated socket matching cl out of srv's list, or -1. */
static int
take_activated(struct server *srv, const struct conf_listen *cl)
{
	size_t i;
	int fd;

	for (i = 0; i < srv->nsd; i++) {
		if (!listen_matches(srv->sd_fds[i], cl))
			continue;
		fd = srv->sd_fds[i];
		srv->sd_fds[i] = srv->sd_fds[--srv->nsd];
		return fd;
	}
	return -1;
}

static void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	free(l->text);
	free(l->host);
	free(l->port);
	free(l->path);
	free(l->unix_path);
	free(l);
}

/* Starts MHD on l->fd (which it then owns). */
static int
listener_run(struct server *srv, struct listener *l, const struct conf *conf,
    char **errstr)
{
	const union MHD_DaemonInfo *info;
	unsigned int limit, timeout;
	socklen_t alen = sizeof(l->addr);

	limit = conf->http_max_clients > 0 ?
	    (unsigned int)conf->http_max_clients : SERVE_CONN_LIMIT;
	timeout = conf->http_timeout > 0 ?
	    (unsigned int)conf->http_timeout : SERVE_CONN_TIMEOUT;
	l->limit = limit;
	l->timeout = timeout;
	/* For the Host check, once rather than per request. */
	l->addr_ok = !l->is_unix && getsockname(l->fd,
	    (struct sockaddr *)&l->addr, &alen) == 0;
	l->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, handler, l,
	    MHD_OPTION_EXTERNAL_LOGGER, http_logger, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, health_notify_conn, l,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_cb, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)l->fd,
	    MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, SERVE_CONN_MEMORY,
	    MHD_OPTION_SIGPIPE_HANDLED_BY_APP, (int)1,
	    MHD_OPTION_END);
	if (l->mhd == NULL) {
		*errstr = xasprintf("listen %s: cannot start the HTTP server",
		    l->text);
		return -1;
	}
	info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		*errstr = xasprintf("listen %s: no epoll fd", l->text);
		return -1;
	}
	ev_io_init(&l->io, listener_io_cb, info->epoll_fd, EV_READ);
	l->io.data = l;
	ev_io_start(srv->loop, &l->io);
	ev_init(&l->timer, listener_timer_cb);
	l->timer.data = l;
	listener_rearm(l);
	return 0;
}

static void
listener_stop(struct server *srv, struct listener *l)
{
	if (l == NULL)
		return;
	if (l->mhd != NULL) {
		ev_io_stop(srv->loop, &l->io);
		ev_timer_stop(srv->loop, &l->timer);
		/* Closes the listening socket and every connection. */
		MHD_stop_daemon(l->mhd);
		l->mhd = NULL;
	} else if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	if (l->unix_path != NULL)
		unlink(l->unix_path);
	listener_free(l);
}

/* A listener for cl: the activated socket for its address, or a new
 * one bound here. */
static struct listener *
listener_open(struct server *srv, const struct conf *conf,
    const struct conf_listen *cl, char **errstr)
{
	struct listener *l;
	int mode;

	l = xcalloc(1, sizeof(*l));
	l->srv = srv;
	l->kind = cl->kind;
	l->text = xstrdup(cl->text != NULL ? cl->text : "?");
	l->host = cl->host != NULL ? xstrdup(cl->host) : NULL;
	l->port = cl->port != NULL ? xstrdup(cl->port) : NULL;
	l->path = cl->path != NULL ? xstrdup(cl->path) : NULL;
	l->configured = 1;
	l->is_unix = cl->kind == CONF_LISTEN_UNIX;
	l->bound_port = -1;
	l->fd = take_activated(srv, cl);
	if (l->fd != -1) {
		l->activated = 1;
		log_info("listening on %s (from systemd)", l->text);
	} else if (l->is_unix) {
		mode = conf->socket_mode > 0 ? conf->socket_mode :
		    SERVE_SOCKET_MODE;
		l->fd = listen_unix(cl, (mode_t)mode, errstr);
		if (l->fd != -1)
			l->unix_path = xstrdup(cl->path);
	} else
		l->fd = listen_tcp(cl, errstr);
	if (l->fd == -1) {
		listener_free(l);
		return NULL;
	}
	if (!l->is_unix)
		l->bound_port = listen_port(l->fd);
	if (listener_run(srv, l, conf, errstr) == -1) {
		listener_stop(srv, l);
		return NULL;
	}
	if (!l->activated && !l->is_unix && strcmp(cl->port, "0") == 0)
		log_info("listening on %s (port %d)", l->text, l->bound_port);
	else if (!l->activated)
		log_info("listening on %s", l->text);
	return l;
}

/* An activated socket no configured listener named. */
static struct listener *
listener_extra(struct server *srv, const struct conf *conf, int fd,
    char **errstr)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct listener *l;

	l = xcalloc(1, sizeof(*l));
	l->srv = srv;
	l->fd = fd;
	l->activated = 1;
	l->bound_port = -1;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == AF_UNIX) {
		l->is_unix = 1;
		l->kind = CONF_LISTEN_UNIX;
		l->text = xasprintf("unix:%s (fd %d, from systemd)",
		    ((struct sockaddr_un *)&ss)->sun_path, fd);
	} else {
		l->kind = CONF_LISTEN_TCP;
		l->bound_port = listen_port(fd);
		l->text = xasprintf("port %d (fd %d, from systemd)",
		    l->bound_port, fd);
	}
	if (listener_run(srv, l, conf, errstr) == -1) {
		listener_stop(srv, l);
		return NULL;
	}
	log_info("listening on %s", l->text);
	return l;
}

/* Whether l was opened for cl (and so survives a reload to it). */
static int
listener_same(const struct listener *l, const struct conf_listen *cl)
{
	if (!l->configured || l->kind != cl->kind)
		return 0;
	if (cl->kind == CONF_LISTEN_UNIX)
		return l->path != NULL && cl->path != NULL &&
		    strcmp(l->path, cl->path) == 0;
	return l->host != NULL && l->port != NULL && cl->host != NULL &&
	    cl->port != NULL && strcmp(l->host, cl->host) == 0 &&
	    strcmp(l->port, cl->port) == 0;
}

struct server *
serve_new(struct ev_loop *loop, const struct conf *conf, struct store *store,
    char **errstr)
{
	struct server *srv;
	struct listener *l;
	size_t i;

	srv = xcalloc(1, sizeof(*srv));
	srv->loop = ev_loop_new(EVFLAG_AUTO);
	if (srv->loop == NULL) {
		free(srv);
		*errstr = xstrdup("cannot initialise the server's loop");
		return NULL;
	}
	srv->store = store;
	srv->conf = conf;
	srv->started = (int64_t)time(NULL);
	atomic_init(&srv->wedged, 0);
	atomic_init(&srv->beat, (int64_t)(mono_now() * 1000));
	serve_thread_init(srv, loop);
	ev_timer_init(&srv->health, health_timer_cb, 1., 1.);
	srv->health.data = srv;
	ev_timer_start(srv->loop, &srv->health);
	srv->nsd = systemd_listen_fds(&srv->sd_fds);
	srv->ls = xcalloc(conf->nlisten + srv->nsd + 1, sizeof(*srv->ls));
	for (i = 0; i < conf->nlisten; i++) {
		l = listener_open(srv, conf, &conf->listen[i], errstr);
		if (l == NULL) {
			serve_free(srv);
			return NULL;
		}
		srv->ls[srv->nls++] = l;
	}
	/* The activated sockets left over are served as they are. */
	while (srv->nsd > 0) {
		l = listener_extra(srv, conf, srv->sd_fds[--srv->nsd], errstr);
		if (l == NULL) {
			serve_free(srv);
			return NULL;
		}
		srv->ls[srv->nls++] = l;
	}
	if (serve_thread_start(srv, errstr) == -1) {
		serve_free(srv);
		return NULL;
	}
	return srv;
}

struct reload {
	const struct conf *newconf;
	char		**errstr;
	int		 rc;
};

/* serve_reload on the server's thread. */
static void
reload_call(struct server *srv, void *arg)
{
	struct reload *rl = arg;
	const struct conf *newconf = rl->newconf;
	struct listener **ls, *l;
	size_t i, j, n = 0, nold = srv->nls;
	int *keep;

	rl->rc = -1;
	ls = xcalloc(newconf->nlisten + srv->nls + 1, sizeof(*ls));
	keep = xcalloc(srv->nls + 1, sizeof(*keep));
	for (i = 0; i < newconf->nlisten; i++) {
		l = NULL;
		for (j = 0; j < nold && l == NULL; j++) {
			if (!keep[j] && listener_same(srv->ls[j],
			    &newconf->listen[i])) {
				keep[j] = 1;
				l = srv->ls[j];
			}
		}
		if (l == NULL) {
			l = listener_open(srv, newconf, &newconf->listen[i],
			    rl->errstr);
			if (l == NULL)
				goto fail;
			l->configured = 2;	/* new: undone on failure */
		}
		ls[n++] = l;
	}
	/* systemd's extra sockets stay whatever the config says. */
	for (j = 0; j < nold; j++) {
		if (!srv->ls[j]->configured) {
			keep[j] = 1;
			ls[n++] = srv->ls[j];
		}
	}
	for (j = 0; j < nold; j++) {
		if (!keep[j]) {
			log_info("no longer listening on %s",
			    srv->ls[j]->text);
			listener_stop(srv, srv->ls[j]);
		}
	}
	for (i = 0; i < n; i++)
		if (ls[i]->configured == 2)
			ls[i]->configured = 1;
	free(srv->ls);
	free(keep);
	srv->ls = ls;
	srv->nls = n;
	srv->conf = newconf;
	cache_clear(srv);
	rl->rc = 0;
	return;
fail:
	for (i = 0; i < n; i++)
		if (ls[i]->configured == 2)
			listener_stop(srv, ls[i]);
	free(ls);
	free(keep);
}

int
serve_reload(struct server *srv, const struct conf *newconf, char **errstr)
{
	struct reload rl;

	rl.newconf = newconf;
	rl.errstr = errstr;
	rl.rc = -1;
	serve_call(srv, reload_call, &rl);
	return rl.rc;
}

struct refresh_hook {
	int		(*cb)(void *, const char *);
	void		*arg;
};

static void
set_refresh_call(struct server *srv, void *arg)
{
	struct refresh_hook *h = arg;

	srv->refresh_cb = h->cb;
	srv->refresh_arg = h->arg;
}

void
serve_set_refresh(struct server *srv, int (*cb)(void *, const char *),
    void *arg)
{
	struct refresh_hook h;

	/* The server's thread reads it (is there one?), the loop's calls
	 * it (serve_thread.c). */
	h.cb = cb;
	h.arg = arg;
	serve_call(srv, set_refresh_call, &h);
}

static void
stall_call(struct server *srv, void *arg)
{
	struct listener *l = arg;

	l->stalled = 1;
	ev_io_stop(srv->loop, &l->io);
	ev_timer_stop(srv->loop, &l->timer);
}

void
serve_test_stall(struct server *srv, size_t i)
{
	if (srv == NULL || i >= srv->nls)
		return;
	serve_call(srv, stall_call, srv->ls[i]);
}

int
serve_tcp_port(const struct server *srv, size_t i)
{
	if (srv == NULL || i >= srv->nls || srv->ls[i]->is_unix)
		return -1;
	return srv->ls[i]->bound_port;
}

void
serve_free(struct server *srv)
{
	size_t i;

	if (srv == NULL)
		return;
	/* The thread first: what follows is then this thread's alone. */
	serve_thread_free(srv);
	ev_timer_stop(srv->loop, &srv->health);
	for (i = 0; i < srv->nls; i++)
		listener_stop(srv, srv->ls[i]);
	for (i = 0; i < srv->nsd; i++)
		close(srv->sd_fds[i]);
	cache_clear(srv);
	free(srv->sd_fds);
	free(srv->ls);
	ev_loop_destroy(srv->loop);
	free(srv);
}
