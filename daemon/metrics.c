/*
 * metrics.c: the process-wide counters (see metrics.h) and their
 * rendering as Prometheus text (the exposition format 0.0.4: "# HELP" and
 * "# TYPE" lines, then one sample per line; a histogram as cumulative
 * _bucket samples with an "le" label, then _sum and _count).
 *
 * Counters only ever grow, so scrapers can compute rates; nothing here
 * is reset while the process lives.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>

#include "metrics.h"
#include "base/util.h"

struct metrics metrics;

static const char *const outcome_names[METRICS_FETCH_NOUTCOMES] = {
	"ok", "not_modified", "http_error", "net_error", "parse_error",
	"store_error"
};

static const double latency_bounds[METRICS_NLATENCY] =
    METRICS_LATENCY_BUCKETS;

void
metrics_http_request(double seconds)
{
	size_t i;

	if (seconds < 0)
		seconds = 0;
	metrics.http_requests++;
	metrics.http_latency_sum += seconds;
	for (i = 0; i < METRICS_NLATENCY; i++)
		if (seconds <= latency_bounds[i])
			break;
	metrics.http_latency[i]++;	/* i == METRICS_NLATENCY: +Inf */
}

static void
counter(struct buf *out, const char *name, const char *help, uint64_t v)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n",
	    name, help, name, name, v);
}

void
metrics_copy_http(struct metrics *to, const struct metrics *from)
{
	size_t i;

	to->http_requests = from->http_requests;
	for (i = 0; i <= METRICS_NLATENCY; i++)
		to->http_latency[i] = from->http_latency[i];
	to->http_latency_sum = from->http_latency_sum;
}

void
metrics_render(const struct metrics *m, struct buf *out)
{
	uint64_t cum = 0;
	size_t i;

	buf_printf(out, "# HELP feedd_fetches_total Feed fetches by "
	    "outcome.\n# TYPE feedd_fetches_total counter\n");
	for (i = 0; i < METRICS_FETCH_NOUTCOMES; i++)
		buf_printf(out, "feedd_fetches_total{outcome=\"%s\"} %" PRIu64
		    "\n", outcome_names[i], m->fetches[i]);
	counter(out, "feedd_fetch_bytes_total",
	    "Decoded body bytes fetched.", m->fetch_bytes);
	counter(out, "feedd_parse_failures_total",
	    "Fetched documents that yielded no feed.",
	    m->fetches[METRICS_FETCH_PARSE_ERROR]);
	counter(out, "feedd_entries_added_total",
	    "Entries stored for the first time.", m->entries_added);
	counter(out, "feedd_entries_updated_total",
	    "Stored entries whose content changed.",
	    m->entries_updated);
	counter(out, "feedd_http_requests_total", "HTTP requests answered.",
	    m->http_requests);
	buf_printf(out, "# HELP feedd_http_request_duration_seconds Time "
	    "from a request's headers to the end of its response.\n"
	    "# TYPE feedd_http_request_duration_seconds histogram\n");
	for (i = 0; i < METRICS_NLATENCY; i++) {
		cum += m->http_latency[i];
		buf_printf(out, "feedd_http_request_duration_seconds_bucket"
		    "{le=\"%g\"} %" PRIu64 "\n", latency_bounds[i], cum);
	}
	cum += m->http_latency[METRICS_NLATENCY];
	buf_printf(out, "feedd_http_request_duration_seconds_bucket"
	    "{le=\"+Inf\"} %" PRIu64 "\n", cum);
	buf_printf(out, "feedd_http_request_duration_seconds_sum %.6f\n",
	    m->http_latency_sum);
	buf_printf(out, "feedd_http_request_duration_seconds_count %" PRIu64
	    "\n", cum);
}
