/*
 * serve_int.h: what the files of the HTTP server share, and nothing
 * outside them may include.  The server is one module in five files:
 *
 *   serve.c        the listeners' lifecycle (open, drive from libev,
 *                  reload, close) and the routes[] table that
 *                  dispatches a request to its handler;
 *   serve_http.c   HTTP itself: replies, content negotiation, the Host
 *                  check, oversized requests, query parameters;
 *   serve_health.c connections counted, slow ones cut, wedged
 *                  listeners found (and /healthz);
 *   serve_cache.c  the rendered-document cache, its validators (ETag,
 *                  Last-Modified), gzip, and sending a cached document;
 *   serve_feed.c   the merged feed and its views: parameters and views
 *                  checked against the config (feeds, tags in any
 *                  case), turned into a store query, rendered, cached.
 *
 *   serve_thread.c the server's thread, and the lock it shares with
 *                  the daemon's loop (what may be touched without it).
 *
 * Binding sockets and systemd's socket activation are listen.c's (it
 * knows nothing of this struct).  Everything here runs on the server's
 * own thread (serve_thread.c), except serve_new, serve_free and what
 * serve_call hands over; the store is reached only under the state
 * lock.
 */
#ifndef FEEDD_SERVE_INT_H
#define FEEDD_SERVE_INT_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

#include <ev.h>
#include <microhttpd.h>

#include "conf.h"
#include "metrics.h"
#include "render.h"
#include "base/util.h"

#define SERVE_MAX_VALUES	32	/* tag= plus feed= per request */
#define CACHE_SLOTS		32
#define TEXT_PLAIN		"text/plain; charset=utf-8"

struct store;

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
	/* Made on first use and queued on every connection that asks:
	 * [gzip][304], each holding a reference to its document. */
	struct MHD_Response *resp[2][2];
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
	struct sockaddr_storage addr;	/* TCP: the socket's own address */
	int		 addr_ok;	/* addr is set */
};

struct serve_thread;

struct server {
	struct ev_loop	*loop;		/* the server's own */
	struct serve_thread *thr;
	struct store	*store;		/* under the state lock */
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
	struct metrics	 metrics;	/* as last read under the lock */
	int		 metrics_ok;
	/* What serve_healthy reads from the daemon's thread. */
	atomic_int	 wedged;	/* listeners wedged at the last check */
	_Atomic int64_t	 beat;		/* that check's time (ms) */
};

struct route;

/* One request, from its first handler call to MHD's completion notice. */
struct request {
	double		 start;		/* monotonic seconds */
	const struct route *route;	/* NULL until routed, or none */
	enum render_format format;
	char		*view;		/* /view/NAME.*: the name */
	size_t		 body;		/* bytes of body seen */
	int		 answered;
	int		 seen;		/* the handler was called */
	unsigned int	 refuse;	/* answer this status at once */
};

/* A route's handler: called once the whole request is in. */
typedef enum MHD_Result route_fn(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url);

/* A prefix route's test of the rest of the path (after the prefix):
 * whether it names a document here; it may set req->format and view. */
typedef int route_match_fn(struct request *req, const char *rest);

/* The query of a feed request, validated. */
struct params {
	size_t		 limit;
	const char	*tags[SERVE_MAX_VALUES];
	size_t		 ntags;
	const char	*feeds[SERVE_MAX_VALUES];
	size_t		 nfeeds;
	const char	*q;
	int64_t		 since;
	const char	*since_text;	/* since as given */
	int		 nvalues;
	char		*err;		/* first problem (freed by reset) */
	struct buf	 key;		/* canonical, for the cache */
	struct buf	 query;		/* re-encoded for the self link */
};

/* What a builder made: a body, its type and its Last-Modified time; or
 * an error status with a reason. */
struct built {
	struct buf	 out;
	const char	*ctype;
	int64_t		 mtime;
	unsigned int	 status;	/* 0 when fine */
	char		*reason;
};

/* Renders a document into b for cache_serve; host is the request's
 * (for self links), arg the caller's. */
typedef void build_fn(struct server *srv, const struct request *req,
    const char *host, void *arg, struct built *b);

static inline double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* serve.c: runs MHD on l now and re-arms its timer. */
void		 listener_drive(struct listener *l);

/* serve_health.c */
void		 health_notify_conn(void *cls, struct MHD_Connection *mc,
		    void **socket_context,
		    enum MHD_ConnectionNotificationCode toe);
void		 health_timer_cb(struct ev_loop *loop, ev_timer *w,
		    int revents);
route_fn	 serve_healthz;

/* serve_http.c: replies.  Each returns what the MHD handler returns. */
enum MHD_Result	 http_queue(struct request *req, struct MHD_Connection *conn,
		    unsigned int status, struct MHD_Response *r);
/* The same without destroying r: a response the caller keeps for other
 * requests (MHD counts its own references). */
enum MHD_Result	 http_queue_kept(struct request *req,
		    struct MHD_Connection *conn, unsigned int status,
		    struct MHD_Response *r);
enum MHD_Result	 http_reply_text(struct request *req,
		    struct MHD_Connection *conn, unsigned int status,
		    const char *text, const char *allow);
enum MHD_Result	 http_reply_fmt(struct request *req,
		    struct MHD_Connection *conn, unsigned int status,
		    const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
enum MHD_Result	 http_refuse_raw(struct request *req,
		    struct MHD_Connection *conn, unsigned int status);
/* serve_http.c: what a request says */
const char	*http_request_host(struct MHD_Connection *conn);
int		 http_accepts_gzip(struct MHD_Connection *conn);
int		 http_etag_matches(const char *header, const char *etag);
int		 http_host_allowed(const struct listener *l,
		    const struct conf *conf, const char *host);
int		 http_head_too_large(struct MHD_Connection *conn,
		    const char *url, const char *method);
void		 http_key_add(struct buf *b, const char *s);
int		 http_params_read(struct MHD_Connection *conn,
		    struct params *p);
void		 http_params_reset(struct params *p);
/* serve_http.c: MHD's callbacks around a request */
void		*http_uri_cb(void *cls, const char *uri,
		    struct MHD_Connection *conn);
void		 http_completed(void *cls, struct MHD_Connection *conn,
		    void **con_cls, enum MHD_RequestTerminationCode toe);
void		 http_logger(void *cls, const char *fmt, va_list ap);

/* serve_cache.c: which store generations a document is rendered from
 * (it is rendered again when they change). */
enum cache_gens {
	CACHE_GENS_NONE,	/* neither: only a reload changes it */
	CACHE_GENS_ENTRIES,	/* store_generation */
	CACHE_GENS_BOTH		/* and store_feeds_generation */
};
enum MHD_Result	 cache_serve(struct server *srv, struct request *req,
		    struct MHD_Connection *conn, const char *url,
		    const char *keyextra, enum cache_gens gens,
		    build_fn *build, void *arg);
void		 cache_clear(struct server *srv);

/* serve_thread.c: the state lock (see there).  serve_lock,
 * serve_lock_or_copy (1 if taken, 0: use the copy you have) and
 * serve_unlock on the server's thread only; the daemon's thread holds the
 * lock whenever it runs. */
typedef void serve_call_fn(struct server *srv, void *arg);
void		 serve_thread_init(struct server *srv, struct ev_loop *daemon_loop);
int		 serve_thread_start(struct server *srv, char **errstr);
void		 serve_thread_free(struct server *srv);
void		 serve_lock(struct server *srv);
int		 serve_lock_or_copy(struct server *srv, int have_copy);
void		 serve_unlock(struct server *srv);
/* POST /refresh: hands name (NULL: every feed) to the daemon's loop,
 * which passes it to the refresh hook on its own thread.  -1 when too
 * many wait already. */
int		 serve_refresh_queue(struct server *srv, const char *name);
/* Whether the server's thread waits for the lock. */
int		 serve_waits(const struct server *srv);
/* From the daemon's thread, holding the lock: runs fn(srv, arg) on the
 * server's thread and returns when it has. */
void		 serve_call(struct server *srv, serve_call_fn *fn, void *arg);

/* serve_feed.c: the routes /feed.FORMAT and /view/NAME.FORMAT */
route_match_fn	 feed_match, view_match;
route_fn	 serve_feed;

#endif
