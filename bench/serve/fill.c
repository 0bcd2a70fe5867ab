/*
 * fill.c: builds the serving benchmark's database through the real parse
 * and store path: corpus documents, cycled, parsed with feed_parse() and
 * written with store_doc_*(), one feed per document, until the store holds
 * the requested number of entries.
 *
 * Each feed's entries get the feed's number in their id and link host, so
 * the same corpus document stored for two feeds gives two sets of
 * articles (the merged feed would otherwise fold them into one by
 * canonical link).
 * Each feed's next due time is set a day ahead, so that a feedd started
 * on this database polls nothing during the benchmark.
 *
 * usage: fill DB N CORPUS_FILE... > "NAME URL" lines (one per feed made)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/feed.h"
#include "base/util.h"
#include "storage/store.h"

struct fill {
	struct store	*store;
	int64_t		 now;
	long		 feed;
	long		 added;
	long		 want;
};

/* The id with the feed's number in front: "f12-ID". */
static char *
tagged_id(long feed, const char *s)
{
	if (s == NULL)
		return NULL;
	return xasprintf("f%ld-%s", feed, s);
}

/* The link on a host of the feed's own: http://f12.example.org/... */
static char *
tagged_link(long feed, const char *s)
{
	const char *p;

	if (s == NULL)
		return NULL;
	if ((p = strstr(s, "://")) == NULL)
		return xstrdup(s);
	p += 3;
	return xasprintf("%.*sf%ld.%s", (int)(p - s), s, feed, p);
}

static int
fill_entry(void *arg, const struct entry *e, char **errstr)
{
	struct fill *f = arg;
	struct entry copy;
	int added = 0, rc;

	if (f->added >= f->want)
		return 0;
	entry_copy(&copy, e);
	free(copy.id);
	copy.id = tagged_id(f->feed, e->id);
	free(copy.link);
	copy.link = tagged_link(f->feed, e->link);
	rc = store_doc_entry(f->store, &copy, f->now, &added);
	entry_reset(&copy);
	if (rc == -1) {
		*errstr = xasprintf("%s", store_errmsg(f->store));
		return -1;
	}
	f->added += added;
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp;
	char *buf;
	long n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, fp);
	fclose(fp);
	return buf;
}

int
main(int argc, char *argv[])
{
	struct fill f;
	struct feed_parse_opts opts;
	struct feed_sink sink;
	struct feed_info info;
	struct store_feed_state st;
	char name[32], url[128], *doc, *errstr = NULL;
	size_t len;
	int64_t id;
	int i, ndocs, rc, stalled = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: fill DB N CORPUS_FILE...\n");
		return 2;
	}
	memset(&f, 0, sizeof(f));
	f.want = atol(argv[2]);
	f.now = (int64_t)time(NULL);
	ndocs = argc - 3;
	feed_init();
	if ((f.store = store_open(argv[1], &errstr)) == NULL) {
		fprintf(stderr, "fill: %s: %s\n", argv[1], errstr);
		return 1;
	}
	store_set_retention(f.store, 0, 0);
	sink.entry = fill_entry;
	sink.arg = &f;
	for (i = 0; f.added < f.want && stalled < ndocs; i++) {
		long before = f.added;

		if ((doc = slurp(argv[3 + i % ndocs], &len)) == NULL) {
			perror(argv[3 + i % ndocs]);
			return 1;
		}
		f.feed = i;
		snprintf(name, sizeof(name), "f%05d", i);
		snprintf(url, sizeof(url), "http://127.0.0.1/f/%05d.xml", i);
		if ((id = store_feed_ensure(f.store, name, url, NULL)) == -1 ||
		    store_doc_begin(f.store, id) == -1) {
			fprintf(stderr, "fill: %s\n", store_errmsg(f.store));
			return 1;
		}
		memset(&opts, 0, sizeof(opts));
		memset(&info, 0, sizeof(info));
		opts.url = url;
		rc = feed_parse(doc, len, &opts, &sink, &info, &errstr);
		if (rc == 0)
			rc = store_doc_info(f.store, &info);
		if (rc == 0)
			rc = store_doc_commit(f.store);
		if (rc == -1) {
			store_doc_rollback(f.store);
			free(errstr);
			errstr = NULL;
		}
		feed_info_reset(&info);
		free(doc);
		if (store_feed_state_get(f.store, id, &st) == 0) {
			st.next_due = f.now + 86400;
			st.last_attempt = st.last_success = f.now;
			(void)store_feed_state_put(f.store, id, &st);
			store_feed_state_reset(&st);
		}
		printf("%s %s\n", name, url);
		stalled = f.added == before ? stalled + 1 : 0;
	}
	fprintf(stderr, "fill: %ld entries in %d feeds\n", f.added, i);
	store_close(f.store);
	feed_cleanup();
	return f.added >= f.want ? 0 : 1;
}
