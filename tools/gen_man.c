// SPDX-License-Identifier: MIT
/*
 * ringping.8 from its template: @OPTIONS@ becomes the option table,
 * @TRACE_OPTIONS@ the trace's own options, @PING_OPTIONS@ ping's,
 * @VERSION@ the version. The bash completion from its own: @WORDS_N@ the
 * option words of command N (0 sweep, 1 trace, 2 ping), @ARGS_N@ those that
 * take an argument.
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
		char *v = strstr(line, "@VERSION@"), *w = strstr(line, "@WORDS_"), *a = strstr(line, "@ARGS_");

		if (w || a) { /* one placeholder a line: NAME="@WORDS_0@" */
			char *p = w ? w : a;

			printf("%.*s", (int)(p - line), line);
			cli_words(stdout, p[w ? 7 : 6] - '0', !w);
			fputs(p + (w ? 9 : 8), stdout);
			continue;
		}
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
