/*
 * conf.h: the configuration file (INI, read with inih).
 *
 * conf_load parses a whole file into a fresh struct conf and reports every
 * error it finds, each as "FILE:LINE: message", before giving up; a struct
 * conf is therefore either complete and valid or not returned at all.  A
 * running daemon swaps configs whole, never edits one in place.
 */
#ifndef FEEDD_CONF_H
#define FEEDD_CONF_H

#include <stddef.h>

#include "log.h"

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

struct conf_feed {
	char		*name;		/* the section name: unique, stable key */
	char		*url;
	char		*title;		/* overrides the feed's own, or NULL */
	char		**tags;
	size_t		 ntags;
	int		 interval;	/* seconds, or 0 for the global one */
	int		 line;		/* where the section starts */
};

struct conf {
	char		*path;
	char		*database;
	struct conf_listen *listen;
	size_t		 nlisten;
	int		 interval;	/* seconds */
	int		 min_interval;	/* seconds */
	char		*user_agent;	/* NULL: feedd's own */
	int		 max_connections;
	enum log_level	 log_level;
	struct conf_feed *feeds;
	size_t		 nfeeds;
};

/*
 * Reads path.  Returns the new config, or NULL with every error, one per
 * line "FILE:LINE: message", in *errstr (caller frees).
 */
struct conf	*conf_load(const char *path, char **errstr);
void		 conf_free(struct conf *conf);

/* A feed's effective polling interval in seconds (its own or the global
 * one, never below min_interval). */
int		 conf_feed_interval(const struct conf *conf,
		    const struct conf_feed *feed);

/* Parses a duration such as "90", "30s", "5m", "2h", "1d" into seconds;
 * returns 0 or -1. */
int		 conf_parse_duration(const char *s, int *seconds);

#endif
