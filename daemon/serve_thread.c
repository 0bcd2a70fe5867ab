/*
 * serve_thread.c: the server's own thread, and the lock it shares with
 * the daemon's loop.
 *
 * The listeners, their MHD daemons, the connections and the cache of
 * rendered documents belong to one thread of their own, which runs a
 * libev loop of its own (srv->loop): a reader is answered while the
 * daemon's loop parses, stores or indexes.  Everything else the
 * handlers reach (the store, the scheduler behind /refresh, the fetch
 * counters of /metrics) belongs to the daemon's loop, and is guarded by
 * one mutex, "the state lock":
 *
 * - The daemon's thread holds it from serve_new to serve_free, except
 *   while its loop waits for events (libev's release and acquire
 *   callbacks) and while it waits in serve_call.  So every callback of
 *   the daemon, and its start-up and teardown, run as before, alone.
 * - The server's thread takes it only around what needs that state:
 *   rendering a document, /refresh, /metrics.  A cached document is
 *   answered without it when the daemon's loop is busy running its
 *   callbacks (from its wake-up to the end of its callbacks: a parse,
 *   a commit, the indexer): the reader gets the document as it was the
 *   last time the server could look, rather than wait.  When the loop
 *   is not running callbacks (about to wait, start-up, code between two
 *   ev_run calls), or nothing is cached for the request, the server
 *   waits for the lock; it then sets want, and the loop, once it has
 *   waited for events, lets the server have the lock once before its
 *   next callback (a plain mutex would let the loop take it back at
 *   once, for ever).
 * - The config is read by the server without the lock: it is never
 *   changed once loaded, the server moves to a new one only on its own
 *   thread (serve_reload runs there through serve_call) and the daemon
 *   frees the old one only after that.
 *
 * serve_call is how the daemon's thread acts on what is the server's
 * (reload, the tests' stall): it hands a function over, and waits with
 * the lock released until the server's thread has run it.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "log.h"
#include "serve_int.h"
#include "base/util.h"

struct serve_thread {
	pthread_mutex_t	 mtx;		/* the state lock */
	pthread_cond_t	 cnd;		/* a hand-over or a call is done */
	atomic_uint	 want;		/* the server waits for mtx */
	atomic_int	 busy;		/* the loop runs its callbacks */
	unsigned long	 handoffs;	/* under mtx: the server's turns */
	int		 nwait;		/* under mtx: the loop waits on cnd */
	struct ev_loop	*main;		/* the daemon's loop */
	pthread_t	 tid;
	int		 running;	/* tid started, not joined */
	ev_async	 wake;		/* on srv->loop: a call, or stop */
	/* Under mtx: */
	int		 stop;
	serve_call_fn	*call;		/* to run, or NULL */
	void		*call_arg;
	int		 call_done;
	/* POST /refresh, from the server to the loop: feed names (NULL:
	 * every feed), under qmtx; kick wakes the loop for them. */
	pthread_mutex_t	 qmtx;
	char		**queue;
	size_t		 nqueue;
	ev_async	 kick;		/* on the daemon's loop */
};

#define REFRESH_QUEUE_MAX	100000	/* requests not yet handed on */

/* --- the daemon's loop: the lock around everything but its waits */

static void
main_release(struct ev_loop *loop)
{
	struct server *srv = ev_userdata(loop);

	atomic_store(&srv->thr->busy, 0);
	pthread_mutex_unlock(&srv->thr->mtx);
}

static void
main_acquire(struct ev_loop *loop)
{
	struct server *srv = ev_userdata(loop);
	struct serve_thread *t = srv->thr;
	unsigned long turn;

	pthread_mutex_lock(&t->mtx);
	/* The server's turn first, if it waits (once: it must not starve
	 * the loop either). */
	turn = t->handoffs;
	while (atomic_load(&t->want) > 0 && t->handoffs == turn) {
		t->nwait++;
		pthread_cond_wait(&t->cnd, &t->mtx);
		t->nwait--;
	}
	/* Busy until the callbacks are done: between here and the first
	 * of them libev only does its own bookkeeping. */
	atomic_store(&t->busy, 1);
}

/* After the callbacks, libev either waits for events again (soon, so
 * the server may wait for that) or returns from ev_run, to code that
 * expects what it changed to be seen by the next request. */
static void
main_invoke(struct ev_loop *loop)
{
	struct server *srv = ev_userdata(loop);

	atomic_store(&srv->thr->busy, 1);
	ev_invoke_pending(loop);
	atomic_store(&srv->thr->busy, 0);
}

/* The refreshes asked for since the last time, handed to the
 * scheduler on the loop's own thread. */
static void
kick_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct server *srv = ev_userdata(loop);
	struct serve_thread *t = srv->thr;
	char **q;
	size_t i, n;

	(void)w;
	(void)revents;
	pthread_mutex_lock(&t->qmtx);
	q = t->queue;
	n = t->nqueue;
	t->queue = NULL;
	t->nqueue = 0;
	pthread_mutex_unlock(&t->qmtx);
	for (i = 0; i < n; i++) {
		if (srv->refresh_cb != NULL &&
		    srv->refresh_cb(srv->refresh_arg, q[i]) == -1)
			log_debug("refresh: no feed named %s", q[i]);
		free(q[i]);
	}
	free(q);
}

int
serve_refresh_queue(struct server *srv, const char *name)
{
	struct serve_thread *t = srv->thr;

	pthread_mutex_lock(&t->qmtx);
	if (t->nqueue >= REFRESH_QUEUE_MAX) {
		pthread_mutex_unlock(&t->qmtx);
		return -1;
	}
	t->queue = xreallocarray(t->queue, t->nqueue + 1, sizeof(*t->queue));
	t->queue[t->nqueue++] = name != NULL ? xstrdup(name) : NULL;
	pthread_mutex_unlock(&t->qmtx);
	ev_async_send(t->main, &t->kick);
	return 0;
}

/* --- the server's side of the lock */

void
serve_lock(struct server *srv)
{
	struct serve_thread *t = srv->thr;

	atomic_fetch_add(&t->want, 1);
	pthread_mutex_lock(&t->mtx);
	atomic_fetch_sub(&t->want, 1);
}

/*
 * The lock for a request that may have a copy of what it needs from
 * earlier (a cached document, the counters last read): 1 when taken;
 * 0 when the caller is to use its copy, which it may only while the
 * daemon's loop runs its callbacks.  Without a copy it waits.
 */
int
serve_lock_or_copy(struct server *srv, int have_copy)
{
	if (pthread_mutex_trylock(&srv->thr->mtx) == 0)
		return 1;
	if (have_copy && atomic_load(&srv->thr->busy))
		return 0;
	serve_lock(srv);
	return 1;
}

void
serve_unlock(struct server *srv)
{
	struct serve_thread *t = srv->thr;

	t->handoffs++;
	if (t->nwait > 0)
		pthread_cond_broadcast(&t->cnd);
	pthread_mutex_unlock(&t->mtx);
}

int
serve_waits(const struct server *srv)
{
	return srv->thr != NULL && atomic_load(&srv->thr->want) > 0;
}

/* --- the thread */

static void
wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct server *srv = w->data;
	struct serve_thread *t = srv->thr;

	(void)revents;
	pthread_mutex_lock(&t->mtx);
	if (t->call != NULL) {
		t->call(srv, t->call_arg);
		t->call = NULL;
		t->call_done = 1;
		pthread_cond_broadcast(&t->cnd);
	}
	if (t->stop)
		ev_break(loop, EVBREAK_ALL);
	pthread_mutex_unlock(&t->mtx);
}

static void *
thread_main(void *arg)
{
	struct server *srv = arg;

	ev_run(srv->loop, 0);
	return NULL;
}

void
serve_call(struct server *srv, serve_call_fn *fn, void *arg)
{
	struct serve_thread *t = srv->thr;

	if (t == NULL || !t->running) {
		fn(srv, arg);
		return;
	}
	/* The caller holds the lock (the daemon's thread always does,
	 * outside its waits); cond_wait lets the server have it. */
	t->call = fn;
	t->call_arg = arg;
	t->call_done = 0;
	ev_async_send(srv->loop, &t->wake);
	while (!t->call_done) {
		t->nwait++;
		pthread_cond_wait(&t->cnd, &t->mtx);
		t->nwait--;
	}
}

/*
 * The lock, taken for the calling thread, and the hooks on the daemon's
 * loop (its release and acquire callbacks, its invoke callback and its
 * user data are the server's from now on).  The thread is started by
 * serve_thread_start, once the listeners are open.
 */
void
serve_thread_init(struct server *srv, struct ev_loop *daemon_loop)
{
	struct serve_thread *t;

	t = xcalloc(1, sizeof(*t));
	if (pthread_mutex_init(&t->mtx, NULL) != 0 ||
	    pthread_mutex_init(&t->qmtx, NULL) != 0 ||
	    pthread_cond_init(&t->cnd, NULL) != 0)
		fatalx("cannot initialise the server's lock");
	atomic_init(&t->want, 0);
	atomic_init(&t->busy, 0);
	t->main = daemon_loop;
	srv->thr = t;
	pthread_mutex_lock(&t->mtx);
	ev_set_userdata(daemon_loop, srv);
	ev_set_loop_release_cb(daemon_loop, main_release, main_acquire);
	ev_set_invoke_pending_cb(daemon_loop, main_invoke);
	ev_async_init(&t->wake, wake_cb);
	t->wake.data = srv;
	ev_async_start(srv->loop, &t->wake);
	/* Not a reason for the daemon's loop to keep running. */
	ev_async_init(&t->kick, kick_cb);
	ev_async_start(daemon_loop, &t->kick);
	ev_unref(daemon_loop);
}

/* Starts the server's thread, with every asynchronous signal blocked:
 * they are the daemon loop's (ev_signal). */
int
serve_thread_start(struct server *srv, char **errstr)
{
	struct serve_thread *t = srv->thr;
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t->tid, NULL, thread_main, srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		*errstr = xasprintf("cannot start the server's thread: %s",
		    strerror(rc));
		return -1;
	}
	t->running = 1;
	return 0;
}

/*
 * Stops and joins the thread (the lock released meanwhile: it may be
 * waiting for it), then gives the daemon's loop its own callbacks back.
 * The caller holds the lock, and no longer does afterwards: nothing is
 * left to share.
 */
void
serve_thread_free(struct server *srv)
{
	struct serve_thread *t = srv->thr;

	if (t == NULL)
		return;
	if (t->running) {
		t->stop = 1;
		ev_async_send(srv->loop, &t->wake);
		pthread_mutex_unlock(&t->mtx);
		pthread_join(t->tid, NULL);
		t->running = 0;
	} else
		pthread_mutex_unlock(&t->mtx);
	ev_async_stop(srv->loop, &t->wake);
	ev_ref(t->main);
	ev_async_stop(t->main, &t->kick);
	while (t->nqueue > 0)
		free(t->queue[--t->nqueue]);
	free(t->queue);
	ev_set_loop_release_cb(t->main, NULL, NULL);
	ev_set_invoke_pending_cb(t->main, ev_invoke_pending);
	ev_set_userdata(t->main, NULL);
	pthread_cond_destroy(&t->cnd);
	pthread_mutex_destroy(&t->qmtx);
	pthread_mutex_destroy(&t->mtx);
	free(t);
	srv->thr = NULL;
}
