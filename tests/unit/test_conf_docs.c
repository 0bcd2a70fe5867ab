/*
 * test_conf_docs.c: feedd.conf(5) and the README's Configuration tables
 * say what the option table (daemon/conf_table.c) says.
 *
 * For each section ([feedd], [feed NAME], [view NAME]) both documents
 * must list the same options in the table's order; a default the table
 * applies must be the one they give; an inherited [feed] option must say
 * "the global one", a required one "required"; a number checked against
 * a range must have that range in the manual; every choice of a choice
 * must be named.  The checker runs on the real files and, to show that
 * it can fail, on copies with one mistake each.
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "daemon/conf_int.h"
#include "base/util.h"

#define MAX_ITEMS	64

/* One option as a document describes it. */
struct item {
	char	*name;
	char	*text;		/* its whole description */
	char	*def;		/* the README's default cell, or NULL */
};

struct doc {
	struct item	 items[MAX_ITEMS];
	size_t		 n;
};

static const char *const man_heading[CONF_NSECTIONS] = {
	".Ss The [feedd] section",
	".Ss The [feed NAME] sections",
	".Ss The [view NAME] sections",
};

static const char *const md_heading[CONF_NSECTIONS] = {
	"### `[feedd]`",
	"### `[feed NAME]`",
	"### `[view NAME]`",
};

static const char *const section_name[CONF_NSECTIONS] = {
	"[feedd]", "[feed NAME]", "[view NAME]",
};

static char *
slurp(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char *path, *text, *err = NULL;
	size_t len;
	FILE *fp;

	path = xasprintf("%s/%s", top != NULL ? top : ".", rel);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	text = read_capped(fp, 1 << 20, "document", &len, &err);
	ck_assert_msg(text != NULL, "%s: %s", path, err);
	fclose(fp);
	free(path);
	return text;
}

static void
doc_reset(struct doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->items[i].name);
		free(d->items[i].text);
		free(d->items[i].def);
	}
	d->n = 0;
}

/* The line after the one holding p, or NULL at the end. */
static const char *
next_line(const char *p)
{
	p = strchr(p, '\n');
	return p != NULL ? p + 1 : NULL;
}

static int
starts(const char *line, const char *prefix)
{
	return strncmp(line, prefix, strlen(prefix)) == 0;
}

/* The word at p (up to a blank or the end of the line). */
static char *
word(const char *p)
{
	return xstrndup(p, strcspn(p, " \t\n"));
}

/* The .It Ic items of the tag list after heading, each with its text up
 * to the next item of the same list. */
static void
man_items(const char *man, const char *heading, struct doc *d)
{
	const char *line;
	struct item *it = NULL;
	struct buf text;
	int depth = 0;

	d->n = 0;
	line = strstr(man, heading);
	ck_assert_msg(line != NULL, "feedd.conf.5: no '%s'", heading);
	buf_init(&text, 0);
	for (line = next_line(line); line != NULL; line = next_line(line)) {
		if (starts(line, ".Bl"))
			depth++;
		else if (starts(line, ".El") && --depth == 0)
			break;
		if (depth == 1 && starts(line, ".It")) {
			if (it != NULL)
				it->text = buf_steal(&text);
			ck_assert(d->n < MAX_ITEMS);
			it = &d->items[d->n++];
			memset(it, 0, sizeof(*it));
			it->name = starts(line, ".It Ic ") ?
			    word(line + 7) : xstrdup("?");
		}
		if (it != NULL)
			buf_add(&text, line, strcspn(line, "\n") + 1);
	}
	if (it != NULL)
		it->text = buf_steal(&text);
	buf_reset(&text);
}

/* The rows "| `name` | default | meaning |" of the table after heading. */
static void
md_items(const char *md, const char *heading, struct doc *d)
{
	const char *line, *p, *q;
	struct item *it;
	size_t len;

	d->n = 0;
	line = strstr(md, heading);
	ck_assert_msg(line != NULL, "README.md: no '%s'", heading);
	for (line = next_line(line); line != NULL; line = next_line(line)) {
		if (starts(line, "#"))
			break;
		if (!starts(line, "| `"))
			continue;
		ck_assert(d->n < MAX_ITEMS);
		it = &d->items[d->n++];
		memset(it, 0, sizeof(*it));
		len = strcspn(line, "\n");
		it->text = xstrndup(line, len);
		it->name = xstrndup(line + 3, strcspn(line + 3, "`"));
		/* The default: the second cell. */
		p = strstr(it->text + 2, " | ");
		if (p != NULL && (q = strstr(p + 3, " | ")) != NULL)
			it->def = xstrndup(p + 3, (size_t)(q - p - 3));
	}
}

/* Whether w occurs in s as a whole word (not inside a longer one). */
static int
has_word(const char *s, const char *w)
{
	const char *p;
	size_t n = strlen(w);

	for (p = strstr(s, w); p != NULL; p = strstr(p + 1, w)) {
		if ((p == s || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

/* The table's options of section s, in order. */
static size_t
table_items(enum conf_section s, const struct conf_option **out)
{
	size_t i, n = 0;

	for (i = 0; i < conf_noptions; i++)
		if (conf_options[i].sections & CONF_IN(s))
			out[n++] = &conf_options[i];
	return n;
}

static void
check_names(const char *what, const struct doc *d,
    const struct conf_option **opts, size_t n, struct buf *bad)
{
	size_t i;

	for (i = 0; i < n || i < d->n; i++) {
		if (i >= d->n)
			buf_printf(bad, "%s: '%s' is missing\n", what,
			    opts[i]->name);
		else if (i >= n)
			buf_printf(bad, "%s: '%s' is not an option\n", what,
			    d->items[i].name);
		else if (strcmp(d->items[i].name, opts[i]->name) != 0)
			buf_printf(bad, "%s: '%s' where the table has '%s'\n",
			    what, d->items[i].name, opts[i]->name);
	}
}

/* What the manual says of one option. */
static void
check_man_item(const char *what, const struct item *it,
    const struct conf_option *o, enum conf_section s, struct buf *bad)
{
	const char *dflt = strstr(it->text, "Default:");
	char *range;
	size_t i;

	if (s == CONF_MAIN && o->def != NULL &&
	    (dflt == NULL || !has_word(dflt, o->def)))
		buf_printf(bad, "%s %s: the default is not '%s'\n", what,
		    o->name, o->def);
	if (s == CONF_FEED && o->inherit &&
	    strstr(it->text, "Default: the global one.") == NULL)
		buf_printf(bad, "%s %s: does not say it inherits\n", what,
		    o->name);
	if (s == CONF_FEED && o->required &&
	    strstr(it->text, "Required.") == NULL)
		buf_printf(bad, "%s %s: does not say it is required\n", what,
		    o->name);
	if (o->type == CONF_T_NUMBER && o->hint == NULL) {
		range = xasprintf("%lld to %lld", o->min, o->max);
		if (strstr(it->text, range) == NULL)
			buf_printf(bad, "%s %s: the range is not %s\n", what,
			    o->name, range);
		free(range);
	}
	for (i = 0; o->choices != NULL && o->choices[i].name != NULL; i++) {
		range = xasprintf("Cm %s", o->choices[i].name);
		if (!has_word(it->text, range))
			buf_printf(bad, "%s %s: '%s' is not named\n", what,
			    o->name, o->choices[i].name);
		free(range);
	}
}

/* What the README's row says of one option. */
static void
check_md_item(const char *what, const struct item *it,
    const struct conf_option *o, enum conf_section s, struct buf *bad)
{
	char *want = NULL;
	size_t i;

	if (s == CONF_MAIN && o->def != NULL)
		want = xasprintf("`%s`", o->def);
	else if (s == CONF_FEED && o->inherit)
		want = xstrdup("the global one");
	else if (s == CONF_FEED && o->required)
		want = xstrdup("required");
	if (want != NULL && (it->def == NULL || strcmp(it->def, want) != 0))
		buf_printf(bad, "%s %s: the default is '%s', not %s\n", what,
		    o->name, it->def != NULL ? it->def : "", want);
	free(want);
	for (i = 0; o->choices != NULL && o->choices[i].name != NULL; i++) {
		want = xasprintf("`%s`", o->choices[i].name);
		if (strstr(it->text, want) == NULL)
			buf_printf(bad, "%s %s: %s is not named\n", what,
			    o->name, want);
		free(want);
	}
}

/* Every disagreement between the documents and the table, one a line
 * (caller frees; "" if none). */
static char *
check_docs(const char *man, const char *md)
{
	const struct conf_option *opts[MAX_ITEMS];
	struct doc m, r;
	struct buf bad;
	char *what;
	size_t n, i;
	int s;

	buf_init(&bad, 0);
	for (s = 0; s < CONF_NSECTIONS; s++) {
		n = table_items(s, opts);
		man_items(man, man_heading[s], &m);
		md_items(md, md_heading[s], &r);
		what = xasprintf("feedd.conf.5 %s", section_name[s]);
		check_names(what, &m, opts, n, &bad);
		for (i = 0; i < n && i < m.n; i++)
			if (strcmp(m.items[i].name, opts[i]->name) == 0)
				check_man_item(what, &m.items[i], opts[i], s,
				    &bad);
		free(what);
		what = xasprintf("README.md %s", section_name[s]);
		check_names(what, &r, opts, n, &bad);
		for (i = 0; i < n && i < r.n; i++)
			if (strcmp(r.items[i].name, opts[i]->name) == 0)
				check_md_item(what, &r.items[i], opts[i], s,
				    &bad);
		free(what);
		doc_reset(&m);
		doc_reset(&r);
	}
	return buf_steal(&bad);
}

/* text with the first occurrence of from replaced by to. */
static char *
edit(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);

	ck_assert_msg(p != NULL, "'%s' not in the document", from);
	return xasprintf("%.*s%s%s", (int)(p - text), text, to,
	    p + strlen(from));
}

START_TEST(test_docs_agree)
{
	char *man = slurp("doc/feedd.conf.5");
	char *md = slurp("README.md");
	char *bad;

	bad = check_docs(man, md);
	ck_assert_msg(*bad == '\0', "the docs disagree with "
	    "daemon/conf_table.c:\n%s", bad);
	free(bad);
	free(man);
	free(md);
}
END_TEST

/* One mistake in a copy of either document, and the check says so. */
START_TEST(test_checker_fails)
{
	static const struct {
		int		 in_man;
		const char	*from, *to, *says;
	} cases[] = {
		{ 1, ".It Ic keep_entries", ".It Ic keep_entry",
		    "'keep_entry' where the table has 'keep_entries'" },
		{ 1, ".It Ic query Ar words\n", "",
		    "'query' is missing" },
		{ 1, "Default: 30s.", "Default: 20s.",
		    "http_timeout: the default is not '30s'" },
		{ 1, "Feed requests in flight at once, 1 to 1024.",
		    "Feed requests in flight at once.",
		    "max_connections: the range is not 1 to 1024" },
		{ 1, ".Cm warning ,", ".Cm warn ,",
		    "log_level: 'warning' is not named" },
		{ 0, "| `min_interval` | `5m` |", "| `min_interval` | `1m` |",
		    "min_interval: the default is '`1m`', not `5m`" },
		{ 0, "| `keep_days` | the global one |",
		    "| `keep_days` | 90 |",
		    "keep_days: the default is '90', not the global one" },
		{ 0, "| `url` | required |", "| `url` | none |",
		    "url: the default is 'none', not required" },
		{ 0, "| `query` | none | entries holding every word "
		    "(full-text) |\n", "",
		    "README.md [view NAME]: 'query' is missing" },
	};
	char *man = slurp("doc/feedd.conf.5");
	char *md = slurp("README.md");
	char *copy, *bad;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		copy = edit(cases[i].in_man ? man : md, cases[i].from,
		    cases[i].to);
		bad = cases[i].in_man ? check_docs(copy, md) :
		    check_docs(man, copy);
		ck_assert_msg(strstr(bad, cases[i].says) != NULL,
		    "case %zu: expected '%s' in:\n%s", i, cases[i].says, bad);
		free(bad);
		free(copy);
	}
	free(man);
	free(md);
}
END_TEST

/* The table's defaults are what a config without options gets. */
START_TEST(test_defaults_load)
{
	char path[] = "/tmp/feedd-test-confdocs-XXXXXX";
	const struct conf_feed *f;
	struct conf *conf;
	char *err = NULL;
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs("[feedd]\n[feed a]\nurl = http://example.org/\n", fp);
	fclose(fp);
	conf = conf_load(path, &err);
	unlink(path);
	ck_assert_msg(conf != NULL, "%s", err);
	ck_assert_int_eq(conf->interval, 30 * 60);
	ck_assert_int_eq(conf->interval_auto, 0);
	ck_assert_int_eq(conf->min_interval, 5 * 60);
	ck_assert_int_eq(conf->max_interval, 24 * 60 * 60);
	ck_assert_int_eq(conf->max_connections, 16);
	ck_assert_int_eq(conf->per_host_connections, 2);
	ck_assert_int_eq(conf->host_delay, 1);
	ck_assert_uint_eq(conf->max_size, 16u << 20);
	ck_assert_int_eq(conf->keep_days, 90);
	ck_assert_int_eq(conf->keep_entries, 500);
	ck_assert_int_eq(conf->socket_mode, 0660);
	ck_assert_int_eq(conf->http_max_clients, 64);
	ck_assert_int_eq(conf->http_timeout, 30);
	ck_assert_int_eq(conf->log_level, LOG_LEVEL_INFO);
	ck_assert_int_eq(conf->outlet, RENDER_OUTLET_AUTHOR);
	ck_assert_uint_eq(conf->nlisten, 1);
	ck_assert_str_eq(conf->listen[0].text, "127.0.0.1:8080");
	ck_assert_ptr_null(conf->user_agent);
	ck_assert_ptr_null(conf->opml);
	ck_assert_uint_eq(conf->nserver_names, 0);
	/* A [feed] without options leaves every inherited one unset. */
	f = &conf->feeds[0];
	ck_assert_int_eq(f->interval, 0);
	ck_assert_int_eq(f->interval_auto, CONF_INHERIT);
	ck_assert_ptr_null(f->user_agent);
	ck_assert_int_eq(f->keep_days, CONF_INHERIT);
	ck_assert_int_eq(f->keep_entries, CONF_INHERIT);
	ck_assert_int_eq(f->full_content, CONF_INHERIT);
	ck_assert_int_eq(f->full_content_min_words, CONF_INHERIT);
	ck_assert_int_eq(conf_feed_interval(conf, f), 30 * 60);
	ck_assert_int_eq(conf_feed_full_content(conf, f), conf->full_content);
	ck_assert_int_eq(conf_feed_min_words(conf, f),
	    conf->full_content_min_words);
	conf_free(conf);
}
END_TEST

static Suite *
conf_docs_suite(void)
{
	Suite *s = suite_create("conf_docs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_docs_agree);
	tcase_add_test(tc, test_checker_fails);
	tcase_add_test(tc, test_defaults_load);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_docs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
