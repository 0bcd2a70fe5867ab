/*
 * store_bench.c: the store's speed through its public API (issue 5):
 * ingest rate in per-document transactions, and the latency of the
 * merged-feed query with a million entries stored.
 *
 * Ingest.  FEEDS subscriptions with TAGS tags among them receive rounds
 * of documents; each document is one transaction (store_doc_begin, one
 * store_doc_entry per entry, store_doc_info, store_doc_commit), as the
 * daemon stores a fetch.  In each document DOC entries are new and, as
 * in a real feed, OLD entries are ones the previous document already
 * held (unchanged: the store must notice and write nothing).  The rate
 * counted is new entries per second of wall time over the whole run,
 * retention included (default limits: 90 days, 500 entries per feed).
 * Full-text indexing is off the ingest path (store_index_pending), so
 * it is timed on its own: every IDX_EVERY documents the bench calls
 * store_index_pending as the daemon's idle watcher does, and reports
 * the ingest rate, the indexing rate and the two together.  The WAL's
 * checkpoints are off the commit path too (store_checkpoint, called
 * after the indexing as the idle watcher does), timed on their own and
 * counted in a last total of all three.
 * Entries look like a news feed's: a title of 6-10 words, a link with a
 * tracking parameter, a guid, an author, an HTML summary of 40-80 words
 * drawn from a Zipf-distributed vocabulary, two categories and a date.
 * Every tenth feed writes its titles and summaries in Chinese: words of
 * two or three Han characters run together without spaces.
 *
 * Queries, once the store holds the entries: the newest 50 overall, by
 * one tag, by one feed, since a time, and with q= for a common word, a
 * rare word and two words, and for Chinese words and one character;
 * each run REPS times, median and 90th percentile reported in
 * milliseconds.  The store is reopened first, so
 * the queries run on a fresh connection as after a restart (the file
 * stays in the OS cache).
 *
 *	bench/store_bench [-n entries] [-f feeds] [-d new-per-doc]
 *	    [-o old-per-doc] [-r reps] [-k] [-q] [path]
 *
 * path defaults to ./store_bench.db (removed first, and at the end
 * unless -k).  -q only runs the queries on a database a run with -k
 * left (give the same -n, -f and -d).
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "parsers/feed.h"
#include "base/util.h"
#include "storage/store.h"

#define VOCAB		5000
#define NTAGS		20
#define T_START		1700000000
#define SPAN_DAYS	60
/* Documents between two store_index_pending calls, and its budget. */
#define IDX_EVERY	20
#define IDX_BUDGET_MS	50

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: reproducible across runs and machines. */
static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static char	*vocab[VOCAB];
static char	*vocab_cjk[VOCAB];	/* words of 2-3 Han characters */
static double	 zipf_cdf[VOCAB];

/* A UTF-8 Han character among the 2000 first of the block. */
static void
add_han(char *w, uint32_t c)
{
	c += 0x4e00;
	w[0] = (char)(0xe0 | c >> 12);
	w[1] = (char)(0x80 | (c >> 6 & 0x3f));
	w[2] = (char)(0x80 | (c & 0x3f));
}

static void
vocab_init(void)
{
	static const char cons[] = "bcdfghjklmnprstvz", vow[] = "aeiou";
	char w[16];
	double sum = 0;
	size_t i, j, len;

	for (i = 0; i < VOCAB; i++) {
		len = 2 + rnd() % 3;
		for (j = 0; j < len; j++) {
			w[2 * j] = cons[rnd() % (sizeof(cons) - 1)];
			w[2 * j + 1] = vow[rnd() % (sizeof(vow) - 1)];
		}
		w[2 * len] = '\0';
		/* Unique: the index spelled at the end. */
		vocab[i] = xasprintf("%s%zx", w, i);
		len = 2 + rnd() % 2;
		for (j = 0; j < len; j++)
			add_han(w + 3 * j, (uint32_t)(rnd() % 2000));
		w[3 * len] = '\0';
		vocab_cjk[i] = xstrdup(w);
		sum += 1.0 / (double)(i + 1);
		zipf_cdf[i] = sum;
	}
	for (i = 0; i < VOCAB; i++)
		zipf_cdf[i] /= sum;
}

static size_t
word_rank(void)
{
	double u = (double)(rnd() >> 11) / (double)(1ULL << 53);
	size_t lo = 0, hi = VOCAB - 1, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *
word(void)
{
	return vocab[word_rank()];
}

/* Every tenth feed writes Chinese: words run together, a comma now and
 * then, as the search index must take it apart. */
static int cjk_feed;

static void
words(struct buf *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (cjk_feed) {
			if (i > 0 && i % 8 == 0)
				buf_addstr(b, "\xef\xbc\x8c");	/* ， */
			buf_addstr(b, vocab_cjk[word_rank()]);
			continue;
		}
		if (i > 0)
			buf_addch(b, ' ');
		buf_addstr(b, word());
	}
}

/* Entry number seq of feed f, into e (strings from the heap). */
static void
make_entry(struct entry *e, int f, int64_t seq, int64_t published)
{
	struct buf b;

	memset(e, 0, sizeof(*e));
	cjk_feed = f % 10 == 3;
	e->id = xasprintf("https://site%d.example/posts/%" PRId64, f, seq);
	e->link = xasprintf("https://site%d.example/posts/%" PRId64
	    "?utm_source=rss", f, seq);
	buf_init(&b, 0);
	words(&b, 6 + rnd() % 5);
	e->title = buf_steal(&b);
	e->author = xasprintf("Author %d", (int)(rnd() % 50));
	buf_init(&b, 0);
	buf_addstr(&b, "<p>");
	words(&b, 20 + rnd() % 20);
	buf_addstr(&b, "</p><p>");
	words(&b, 20 + rnd() % 20);
	buf_addstr(&b, "</p>");
	e->summary = buf_steal(&b);
	e->published = published;
	e->updated = FEED_NO_DATE;
	e->categories = xreallocarray(NULL, 2, sizeof(*e->categories));
	e->categories[0] = xstrdup(word());
	e->categories[1] = xstrdup(word());
	e->ncategories = 2;
	cjk_feed = 0;
}

static void
free_entry(struct entry *e)
{
	size_t i;

	free(e->id);
	free(e->link);
	free(e->title);
	free(e->author);
	free(e->summary);
	for (i = 0; i < e->ncategories; i++)
		free(e->categories[i]);
	free(e->categories);
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process: on a shared machine, wall time measures the
 * other tenants as much as the store. */
static double
cpu_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Seconds this process has waited for a CPU while it could run (the
 * second field of /proc/self/schedstat: time on a run queue), 0 where
 * the kernel does not say.  Wall time is CPU time, plus this (other
 * tenants), plus time blocked (I/O, locks, sleeping).
 */
static double
wait_sec(void)
{
	static int fd = -2;
	char buf[128];
	unsigned long long run, wait;
	ssize_t n;

	if (fd == -2)
		fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return 0;
	return (double)wait / 1e9;
}

/* Voluntary (blocked) and involuntary (preempted) context switches of
 * the process so far. */
static void
switches(long *vol, long *invol)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		*vol = ru.ru_nvcsw;
		*invol = ru.ru_nivcsw;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
die(struct store *s, const char *what)
{
	fprintf(stderr, "store_bench: %s: %s\n", what,
	    s != NULL ? store_errmsg(s) : "?");
	exit(1);
}

/* Runs q reps times; prints the median and 90th percentile. */
static void
time_query(struct store *s, const char *label, const struct store_query *q,
    int reps)
{
	struct store_item *items;
	double *t, *c;
	size_t n = 0;
	int i;

	t = xreallocarray(NULL, (size_t)reps, sizeof(*t));
	c = xreallocarray(NULL, (size_t)reps, sizeof(*c));
	for (i = 0; i < reps; i++) {
		t[i] = now_sec();
		c[i] = cpu_sec();
		if (store_items(s, q, &items, &n) != 0)
			die(s, label);
		t[i] = (now_sec() - t[i]) * 1000;
		c[i] = (cpu_sec() - c[i]) * 1000;
		store_items_free(items, n);
	}
	qsort(t, (size_t)reps, sizeof(*t), cmp_double);
	qsort(c, (size_t)reps, sizeof(*c), cmp_double);
	printf("query %-28s items %3zu  median %7.3f ms  p90 %7.3f ms"
	    "  (CPU median %7.3f ms)\n", label, n, t[reps / 2],
	    t[reps * 9 / 10], c[reps / 2]);
	free(t);
	free(c);
	fflush(stdout);
}

static void
usage(void)
{
	fprintf(stderr, "usage: store_bench [-n entries] [-f feeds] "
	    "[-d new-per-doc] [-o old-per-doc] [-r reps] [-k] [-q]"
	    " [path]\n");
	exit(2);
}

/* store_checkpoint, its count of checkpoints and its wall and CPU time
 * added to *n, *t and *c. */
static void
checkpoint(struct store *s, int64_t *n, double *t, double *c)
{
	double t1 = now_sec(), c1 = cpu_sec();
	int k;

	if ((k = store_checkpoint(s)) == -1)
		die(s, "checkpoint");
	*n += k;
	*t += now_sec() - t1;
	*c += cpu_sec() - c1;
}

int
main(int argc, char *argv[])
{
	struct store *s;
	struct store_query q;
	struct feed_info info;
	struct entry *ring;
	int64_t *ids, *seqs, total = 200000, done = 0, t, clock_now;
	int64_t rounds, r, fi;
	const char *path = "store_bench.db", *tag[1], *feed[1];
	char *err = NULL, name[32], *tags[2], cmd[600];
	char tagname[NTAGS][16];
	double t0, t1, c1, w1, tlast = 0, tstore, tround, cstore = 0;
	double wstore = 0;
	long v1 = 0, i1 = 0, v2 = 0, i2 = 0, vstore = 0, istore = 0;
	double tidx = 0, cidx = 0, tckpt = 0, cckpt = 0;
	int64_t nckpt = 0;
	int64_t ndocs = 0, backlog;
	int64_t step;
	int feeds = 2000, per_doc = 50, old = 10, reps = 101, keep = 0;
	int c, added, f, i, ringsize, queries_only = 0;

	while ((c = getopt(argc, argv, "n:f:d:o:r:kq")) != -1) {
		switch (c) {
		case 'n':
			total = strtoll(optarg, NULL, 10);
			break;
		case 'f':
			feeds = atoi(optarg);
			break;
		case 'd':
			per_doc = atoi(optarg);
			break;
		case 'o':
			old = atoi(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'k':
			keep = 1;
			break;
		case 'q':
			queries_only = keep = 1;
			break;
		default:
			usage();
		}
	}
	if (optind < argc)
		path = argv[optind];
	if (total <= 0 || feeds <= 0 || per_doc <= 0 || old < 0 || reps <= 0)
		usage();
	vocab_init();
	rounds = (total + (int64_t)feeds * per_doc - 1) /
	    ((int64_t)feeds * per_doc);
	/* The documents arrive over SPAN_DAYS, as if polled. */
	step = SPAN_DAYS * 86400 / (rounds * feeds);
	if (queries_only) {
		/* Where the run with -k (and the same -n, -f, -d) ended. */
		clock_now = T_START + step * rounds * feeds;
		goto queries;
	}
	for (i = 0; i < 3; i++) {
		static const char *const sfx[] = { "", "-wal", "-shm" };

		snprintf(cmd, sizeof(cmd), "%s%s", path, sfx[i]);
		unlink(cmd);
	}
	for (i = 0; i < NTAGS; i++)
		snprintf(tagname[i], sizeof(tagname[i]), "tag%02d", i);

	s = store_open(path, &err);
	if (s == NULL) {
		fprintf(stderr, "store_bench: %s\n", err);
		return 1;
	}
	ids = xcalloc((size_t)feeds, sizeof(*ids));
	seqs = xcalloc((size_t)feeds, sizeof(*seqs));
	for (f = 0; f < feeds; f++) {
		snprintf(name, sizeof(name), "feed%04d", f);
		ids[f] = store_feed_ensure(s, name, "https://x.example/",
		    NULL);
		if (ids[f] == -1)
			die(s, "ensure");
		/* One or two tags per feed: tag00 on every 20th feed... */
		tags[0] = tagname[f % NTAGS];
		tags[1] = tagname[(f / NTAGS) % NTAGS];
		if (store_feed_set_tags(s, ids[f], tags, 1 + (f % 2)) == -1)
			die(s, "tags");
	}

	/* The last per_doc + old entries of each feed, for its next
	 * document's repeats: feed f's are ring[f * ringsize ...]. */
	ringsize = per_doc + old;
	ring = xcalloc((size_t)feeds * (size_t)ringsize, sizeof(*ring));
	memset(&info, 0, sizeof(info));
	info.title = (char *)"A feed";
	info.link = (char *)"https://x.example/";
	info.updated = FEED_NO_DATE;

	clock_now = T_START;
	tstore = 0;
	for (r = 0; r < rounds && done < total; r++) {
		tround = 0;
		for (f = 0; f < feeds && done < total; f++) {
			clock_now += step;
			/* This document's new entries, made before the clock
			 * starts: only the store's work is timed. */
			for (i = 0; i < per_doc; i++) {
				fi = (seqs[f] + i) % ringsize;
				free_entry(&ring[(size_t)f * ringsize + fi]);
				make_entry(&ring[(size_t)f * ringsize + fi], f,
				    seqs[f] + i,
				    clock_now - (per_doc - i) * 60);
			}
			switches(&v1, &i1);
			w1 = wait_sec();
			t1 = now_sec();
			c1 = cpu_sec();
			if (store_doc_begin(s, ids[f]) == -1)
				die(s, "begin");
			/* Repeats first: the last document's newest. */
			for (i = 0; r > 0 && i < old; i++) {
				fi = (seqs[f] - 1 - i) % ringsize;
				if (store_doc_entry(s,
				    &ring[(size_t)f * ringsize + fi],
				    clock_now, &added) == -1)
					die(s, "entry");
				if (added)
					die(s, "a repeat was added");
			}
			for (i = 0; i < per_doc; i++) {
				fi = seqs[f] % ringsize;
				seqs[f]++;
				if (store_doc_entry(s,
				    &ring[(size_t)f * ringsize + fi],
				    clock_now, &added) == -1)
					die(s, "entry");
				done += added;
			}
			if (store_doc_info(s, &info) == -1)
				die(s, "info");
			if (store_doc_commit(s) == -1)
				die(s, "commit");
			tround += now_sec() - t1;
			cstore += cpu_sec() - c1;
			wstore += wait_sec() - w1;
			switches(&v2, &i2);
			vstore += v2 - v1;
			istore += i2 - i1;
			if (++ndocs % IDX_EVERY == 0) {
				t1 = now_sec();
				c1 = cpu_sec();
				if (store_index_pending(s,
				    IDX_BUDGET_MS) == -1)
					die(s, "index");
				tidx += now_sec() - t1;
				cidx += cpu_sec() - c1;
				/* Then the checkpoint, as the daemon's idle
				 * watcher does. */
				checkpoint(s, &nckpt, &tckpt, &cckpt);
			}
		}
		tstore += tround;
		tlast = tround;
		printf("round %2" PRId64 ": %8" PRId64 " entries stored,"
		    " this round %7.0f entries/s\n", r + 1, done,
		    (double)feeds * per_doc / tlast);
		fflush(stdout);
	}
	printf("ingest: %" PRId64 " new entries (+%d unchanged repeats per"
	    " document) in %" PRId64 " documents of %d, %.1f s in the"
	    " store: %.0f entries/s (last round %.0f/s); CPU %.1f s:"
	    " %.0f entries per CPU second\n", done, old,
	    done / per_doc, per_doc, tstore, (double)done / tstore,
	    (double)feeds * per_doc / tlast, cstore, (double)done / cstore);
	printf("ingest's wall time: %.1f s = CPU %.1f s + waiting for a CPU"
	    " %.1f s + blocked %.1f s; context switches: %ld voluntary,"
	    " %ld involuntary\n", tstore, cstore, wstore,
	    tstore - cstore - wstore, vstore, istore);
	t1 = now_sec();
	c1 = cpu_sec();
	do {
		if ((backlog = store_index_pending(s, 1000)) == -1)
			die(s, "index");
	} while (backlog > 0);
	tidx += now_sec() - t1;
	cidx += cpu_sec() - c1;
	/* The idle watcher's checkpoint once the index has caught up. */
	checkpoint(s, &nckpt, &tckpt, &cckpt);
	printf("indexing (store_index_pending, apart from ingest): %" PRId64
	    " entries in %.1f s: %.0f entries/s; CPU %.1f s: %.0f entries"
	    " per CPU second\n", done, tidx, (double)done / tidx, cidx,
	    (double)done / cidx);
	printf("checkpoints (store_checkpoint, apart from ingest): %" PRId64
	    " in %.1f s, CPU %.1f s\n", nckpt, tckpt, cckpt);
	printf("ingest and indexing together: %.0f entries/s; %.0f entries"
	    " per CPU second\n", (double)done / (tstore + tidx),
	    (double)done / (cstore + cidx));
	printf("ingest, indexing and checkpoints together: %.0f entries/s;"
	    " %.0f entries per CPU second\n",
	    (double)done / (tstore + tidx + tckpt),
	    (double)done / (cstore + cidx + cckpt));

	/* Refetching unchanged documents. */
	w1 = wait_sec();
	c1 = cpu_sec();
	t0 = now_sec();
	t = 0;
	for (f = 0; f < feeds; f++) {
		if (store_doc_begin(s, ids[f]) == -1)
			die(s, "begin");
		for (i = 0; i < ringsize && i < seqs[f]; i++) {
			if (store_doc_entry(s, &ring[(size_t)f * ringsize +
			    (size_t)i], clock_now, &added) == -1)
				die(s, "entry");
			t++;
		}
		if (store_doc_info(s, &info) == -1 ||
		    store_doc_commit(s) == -1)
			die(s, "commit");
	}
	t1 = now_sec() - t0;
	printf("refetch unchanged: %" PRId64 " entries in %.2f s: %.0f"
	    " entries/s; CPU %.2f s, waiting for a CPU %.2f s\n", t, t1,
	    (double)t / t1, cpu_sec() - c1, wait_sec() - w1);

	t0 = now_sec();
	if (store_maintain(s) == -1)
		die(s, "maintain");
	printf("store_maintain: %.2f s\n", now_sec() - t0);
	store_close(s);
	for (i = 0; i < feeds * ringsize; i++)
		free_entry(&ring[i]);
	free(ring);
	free(ids);
	free(seqs);
queries:
	s = store_open(path, &err);
	if (s == NULL) {
		fprintf(stderr, "store_bench: %s\n", err);
		return 1;
	}

	memset(&q, 0, sizeof(q));
	q.limit = 50;
	time_query(s, "newest 50", &q, reps);
	tag[0] = "tag03";
	q.tags = tag;
	q.ntags = 1;
	time_query(s, "tag=tag03 (1/20 of feeds)", &q, reps);
	tag[0] = "tag01";
	time_query(s, "tag=tag01 (1/10 of feeds)", &q, reps);
	q.tags = NULL;
	q.ntags = 0;
	feed[0] = "feed0042";
	q.feeds = feed;
	q.nfeeds = 1;
	time_query(s, "feed=feed0042", &q, reps);
	q.feeds = NULL;
	q.nfeeds = 0;
	q.since = clock_now - 3600;
	time_query(s, "since (last hour)", &q, reps);
	q.since = 0;
	q.q = vocab[0];
	time_query(s, "q=most common word", &q, reps);
	q.q = vocab[30];
	time_query(s, "q=common word (rank 30)", &q, reps);
	q.q = vocab[300];
	time_query(s, "q=mid word (rank 300)", &q, reps);
	q.q = vocab[4000];
	time_query(s, "q=rare word (rank 4000)", &q, reps);
	snprintf(cmd, sizeof(cmd), "%s %s", vocab[10], vocab[200]);
	q.q = cmd;
	time_query(s, "q=two words (10, 200)", &q, reps);
	tag[0] = "tag03";
	q.tags = tag;
	q.ntags = 1;
	q.q = vocab[30];
	time_query(s, "tag=tag03 and q=rank 30", &q, reps);
	q.ntags = 0;
	q.q = vocab_cjk[0];
	time_query(s, "q=CJK most common word", &q, reps);
	q.q = vocab_cjk[30];
	time_query(s, "q=CJK word of rank 30", &q, reps);
	q.q = vocab_cjk[4000];
	time_query(s, "q=CJK rare word (4000)", &q, reps);
	snprintf(cmd, sizeof(cmd), "%.3s", vocab_cjk[0]);
	q.q = cmd;
	time_query(s, "q=CJK one character", &q, reps);
	store_close(s);

	for (i = 0; i < VOCAB; i++) {
		free(vocab[i]);
		free(vocab_cjk[i]);
	}
	if (!keep) {
		static const char *const sfx[] = { "", "-wal", "-shm" };

		for (i = 0; i < 3; i++) {
			snprintf(cmd, sizeof(cmd), "%s%s", path, sfx[i]);
			unlink(cmd);
		}
	}
	return 0;
}
