/*
 * daemon.c: the running daemon, wired on one libev loop.
 *
 * daemon_run reads the config, opens the store, creates the fetcher, the
 * HTTP server and the scheduler, runs the loop, and tears everything down
 * in the reverse order.  The daemon never forks: systemd and terminals
 * both want it in the foreground.  Besides the wiring, this file owns
 * what belongs to no module: the signals, the status line systemd shows,
 * and the store's housekeeping timers.
 *
 * Signals arrive as ev_signal watchers, so every handler runs on the loop
 * between two callbacks, never inside a poll or a database transaction:
 * - SIGHUP reloads.  A new struct conf is built beside the running one;
 *   if it has errors, each is logged and the running one stays.  If not,
 *   the server moves to it first (listeners, views: the one step that can
 *   fail, and then changes nothing), then the scheduler (feeds,
 *   intervals, fetch limits, and in the store tags, retention and retired
 *   feeds), and only then is the old one freed.  systemd hears
 *   RELOADING=1 ... READY=1 around it.
 * - SIGTERM and SIGINT break the loop.  Teardown then closes the
 *   listeners first (no new requests), aborts the transfers in flight
 *   (their callbacks store nothing), and closes the database; as no
 *   transaction spans two loop iterations, none is open at that point.
 *
 * systemd's notify protocol is one datagram per message to $NOTIFY_SOCKET.
 * With libsystemd it goes through sd_notify; without (--without-systemd)
 * a few lines below speak it directly, so READY=1, STATUS=, WATCHDOG=1
 * and the rest work in both builds.  That code is one block, the first
 * section below, and nothing else here knows which build it is.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <ev.h>

#include "article.h"
#include "conf.h"
#include "daemon.h"
#include "fetch.h"
#include "log.h"
#include "sched.h"
#include "sd.h"
#include "serve.h"
#include "parsers/feed.h"
#include "base/util.h"
#include "storage/store.h"

/* How often STATUS= is recomputed (it is sent only when it changed). */
#define STATUS_PERIOD	5.0	/* seconds */
/* How often the search-index backlog is looked at, how long one idle
 * round may index (short: a fetch or request may be waiting), and how
 * often the store does its housekeeping. */
#define INDEX_PERIOD	2.0	/* seconds */
#define INDEX_BUDGET	20	/* milliseconds */
#define MAINTAIN_PERIOD	3600.0	/* seconds */
/* Allocations from this size up get pages of their own, and the heap
 * keeps at most this much free at its top (see memory_policy). */
#define MMAP_THRESHOLD	(512 * 1024)		/* bytes */
#define TRIM_THRESHOLD	(4 * 1024 * 1024)	/* bytes */

struct daemon {
	struct ev_loop	*loop;
	const char	*conf_path;
	int		 debug;
	struct conf	*conf;
	struct store	*store;
	struct fetcher	*fetcher;
	struct server	*server;
	struct sched	*sched;
	struct articles	*articles;
	ev_signal	 sigint_w;
	ev_signal	 sigterm_w;
	ev_signal	 sighup_w;
	ev_timer	 status_w;
	ev_timer	 watchdog_w;
	ev_timer	 index_w;	/* looks for an index backlog or
					 * a checkpoint due */
	ev_idle		 indexer_w;	/* does them when the loop is idle */
	ev_timer	 maintain_w;
	char		*status;	/* last STATUS= sent */
	int		 reload_failed;	/* last reload refused */
};

/*
 * --- what the daemon tells systemd: its status line and the watchdog's
 * pings.  The protocols themselves are sd.c's.
 */

/* "120 feeds, 3 failing": what `systemctl status` shows. */
static char *
status_line(struct daemon *d)
{
	size_t nfeeds = 0, nfailing = 0;

	sched_summary(d->sched, &nfeeds, &nfailing);
	return xasprintf("%zu feed%s, %zu failing%s", nfeeds,
	    nfeeds == 1 ? "" : "s", nfailing,
	    d->reload_failed ? "; reload failed, see the log" : "");
}

/* Sends STATUS= if it changed since the last time (or with extra, a
 * message such as READY=1 that must go anyway). */
static void
update_status(struct daemon *d, const char *extra)
{
	char *line;

	line = status_line(d);
	if (extra == NULL && d->status != NULL &&
	    strcmp(line, d->status) == 0) {
		free(line);
		return;
	}
	if (extra != NULL)
		systemd_notify("%s\nSTATUS=%s", extra, line);
	else
		systemd_notify("STATUS=%s", line);
	free(d->status);
	d->status = line;
}

static void
status_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;

	(void)loop;
	(void)revents;
	update_status(d, NULL);
}

static void
watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;

	(void)loop;
	(void)revents;
	/* A wedged listener (serve_health.c) is as bad as a hung loop: no
	 * client gets in.  It has had its own grace before being called
	 * wedged, so systemd's restart is the remedy left. */
	if (serve_healthy(d->server))
		systemd_notify("WATCHDOG=1");
}

/* Half the period, as sd_watchdog_enabled(3) advises; a loop that hangs
 * stops petting and systemd restarts the service. */
static void
watchdog_start(struct daemon *d)
{
	uint64_t wd_usec = 0;

	if (systemd_watchdog_usec(&wd_usec) > 0) {
		ev_timer_init(&d->watchdog_w, watchdog_cb, 0.,
		    (double)wd_usec / 2e6);
		d->watchdog_w.data = d;
		ev_timer_again(d->loop, &d->watchdog_w);
		log_debug("watchdog every %.3f s", (double)wd_usec / 2e6);
	}
}

/*
 * glibc serves a large allocation from pages of its own (mmap), returned
 * when it is freed, but after each such free it raises that threshold to
 * the size freed, up to 32 MiB: once a 2.7 MB feed has been fetched,
 * every later body, parse buffer and copy of its size comes from the
 * heap, whose top cannot shrink below the chunks still in use.  Fixed,
 * what a large document needs is given back as soon as it is done.  The
 * trim threshold keeps a little free memory at the heap's top, which the
 * next document reuses instead of faulting fresh pages in: a poll cycle
 * of 1,000 feeds peaked at 44 MB instead of 46 to 48 MB, with 40,000
 * minor faults instead of 30,000 (67,000 with the threshold at 256 KiB
 * and the trim at its default), and no more CPU time
 * (bench/RESULTS.md, "Polling at scale").
 */
static void
memory_policy(void)
{
#ifdef __GLIBC__
	if (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1)
		log_debug("mallopt: the allocator kept its own thresholds");
#endif
}

/* --- store housekeeping, off the fetch and request paths */

static void
indexer_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct daemon *d = w->data;
	int64_t left;

	(void)revents;
	left = store_index_pending(d->store, INDEX_BUDGET);
	if (left < 0)
		log_warnx("search index: %s", store_errmsg(d->store));
	/* The WAL once the index has caught up: its pages are in it. */
	if (left <= 0 && store_checkpoint(d->store) == -1)
		log_warnx("checkpoint: %s", store_errmsg(d->store));
	if (left <= 0)
		ev_idle_stop(loop, w);
}

static void
index_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;

	(void)revents;
	if (store_index_backlog(d->store) > 0 ||
	    store_checkpoint_due(d->store))
		ev_idle_start(loop, &d->indexer_w);
}

static void
maintain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;

	(void)loop;
	(void)revents;
	if (store_maintain(d->store) == -1)
		log_warnx("database maintenance: %s", store_errmsg(d->store));
}

/* --- reload */

/* Logs a multi-line error message one line (one event) at a time, at
 * error level (errors, nothing runs) or warning (rejected, the running
 * config stays). */
static void
log_lines(int error, const char *prefix, const char *text)
{
	const char *p, *nl;
	int len;

	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (int)(nl - p) : (int)strlen(p);
		if (error)
			log_errorx("%s%.*s", prefix, len, p);
		else
			log_warnx("%s%.*s", prefix, len, p);
		if (nl == NULL)
			break;
	}
}

static void
reload(struct daemon *d)
{
	struct conf *conf;
	char *errstr = NULL;

	systemd_notify("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
	    systemd_monotonic_usec());
	log_info("reloading %s", d->conf_path);
	conf = conf_load(d->conf_path, &errstr);
	if (conf == NULL) {
		log_lines(0, "reload: ", errstr);
		log_warnx("reload: errors in %s; keeping the running "
		    "configuration", d->conf_path);
		free(errstr);
		d->reload_failed = 1;
		goto done;
	}
	/* First, as it is the step that can fail (a new listen address
	 * that cannot be bound): the server then keeps its old sockets and
	 * nothing else has changed yet. */
	if (serve_reload(d->server, conf, &errstr) == -1) {
		log_lines(0, "reload: ", errstr);
		log_warnx("reload: keeping the running configuration");
		free(errstr);
		conf_free(conf);
		d->reload_failed = 1;
		goto done;
	}
	if (!d->debug)
		log_set_level(conf->log_level);
	if (strcmp(conf->database, d->conf->database) != 0)
		log_warnx("reload: a new database needs a restart; still "
		    "using %s", d->conf->database);
	/* Feeds, intervals, fetch limits, tags and retention; a database
	 * error for one feed is logged by the sched, which moves to the
	 * new config regardless. */
	sched_reload(d->sched, conf);
	conf_free(d->conf);
	d->conf = conf;
	d->reload_failed = 0;
done:
	update_status(d, "READY=1");
}

/* --- signals */

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	systemd_notify("STOPPING=1");
	log_info("received signal %d (%s), shutting down", w->signum,
	    w->signum == SIGINT ? "SIGINT" : "SIGTERM");
	ev_break(loop, EVBREAK_ALL);
}

static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	reload(w->data);
}

/* POST /refresh on a Unix socket: name is a feed or NULL for all. */
static int
refresh_cb(void *arg, const char *name)
{
	struct daemon *d = arg;

	return sched_refresh(d->sched, name);
}

/*
 * Creates the directory that will hold path, if missing (one level: a
 * typo'd path should fail, not grow a tree).
 */
static void
make_parent_dir(const char *path)
{
	char *dir, *slash;

	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST)
			log_warn("mkdir %s", dir);
	}
	free(dir);
}

/* The signals and timers of the running loop. */
static void
watchers_start(struct daemon *d)
{
	ev_signal_init(&d->sigint_w, stop_cb, SIGINT);
	ev_signal_start(d->loop, &d->sigint_w);
	ev_signal_init(&d->sigterm_w, stop_cb, SIGTERM);
	ev_signal_start(d->loop, &d->sigterm_w);
	ev_signal_init(&d->sighup_w, hup_cb, SIGHUP);
	d->sighup_w.data = d;
	ev_signal_start(d->loop, &d->sighup_w);
	ev_timer_init(&d->status_w, status_cb, STATUS_PERIOD, STATUS_PERIOD);
	d->status_w.data = d;
	ev_timer_start(d->loop, &d->status_w);
	ev_idle_init(&d->indexer_w, indexer_cb);
	d->indexer_w.data = d;
	ev_timer_init(&d->index_w, index_cb, INDEX_PERIOD, INDEX_PERIOD);
	d->index_w.data = d;
	ev_timer_start(d->loop, &d->index_w);
	ev_timer_init(&d->maintain_w, maintain_cb, MAINTAIN_PERIOD,
	    MAINTAIN_PERIOD);
	d->maintain_w.data = d;
	ev_timer_start(d->loop, &d->maintain_w);
	watchdog_start(d);
}

static void
watchers_stop(struct daemon *d)
{
	ev_timer_stop(d->loop, &d->status_w);
	ev_timer_stop(d->loop, &d->watchdog_w);
	ev_timer_stop(d->loop, &d->index_w);
	ev_idle_stop(d->loop, &d->indexer_w);
	ev_timer_stop(d->loop, &d->maintain_w);
	ev_signal_stop(d->loop, &d->sigint_w);
	ev_signal_stop(d->loop, &d->sigterm_w);
	ev_signal_stop(d->loop, &d->sighup_w);
}

/*
 * Opens the store, the fetcher, the HTTP server and the scheduler, in
 * that order (each needs the ones before).  Returns 0, or -1 with the
 * reason logged; what was opened is freed by the caller's teardown.
 */
static int
open_modules(struct daemon *d, char **errstr)
{
	struct fetch_opts fopts;
	struct article_opts aopts;

	make_parent_dir(d->conf->database);
	d->store = store_open(d->conf->database, errstr);
	if (d->store == NULL) {
		log_errorx("database %s: %s", d->conf->database, *errstr);
		return -1;
	}
	memset(&fopts, 0, sizeof(fopts));
	fopts.user_agent = d->conf->user_agent;
	fopts.max_connections = d->conf->max_connections;
	fopts.max_size = d->conf->max_size;
	fopts.per_host_connections = d->conf->per_host_connections;
	fopts.host_delay = d->conf->host_delay;
	d->fetcher = fetch_new(d->loop, &fopts, errstr);
	if (d->fetcher == NULL) {
		log_errorx("fetcher: %s", *errstr);
		return -1;
	}
	d->server = serve_new(d->loop, d->conf, d->store, errstr);
	if (d->server == NULL) {
		log_errorx("%s", *errstr);
		return -1;
	}
	d->sched = sched_new(d->loop, d->conf, d->store, d->fetcher,
	    errstr);
	if (d->sched == NULL) {
		log_errorx("%s", *errstr);
		return -1;
	}
	/* Full articles: the first retry after min_interval, as a feed's
	 * (each later one four times longer). */
	memset(&aopts, 0, sizeof(aopts));
	aopts.retry_base = d->conf->min_interval;
	aopts.user_agent = d->conf->user_agent;
	d->articles = articles_new(d->loop, d->store, d->fetcher, &aopts);
	return 0;
}

int
daemon_run(const char *conf_path, int debug)
{
	struct daemon d;
	char *errstr = NULL;
	int status = 1;

	memset(&d, 0, sizeof(d));
	d.conf_path = conf_path;
	d.debug = debug;
	log_init(debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	d.conf = conf_load(conf_path, &errstr);
	if (d.conf == NULL) {
		/* One event per error, with its priority under journald. */
		log_lines(1, "", errstr);
		free(errstr);
		return 1;
	}
	if (!debug)
		log_set_level(d.conf->log_level);

	signal(SIGPIPE, SIG_IGN);
	memory_policy();
	feed_init();
	d.loop = ev_default_loop(EVFLAG_AUTO);
	if (d.loop == NULL)
		fatalx("cannot initialise libev");

	if (open_modules(&d, &errstr) == -1)
		goto out;
	serve_set_refresh(d.server, refresh_cb, &d);
	watchers_start(&d);

	log_info("feedd %s started: %zu feeds, database %s",
	    PACKAGE_VERSION, d.conf->nfeeds, d.conf->database);
	/* The listeners are bound (serve_new): clients may connect now. */
	update_status(&d, "READY=1");
	ev_run(d.loop, 0);

	watchers_stop(&d);
	status = 0;
out:
	free(errstr);
	/* Reverse order: the listeners first (no new requests), then the
	 * fetcher, whose abort callbacks reach into the scheduler's feeds,
	 * then the scheduler and the store. */
	serve_free(d.server);
	/* Its jobs in flight end with the fetcher's abort callbacks. */
	articles_free(d.articles);
	fetch_free(d.fetcher);
	sched_free(d.sched);
	store_close(d.store);
	ev_loop_destroy(d.loop);
	feed_cleanup();
	if (status == 0)
		log_info("stopped");
	conf_free(d.conf);
	free(d.status);
	return status;
}
