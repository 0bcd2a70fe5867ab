/*
 * test_store_fts.c: the search index: words, prefixes and scripts
 * (CJK pairs, folded letters), batches of indexing and the backlog, a
 * steady stream of documents, the early-stopping search walk checked
 * against a full sort on random data (also with feeds selected, through
 * the map of rows to feeds), and the text of HTML fragments.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "parsers/feed.h"
#include "storage/canon.h"
#include "storage/store.h"
#include "storage/store_test.h"
#include "test_seed.h"
#include "test_store_util.h"

/* Rows the FTS index itself returns for an FTS5 query. */
static int64_t
fts_rows(const char *match)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM entries_fts"
	    " WHERE entries_fts MATCH '%s'", match);
	return count_sql(sql);
}

/*
 * Search in every script of the real-world corpus (titles taken from
 * it, a few made up for letters it lacks).  Chinese and Japanese have no
 * spaces between words: a word inside a longer run must be found (FTS5's
 * unicode61 kept the run as one token, and 中国 found a tenth of the
 * entries holding it).  Letters typed in another form are found too.
 */
static const char *const script_titles[] = {
	"视频：习近平会见英国剑桥公爵威廉王子",
	"法广｜习近平打乱中共官场是一场冒险赌博",
	"中国足球新改革方案：足协与体育总局脱钩",
	"中国成为世界第三大武器出口国",
	"1：▼つω・。▼ ◆Q2Ql4Ejios ＠涙のバレンタインφ ★",
	"Stand UP: Артём Винокур - неожиданное предложение",
	"«Πορτραίτα καραντίνας» για έμπνευση από τη συλλογή Φέλιου",
	"امریکہ کے ساتھ خفیہ معلومات کا تبادلہ اور فوجی تعاون معطل کر دیا",
	"Shelling resumes in Kyïv",
	"Die Straße nach Zürich",
	"Le cœur de Paris",
	"שָׁלוֹם עֲלֵיכֶם",
	"مُحَمَّد في القاهرة",
	"أحمد يكتب رسالة",
	"서울에서 열린 회의",
};

struct script_query {
	const char	*q;
	const char	*want;	/* indexes into script_titles, newest first */
};

static const struct script_query script_queries[] = {
	{ "习近平", "0,1" },
	{ "中国", "2,3" },
	{ "国", "0,2,3" },		/* one character: anywhere in a run */
	{ "出口国", "3" },
	{ "中国 武器", "3" },
	{ "バレンタイン", "4" },
	{ "Артем", "5" },		/* ё typed as е */
	{ "артём", "5" },
	{ "ΠΟΡΤΡΑΙΤΑ", "6" },		/* capitals carry no tonos */
	{ "πορτραιτα", "6" },
	{ "συλλογη", "6" },
	{ "امريكہ", "7" },		/* Arabic yeh for Farsi yeh */
	{ "Kyiv", "8" },
	{ "strasse", "9" },
	{ "zurich", "9" },
	{ "coeur", "10" },
	{ "שלום", "11" },		/* without points */
	{ "محمد", "12" },		/* without harakat */
	{ "احمد", "13" },		/* alef without hamza */
	{ "서울", "14" },
	{ "회의", "14" },
	{ "中国足球新改革", "2" },
	{ "中", "1,2,3" },
};

struct tcase_text {
	const char	*in, *want;
};

static const struct tcase_text tcases[] = {
	{ "plain", "plain" },
	{ "<p>a</p><p>b</p>", " a  b " },
	{ "x<br/>y", "x y" },
	{ "&amp;&lt;&gt;&quot;&apos;&nbsp;", "&<>\"' " },
	{ "&#233;&#xe9;&#XE9;", "\xc3\xa9\xc3\xa9\xc3\xa9" },
	{ "&#x1F600;", "\xf0\x9f\x98\x80" },
	{ "&#0; &#xD800; &#x110000; &#; &#x; &bogus; & alone",
	    "&#0; &#xD800; &#x110000; &#; &#x; &bogus; & alone" },
	{ "a <unclosed", "a " },
	{ "", "" },
};

START_TEST(test_search)
{
	struct store *s;
	struct entry e[3];
	char *cats[2] = { (char *)"Ukraine", (char *)"Food security" };
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("grain", "Grain talks resume", "https://example.org/g",
	    T0 - 10);
	e[0].summary = (char *)"<p>The <b>corridor</b> talks&amp;the Black"
	    "&#x20;Sea</p>";
	e[0].content = (char *)"<p>Caf&#233; diplomacy in <a href="
	    "\"https://example.org/odesa\">Odesa</a></p>";
	e[0].author = (char *)"Jane Doe";
	e[0].categories = cats;
	e[0].ncategories = 2;
	e[1] = mk("sahel", "Sahel mandate", "https://example.org/s", T0 - 20);
	e[2] = mk("quote", "Say \"hello\" OR else", NULL, T0 - 30);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);

	ck_assert_uint_eq(search(s, NULL), 3);
	ck_assert_uint_eq(search(s, "  \t "), 3);
	ck_assert_uint_eq(search(s, "corridor"), 1);
	ck_assert_uint_eq(search(s, "CORRIDOR  black"), 1);
	ck_assert_uint_eq(search(s, "corridor sahel"), 0);
	ck_assert_uint_eq(search(s, "talks"), 1);
	ck_assert_uint_eq(search(s, "sea"), 1);
	ck_assert_uint_eq(search(s, "cafe"), 1);
	ck_assert_uint_eq(search(s, "odesa"), 1);
	ck_assert_uint_eq(search(s, "jane"), 1);
	ck_assert_uint_eq(search(s, "security"), 1);
	ck_assert_uint_eq(search(s, "mandate"), 1);
	/* Markup is not text. */
	ck_assert_uint_eq(search(s, "href"), 0);
	ck_assert_uint_eq(search(s, "amp"), 0);
	ck_assert_uint_eq(search(s, "b"), 0);
	/* Reader input is words, never FTS5 syntax. */
	ck_assert_uint_eq(search(s, "sahel OR grain"), 0);
	ck_assert_uint_eq(search(s, "\"hello"), 1);
	ck_assert_uint_eq(search(s, "hello\" OR"), 1);
	ck_assert_uint_eq(search(s, "title:sahel"), 0);
	ck_assert_uint_eq(search(s, "sahel*"), 1);
	ck_assert_uint_eq(search(s, "( - ) NEAR"), 0);
	/* Blocks of one row each bound the walk just as well. */
	store_set_block_shift(s, 0);
	ck_assert_uint_eq(search(s, "corridor"), 1);
	ck_assert_uint_eq(search(s, "summary"), 2);
	ck_assert_uint_eq(search(s, "nowhere"), 0);
	ck_assert_uint_eq(search(s, "corridor sahel"), 0);

	/* The index follows updates and purges. */
	e[1].title = (char *)"Niger mandate";
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 0);
	ck_assert_uint_eq(search(s, "sahel"), 0);
	ck_assert_uint_eq(search(s, "niger"), 1);
	ck_assert_int_eq(fts_rows("sahel"), 0);
	ck_assert_int_eq(fts_rows("mandate"), 1);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 1), 0);
	ck_assert_int_eq(store_doc(s, id, &e[2], 1, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 1);
	ck_assert_int_eq(fts_rows("mandate"), 0);
	ck_assert_int_eq(fts_rows("corridor"), 0);
	ck_assert_int_eq(fts_rows("hello"), 1);
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_query_words)
{
	struct store *s;
	struct store_query q;
	struct entry e[2];
	char big[STORE_Q_MAX + 2];
	const char *t;
	int64_t id;
	int rc;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("1", "Storage engines", NULL, T0 - 10);
	e[1] = mk("2", "Stories \"quoted\" here", NULL, T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	q.q = "stora*";
	ck_assert_str_eq(titles(s, &q), "Storage engines");
	q.q = "sto**";
	ck_assert_str_eq(titles(s, &q),
	    "Storage engines,Stories \"quoted\" here");
	q.q = "storage*";
	ck_assert_str_eq(titles(s, &q), "Storage engines");
	/* A lone '*' is no word: everything. */
	q.q = " * ";
	ck_assert_str_eq(titles(s, &q),
	    "Storage engines,Stories \"quoted\" here");
	/* FTS5 syntax is just words. */
	q.q = "\"quoted OR NEAR( storage";
	ck_assert_str_eq(titles(s, &q), "");
	q.q = "quoted\"";
	ck_assert_str_eq(titles(s, &q), "Stories \"quoted\" here");
	/* Too long: a distinct error, and nothing else breaks. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	q.q = big;
	t = query_titles(s, &q, &rc);
	ck_assert_int_eq(rc, -2);
	ck_assert_str_eq(t, "");
	ck_assert_ptr_nonnull(strstr(store_errmsg(s), "too long"));
	q.q = "a b c d e f g h i j k l m n o p q r s t u v w x y z"
	    " a b c d e f g h";
	(void)query_titles(s, &q, &rc);
	ck_assert_int_eq(rc, -2);
	q.q = "storage";
	ck_assert_str_eq(titles(s, &q), "Storage engines");
	/* Words of several tokens, though the index keeps no positions. */
	e[0] = mk("3", "Send e-mail now, don\xe2\x80\x99t wait", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 1), 1);
	q.q = "e-mail";
	ck_assert_str_eq(titles(s, &q),
	    "Send e-mail now, don\xe2\x80\x99t wait");
	q.q = "DON\xe2\x80\x99T e-ma*";
	ck_assert_str_eq(titles(s, &q),
	    "Send e-mail now, don\xe2\x80\x99t wait");
	q.q = "-- ,";
	ck_assert_str_eq(titles(s, &q),
	    "Send e-mail now, don\xe2\x80\x99t wait,Storage engines,"
	    "Stories \"quoted\" here");
	store_close(s);
}
END_TEST

/*
 * The search's early stop (store.c, search_walk) against the plain
 * merged order filtered here: random dates (none, old, future beyond
 * the day of slack), cross-feed duplicates, updates that move entries,
 * small blocks so that the bound matters.  _i seeds the run.
 */
START_TEST(test_search_order_random)
{
	static const char *const vocab[] = { "alpha", "bravo", "charlie",
	    "delta", "echo" };
	struct store *s;
	struct store_query q, all;
	struct store_item *items, *ref;
	struct entry e[20];
	char id[20][16], title[20][64], link[20][48];
	const char *feeds[] = { "f1" };
	int64_t feed[3], now = T0, date;
	size_t n, nref, i, j, k, want;
	unsigned seed = test_seed("test_search_order_random",
	    1234u + (unsigned)_i);
	int doc, w, f, limit, shift;

	s = open_ok();
	for (f = 0; f < 3; f++) {
		char name[8];

		snprintf(name, sizeof(name), "f%d", f % 10);
		feed[f] = store_feed_ensure(s, name, "https://x.example/",
		    NULL);
		ck_assert_int_eq(store_feed_retention(s, feed[f], 0, 0), 0);
	}
	for (doc = 0; doc < 30; doc++) {
		f = rand_r(&seed) % 3;
		now += rand_r(&seed) % 4000;
		for (i = 0; i < 20; i++) {
			k = (size_t)(rand_r(&seed) % 200);
			snprintf(id[i], sizeof(id[i]), "e%zu", k);
			w = rand_r(&seed) % 5;
			snprintf(title[i], sizeof(title[i]), "%s %s v%d",
			    vocab[k % 5], vocab[w], rand_r(&seed) % 2);
			snprintf(link[i], sizeof(link[i]),
			    "https://news.example/%zu", k);
			switch (rand_r(&seed) % 5) {
			case 0:
				date = FEED_NO_DATE;
				break;
			case 1:
				date = now + DAY + rand_r(&seed) % 5000;
				break;
			case 2:
				date = now + rand_r(&seed) % DAY;
				break;
			default:
				date = now - rand_r(&seed) % (5 * DAY);
			}
			e[i] = mk(id[i], title[i], link[i], date);
		}
		store_doc(s, feed[f], e, 20, now);
	}
	for (shift = 0; shift <= 8; shift += 4) {
		store_set_block_shift(s, shift);
		for (w = 0; w < 5; w++) {
			for (limit = 1; limit <= 25; limit += 8) {
				memset(&all, 0, sizeof(all));
				all.limit = 10000;
				memset(&q, 0, sizeof(q));
				q.limit = (size_t)limit;
				q.q = vocab[w];
				if (limit == 9) {
					all.feeds = q.feeds = feeds;
					all.nfeeds = q.nfeeds = 1;
				}
				if (limit == 17)
					all.since = q.since = now - 3 * DAY;
				ck_assert_int_eq(store_items(s, &all, &ref,
				    &nref), 0);
				ck_assert_int_eq(store_items(s, &q, &items,
				    &n), 0);
				/* The first limit of ref holding the word. */
				for (i = j = 0; i < nref && j < n; i++) {
					if (strstr(ref[i].entry.title,
					    vocab[w]) == NULL)
						continue;
					ck_assert_msg(ref[i].id == items[j].id,
					    "shift %d word %s limit %d: item"
					    " %zu is %" PRId64 ", not %"
					    PRId64,
					    shift, vocab[w], limit, j,
					    items[j].id, ref[i].id);
					j++;
				}
				for (want = 0, k = 0; k < nref; k++)
					want += strstr(ref[k].entry.title,
					    vocab[w]) != NULL;
				ck_assert_uint_eq(n, want < (size_t)limit ?
				    want : (size_t)limit);
				store_items_free(items, n);
				store_items_free(ref, nref);
			}
		}
	}
	store_close(s);
}
END_TEST

/* The first limit items of ref whose title holds word, against items. */
static void
check_found(const struct store_item *ref, size_t nref,
    const struct store_item *items, size_t n, const char *word,
    size_t limit, const char *what)
{
	size_t i, j;

	for (i = j = 0; i < nref && j < limit; i++) {
		if (strstr(ref[i].entry.title, word) == NULL)
			continue;
		ck_assert_msg(j < n, "%s, %s: only %zu items", what, word, n);
		ck_assert_msg(ref[i].id == items[j].id, "%s, %s: item %zu is"
		    " %" PRId64 ", not %" PRId64, what, word, j, items[j].id,
		    ref[i].id);
		j++;
	}
	ck_assert_msg(n == j, "%s, %s: %zu items, not %zu", what, word, n, j);
}

/*
 * A search that selects feeds skips the matches of other feeds by the
 * store's map of rows to feeds (store_fts.c), loaded by the first such
 * search and kept by later writes: the same items as the selected feeds'
 * merged order filtered here, after new documents, after a rolled-back
 * one, and with feed ids that share the map's slot (65536 and 1).
 */
START_TEST(test_search_feed_map)
{
	static const char *const vocab[] = { "alpha", "bravo", "charlie" };
	static const char *const tagsets[][2] = { { "a", NULL },
	    { "b", NULL }, { "a", "b" } };
	struct store *s;
	struct store_query q, all;
	struct store_item *items, *ref;
	struct entry e[10];
	char id[10][24], title[10][48], tag[2][2] = { "a", "b" };
	char *tv[2];
	int64_t feed[4], now = T0;
	size_t n, nref, i;
	unsigned seed = test_seed("test_search_feed_map", 77u);
	int doc, f, round, w, ts, added;

	s = open_ok();
	feed[0] = store_feed_ensure(s, "f1", "https://x.example/", NULL);
	feed[1] = store_feed_ensure(s, "f2", "https://x.example/", NULL);
	store_close(s);
	ck_assert_int_eq(count_sql("INSERT INTO feeds (id, name, url) VALUES"
	    " (65536, 'big', 'https://x.example/') RETURNING id"), 65536);
	s = open_ok();
	feed[2] = store_feed_ensure(s, "big", "https://x.example/", NULL);
	ck_assert_int_eq(feed[2], 65536);
	feed[3] = store_feed_ensure(s, "f3", "https://x.example/", NULL);
	for (f = 0; f < 4; f++) {
		ck_assert_int_eq(store_feed_retention(s, feed[f], 0, 0), 0);
		/* Feeds 1 and 65536 (one slot) apart, 2 and 65537 too. */
		tv[0] = tag[f == 0 || f == 3 ? 0 : 1];
		tv[1] = tag[1];
		ck_assert_int_eq(store_feed_set_tags(s, feed[f], tv,
		    f == 3 ? 2 : 1), 0);
	}
	for (round = 0; round < 4; round++) {
		for (doc = 0; doc < 12; doc++) {
			f = rand_r(&seed) % 4;
			now += 600;
			for (i = 0; i < 10; i++) {
				snprintf(id[i], sizeof(id[i]), "r%dd%de%zu",
				    round, doc, i);
				snprintf(title[i], sizeof(title[i]), "%s %d",
				    vocab[rand_r(&seed) % 3], f);
				e[i] = mk(id[i], title[i], NULL,
				    now - rand_r(&seed) % 3000);
			}
			store_doc(s, feed[f], e, 10, now);
		}
		if (round == 2) {
			/* Rows written, then undone. */
			ck_assert_int_eq(store_doc_begin(s, feed[0]), 0);
			for (i = 0; i < 10; i++)
				ck_assert_int_eq(store_doc_entry(s, &e[i],
				    now, &added), 0);
			store_doc_rollback(s);
		}
		for (ts = 0; ts < 3; ts++) {
			for (w = 0; w < 3; w++) {
				memset(&all, 0, sizeof(all));
				all.limit = 10000;
				all.tags = tagsets[ts];
				all.ntags = tagsets[ts][1] != NULL ? 2 : 1;
				q = all;
				q.limit = 7;
				q.q = vocab[w];
				ck_assert_int_eq(store_items(s, &all, &ref,
				    &nref), 0);
				ck_assert_int_eq(store_items(s, &q, &items,
				    &n), 0);
				check_found(ref, nref, items, n, vocab[w], 7,
				    tagsets[ts][0]);
				store_items_free(items, n);
				store_items_free(ref, nref);
			}
		}
	}
	store_close(s);
}
END_TEST

/* New entries are indexed in batches (store.c, fts_flush); updates and
 * purges of entries not yet indexed must keep the index exact. */
START_TEST(test_fts_batches)
{
	struct store *s;
	struct entry e[3];
	int64_t id;
	int added;

	s = open_ok();
	store_set_fts_batch(s, 3);
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("1", "alpha one", NULL, T0 - 10);
	e[1] = mk("2", "bravo two", NULL, T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	/* Pending: not in the index yet... */
	ck_assert_int_eq(fts_rows("alpha"), 0);
	/* ...changed while pending, and a third new one fills the batch. */
	e[0].title = (char *)"charlie one";
	e[2] = mk("3", "delta three", NULL, T0 - 5);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 1);
	ck_assert_int_eq(fts_rows("alpha"), 0);
	ck_assert_int_eq(fts_rows("charlie"), 1);
	ck_assert_int_eq(fts_rows("delta"), 1);
	fts_check();
	/* An indexed row changes: out with the old words at once. */
	e[1].title = (char *)"echo two";
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 120), 0);
	ck_assert_int_eq(fts_rows("bravo"), 0);
	ck_assert_int_eq(fts_rows("echo"), 1);
	/* A pending row purged: nothing to take out of the index. */
	e[0] = mk("4", "foxtrot four", NULL, T0 + 100);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 180), 1);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 1), 0);
	e[0] = mk("5", "golf five", NULL, T0 + 200);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 240), 1);
	ck_assert_int_eq(count_rows(), 1);
	fts_check();
	/* A rolled back document leaves nothing pending. */
	e[1] = mk("6", "hotel six", NULL, T0 + 250);
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0 + 300, &added), 0);
	store_doc_rollback(s);
	ck_assert_uint_eq(search(s, "hotel"), 0);
	ck_assert_uint_eq(search(s, "golf"), 1);
	ck_assert_uint_eq(search(s, "foxtrot"), 0);
	ck_assert_int_eq(fts_rows("golf"), 1);
	/* Closing indexes what waits. */
	e[1] = mk("7", "india seven", NULL, T0 + 260);
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 360), 1);
	ck_assert_int_eq(fts_rows("india"), 0);
	store_close(s);
	ck_assert_int_eq(fts_rows("india"), 1);
	ck_assert_int_eq(count_sql("SELECT watermark FROM fts_state"),
	    count_sql("SELECT max(id) FROM entries"));
	fts_check();
}
END_TEST

/* store_index_pending indexes what commits left waiting, in chunks
 * within its budget, and keeps the watermark exact. */
START_TEST(test_index_pending)
{
	struct store *s;
	struct entry e[3];
	char ids[2500][16];
	struct entry *v;
	int64_t id, left;
	int i;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 0), 0);
	/* One document of 2500 new entries: above the default bound. */
	store_set_bounds(s, 2500, 0, 0);
	v = calloc(2500, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	for (i = 0; i < 2500; i++) {
		snprintf(ids[i], sizeof(ids[i]), "n%d", i);
		v[i] = mk(ids[i], i == 2499 ? "kilo last" : "lima word",
		    NULL, T0 - 2500 + i);
	}
	ck_assert_int_eq(store_doc(s, id, v, 2500, T0), 2500);
	/* Stored, not indexed: the commit left it for later. */
	ck_assert_int_eq(store_index_backlog(s), 2500);
	ck_assert_int_eq(fts_rows("lima"), 0);
	/* A budget of 0 still does one chunk (of 1000), and says what
	 * waits. */
	ck_assert_int_eq(store_index_pending(s, 0), 1500);
	ck_assert_int_eq(fts_rows("lima"), 1000);
	ck_assert_int_eq(count_sql("SELECT watermark FROM fts_state"),
	    count_sql("SELECT id FROM entries ORDER BY id LIMIT 1 OFFSET"
	    " 999"));
	fts_check();
	/* Inside a document it refuses. */
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_index_pending(s, 1000), -1);
	store_doc_rollback(s);
	left = store_index_pending(s, 60000);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(store_index_backlog(s), 0);
	ck_assert_int_eq(fts_rows("lima"), 2499);
	ck_assert_int_eq(fts_rows("kilo"), 1);
	ck_assert_int_eq(count_sql("SELECT watermark FROM fts_state"),
	    count_sql("SELECT max(id) FROM entries"));
	fts_check();
	/* Nothing waits: nothing to do. */
	ck_assert_int_eq(store_index_pending(s, 0), 0);
	/* A new entry waits again, and a search still finds it. */
	e[0] = mk("x", "mike new", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 60), 1);
	ck_assert_int_eq(store_index_backlog(s), 1);
	ck_assert_uint_eq(search(s, "mike"), 1);
	ck_assert_int_eq(store_index_backlog(s), 0);
	store_close(s);
	free(v);
}
END_TEST

/* A steady stream of new entries under retention: the file stops
 * growing (freed pages return by incremental vacuum, the search index
 * merges away what it deleted). */
START_TEST(test_steady_stream)
{
	struct store *s;
	struct entry e[5];
	char ids[5][32], body[1024];
	int64_t id, pages60 = 0, pages;
	int doc, i;

	memset(body, 'q', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	s = open_ok();
	store_set_fts_batch(s, 10);
	id = store_feed_ensure(s, "stream", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 20), 0);
	for (doc = 0; doc < 300; doc++) {
		for (i = 0; i < 5; i++) {
			snprintf(ids[i], sizeof(ids[i]), "s-%d-%d", doc, i);
			e[i] = mk(ids[i], ids[i], NULL, T0 + doc * 60 + i);
			e[i].content = body;
		}
		ck_assert_int_eq(store_doc(s, id, e, 5, T0 + doc * 60 + 10),
		    5);
		if (doc == 59) {
			ck_assert_int_eq(store_maintain(s), 0);
			pages60 = count_sql("PRAGMA page_count");
		}
	}
	ck_assert_int_eq(store_maintain(s), 0);
	pages = count_sql("PRAGMA page_count");
	ck_assert_int_eq(count_rows(), 20);
	/* 1,200 more entries of over 1 KiB each would be 300+ pages. */
	ck_assert_msg(pages < pages60 + 30, "%" PRId64 " pages, %" PRId64
	    " after 60 documents", pages, pages60);
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_search_scripts)
{
	const size_t nt = NELEM(script_titles);
	struct store *s;
	struct store_query q;
	struct store_item *items;
	struct entry e[NELEM(script_titles)];
	char ids[NELEM(script_titles)][8];
	char got[64];
	int64_t id;
	size_t i, j, n;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	for (i = 0; i < nt; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%zu", i);
		e[i] = mk(ids[i], script_titles[i], NULL,
		    T0 - (int64_t)i * 60);
	}
	ck_assert_int_eq(store_doc(s, id, e, nt, T0), (int)nt);
	for (i = 0; i < NELEM(script_queries);
	    i++) {
		memset(&q, 0, sizeof(q));
		q.limit = 50;
		q.q = script_queries[i].q;
		ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
		got[0] = '\0';
		for (j = 0; j < n; j++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%s", j > 0 ? "," : "", items[j].entry.id);
		store_items_free(items, n);
		ck_assert_msg(strcmp(got, script_queries[i].want) == 0,
		    "q=%s: found %s, want %s", script_queries[i].q, got,
		    script_queries[i].want);
	}
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_html_text)
{
	const struct tcase_text *c = &tcases[_i];
	char *got;

	got = store_html_text(c->in);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, c->want);
	free(got);
	ck_assert_ptr_null(store_html_text(NULL));
}
END_TEST

static Suite *
store_fts_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store_fts");
	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_query_words);
	tcase_add_test(tc, test_fts_batches);
	tcase_add_test(tc, test_index_pending);
	tcase_add_test(tc, test_steady_stream);
	tcase_add_loop_test(tc, test_search_order_random, 0, 4);
	tcase_add_test(tc, test_search_feed_map);
	tcase_add_test(tc, test_search_scripts);
	suite_add_tcase(s, tc);

	tc = tcase_create("canon");
	tcase_add_loop_test(tc, test_html_text, 0,
	    (int)NELEM(tcases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	feed_init();
	sr = srunner_create(store_fts_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
