/*
 * test_store_util.c: helpers shared by the store's test programs (see
 * test_store_util.h).  They drive the store only through its public API,
 * except the counts, which open a connection of their own on the file.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "parsers/feed.h"
#include "storage/store.h"
#include "test_store_util.h"

char tmpdir[64];
char dbpath[128];

void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/feedd.db", tmpdir);
}

void
teardown(void)
{
	char path[160];
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dbpath, sfx[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

struct store *
open_ok(void)
{
	struct store *s;
	char *err = NULL;

	s = store_open(dbpath, &err);
	ck_assert_msg(s != NULL, "store_open: %s", err ? err : "?");
	return s;
}

size_t
count_items(struct store *s)
{
	struct store_query q = { .limit = 1000 };
	struct store_item *items;
	size_t n;

	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	store_items_free(items, n);
	return n;
}

/* Rows in entries, including those the merged feed hides. */
int64_t
count_rows(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	    "SELECT count(*) FROM entries", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

int64_t
pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t
count_sql(const char *sql)
{
	sqlite3 *db;
	int64_t n;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	n = pragma_int(db, sql);
	sqlite3_close(db);
	return n;
}

/* FTS5's own check of its index. */
void
fts_check(void)
{
	sqlite3 *db;
	int rc;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	rc = sqlite3_exec(db, "INSERT INTO entries_fts (entries_fts)"
	    " VALUES ('integrity-check')", NULL, NULL, NULL);
	ck_assert_msg(rc == SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* How many items the merged feed has for query q. */
size_t
search(struct store *s, const char *q)
{
	struct store_query sq = { .limit = 100, .q = q };
	struct store_item *items;
	size_t n;

	ck_assert_msg(store_items(s, &sq, &items, &n) == 0, "%s: %s", q,
	    store_errmsg(s));
	store_items_free(items, n);
	return n;
}

/* Titles of the items q selects, newest first, joined by ",". */
char *
query_titles(struct store *s, const struct store_query *q, int *rc)
{
	struct store_item *items;
	size_t i, n;
	static char out[1024];

	out[0] = '\0';
	*rc = store_items(s, q, &items, &n);
	if (*rc != 0)
		return out;
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, ",", sizeof(out) - strlen(out) - 1);
		strncat(out, items[i].entry.title != NULL ?
		    items[i].entry.title : "(null)",
		    sizeof(out) - strlen(out) - 1);
	}
	store_items_free(items, n);
	return out;
}

const char *
titles(struct store *s, const struct store_query *q)
{
	const char *t;
	int rc;

	t = query_titles(s, q, &rc);
	ck_assert_msg(rc == 0, "store_items: %d %s", rc, store_errmsg(s));
	return t;
}
