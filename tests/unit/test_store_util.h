/*
 * test_store_util.h: what the store's test programs share: a fresh
 * database path per test (setup, teardown), opening it, building entries
 * and storing them as documents (test_docs.h), counting rows behind the
 * store's back, listing the merged feed's titles, and the seed of random
 * tests.
 */
#ifndef FEEDD_TEST_STORE_UTIL_H
#define FEEDD_TEST_STORE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "parsers/feed.h"
#include "storage/store.h"
#include "test_docs.h"

#define T0	1700000000	/* "now" of the first fetch */
#define DAY	(24 * 60 * 60)

/* The test's database, in a directory of its own (setup). */
extern char tmpdir[64];
extern char dbpath[128];

/* The checked fixture of every test that uses dbpath. */
void		 setup(void);
void		 teardown(void);


/* Opens dbpath, or fails the test. */
struct store	*open_ok(void);
/* How many items the merged feed shows (at most 1000). */
size_t		 count_items(struct store *s);

/* Rows in entries, including those the merged feed hides. */
int64_t		 count_rows(void);
/* The one integer sql returns on db (a PRAGMA), or -1. */
int64_t		 pragma_int(sqlite3 *db, const char *sql);
/* The one integer sql returns on a connection of the test's own. */
int64_t		 count_sql(const char *sql);
/* FTS5's own check of its index. */
void		 fts_check(void);

/* How many items the merged feed has for query q. */
size_t		 search(struct store *s, const char *q);
/* Titles of the items q selects, newest first, joined by ",", in a
 * static buffer (valid until the next call); *rc is store_items'
 * result. */
char		*query_titles(struct store *s, const struct store_query *q,
		    int *rc);
/* The same, failing the test if store_items fails. */
const char	*titles(struct store *s, const struct store_query *q);

#endif
