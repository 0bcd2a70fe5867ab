/*
 * sched.h: the polling schedule and the path of one poll:
 * due -> fetch -> parse -> store -> next due.
 *
 * One struct sched owns one struct feed per configured subscription, each
 * with its own ev_timer.  A feed's next due time is set only through one
 * function, which applies the interval and clamps.
 */
#ifndef FEEDD_SCHED_H
#define FEEDD_SCHED_H

struct ev_loop;
struct conf;
struct store;
struct fetcher;
struct sched;

/* conf, store and fetcher are borrowed and must outlive the sched. */
struct sched	*sched_new(struct ev_loop *loop, const struct conf *conf,
		    struct store *store, struct fetcher *fetcher,
		    char **errstr);
void		 sched_free(struct sched *s);

#endif
