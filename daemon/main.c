/*
 * main.c: the command line, and nothing else.
 *
 * A table names each subcommand with the options and the number of
 * operands it takes and the function that runs it (cmd.h); the row for
 * no subcommand runs the daemon (daemon.h).  main() finds the row,
 * parses the options the row allows into a struct cmd_opts, and calls
 * the function: adding a command is one file plus one row.  A command
 * whose row has no option letters (parse, extract, discover) parses its
 * own options from the argv it is given.
 *
 * Usage errors print the usage on stderr and exit 2; --help and
 * --version print on stdout and exit 0, whatever the command.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "daemon.h"
#include "log.h"

#define DEFAULT_CONF	PKGSYSCONFDIR "/feedd.conf"
#define REFRESH_WAIT	120	/* seconds `feedd refresh --wait` waits */

static void __attribute__((noreturn))
usage_all(void)
{
	fprintf(stderr,
	    "usage: feedd [-d] [-c FILE]\n"
	    "       feedd check-config [-c FILE]\n"
	    "       feedd status [-c FILE] [-s SOCKET] [--failing | NAME]\n"
	    "       feedd refresh [-c FILE] [-s SOCKET] [--wait] "
	    "[--timeout SECONDS] [NAME]\n"
	    "       feedd import-opml FILE|-\n"
	    "       feedd export-opml [-c FILE]\n"
	    "       feedd parse [--url URL] [--charset CHARSET] FILE|-\n"
	    "       feedd extract [--url URL] [--charset CHARSET] FILE|-\n"
	    "       feedd discover URL|FILE|-\n"
	    "       feedd --version | --help\n");
	exit(2);
}

static void
help(void)
{
	printf("feedd %s: a feed aggregator daemon\n\n"
	    "  feedd [-d] [-c FILE]          run the daemon in the"
	    " foreground\n"
	    "  feedd check-config [-c FILE]  check the configuration and"
	    " exit\n"
	    "  feedd status [-c FILE] [--failing | NAME]\n"
	    "                                one line per feed, failing first"
	    "\n"
	    "                                (or only the failing; or NAME in"
	    " full)\n"
	    "  feedd refresh [-c FILE] [--wait] [NAME]\n"
	    "                                poll NAME (or every feed) now;"
	    " with\n"
	    "                                --wait, print the outcome\n"
	    "  feedd import-opml FILE|-      print an OPML file's feeds as"
	    " [feed]\n"
	    "                                sections for feedd.conf\n"
	    "  feedd export-opml [-c FILE]   print the subscriptions as OPML"
	    " 2.0\n"
	    "  feedd parse [--url URL] [--charset CHARSET] FILE|-\n"
	    "                                parse one feed document, print"
	    " JSON\n"
	    "  feedd extract [--url URL] [--charset CHARSET] FILE|-\n"
	    "                                find the article in one HTML"
	    " page, print\n"
	    "                                it as JSON (title, byline,"
	    " published,\n"
	    "                                lang, image, content, text)\n"
	    "  feedd discover URL|FILE|-     print the feeds a web page"
	    " links\n"
	    "  feedd --version               print the version\n\n"
	    "  -c FILE    configuration file (default %s)\n"
	    "  -d         log debug messages\n"
	    "  -s SOCKET  the daemon's Unix socket (default: the first\n"
	    "             unix: listen line of the configuration)\n\n"
	    "Send SIGHUP to reload the configuration.\n"
	    "See feedd(8) and feedd.conf(5).\n", PACKAGE_VERSION,
	    DEFAULT_CONF);
}

static int
run(const struct cmd_opts *o)
{
	return daemon_run(o->conf_path, o->debug);
}

/* Long options a row may take besides --help and --version. */
#define CMD_FAILING	0x01	/* --failing */
#define CMD_WAIT	0x02	/* --wait, --timeout */
#define CMD_URL		0x04	/* --url */
#define CMD_CHARSET	0x08	/* --charset */
#define CMD_LIST	0x10	/* --list, instead of operands and --url */

#define ANY		INT_MAX	/* operands without a limit */

static const struct cmd_entry {
	const char	*name;		/* NULL: no subcommand, the daemon */
	const char	*opts;		/* getopt letters */
	int		 flags;		/* CMD_* */
	int		 minargs, maxargs;	/* operands */
	int		(*exec)(const struct cmd_opts *);
	const char	*usage;		/* its own usage; NULL: feedd's */
} commands[] = {
	{ "check-config", "c:", 0, 0, 0, cmd_check_config, NULL },
	{ "status", "c:s:", CMD_FAILING, 0, 1, cmd_status, NULL },
	{ "refresh", "c:s:", CMD_WAIT, 0, 1, cmd_refresh, NULL },
	{ "import-opml", "", 0, 1, 1, cmd_import_opml, NULL },
	{ "export-opml", "c:", 0, 0, 0, cmd_export_opml, NULL },
	{ "parse", "", CMD_URL | CMD_CHARSET, 1, ANY, cmd_parse,
	    "usage: feedd parse [--url URL] [--charset CHARSET] FILE|- "
	    "[FILE...]\n" },
	{ "extract", "", CMD_URL | CMD_CHARSET | CMD_LIST, 1, ANY, cmd_extract,
	    "usage: feedd extract [--url URL] [--charset CHARSET] "
	    "FILE|- ...\n"
	    "       feedd extract [--charset CHARSET] --list LIST\n" },
	{ "discover", "", 0, 1, 1, cmd_discover,
	    "usage: feedd discover URL|FILE|-\n" },
	{ NULL, "c:d", 0, 0, 0, run, NULL },
};

/* The row's usage on stderr, exit 2. */
static void __attribute__((noreturn))
usage(const struct cmd_entry *c)
{
	if (c->usage == NULL)
		usage_all();
	fputs(c->usage, stderr);
	exit(2);
}

/* The row for argv[1], or the daemon's. */
static const struct cmd_entry *
find_command(int argc, char *argv[])
{
	size_t i;

	for (i = 0; commands[i].name != NULL; i++)
		if (argc > 1 && strcmp(argv[1], commands[i].name) == 0)
			return &commands[i];
	return &commands[i];
}

/* Parses argv by the row's options into *o (exits on a usage error,
 * --help and --version). */
static void
parse_options(const struct cmd_entry *c, int argc, char *argv[],
    struct cmd_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "failing", no_argument, NULL, 'F' },
		{ "wait", no_argument, NULL, 'W' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "url", required_argument, NULL, 'U' },
		{ "charset", required_argument, NULL, 'C' },
		{ "list", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, c->opts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->conf_path = optarg;
			break;
		case 'd':
			o->debug = 1;
			break;
		case 's':
			o->sock = optarg;
			break;
		case 'F':
			if (!(c->flags & CMD_FAILING))
				usage(c);
			o->failing = 1;
			break;
		case 'W':
			if (!(c->flags & CMD_WAIT))
				usage(c);
			o->wait = 1;
			break;
		case 'T':
			o->timeout = (int)strtol(optarg, &end, 10);
			if (!(c->flags & CMD_WAIT) || *optarg == '\0' ||
			    *end != '\0' || o->timeout < 1 ||
			    o->timeout > 86400)
				usage(c);
			break;
		case 'U':
			if (!(c->flags & CMD_URL))
				usage(c);
			o->url = optarg;
			break;
		case 'C':
			if (!(c->flags & CMD_CHARSET))
				usage(c);
			o->charset = optarg;
			break;
		case 'L':
			if (!(c->flags & CMD_LIST))
				usage(c);
			o->list = optarg;
			break;
		case 'h':
			/* A document command's --help is its usage line. */
			if (c->usage != NULL) {
				fputs(c->usage, stderr);
				exit(0);
			}
			help();
			exit(0);
		case 'V':
			printf("feedd %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage(c);
		}
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	/* --list names the inputs: no operand, no --url beside it. */
	if (o->list != NULL) {
		if (o->argc > 0 || o->url != NULL)
			usage(c);
	} else if (o->argc < c->minargs || o->argc > c->maxargs)
		usage(c);
	/* --failing lists the failing feeds; NAME shows one feed. */
	if (o->failing && o->argc > 0)
		usage(c);
}

int
main(int argc, char *argv[])
{
	const struct cmd_entry *c;
	struct cmd_opts o;

	c = find_command(argc, argv);
	memset(&o, 0, sizeof(o));
	o.conf_path = DEFAULT_CONF;
	o.timeout = REFRESH_WAIT;
	if (c->name != NULL) {
		argc--;
		argv++;
		argv[0] = (char *)c->name;	/* for getopt's messages */
	}
	parse_options(c, argc, argv, &o);
	log_init(o.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	return c->exec(&o);
}
