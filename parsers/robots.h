/*
 * robots.h: the Robots Exclusion Protocol (RFC 9309) for article
 * fetching.  A pure function of a robots.txt document and a crawler's
 * product token: which paths the crawler may fetch, and the Crawl-delay
 * its group asks for.  Fetching robots.txt, caching it and what an HTTP
 * failure means (RFC 9309 2.3.1: 4xx allows all, 5xx or unreachable
 * disallows all) are the caller's business.
 *
 * Owned by the caller: a struct robots from robots_parse(), released
 * with robots_free().
 */
#ifndef FEEDD_ROBOTS_H
#define FEEDD_ROBOTS_H

#include <stddef.h>

/* What of a robots.txt is read (RFC 9309 2.5: at least 500 KiB). */
#define ROBOTS_MAX_SIZE		(500 * 1024)

struct robots;

/*
 * The rules of txt (len bytes, any bytes) that apply to agent, the
 * crawler's product token ("feedd"): the groups naming it (compared
 * without regard to case), else the groups for "*", else none (all
 * allowed).  Never NULL.
 */
struct robots	*robots_parse(const char *txt, size_t len, const char *agent);

/* A robots that allows (allow = 1) or disallows (0) every path. */
struct robots	*robots_all(int allow);

/*
 * 1 when path (the URL's path and query, "/a/b?c"; "" is "/") may be
 * fetched: the longest matching rule decides, allow winning a tie, no
 * match allows; /robots.txt itself is always allowed.
 */
int		 robots_allowed(const struct robots *r, const char *path);

/* The group's Crawl-delay in seconds (0 when none, at most 86400). */
unsigned	 robots_crawl_delay(const struct robots *r);

void		 robots_free(struct robots *r);

#endif
