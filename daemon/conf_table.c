/*
 * conf_table.c: every option of feedd.conf, as data.
 *
 * A row says where the option may appear, what its value is written as,
 * its range, its default and, for [feed], whether it inherits the
 * [feedd] value or is required; conf_value.c parses by the type and
 * stores at the row's offsets, conf.c looks rows up by name.  A new
 * option is one row here, a field in struct conf, and its paragraph in
 * feedd.conf(5) and the README, which test_conf_docs holds to the table.
 *
 * The rows are in the order the documentation lists them; an option of
 * several sections sits where each section's list has it.
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "conf_int.h"
#include "base/util.h"
#include "storage/store.h"

#define MAIN(f)		.off[CONF_MAIN] = offsetof(struct conf, f)
#define MAIN2(f)	.off2[CONF_MAIN] = offsetof(struct conf, f)
#define FEED(f)		.off[CONF_FEED] = offsetof(struct conf_feed, f)
#define FEED2(f)	.off2[CONF_FEED] = offsetof(struct conf_feed, f)
#define VIEW(f)		.off[CONF_VIEW] = offsetof(struct conf_view, f)
#define VIEW2(f)	.off2[CONF_VIEW] = offsetof(struct conf_view, f)

#define IN_MAIN		CONF_IN(CONF_MAIN)
#define IN_FEED		CONF_IN(CONF_FEED)
#define IN_VIEW		CONF_IN(CONF_VIEW)

/* The choice fields are stored as int. */
_Static_assert(sizeof(enum log_level) == sizeof(int), "log_level is int");
_Static_assert(sizeof(enum render_outlet) == sizeof(int), "outlet is int");
_Static_assert(sizeof(enum store_articles) == sizeof(int),
    "store_articles is int");

static const struct conf_choice log_levels[] = {
	{ "error", LOG_LEVEL_ERROR },
	{ "warning", LOG_LEVEL_WARNING },
	{ "info", LOG_LEVEL_INFO },
	{ "debug", LOG_LEVEL_DEBUG },
	{ NULL, 0 }
};

/* The values of enum store_articles. */
static const struct conf_choice full_contents[] = {
	{ "no", STORE_ARTICLES_NO },
	{ "auto", STORE_ARTICLES_AUTO },
	{ "yes", STORE_ARTICLES_YES },
	{ NULL, 0 }
};

static const struct conf_choice outlets[] = {
	{ "author", RENDER_OUTLET_AUTHOR },
	{ "title", RENDER_OUTLET_TITLE },
	{ "none", RENDER_OUTLET_NONE },
	{ NULL, 0 }
};

const struct conf_option conf_options[] = {
	/* Computed: $STATE_DIRECTORY or the build's localstatedir. */
	{ .name = "database", .sections = IN_MAIN, .type = CONF_T_PATH,
	    MAIN(database) },
	{ .name = "listen", .sections = IN_MAIN, .type = CONF_T_LISTEN,
	    .def = "127.0.0.1:8080", MAIN(listen), MAIN2(nlisten) },
	{ .name = "socket_mode", .sections = IN_MAIN, .type = CONF_T_MODE,
	    .min = 0, .max = 0777, .def = "0660", MAIN(socket_mode) },
	{ .name = "http_max_clients", .sections = IN_MAIN,
	    .type = CONF_T_NUMBER, .min = 1, .max = 10000, .def = "64",
	    MAIN(http_max_clients) },
	{ .name = "http_timeout", .sections = IN_MAIN,
	    .type = CONF_T_DURATION, .min = 1, .max = INT_MAX,
	    .hint = "(use e.g. 30s)", .def = "30s", MAIN(http_timeout) },
	{ .name = "server_name", .sections = IN_MAIN, .type = CONF_T_HOSTS,
	    MAIN(server_names), MAIN2(nserver_names) },
	{ .name = "url", .sections = IN_FEED, .type = CONF_T_URL,
	    .required = 1, FEED(url) },
	{ .name = "title", .sections = IN_FEED | IN_VIEW,
	    .type = CONF_T_TEXT, FEED(title), VIEW(title) },
	{ .name = "tags", .sections = IN_FEED | IN_VIEW, .type = CONF_T_LIST,
	    FEED(tags), FEED2(ntags), VIEW(tags), VIEW2(ntags) },
	{ .name = "feeds", .sections = IN_VIEW, .type = CONF_T_LIST,
	    VIEW(feeds), VIEW2(nfeeds) },
	{ .name = "query", .sections = IN_VIEW, .type = CONF_T_TEXT,
	    VIEW(query) },
	{ .name = "interval", .sections = IN_MAIN | IN_FEED,
	    .type = CONF_T_INTERVAL, .min = 1, .max = INT_MAX,
	    .hint = "(use e.g. 90s, 30m, 2h, 1d, or auto)", .def = "30m",
	    .inherit = 1, MAIN(interval), MAIN2(interval_auto),
	    FEED(interval), FEED2(interval_auto) },
	{ .name = "min_interval", .sections = IN_MAIN,
	    .type = CONF_T_DURATION, .min = 1, .max = INT_MAX,
	    .hint = "(use e.g. 1s, 5m)", .def = "5m", MAIN(min_interval) },
	{ .name = "max_interval", .sections = IN_MAIN,
	    .type = CONF_T_DURATION, .min = 1, .max = INT_MAX,
	    .hint = "(use e.g. 6h, 1d)", .def = "1d", MAIN(max_interval) },
	/* NULL: feedd's own, which names the version. */
	{ .name = "user_agent", .sections = IN_MAIN | IN_FEED,
	    .type = CONF_T_STRING, .inherit = 1, MAIN(user_agent),
	    FEED(user_agent) },
	{ .name = "max_connections", .sections = IN_MAIN,
	    .type = CONF_T_NUMBER, .min = 1, .max = 1024, .def = "16",
	    MAIN(max_connections) },
	{ .name = "per_host_connections", .sections = IN_MAIN,
	    .type = CONF_T_NUMBER, .min = 1, .max = 64, .def = "2",
	    MAIN(per_host_connections) },
	{ .name = "host_delay", .sections = IN_MAIN,
	    .type = CONF_T_DURATION, .min = 0, .max = INT_MAX,
	    .hint = "(use e.g. 0, 1s, 2s)", .def = "1s", MAIN(host_delay) },
	{ .name = "max_size", .sections = IN_MAIN, .type = CONF_T_SIZE,
	    .min = 1024, .hint = "of at least 1k such as 512k, 16M",
	    .def = "16M", MAIN(max_size) },
	{ .name = "keep_days", .sections = IN_MAIN | IN_FEED,
	    .type = CONF_T_DAYS, .max = 100000, .def = "90", .inherit = 1,
	    MAIN(keep_days), FEED(keep_days) },
	{ .name = "keep_entries", .sections = IN_MAIN | IN_FEED,
	    .type = CONF_T_NUMBER, .min = 0, .max = 10000000,
	    .hint = "(0 = no limit)", .def = "500", .inherit = 1,
	    MAIN(keep_entries), FEED(keep_entries) },
	{ .name = "full_content", .sections = IN_MAIN | IN_FEED,
	    .type = CONF_T_CHOICE, .choices = full_contents, .def = "no",
	    .inherit = 1, MAIN(full_content), FEED(full_content) },
	{ .name = "full_content_min_words", .sections = IN_MAIN | IN_FEED,
	    .type = CONF_T_NUMBER, .min = 1, .max = 100000, .def = "150",
	    .inherit = 1, MAIN(full_content_min_words),
	    FEED(full_content_min_words) },
	{ .name = "opml", .sections = IN_MAIN, .type = CONF_T_PATH,
	    MAIN(opml) },
	{ .name = "log_level", .sections = IN_MAIN, .type = CONF_T_CHOICE,
	    .choices = log_levels, .def = "info", MAIN(log_level) },
	{ .name = "outlet", .sections = IN_MAIN, .type = CONF_T_CHOICE,
	    .choices = outlets, .def = "author", MAIN(outlet) },
};

const size_t conf_noptions = NELEM(conf_options);

const struct conf_option *
conf_option_find(const char *name)
{
	size_t i;

	/* Two dozen rows: a scan costs less than keeping them sorted
	 * apart from the documentation's order. */
	for (i = 0; i < conf_noptions; i++)
		if (strcmp(conf_options[i].name, name) == 0)
			return &conf_options[i];
	return NULL;
}
