/*
 * cmd.h: feedd's subcommands, one cmd_*.c file each group, run by main.c
 * from its command table.
 *
 * main.c parses every command's options by its row of the table (-c,
 * -s, --failing, --wait, --timeout for the config and control commands;
 * --url, --charset, --list for the document commands parse, extract and
 * discover) and hands them over in a struct cmd_opts.  Each returns the
 * process exit status.
 */
#ifndef FEEDD_CMD_H
#define FEEDD_CMD_H

/* What main.c parsed for a command; the strings point into argv. */
struct cmd_opts {
	const char	*conf_path;	/* -c, or the default */
	const char	*sock;		/* -s, or NULL */
	int		 debug;		/* -d */
	int		 failing;	/* --failing */
	int		 wait;		/* --wait */
	int		 timeout;	/* --timeout, seconds */
	const char	*url;		/* --url: the document's address */
	const char	*charset;	/* --charset: its declared charset */
	const char	*list;		/* --list: a file naming the inputs */
	int		 argc;		/* operands, as many as the */
	char		**argv;		/* table allows */
};

/* cmd_conf.c: `feedd check-config`: the config's errors on stderr, or
 * "configuration OK".  0 or 1. */
int	cmd_check_config(const struct cmd_opts *o);
/* `feedd import-opml FILE|-`: an OPML file's feeds as [feed] sections
 * for feedd.conf on stdout.  0 or 1. */
int	cmd_import_opml(const struct cmd_opts *o);
/* `feedd export-opml`: the config's subscriptions as OPML 2.0.  0 or 1. */
int	cmd_export_opml(const struct cmd_opts *o);

/* cmd_control.c: `feedd status [--failing | NAME]` and `feedd refresh
 * [--wait] [NAME]` against the running daemon's Unix socket.  0 or 1. */
int	cmd_status(const struct cmd_opts *o);
int	cmd_refresh(const struct cmd_opts *o);

/* cmd_parse.c: `feedd parse [--url URL] [--charset CS] FILE|-`: parse one
 * document and print the contract JSON on stdout, entries streamed as
 * they are parsed.  0, 1 or 2. */
int	cmd_parse(const struct cmd_opts *o);

/* cmd_extract.c: `feedd extract [--url URL] [--charset CS] FILE|-`: find
 * the article in one HTML page and print it as JSON on stdout.  0 (also
 * when the page holds no article), 1 when the input is not an HTML page
 * or cannot be read, 2 on a usage error. */
int	cmd_extract(const struct cmd_opts *o);

/* cmd_discover.c: `feedd discover URL|FILE|-`: the feeds a web page links
 * (<link rel="alternate" type="application/rss+xml" ...>), one a line,
 * so that one can pick the feed of a site one knows by its address.
 * 0, 1 or 2. */
int	cmd_discover(const struct cmd_opts *o);

#endif
