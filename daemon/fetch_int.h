/*
 * fetch_int.h: what the files of the fetcher share, and nobody else sees.
 *
 *	fetch.c		the fetcher: libcurl's multi handle inside libev,
 *			the jobs, dispatch, and the report of each transfer
 *	fetch_host.c	the one per-host table: queues, host_delay, holds
 *	fetch_addr.c	where a redirect may lead (public or special
 *			addresses), checked as curl connects
 *	fetch_http.c	what a response says: status lines, error classes,
 *			and the headers interpreted (freshness, Retry-After,
 *			charset)
 *
 * Other modules see fetch.h only.
 */
#ifndef FEEDD_FETCH_INT_H
#define FEEDD_FETCH_INT_H

#include <sys/queue.h>

#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <ev.h>

#include "fetch.h"
#include "base/util.h"

/* Bytes of a non-2xx body read before the transfer is cut. */
#define FETCH_ERROR_BODY_MAX		(64 * 1024)

struct fetch_sock {
	ev_io			 io;	/* first: the callback casts back */
	struct fetcher		*f;
	curl_socket_t		 fd;
	LIST_ENTRY(fetch_sock)	 entry;
};

struct fetch_job {
	TAILQ_ENTRY(fetch_job)	 entry;
	struct fetcher		*f;
	struct fetch_host	*host;
	CURL			*easy;	/* NULL while queued */
	struct curl_slist	*headers;
	char			*url;
	char			*etag;
	char			*last_modified;
	char			*user_agent;	/* NULL: the fetcher's */
	fetch_done_fn		 done;
	void			*arg;

	struct buf		 body;
	size_t			 max_size;	/* the cap when started */
	int			 too_large;
	long			 status;	/* of the last status line */
	char			 reason[64];	/* its reason phrase */
	int			 hops;		/* redirects seen */
	int			 temporary;	/* a hop was not 301/308 */
	size_t			 discarded;	/* bytes of non-2xx bodies */
	int			 cut;		/* ... past the cap */
	int			 nrequests;	/* PREREQFUNCTION calls */
	int			 origin_special; /* of the first request */
	char			 refused[INET6_ADDRSTRLEN]; /* a hop's */
	char			 errbuf[CURL_ERROR_SIZE];
};

TAILQ_HEAD(fetch_jobs, fetch_job);

#define FETCH_HOST_BUCKETS	1024

struct fetch_host {
	LIST_ENTRY(fetch_host)	 hash;
	TAILQ_ENTRY(fetch_host)	 ready;
	int			 in_ready;
	struct fetcher		*f;
	char			*name;
	struct fetch_jobs	 queue;
	int			 nactive;
	int			 started;	/* last_start is valid */
	ev_tstamp		 last_start;
	ev_tstamp		 hold_until;	/* Retry-After; 0: none */
	ev_timer		 wait;		/* host_delay, hold */
};

struct fetcher {
	struct ev_loop		*loop;
	CURLM			*multi;
	ev_timer		 timer;		/* curl's timeout */
	ev_timer		 kick;		/* starts queued jobs */
	struct fetch_jobs	 active;	/* handed to curl */
	int			 nactive;
	int			 nqueued;
	LIST_HEAD(, fetch_host)	 hosts[FETCH_HOST_BUCKETS];
	TAILQ_HEAD(, fetch_host) ready;	/* hosts that may start one */
	LIST_HEAD(, fetch_sock)	 socks;
	int			 closing;

	char			*user_agent;
	int			 max_connections;
	size_t			 max_size;
	long			 connect_timeout;
	long			 timeout;
	long			 low_speed_limit;
	long			 low_speed_time;
	int			 per_host;	/* 0: no limit */
	ev_tstamp		 host_delay;
	char			*test_public;	/* fetch_test_public */
};

/* The final response's headers, copied (curl reuses its own). */
struct fetch_headers {
	char		*etag;
	char		*last_modified;
	char		*content_type;
	char		*cache_control;
	char		*expires;
	char		*retry_after;
	char		*charset;	/* of content_type */
};

/* --- fetch.c */

/* Hands queued jobs to curl while there are free slots. */
void		 fetch_dispatch(struct fetcher *f);

/* --- fetch_host.c */

/* Puts the host on the ready list, or off it, or on its wait timer. */
void		 fetch_host_update(struct fetch_host *h);

/* --- fetch_addr.c: CURLOPT_OPENSOCKETFUNCTION and PREREQFUNCTION, with
 * the job as their data. */
curl_socket_t	 fetch_opensocket_cb(void *arg, curlsocktype purpose,
		    struct curl_sockaddr *a);
int		 fetch_prereq_cb(void *arg, char *primary_ip, char *local_ip,
		    int primary_port, int local_port);

/* --- fetch_http.c */

/* CURLOPT_HEADERFUNCTION, with the job as its data. */
size_t		 fetch_header_cb(char *ptr, size_t size, size_t nitems,
		    void *arg);
/* The class of a transfer failure. */
enum fetch_error fetch_error_of(CURLcode code);
/*
 * Copies the final response's headers of easy into hdr and points res's
 * header fields at them, interpreted as of now (unix seconds); they stay
 * valid until fetch_headers_reset(hdr).
 */
void		 fetch_headers_get(struct fetch_headers *hdr, CURL *easy,
		    int64_t now, struct fetch_result *res);
void		 fetch_headers_reset(struct fetch_headers *hdr);

#endif
