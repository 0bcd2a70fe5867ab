/*
 * seed.c: registers the benchmark's feeds in a fresh feedd database
 * through the store API, each already due (next_due in the past).
 *
 * Why: feedd spreads feeds it has never seen over its first minute
 * (issue 4.2), which is politeness, not throughput.  The scale benchmark
 * times a cycle in which every feed is due at once, as after a restart
 * with all feeds overdue, so it registers them beforehand the way
 * sched.c does (store_feed_ensure with the config's name and URL).
 *
 * usage: seed DB < "NAME URL" lines
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store.h"

int
main(int argc, char *argv[])
{
	struct store *s;
	struct store_feed_state st;
	char line[4096], *name, *url, *errstr = NULL;
	int64_t id;
	long n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: seed DB < list\n");
		return 2;
	}
	s = store_open(argv[1], &errstr);
	if (s == NULL) {
		fprintf(stderr, "seed: %s: %s\n", argv[1], errstr);
		free(errstr);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		name = strtok(line, " \t\n");
		url = strtok(NULL, " \t\n");
		if (name == NULL || url == NULL)
			continue;
		id = store_feed_ensure(s, name, url, NULL);
		if (id == -1 || store_feed_state_get(s, id, &st) == -1) {
			fprintf(stderr, "seed: %s: %s\n", name,
			    store_errmsg(s));
			store_close(s);
			return 1;
		}
		st.next_due = 1;	/* long overdue */
		if (store_feed_state_put(s, id, &st) == -1) {
			fprintf(stderr, "seed: %s: %s\n", name,
			    store_errmsg(s));
			store_feed_state_reset(&st);
			store_close(s);
			return 1;
		}
		store_feed_state_reset(&st);
		n++;
	}
	store_close(s);
	fprintf(stderr, "seed: %ld feeds due\n", n);
	return 0;
}
