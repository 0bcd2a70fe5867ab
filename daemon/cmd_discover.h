/*
 * cmd_discover.h: `feedd discover URL|FILE`: the feeds a web page links
 * (<link rel="alternate" type="application/rss+xml" ...>), one a line,
 * so that one can pick the feed of a site one knows by its address.
 */
#ifndef FEEDD_CMD_DISCOVER_H
#define FEEDD_CMD_DISCOVER_H

/* argv[0] is "discover".  Returns the process exit status (0, 1 or 2). */
int	cmd_discover(int argc, char *argv[]);

#endif
