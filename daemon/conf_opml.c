/*
 * conf_opml.c: where feedd.conf meets OPML: the `opml = PATH` file's
 * feeds appended to a config, a config's subscriptions written as OPML,
 * and an OPML file's feeds written as [feed] sections.
 *
 * opml.c knows OPML and nothing of the config; this file converts
 * between its struct opml_feed and struct conf_feed, so the dependency
 * runs one way, from the config to OPML.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "opml.h"
#include "base/util.h"
#include "storage/store.h"

int
conf_read_opml(struct conf *conf, struct errlist *errors)
{
	struct opml_list list;
	struct opml_feed *of;
	struct conf_feed *f;
	size_t i;
	int rc;

	memset(&list, 0, sizeof(list));
	/* The [feed] sections come first and win: their names are taken
	 * and their URLs skipped in the file (opml.h). */
	for (i = 0; i < conf->nfeeds; i++)
		opml_list_reserve(&list, conf->feeds[i].name,
		    conf->feeds[i].url);
	rc = opml_read_file(conf->opml, &list, errors);
	conf->feeds = xreallocarray(conf->feeds, conf->nfeeds + list.nfeeds,
	    sizeof(*conf->feeds));
	for (i = 0; i < list.nfeeds; i++) {
		of = &list.feeds[i];
		f = &conf->feeds[conf->nfeeds++];
		conf_feed_init(f, of->name, 0);
		/* The strings move over (conf_feed_init copied the name);
		 * opml_list_reset frees what stays. */
		f->url = of->url;
		f->title = of->title;
		f->tags = of->tags;
		f->ntags = of->ntags;
		of->url = of->title = NULL;
		of->tags = NULL;
		of->ntags = 0;
	}
	opml_list_reset(&list);
	return rc;
}

/* Whether s is an http(s) URL, fit for htmlUrl. */
static int
web_url(const char *s)
{
	return s != NULL && (strncmp(s, "http://", 7) == 0 ||
	    strncmp(s, "https://", 8) == 0);
}

void
conf_write_opml(const struct conf *conf, const struct store_feed_row *rows,
    size_t nrows, struct buf *out)
{
	struct opml_feed *feeds;
	struct strmap byname;
	size_t i, r;

	memset(&byname, 0, sizeof(byname));
	for (i = 0; i < nrows; i++)
		strmap_put(&byname, rows[i].name, i + 1);
	/* Borrowed strings: the list only lives for the write. */
	feeds = xcalloc(conf->nfeeds, sizeof(*feeds));
	for (i = 0; i < conf->nfeeds; i++) {
		feeds[i].name = conf->feeds[i].name;
		feeds[i].url = conf->feeds[i].url;
		feeds[i].title = conf->feeds[i].title;
		feeds[i].tags = conf->feeds[i].tags;
		feeds[i].ntags = conf->feeds[i].ntags;
		if ((r = strmap_get(&byname, feeds[i].name)) == 0)
			continue;
		/* The row's title is the configured one, else the feed's. */
		if (feeds[i].title == NULL)
			feeds[i].title = rows[r - 1].title;
		if (web_url(rows[r - 1].link))
			feeds[i].html_url = rows[r - 1].link;
	}
	opml_write(feeds, conf->nfeeds, out);
	free(feeds);
	strmap_reset(&byname);
}

/*
 * A value on one line of feedd.conf.  inih takes it up to an inline
 * comment, which is a ';' after whitespace, and trims it; so whitespace
 * before a ';' is dropped ("A ; B" becomes "A; B") and line breaks
 * become spaces.  Nothing else needs care.
 */
static void
put_value(struct buf *out, const char *key, const char *value)
{
	const char *p;

	buf_printf(out, "%s = ", key);
	for (p = value; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) &&
		    p[strspn(p, " \t\r\n\v\f")] == ';')
			continue;
		buf_addch(out, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	buf_addch(out, '\n');
}

void
conf_write_sections(const struct opml_feed *feeds, size_t nfeeds,
    struct buf *out)
{
	const struct opml_feed *f;
	struct buf tags;
	size_t i, j;

	/* One feed's tags, from an OPML file read under its cap. */
	buf_init(&tags, BUF_UNCAPPED);
	for (i = 0; i < nfeeds; i++) {
		f = &feeds[i];
		buf_printf(out, "%s[feed %s]\n", i > 0 ? "\n" : "", f->name);
		put_value(out, "url", f->url);
		if (f->title != NULL)
			put_value(out, "title", f->title);
		if (f->ntags > 0) {
			buf_clear(&tags);
			for (j = 0; j < f->ntags; j++)
				buf_printf(&tags, "%s%s", j > 0 ? ", " : "",
				    f->tags[j]);
			put_value(out, "tags", tags.data);
		}
	}
	buf_reset(&tags);
}
