// SPDX-License-Identifier: MIT
/*
 * ringping.8 from its template: @OPTIONS@ becomes the option table,
 * @TRACE_OPTIONS@ the trace's own options, @PING_OPTIONS@ ping's,
 * @VERSION@ the version.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

int main(int argc, char **argv)
{
	char line[1024];
	FILE *in;

	if (argc != 2 || !(in = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: gen_man TEMPLATE\n");
		return 2;
	}
	while (fgets(line, sizeof(line), in)) {
		char *v = strstr(line, "@VERSION@");

		if (!strcmp(line, "@OPTIONS@\n"))
			cli_usage_man(stdout);
		else if (!strcmp(line, "@TRACE_OPTIONS@\n"))
			cli_usage_man_trace(stdout);
		else if (!strcmp(line, "@PING_OPTIONS@\n"))
			cli_usage_man_ping(stdout);
		else if (v)
			printf("%.*s%s%s", (int)(v - line), line, RINGPING_VERSION, v + 9);
		else
			fputs(line, stdout);
	}
	fclose(in);
	return ferror(stdout) ? 1 : 0;
}
