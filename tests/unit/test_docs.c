/*
 * test_docs.c: entries and documents for tests (see test_docs.h),
 * through the store's public API only.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "parsers/feed.h"
#include "storage/store.h"
#include "test_docs.h"

struct entry
mk(const char *id, const char *title, const char *link, int64_t published)
{
	struct entry e;

	memset(&e, 0, sizeof(e));
	e.id = (char *)id;
	e.title = (char *)title;
	e.link = (char *)link;
	e.summary = (char *)"<p>summary</p>";
	e.published = published;
	e.updated = FEED_NO_DATE;
	return e;
}

int
store_doc(struct store *s, int64_t feed, const struct entry *v, size_t n,
    int64_t now)
{
	struct feed_info info;
	size_t i;
	int added, total = 0;

	memset(&info, 0, sizeof(info));
	info.title = (char *)"Channel title";
	info.link = (char *)"https://example.org/";
	info.updated = FEED_NO_DATE;
	ck_assert_int_eq(store_doc_begin(s, feed), 0);
	for (i = 0; i < n; i++) {
		added = -1;
		ck_assert_int_eq(store_doc_entry(s, &v[i], now, &added), 0);
		ck_assert(added == 0 || added == 1);
		total += added;
	}
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	return total;
}
