/*
 * store_article.c: the full-article queue and its results.
 *
 * Which entries want their article is decided here, on the document
 * write path, because only the store knows whether an entry is new,
 * updated or unchanged: an unchanged entry (every poll of a feed
 * repeats most of them) never wants it again, and a restart changes
 * nothing, as the queue is a table.  The daemon (daemon/article.c)
 * takes the due rows, fetches and extracts, and reports each outcome.
 *
 * An extracted article is served as the entry's content (store_read.c
 * reads articles.content first); the entry's own summary and content
 * stay as the feed gave them, so a later failure or a feed that turns
 * to full text loses nothing.
 */
#include "config.h"

#include <string.h>

#include "store_int.h"
#include "parsers/html.h"
#include "parsers/teaser.h"

/* An updated entry refetches its article only if the last try is older
 * than this: a feed that edits an entry at every poll must not make
 * feedd fetch the page at every poll. */
#define ARTICLE_REFETCH_AGE	3600

void
store_doc_articles(struct store *s, enum store_articles mode,
    size_t min_words)
{
	s->doc_articles = mode;
	s->doc_article_words = min_words;
}

/* Whether e's own text is only a teaser. */
static int
is_teaser(const struct entry *e, size_t min_words)
{
	const char *html = e->content != NULL ? e->content : e->summary;
	char *text;
	int rc;

	if (html == NULL)
		return 1;
	text = html_to_text(html, strlen(html));
	rc = teaser_is_teaser(text != NULL ? text : "", min_words);
	free(text);
	return rc;
}

int
article_want(struct store *s, const struct entry *e, int64_t id, int added,
    int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_ART_WANT];

	(void)added;
	if (s->doc_articles == STORE_ARTICLES_NO || e->link == NULL ||
	    (strncmp(e->link, "http://", 7) != 0 &&
	    strncmp(e->link, "https://", 8) != 0))
		return 0;
	if (s->doc_articles == STORE_ARTICLES_AUTO &&
	    !is_teaser(e, s->doc_article_words))
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, s->doc_feed);
	bind_text(st, 3, e->link);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now - ARTICLE_REFETCH_AGE);
	return step_done(s, ST_ART_WANT, "queueing an article");
}

int
store_articles_due(struct store *s, int64_t now, size_t max,
    struct store_article **out, size_t *n)
{
	sqlite3_stmt *st = s->stmt[ST_ART_DUE];
	struct store_article *a = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = xreallocarray(a, k + 1, sizeof(*a));
		a[k].entry_id = sqlite3_column_int64(st, 0);
		a[k].feed_id = sqlite3_column_int64(st, 1);
		a[k].url = column_strdup(st, 2);
		a[k].tries = sqlite3_column_int(st, 3);
		k++;
	}
	if (rc != SQLITE_DONE) {
		store_dberr(s, "reading the article queue");
		stmt_done(st);
		store_articles_free(a, k);
		return -1;
	}
	stmt_done(st);
	*out = a;
	*n = k;
	return 0;
}

void
store_articles_free(struct store_article *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(a[i].url);
	free(a);
}

int64_t
store_articles_next(struct store *s)
{
	sqlite3_stmt *st = s->stmt[ST_ART_NEXT];
	int64_t next = INT64_MAX;
	int rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		next = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_ROW) {
		store_dberr(s, "reading the article queue");
		next = 0;
	}
	stmt_done(st);
	return next;
}

int
store_article_done(struct store *s, int64_t entry_id, const char *url,
    enum store_article_state state, const char *content, const char *error,
    int64_t next_try, int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_ART_DONE];

	sqlite3_bind_int64(st, 1, entry_id);
	bind_text(st, 2, url);
	sqlite3_bind_int(st, 3, (int)state);
	bind_text(st, 4, state == STORE_ARTICLE_EXTRACTED ? content : NULL);
	bind_text(st, 5, error);
	sqlite3_bind_int64(st, 6, next_try);
	sqlite3_bind_int64(st, 7, now);
	if (step_done(s, ST_ART_DONE, "storing an article") == -1)
		return -1;
	/* What the merged feed serves changed. */
	if (state == STORE_ARTICLE_EXTRACTED && sqlite3_changes(s->db) > 0)
		s->generation++;
	return 0;
}

int
store_article_counts(struct store *s, int64_t feed_id,
    int64_t counts[STORE_ARTICLE_NSTATES])
{
	sqlite3_stmt *st = s->stmt[ST_ART_COUNTS];
	int rc, k;

	memset(counts, 0, sizeof(int64_t) * STORE_ARTICLE_NSTATES);
	sqlite3_bind_int64(st, 1, feed_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = sqlite3_column_int(st, 0);
		if (k >= 0 && k < STORE_ARTICLE_NSTATES)
			counts[k] = sqlite3_column_int64(st, 1);
	}
	stmt_done(st);
	if (rc != SQLITE_DONE) {
		store_dberr(s, "counting articles");
		return -1;
	}
	return 0;
}

int
store_robots_get(struct store *s, const char *host, int64_t *fetched,
    int *status, char **body, size_t *len)
{
	sqlite3_stmt *st = s->stmt[ST_ROBOTS_GET];
	const void *b;
	int rc, found = 0;

	*body = NULL;
	*len = 0;
	bind_text(st, 1, host);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		found = 1;
		*fetched = sqlite3_column_int64(st, 0);
		*status = sqlite3_column_int(st, 1);
		b = sqlite3_column_blob(st, 2);
		*len = (size_t)sqlite3_column_bytes(st, 2);
		if (b != NULL && *len > 0) {
			*body = xmalloc(*len + 1);
			memcpy(*body, b, *len);
			(*body)[*len] = '\0';
		} else
			*len = 0;
	} else if (rc != SQLITE_DONE) {
		store_dberr(s, "reading robots.txt");
		found = -1;
	}
	stmt_done(st);
	return found;
}

int
store_robots_put(struct store *s, const char *host, int64_t fetched,
    int status, const char *body, size_t len)
{
	sqlite3_stmt *st = s->stmt[ST_ROBOTS_PUT];

	bind_text(st, 1, host);
	sqlite3_bind_int64(st, 2, fetched);
	sqlite3_bind_int(st, 3, status);
	if (body != NULL && len > 0)
		sqlite3_bind_blob(st, 4, body, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	return step_done(s, ST_ROBOTS_PUT, "storing robots.txt");
}
