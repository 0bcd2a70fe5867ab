/*
 * fetch.h: HTTP GETs with libcurl's multi socket API, driven by libev.
 *
 * One struct fetcher owns one CURLM and its watchers.  fetch_start queues
 * a request; the callback runs exactly once per started request, from the
 * loop, when the transfer is over (or with FETCH_ABORTED from fetch_free).
 * No call blocks the loop, name resolution included.
 *
 * The body is counted as it is decoded, so a chunked or compressed body
 * cannot get past max_size.
 */
#ifndef FEEDD_FETCH_H
#define FEEDD_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct fetcher;
struct fetch_host;

struct fetch_opts {
	const char	*user_agent;	/* NULL: feedd/VERSION (+URL) */
	int		 max_connections;	/* transfers at once */
	size_t		 max_size;	/* body cap in decoded bytes */
	/* Seconds; 0 picks the default (15, 60, 100 B/s over 30 s). */
	long		 connect_timeout;
	long		 timeout;	/* whole transfer, queue excluded */
	long		 low_speed_limit;	/* bytes per second ... */
	long		 low_speed_time;	/* ... for this long aborts */
	/* Per host name; 0: no limit, no delay. */
	int		 per_host_connections;	/* transfers at once */
	double		 host_delay;	/* seconds between two starts */
};

struct fetch_request {
	const char	*url;
	const char	*etag;		/* sent as If-None-Match, or NULL */
	const char	*last_modified;	/* sent as If-Modified-Since, or NULL */
	const char	*user_agent;	/* per-feed override, or NULL */
};

/*
 * What kind of failure, for the feed's state and its logs; the names of
 * fetch_error_name ("dns", "connect", ...) are what the state keeps.
 */
enum fetch_error {
	FETCH_ERROR_NONE,	/* FETCH_OK, FETCH_NOT_MODIFIED */
	FETCH_ERROR_DNS,	/* the name did not resolve */
	FETCH_ERROR_CONNECT,	/* no connection */
	FETCH_ERROR_TLS,	/* handshake or certificate */
	FETCH_ERROR_TIMEOUT,	/* too slow, or stalled */
	FETCH_ERROR_SIZE,	/* body past max_size */
	FETCH_ERROR_REDIRECT,	/* too many, or into the local network */
	FETCH_ERROR_SCHEME,	/* not http(s), or a malformed URL */
	FETCH_ERROR_NETWORK,	/* any other transfer failure */
	FETCH_ERROR_HTTP,	/* a status other than 2xx and 304 */
	FETCH_ERROR_ABORTED	/* fetch_free while in flight */
};

/* "dns", "connect", "tls", "timeout", "size", "redirect", "scheme",
 * "network", "http", "aborted"; NULL for FETCH_ERROR_NONE. */
const char	*fetch_error_name(enum fetch_error e);

enum fetch_status {
	FETCH_OK,		/* 2xx with a body */
	FETCH_NOT_MODIFIED,	/* 304 */
	FETCH_HTTP_ERROR,	/* any other HTTP status */
	FETCH_NET_ERROR,	/* connect, TLS, DNS, timeout, too large, ... */
	FETCH_ABORTED		/* fetch_free while in flight */
};

/* Valid only during the callback. */
struct fetch_result {
	enum fetch_status status;
	long		 http_code;	/* 0 if no response */
	const char	*error;		/* one-line reason unless OK/304 */
	enum fetch_error error_class;	/* FETCH_ERROR_NONE for OK/304 */
	const char	*body;
	size_t		 len;
	const char	*etag;		/* from the final response, or NULL */
	const char	*last_modified;
	const char	*content_type;
	const char	*effective_url;
	/* Scheduling hints of the final response, raw, or NULL. */
	const char	*cache_control;
	const char	*expires;
	const char	*retry_after;
	/* The same interpreted, as of the loop's time when the transfer
	 * ended: seconds the response stays fresh (Cache-Control max-age,
	 * else Expires; 0: no hint); Retry-After as unix seconds (a delay
	 * counts from the next whole second, so never shorter; 0: absent,
	 * unreadable or past); the charset parameter of content_type. */
	int64_t		 fresh_for;
	int64_t		 retry_at;
	const char	*charset;
	int		 redirects;	/* hops followed */
	int		 permanent_redirect;	/* hops > 0, each 301 or 308 */
};

typedef void	(*fetch_done_fn)(void *arg, const struct fetch_result *res);

/* Returns NULL with a reason in *errstr. */
struct fetcher	*fetch_new(struct ev_loop *loop, const struct fetch_opts *opts,
		    char **errstr);
/* Aborts what is in flight (callbacks run with FETCH_ABORTED), frees. */
void		 fetch_free(struct fetcher *f);
/* Returns 0, or -1 if the request could not even be set up (the callback
 * is then not called). */
int		 fetch_start(struct fetcher *f, const struct fetch_request *req,
		    fetch_done_fn done, void *arg);

/*
 * Changes the limits of fetch_new for requests started from now on
 * (a config reload): max_connections and max_size <= 0 pick the
 * defaults, per_host_connections 0 and host_delay 0 mean no limit.
 */
void		 fetch_set_limits(struct fetcher *f, int max_connections,
		    int per_host_connections, double host_delay,
		    size_t max_size);

/*
 * Retry-After for a whole host: no request to the host of url (as the
 * queues count hosts) starts before until (unix seconds, as ev_now).
 * Requests already queued wait; a later hold replaces an earlier one
 * only if it ends later.
 */
void		 fetch_hold_host(struct fetcher *f, const char *url,
		    double until);

/*
 * The fetcher's record of url's host (created on first use), the one
 * per-host table of the daemon: it lives as long as f, so a caller may
 * keep the pointer (not past fetch_free).
 */
struct fetch_host *fetch_host_get(struct fetcher *f, const char *url);
/* Its name, as uri_host gives it. */
const char	*fetch_host_name(const struct fetch_host *h);
/* When its Retry-After hold (fetch_hold_host) ends, unix seconds as
 * ev_now; 0 or a time already past: not held. */
double		 fetch_host_held_until(const struct fetch_host *h);

/*
 * HTTP header values interpreted, pure functions (fetch_result carries
 * their results for the final response; other fetch callers may use them
 * on the raw values).  now and the results are unix seconds.
 */
/* Seconds the response stays fresh: Cache-Control max-age, else Expires
 * (RFC 9111 5.3: max-age wins, even when it cannot be read); 0: none. */
int64_t		 fetch_http_freshness(const char *cache_control,
		    const char *expires, int64_t now);
/* Retry-After (delay-seconds, counted from now, or an HTTP date) as a
 * time, 0 if absent, unreadable or not after now. */
int64_t		 fetch_http_retry_after(const char *value, int64_t now);
/* The charset parameter of a Content-Type value, copied (free it), or
 * NULL. */
char		*fetch_http_charset(const char *content_type);

/*
 * Whether the numeric IPv4 or IPv6 address ip is one a redirect from a
 * public address may not lead to: loopback, private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), link-local, CGNAT (100.64/10), unspecified
 * (0.0.0.0/8, ::), multicast, reserved, documentation and other special
 * ranges; IPv4-mapped, NAT64 and 6to4 addresses by the IPv4 address
 * inside.  Returns 1 if special, 0 if public, -1 if ip is not an address.
 */
int		 fetch_addr_special(const char *ip);

/* For tests only (they have nothing but loopback): the address ip
 * counts as public for f, so that a loopback origin stands in for a
 * public host.  NULL clears it. */
void		 fetch_test_public(struct fetcher *f, const char *ip);

#endif
