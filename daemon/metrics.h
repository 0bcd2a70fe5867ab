/*
 * metrics.h: process-wide counters, shown at /metrics (Prometheus text).
 *
 * Plain integers that the module doing the work bumps directly, each
 * on its own thread: the scheduler counts fetches and stored entries on
 * the daemon's loop, the server counts requests on its own thread (and
 * reads the others under its lock, serve_thread.c).  metrics.c owns
 * the storage and the rendering.
 */
#ifndef FEEDD_METRICS_H
#define FEEDD_METRICS_H

#include <stdint.h>

enum metrics_fetch_outcome {
	METRICS_FETCH_OK,		/* 200, parsed and stored */
	METRICS_FETCH_NOT_MODIFIED,	/* 304 */
	METRICS_FETCH_HTTP_ERROR,	/* 4xx/5xx */
	METRICS_FETCH_NET_ERROR,	/* DNS, connect, TLS, timeout, size */
	METRICS_FETCH_PARSE_ERROR,	/* body yielded no feed */
	METRICS_FETCH_STORE_ERROR,	/* database write failed */
	METRICS_FETCH_NOUTCOMES
};

/* Upper bounds (seconds) of the request latency histogram buckets. */
#define METRICS_LATENCY_BUCKETS \
	{ 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0 }
#define METRICS_NLATENCY	10

struct metrics {
	uint64_t	fetches[METRICS_FETCH_NOUTCOMES];
	uint64_t	fetch_bytes;		/* decoded body bytes */
	uint64_t	entries_added;
	uint64_t	entries_updated;
	uint64_t	http_requests;		/* requests answered */
	uint64_t	http_latency[METRICS_NLATENCY + 1]; /* last: +Inf */
	double		http_latency_sum;	/* seconds */
};

extern struct metrics metrics;

struct buf;

/* Appends every counter of m to out in the Prometheus text exposition
 * format (version 0.0.4). */
void	metrics_render(const struct metrics *m, struct buf *out);

/* Copies the HTTP request counters of from into to. */
void	metrics_copy_http(struct metrics *to, const struct metrics *from);

/* Counts one answered HTTP request that took seconds. */
void	metrics_http_request(double seconds);

#endif
