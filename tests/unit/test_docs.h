/*
 * test_docs.h: entries and documents for the tests that need a store
 * with something in it (the store's own tests, test_serve): an entry
 * built from a few fields, and entries stored as one fetched document.
 */
#ifndef FEEDD_TEST_DOCS_H
#define FEEDD_TEST_DOCS_H

#include <stddef.h>
#include <stdint.h>

#include "parsers/feed.h"
#include "storage/store.h"

/* An entry with the given fields (NULL for absent), a short HTML summary
 * and no updated date; borrowed strings. */
struct entry	 mk(const char *id, const char *title, const char *link,
		    int64_t published);
/* Stores entries as one document of feed, fetched at now, the channel
 * titled "Channel title"; fails the test on any error.  Returns how many
 * entries were new. */
int		 store_doc(struct store *s, int64_t feed,
		    const struct entry *v, size_t n, int64_t now);

#endif
