/* STUB main, replaced shortly. */
#include <stdio.h>
#include <string.h>
#include "cmd_parse.h"
int
main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "parse") == 0)
		return cmd_parse(argc - 1, argv + 1);
	return 2;
}
