/*
 * cmd_extract.h: `feedd extract [--url URL] [--charset CS] FILE|-`: find
 * the article in one HTML page and print it as JSON on stdout.
 */
#ifndef FEEDD_CMD_EXTRACT_H
#define FEEDD_CMD_EXTRACT_H

/* argv[0] is "extract".  Returns the process exit status: 0 (also when
 * the page holds no article), 1 when the input is not an HTML page or
 * cannot be read, 2 on a usage error. */
int	cmd_extract(int argc, char *argv[]);

#endif
