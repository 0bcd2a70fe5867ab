/*
 * cmd_conf.c: the commands that read configuration and subscription
 * files and print, without a daemon: check-config, import-opml and
 * export-opml.
 *
 * Errors go to stderr as the loaders word them, every one of them, one a
 * line; output goes to stdout only once it is complete, so a command that
 * fails prints nothing a script could mistake for a result.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "errlist.h"
#include "log.h"
#include "opml.h"
#include "base/util.h"
#include "storage/store.h"

static struct conf *
load_or_print(const char *conf_path)
{
	struct conf *conf;
	char *errstr = NULL;

	conf = conf_load(conf_path, &errstr);
	if (conf == NULL) {
		fprintf(stderr, "%s\n", errstr);
		free(errstr);
	}
	return conf;
}

int
cmd_check_config(const struct cmd_opts *o)
{
	struct conf *conf;

	if ((conf = load_or_print(o->conf_path)) == NULL)
		return 1;
	printf("configuration OK\n");
	conf_free(conf);
	return 0;
}

static int
write_out(const struct buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
		return -1;
	return fflush(stdout) == EOF ? -1 : 0;
}

int
cmd_export_opml(const struct cmd_opts *o)
{
	struct conf *conf;
	struct store *st = NULL;
	struct store_feed_row *rows = NULL;
	struct buf out;
	size_t nrows = 0;
	char *err = NULL;
	int rc;

	if ((conf = load_or_print(o->conf_path)) == NULL)
		return 1;
	/* The configuration, written back. */
	buf_init(&out, BUF_UNCAPPED);
	/* The feeds' own titles and site links from the database, when
	 * there is one (never created here). */
	if (access(conf->database, R_OK) == 0 &&
	    (st = store_open(conf->database, &err)) != NULL &&
	    store_feeds(st, &rows, &nrows) == -1)
		nrows = 0;
	free(err);
	conf_write_opml(conf, rows, nrows, &out);
	store_feeds_free(rows, nrows);
	store_close(st);
	rc = write_out(&out);
	buf_reset(&out);
	conf_free(conf);
	if (rc == -1) {
		log_warn("stdout");
		return 1;
	}
	return 0;
}

/* Reads path ("-": stdin) into list; 0, or -1 after printing why. */
static int
read_opml(const char *path, struct opml_list *list)
{
	struct errlist errors;
	struct buf in;
	char chunk[8192], *text;
	size_t n;
	int rc;

	errlist_init(&errors);
	if (strcmp(path, "-") == 0) {
		/* A chunk past OPML_MAX_SIZE: once an append is refused,
		 * more than OPML_MAX_SIZE bytes are in, and opml_read_mem
		 * refuses them in its own words. */
		buf_init(&in, OPML_MAX_SIZE + sizeof(chunk));
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (buf_add(&in, chunk, n) == -1)
				break;
		if (ferror(stdin)) {
			log_warn("stdin");
			buf_reset(&in);
			return -1;
		}
		rc = opml_read_mem("<stdin>", in.data != NULL ? in.data : "",
		    in.len, list, &errors);
		buf_reset(&in);
	} else
		rc = opml_read_file(path, list, &errors);
	if (rc == -1) {
		text = errlist_steal(&errors);
		fprintf(stderr, "%s\n", text);
		free(text);
	}
	errlist_reset(&errors);
	return rc;
}

int
cmd_import_opml(const struct cmd_opts *o)
{
	const char *path = o->argv[0];
	struct opml_list list;
	struct buf out;
	int rc;

	memset(&list, 0, sizeof(list));
	if (read_opml(path, &list) == -1) {
		opml_list_reset(&list);
		return 1;
	}
	/* Sections for an OPML file read under its cap. */
	buf_init(&out, BUF_UNCAPPED);
	buf_printf(&out, "# %zu feed%s from %s\n\n", list.nfeeds,
	    list.nfeeds == 1 ? "" : "s", path);
	conf_write_sections(list.feeds, list.nfeeds, &out);
	rc = write_out(&out);
	buf_reset(&out);
	opml_list_reset(&list);
	if (rc == -1) {
		log_warn("stdout");
		return 1;
	}
	return 0;
}
