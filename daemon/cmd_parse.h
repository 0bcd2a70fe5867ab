/*
 * cmd_parse.h: `feedd parse [--url URL] [--charset CS] FILE|-`: parse one
 * document and print the contract JSON (../shared/conformance/CONTRACT.md)
 * on stdout, entries streamed as they are parsed.
 */
#ifndef FEEDD_CMD_PARSE_H
#define FEEDD_CMD_PARSE_H

/* argv[0] is "parse".  Returns the process exit status (0, 1 or 2). */
int	cmd_parse(int argc, char *argv[]);

#endif
