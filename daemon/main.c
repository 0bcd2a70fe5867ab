/*
 * main.c: the command line and the wiring of the daemon's modules.
 *
 * Nothing here does work of its own: it reads the config, opens the store,
 * creates the fetcher, the HTTP server and the scheduler on one libev loop,
 * runs the loop until SIGINT or SIGTERM, and tears everything down in the
 * reverse order.  The daemon never forks: systemd and terminals both want
 * it in the foreground.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ev.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "cmd_parse.h"
#include "conf.h"
#include "fetch.h"
#include "log.h"
#include "sched.h"
#include "serve.h"
#include "parsers/feed.h"
#include "parsers/util.h"
#include "storage/store.h"

#define DEFAULT_CONF	SYSCONFDIR "/feedd.conf"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: feedd [-d] [-c FILE]\n"
	    "       feedd check-config [-c FILE]\n"
	    "       feedd parse [--url URL] [--charset CHARSET] FILE|-\n"
	    "       feedd --version | --help\n");
	exit(2);
}

static void
help(void)
{
	printf("feedd %s: a feed aggregator daemon\n\n"
	    "  feedd [-d] [-c FILE]         run the daemon in the foreground\n"
	    "  feedd check-config [-c FILE] check the configuration and exit\n"
	    "  feedd parse [--url URL] [--charset CHARSET] FILE|-\n"
	    "                               parse one feed document, print JSON\n"
	    "  feedd --version              print the version\n\n"
	    "  -c FILE   configuration file (default %s)\n"
	    "  -d        log debug messages\n\n"
	    "See feedd(8) and feedd.conf(5).\n", PACKAGE_VERSION, DEFAULT_CONF);
}

/*
 * Creates the directory that will hold path, if missing (one level: a
 * typo'd path should fail, not grow a tree).
 */
static void
make_parent_dir(const char *path)
{
	char *dir, *slash;

	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST)
			log_warn("mkdir %s", dir);
	}
	free(dir);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("received signal %d, shutting down", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static int
run_daemon(const char *conf_path, int debug)
{
	struct ev_loop *loop;
	struct conf *conf;
	struct store *store = NULL;
	struct fetcher *fetcher = NULL;
	struct server *server = NULL;
	struct sched *sched = NULL;
	struct fetch_opts fopts;
	ev_signal sigint_w, sigterm_w;
	char *errstr = NULL;
	int status = 1;

	log_init(debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	conf = conf_load(conf_path, &errstr);
	if (conf == NULL) {
		fprintf(stderr, "%s\n", errstr);
		free(errstr);
		return 1;
	}
	if (!debug)
		log_set_level(conf->log_level);

	signal(SIGPIPE, SIG_IGN);
	feed_init();
	loop = ev_default_loop(EVFLAG_AUTO);
	if (loop == NULL)
		fatalx("cannot initialise libev");

	make_parent_dir(conf->database);
	store = store_open(conf->database, &errstr);
	if (store == NULL) {
		log_warnx("database %s: %s", conf->database, errstr);
		goto out;
	}
	memset(&fopts, 0, sizeof(fopts));
	fopts.user_agent = conf->user_agent;
	fopts.max_connections = conf->max_connections;
	fopts.max_size = FEED_MAX_SIZE;
	fetcher = fetch_new(loop, &fopts, &errstr);
	if (fetcher == NULL) {
		log_warnx("fetcher: %s", errstr);
		goto out;
	}
	server = serve_new(loop, conf, store, &errstr);
	if (server == NULL) {
		log_warnx("%s", errstr);
		goto out;
	}
	sched = sched_new(loop, conf, store, fetcher, &errstr);
	if (sched == NULL) {
		log_warnx("%s", errstr);
		goto out;
	}

	ev_signal_init(&sigint_w, signal_cb, SIGINT);
	ev_signal_start(loop, &sigint_w);
	ev_signal_init(&sigterm_w, signal_cb, SIGTERM);
	ev_signal_start(loop, &sigterm_w);

	log_info("feedd %s started: %zu feeds, database %s",
	    PACKAGE_VERSION, conf->nfeeds, conf->database);
#ifdef HAVE_SYSTEMD
	sd_notifyf(0, "READY=1\nSTATUS=%zu feeds", conf->nfeeds);
#endif
	ev_run(loop, 0);
#ifdef HAVE_SYSTEMD
	sd_notify(0, "STOPPING=1");
#endif
	ev_signal_stop(loop, &sigint_w);
	ev_signal_stop(loop, &sigterm_w);
	status = 0;
out:
	free(errstr);
	/* Reverse order; the fetcher before the scheduler, because aborting
	 * transfers calls back into the feeds the scheduler owns. */
	serve_free(server);
	fetch_free(fetcher);
	sched_free(sched);
	store_close(store);
	ev_loop_destroy(loop);
	feed_cleanup();
	if (status == 0)
		log_info("stopped");
	conf_free(conf);
	return status;
}

static int
check_config(const char *conf_path)
{
	struct conf *conf;
	char *errstr = NULL;

	conf = conf_load(conf_path, &errstr);
	if (conf == NULL) {
		fprintf(stderr, "%s\n", errstr);
		free(errstr);
		return 1;
	}
	printf("configuration OK\n");
	conf_free(conf);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf_path = DEFAULT_CONF;
	int ch, debug = 0, checking = 0;

	if (argc > 1 && strcmp(argv[1], "parse") == 0)
		return cmd_parse(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "check-config") == 0) {
		checking = 1;
		argc--;
		argv++;
	}
	while ((ch = getopt_long(argc, argv, "c:d", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("feedd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (checking)
		return check_config(conf_path);
	return run_daemon(conf_path, debug);
}
