/*
 * serve.c: the HTTP server: the merged feed and its views, the operator's
 * pages, and the refresh hook, on every configured listener.
 *
 * Sockets.  Every listener is bound here (libmicrohttpd's own binding
 * cannot do AF_UNIX): TCP with SO_REUSEADDR (and IPV6_V6ONLY, so "[::1]"
 * and "127.0.0.1" can both be configured), Unix sockets after removing a
 * stale socket file (never a live one, nor a file that is not a socket),
 * then chmod to socket_mode.  Sockets handed over by systemd socket
 * activation (sd_listen_fds(3); the same LISTEN_PID/LISTEN_FDS protocol
 * parsed by hand when built without libsystemd) are matched to the
 * configured listeners by address and used instead of binding; the rest
 * are served as extra listeners.  Their socket files belong to systemd
 * and are never removed here.  Each socket gets its own MHD daemon with
 * no internal thread, driven from the libev loop (TECH-NOTES 2): an ev_io
 * watches the daemon's epoll fd and an ev_timer MHD's next timeout; both
 * run MHD_run() and re-arm the timer from MHD_get_timeout() afterwards,
 * or at once after a run that closed a connection (listener_rearm).
 * MHD limits connections (http_max_clients), per-connection memory (so
 * the request line and headers) and idle time (http_timeout); bodies,
 * which no route needs, are counted and refused past SERVE_BODY_MAX.
 * What MHD's memory limit does not answer well is refused here first:
 * long request targets and many parameters (414, uri_cb), large heads
 * (431, refuse_raw); requests slower than twice http_timeout are cut
 * and wedged listeners reported by a check every second (health).
 * The Host header must name this server (host_allowed), against DNS
 * rebinding.
 *
 * Handlers run on the loop thread and never wait: documents are answered
 * from a cache keyed by (Host, path, the query parameters that matter)
 * and tagged with the store generation(s) they were rendered from, so a
 * reader polling every minute costs no database query until a fetch
 * changes the store.  Documents are reference counted: a slow client
 * keeps the bytes it is being sent alive after the cache moved on.  The
 * cache has a fixed number of slots (replacing the least recently used),
 * because the Host header and the query are chosen by the client.
 *
 * Validators.  The ETag names the process (start time and pid), the
 * store generations, a hash of the cache key and the coding, so it
 * changes whenever the bytes can (and does not repeat across restarts,
 * when generations start over).  Last-Modified of a feed is the newest
 * time the store saw one of the listed entries appear or change (not the
 * entries' own dates, which publishers set and may set in the past), so
 * it moves forward with every new or changed entry; of the other
 * documents, the time they were rendered.  If-None-Match wins over
 * If-Modified-Since (RFC 9110 13.2.2).
 *
 * Metrics: every answered request is counted with its latency (from the
 * first handler call to MHD's completion notice) in metrics.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <microhttpd.h>
#include <zlib.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "opml.h"
#include "page.h"
#include "render.h"
#include "serve.h"
#include "parsers/date.h"
#include "parsers/util.h"
#include "storage/store.h"

#define SERVE_LIMIT		50	/* default entries per feed */
#define SERVE_LIMIT_MAX		500
#define SERVE_PAGE_ITEMS	50	/* the river on / and /status */
#define SERVE_MAX_VALUES	32	/* tag= plus feed= per request */
#define SERVE_BODY_MAX		4096	/* bytes of request body */
#define SERVE_URI_MAX		4096	/* bytes of request target */
#define SERVE_MAX_PARAMS	64	/* query parameters */
#define SERVE_HEAD_MAX		8192	/* bytes of request head (estimate) */
#define SERVE_HEAD_RECORD	64	/* MHD's cost of a header (estimate) */
#define SERVE_SEND_FACTOR	10.0	/* x timeout to take an answer */
#define SERVE_BACKLOG		128
#define SERVE_CONN_LIMIT	64	/* when the config says 0 */
#define SERVE_CONN_TIMEOUT	10	/* seconds idle, idem */
#define SERVE_SOCKET_MODE	0660	/* idem */
#define SERVE_CONN_MEMORY	((size_t)16384)	/* MHD zeroes it per request */
#define CACHE_SLOTS		32
#define HEALTH_GRACE		3.0	/* s a client may wait for accept */
#define HOST_MAX		255
#define FEED_TITLE		"feedd: all feeds"
#define ALLOW			"GET, HEAD"
#define TEXT_PLAIN		"text/plain; charset=utf-8"
#define SD_FDS_START		3	/* SD_LISTEN_FDS_START */

/* A rendered body shared by the cache and the responses sending it. */
struct doc {
	size_t		 refs;
	size_t		 len;
	char		*data;
};

struct cache_slot {
	int		 used;
	char		*key;
	uint64_t	 gen, gen2;
	unsigned long	 tick;		/* last use (replacement) */
	const char	*ctype;		/* static */
	struct doc	*plain;
	struct doc	*gz;		/* made on first gzip request */
	char		 etag[128];
	char		 etag_gz[128];
	char		 last_modified[40];
	int64_t		 mtime;
};

/* One accepted connection, from MHD's start notice to its close notice. */
struct conn {
	struct listener	*l;
	struct MHD_Connection *mhd;
	double		 since;		/* request awaited / answer since */
	int		 busy;		/* request in, answer being sent */
	int		 cut;		/* shut down: too slow */
	struct conn	*prev, *next;
};

struct listener {
	struct server	*srv;
	struct MHD_Daemon *mhd;
	int		 fd;		/* owned by mhd once started */
	ev_io		 io;
	ev_timer	 timer;
	unsigned int	 limit;		/* connections */
	unsigned int	 timeout;	/* seconds idle */
	size_t		 nconns;
	struct conn	*conns;
	int		 closed;	/* MHD closed one during its run */
	uint64_t	 accepts;
	double		 pending_since;	/* a client waits for accept */
	uint64_t	 pending_accepts; /* accepts then */
	double		 full_since;	/* at the limit since, or 0 */
	int		 stalled;	/* tests: not driven any more */
	int		 wedged;	/* reported (logged once) */
	/* What it was opened for (copies), to compare on reload. */
	enum conf_listen_kind kind;
	char		*text, *host, *port, *path;
	int		 configured;	/* 0: an extra systemd socket */
	int		 is_unix;
	int		 activated;	/* handed over by systemd */
	char		*unix_path;	/* our socket file, or NULL */
	int		 bound_port;	/* TCP: bound port; else -1 */
};

struct server {
	struct ev_loop	*loop;
	struct store	*store;
	const struct conf *conf;
	struct listener	**ls;
	size_t		 nls;
	int		*sd_fds;	/* activated sockets not yet used */
	size_t		 nsd;
	int		 (*refresh_cb)(void *, const char *);
	void		*refresh_arg;
	struct cache_slot cache[CACHE_SLOTS];
	unsigned long	 tick;
	int64_t		 started;
	ev_timer	 health;	/* listener checks, every second */
};

enum route {
	ROUTE_NONE,
	ROUTE_FEED,
	ROUTE_VIEW,
	ROUTE_INDEX,
	ROUTE_STATUS,
	ROUTE_METRICS,
	ROUTE_OPML,
	ROUTE_HEALTHZ,
	ROUTE_REFRESH
};

/* One request, from its first handler call to MHD's completion notice. */
struct request {
	double		 start;		/* monotonic seconds */
	enum route	 route;
	enum render_format format;
	char		*view;		/* ROUTE_VIEW: the name */
	size_t		 body;		/* bytes of body seen */
	int		 answered;
	int		 seen;		/* the handler was called */
	unsigned int	 refuse;	/* answer this status at once */
};

/* The query of a feed request, validated. */
struct params {
	size_t		 limit;
	const char	*tags[SERVE_MAX_VALUES];
	size_t		 ntags;
	const char	*feeds[SERVE_MAX_VALUES];
	size_t		 nfeeds;
	const char	*q;
	int64_t		 since;
	int		 nvalues;
	char		*err;		/* first problem (freed by reset) */
	struct buf	 key;		/* canonical, for the cache */
	struct buf	 query;		/* re-encoded for the self link */
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
	free(c->key);
	doc_unref(c->plain);
	doc_unref(c->gz);
	memset(c, 0, sizeof(c[0]));
}

static void
cache_clear(struct server *srv)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		slot_clear(&srv->cache[i]);
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static void
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

/* MHD's notices of accepted and closed connections: the counts the
 * health check and the driving above rely on. */
static void
notify_conn(void *cls, struct MHD_Connection *mc, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct listener *l = cls;
	struct conn *c;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		c = xcalloc(1, sizeof(*c));
		c->l = l;
		c->mhd = mc;
		c->since = mono_now();
		c->next = l->conns;
		if (l->conns != NULL)
			l->conns->prev = c;
		l->conns = c;
		l->nconns++;
		l->accepts++;
		if (l->nconns >= l->limit && l->full_since == 0)
			l->full_since = c->since;
		*socket_context = c;
		return;
	}
	c = *socket_context;
	if (c == NULL)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	free(c);
	*socket_context = NULL;
	l->nconns--;
	l->closed = 1;
	if (l->nconns < l->limit)
		l->full_since = 0;
}

/*
 * Health.  Once a second every listener is looked at: a connection
 * whose request (line, headers and any body) has not come in within
 * twice http_timeout of the connection or of its previous answer is
 * shut down, because MHD's own timeout only counts idle time and a
 * client trickling a byte now and then would hold its slot for ever;
 * so is one whose answer has not been taken within SERVE_SEND_FACTOR
 * times http_timeout (a reader taking a byte now and then); and the
 * listening socket is polled.  A
 * listener is wedged when a client has waited in its accept queue
 * for more than HEALTH_GRACE seconds with nothing accepted meanwhile
 * although a connection slot was free (the loop runs but the listener
 * is not driven: it would never recover), or when it has been at its
 * connection limit, with clients waiting, for longer than four times
 * http_timeout plus the grace (every slot should have turned over by
 * then).  /healthz answers 503 while any listener is wedged.  A
 * listener seen with a waiting client and no progress is also run
 * once more, so a lost wakeup heals on the next check.
 */
static int
listener_pending(const struct listener *l)
{
	struct pollfd pfd;

	pfd.fd = l->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) != 0;
}

/* Whether l is wedged at now; the reason into why. */
static int
listener_wedged(const struct listener *l, double now, char *why,
    size_t len)
{
	double full_max = 4.0 * l->timeout + HEALTH_GRACE;

	if (l->pending_since == 0)
		return 0;
	if (l->nconns < l->limit && now - l->pending_since > HEALTH_GRACE) {
		snprintf(why, len, "listen %s: a client has waited %.0f s to "
		    "be accepted with %zu of %u connections in use", l->text,
		    now - l->pending_since, l->nconns, l->limit);
		return 1;
	}
	if (l->nconns >= l->limit && l->full_since != 0 &&
	    now - l->full_since > full_max &&
	    now - l->pending_since > HEALTH_GRACE) {
		snprintf(why, len, "listen %s: at its limit of %u connections "
		    "for %.0f s with clients waiting", l->text, l->limit,
		    now - l->full_since);
		return 1;
	}
	return 0;
}

static void
listener_check(struct listener *l, double now)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *c;
	char why[256];
	double limit;
	int pending;

	for (c = l->conns; c != NULL; c = c->next) {
		limit = (c->busy ? SERVE_SEND_FACTOR : 2.0) * l->timeout;
		if (c->cut || now - c->since <= limit)
			continue;
		ci = MHD_get_connection_info(c->mhd,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL)
			continue;
		/* MHD sees the end of the stream and closes it. */
		shutdown(ci->connect_fd, SHUT_RDWR);
		c->cut = 1;
		log_debug("http: listen %s: closing a connection that %s in "
		    "%.0f s", l->text, c->busy ? "did not take its answer" :
		    "sent no complete request", limit);
	}
	pending = listener_pending(l);
	if (!pending || l->accepts != l->pending_accepts ||
	    l->pending_since == 0) {
		l->pending_since = pending ? now : 0;
		l->pending_accepts = l->accepts;
	} else if (!l->stalled && l->nconns < l->limit)
		listener_drive(l);
	if (listener_wedged(l, now, why, sizeof(why))) {
		if (!l->wedged)
			log_warnx("http: %s", why);
		l->wedged = 1;
	} else if (l->wedged) {
		log_info("http: listen %s: accepting again", l->text);
		l->wedged = 0;
	}
}

static void
health_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;
	double now = mono_now();
	size_t i;

	(void)loop;
	(void)revents;
	for (i = 0; i < srv->nls; i++)
		listener_check(srv->ls[i], now);
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
queue(struct request *req, struct MHD_Connection *conn, unsigned int status,
    struct MHD_Response *r)
{
	const union MHD_ConnectionInfo *ci;
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	if (ret != MHD_YES)
		return ret;
	req->answered = 1;
	/* The request is in: the answer's deadline starts. */
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL) {
		((struct conn *)ci->socket_context)->busy = 1;
		((struct conn *)ci->socket_context)->since = mono_now();
	}
	return ret;
}

/* A short plain-text answer; text is copied.  allow: the Allow header
 * of a 405. */
static enum MHD_Result
reply_text(struct request *req, struct MHD_Connection *conn,
    unsigned int status, const char *text, const char *allow)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, TEXT_PLAIN);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    allow != NULL ? allow : ALLOW);
	if (status != MHD_HTTP_OK)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	return queue(req, conn, status, r);
}

/* The same with a formatted reason (a newline is added). */
static enum MHD_Result
reply_fmt(struct request *req, struct MHD_Connection *conn,
    unsigned int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum MHD_Result
reply_fmt(struct request *req, struct MHD_Connection *conn,
    unsigned int status, const char *fmt, ...)
{
	enum MHD_Result ret;
	va_list ap;
	char text[512];
	size_t n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text) - 1, fmt, ap);
	va_end(ap);
	n = strlen(text);
	text[n] = '\n';
	text[n + 1] = '\0';
	ret = reply_text(req, conn, status, text, NULL);
	return ret;
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

/* --- query parameters */

static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * A date-time as RFC 3339 section 5.6 writes it (full-date "T"
 * full-time, offset "Z" or +hh:mm; 't', 'z' and a space for 'T' are
 * allowed, fractions of a second ignored), into unix seconds.
 */
static int
parse_rfc3339(const char *s, int64_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct tm tm;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	time_t tt;

	if (strlen(s) < 20 || digits(s, 4, &y) == -1 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    digits(s + 8, 2, &d) == -1 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    digits(s + 17, 2, &sec) == -1)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		sign = 0;
	else if ((*s == '+' || *s == '-') && strlen(s) == 6 &&
	    digits(s + 1, 2, &oh) == 0 && s[3] == ':' &&
	    digits(s + 4, 2, &om) == 0 && oh <= 23 && om <= 59)
		sign = *s == '-' ? -1 : 1;
	else
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec == 60 ? 59 : sec;
	tt = timegm(&tm);
	/* timegm normalizes 31 February into March: refuse it. */
	if (tm.tm_mday != d)
		return -1;
	*t = (int64_t)tt - sign * (oh * 3600 + om * 60);
	return 0;
}

/* Appends s percent-encoded (RFC 3986 unreserved kept). */
static void
url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			buf_addch(b, (char)*p);
		else {
			buf_addch(b, '%');
			buf_addch(b, hex[*p >> 4]);
			buf_addch(b, hex[*p & 15]);
		}
	}
}

static void
param_record(struct params *p, const char *k, const char *v)
{
	/* Every field length-prefixed: decoded values may hold any
	 * byte, so no separator could keep two queries apart. */
	buf_printf(&p->key, "%zu:%s%zu:%s", strlen(k), k, strlen(v), v);
	if (p->query.len > 0)
		buf_addch(&p->query, '&');
	buf_printf(&p->query, "%s=", k);
	url_encode(&p->query, v);
}

static void
param_error(struct params *p, char *msg)
{
	if (p->err == NULL)
		p->err = msg;
	else
		free(msg);
}

/* MHD_KeyValueIterator over the GET arguments.  Unknown parameters are
 * ignored (clients add cache-busters). */
static enum MHD_Result
param_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct params *p = cls;
	char *end;
	unsigned long n;
	int64_t t;

	(void)kind;
	if (v == NULL)
		v = "";
	if (strcmp(k, "limit") == 0) {
		errno = 0;
		n = strtoul(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 ||
		    n < 1 || n > SERVE_LIMIT_MAX) {
			param_error(p, xasprintf("bad limit \"%.40s\": want a "
			    "number from 1 to %d", v, SERVE_LIMIT_MAX));
			return MHD_YES;
		}
		p->limit = n;
	} else if (strcmp(k, "tag") == 0 || strcmp(k, "feed") == 0) {
		if (*v == '\0') {
			param_error(p, xasprintf("bad %s: empty", k));
			return MHD_YES;
		}
		if (p->ntags + p->nfeeds >= SERVE_MAX_VALUES) {
			param_error(p, xasprintf("too many tag and feed "
			    "parameters: at most %d", SERVE_MAX_VALUES));
			return MHD_YES;
		}
		if (*k == 't')
			p->tags[p->ntags++] = v;
		else
			p->feeds[p->nfeeds++] = v;
	} else if (strcmp(k, "q") == 0) {
		p->q = v;
	} else if (strcmp(k, "since") == 0) {
		if (parse_rfc3339(v, &t) == -1) {
			param_error(p, xasprintf("bad since \"%.40s\": want "
			    "an RFC 3339 date-time such as "
			    "2024-03-01T12:00:00Z", v));
			return MHD_YES;
		}
		/* 0 means "no limit" to the store. */
		p->since = t == 0 ? 1 : t;
	} else
		return MHD_YES;
	param_record(p, k, v);
	return MHD_YES;
}

static int
params_read(struct MHD_Connection *conn, struct params *p)
{
	memset(p, 0, sizeof(*p));
	p->limit = SERVE_LIMIT;
	buf_init(&p->key, 0);
	buf_init(&p->query, 0);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, param_cb, p);
	return p->err != NULL ? -1 : 0;
}

static void
params_reset(struct params *p)
{
	free(p->err);
	buf_reset(&p->key);
	buf_reset(&p->query);
}

/* --- the document cache */

/* What a builder made: a body, its type and its Last-Modified time; or
 * an error status with a reason. */
struct built {
	struct buf	 out;
	const char	*ctype;
	int64_t		 mtime;
	unsigned int	 status;	/* 0 when fine */
	char		*reason;
};

static const char *const format_ext[] = { "rss", "atom", "json" };

/* The newest time the store saw one of the items appear or change. */
static int64_t
items_mtime(const struct store_item *items, size_t n, int64_t dflt)
{
	int64_t m = n == 0 ? dflt : 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (items[i].first_seen > m)
			m = items[i].first_seen;
		if (items[i].changed > m)
			m = items[i].changed;
	}
	return m;
}

static void
build_feed(struct server *srv, const struct request *req,
    const struct params *p, const struct conf_view *view, const char *host,
    struct built *b)
{
	struct store_query q;
	struct store_item *items = NULL;
	struct render_channel ch;
	char *self, *site, *title = NULL;
	size_t nitems = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	q.limit = p->limit;
	q.since = p->since;
	if (view != NULL) {
		q.tags = (const char *const *)view->tags;
		q.ntags = view->ntags;
		q.feeds = (const char *const *)view->feeds;
		q.nfeeds = view->nfeeds;
		q.q = view->query;
	} else {
		q.tags = p->tags;
		q.ntags = p->ntags;
		q.feeds = p->feeds;
		q.nfeeds = p->nfeeds;
		q.q = p->q;
	}
	rc = store_items(srv->store, &q, &items, &nitems);
	if (rc == -2) {
		b->status = MHD_HTTP_BAD_REQUEST;
		b->reason = xasprintf("bad q: %s", store_errmsg(srv->store));
		return;
	}
	if (rc != 0) {
		log_warnx("serving: cannot read entries: %s",
		    store_errmsg(srv->store));
		b->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		b->reason = xstrdup("internal error: cannot read the feed");
		return;
	}
	if (view != NULL)
		self = xasprintf("http://%s/view/%s.%s%s%s", host, view->name,
		    format_ext[req->format], p->query.len ? "?" : "",
		    p->query.len ? p->query.data : "");
	else
		self = xasprintf("http://%s/feed.%s%s%s", host,
		    format_ext[req->format], p->query.len ? "?" : "",
		    p->query.len ? p->query.data : "");
	site = xasprintf("http://%s/", host);
	memset(&ch, 0, sizeof(ch));
	if (view != NULL && view->title != NULL)
		ch.title = view->title;
	else if (view != NULL)
		ch.title = title = xasprintf("feedd: %s", view->name);
	else if (p->ntags + p->nfeeds > 0 || p->q != NULL || p->since != 0)
		ch.title = "feedd: selected entries";
	else
		ch.title = FEED_TITLE;
	ch.self_url = self;
	ch.site_url = site;
	ch.now = srv->started;
	ch.outlet = srv->conf->outlet;
	if (render_feed(req->format, &ch, items, nitems, &b->out) == -1) {
		log_warnx("serving: cannot render %s", self);
		b->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		b->reason = xstrdup("internal error: cannot render the feed");
	}
	b->ctype = render_content_type(req->format);
	b->mtime = items_mtime(items, nitems, srv->started);
	free(self);
	free(site);
	free(title);
	store_items_free(items, nitems);
}

/* / and /status: the newest entries and every feed's state. */
static void
build_page(struct server *srv, const struct request *req, struct built *b)
{
	struct store_query q;
	struct store_item *items = NULL;
	struct store_feed_row *rows = NULL;
	struct page_data d;
	size_t nitems = 0, nrows = 0;

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
	if (req->route == ROUTE_INDEX) {
		page_html(&d, &b->out);
		b->ctype = "text/html; charset=utf-8";
	} else {
		if (page_status_json(&d, &b->out) == -1) {
			b->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			b->reason = xstrdup("internal error: cannot render "
			    "the status");
		}
		b->ctype = "application/json; charset=utf-8";
	}
	b->mtime = d.now;
	store_items_free(items, nitems);
	store_feeds_free(rows, nrows);
}

static void
build_opml(struct server *srv, struct built *b)
{
	opml_write(srv->conf, &b->out);
	b->ctype = "text/x-opml; charset=utf-8";
	b->mtime = srv->started;
}

/* The slot holding key, or the one to replace. */
static struct cache_slot *
cache_find(struct server *srv, const char *key, int *hit)
{
	struct cache_slot *c, *victim = NULL;
	size_t i;

	srv->tick++;
	for (i = 0; i < CACHE_SLOTS; i++) {
		c = &srv->cache[i];
		if (c->used && strcmp(c->key, key) == 0) {
			*hit = 1;
			return c;
		}
		if (victim == NULL || !c->used ||
		    (victim->used && c->tick < victim->tick))
			victim = c;
	}
	*hit = 0;
	return victim;
}

static void
cache_fill(struct server *srv, struct cache_slot *c, const char *key,
    uint64_t gen, uint64_t gen2, struct built *b)
{
	size_t len, n;

	slot_clear(c);
	c->used = 1;
	c->key = xstrdup(key);
	c->gen = gen;
	c->gen2 = gen2;
	c->tick = srv->tick;
	c->ctype = b->ctype;
	c->mtime = b->mtime;
	len = b->out.len;
	c->plain = doc_new(buf_steal(&b->out), len);
	snprintf(c->etag, sizeof(c->etag), "\"%" PRIx64 "%x-%" PRIx64 ".%"
	    PRIx64 "-%08" PRIx32 "\"", srv->started, (unsigned)getpid(), gen,
	    gen2, str_hash(key));
	snprintf(c->etag_gz, sizeof(c->etag_gz), "%.*s-gz\"",
	    (int)strlen(c->etag) - 1, c->etag);
	/* HTTP dates are RFC 822 dates in GMT (RFC 9110 5.6.7). */
	date_format_rfc822(c->mtime, c->last_modified);
	n = strlen(c->last_modified);
	if (n > 5 && strcmp(c->last_modified + n - 5, "+0000") == 0)
		strcpy(c->last_modified + n - 5, "GMT");
}

/* Sends the slot's document, or 304 when the validators match. */
static enum MHD_Result
send_slot(struct request *req, struct MHD_Connection *conn,
    struct cache_slot *c)
{
	struct MHD_Response *r;
	struct doc *d;
	const char *inm, *ims, *etag;
	int64_t t;
	int gz, fresh = 0;

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
		    c->ctype);
		if (gz)
			MHD_add_response_header(r,
			    MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED,
	    c->last_modified);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	return queue(req, conn, fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK,
	    r);
}

/* The cached routes: feeds, views, /, /status, /feeds.opml. */
static enum MHD_Result
serve_cached(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	const struct conf_view *view = NULL;
	struct cache_slot *c;
	struct params p;
	struct built b;
	struct buf key;
	uint64_t gen = 0, gen2 = 0;
	const char *host;
	enum MHD_Result ret;
	int hit;

	if (params_read(conn, &p) == -1 && (req->route == ROUTE_FEED ||
	    req->route == ROUTE_VIEW)) {
		ret = reply_fmt(req, conn, MHD_HTTP_BAD_REQUEST, "%s", p.err);
		params_reset(&p);
		return ret;
	}
	if (req->route == ROUTE_VIEW) {
		view = conf_find_view(srv->conf, req->view);
		if (view == NULL) {
			params_reset(&p);
			return reply_fmt(req, conn, MHD_HTTP_NOT_FOUND,
			    "not found: no view named \"%.100s\"", req->view);
		}
		if (p.ntags + p.nfeeds > 0 || p.q != NULL) {
			params_reset(&p);
			return reply_fmt(req, conn, MHD_HTTP_BAD_REQUEST,
			    "view \"%.100s\" has its own filters: only limit "
			    "and since apply to it", req->view);
		}
	}
	host = request_host(conn);
	buf_init(&key, 0);
	buf_printf(&key, "%zu:%s%zu:%s", strlen(host), host, strlen(url),
	    url);
	if (req->route == ROUTE_FEED || req->route == ROUTE_VIEW) {
		buf_addstr(&key, p.key.len > 0 ? p.key.data : "");
		gen = store_generation(srv->store);
	} else if (req->route == ROUTE_INDEX || req->route == ROUTE_STATUS) {
		gen = store_generation(srv->store);
		gen2 = store_feeds_generation(srv->store);
	}
	c = cache_find(srv, key.data, &hit);
	if (!hit || c->gen != gen || c->gen2 != gen2) {
		memset(&b, 0, sizeof(b));
		buf_init(&b.out, 0);
		if (req->route == ROUTE_FEED || req->route == ROUTE_VIEW)
			build_feed(srv, req, &p, view, host, &b);
		else if (req->route == ROUTE_OPML)
			build_opml(srv, &b);
		else
			build_page(srv, req, &b);
		if (b.status != 0) {
			ret = reply_fmt(req, conn, b.status, "%s", b.reason);
			free(b.reason);
			buf_reset(&b.out);
			buf_reset(&key);
			params_reset(&p);
			return ret;
		}
		cache_fill(srv, c, key.data, gen, gen2, &b);
	}
	c->tick = srv->tick;
	buf_reset(&key);
	params_reset(&p);
	return send_slot(req, conn, c);
}

/* --- routes */

static const char not_found[] = "not found: this server has /, /status, "
    "/metrics, /feeds.opml, /healthz, /feed.{rss,atom,json} and "
    "/view/NAME.{rss,atom,json}\n";

/* Sets req->route (and format, view) from the path. */
static void
route_parse(struct request *req, const char *url)
{
	const char *dot, *name;
	size_t i;

	req->route = ROUTE_NONE;
	if (strcmp(url, "/") == 0)
		req->route = ROUTE_INDEX;
	else if (strcmp(url, "/status") == 0)
		req->route = ROUTE_STATUS;
	else if (strcmp(url, "/metrics") == 0)
		req->route = ROUTE_METRICS;
	else if (strcmp(url, "/feeds.opml") == 0)
		req->route = ROUTE_OPML;
	else if (strcmp(url, "/healthz") == 0)
		req->route = ROUTE_HEALTHZ;
	else if (strcmp(url, "/refresh") == 0)
		req->route = ROUTE_REFRESH;
	if (req->route != ROUTE_NONE)
		return;
	if (strncmp(url, "/feed.", 6) == 0) {
		name = NULL;
		dot = url + 5;
	} else if (strncmp(url, "/view/", 6) == 0) {
		name = url + 6;
		dot = strrchr(name, '.');
		if (dot == NULL || dot == name || memchr(name, '/',
		    (size_t)(dot - name)) != NULL)
			return;
	} else
		return;
	for (i = 0; i < sizeof(format_ext) / sizeof(format_ext[0]); i++) {
		if (strcmp(dot + 1, format_ext[i]) == 0) {
			req->format = (enum render_format)i;
			req->route = name == NULL ? ROUTE_FEED : ROUTE_VIEW;
			if (name != NULL)
				req->view = xasprintf("%.*s",
				    (int)(dot - name), name);
			return;
		}
	}
}

static enum MHD_Result
serve_metrics(struct request *req, struct MHD_Connection *conn)
{
	struct MHD_Response *r;
	struct buf out;
	size_t len;
	char *data;

	buf_init(&out, 0);
	metrics_render(&out);
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
	return queue(req, conn, MHD_HTTP_OK, r);
}

static enum MHD_Result
serve_refresh(struct server *srv, struct request *req,
    struct MHD_Connection *conn)
{
	const char *name;

	if (srv->refresh_cb == NULL)
		return reply_text(req, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "refresh is not available\n", NULL);
	name = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
	    "feed");
	if (name != NULL && *name == '\0')
		name = NULL;
	if (srv->refresh_cb(srv->refresh_arg, name) == -1)
		return reply_fmt(req, conn, MHD_HTTP_NOT_FOUND,
		    "not found: no feed named \"%.100s\"", name ? name : "");
	if (name != NULL)
		log_info("refresh of %s requested", name);
	else
		log_info("refresh of every feed requested");
	return reply_fmt(req, conn, MHD_HTTP_ACCEPTED,
	    "refresh requested: %.100s", name ? name : "every feed");
}

/*
 * MHD's URI callback runs once the request line is in, before MHD
 * splits the query into its memory pool; libmicrohttpd 0.9.75 neither
 * answers nor closes a connection whose pool the parameters exhaust
 * (it waits for the timeout).  A request line longer than SERVE_URI_MAX
 * or with more than SERVE_MAX_PARAMS parameters is refused here, and
 * its query cut off in MHD's own copy of the line (the callback runs on
 * it before it is split) so that MHD parses none of it; the handler
 * then answers 414 at once.  The request's state starts here too.
 */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *req;
	char *q;
	size_t n = 1;

	(void)cls;
	(void)conn;
	req = xcalloc(1, sizeof(*req));
	req->start = mono_now();
	q = strchr(uri, '?');
	if (q != NULL)
		for (n = 1; *q != '\0'; q++)
			n += *q == '&';
	if (strlen(uri) > SERVE_URI_MAX || n > SERVE_MAX_PARAMS) {
		req->refuse = MHD_HTTP_URI_TOO_LONG;
		q = strchr(uri, '?');
		if (q != NULL)
			q[1] = '\0';
	}
	return req;
}

/* Whether s (of n bytes) is an IP address literal equal to the address
 * of the socket fd, or any address when fd is bound to a wildcard. */
static int
host_is_listener_addr(const char *s, size_t n, int v6, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct in6_addr a6;
	struct in_addr a4;
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (v6) {
		if (inet_pton(AF_INET6, tmp, &a6) != 1 ||
		    ss.ss_family != AF_INET6)
			return 0;
		return memcmp(&((struct sockaddr_in6 *)&ss)->sin6_addr,
		    &in6addr_any, sizeof(a6)) == 0 ||
		    memcmp(&((struct sockaddr_in6 *)&ss)->sin6_addr, &a6,
		    sizeof(a6)) == 0;
	}
	if (inet_pton(AF_INET, tmp, &a4) != 1 || ss.ss_family != AF_INET)
		return 0;
	return ((struct sockaddr_in *)&ss)->sin_addr.s_addr ==
	    htonl(INADDR_ANY) ||
	    ((struct sockaddr_in *)&ss)->sin_addr.s_addr == a4.s_addr;
}

/*
 * Whether the Host header names this server, against DNS rebinding: a
 * page from a name the attacker controls, re-pointed at 127.0.0.1,
 * reaches us with its own name as Host.  Accepted: "localhost", the
 * loopback literals 127.0.0.1 and [::1] on Unix sockets (local clients
 * and proxies say so), the listener's own address (any address literal
 * when it is bound to a wildcard address: a name is needed for
 * rebinding), and the configured server_name values; each with or
 * without a port, any port (the name is what an attacker controls), a
 * final dot ignored.  No Host at all is accepted here: browsers always
 * send one, and the handler answers 400 to HTTP/1.1 without it (RFC
 * 9112 3.2), leaving HTTP/1.0 clients that predate the header.
 */
static int
host_allowed(const struct listener *l, const struct conf *conf,
    const char *host)
{
	const char *name, *end, *p;
	size_t n, i;
	int v6 = 0;

	if (host == NULL)
		return 1;
	if (*host == '[') {
		name = host + 1;
		end = strchr(name, ']');
		if (end == NULL)
			return 0;
		p = end + 1;
		v6 = 1;
	} else {
		name = host;
		end = strchr(name, ':');
		if (end == NULL)
			end = name + strlen(name);
		p = end;
	}
	if (*p == ':') {
		for (i = 1; p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == 1 || i > 6 || p[i] != '\0')
			return 0;
	} else if (*p != '\0')
		return 0;
	n = (size_t)(end - name);
	if (n > 1 && !v6 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > HOST_MAX)
		return 0;
	if (!v6 && n == 9 && strncasecmp(name, "localhost", 9) == 0)
		return 1;
	if (l->is_unix && ((v6 && n == 3 && strncmp(name, "::1", 3) == 0) ||
	    (!v6 && n == 9 && strncmp(name, "127.0.0.1", 9) == 0)))
		return 1;
	if (!l->is_unix && host_is_listener_addr(name, n, v6, l->fd))
		return 1;
	for (i = 0; conf != NULL && i < conf->nserver_names; i++) {
		if (strlen(conf->server_names[i]) == n &&
		    strncasecmp(conf->server_names[i], name, n) == 0)
			return 1;
	}
	return 0;
}

/* /healthz: 503 with the reasons while a listener is wedged. */
static enum MHD_Result
serve_healthz(struct server *srv, struct request *req,
    struct MHD_Connection *conn)
{
	struct buf out;
	char why[256];
	double now = mono_now();
	enum MHD_Result ret;
	size_t i;

	buf_init(&out, 0);
	for (i = 0; i < srv->nls; i++)
		if (listener_wedged(srv->ls[i], now, why, sizeof(why)))
			buf_printf(&out, "unhealthy: %s\n", why);
	if (out.len == 0) {
		buf_reset(&out);
		return reply_text(req, conn, MHD_HTTP_OK, "ok\n", NULL);
	}
	ret = reply_text(req, conn, MHD_HTTP_SERVICE_UNAVAILABLE, out.data,
	    NULL);
	buf_reset(&out);
	return ret;
}

/* MHD_KeyValueIterator adding up what a request's head takes in MHD's
 * memory pool: the text and a record per header, cookie or argument. */
static enum MHD_Result
head_size_cb(void *cls, enum MHD_ValueKind kind, const char *k,
    const char *v)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(k) + (v != NULL ? strlen(v) : 0) + SERVE_HEAD_RECORD;
	return MHD_YES;
}

/*
 * An oversized request is answered by writing a fixed response to the
 * socket here rather than queueing one, and its connection closed: a
 * request that nearly fills the connection's memory pool leaves MHD no
 * room to build any response header (it would close without a word).
 * This runs on the handler's first call, before MHD has written
 * anything of this request (the previous one on the connection was sent
 * in full).
 */
static enum MHD_Result
refuse_raw(struct request *req, struct MHD_Connection *conn,
    unsigned int status)
{
	static const char r414[] = "HTTP/1.1 414 URI Too Long\r\n"
	    "Connection: close\r\nContent-Type: " TEXT_PLAIN "\r\n"
	    "Content-Length: 22\r\nCache-Control: no-store\r\n\r\n"
	    "request line too long\n";
	static const char r431[] = "HTTP/1.1 431 Request Header Fields "
	    "Too Large\r\nConnection: close\r\nContent-Type: " TEXT_PLAIN
	    "\r\nContent-Length: 30\r\nCache-Control: no-store\r\n\r\n"
	    "request header fields too big\n";
	const union MHD_ConnectionInfo *ci;
	const char *r = status == MHD_HTTP_URI_TOO_LONG ? r414 : r431;
	size_t len = status == MHD_HTTP_URI_TOO_LONG ? sizeof(r414) - 1 :
	    sizeof(r431) - 1;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL)
		(void)send(ci->connect_fd, r, len, MSG_NOSIGNAL |
		    MSG_DONTWAIT);
	req->answered = 1;	/* counted when MHD is done with it */
	return MHD_NO;
}

/* Whether the request's head takes more than SERVE_HEAD_MAX. */
static int
head_too_large(struct MHD_Connection *conn, const char *url,
    const char *method)
{
	size_t n = strlen(url) + strlen(method);

	MHD_get_connection_values(conn, MHD_HEADER_KIND | MHD_COOKIE_KIND |
	    MHD_GET_ARGUMENT_KIND, head_size_cb, &n);
	if (n <= SERVE_HEAD_MAX)
		return 0;
	log_debug("http: %s %.100s: request head of %zu bytes refused",
	    method, url, n);
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
	int get;

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
			return refuse_raw(req, conn, req->refuse);
		if (head_too_large(conn, url, method))
			return refuse_raw(req, conn,
			    MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE);
		host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_HOST);
		if (host == NULL && strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
			return reply_text(req, conn, MHD_HTTP_BAD_REQUEST,
			    "bad request: no Host header\n", NULL);
		if (!host_allowed(l, srv->conf, host))
			return reply_text(req, conn,
			    MHD_HTTP_MISDIRECTED_REQUEST, "misdirected "
			    "request: this server does not answer for that "
			    "Host (see server_name in feedd.conf(5))\n", NULL);
		route_parse(req, url);
		get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
		    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
		if (req->route == ROUTE_REFRESH && !l->is_unix)
			return reply_text(req, conn, MHD_HTTP_FORBIDDEN,
			    "forbidden: /refresh is served only on Unix "
			    "sockets\n", NULL);
		if (req->route == ROUTE_NONE)
			return reply_text(req, conn, MHD_HTTP_NOT_FOUND,
			    not_found, NULL);
		if (req->route == ROUTE_REFRESH &&
		    strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return reply_text(req, conn,
			    MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method not allowed: /refresh takes POST\n",
			    "POST");
		/* MHD leaves the body out for HEAD itself. */
		if (req->route != ROUTE_REFRESH && !get)
			return reply_text(req, conn,
			    MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method not allowed: only GET and HEAD\n", NULL);
		/* Refused before a client waiting for "100 Continue"
		 * sends it. */
		clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (clen != NULL && strtoull(clen, NULL, 10) > SERVE_BODY_MAX)
			return reply_text(req, conn,
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
	switch (req->route) {
	case ROUTE_HEALTHZ:
		return serve_healthz(srv, req, conn);
	case ROUTE_METRICS:
		return serve_metrics(req, conn);
	case ROUTE_REFRESH:
		return serve_refresh(srv, req, conn);
	default:
		return serve_cached(srv, req, conn, url);
	}
}

/* MHD's notice that a request is over: count it, free its state. */
static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)cls;
	(void)toe;
	/* The next request's head is awaited from now on. */
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL) {
		((struct conn *)ci->socket_context)->busy = 0;
		((struct conn *)ci->socket_context)->since = mono_now();
	}
	if (req == NULL)
		return;
	if (req->answered)
		metrics_http_request(mono_now() - req->start);
	free(req->view);
	free(req);
	*con_cls = NULL;
}

/* --- binding */

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
bind_tcp(const struct conf_listen *cl, char **errstr)
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
	    listen(fd, SERVE_BACKLOG) == -1 || set_nonblock(fd) == -1)
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

static int
bind_unix(const struct conf_listen *cl, mode_t mode, char **errstr)
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
	if (chmod(cl->path, mode) == -1 || listen(fd, SERVE_BACKLOG) == -1 ||
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

/* --- socket activation */

/* Whether fd is a listening stream socket. */
static int
is_listening_stream(int fd)
{
#ifdef HAVE_SYSTEMD
	return sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) > 0;
#else
	int type = 0, acc = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		return 0;
	len = sizeof(acc);
	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 &&
	    acc != 0;
#endif
}

/*
 * The sockets systemd handed over (sd_listen_fds(3)): LISTEN_PID names
 * this process and LISTEN_FDS counts the fds from 3.  The variables are
 * removed so children do not take them for theirs.  Sets *fds (caller
 * frees) and returns how many.
 */
static size_t
activated_fds(int **fds)
{
	size_t i, n = 0, k = 0;
	int fd, fl;
#ifdef HAVE_SYSTEMD
	int r;

	r = sd_listen_fds(1);
	if (r < 0)
		log_warnx("socket activation: %s", strerror(-r));
	n = r > 0 ? (size_t)r : 0;
#else
	const char *pid, *nfds;
	char *end;
	unsigned long v;

	pid = getenv("LISTEN_PID");
	nfds = getenv("LISTEN_FDS");
	if (pid != NULL && nfds != NULL) {
		errno = 0;
		v = strtoul(pid, &end, 10);
		if (errno == 0 && *end == '\0' &&
		    v == (unsigned long)getpid()) {
			v = strtoul(nfds, &end, 10);
			if (errno == 0 && *end == '\0' && v < 1024)
				n = v;
		}
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
#endif
	*fds = NULL;
	if (n == 0)
		return 0;
	*fds = xcalloc(n, sizeof(**fds));
	for (i = 0; i < n; i++) {
		fd = SD_FDS_START + (int)i;
		fl = fcntl(fd, F_GETFD);
		if (fl == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1 ||
		    !is_listening_stream(fd) || set_nonblock(fd) == -1) {
			log_warnx("socket activation: fd %d is not a "
			    "listening stream socket: ignored", fd);
			continue;
		}
		(*fds)[k++] = fd;
	}
	return k;
}

/* Whether the activated socket fd is bound where cl says. */
static int
fd_matches(int fd, const struct conf_listen *cl)
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

/* Takes the activated socket matching cl out of srv's list, or -1. */
static int
take_activated(struct server *srv, const struct conf_listen *cl)
{
	size_t i;
	int fd;

	for (i = 0; i < srv->nsd; i++) {
		if (!fd_matches(srv->sd_fds[i], cl))
			continue;
		fd = srv->sd_fds[i];
		srv->sd_fds[i] = srv->sd_fds[--srv->nsd];
		return fd;
	}
	return -1;
}

/* --- listeners */

static int
sock_port(int fd)
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

	limit = conf->http_max_clients > 0 ?
	    (unsigned int)conf->http_max_clients : SERVE_CONN_LIMIT;
	timeout = conf->http_timeout > 0 ?
	    (unsigned int)conf->http_timeout : SERVE_CONN_TIMEOUT;
	l->limit = limit;
	l->timeout = timeout;
	l->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, handler, l,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, notify_conn, l,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, NULL,
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
		l->fd = bind_unix(cl, (mode_t)mode, errstr);
		if (l->fd != -1)
			l->unix_path = xstrdup(cl->path);
	} else
		l->fd = bind_tcp(cl, errstr);
	if (l->fd == -1) {
		listener_free(l);
		return NULL;
	}
	if (!l->is_unix)
		l->bound_port = sock_port(l->fd);
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
		l->bound_port = sock_port(fd);
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
	srv->loop = loop;
	srv->store = store;
	srv->conf = conf;
	srv->started = (int64_t)time(NULL);
	ev_timer_init(&srv->health, health_cb, 1., 1.);
	srv->health.data = srv;
	ev_timer_start(loop, &srv->health);
	srv->nsd = activated_fds(&srv->sd_fds);
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
	return srv;
}

int
serve_reload(struct server *srv, const struct conf *newconf, char **errstr)
{
	struct listener **ls, *l;
	size_t i, j, n = 0, nold = srv->nls;
	int *keep;

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
			    errstr);
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
	return 0;
fail:
	for (i = 0; i < n; i++)
		if (ls[i]->configured == 2)
			listener_stop(srv, ls[i]);
	free(ls);
	free(keep);
	return -1;
}

void
serve_set_refresh(struct server *srv, int (*cb)(void *, const char *),
    void *arg)
{
	srv->refresh_cb = cb;
	srv->refresh_arg = arg;
}

void
serve_test_stall(struct server *srv, size_t i)
{
	struct listener *l;

	if (srv == NULL || i >= srv->nls)
		return;
	l = srv->ls[i];
	l->stalled = 1;
	ev_io_stop(srv->loop, &l->io);
	ev_timer_stop(srv->loop, &l->timer);
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
	ev_timer_stop(srv->loop, &srv->health);
	for (i = 0; i < srv->nls; i++)
		listener_stop(srv, srv->ls[i]);
	for (i = 0; i < srv->nsd; i++)
		close(srv->sd_fds[i]);
	cache_clear(srv);
	free(srv->sd_fds);
	free(srv->ls);
	free(srv);
}
