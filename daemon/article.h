/*
 * article.h: full articles for feeds that carry only a teaser.
 *
 * The store queues the entries that want their article (store.h,
 * store_doc_articles); this module takes the due ones, fetches each page
 * through the daemon's one fetcher (so per_host_connections, host_delay
 * and held hosts apply to articles as to polls), obeys each host's
 * robots.txt, extracts the article (parsers/extract.h) and reports the
 * outcome to the store.  A few articles at a time at most, so polls
 * always find a free connection; failures are retried with back-off a
 * bounded number of times.
 *
 * Owned by the daemon: articles_new after the store and the fetcher,
 * articles_free before them.
 */
#ifndef FEEDD_ARTICLE_H
#define FEEDD_ARTICLE_H

#include <stddef.h>

struct ev_loop;
struct fetcher;
struct store;

struct article_opts {
	int		 max_in_flight;	/* article fetches at once; 0: 2 */
	int		 max_tries;	/* before an article fails; 0: 4 */
	double		 retry_base;	/* first back-off, seconds; 0: 600 */
	double		 idle_check;	/* seconds between looks at an
					 * empty queue; 0: 15 */
	const char	*agent;		/* robots.txt product token;
					 * NULL: "feedd" */
	const char	*user_agent;	/* NULL: the fetcher's */
};

struct articles;

struct articles	*articles_new(struct ev_loop *loop, struct store *st,
		    struct fetcher *f, const struct article_opts *o);
/* New entries may want their article: look at the queue soon. */
void		 articles_kick(struct articles *a);
/* Articles and robots.txt in flight (for tests and shutdown). */
int		 articles_in_flight(const struct articles *a);
/* Stops (fetches in flight are abandoned by the fetcher's own free). */
void		 articles_free(struct articles *a);

#endif
