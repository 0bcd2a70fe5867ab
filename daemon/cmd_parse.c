/* STUB: replaced by the parser work. */
#include <stdio.h>
#include "cmd_parse.h"
int
cmd_parse(int argc, char *argv[])
{
	fputs("feedd parse: not implemented\n", stderr);
	return 1;
}
