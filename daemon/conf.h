/*
 * conf.h: the configuration file (INI, read with inih).
 *
 * conf_load parses a whole file into a fresh struct conf and reports every
 * error it finds, each as "FILE:LINE: message", before giving up; a struct
 * conf is therefore either complete and valid or not returned at all.  A
 * running daemon swaps configs whole, never edits one in place.
 *
 * Which options exist, where, with which type, range and default is one
 * table, daemon/conf_table.c; adding an option is a row there, a field
 * below, and its paragraph in feedd.conf(5) and the README (a unit test
 * compares them).
 */
#ifndef FEEDD_CONF_H
#define FEEDD_CONF_H

#include <stddef.h>

#include "log.h"
#include "render.h"

struct buf;
struct opml_feed;

enum conf_listen_kind {
	CONF_LISTEN_TCP,
	CONF_LISTEN_UNIX
};

struct conf_listen {
	enum conf_listen_kind kind;
	char		*text;		/* as written, for messages */
	char		*host;		/* TCP: numeric address, no brackets */
	char		*port;		/* TCP */
	char		*path;		/* UNIX */
};

/* A tri-state for per-feed settings that may inherit the global one. */
#define CONF_INHERIT	(-1)

struct conf_feed {
	char		*name;		/* the section name: unique, stable key */
	char		*url;
	char		*title;		/* overrides the feed's own, or NULL */
	char		**tags;
	size_t		 ntags;
	int		 interval;	/* seconds, or 0 for the global one */
	int		 interval_auto;	/* 1, 0 or CONF_INHERIT */
	char		*user_agent;	/* NULL: the global one */
	int		 keep_days;	/* days (0 = off) or CONF_INHERIT */
	int		 keep_entries;	/* count (0 = off) or CONF_INHERIT */
	int		 full_content;	/* enum store_articles, or
					 * CONF_INHERIT */
	int		 full_content_min_words;	/* or CONF_INHERIT */
	int		 line;		/* where the section starts (0: from
					 * the OPML file) */
};

/* [view NAME]: a named filter of the merged feed,
 * /view/NAME.{rss,atom,json}. */
struct conf_view {
	char		*name;
	char		*title;		/* or NULL */
	char		**tags;		/* any of them; none = no tag filter */
	size_t		 ntags;
	char		**feeds;	/* feed names, any of them */
	size_t		 nfeeds;
	char		*query;		/* full-text query, or NULL */
	int		 line;
};

struct conf {
	char		*path;
	char		*database;
	struct conf_listen *listen;
	size_t		 nlisten;
	int		 socket_mode;	/* Unix sockets, default 0660 */
	int		 http_max_clients; /* concurrent HTTP connections */
	int		 http_timeout;	/* seconds a client may stay idle */
	char		**server_names;	/* Host names served besides
					 * localhost and the listeners'
					 * addresses (lower case) */
	size_t		 nserver_names;
	int		 interval;	/* seconds */
	int		 interval_auto;	/* adapt to the feed's publishing */
	int		 min_interval;	/* seconds */
	int		 max_interval;	/* seconds */
	char		*user_agent;	/* NULL: feedd's own */
	int		 max_connections;
	int		 per_host_connections;
	int		 host_delay;	/* seconds between starts, per host */
	size_t		 max_size;	/* bytes of decoded body */
	int		 keep_days;	/* 0 = off */
	int		 keep_entries;	/* 0 = off */
	int		 full_content;	/* enum store_articles: which entries
					 * get their article fetched */
	int		 full_content_min_words;	/* auto: a teaser is
					 * shorter than this */
	char		*opml;		/* subscriptions file, or NULL; its
					 * feeds are appended to feeds[] */
	enum log_level	 log_level;
	enum render_outlet outlet;	/* where items name their feed */
	struct conf_feed *feeds;
	size_t		 nfeeds;
	struct conf_view *views;
	size_t		 nviews;
};

/*
 * Reads path.  Returns the new config, or NULL with every error, one per
 * line "FILE:LINE: message", in *errstr (caller frees).
 */
struct conf	*conf_load(const char *path, char **errstr);
void		 conf_free(struct conf *conf);

/* A feed's configured polling interval in seconds (its own or the global
 * one, clamped to min_interval..max_interval); with auto, the base that
 * adaptation starts from. */
int		 conf_feed_interval(const struct conf *conf,
		    const struct conf_feed *feed);

/* Whether the feed's interval adapts to how often it publishes. */
int		 conf_feed_auto(const struct conf *conf,
		    const struct conf_feed *feed);
/* The feed's full_content (enum store_articles) and its min words. */
int		 conf_feed_full_content(const struct conf *conf,
		    const struct conf_feed *feed);
int		 conf_feed_min_words(const struct conf *conf,
		    const struct conf_feed *feed);
/* The feed's user agent: its own, the global one, or NULL (feedd's). */
const char	*conf_feed_user_agent(const struct conf *conf,
		    const struct conf_feed *feed);
/* Look-ups by name; NULL if absent. */
const struct conf_feed *conf_find_feed(const struct conf *conf,
		    const char *name);
const struct conf_view *conf_find_view(const struct conf *conf,
		    const char *name);

/* Parses a size such as "512", "64k", "16M", "1G" (binary units) into
 * bytes; returns 0 or -1. */
int		 conf_parse_size(const char *s, size_t *bytes);

/* Parses a duration such as "90", "30s", "5m", "2h", "1d" into seconds;
 * returns 0 or -1. */
int		 conf_parse_duration(const char *s, int *seconds);

/*
 * A [feed NAME] section's defaults: every option the table marks as
 * inherited unset (NULL, interval 0 with its auto flag CONF_INHERIT, or
 * CONF_INHERIT), the rest 0 or NULL; name is copied.  conf_feed_reset
 * frees what the feed holds (conf_free does it for a config's feeds).
 */
void		 conf_feed_init(struct conf_feed *feed, const char *name,
		    int line);
void		 conf_feed_reset(struct conf_feed *feed);

/*
 * Appends the subscriptions of conf to out as an OPML 2.0 document
 * (`feedd export-opml`, GET /feeds.opml).  rows (nrows of them, from
 * store_feeds; NULL for none) give a feed without a configured title the
 * one it gives itself, and its site's link as htmlUrl.
 */
struct store_feed_row;
void		 conf_write_opml(const struct conf *conf,
		    const struct store_feed_row *rows, size_t nrows,
		    struct buf *out);

/* Appends feeds, as read from an OPML file, to out as [feed NAME]
 * sections for feedd.conf (`feedd import-opml`). */
void		 conf_write_sections(const struct opml_feed *feeds,
		    size_t nfeeds, struct buf *out);

#endif
