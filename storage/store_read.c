/*
 * store_read.c: the merged feed (store_items): the newest entries of all
 * feeds, or of the feeds some tags or names select, optionally only those
 * a search matches or those since a time.
 *
 * Queries are built per combination of filters and plans (the shapes
 * IQ_*) and kept prepared (items_stmt).  A tags/feeds filter has two
 * plans, chosen by cost (items_walk): walk the merged order, or gather
 * the selected feeds' rows and sort them.  A search first finds the best
 * row ids in store_fts.c's search walk (which, with feeds selected, skips
 * other feeds' matches by its map of rows to feeds, feedd_feed_may),
 * then reads those rows here.
 *
 * An entry's guid, a function of feed name and key, is derived when read
 * (derive_guid), not stored; categories and enclosures are stored as
 * JSON and read back into the parser's model with SQLite's json_each.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "canon.h"
#include "store_int.h"
#include "store_test.h"

/*
 * The merged feed.  An article several feeds carry (same canonical link)
 * is shown once, from the feed that stored it first; each feed keeps its
 * own row.  store_items assembles its statements from these pieces
 * (items_stmt) for each combination of filters and plans.
 */
#define ITEMS_SELECT \
	"SELECT e.id, e.guid, e.src_id, e.title, e.link, e.author," \
	" e.summary, coalesce((SELECT a.content FROM articles AS a" \
	"  WHERE a.entry_id = e.id AND a.state = 1), e.content)," \
	" e.published, e.updated, e.categories," \
	" e.enclosures, e.first_seen, e.changed, f.name," \
	" coalesce(f.conf_title, f.title), f.url, f.link, e.key," \
	" e.sort_time FROM entries AS e"
#define ITEMS_JOIN " JOIN feeds AS f ON f.id = e.feed_id"
/* ?3 is the JSON array of the selected feeds' ids. */
#define ITEMS_FEEDSET "(SELECT value FROM json_each(?3))"
#define ITEMS_DEDUP_HEAD \
	" WHERE (e.canon_hash IS NULL OR NOT EXISTS (SELECT 1" \
	"  FROM entries AS d WHERE d.canon_hash = e.canon_hash" \
	"  AND d.feed_id <> e.feed_id AND d.canon_link = e.canon_link"
#define ITEMS_DEDUP_TAIL \
	"  AND (d.first_seen < e.first_seen" \
	"  OR (d.first_seen = e.first_seen AND d.id < e.id))))"
#define ITEMS_ORDER \
	" ORDER BY e.sort_time DESC, e.id DESC LIMIT ?1"

static int
load_categories(struct store *s, const char *json, struct entry *e)
{
	sqlite3_stmt *st = s->stmt[ST_JSON_STRINGS];
	size_t n = 0;
	int rc;

	bind_text(st, 1, json);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		e->categories = xreallocarray(e->categories, n + 1,
		    sizeof(*e->categories));
		e->categories[n++] = column_strdup(st, 0);
		e->ncategories = n;
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "reading categories");
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
load_enclosures(struct store *s, const char *json, struct entry *e)
{
	sqlite3_stmt *st = s->stmt[ST_JSON_ENCLOSURES];
	struct enclosure *enc;
	size_t n = 0;
	int rc;

	bind_text(st, 1, json);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->enclosures = xreallocarray(e->enclosures, n + 1,
		    sizeof(*e->enclosures));
		enc = &e->enclosures[n++];
		enc->url = column_strdup(st, 0);
		enc->type = column_strdup(st, 1);
		enc->length = sqlite3_column_type(st, 2) == SQLITE_INTEGER ?
		    sqlite3_column_int64(st, 2) : -1;
		e->nenclosures = n;
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "reading enclosures");
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The guid of an entry stored without one (schema.c, step 5), from the
 * feed's name and the entry's key in columns name and key of st: as the
 * store wrote them before, so they never change.
 */
static char *
derive_guid(sqlite3_stmt *st, int name, int key)
{
	const char *v;
	uint64_t hn = FNV64_INIT, hk = FNV64_INIT;

	if ((v = (const char *)sqlite3_column_text(st, name)) != NULL)
		hn = fnv64(FNV64_INIT, v, strlen(v));
	if ((v = (const char *)sqlite3_column_text(st, key)) != NULL)
		hk = fnv64(FNV64_INIT, v, strlen(v));
	return xasprintf("tag:feedd,2026:%016" PRIx64 "%016" PRIx64, hn, hk);
}

/* Fills it from the current row of an items statement. */
static int
load_item(struct store *s, sqlite3_stmt *st, struct store_item *it)
{
	struct entry *e = &it->entry;
	char *cats, *encls;
	int rc = 0;

	it->id = sqlite3_column_int64(st, 0);
	it->guid = column_strdup(st, 1);
	if (it->guid == NULL)
		it->guid = derive_guid(st, 14, 18);
	e->id = column_strdup(st, 2);
	e->title = column_strdup(st, 3);
	e->link = column_strdup(st, 4);
	e->author = column_strdup(st, 5);
	e->summary = column_strdup(st, 6);
	e->content = column_strdup(st, 7);
	e->published = column_date(st, 8);
	e->updated = column_date(st, 9);
	cats = column_strdup(st, 10);
	encls = column_strdup(st, 11);
	it->first_seen = sqlite3_column_int64(st, 12);
	it->changed = sqlite3_column_int64(st, 13);
	it->feed_name = column_strdup(st, 14);
	it->feed_title = column_strdup(st, 15);
	it->feed_url = column_strdup(st, 16);
	it->feed_link = column_strdup(st, 17);
	it->order_time = sqlite3_column_int64(st, 19);
	if (cats != NULL)
		rc = load_categories(s, cats, e);
	if (rc == 0 && encls != NULL)
		rc = load_enclosures(s, encls, e);
	free(cats);
	free(encls);
	return rc;
}

/*
 * The statement of one shape (IQ_*), prepared on first use and kept.
 *
 * A tags/feeds filter has two plans: walking the merged order (index
 * entries_sort) finds the newest rows of feeds that hold a good share of
 * all entries quickly; gathering the selected feeds' rows (index
 * entries_feed_seen) and sorting them is quick for feeds holding few.
 * INDEXED BY pins each plan: the planner has no statistics on the
 * selection to choose by.
 *
 * A search (IQ_SEARCH) lists the matching rows that pass every filter,
 * newest row id first, as FTS5 walks its doclists backwards; store_items
 * keeps the best and stops early (search_walk), then fetches them with
 * IQ_IDS.
 */
static sqlite3_stmt *
items_stmt(struct store *s, int shape)
{
	struct buf b;
	int feeds = shape & (IQ_FEEDS | IQ_GATHER);

	if (s->items_st[shape] != NULL)
		return s->items_st[shape];
	/* SQL of our own. */
	buf_init(&b, BUF_UNCAPPED);
	if (shape & IQ_IDS) {
		buf_addstr(&b, ITEMS_SELECT ITEMS_JOIN
		    " WHERE e.id IN (SELECT value FROM json_each(?2))"
		    ITEMS_ORDER);
		goto prepare;
	}
	if (shape & IQ_SEARCH)
		buf_addstr(&b, "SELECT e.id, e.sort_time FROM entries_fts"
		    " JOIN entries AS e ON e.id = entries_fts.rowid");
	else if (shape & IQ_GATHER)
		/* Sorts row ids, not whole rows, then reads limit rows. */
		buf_addstr(&b, ITEMS_SELECT ITEMS_JOIN " WHERE e.id IN"
		    " (SELECT e.id FROM entries AS e");
	else
		buf_addstr(&b, ITEMS_SELECT);
	if (shape & IQ_GATHER)
		buf_addstr(&b, " INDEXED BY entries_feed_seen");
	else if ((shape & IQ_FEEDS) && !(shape & IQ_SEARCH))
		buf_addstr(&b, " INDEXED BY entries_sort");
	if (!(shape & (IQ_SEARCH | IQ_GATHER)))
		buf_addstr(&b, ITEMS_JOIN);
	/* A per-feed or per-tag view: the first among the selected feeds
	 * shows a shared article, so each feed's view shows its own, and
	 * one feed's view shows all of its own. */
	if (shape & IQ_ONEFEED)
		buf_addstr(&b, " WHERE 1");
	else {
		buf_addstr(&b, ITEMS_DEDUP_HEAD);
		if (feeds)
			buf_addstr(&b, "  AND d.feed_id IN " ITEMS_FEEDSET);
		buf_addstr(&b, ITEMS_DEDUP_TAIL);
	}
	if (feeds)
		buf_addstr(&b, " AND e.feed_id IN " ITEMS_FEEDSET);
	/* Before the join reads a match's row: the rows of feeds not
	 * selected, as far as the feed map knows them (store_fts.c). */
	if (feeds && (shape & IQ_SEARCH))
		buf_addstr(&b, " AND feedd_feed_may(entries_fts.rowid, ?5)");
	if (shape & IQ_SINCE)
		buf_addstr(&b, " AND e.sort_time >= ?4");
	if (shape & IQ_SEARCH)
		buf_addstr(&b, " AND entries_fts MATCH ?2"
		    " ORDER BY entries_fts.rowid DESC");
	else if (shape & IQ_GATHER)
		buf_addstr(&b, ITEMS_ORDER ")" ITEMS_ORDER);
	else
		buf_addstr(&b, ITEMS_ORDER);
prepare:
	if (sqlite3_prepare_v3(s->db, b.data, (int)b.len,
	    SQLITE_PREPARE_PERSISTENT, &s->items_st[shape], NULL) !=
	    SQLITE_OK) {
		store_dberr(s, "preparing query");
		s->items_st[shape] = NULL;
	}
	buf_reset(&b);
	return s->items_st[shape];
}

/*
 * The feeds q's tags and names select: *ids, a JSON array of their ids
 * (NULL if none is selected), and *rows, how many entries they hold;
 * for a search, *sel their set for the feed map (else NULL).
 */
static int
items_feeds(struct store *s, const struct store_query *q, char **ids,
    int64_t *rows, size_t *nids, struct feedsel **sel)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_SELECT];
	int64_t *v = NULL;
	size_t n = 0, i;
	unsigned slot;
	int rc;

	*ids = NULL;
	*rows = 0;
	*sel = NULL;
	if (q->tags != NULL && q->ntags > 0)
		sqlite3_bind_text(st, 1, json_strings(q->tags, q->ntags), -1,
		    free);
	if (q->feeds != NULL && q->nfeeds > 0)
		sqlite3_bind_text(st, 2, json_strings(q->feeds, q->nfeeds),
		    -1, free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = sqlite3_column_int64(st, 0);
		*rows += sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "selecting feeds");
	stmt_done(st);
	if (rc == SQLITE_DONE && n > 0)
		*ids = ids_json(v, n);
	if (rc == SQLITE_DONE && n > 0 && q->q != NULL) {
		*sel = xcalloc(1, sizeof(**sel));
		for (i = 0; i < n; i++) {
			slot = (unsigned)(1 + v[i] % FMAP_MOD);
			(*sel)->bits[slot / 64] |= (uint64_t)1 << (slot % 64);
		}
	}
	*nids = n;
	free(v);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Whether walking the merged order beats gathering the selected feeds'
 * rows: a walk reads about limit * total / rows rows to find limit of
 * them; a gather reads and sorts all rows. */
static int
items_walk(struct store *s, size_t limit, int64_t rows)
{
	sqlite3_stmt *st = s->stmt[ST_ENTRIES_TOTAL];
	double total = 0;

	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_double(st, 0);
	stmt_done(st);
	if (rows <= 0)
		return 0;
	/* Gathering costs about twice a walked row per row (the sort). */
	return (double)limit * total / (double)rows < 2.0 * (double)rows;
}

int
store_items(struct store *s, const struct store_query *q,
    struct store_item **items, size_t *nitems)
{
	sqlite3_stmt *st;
	struct store_item *v = NULL;
	char *match = NULL, *feedset = NULL;
	struct feedsel *sel = NULL;
	int64_t rows;
	size_t n = 0, nsel;
	int rc, bad = 0, shape = 0;

	*items = NULL;
	*nitems = 0;
	if (q->limit == 0)
		return 0;
	if (fts_query(s, q->q, &match) == -1) {
		store_seterr(s, "search too long (at most %d bytes and %d "
		    "words)", STORE_Q_MAX, STORE_Q_MAX_WORDS);
		return -2;
	}
	if ((q->tags != NULL && q->ntags > 0) ||
	    (q->feeds != NULL && q->nfeeds > 0)) {
		if (items_feeds(s, q, &feedset, &rows, &nsel, &sel) == -1) {
			free(match);
			return -1;
		}
		if (feedset == NULL || (match == NULL && sel != NULL)) {
			free(sel);
			sel = NULL;
		}
		if (feedset == NULL) {
			/* Nothing selected: no items. */
			free(match);
			return 0;
		}
		if (nsel == 1)
			shape |= IQ_ONEFEED;
		/* (A search has its own plan.) */
		if (s->feed_plan != 0 && match == NULL)
			shape |= s->feed_plan == 1 ? IQ_FEEDS : IQ_GATHER;
		else
			shape |= match != NULL ||
			    items_walk(s, q->limit, rows) ? IQ_FEEDS :
			    IQ_GATHER;
	}
	if (q->since != 0)
		shape |= IQ_SINCE;
	if (match != NULL) {
		/* On failure (a full disk, say) the search still runs,
		 * without the entries not yet indexed. */
		fts_catch_up(s);
		if (bound_load(s, sel != NULL) == -1 ||
		    (st = items_stmt(s, shape | IQ_SEARCH)) == NULL) {
			free(match);
			free(feedset);
			free(sel);
			return -1;
		}
		sqlite3_bind_text(st, 2, match, -1, free);
		if (feedset != NULL)
			sqlite3_bind_text(st, 3, feedset, -1, free);
		if (sel != NULL)
			sqlite3_bind_pointer(st, 5, sel, FEEDSEL_TYPE, free);
		if (shape & IQ_SINCE)
			sqlite3_bind_int64(st, 4, q->since);
		rc = search_walk(s, st, q->limit, q->since, &match);
		if (rc != 0)
			return rc;
		if (match == NULL)
			return 0;
		/* The rows found, in order: only their ids matter now. */
		shape = IQ_IDS;
		feedset = NULL;
	}
	if ((st = items_stmt(s, shape)) == NULL) {
		free(match);
		free(feedset);
		return -1;
	}
	sqlite3_bind_int64(st, 1, q->limit > INT64_MAX ? INT64_MAX :
	    (int64_t)q->limit);
	if (match != NULL)
		sqlite3_bind_text(st, 2, match, -1, free);
	if (feedset != NULL)
		sqlite3_bind_text(st, 3, feedset, -1, free);
	if (shape & IQ_SINCE)
		sqlite3_bind_int64(st, 4, q->since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		if (load_item(s, st, &v[n++]) == -1) {
			bad = 1;
			break;
		}
	}
	if (!bad && rc != SQLITE_DONE)
		store_dberr(s, "reading items");
	stmt_done(st);
	if (bad || rc != SQLITE_DONE) {
		store_items_free(v, n);
		return -1;
	}
	*items = v;
	*nitems = n;
	return 0;
}

void
store_items_free(struct store_item *items, size_t nitems)
{
	size_t i;

	for (i = 0; i < nitems; i++) {
		/* load_item allocates as the parser does (xstrdup,
		 * xreallocarray), so the parser's reset frees it. */
		entry_reset(&items[i].entry);
		free(items[i].guid);
		free(items[i].feed_name);
		free(items[i].feed_title);
		free(items[i].feed_url);
		free(items[i].feed_link);
	}
	free(items);
}

void
store_set_feed_plan(struct store *s, int plan)
{
	s->feed_plan = plan;
}
