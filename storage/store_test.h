/*
 * store_test.h: hooks that let the tests reach states the daemon reaches
 * only with a large or full database (small search blocks, tiny index
 * batches, a full disk, a forced query plan).  The daemon never calls
 * them; they only change how the store works, never what it returns.
 */
#ifndef FEEDD_STORE_TEST_H
#define FEEDD_STORE_TEST_H

#include <stdint.h>

struct store;

/* Sets the size of the blocks of row ids by which a search bounds order
 * times (store_fts.c): 2^shift ids. */
void		 store_set_block_shift(struct store *s, int shift);
/* Sets how many new entries wait to be indexed together (FTS_BATCH). */
void		 store_set_fts_batch(struct store *s, int n);
/* Caps the database at n pages (PRAGMA max_page_count), as a full
 * disk would. */
void		 store_set_max_pages(struct store *s, int64_t n);
/* Forces the plan of a tags/feeds filter (store_read.c): 0 chooses by
 * cost, 1 walks the merged order, 2 gathers the feeds' rows. */
void		 store_set_feed_plan(struct store *s, int plan);
/* Sets the WAL sizes, in pages, from which store_checkpoint and a
 * commit checkpoint (WAL_IDLE_PAGES and WAL_MAX_PAGES). */
void		 store_set_wal_pages(struct store *s, int idle, int max);
/* The pages in the WAL since the last checkpoint, as the store counts
 * them. */
int		 store_wal_pages(const struct store *s);

#endif
