/*
 * serve_health.c: watching the listeners.  MHD's notices of accepted and
 * closed connections keep each listener's count and list of connections
 * (which listener_rearm in serve.c relies on too).
 *
 * Once a second every listener is looked at: a connection whose request
 * (line, headers and any body) has not come in within twice
 * http_timeout of the connection or of its previous answer is shut
 * down, because MHD's own timeout only counts idle time and a client
 * trickling a byte now and then would hold its slot for ever; so is one
 * whose answer has not been taken within SERVE_SEND_FACTOR times
 * http_timeout (a reader taking a byte now and then); and the listening
 * socket is polled.  A listener is wedged when a client has waited in
 * its accept queue for more than HEALTH_GRACE seconds with nothing
 * accepted meanwhile although a connection slot was free (the loop runs
 * but the listener is not driven: it would never recover), or when it
 * has been at its connection limit, with clients waiting, for longer
 * than four times http_timeout plus the grace (every slot should have
 * turned over by then).  /healthz answers 503 while any listener is
 * wedged.  A listener seen with a waiting client and no progress is also
 * run once more, so a lost wakeup heals on the next check.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <ev.h>
#include <microhttpd.h>

#include "log.h"
#include "serve.h"
#include "serve_int.h"
#include "base/util.h"

#define SERVE_SEND_FACTOR	10.0	/* x timeout to take an answer */
#define HEALTH_GRACE		3.0	/* s a client may wait for accept */
#define HEALTH_BEAT_MAX		10	/* s without a check: hung */

/* MHD's notices of accepted and closed connections. */
void
health_notify_conn(void *cls, struct MHD_Connection *mc, void **socket_context,
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

/* Whether a client waits in l's accept queue. */
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

void
health_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;
	double now = mono_now();
	int wedged = 0;
	size_t i;

	(void)loop;
	(void)revents;
	for (i = 0; i < srv->nls; i++) {
		listener_check(srv->ls[i], now);
		wedged += srv->ls[i]->wedged;
	}
	/* For serve_healthy, on the daemon's thread. */
	atomic_store(&srv->wedged, wedged);
	atomic_store(&srv->beat, (int64_t)(now * 1000));
}

/* On the daemon's thread: what the last check found, and whether the
 * server's thread still checks (a thread that hangs is as bad as a
 * listener that does; one that waits for the state lock does not hang:
 * the daemon's loop hands it over as soon as it waits). */
int
serve_healthy(const struct server *srv)
{
	int64_t now = (int64_t)(mono_now() * 1000);

	if (atomic_load(&srv->wedged) > 0)
		return 0;
	return now - atomic_load(&srv->beat) <= HEALTH_BEAT_MAX * 1000 ||
	    serve_waits(srv);
}

/* /healthz: 503 with the reasons while a listener is wedged. */
enum MHD_Result
serve_healthz(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	struct buf out;
	char why[256];
	double now = mono_now();
	enum MHD_Result ret;
	size_t i;

	(void)url;
	/* A line of ours per listener. */
	buf_init(&out, BUF_UNCAPPED);
	for (i = 0; i < srv->nls; i++)
		if (listener_wedged(srv->ls[i], now, why, sizeof(why)))
			buf_printf(&out, "unhealthy: %s\n", why);
	if (out.len == 0) {
		buf_reset(&out);
		return http_reply_text(req, conn, MHD_HTTP_OK, "ok\n", NULL);
	}
	ret = http_reply_text(req, conn, MHD_HTTP_SERVICE_UNAVAILABLE,
	    out.data, NULL);
	buf_reset(&out);
	return ret;
}
