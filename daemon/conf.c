/*
 * conf.c: reading feedd.conf (see conf.h and feedd.conf(5)).
 *
 * inih does the INI tokenizing; it reports at most one syntax error and
 * hands its handler no line numbers.  So the file is fed to inih through
 * our own line reader, which counts lines, checks each line's shape and
 * tracks sections itself.  That way every error, syntax or semantic, is
 * reported as FILE:LINE and none stops the scan: a user fixing a config
 * sees all of its problems at once.
 *
 * What an option is lives in one table (conf_table.c): which sections
 * take it, its type, range and default.  This file only finds the row
 * for a name and hands the value to conf_value.c.  Values are validated
 * as they are read; checks that need the whole file (required keys,
 * duplicate sections, intervals against each other) run at the end.
 * Nothing here keeps global state, so a reload can build a second struct
 * conf beside the running one.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "conf.h"
#include "conf_int.h"
#include "errlist.h"
#include "feedname.h"
#include "log.h"
#include "base/util.h"

#define DEFAULT_DATABASE	LOCALSTATEDIR "/lib/feedd/feedd.db"

void
loader_error(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	errlist_at(&ld->errors, ld->path, line, "%s", msg);
	free(msg);
}

void
loader_warn(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_warnx("%s:%d: %s", ld->path, line, msg);
	free(msg);
}

int
conf_feed_interval(const struct conf *conf, const struct conf_feed *feed)
{
	int iv;

	iv = feed->interval > 0 ? feed->interval : conf->interval;
	if (iv > conf->max_interval)
		iv = conf->max_interval;
	return iv < conf->min_interval ? conf->min_interval : iv;
}

int
conf_feed_auto(const struct conf *conf, const struct conf_feed *feed)
{
	return feed->interval_auto == CONF_INHERIT ? conf->interval_auto :
	    feed->interval_auto;
}

int
conf_feed_full_content(const struct conf *conf, const struct conf_feed *feed)
{
	return feed->full_content == CONF_INHERIT ? conf->full_content :
	    feed->full_content;
}

int
conf_feed_min_words(const struct conf *conf, const struct conf_feed *feed)
{
	return feed->full_content_min_words == CONF_INHERIT ?
	    conf->full_content_min_words : feed->full_content_min_words;
}

const char *
conf_feed_user_agent(const struct conf *conf, const struct conf_feed *feed)
{
	return feed->user_agent != NULL ? feed->user_agent : conf->user_agent;
}

const struct conf_feed *
conf_find_feed(const struct conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nfeeds; i++)
		if (strcmp(conf->feeds[i].name, name) == 0)
			return &conf->feeds[i];
	return NULL;
}

const struct conf_view *
conf_find_view(const struct conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nviews; i++)
		if (strcmp(conf->views[i].name, name) == 0)
			return &conf->views[i];
	return NULL;
}

/* name = value in the current section: the table says where it goes. */
static void
set_option(struct loader *ld, const char *name, const char *value)
{
	const struct conf_option *o;
	enum conf_section s;
	void *base;

	if (ld->section == SECTION_MAIN) {
		s = CONF_MAIN;
		base = ld->conf;
	} else if (ld->section == SECTION_FEED) {
		s = CONF_FEED;
		base = ld->feed;
	} else {
		s = CONF_VIEW;
		base = ld->view;
	}
	o = conf_option_find(name);
	if (o == NULL || !(o->sections & CONF_IN(s))) {
		if (s == CONF_MAIN)
			loader_error(ld, ld->lineno, "unknown option '%s' in "
			    "[feedd]", name);
		else
			loader_error(ld, ld->lineno, "unknown option '%s' in "
			    "[%s %s]", name, s == CONF_FEED ? "feed" : "view",
			    s == CONF_FEED ? ld->feed->name : ld->view->name);
		return;
	}
	if (s == CONF_MAIN)
		ld->main_line[o - conf_options] = ld->lineno;
	conf_value_set(ld, o, s, base, value);
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;

	(void)section;	/* tracked by the reader, with line numbers */
	switch (ld->section) {
	case SECTION_NONE:
		loader_error(ld, ld->lineno, "option '%s' outside of any "
		    "section", name);
		break;
	case SECTION_MAIN:
	case SECTION_FEED:
	case SECTION_VIEW:
		set_option(ld, name, value);
		break;
	case SECTION_BAD:
		break;
	}
	return 1;
}

static void
begin_section(struct loader *ld, const char *text, size_t len)
{
	struct conf *conf = ld->conf;
	struct conf_feed *feed;
	char *name;
	size_t i;

	name = xstrndup(text, len);
	ld->feed = NULL;
	ld->view = NULL;
	if (strcmp(name, "feedd") == 0) {
		ld->section = SECTION_MAIN;
	} else if (strncmp(name, "feed ", 5) == 0) {
		const char *fname = name + 5;

		while (*fname == ' ')
			fname++;
		ld->section = SECTION_BAD;
		if (!feedname_valid(fname)) {
			loader_error(ld, ld->lineno, "[feed %s]: a feed name "
			    "is letters, digits, '-', '_' and '.'", fname);
			goto out;
		}
		if ((i = strmap_get(&ld->feed_names, fname)) != 0) {
			loader_error(ld, ld->lineno, "[feed %s] already "
			    "defined at line %d", fname,
			    conf->feeds[i - 1].line);
			goto out;
		}
		conf->feeds = xreallocarray(conf->feeds, conf->nfeeds + 1,
		    sizeof(*conf->feeds));
		feed = &conf->feeds[conf->nfeeds++];
		conf_feed_init(feed, fname, ld->lineno);
		strmap_put(&ld->feed_names, feed->name, conf->nfeeds);
		ld->feed = feed;
		ld->section = SECTION_FEED;
	} else if (strncmp(name, "view ", 5) == 0) {
		const char *vname = name + 5;
		struct conf_view *view;

		while (*vname == ' ')
			vname++;
		ld->section = SECTION_BAD;
		if (!feedname_valid(vname)) {
			loader_error(ld, ld->lineno, "[view %s]: a view name "
			    "is letters, digits, '-', '_' and '.'", vname);
			goto out;
		}
		for (i = 0; i < conf->nviews; i++) {
			if (strcmp(conf->views[i].name, vname) == 0) {
				loader_error(ld, ld->lineno, "[view %s] "
				    "already defined at line %d", vname,
				    conf->views[i].line);
				goto out;
			}
		}
		conf->views = xreallocarray(conf->views, conf->nviews + 1,
		    sizeof(*conf->views));
		view = &conf->views[conf->nviews++];
		memset(view, 0, sizeof(*view));
		view->name = xstrdup(vname);
		view->line = ld->lineno;
		ld->view = view;
		ld->section = SECTION_VIEW;
	} else {
		loader_error(ld, ld->lineno, "unknown section [%s]", name);
		ld->section = SECTION_BAD;
	}
out:
	free(name);
}

/*
 * inih's line reader.  Reads one whole line, counts it, checks its shape,
 * and hands inih either the line or, for a line in error, an empty one so
 * inih neither stops nor reports it a second time.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	ssize_t n;
	size_t skip, len;
	char *p, *end;

	n = getline(&ld->line, &ld->linesize, ld->fp);
	if (n == -1)
		return NULL;
	ld->lineno++;
	p = ld->line;
	if (ld->lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	len = str_trim_span(p, strlen(p), WS_SPACE, &skip);
	p += skip;
	end = p + len;

	if (end - ld->line >= num - 1) {
		loader_error(ld, ld->lineno, "line longer than %d characters",
		    num - 2);
		goto empty;
	}
	if (p == end || *p == ';' || *p == '#') {
		/* blank or comment: pass through */
	} else if (ld->line[0] == ' ' || ld->line[0] == '\t') {
		/* inih would take an indented line as a continuation of the
		 * previous value; we do not allow that. */
		loader_error(ld, ld->lineno, "indented line (continuation "
		    "lines are not supported)");
		goto empty;
	} else if (*p == '[') {
		if (end[-1] != ']') {
			loader_error(ld, ld->lineno, "section header without "
			    "closing ']'");
			ld->section = SECTION_BAD;
			goto empty;
		}
		begin_section(ld, p + 1, (size_t)(end - p - 2));
	} else if (strpbrk(p, "=:") == NULL) {
		loader_error(ld, ld->lineno, "expected 'name = value'");
		goto empty;
	}
	memcpy(str, ld->line, (size_t)(end - ld->line));
	str[end - ld->line] = '\n';
	str[end - ld->line + 1] = '\0';
	return str;
empty:
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

/* The line where [feedd] last set the option name, or 0. */
static int
main_line(const struct loader *ld, const char *name)
{
	return ld->main_line[conf_option_find(name) - conf_options];
}

/* Whether the feed has a value for o (a string option). */
static int
feed_has(const struct conf_feed *f, const struct conf_option *o)
{
	const char *const *field;

	field = (const void *)((const char *)f + o->off[CONF_FEED]);
	return *field != NULL;
}

/* The checks of the [feed] sections as a whole. */
static void
finish_feeds(struct loader *ld)
{
	struct conf *conf = ld->conf;
	const struct conf_option *o;
	struct strmap urls = { 0 };
	const char *u;
	size_t i, j;

	for (i = 0; i < conf->nfeeds; i++) {
		for (j = 0; j < conf_noptions; j++) {
			o = &conf_options[j];
			if (o->required && !feed_has(&conf->feeds[i], o))
				loader_error(ld, conf->feeds[i].line, "[feed "
				    "%s]: missing %s", conf->feeds[i].name,
				    o->name);
		}
	}
	/* Two sections with one URL store the same entries twice (and an
	 * OPML round trip merges them): say so, keep both. */
	for (i = 0; i < conf->nfeeds; i++) {
		if ((u = conf->feeds[i].url) == NULL)
			continue;
		if ((j = strmap_get(&urls, u)) != 0)
			loader_warn(ld, conf->feeds[i].line, "[feed %s]: same "
			    "url as [feed %s]", conf->feeds[i].name,
			    conf->feeds[j - 1].name);
		else
			strmap_put(&urls, u, i + 1);
	}
	strmap_reset(&urls);
}

static void
finish(struct loader *ld)
{
	struct conf *conf = ld->conf;
	const char *statedir, *slash;
	char *resolved;
	int line;
	size_t i, j;

	finish_feeds(ld);
	line = main_line(ld, "interval");
	if (line > 0 && conf->interval > 0 &&
	    conf->interval < conf->min_interval)
		loader_error(ld, line, "interval is shorter than "
		    "min_interval");
	/* A test config may lower min_interval below the default maximum's
	 * floor; only an explicit max_interval below it is an error. */
	line = main_line(ld, "max_interval");
	if (line > 0 && conf->max_interval < conf->min_interval)
		loader_error(ld, line, "max_interval is shorter than "
		    "min_interval");
	/* A relative OPML path is relative to the config file, so the
	 * pair can be moved together. */
	if (conf->opml != NULL && conf->opml[0] != '/' &&
	    (slash = strrchr(conf->path, '/')) != NULL) {
		resolved = xasprintf("%.*s/%s", (int)(slash - conf->path),
		    conf->path, conf->opml);
		free(conf->opml);
		conf->opml = resolved;
	}
	/* Its feeds come after the [feed] sections, which therefore win
	 * when both name the same URL (opml.h). */
	if (conf->opml != NULL)
		(void)conf_read_opml(conf, &ld->errors);
	for (i = 0; i < conf->nviews; i++) {
		struct conf_view *v = &conf->views[i];

		for (j = 0; j < v->nfeeds; j++)
			if (conf_find_feed(conf, v->feeds[j]) == NULL)
				loader_error(ld, v->line, "[view %s]: no "
				    "feed named '%s'", v->name, v->feeds[j]);
	}
	conf_value_defaults(ld, 1);
	if (conf->database == NULL) {
		statedir = getenv("STATE_DIRECTORY");
		if (statedir != NULL && *statedir != '\0')
			conf->database = xasprintf("%s/feedd.db", statedir);
		else
			conf->database = xstrdup(DEFAULT_DATABASE);
	}
}

void
conf_feed_init(struct conf_feed *feed, const char *name, int line)
{
	const struct conf_option *o;
	size_t i;

	memset(feed, 0, sizeof(*feed));
	feed->name = xstrdup(name);
	feed->line = line;
	/* Unset is NULL for a string (memset did it), 0 for an interval
	 * (its auto flag says whether it is set) and CONF_INHERIT for the
	 * other int fields. */
	for (i = 0; i < conf_noptions; i++) {
		o = &conf_options[i];
		if (!o->inherit || !(o->sections & CONF_IN(CONF_FEED)) ||
		    o->type == CONF_T_STRING)
			continue;
		*(int *)(void *)((char *)feed + (o->type == CONF_T_INTERVAL ?
		    o->off2[CONF_FEED] : o->off[CONF_FEED])) = CONF_INHERIT;
	}
}

void
conf_feed_reset(struct conf_feed *feed)
{
	free(feed->name);
	free(feed->url);
	free(feed->title);
	free(feed->user_agent);
	conf_list_free(feed->tags, feed->ntags);
	memset(feed, 0, sizeof(*feed));
}

struct conf *
conf_load(const char *path, char **errstr)
{
	struct loader ld;
	struct conf *conf;
	int rc;

	memset(&ld, 0, sizeof(ld));
	ld.fp = fopen(path, "r");
	if (ld.fp == NULL) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	conf = xcalloc(1, sizeof(*conf));
	conf->path = xstrdup(path);
	ld.conf = conf;
	ld.path = path;
	errlist_init(&ld.errors);
	ld.main_line = xcalloc(conf_noptions, sizeof(*ld.main_line));
	conf_value_defaults(&ld, 0);

	rc = ini_parse_stream(reader, &ld, handler, &ld);
	if (rc < 0 || ferror(ld.fp))
		loader_error(&ld, ld.lineno, "read error");
	else if (rc > 0 && ld.errors.n == 0)
		loader_error(&ld, rc, "syntax error");
	fclose(ld.fp);
	free(ld.line);
	strmap_reset(&ld.feed_names);
	finish(&ld);
	free(ld.main_line);

	if (ld.errors.n > 0) {
		*errstr = errlist_steal(&ld.errors);
		conf_free(conf);
		return NULL;
	}
	errlist_reset(&ld.errors);
	return conf;
}

void
conf_free(struct conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nlisten; i++)
		conf_listen_reset(&conf->listen[i]);
	free(conf->listen);
	conf_list_free(conf->server_names, conf->nserver_names);
	for (i = 0; i < conf->nfeeds; i++)
		conf_feed_reset(&conf->feeds[i]);
	free(conf->feeds);
	for (i = 0; i < conf->nviews; i++) {
		free(conf->views[i].name);
		free(conf->views[i].title);
		free(conf->views[i].query);
		conf_list_free(conf->views[i].tags, conf->views[i].ntags);
		conf_list_free(conf->views[i].feeds, conf->views[i].nfeeds);
	}
	free(conf->views);
	free(conf->opml);
	free(conf->path);
	free(conf->database);
	free(conf->user_agent);
	free(conf);
}

