/*
 * store_doc.c: the document write path: one fetched document is one
 * transaction (store_doc_begin, store_doc_entry per entry,
 * store_doc_info, store_doc_commit or store_doc_rollback), and the
 * identity of the entries it holds.
 *
 * Identity.  An entry's key within its feed is, in order of preference,
 * its guid/atom:id, its (canonical) link, or a hash of title, date and
 * summary.  Within one document each key is used once: an entry whose id
 * an earlier entry of the same document already used falls back to its
 * link, then to the hash, so a feed that repeats one id for different
 * articles never has them merged.  Across documents, an id whose stored
 * row has both another canonical link and another title is taken for a
 * reused id (a shop that gives every item its home page as guid) and the
 * entry falls back to its next key the same way.  When a key is new to
 * the feed but the feed already holds exactly one entry with the same
 * canonical link (or the same under the other of http and https), the
 * entry is that one under a new id (http became https, a fragment or
 * tracking parameters were added, a guid that changes with every edit
 * while the headline gains "UPDATED:") and updates it instead of adding
 * a second.  A link that is only a site's home page identifies nothing,
 * so there the title must match too.  Within one document, an entry
 * without an id that repeats an earlier entry's article link is the
 * same story listed twice, and the first listing stands.
 *
 * Writes.  The key lookup that precedes every write returns the stored
 * row's id and content hash (of every field), so an unchanged entry is
 * neither written nor counted and refetching a document costs reads
 * only.  The indexes hold 64-bit hashes of key and canonical link, not
 * the strings (schema.c, step 5): a look-up finds the rows of the hash
 * and compares the strings, so a collision costs a row read, never a
 * merge.  Nothing in the schema makes keys unique any more; this look-up
 * does, before every insert, inside the document's transaction, on the
 * only connection that writes.  A new key is a plain INSERT, a changed
 * entry an UPDATE of the row found (WHERE content_hash IS NOT the new
 * one repeats the guard in SQL); neither has a RETURNING clause, which
 * SQLite buffers in an ephemeral table whose setup cost a third of the
 * ingest rate.  The row id, key, guid and first_seen of an entry never
 * change; the guid, a function of feed name and key, is derived when
 * read instead of stored.
 *
 * Dates.  An entry or channel date later than the time of the document
 * is stored as that time: a publisher's clock cannot put its feed at the
 * top of the merged feed, nor its date in the source's <updated>, for
 * years to come.  The content hash is of the dates as published, so an
 * unchanged entry is still recognised.
 *
 * The commit applies retention (store_retain.c) and indexes the rows
 * the document changed (store_fts.c) inside the same transaction.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "canon.h"
#include "store_int.h"

/* The slot of the key of hash h (store_key_hash), or NULL if the
 * document has not used it. */
static const struct keyslot *
keyset_find(const struct keyset *ks, uint64_t h)
{
	size_t i;

	if (ks->size == 0)
		return NULL;
	for (i = h & (ks->size - 1); ks->slot[i].key != 0;
	    i = (i + 1) & (ks->size - 1))
		if (ks->slot[i].key == h)
			return &ks->slot[i];
	return NULL;
}

int
doc_key_used(const struct store *s, uint64_t h)
{
	return keyset_find(&s->doc_keys, h) != NULL;
}

static void
keyset_put(struct keyset *ks, uint64_t h, uint64_t content)
{
	size_t i;

	for (i = h & (ks->size - 1); ks->slot[i].key != 0;
	    i = (i + 1) & (ks->size - 1))
		if (ks->slot[i].key == h)
			return;
	ks->slot[i].key = h;
	ks->slot[i].content = content;
	ks->used++;
}

static void
keyset_add(struct keyset *ks, uint64_t h, uint64_t content)
{
	struct keyslot *old;
	size_t i, oldsize;

	/* Keep the load under one half. */
	if (2 * (ks->used + 1) > ks->size) {
		old = ks->slot;
		oldsize = ks->size;
		ks->size = oldsize != 0 ? 2 * oldsize : 64;
		ks->slot = xcalloc(ks->size, sizeof(*ks->slot));
		ks->used = 0;
		for (i = 0; i < oldsize; i++)
			if (old[i].key != 0)
				keyset_put(ks, old[i].key, old[i].content);
		free(old);
	}
	keyset_put(ks, h, content);
}

static void
keyset_clear(struct keyset *ks)
{
	if (ks->size > 0)
		memset(ks->slot, 0, ks->size * sizeof(*ks->slot));
	ks->used = 0;
}

int
store_doc_begin(struct store *s, int64_t feed_id)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_NAME];
	int rc;

	if (s->in_doc) {
		store_seterr(s, "a document is already open");
		return -1;
	}
	if (s->in_batch) {
		store_seterr(s, "a document inside registrations");
		return -1;
	}
	/* The feed is read inside the document's transaction: one read
	 * transaction (and its locks) a document, not two. */
	if (step_done(s, ST_BEGIN, "beginning transaction") == -1)
		return -1;
	sqlite3_bind_int64(st, 1, feed_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		free(s->doc_feed_name);
		s->doc_feed_name = column_strdup(st, 0);
		s->doc_keep_days = sqlite3_column_type(st, 1) == SQLITE_NULL ?
		    s->keep_days : sqlite3_column_int(st, 1);
		s->doc_keep_entries = sqlite3_column_type(st, 2) ==
		    SQLITE_NULL ? s->keep_entries : sqlite3_column_int(st, 2);
		s->doc_feed_rows = sqlite3_column_int64(st, 3);
		s->doc_prev_seen = sqlite3_column_int64(st, 4);
	} else if (rc == SQLITE_DONE)
		store_seterr(s, "no feed %" PRId64, feed_id);
	else
		store_dberr(s, "reading feed");
	stmt_done(st);
	if (rc != SQLITE_ROW) {
		/* Keeps the reason above. */
		if (!sqlite3_get_autocommit(s->db)) {
			sqlite3_step(s->stmt[ST_ROLLBACK]);
			stmt_done(s->stmt[ST_ROLLBACK]);
		}
		return -1;
	}
	s->in_doc = 1;
	s->doc_feed = feed_id;
	s->doc_changed = 0;
	s->doc_now = 0;
	s->doc_failed = 0;
	s->doc_nentries = 0;
	s->doc_added = 0;
	s->doc_updated = 0;
	s->doc_articles = STORE_ARTICLES_NO;
	s->doc_skipped = 0;
	s->doc_nindex = 0;
	s->doc_nundated = 0;
	s->doc_prev_date = FEED_NO_DATE;
	s->doc_ties = 0;
	s->doc_chan_date = FEED_NO_DATE;
	s->doc_oldest = INT64_MAX;
	s->doc_fts_w = s->fts_w;
	s->doc_fts_pending = s->fts_pending;
	keyset_clear(&s->doc_keys);
	return 0;
}

/* Hashes an optional string so that NULL, "" and adjacent fields cannot
 * be confused. */
static uint64_t
hash_str(uint64_t h, const char *v)
{
	if (v == NULL)
		return fnv64(h, "", 1);
	h = fnv64(h, "\1", 1);
	return fnv64(h, v, strlen(v) + 1);
}

/* Little-endian bytes, so the hash is the same on every machine. */
static uint64_t
hash_int(uint64_t h, int64_t v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	return fnv64(h, b, sizeof(b));
}

/* content_hash's parts: a string (NULL apart from "") and a date. */
static uint64_t
content_str(uint64_t h, const char *v)
{
	if (v == NULL)
		return (h ^ 0xff) * 0x100000001b3ULL;
	return store_hash(h, v, strlen(v));
}

static uint64_t
content_int(uint64_t h, int64_t v)
{
	h = (h ^ (uint64_t)v) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/*
 * The hash of everything stored of an entry (entries.content_hash): a
 * refetched entry whose hash is unchanged writes nothing.  Computed from
 * the stored columns too (sql_content_hash), so the parts are what is
 * stored: the JSON of categories and enclosures, FEED_NO_DATE for NULL.
 */
uint64_t
content_hash(const char *title, const char *link, const char *author,
    const char *summary, const char *content, int64_t published,
    int64_t updated, const char *cats, const char *encls)
{
	uint64_t h = FNV64_INIT;

	h = content_str(h, title);
	h = content_str(h, link);
	h = content_str(h, author);
	h = content_str(h, summary);
	h = content_str(h, content);
	h = content_int(h, published);
	h = content_int(h, updated);
	h = content_str(h, cats);
	return content_str(h, encls);
}

/* JSON arrays of the categories and enclosures, or NULL when empty. */
static char *
json_categories(const struct entry *e)
{
	struct buf b;
	size_t i;

	if (e->ncategories == 0)
		return NULL;
	/* The entry's, parsed from a document under its cap. */
	buf_init(&b, BUF_UNCAPPED);
	buf_addch(&b, '[');
	for (i = 0; i < e->ncategories; i++) {
		if (i > 0)
			buf_addch(&b, ',');
		json_add_str(&b, e->categories[i]);
	}
	buf_addch(&b, ']');
	return buf_steal(&b);
}

static char *
json_enclosures(const struct entry *e)
{
	struct buf b;
	size_t i;

	if (e->nenclosures == 0)
		return NULL;
	/* The entry's, parsed from a document under its cap. */
	buf_init(&b, BUF_UNCAPPED);
	buf_addch(&b, '[');
	for (i = 0; i < e->nenclosures; i++) {
		buf_addstr(&b, i > 0 ? ",{\"url\":" : "{\"url\":");
		json_add_str(&b, e->enclosures[i].url);
		buf_addstr(&b, ",\"type\":");
		json_add_str(&b, e->enclosures[i].type);
		buf_printf(&b, ",\"length\":%" PRId64 "}",
		    e->enclosures[i].length);
	}
	buf_addch(&b, ']');
	return buf_steal(&b);
}

static int64_t
entry_date(const struct entry *e)
{
	return e->published != FEED_NO_DATE ? e->published : e->updated;
}

/*
 * Whether a canonical link names a page of its own rather than a site's
 * home page (nothing, or only "/", after the host), which some feeds
 * give every item: only an article link identifies a story by itself.
 */
static int
link_is_article(const char *canon)
{
	const char *p;

	if (canon == NULL || (p = strstr(canon, "://")) == NULL)
		return 0;
	p += 3;
	p += strcspn(p, "/?#");
	return !(p[0] == '\0' || (p[0] == '/' && p[1] == '\0'));
}

/*
 * The entry's next candidate identity key in the open document, trying
 * from *stage on (0 its id, 1 its link, 2 a hash of title, date and
 * summary) for one that no earlier entry of the document used; built
 * only when needed, in s->keybuf (valid until the next call), with its
 * hash in *hash.  NULL when none is left, or when the first key that
 * exists was used by an earlier entry with the same content (the same
 * entry twice in one document; *found tells whether a candidate was
 * offered already).
 */
static const char *
entry_key_next(struct store *s, const struct entry *e, const char *canon,
    uint64_t content, int *stage, int *found, uint64_t *hash)
{
	const struct keyslot *ks;
	struct buf *b = &s->keybuf;
	uint64_t h;

	while (*stage < 3) {
		buf_clear(b);
		switch ((*stage)++) {
		case 0:
			if (e->id == NULL)
				continue;
			buf_add(b, "i:", 2);
			buf_addstr(b, e->id);
			break;
		case 1:
			if (canon == NULL)
				continue;
			buf_add(b, "l:", 2);
			buf_addstr(b, canon);
			break;
		default:
			h = hash_str(FNV64_INIT, e->title);
			h = hash_int(h, entry_date(e));
			h = hash_str(h, e->summary);
			buf_printf(b, "h:%016" PRIx64, h);
		}
		*hash = store_key_hash(b->data, b->len);
		ks = keyset_find(&s->doc_keys, *hash);
		if (ks == NULL) {
			*found = 1;
			return b->data;
		}
		if (ks->content == content && !*found) {
			*stage = 3;
			return NULL;
		}
		/* An entry without an id repeating an earlier one's article
		 * link is the same story listed twice (perhaps in two
		 * versions): the first stands. */
		if (*stage == 2 && !*found && e->id == NULL &&
		    link_is_article(canon)) {
			*stage = 3;
			return NULL;
		}
	}
	return NULL;
}

/* Whether two optional strings differ (NULL equals only NULL). */
static int
str_differ(const char *a, const unsigned char *b)
{
	if (a == NULL || b == NULL)
		return a != NULL || b != NULL;
	return strcmp(a, (const char *)b) != 0;
}

/* The same URL under the other of http and https (in s->altbuf), or
 * NULL. */
static const char *
other_scheme(struct store *s, const char *canon)
{
	buf_clear(&s->altbuf);
	if (strncmp(canon, "http://", 7) == 0) {
		buf_add(&s->altbuf, "https://", 8);
		buf_addstr(&s->altbuf, canon + 7);
	} else if (strncmp(canon, "https://", 8) == 0) {
		buf_add(&s->altbuf, "http://", 7);
		buf_addstr(&s->altbuf, canon + 8);
	} else
		return NULL;
	return s->altbuf.data;
}

/*
 * The row of the entry with key (of hash kh) in the feed: *row_id (0 if
 * none) and its *row_hash.  If there is none, but the feed holds exactly
 * one entry with the same canonical link (of hash ch), and the same
 * title unless the link names an article (link_is_article), or of
 * several such only one with the same title, and no earlier entry of
 * this document matched it, that is the row (the same article under a
 * new id) and *oldkey is the hash of its key.  If
 * neither, *buried tells whether retention purged the key.
 *
 * An id key whose row has another link and another title names another
 * article: the feed reuses ids across documents (a shop that gives every
 * item its home page as guid).  Then *conflict is set and the caller
 * tries the next key.  Returns 0 or -1.
 */
static int
entry_lookup(struct store *s, const struct entry *e, const char *canon,
    int64_t ch, const char *key, uint64_t kh, int64_t *row_id,
    int64_t *row_hash, int *buried, uint64_t *oldkey, int *conflict)
{
	sqlite3_stmt *st = s->stmt[ST_ENTRY_FIND];
	const unsigned char *k;
	int64_t link_id = 0, link_hash = 0;
	uint64_t link_key = 0;
	int rc, n = 0, nsame = 0, same, tomb = 0;

	*oldkey = 0;
	*buried = 0;
	*conflict = 0;
	*row_id = 0;
	/* One statement for the three questions; its arms run in order and
	 * only as far as it is stepped, so a known key costs one probe. */
	sqlite3_bind_int64(st, 1, s->doc_feed);
	sqlite3_bind_int64(st, 3, (int64_t)kh);
	/* The same article moved between http and https counts too. */
	if (canon != NULL) {
		bind_text(st, 4, canon);
		bind_text(st, 5, other_scheme(s, canon));
		bind_text(st, 6, e->title);
		sqlite3_bind_int64(st, 7, ch);
		sqlite3_bind_int(st, 8, link_is_article(canon));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		switch (sqlite3_column_int(st, 0)) {
		case 0:
			/* Another key of the same hash. */
			k = sqlite3_column_text(st, 5);
			if (k == NULL || strcmp((const char *)k, key) != 0)
				continue;
			*row_id = sqlite3_column_int64(st, 1);
			*row_hash = sqlite3_column_int64(st, 2);
			if (key[0] == 'i' && canon != NULL &&
			    sqlite3_column_type(st, 3) != SQLITE_NULL &&
			    str_differ(canon, sqlite3_column_text(st, 3)) &&
			    str_differ(e->title, sqlite3_column_text(st, 4))) {
				*conflict = 1;
				*row_id = 0;
			}
			break;
		case 1:
			tomb = 1;
			continue;
		default:
			/* A row with the link: the first, unless a later
			 * one has the title too. */
			same = sqlite3_column_int(st, 3);
			if (++n == 1 || (same && nsame == 0)) {
				link_id = sqlite3_column_int64(st, 1);
				link_hash = sqlite3_column_int64(st, 2);
				link_key = (uint64_t)sqlite3_column_int64(st,
				    5);
			}
			nsame += same;
			continue;
		}
		break;
	}
	stmt_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_dberr(s, "looking up entry");
		return -1;
	}
	/* One row with the link (the title may have changed, if the link
	 * names an article), or the only one of several with the title
	 * too; not a row an earlier entry of the document matched. */
	if (link_key != 0 && (n == 1 || nsame == 1) &&
	    keyset_find(&s->doc_keys, link_key) == NULL) {
		*row_id = link_id;
		*row_hash = link_hash;
		*oldkey = link_key;
	}
	if (*row_id == 0 && !*conflict)
		*buried = tomb;
	return 0;
}

/* Remembers a written row, to be (re)indexed at commit. */
static void
index_later(struct store *s, int64_t id)
{
	s->doc_index = xreallocarray(s->doc_index, s->doc_nindex + 1,
	    sizeof(*s->doc_index));
	s->doc_index[s->doc_nindex++] = id;
}

/* Writes e under key (of hash kh): a new row if row_id is 0, else an
 * update of it (whose key stays). */
static int
entry_write(struct store *s, const struct entry *e, const char *key,
    uint64_t kh, const char *canon, int64_t ch, uint64_t h,
    const char *cats, const char *encls, int64_t row_id, int64_t now)
{
	sqlite3_stmt *st = s->stmt[row_id == 0 ? ST_ENTRY_INSERT :
	    ST_ENTRY_UPDATE];
	int64_t date, sort_time;
	int rc;

	/* A changed row leaves the search index now, while its old text
	 * still names the tokens to remove; it comes back at commit. */
	if (row_id != 0 && row_id <= s->fts_w &&
	    run_ids(s, ST_FTS_DELETE, &row_id, 1, "indexing") == -1)
		return -1;
	date = entry_date(e);

	if (row_id == 0) {
		sqlite3_bind_int64(st, 1, s->doc_feed);
		bind_text(st, 2, key);
		sqlite3_bind_int64(st, 3, (int64_t)kh);
	} else
		sqlite3_bind_int64(st, 19, row_id);
	bind_text(st, 4, canon);
	if (canon != NULL)
		sqlite3_bind_int64(st, 5, ch);
	sqlite3_bind_int64(st, 6, (int64_t)h);
	bind_text(st, 7, e->id);
	bind_text(st, 8, e->title);
	bind_text(st, 9, e->link);
	bind_text(st, 10, e->author);
	bind_text(st, 11, e->summary);
	bind_text(st, 12, e->content);
	bind_date(st, 13, e->published == FEED_NO_DATE ? FEED_NO_DATE :
	    e->published > now ? now : e->published);
	bind_date(st, 14, e->updated == FEED_NO_DATE ? FEED_NO_DATE :
	    e->updated > now ? now : e->updated);
	bind_text(st, 15, cats);
	bind_text(st, 16, encls);
	sqlite3_bind_int64(st, 17, now);
	sort_time = date == FEED_NO_DATE || date > now + FUTURE_SLACK ? now :
	    date;
	/* Undated: below the entries before it in the document, so that
	 * the document's order survives; store_doc_commit may move the
	 * whole run to the channel's date. */
	if (date == FEED_NO_DATE && s->doc_nentries > 0)
		sort_time -= (int64_t)s->doc_nentries - 1;
	/* Entries of one date (a feed that gives days, not times) keep the
	 * document's order the same way: a second apart. */
	else if (sort_time == date)
		sort_time -= s->doc_ties;
	if (row_id == 0)
		sqlite3_bind_int64(st, 18, sort_time);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		store_dberr(s, "storing entry");
	else {
		/* The search's bounds.  An update keeps first_seen, which
		 * is at most now: its order time is at most the later of
		 * now and the date (capped as above). */
		if (row_id == 0) {
			bound_raise(s, sqlite3_last_insert_rowid(s->db),
			    sort_time);
			rowfeed_set(s, sqlite3_last_insert_rowid(s->db),
			    s->doc_feed);
		}
		if (row_id == 0 && date == FEED_NO_DATE) {
			s->doc_undated = xreallocarray(s->doc_undated,
			    s->doc_nundated + 1, sizeof(*s->doc_undated));
			s->doc_undated[s->doc_nundated].id =
			    sqlite3_last_insert_rowid(s->db);
			s->doc_undated[s->doc_nundated++].pos =
			    (int64_t)s->doc_nentries - 1;
		}
		else
			bound_raise(s, row_id, date == FEED_NO_DATE ? now :
			    date > now + FUTURE_SLACK ? now + FUTURE_SLACK :
			    date > now ? date : now);
		/* An updated row left the index above: back it goes.  A
		 * row above the watermark waits for the next batch. */
		if (row_id != 0 && row_id <= s->fts_w)
			index_later(s, row_id);
		if (sqlite3_changes(s->db) > 0) {
			if (row_id == 0 &&
			    sqlite3_last_insert_rowid(s->db) <= s->fts_w)
				index_later(s,
				    sqlite3_last_insert_rowid(s->db));
			else if (row_id == 0)
				s->fts_pending++;
			s->doc_changed = 1;
		}
	}
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_doc_entry(struct store *s, const struct entry *e, int64_t now,
    int *added)
{
	char *canon, *cats, *encls;
	const char *key = NULL, *cand;
	uint64_t h, kh = 0, oldkey = 0;
	int64_t row_id = 0, row_hash = 0, ch = 0;
	int rc = 0, buried = 0, conflict = 0, stage = 0, found = 0;

	*added = 0;
	if (!s->in_doc) {
		store_seterr(s, "no document is open");
		return -1;
	}
	s->doc_nentries++;
	if (now > s->doc_now)
		s->doc_now = now;
	/* Past this many a document is not even looked at: each entry
	 * costs a probe, whether or not it is new. */
	if ((int64_t)s->doc_nentries > s->doc_add_max * DOC_LOOK_FACTOR) {
		s->doc_skipped++;
		return 0;
	}
	if (entry_date(e) != FEED_NO_DATE && entry_date(e) < s->doc_oldest)
		s->doc_oldest = entry_date(e);
	if (entry_date(e) != FEED_NO_DATE) {
		s->doc_ties = entry_date(e) == s->doc_prev_date ?
		    s->doc_ties + 1 : 0;
		s->doc_prev_date = entry_date(e);
	}
	canon = store_canon_link(e->link);
	if (canon != NULL)
		ch = store_canon_hash(canon);
	cats = json_categories(e);
	encls = json_enclosures(e);
	h = content_hash(e->title, e->link, e->author, e->summary, e->content,
	    e->published, e->updated, cats, encls);

	/*
	 * No key left: a repeat of an earlier entry of the document, stored
	 * already, or (rarely) one that differs from two earlier ones only
	 * in content, which cannot be told apart from them: keep the first.
	 */
	while (rc == 0 && key == NULL && (cand = entry_key_next(s, e, canon,
	    h, &stage, &found, &kh)) != NULL) {
		rc = entry_lookup(s, e, canon, ch, cand, kh, &row_id,
		    &row_hash, &buried, &oldkey, &conflict);
		if (rc == 0 && !conflict)
			key = cand;
	}
	if (key != NULL && rc == 0 && row_id == 0 && !buried &&
	    s->doc_added >= s->doc_add_max) {
		/* New, but the document added its share: a later fetch
		 * that still carries it adds it. */
		s->doc_skipped++;
		key = NULL;
	}
	if (key != NULL && rc == 0) {
		keyset_add(&s->doc_keys, kh, h);
		/* The stored row keeps its key. */
		if (oldkey != 0)
			keyset_add(&s->doc_keys, oldkey, h);
		if (buried)
			/* Purged: it stays gone while the feed serves it. */
			rc = tomb_put(s, kh, now);
		else if (row_id == 0 || (uint64_t)row_hash != h) {
			rc = entry_write(s, e, key, kh, canon, ch, h, cats,
			    encls, row_id, now);
			if (rc == 0 && row_id == 0) {
				*added = 1;
				s->doc_added++;
				row_id = sqlite3_last_insert_rowid(s->db);
			} else if (rc == 0)
				s->doc_updated++;
			if (rc == 0)
				rc = article_want(s, e, row_id, *added, now);
		}
	}
	free(canon);
	free(cats);
	free(encls);
	if (rc == -1)
		s->doc_failed = 1;
	return rc;
}

int
store_doc_info(struct store *s, const struct feed_info *info)
{
	sqlite3_stmt *st = s->stmt[ST_INFO_PUT];
	int64_t now;

	if (!s->in_doc) {
		store_seterr(s, "no document is open");
		return -1;
	}
	sqlite3_bind_int64(st, 1, s->doc_feed);
	bind_text(st, 2, info->title);
	bind_text(st, 3, info->link);
	bind_text(st, 4, info->id);
	bind_text(st, 5, info->author);
	bind_text(st, 6, info->language);
	bind_text(st, 7, info->subtitle);
	now = s->doc_now > 0 ? s->doc_now : (int64_t)time(NULL);
	bind_date(st, 8, info->updated == FEED_NO_DATE ? FEED_NO_DATE :
	    info->updated > now ? now : info->updated);
	s->doc_chan_date = info->updated;
	bind_text(st, 9, feed_format_name(info->format));
	sqlite3_bind_int(st, 10, info->ttl);
	if (step_done(s, ST_INFO_PUT, "saving feed metadata") == -1) {
		s->doc_failed = 1;
		return -1;
	}
	/* The channel's title and link show in every item. */
	if (sqlite3_changes(s->db) > 0)
		s->doc_changed = 1;
	return 0;
}

/*
 * Where the document's new undated entries go in the merged feed.  They
 * were written at the time of the fetch, less one second per place in
 * the document (entry_write), which keeps them in document order.  The
 * channel's own date (RSS lastBuildDate, else pubDate; Atom's feed
 * updated) is a better guess, when it is believable: not in the future
 * past FUTURE_SLACK, and, once the feed has entries, later than its
 * newest entry's first sighting (a channel date older than that is
 * stale and would bury entries that are new).  A feed's first document
 * is its backlog, of unknown age: without a channel date it goes just
 * below the document's oldest dated entry, and only a document with no
 * date at all stays at the time of the fetch.  The run moves as a
 * whole, so its order stays.  Returns 0 or -1.
 */
static int
undated_place(struct store *s)
{
	sqlite3_stmt *st = s->stmt[ST_UNDATED_PLACE];
	int64_t now = s->doc_now, base = now, chan = s->doc_chan_date;
	size_t i;

	if (s->doc_nundated == 0)
		return 0;
	if (chan != FEED_NO_DATE && chan > now + FUTURE_SLACK)
		chan = FEED_NO_DATE;
	if (chan != FEED_NO_DATE && chan > now)
		chan = now;
	if (s->doc_prev_seen == 0) {
		if (chan != FEED_NO_DATE)
			base = chan;
		else if (s->doc_oldest != INT64_MAX && s->doc_oldest <= now)
			base = s->doc_oldest - 1;
	} else if (chan != FEED_NO_DATE && chan > s->doc_prev_seen)
		base = chan;
	if (base == now)
		return 0;
	for (i = 0; i < s->doc_nundated; i++) {
		sqlite3_bind_int64(st, 1, s->doc_undated[i].id);
		sqlite3_bind_int64(st, 2, base - s->doc_undated[i].pos);
		if (step_done(s, ST_UNDATED_PLACE, "placing entries") == -1)
			return -1;
	}
	return 0;
}

int
store_doc_commit(struct store *s)
{
	sqlite3_stmt *st;
	size_t purged;

	if (!s->in_doc) {
		store_seterr(s, "no document is open");
		return -1;
	}
	/*
	 * After a failed write the document is half done (a changed row may
	 * be out of the search index); and after a failed attempt here the
	 * purge and the indexing have run once already.  Either way only a
	 * rollback is right.  On failure the transaction stays open for it.
	 */
	if (s->doc_failed) {
		store_seterr(s, "a write of this document failed");
		return -1;
	}
	s->doc_failed = 1;
	if (undated_place(s) == -1 || store_purge(s, &purged) == -1 ||
	    run_ids(s, ST_FTS_INSERT, s->doc_index, s->doc_nindex,
	    "indexing") == -1)
		return -1;
	if (s->fts_pending >= s->fts_batch && fts_flush(s, -1) == -1)
		return -1;
	if (s->doc_added != (int64_t)purged) {
		st = s->stmt[ST_FEED_COUNT];
		sqlite3_bind_int64(st, 1, s->doc_feed);
		sqlite3_bind_int64(st, 2, s->doc_added - (int64_t)purged);
		if (step_done(s, ST_FEED_COUNT, "counting entries") == -1)
			return -1;
	}
	if (step_done(s, ST_COMMIT, "committing") == -1)
		return -1;
	s->in_doc = 0;
	if (s->doc_changed || purged > 0)
		s->generation++;
	s->feeds_generation++;
	/* Hands the pages the purge freed back to the file system; a
	 * failure here loses nothing, they are reused. */
	if (purged > 0)
		sqlite3_exec(s->db, "PRAGMA incremental_vacuum", NULL, NULL,
		    NULL);
	return 0;
}

void
store_doc_rollback(struct store *s)
{
	if (!s->in_doc)
		return;
	/* SQLite may have rolled back already (a full disk, say). */
	if (!sqlite3_get_autocommit(s->db))
		step_done(s, ST_ROLLBACK, "rolling back");
	s->fts_w = s->doc_fts_w;
	s->fts_pending = s->doc_fts_pending;
	s->tomb_total = -1;	/* the document's tombstones are undone */
	/* Its rows' ids may now name other rows (deleted ones restored). */
	rowfeed_free(s);
	s->in_doc = 0;
	s->doc_changed = 0;
}

int64_t
store_doc_updated(const struct store *s)
{
	return s->doc_updated;
}

int64_t
store_doc_skipped(const struct store *s)
{
	return s->doc_skipped;
}
