/*
 * test_store_doc.c: the document write path and identity: the same
 * document twice adds nothing, a changed entry is updated in place, keys
 * fall back from id to link to hash, ids that repeat or change scheme,
 * transactions and their rollback, the generation counter, dates in the
 * future or missing, the canonical form of links and its hash, and
 * documents modelled on real feeds' habits (tests/data/store/) parsed and
 * stored in turn.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/util.h"
#include "parsers/feed.h"
#include "storage/canon.h"
#include "storage/store.h"
#include "test_store_util.h"

/* Runs SQL on a connection of the test's own (the store closed). */
static void
exec_ok(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/*
 * Documents from real feeds' habits (tests/data/store/), stored in turn
 * as one feed: how many entries each adds, and how many rows are left.
 */
struct fixture_case {
	const char	*files[5];
	int		 keep_entries;	/* 0 = off */
	int		 added[5];
	int		 rows;
};

static const struct fixture_case fcases[] = {
	/* BBC: guids gain a "#N" fragment between fetches, reordered. */
	{ { "bbc-1", "bbc-2", "bbc-3" }, 0, { 3, 0, 0 }, 3 },
	/* WordPress: ?p= guids on http become https permalinks, links
	 * gain utm_ parameters. */
	{ { "guidchurn-1", "guidchurn-2" }, 0, { 2, 1 }, 3 },
	/* Every item has the site URL as its guid. */
	{ { "repeated-1", "repeated-2", "repeated-1" }, 0, { 3, 1, 0 }, 4 },
	/* A corrected headline and body: updated in place. */
	{ { "changed-1", "changed-2", "changed-1" }, 0, { 2, 0, 0 }, 2 },
	/* A window of three moving on, and a stale copy coming back. */
	{ { "comeback-1", "comeback-2", "comeback-3", "comeback-4" }, 0,
	    { 3, 2, 0, 1 }, 6 },
	/* The same with retention: purged entries stay gone. */
	{ { "comeback-1", "comeback-2", "comeback-3", "comeback-4" }, 3,
	    { 3, 2, 0, 1 }, 3 },
};

struct doc_sink {
	struct store	*s;
	int64_t		 now;
	int		 added;
};

static int
fixture_entry(void *arg, const struct entry *e, char **errstr)
{
	struct doc_sink *ds = arg;
	int added;

	(void)errstr;
	ck_assert_int_eq(store_doc_entry(ds->s, e, ds->now, &added), 0);
	ds->added += added;
	return 0;
}

/* Parses tests/data/store/name.xml into feed id as one document;
 * returns how many entries it added. */
static int
store_fixture(struct store *s, int64_t id, const char *name, int64_t now)
{
	struct feed_parse_opts o = { NULL, NULL, 0 };
	struct doc_sink ds = { s, now, 0 };
	struct feed_sink sink = { fixture_entry, &ds };
	struct feed_info info;
	const char *top;
	char path[512], *doc, *err = NULL;
	FILE *fp;
	long len;

	top = getenv("top_srcdir");
	snprintf(path, sizeof(path), "%s/tests/data/store/%s.xml",
	    top != NULL ? top : ".", name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	doc = malloc((size_t)len + 1);
	ck_assert_uint_eq(fread(doc, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_msg(feed_parse(doc, (size_t)len, &o, &sink, &info,
	    &err) == 0, "%s: %s", name, err ? err : "?");
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	feed_info_reset(&info);
	free(doc);
	return ds.added;
}

/* Stores entries as one document whose channel carries the date chan
 * (FEED_NO_DATE for none); returns how many were added. */
static int
store_doc_chan(struct store *s, int64_t feed, const struct entry *v,
    size_t n, int64_t now, int64_t chan)
{
	struct feed_info info;
	size_t i;
	int added, total = 0;

	memset(&info, 0, sizeof(info));
	info.updated = chan;
	ck_assert_int_eq(store_doc_begin(s, feed), 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(store_doc_entry(s, &v[i], now, &added), 0);
		total += added;
	}
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	return total;
}

/* The ids of the merged feed's first items, comma-separated. */
static const char *
ids_of(struct store *s, size_t limit)
{
	static char out[512];
	struct store_query q = { .limit = limit };
	struct store_item *items;
	size_t i, n;

	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out),
		    "%s%s", i > 0 ? "," : "", items[i].entry.id ?
		    items[i].entry.id : "-");
	store_items_free(items, n);
	return out;
}

struct ccase {
	const char	*in, *want;
};

static const struct ccase ccases[] = {
	{ "HTTP://Example.COM/Path?Q=1", "http://example.com/Path?Q=1" },
	{ "http://example.com:80/a", "http://example.com/a" },
	{ "https://example.com:443/a", "https://example.com/a" },
	{ "http://example.com:443/a", "http://example.com:443/a" },
	{ "https://example.com:8443/a", "https://example.com:8443/a" },
	{ "http://example.com:/a", "http://example.com/a" },
	{ "http://example.com", "http://example.com/" },
	{ "http://example.com?x=1", "http://example.com/?x=1" },
	{ "http://example.com/a#frag", "http://example.com/a" },
	{ "http://example.com/a?x=1#f?utm_source=z",
	    "http://example.com/a?x=1" },
	{ "  https://example.com/a  ", "https://example.com/a" },
	{ "https://example.com/a?utm_source=rss&utm_medium=feed",
	    "https://example.com/a" },
	{ "https://example.com/a?id=7&utm_campaign=x&fbclid=abc&b=2",
	    "https://example.com/a?id=7&b=2" },
	{ "https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&UTM_Term=4",
	    "https://example.com/a" },
	{ "https://example.com/a?utm=1&utm_=2&xutm_source=3",
	    "https://example.com/a?utm=1&utm_=2&xutm_source=3" },
	{ "https://example.com/a?&&x&", "https://example.com/a?x" },
	{ "https://User@Example.com/", "https://User@example.com/" },
	{ "http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a" },
	{ "http://[2001:DB8::1]/a", "http://[2001:db8::1]/a" },
	{ "mailto:Someone@Example.com", "mailto:Someone@Example.com" },
	{ "/relative/Path#x", "/relative/Path" },
	{ "#only", NULL },
	{ "", NULL },
	{ NULL, NULL },
};

START_TEST(test_same_document_twice)
{
	struct store *s;
	struct entry e[3];
	int64_t id;
	uint64_t gen;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "A", "https://example.org/a", T0 - 300);
	e[1] = mk("b", "B", "https://example.org/b", T0 - 200);
	e[2] = mk("c", "C", "https://example.org/c", T0 - 100);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);
	ck_assert_uint_gt(store_generation(s), gen);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_uint_eq(count_items(s), 3);
	store_close(s);
}
END_TEST

START_TEST(test_reorder_adds_nothing)
{
	struct store *s;
	struct entry e[3], r[3];
	int64_t id;
	uint64_t gen;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "A", "https://example.org/a", T0 - 300);
	e[1] = mk("b", "B", "https://example.org/b", T0 - 200);
	e[2] = mk(NULL, "C", NULL, FEED_NO_DATE);
	r[0] = e[2];
	r[1] = e[0];
	r[2] = e[1];
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, r, 3, T0 + 60), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_changed_updates_in_place)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	int64_t id, rowid, first_seen;
	uint64_t gen;
	char *guid;
	size_t n;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e = mk("urn:a", "Old title", "https://example.org/a", T0 - 300);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	/* Added, not updated. */
	ck_assert_int_eq(store_doc_updated(s), 0);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(items[0].changed, 0);
	ck_assert_int_eq(items[0].first_seen, T0);
	guid = strdup(items[0].guid);
	rowid = items[0].id;
	first_seen = items[0].first_seen;
	store_items_free(items, n);

	gen = store_generation(s);
	e.title = (char *)"New title";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 3600), 0);
	ck_assert_int_eq(store_doc_updated(s), 1);
	ck_assert_uint_gt(store_generation(s), gen);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(items[0].entry.title, "New title");
	ck_assert_str_eq(items[0].guid, guid);
	ck_assert_int_eq(items[0].id, rowid);
	ck_assert_int_eq(items[0].first_seen, first_seen);
	ck_assert_int_eq(items[0].changed, T0 + 3600);
	store_items_free(items, n);

	/* A changed summary is a change too; the same again is not. */
	e.summary = (char *)"<p>corrected</p>";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 7200), 0);
	ck_assert_int_eq(store_doc_updated(s), 1);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 9000), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_int_eq(items[0].changed, T0 + 7200);
	ck_assert_str_eq(items[0].guid, guid);
	store_items_free(items, n);
	free(guid);
	store_close(s);
}
END_TEST

START_TEST(test_key_fallbacks)
{
	struct store *s;
	struct entry e[2];
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	/* No id: the link is the key, so a new title updates in place. */
	e[0] = mk(NULL, "Linked", "https://example.org/linked", T0 - 10);
	/* No id, no link: the hash of title, date and summary. */
	e[1] = mk(NULL, "Bare", NULL, T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 1), 0);
	e[0].title = (char *)"Linked, retitled";
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 2), 0);
	ck_assert_int_eq(count_rows(), 2);
	/* With the hash as key, another title is another entry. */
	e[1].title = (char *)"Bare, retitled";
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 3), 1);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_repeated_id_not_merged)
{
	struct store *s;
	struct entry e[3];
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	/* One id for different articles in the same document. */
	e[0] = mk("same", "One", "https://example.org/1", T0 - 10);
	e[1] = mk("same", "Two", "https://example.org/2", T0 - 20);
	e[2] = mk("same", "Three", NULL, T0 - 30);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 0);
	ck_assert_int_eq(count_rows(), 3);
	/* The same entry twice in one document is stored once. */
	e[1] = e[0];
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_id_scheme_change)
{
	struct store *s;
	struct entry e;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "bbc", "https://example.org/feed", NULL);
	e = mk("http://www.example.co.uk/news/world-1", "Story",
	    "http://www.example.co.uk/news/world-1", T0 - 10);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	/* BBC style: the same story with a fragment on id and link. */
	e.id = (char *)"http://www.example.co.uk/news/world-1#2";
	e.link = (char *)"http://www.example.co.uk/news/world-1#2";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 60), 0);
	/* http to https plus tracking parameters. */
	e.id = (char *)"https://www.example.co.uk/news/world-1";
	e.link = (char *)"HTTP://WWW.example.co.uk:80/news/world-1"
	    "?utm_source=rss&utm_medium=feed";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 1);
	/* A new id and a new headline on the same article link: the story
	 * updated (its guid rotates with each edit). */
	e.id = (char *)"another";
	e.title = (char *)"UPDATED: Story";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 180), 0);
	ck_assert_int_eq(count_rows(), 1);
	/* On a site's home page link, a new id and title are another
	 * article. */
	e.link = (char *)"https://www.example.co.uk/";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 240), 1);
	e.id = (char *)"third";
	e.title = (char *)"Third story";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 300), 1);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_rollback_leaves_nothing)
{
	struct store *s;
	struct entry e[2];
	struct feed_info info;
	int64_t id;
	uint64_t gen;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed",
	    NULL);
	e[0] = mk("a", "A", "https://example.org/a", T0 - 300);
	e[1] = mk("b", "B", "https://example.org/b", T0 - 200);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0), 1);
	gen = store_generation(s);

	memset(&info, 0, sizeof(info));
	info.title = (char *)"Renamed channel";
	info.updated = FEED_NO_DATE;
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	/* Only one document at a time. */
	ck_assert_int_eq(store_doc_begin(s, id), -1);
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0 + 10, &added), 0);
	ck_assert_int_eq(added, 1);
	e[0].title = (char *)"A changed";
	ck_assert_int_eq(store_doc_entry(s, &e[0], T0 + 10, &added), 0);
	ck_assert_int_eq(added, 0);
	ck_assert_int_eq(store_doc_updated(s), 1);
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	store_doc_rollback(s);

	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_int_eq(count_rows(), 1);
	{
		struct store_query q = { .limit = 10 };
		struct store_item *items;
		size_t n;

		ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(items[0].entry.title, "A");
		ck_assert_str_eq(items[0].feed_title, "Channel title");
		store_items_free(items, n);
	}
	/* Outside a document, entries are refused. */
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0, &added), -1);
	ck_assert_int_eq(store_doc_commit(s), -1);
	/* The store still works after a rollback. */
	e[0].title = (char *)"A";
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 20), 1);
	store_close(s);
}
END_TEST

/* Rows are found by a hash of their key; another key of the same hash
 * (made here by hand: FNV-1a collisions are too rare to meet) is another
 * entry. */
START_TEST(test_key_hash_collision)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct entry e;
	int64_t a;

	s = open_ok();
	a = store_feed_ensure(s, "world", "https://a.example/feed", NULL);
	e = mk("x", "X", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	store_close(s);
	/* Row "x" now holds another key with the hash of "i:x". */
	exec_ok("UPDATE entries SET key = 'i:other', src_id = 'other',"
	    " title = 'Other'");

	s = open_ok();
	e = mk("x", "X", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 60), 1);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 120), 0);
	e.title = (char *)"X changed";
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 180), 0);
	ck_assert_str_eq(titles(s, &q), "X changed,Other");
	store_close(s);
	ck_assert_int_eq(count_rows(), 2);
	ck_assert_int_eq(count_sql("SELECT count(DISTINCT key_hash)"
	    " FROM entries"), 1);
}
END_TEST

/* The canonical link's hash: one for http and https, the host's in the
 * top bits, and only a hint: articles whose links share a hash are told
 * apart by the links. */
START_TEST(test_canon_hash)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct entry e;
	int64_t a, b;
	uint64_t h1, h2, h3;

	h1 = (uint64_t)store_canon_hash("https://a.example/1");
	h2 = (uint64_t)store_canon_hash("http://a.example/1");
	h3 = (uint64_t)store_canon_hash("https://a.example/2?x=1");
	ck_assert_uint_eq(h1, h2);
	ck_assert_uint_ne(h1, h3);
	ck_assert_uint_eq(h1 >> 40, h3 >> 40);
	ck_assert_uint_ne(h1 >> 40,
	    (uint64_t)store_canon_hash("https://b.example/1") >> 40);
	ck_assert_uint_ne(h1, (uint64_t)store_canon_hash("a.example/1?"));

	s = open_ok();
	a = store_feed_ensure(s, "a", "https://a.example/feed", NULL);
	b = store_feed_ensure(s, "b", "https://b.example/feed", NULL);
	e = mk("1", "One", "https://a.example/1", T0 - 20);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	/* The same article in b, under http: another canonical link. */
	e = mk("2", "Two", "http://a.example/1", T0 - 10);
	ck_assert_int_eq(store_doc(s, b, &e, 1, T0 + 60), 1);
	ck_assert_str_eq(titles(s, &q), "Two,One");
	e = mk("3", "Three", "https://c.example/3", T0 - 5);
	ck_assert_int_eq(store_doc(s, b, &e, 1, T0 + 120), 1);
	store_close(s);
	/* "One" gets the hash of "Three"'s link: still two articles. */
	exec_ok("UPDATE entries SET canon_hash = (SELECT canon_hash"
	    " FROM entries WHERE src_id = '3') WHERE src_id = '1'");
	s = open_ok();
	ck_assert_str_eq(titles(s, &q), "Three,Two,One");
	/* And a new id in a with "One"'s title and "Three"'s link (so
	 * "One"'s hash) is not taken for "One" under a new id. */
	e = mk("4", "One", "https://c.example/3", T0 - 1);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 180), 1);
	store_close(s);
}
END_TEST

START_TEST(test_generation)
{
	struct store *s;
	struct entry e;
	struct feed_info info;
	int64_t id;
	uint64_t gen;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	gen = store_generation(s);
	/* An empty document changes nothing visible... */
	memset(&info, 0, sizeof(info));
	info.updated = FEED_NO_DATE;
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	/* ...a new channel title does. */
	ck_assert_int_eq(store_doc(s, id, NULL, 0, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 1);
	ck_assert_int_eq(store_doc(s, id, NULL, 0, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 1);
	e = mk("a", "A", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	ck_assert_uint_eq(store_generation(s), gen + 2);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 2);
	/* A rolled back change does not count. */
	e.title = (char *)"B";
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e, T0, &added), 0);
	store_doc_rollback(s);
	ck_assert_uint_eq(store_generation(s), gen + 2);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 3);
	store_close(s);
}
END_TEST

START_TEST(test_unknown_feed)
{
	struct store *s;

	s = open_ok();
	ck_assert_int_eq(store_doc_begin(s, 42), -1);
	ck_assert_ptr_nonnull(strstr(store_errmsg(s), "no feed"));
	store_close(s);
	store_close(NULL);
}
END_TEST

/* A channel date ahead of the fetch is stored as the fetch's time. */
START_TEST(test_future_channel_date)
{
	struct store *s;
	struct feed_info info;
	struct entry e = mk("x", "X", NULL, T0 + 400 * DAY);
	int64_t id;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "f", "https://example.org/feed", NULL);
	memset(&info, 0, sizeof(info));
	info.title = (char *)"T";
	info.updated = (int64_t)253402300799LL;	/* 9999-12-31 */
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e, T0, &added), 0);
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	store_close(s);
	ck_assert_int_eq(count_sql("SELECT updated FROM feeds"), T0);
	ck_assert_int_eq(count_sql("SELECT published FROM entries"), T0);
	/* Ordered by when it was seen, too. */
	ck_assert_int_eq(count_sql("SELECT sort_time FROM entries"), T0);
}
END_TEST

START_TEST(test_failed_write_rolls_back)
{
	struct store *s;
	struct entry e[2];
	sqlite3 *db;
	int64_t id;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "Alpha", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0), 1);
	store_close(s);
	/* Make every update fail, as a full disk would. */
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TRIGGER boom BEFORE UPDATE"
	    " ON entries BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	s = open_ok();
	e[0].title = (char *)"Alpha changed";
	e[1] = mk("b", "Beta", NULL, T0 - 5);
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0 + 60, &added), 0);
	ck_assert_int_eq(store_doc_entry(s, &e[0], T0 + 60, &added), -1);
	ck_assert_ptr_nonnull(strstr(store_errmsg(s), "disk on fire"));
	/* Half a document is never committed. */
	ck_assert_int_eq(store_doc_commit(s), -1);
	store_doc_rollback(s);
	ck_assert_int_eq(count_rows(), 1);
	ck_assert_uint_eq(search(s, "alpha"), 1);
	ck_assert_uint_eq(search(s, "changed"), 0);
	ck_assert_uint_eq(search(s, "beta"), 0);
	/* And the store goes on. */
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 120), 1);
	ck_assert_uint_eq(search(s, "beta"), 1);
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_fixtures)
{
	const struct fixture_case *fc = &fcases[_i];
	struct store *s;
	int64_t id;
	size_t i;

	s = open_ok();
	id = store_feed_ensure(s, "fixture", "https://example.org/f", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, fc->keep_entries),
	    0);
	for (i = 0; i < 5 && fc->files[i] != NULL; i++)
		ck_assert_msg(store_fixture(s, id, fc->files[i],
		    T0 + (int64_t)i * 3600) == fc->added[i],
		    "%s: wrong count", fc->files[i]);
	store_close(s);
	ck_assert_int_eq(count_rows(), fc->rows);
	fts_check();
}
END_TEST

START_TEST(test_fixture_changed)
{
	struct store *s;
	struct store_query q;
	struct store_item *items;
	int64_t id;
	size_t n;

	s = open_ok();
	id = store_feed_ensure(s, "news", "https://news.example/f", NULL);
	ck_assert_int_eq(store_fixture(s, id, "changed-1", T0), 2);
	ck_assert_int_eq(store_fixture(s, id, "changed-2", T0 + 600), 0);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].entry.title, "Mayor resigns after vote");
	ck_assert_int_eq(items[0].first_seen, T0);
	ck_assert_int_eq(items[0].changed, T0 + 600);
	ck_assert_int_eq(items[1].changed, 0);
	store_items_free(items, n);
	/* The old words left the index, the new ones are in. */
	q.q = "vote";
	ck_assert_str_eq(titles(s, &q), "Mayor resigns after vote");
	q.q = "resigned.";
	ck_assert_str_eq(titles(s, &q), "Mayor resigns after vote");
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_fixture_two_feeds)
{
	struct store *s;
	struct store_query q;
	const char *fb[] = { "paper" };
	int64_t a, b;

	s = open_ok();
	a = store_feed_ensure(s, "wire", "https://wire.example/f", NULL);
	b = store_feed_ensure(s, "paper", "https://paper.example/f", NULL);
	ck_assert_int_eq(store_fixture(s, a, "twofeeds-a", T0), 2);
	ck_assert_int_eq(store_fixture(s, b, "twofeeds-b", T0 + 60), 2);
	ck_assert_int_eq(count_rows(), 4);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	ck_assert_str_eq(titles(s, &q), "Quake strikes,Wire only,Local only");
	q.feeds = fb;
	q.nfeeds = 1;
	ck_assert_str_eq(titles(s, &q), "Quake strikes coastal town,"
	    "Local only");
	store_close(s);
}
END_TEST

/* Japan Times: a channel dated January 2017 and 118 undated items (six
 * of them here), added beside a feed of today's news.  They go to the
 * channel's date, in the document's order, not to the top of the river
 * in reverse. */
START_TEST(test_undated_channel_date)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e[2];
	int64_t a, b;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "wire", "https://wire.example/f", NULL);
	b = store_feed_ensure(s, "jt", "http://www.japantimes.co.jp/", NULL);
	e[0] = mk("w1", "Today", "https://wire.example/1", T0 - 3600);
	e[1] = mk("w2", "Yesterday", "https://wire.example/2", T0 - DAY);
	ck_assert_int_eq(store_doc(s, a, e, 2, T0 - 60), 2);
	ck_assert_int_eq(store_fixture(s, b, "rw-japantimes", T0), 6);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(items[0].entry.title, "Today");
	ck_assert_str_eq(items[1].entry.title, "Yesterday");
	/* Sun, 08 Jan 2017 00:10:21 +0900, then a second per place. */
	ck_assert_int_eq(items[2].order_time, 1483801821);
	ck_assert_int_eq(items[3].order_time, 1483801820);
	ck_assert_int_eq(items[7].order_time, 1483801816);
	ck_assert_ptr_nonnull(strstr(items[2].entry.title, "Trump shock"));
	ck_assert_ptr_nonnull(strstr(items[3].entry.title, "Abe aide"));
	ck_assert_ptr_nonnull(strstr(items[7].entry.title,
	    "In rare move"));
	ck_assert_int_eq(items[2].first_seen, T0);
	ck_assert_int_eq(items[2].entry.published, FEED_NO_DATE);
	store_items_free(items, n);
	/* Refetched (and edited), they stay where they are. */
	ck_assert_int_eq(store_fixture(s, b, "rw-japantimes", T0 + 600), 0);
	ck_assert_str_eq(ids_of(s, 2), "w1,w2");
	store_close(s);
}
END_TEST

/* Undated entries without a channel date: a new feed's backlog goes
 * below its own oldest dated entry; later, new ones come at the time
 * they were seen, in document order; a stale channel date is not
 * believed. */
START_TEST(test_undated_order)
{
	struct store *s;
	struct store_query q = { .limit = 2 };
	struct store_item *items;
	struct entry e[4];
	int64_t a, b;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "wire", "https://wire.example/f", NULL);
	b = store_feed_ensure(s, "blog", "https://blog.example/f", NULL);
	e[0] = mk("w1", "Wire", "https://wire.example/1", T0 - 3 * DAY);
	ck_assert_int_eq(store_doc(s, a, e, 1, T0), 1);
	e[0] = mk("u1", "U1", "https://blog.example/u1", FEED_NO_DATE);
	e[1] = mk("d1", "D1", "https://blog.example/d1", T0 - 5 * DAY);
	e[2] = mk("u2", "U2", "https://blog.example/u2", FEED_NO_DATE);
	ck_assert_int_eq(store_doc_chan(s, b, e, 3, T0, FEED_NO_DATE), 3);
	ck_assert_str_eq(ids_of(s, 10), "w1,d1,u1,u2");
	/* New undated entries of a later fetch are news: on top, in the
	 * document's order, even with a stale channel date. */
	e[0] = mk("u3", "U3", "https://blog.example/u3", FEED_NO_DATE);
	e[1] = mk("u4", "U4", "https://blog.example/u4", FEED_NO_DATE);
	e[2] = mk("u5", "U5", "https://blog.example/u5", FEED_NO_DATE);
	ck_assert_int_eq(store_doc_chan(s, b, e, 3, T0 + 600,
	    T0 - 10 * DAY), 3);
	ck_assert_str_eq(ids_of(s, 3), "u3,u4,u5");
	/* Entries of one date (days, not times) keep the document's order
	 * too. */
	e[0] = mk("s1", "S1", "https://blog.example/s1", T0 + 300);
	e[1] = mk("s2", "S2", "https://blog.example/s2", T0 + 300);
	e[2] = mk("s3", "S3", "https://blog.example/s3", T0 + 300);
	ck_assert_int_eq(store_doc_chan(s, a, e, 3, T0 + 900, FEED_NO_DATE),
	    3);
	ck_assert_str_eq(ids_of(s, 6), "u3,u4,u5,s1,s2,s3");
	/* A believable channel date places them. */
	e[0] = mk("u6", "U6", "https://blog.example/u6", FEED_NO_DATE);
	e[1] = mk("u7", "U7", "https://blog.example/u7", FEED_NO_DATE);
	ck_assert_int_eq(store_doc_chan(s, b, e, 2, T0 + 1200, T0 + 900),
	    2);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].entry.id, "u6");
	ck_assert_int_eq(items[0].order_time, T0 + 900);
	ck_assert_str_eq(items[1].entry.id, "u7");
	ck_assert_int_eq(items[1].order_time, T0 + 899);
	store_items_free(items, n);
	store_close(s);
}
END_TEST

/* Suspilne: one story listed twice in the document (same link, same
 * headline, no guid; the versions differ in date and text). */
START_TEST(test_repeated_link_once)
{
	struct store *s;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "suspilne", "https://suspilne.media/rss",
	    NULL);
	ck_assert_int_eq(store_fixture(s, id, "rw-suspilne", T0), 4);
	ck_assert_int_eq(store_fixture(s, id, "rw-suspilne", T0 + 600), 0);
	ck_assert_int_eq(count_rows(), 4);
	store_close(s);
	fts_check();
}
END_TEST

/* Al Jazeera: guids rotate (?t=...) while a headline gains "UPDATED:";
 * the canonical link says it is the same story, updated in place with
 * its guid for readers kept. */
START_TEST(test_rotating_guid_once)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	char *guid;
	int64_t id;
	size_t n, i;

	s = open_ok();
	id = store_feed_ensure(s, "aje", "https://www.aljazeera.com/xml",
	    NULL);
	ck_assert_int_eq(store_fixture(s, id, "rw-aljazeera-1", T0), 3);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(items[1].entry.title,
	    "Oman says oil spill from stricken tanker has reached its coast");
	guid = strdup(items[1].guid);
	store_items_free(items, n);
	ck_assert_int_eq(store_fixture(s, id, "rw-aljazeera-2", T0 + 600),
	    1);
	ck_assert_int_eq(count_rows(), 4);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++)
		if (strstr(items[i].entry.title, "Oman") != NULL)
			break;
	ck_assert_uint_lt(i, n);
	ck_assert_str_eq(items[i].entry.title, "UPDATED: Oman says oil "
	    "spill from stricken tanker has reached its coast");
	ck_assert_str_eq(items[i].guid, guid);
	ck_assert_int_eq(items[i].changed, T0 + 600);
	store_items_free(items, n);
	free(guid);

	/* A home-page link names no story: a new id and headline there
	 * is a new entry. */
	e = mk("x1", "One", "https://shop.example/", T0 - 10);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 700), 1);
	e = mk("x2", "Two", "https://shop.example/", T0 - 5);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 800), 1);
	ck_assert_int_eq(count_rows(), 6);
	store_close(s);
	fts_check();
}
END_TEST

/* Two rows with one article link (two entries of one document): a new
 * id on that link with the title of one of them updates that one, the
 * row with the same title found first whichever was stored first. */
START_TEST(test_link_prefers_same_title)
{
	struct store *s;
	struct entry e[2];
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "f", "https://example.org/feed", NULL);
	e[0] = mk("a1", "Alpha", "https://example.org/news/story-1", T0 - 20);
	e[1] = mk("b1", "Beta", "https://example.org/news/story-1", T0 - 10);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	e[0] = mk("b2", "Beta", "https://example.org/news/story-1", T0 - 10);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 60), 0);
	e[0] = mk("a2", "Alpha", "https://example.org/news/story-1", T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 2);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM entries"
	    " WHERE title IN ('Alpha', 'Beta')"), 2);
	/* A third title on the link: neither row is its own. */
	e[0] = mk("c1", "Gamma", "https://example.org/news/story-1", T0);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 180), 1);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_canon_link)
{
	const struct ccase *c = &ccases[_i];
	char *got;

	got = store_canon_link(c->in);
	if (c->want == NULL)
		ck_assert_msg(got == NULL, "%s -> %s", c->in, got);
	else {
		ck_assert_msg(got != NULL, "%s -> NULL", c->in);
		ck_assert_str_eq(got, c->want);
	}
	free(got);
}
END_TEST

static Suite *
store_doc_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store_doc");
	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_same_document_twice);
	tcase_add_test(tc, test_reorder_adds_nothing);
	tcase_add_test(tc, test_changed_updates_in_place);
	tcase_add_test(tc, test_key_fallbacks);
	tcase_add_test(tc, test_repeated_id_not_merged);
	tcase_add_test(tc, test_id_scheme_change);
	tcase_add_test(tc, test_rollback_leaves_nothing);
	tcase_add_test(tc, test_key_hash_collision);
	tcase_add_test(tc, test_canon_hash);
	tcase_add_test(tc, test_generation);
	tcase_add_test(tc, test_unknown_feed);
	tcase_add_test(tc, test_future_channel_date);
	tcase_add_test(tc, test_failed_write_rolls_back);
	tcase_add_loop_test(tc, test_fixtures, 0,
	    (int)NELEM(fcases));
	tcase_add_test(tc, test_fixture_changed);
	tcase_add_test(tc, test_fixture_two_feeds);
	tcase_add_test(tc, test_undated_channel_date);
	tcase_add_test(tc, test_undated_order);
	tcase_add_test(tc, test_repeated_link_once);
	tcase_add_test(tc, test_rotating_guid_once);
	tcase_add_test(tc, test_link_prefers_same_title);
	suite_add_tcase(s, tc);

	tc = tcase_create("canon");
	tcase_add_loop_test(tc, test_canon_link, 0,
	    (int)NELEM(ccases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	feed_init();
	sr = srunner_create(store_doc_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
