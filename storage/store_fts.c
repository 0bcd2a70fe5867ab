/*
 * store_fts.c: the full-text search index and the search walk.
 *
 * The index is a contentless FTS5 table (schema.c) kept in step with the
 * entries.  New rows are indexed off the ingest path: the rows above a
 * watermark (fts_state) wait for store_index_pending (the loop's idle
 * moments), a search, maintenance or close, and then enter the index in
 * one statement per chunk of FTS_CHUNK, in a transaction that also moves
 * the watermark, because FTS5 writes a segment at every statement
 * boundary and tokenizing was ~40% of ingest even in batches.  A commit
 * finding FTS_BATCH rows waiting indexes them itself, a backstop that
 * bounds what a search may find to do.  Rows at or below the watermark
 * are in the index: a changed one leaves it before it is overwritten
 * (its old text names the tokens to remove) and comes back at commit
 * (store_doc.c), and purged ones leave it in one statement
 * (store_retain.c); rows above it are simply written or deleted.  A
 * crash loses nothing: the watermark commits with the rows it covers.
 *
 * The index holds text in store_fts_text's form (CJK runs as pairs of
 * characters, letters folded), and a reader's query is put in the same
 * form first.  It is never passed to FTS5 as syntax: each word is cut
 * into tokens by the index's own tokenizer and each token quoted, so no
 * input can make the MATCH fail to parse.
 *
 * A search walks the matches newest row id first and stops as soon as no
 * row left can rank among the best found, which a per-block bound on
 * order times (bound[]) tells; see search_walk.  A search that selects
 * feeds (tags) skips the matches of other feeds before their rows are
 * read, by a map of row ids to feeds (fmap, 2 bytes a row id, loaded
 * by the first such search): reading a row per match was most of its
 * time.  The map holds a feed's id folded into 16 bits, so it can only
 * let through a row of a feed not selected, which the query's own test
 * then drops; a row it does not know it lets through too.  The bounds
 * and the map are kept by this connection's writes, so the file must
 * have no other writer while the store is open (feedd has one).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "canon.h"
#include "store_int.h"
#include "store_test.h"

/* store_index_pending indexes at most this many entries per
 * transaction. */
#define FTS_CHUNK		1000

/*
 * Indexes the rows above the watermark, at most limit of them (-1: all),
 * in the open transaction, and raises the watermark past them.  One
 * statement for the whole batch: FTS5 then writes one segment, not one
 * per document.
 */
int
fts_flush(struct store *s, int64_t limit)
{
	sqlite3_stmt *st;
	int64_t w, hi = 0, n = 0;
	int rc;

	if (s->fts_pending == 0)
		return 0;
	/* The watermark as committed, in case another connection moved it
	 * (there should be none: see the note on bounds at the top). */
	st = s->stmt[ST_FTS_STATE];
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		s->fts_w = sqlite3_column_int64(st, 0);
	stmt_done(st);
	if (rc != SQLITE_ROW) {
		store_dberr(s, "indexing");
		return -1;
	}
	w = s->fts_w;
	st = s->stmt[ST_FTS_RANGE];
	sqlite3_bind_int64(st, 1, w);
	sqlite3_bind_int64(st, 2, limit);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		hi = sqlite3_column_int64(st, 0);
		n = sqlite3_column_int64(st, 1);
	}
	stmt_done(st);
	if (rc != SQLITE_ROW) {
		store_dberr(s, "indexing");
		return -1;
	}
	if (n > 0) {
		st = s->stmt[ST_FTS_FLUSH];
		sqlite3_bind_int64(st, 1, w);
		sqlite3_bind_int64(st, 2, hi);
		if (step_done(s, ST_FTS_FLUSH, "indexing") == -1)
			return -1;
		st = s->stmt[ST_FTS_MARK];
		sqlite3_bind_int64(st, 1, hi);
		if (step_done(s, ST_FTS_MARK, "indexing") == -1)
			return -1;
		s->fts_w = hi;
	}
	if (limit < 0 || n < limit || n >= s->fts_pending)
		s->fts_pending = 0;
	else
		s->fts_pending -= n;
	return 0;
}

/* Indexes up to limit (-1: all) of what is pending in a transaction of
 * its own (not inside a document).  Returns 0 or -1, leaving the index
 * as it was. */
static int
fts_catch_up_some(struct store *s, int64_t limit)
{
	int64_t w = s->fts_w, pending = s->fts_pending;

	if (s->in_doc || s->in_batch || s->fts_pending == 0)
		return 0;
	if (step_done(s, ST_BEGIN, "indexing") == -1)
		return -1;
	if (fts_flush(s, limit) == 0 &&
	    step_done(s, ST_COMMIT, "indexing") == 0)
		return 0;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->fts_w = w;
	s->fts_pending = pending;
	return -1;
}

int
fts_catch_up(struct store *s)
{
	return fts_catch_up_some(s, -1);
}

int64_t
store_index_pending(struct store *s, int budget_ms)
{
	struct timespec t0, t;
	int64_t ms;

	if (s->in_doc || s->in_batch) {
		store_seterr(s, "indexing inside a transaction");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (s->fts_pending > 0) {
		if (fts_catch_up_some(s, FTS_CHUNK) == -1)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (int64_t)(t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= budget_ms)
			break;
	}
	return s->fts_pending;
}

int64_t
store_index_backlog(const struct store *s)
{
	return s->fts_pending;
}

void
store_set_fts_batch(struct store *s, int n)
{
	s->fts_batch = n > 0 ? n : 1;
}

/* The tokenizer of entries_fts (schema.c), for reader's words. */
static const char *const tokenizer_args[] = { "remove_diacritics", "2" };

/* Gets FTS5's tokenizer for store_fts_words; 0 or -1. */
int
tokenizer_open(struct store *s)
{
	sqlite3_stmt *st;
	fts5_api *api = NULL;
	void *ud;

	if (sqlite3_prepare_v2(s->db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK) {
		store_dberr(s, "finding FTS5");
		return -1;
	}
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->xFindTokenizer(api, "unicode61", &ud,
	    &s->tok_api) != SQLITE_OK || s->tok_api.xCreate(ud,
	    (const char **)tokenizer_args, 2, &s->tok) != SQLITE_OK) {
		s->tok = NULL;
		store_seterr(s, "no FTS5 unicode61 tokenizer");
		return -1;
	}
	return 0;
}

struct fts_words {
	struct buf	 b;
	size_t		 last;	/* where the last token starts in b */
	int		 any;	/* a token of the current word was added */
};

static int
fts_token(void *ctx, int tflags, const char *tok, int ntok, int start,
    int end)
{
	struct fts_words *w = ctx;
	int i;

	(void)tflags;
	(void)start;
	(void)end;
	w->last = w->b.len;
	buf_addstr(&w->b, w->b.len > 0 ? " \"" : "\"");
	for (i = 0; i < ntok; i++) {
		if (tok[i] == '"')
			buf_addch(&w->b, '"');
		buf_addch(&w->b, tok[i]);
	}
	buf_addch(&w->b, '"');
	w->any = 1;
	return SQLITE_OK;
}

/*
 * The FTS5 query for a reader's words: every token of every
 * whitespace-separated word as a quoted string, all required, so no
 * input is FTS5 syntax; a word ending in '*' is a prefix (its last
 * token).  The words are cut into tokens by the index's own tokenizer:
 * an index without positions (schema.c, step 4) refuses the phrase a
 * word like "e-mail" would otherwise be.  *out is NULL if there is no
 * token.  Returns 0, or -1 if q is too long.
 */
int
fts_query(struct store *s, const char *q, char **out)
{
	struct fts_words w;
	const char *p;
	char *folded;
	size_t n, len, words = 0;

	*out = NULL;
	if (q == NULL)
		return 0;
	if (strlen(q) > STORE_Q_MAX)
		return -1;
	for (p = q; *p != '\0'; p += n) {
		n = strspn(p, " \t\r\n\f\v");
		if (n > 0)
			continue;
		n = strcspn(p, " \t\r\n\f\v");
		if (++words > STORE_Q_MAX_WORDS)
			return -1;
	}
	/* The words in the index's form: CJK words become their pairs of
	 * characters (each a word here), letters are folded alike. */
	folded = store_fts_text(q, 1);
	memset(&w, 0, sizeof(w));
	/* The words of q (at most STORE_Q_MAX_WORDS, checked above). */
	buf_init(&w.b, BUF_UNCAPPED);
	for (p = folded; *p != '\0'; p += n) {
		n = strspn(p, " \t\r\n\f\v");
		if (n > 0)
			continue;
		n = strcspn(p, " \t\r\n\f\v");
		for (len = n; len > 0 && p[len - 1] == '*'; len--)
			;
		w.any = 0;
		if (len > 0 && s->tok != NULL)
			s->tok_api.xTokenize(s->tok, &w, FTS5_TOKENIZE_QUERY,
			    p, (int)len, fts_token);
		if (w.any && len < n)
			buf_addstr(&w.b, " *");
	}
	free(folded);
	if (w.b.len == 0)
		buf_reset(&w.b);
	else
		*out = buf_steal(&w.b);
	return 0;
}

/* Raises the bound of row id's block to at least t (and so the bounds
 * of every later block, a running maximum). */
void
bound_raise(struct store *s, int64_t id, int64_t t)
{
	size_t b, i;

	if (s->nbound == 0 || id < 0)
		return;
	b = (size_t)((uint64_t)id >> s->block_shift);
	if (b >= s->nbound) {
		s->bound = xreallocarray(s->bound, b + 1, sizeof(*s->bound));
		for (i = s->nbound; i <= b; i++)
			s->bound[i] = s->bound[s->nbound - 1];
		s->nbound = b + 1;
	}
	for (i = b; i < s->nbound && s->bound[i] < t; i++)
		s->bound[i] = t;
}

void
rowfeed_set(struct store *s, int64_t id, int64_t feed)
{
	size_t p = (size_t)((uint64_t)id >> FMAP_SHIFT), i;

	if (s->fmap == NULL || id < 0 || feed < 0)
		return;
	if (p >= s->nfmap) {
		s->fmap = xreallocarray(s->fmap, p + 1, sizeof(*s->fmap));
		for (i = s->nfmap; i <= p; i++)
			s->fmap[i] = NULL;
		s->nfmap = p + 1;
	}
	if (s->fmap[p] == NULL) {
		s->fmap[p] = xcalloc((size_t)1 << FMAP_SHIFT,
		    sizeof(**s->fmap));
		s->fmap_pages++;
	}
	s->fmap[p][id & (((int64_t)1 << FMAP_SHIFT) - 1)] =
	    (uint16_t)(1 + feed % FMAP_MOD);
}

void
rowfeed_free(struct store *s)
{
	size_t i;

	for (i = 0; i < s->nfmap; i++)
		free(s->fmap[i]);
	free(s->fmap);
	s->fmap = NULL;
	s->nfmap = 0;
	s->fmap_pages = 0;
}

void
sql_feed_may(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct store *s = sqlite3_user_data(ctx);
	const struct feedsel *sel;
	uint64_t p;
	int64_t id;
	unsigned v = 0;

	(void)argc;
	id = sqlite3_value_int64(argv[0]);
	sel = sqlite3_value_pointer(argv[1], FEEDSEL_TYPE);
	p = (uint64_t)id >> FMAP_SHIFT;
	if (sel != NULL && id >= 0 && p < s->nfmap && s->fmap[p] != NULL)
		v = s->fmap[p][id & (((int64_t)1 << FMAP_SHIFT) - 1)];
	sqlite3_result_int(ctx, v == 0 ||
	    (sel->bits[v / 64] >> (v % 64) & 1) != 0);
}

/*
 * Loads the bounds from every row (once: writes keep them), and with
 * feeds the feed map too (again once deleted rows have left too many of
 * its pages behind).  One walk of an index that holds all three.
 */
int
bound_load(struct store *s, int feeds)
{
	sqlite3_stmt *st;
	int64_t id, t;
	int rc, bounds = s->nbound == 0;

	if (feeds && s->fmap != NULL && s->fmap_pages > s->fmap_cap)
		rowfeed_free(s);
	feeds = feeds && s->fmap == NULL;
	if (!bounds && !feeds)
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT id, sort_time, feed_id"
	    " FROM entries INDEXED BY entries_sort", -1, &st, NULL) !=
	    SQLITE_OK) {
		store_dberr(s, "searching");
		return -1;
	}
	if (bounds) {
		s->bound = xcalloc(1, sizeof(*s->bound));
		s->bound[0] = INT64_MIN;
		s->nbound = 1;
	}
	if (feeds)
		s->fmap = xcalloc(1, sizeof(*s->fmap));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		t = sqlite3_column_int64(st, 1);
		if (bounds)
			bound_raise(s, id, t);
		if (feeds)
			rowfeed_set(s, id, sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_dberr(s, "searching");
		if (bounds) {
			free(s->bound);
			s->bound = NULL;
			s->nbound = 0;
		}
		if (feeds)
			rowfeed_free(s);
		return -1;
	}
	/* New rows take new pages, deleted ones do not free theirs. */
	if (feeds)
		s->fmap_cap = 2 * s->fmap_pages + 16;
	return 0;
}

/* A candidate of a search: its order time and row id. */
struct cand {
	int64_t		 t;
	int64_t		 id;
};

/* Whether a ranks below b in the merged order. */
static int
cand_less(const struct cand *a, const struct cand *b)
{
	return a->t < b->t || (a->t == b->t && a->id < b->id);
}

/* Min-heap of the best n candidates so far: h[0] is the worst. */
static void
heap_down(struct cand *h, size_t n, size_t i)
{
	struct cand tmp;
	size_t c;

	for (; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && cand_less(&h[c + 1], &h[c]))
			c++;
		if (!cand_less(&h[c], &h[i]))
			break;
		tmp = h[i];
		h[i] = h[c];
		h[c] = tmp;
	}
}

static void
heap_up(struct cand *h, size_t i)
{
	struct cand tmp;
	size_t p;

	for (; i > 0; i = p) {
		p = (i - 1) / 2;
		if (!cand_less(&h[i], &h[p]))
			break;
		tmp = h[i];
		h[i] = h[p];
		h[p] = tmp;
	}
}

/*
 * Runs the IQ_SEARCH statement st and keeps the best limit candidates
 * in *ids, a JSON array (NULL if none).  The matches come newest row id
 * first, which is almost the merged order but not quite (an entry's
 * date may be older than its arrival, or up to a day past it), so the
 * walk goes on until the bound of the blocks still ahead (bound_raise)
 * falls below the worst candidate kept: no row ahead can rank higher
 * (or below since: none can qualify).  It reads about limit matches
 * plus a block's worth, not all of them.
 */
int
search_walk(struct store *s, sqlite3_stmt *st, size_t limit, int64_t since,
    char **ids)
{
	struct cand *h, c;
	int64_t *v, bound;
	size_t n = 0, i, blk;
	int rc;

	*ids = NULL;
	h = xreallocarray(NULL, limit, sizeof(*h));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.id = sqlite3_column_int64(st, 0);
		c.t = sqlite3_column_int64(st, 1);
		blk = (size_t)((uint64_t)c.id >> s->block_shift);
		bound = blk < s->nbound ? s->bound[blk] : INT64_MAX;
		/* Nothing ahead is recent enough for since. */
		if (since != 0 && bound < since)
			break;
		if (n == limit) {
			if (bound < h[0].t)
				break;
			if (cand_less(&c, &h[0]))
				continue;
			h[0] = c;
			heap_down(h, n, 0);
		} else {
			h[n] = c;
			heap_up(h, n++);
		}
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (rc == SQLITE_ERROR)
			store_seterr(s, "bad search: %s",
			    sqlite3_errmsg(s->db));
		else
			store_dberr(s, "searching");
	}
	stmt_done(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		v = xreallocarray(NULL, n + 1, sizeof(*v));
		for (i = 0; i < n; i++)
			v[i] = h[i].id;
		if (n > 0)
			*ids = ids_json(v, n);
		free(v);
	}
	free(h);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_ERROR ? -2 : -1;
}

void
store_set_block_shift(struct store *s, int shift)
{
	free(s->bound);
	s->bound = NULL;
	s->nbound = 0;
	s->block_shift = shift;
}
