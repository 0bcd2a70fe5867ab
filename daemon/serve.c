/*
 * serve.c: the HTTP server: the merged feed as /feed.atom and /feed.rss,
 * and /healthz, on every configured listener.
 *
 * Sockets.  Every listener is bound here (libmicrohttpd's own binding
 * cannot do AF_UNIX): TCP with SO_REUSEADDR (and IPV6_V6ONLY, so "[::1]"
 * and "127.0.0.1" can both be configured), Unix sockets after removing a
 * stale socket file (never a live one, nor a file that is not a socket),
 * then chmod 0660.  Each socket gets its own MHD daemon with no internal
 * thread, driven from the libev loop (TECH-NOTES 2): an ev_io watches the
 * daemon's epoll fd and an ev_timer MHD's next timeout; both run MHD_run()
 * and re-arm the timer from MHD_get_timeout() afterwards.  MHD limits
 * connections, per-connection memory (so request size) and idle time.
 *
 * Handlers run on the loop thread and never wait: a feed is answered from
 * a rendered document cached per (format, Host) and tagged with the store
 * generation it was rendered from, so a reader polling every minute costs
 * no database query until a fetch changes the store.  Documents are
 * reference counted: a slow client keeps the bytes it is being sent alive
 * after the cache moved on.  The cache has a fixed number of slots
 * (replacing the least recently used), because the Host header is chosen
 * by the client.
 *
 * Validators.  The ETag names the process (start time and pid), the
 * store generation, the format, the Host and the coding, so it changes
 * whenever the bytes can (and does not repeat across restarts, when
 * generations start over).  Last-Modified is the newest time the store
 * saw one of the listed entries appear or change (not the entries' own
 * dates, which publishers set and may set in the past), so it moves
 * forward with every new or changed entry.  If-None-Match wins over
 * If-Modified-Since (RFC 9110 13.2.2).
 *
 * Not here yet: query parameters, JSON Feed, views, /, /status, /metrics,
 * socket activation.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
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
#include <zlib.h>

#include "conf.h"
#include "log.h"
#include "render.h"
#include "serve.h"
#include "parsers/date.h"
#include "parsers/util.h"
#include "storage/store.h"

#define SERVE_LIMIT		50	/* entries in the merged feed */
#define SERVE_BACKLOG		128
#define SERVE_CONN_LIMIT	64
#define SERVE_CONN_TIMEOUT	10	/* seconds idle */
#define SERVE_CONN_MEMORY	((size_t)65536)
#define CACHE_SLOTS		8
#define HOST_MAX		255
#define FEED_TITLE		"feedd: all feeds"
#define ALLOW			"GET, HEAD"
#define TEXT_PLAIN		"text/plain; charset=utf-8"

/* A rendered body shared by the cache and the responses sending it. */
struct doc {
	size_t		 refs;
	size_t		 len;
	char		*data;
};

struct cache_slot {
	int		 used;
	enum render_format format;
	char		*host;
	uint64_t	 gen;
	unsigned long	 tick;		/* last use (replacement) */
	struct doc	*plain;
	struct doc	*gz;		/* made on first gzip request */
	char		 etag[96];
	char		 etag_gz[96];
	char		 last_modified[40];
	int64_t		 mtime;
};

struct listener {
	struct server	*srv;
	struct MHD_Daemon *mhd;
	int		 fd;		/* owned by mhd once started */
	ev_io		 io;
	ev_timer	 timer;
	char		*unix_path;	/* our socket file, or NULL */
	int		 port;		/* TCP: bound port; else -1 */
};

struct server {
	struct ev_loop	*loop;
	struct store	*store;
	struct listener	*ls;
	size_t		 nls;
	struct cache_slot cache[CACHE_SLOTS];
	unsigned long	 tick;
	int64_t		 started;
};

static struct doc *
doc_new(char *data, size_t len)
{
	struct doc *d;

	d = xmalloc(sizeof(*d));
	d->refs = 1;
	d->len = len;
	d->data = data;
	return d;
}

static void
doc_unref(void *arg)
{
	struct doc *d = arg;

	if (d == NULL || --d->refs > 0)
		return;
	free(d->data);
	free(d);
}

static void
slot_clear(struct cache_slot *c)
{
	free(c->host);
	doc_unref(c->plain);
	doc_unref(c->gz);
	memset(c, 0, sizeof(*c));
}

/* --- the MHD daemons inside libev */

static void
listener_rearm(struct listener *l)
{
	MHD_UNSIGNED_LONG_LONG ms;
	struct ev_loop *loop = l->srv->loop;

	ev_timer_stop(loop, &l->timer);
	if (MHD_get_timeout(l->mhd, &ms) == MHD_YES) {
		ev_timer_set(&l->timer, (double)ms / 1000.0, 0.);
		ev_timer_start(loop, &l->timer);
	}
}

static void
listener_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct listener *l = w->data;

	(void)loop;
	(void)revents;
	MHD_run(l->mhd);
	listener_rearm(l);
}

static void
listener_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct listener *l = w->data;

	(void)loop;
	(void)revents;
	MHD_run(l->mhd);
	listener_rearm(l);
}

/* MHD's own messages are mostly about misbehaving clients: debug. */
static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_debug("http: %s", msg);
}

/* --- requests */

/* The Host header if it looks like host[:port], else "localhost": it
 * ends up in the self link and in a cache key. */
static const char *
request_host(struct MHD_Connection *conn)
{
	const char *h, *p;

	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	if (h == NULL || *h == '\0' || strlen(h) > HOST_MAX)
		return "localhost";
	for (p = h; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-:[]_", *p) != NULL)
			continue;
		return "localhost";
	}
	return h;
}

/* Whether the q parameter of one Accept-Encoding element says "not
 * acceptable" (q=0, q=0.0, ...). */
static int
q_is_zero(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ';'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=') {
			p += 2;
			if (p < end && *p == '0') {
				p++;
				if (p < end && *p == '.')
					p++;
				while (p < end && *p == '0')
					p++;
				return p == end || *p == ' ' || *p == ';' ||
				    *p == '\t';
			}
			return 0;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 0;
}

/* Whether the client accepts gzip (RFC 9110 12.5.3). */
static int
accepts_gzip(struct MHD_Connection *conn)
{
	const char *v, *p, *end, *tok, *tokend;
	int star = 0;

	v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (v == NULL)
		return 0;
	for (p = v; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		tok = p;
		while (tok < end && (*tok == ' ' || *tok == '\t'))
			tok++;
		tokend = tok;
		while (tokend < end && *tokend != ';' && *tokend != ' ' &&
		    *tokend != '\t')
			tokend++;
		if ((tokend - tok == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (tokend - tok == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			return !q_is_zero(tokend, end);
		if (tokend - tok == 1 && *tok == '*')
			star = !q_is_zero(tokend, end);
	}
	return star;
}

/* Whether If-None-Match lists etag ("*" matches anything); weak
 * comparison, as RFC 9110 13.1.2 asks. */
static int
etag_matches(const char *header, const char *etag)
{
	const char *p = header, *q;
	size_t n = strlen(etag);

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return 0;
		q = strchr(p + 1, '"');
		if (q == NULL)
			return 0;
		if ((size_t)(q + 1 - p) == n && strncmp(p, etag, n) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

static enum MHD_Result
queue(struct MHD_Connection *conn, unsigned int status,
    struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A short plain-text answer (static text). */
static enum MHD_Result
reply_text(struct MHD_Connection *conn, unsigned int status,
    const char *text)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, TEXT_PLAIN);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, ALLOW);
	if (status != MHD_HTTP_OK)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	return queue(conn, status, r);
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static int
gzip_doc(const struct doc *in, struct doc **out)
{
	z_stream z;
	char *data;
	size_t size;
	int rc;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper rather than zlib's. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size = deflateBound(&z, in->len);
	data = xmalloc(size);
	z.next_in = (Bytef *)in->data;
	z.avail_in = in->len;
	z.next_out = (Bytef *)data;
	z.avail_out = size;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(data);
		return -1;
	}
	*out = doc_new(data, size - z.avail_out);
	return 0;
}

/*
 * The cache slot for (format, host), rendered for the current store
 * generation, or NULL if the store or the renderer failed.
 */
static struct cache_slot *
cache_get(struct server *srv, enum render_format format, const char *host)
{
	struct store_query q;
	struct store_item *items = NULL;
	struct render_channel ch;
	struct cache_slot *c = NULL, *victim = NULL;
	struct buf out;
	char *self;
	uint64_t gen = store_generation(srv->store);
	size_t i, nitems = 0;
	int64_t mtime;

	srv->tick++;
	for (i = 0; i < CACHE_SLOTS; i++) {
		c = &srv->cache[i];
		if (c->used && c->format == format &&
		    strcmp(c->host, host) == 0)
			break;
		if (victim == NULL || !c->used ||
		    (victim->used && c->tick < victim->tick))
			victim = c;
		c = NULL;
	}
	if (c != NULL && c->gen == gen) {
		c->tick = srv->tick;
		return c;
	}
	if (c == NULL)
		c = victim;

	memset(&q, 0, sizeof(q));
	q.limit = SERVE_LIMIT;
	if (store_items(srv->store, &q, &items, &nitems) == -1) {
		log_warnx("serving: cannot read entries: %s",
		    store_errmsg(srv->store));
		return NULL;
	}
	self = xasprintf("http://%s/feed.%s", host,
	    format == RENDER_ATOM ? "atom" : "rss");
	memset(&ch, 0, sizeof(ch));
	ch.title = FEED_TITLE;
	ch.self_url = self;
	ch.now = (int64_t)time(NULL);
	buf_init(&out, 0);
	if (render_feed(format, &ch, items, nitems, &out) == -1) {
		log_warnx("serving: cannot render %s", self);
		buf_reset(&out);
		free(self);
		store_items_free(items, nitems);
		return NULL;
	}
	mtime = nitems == 0 ? srv->started : 0;
	for (i = 0; i < nitems; i++) {
		if (items[i].first_seen > mtime)
			mtime = items[i].first_seen;
		if (items[i].changed > mtime)
			mtime = items[i].changed;
	}
	free(self);
	store_items_free(items, nitems);

	slot_clear(c);
	c->used = 1;
	c->format = format;
	c->host = xstrdup(host);
	c->gen = gen;
	c->tick = srv->tick;
	c->mtime = mtime;
	i = out.len;
	c->plain = doc_new(buf_steal(&out), i);
	snprintf(c->etag, sizeof(c->etag), "\"%" PRIx64 "%x-%" PRIx64
	    "-%s-%08" PRIx32 "\"", srv->started, (unsigned)getpid(), gen,
	    format == RENDER_ATOM ? "atom" : "rss", fnv1a(host));
	snprintf(c->etag_gz, sizeof(c->etag_gz), "%.*s-gz\"",
	    (int)strlen(c->etag) - 1, c->etag);
	/* HTTP dates are RFC 822 dates in GMT (RFC 9110 5.6.7). */
	date_format_rfc822(mtime, c->last_modified);
	i = strlen(c->last_modified);
	if (i > 5 && strcmp(c->last_modified + i - 5, "+0000") == 0)
		strcpy(c->last_modified + i - 5, "GMT");
	return c;
}

static enum MHD_Result
serve_feed(struct server *srv, struct MHD_Connection *conn,
    enum render_format format)
{
	struct cache_slot *c;
	struct MHD_Response *r;
	struct doc *d;
	const char *inm, *ims, *etag;
	int64_t t;
	int gz, fresh = 0;

	c = cache_get(srv, format, request_host(conn));
	if (c == NULL)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal error: cannot read the feed\n");
	gz = accepts_gzip(conn);
	if (gz && c->gz == NULL && gzip_doc(c->plain, &c->gz) == -1)
		gz = 0;
	d = gz ? c->gz : c->plain;
	etag = gz ? c->etag_gz : c->etag;

	inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	ims = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if (inm != NULL)
		fresh = etag_matches(inm, etag);
	else if (ims != NULL && date_parse(ims, &t) == 0)
		fresh = c->mtime <= t;

	if (fresh) {
		r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	} else {
		d->refs++;
		r = MHD_create_response_from_buffer_with_free_callback_cls(
		    d->len, d->data, doc_unref, d);
		if (r == NULL)
			d->refs--;
	}
	if (r == NULL)
		return MHD_NO;
	if (!fresh) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    render_content_type(format));
		if (gz)
			MHD_add_response_header(r,
			    MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED,
	    c->last_modified);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	return queue(conn, fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, r);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	static int seen;
	struct server *srv = cls;
	int route;

	(void)version;
	(void)upload_data;
	if (strcmp(url, "/feed.atom") == 0)
		route = 1;
	else if (strcmp(url, "/feed.rss") == 0)
		route = 2;
	else if (strcmp(url, "/healthz") == 0)
		route = 3;
	else
		route = 0;
	/*
	 * Errors are answered on the first call, before any body is read
	 * (MHD then closes the connection).  Good requests wait for the
	 * second call: answering while MHD still expects the rest of the
	 * request would cost the keep-alive connection.
	 */
	if (*con_cls == NULL) {
		log_debug("http: %s %s", method, url);
		if (route == 0)
			return reply_text(conn, MHD_HTTP_NOT_FOUND,
			    "not found: this server has /feed.atom, "
			    "/feed.rss and /healthz\n");
		/* MHD leaves the body out for HEAD itself. */
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method not allowed: only GET and HEAD\n");
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;	/* a GET with a body: ignored */
		return MHD_YES;
	}
	switch (route) {
	case 1:
		return serve_feed(srv, conn, RENDER_ATOM);
	case 2:
		return serve_feed(srv, conn, RENDER_RSS);
	default:
		return reply_text(conn, MHD_HTTP_OK, "ok\n");
	}
}

/* --- listeners */

static int
set_nonblock(int fd)
{
	int fl;

	fl = fcntl(fd, F_GETFL);
	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	return 0;
}

static int
bind_tcp(const struct conf_listen *cl, int *portp, char **errstr)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
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
	    listen(fd, SERVE_BACKLOG) == -1 || set_nonblock(fd) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		goto fail;
	*portp = ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	freeaddrinfo(res);
	return fd;
fail:
	*errstr = xasprintf("listen %s: %s", cl->text, strerror(errno));
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return -1;
}

static int
bind_unix(const struct conf_listen *cl, char **errstr)
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
	if (chmod(cl->path, 0660) == -1 || listen(fd, SERVE_BACKLOG) == -1 ||
	    set_nonblock(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(cl->path);
		*errstr = xasprintf("listen %s: %s", cl->text,
		    strerror(saved));
		return -1;
	}
	return fd;
}

static int
listener_start(struct server *srv, struct listener *l,
    const struct conf_listen *cl, char **errstr)
{
	const union MHD_DaemonInfo *info;

	l->srv = srv;
	l->port = -1;
	if (cl->kind == CONF_LISTEN_UNIX) {
		l->fd = bind_unix(cl, errstr);
		if (l->fd != -1)
			l->unix_path = xstrdup(cl->path);
	} else
		l->fd = bind_tcp(cl, &l->port, errstr);
	if (l->fd == -1)
		return -1;

	l->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, handler, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)l->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, SERVE_CONN_MEMORY,
	    MHD_OPTION_SIGPIPE_HANDLED_BY_APP, (int)1,
	    MHD_OPTION_END);
	if (l->mhd == NULL) {
		*errstr = xasprintf("listen %s: cannot start the HTTP server",
		    cl->text);
		close(l->fd);
		l->fd = -1;
		return -1;
	}
	info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		*errstr = xasprintf("listen %s: no epoll fd", cl->text);
		return -1;
	}
	ev_io_init(&l->io, listener_io_cb, info->epoll_fd, EV_READ);
	l->io.data = l;
	ev_io_start(srv->loop, &l->io);
	ev_init(&l->timer, listener_timer_cb);
	l->timer.data = l;
	listener_rearm(l);
	if (l->port != -1 && strcmp(cl->port, "0") == 0)
		log_info("listening on %s (port %d)", cl->text, l->port);
	else
		log_info("listening on %s", cl->text);
	return 0;
}

static void
listener_stop(struct server *srv, struct listener *l)
{
	if (l->mhd != NULL) {
		ev_io_stop(srv->loop, &l->io);
		ev_timer_stop(srv->loop, &l->timer);
		/* Closes the listening socket and every connection. */
		MHD_stop_daemon(l->mhd);
		l->mhd = NULL;
	} else if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	if (l->unix_path != NULL) {
		unlink(l->unix_path);
		free(l->unix_path);
		l->unix_path = NULL;
	}
}

struct server *
serve_new(struct ev_loop *loop, const struct conf *conf, struct store *store,
    char **errstr)
{
	struct server *srv;
	size_t i;

	srv = xcalloc(1, sizeof(*srv));
	srv->loop = loop;
	srv->store = store;
	srv->started = (int64_t)time(NULL);
	srv->ls = xcalloc(conf->nlisten, sizeof(*srv->ls));
	for (i = 0; i < conf->nlisten; i++)
		srv->ls[i].fd = -1;
	srv->nls = conf->nlisten;
	for (i = 0; i < conf->nlisten; i++) {
		if (listener_start(srv, &srv->ls[i], &conf->listen[i],
		    errstr) == -1) {
			serve_free(srv);
			return NULL;
		}
	}
	return srv;
}

int
serve_tcp_port(const struct server *srv, size_t i)
{
	if (srv == NULL || i >= srv->nls)
		return -1;
	return srv->ls[i].port;
}

void
serve_free(struct server *srv)
{
	size_t i;

	if (srv == NULL)
		return;
	for (i = 0; i < srv->nls; i++)
		listener_stop(srv, &srv->ls[i]);
	for (i = 0; i < CACHE_SLOTS; i++)
		slot_clear(&srv->cache[i]);
	free(srv->ls);
	free(srv);
}
