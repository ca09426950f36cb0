// SPDX-License-Identifier: MIT
#include "cm.h"
#include <string.h>
#include "cli.h"

static struct rp_opts o;
static char err[512];

/* The parsed options point into argv (the targets): it must outlive the call, as main's does. */
static char *args[64];

static enum cli_result parse(int argc, const char **argv)
{
	memcpy(args, argv, (argc + 1) * sizeof(*argv));
	err[0] = '\0';
	return cli_parse(argc, args, &o, err, sizeof(err));
}

/* argv ends with NULL, as main's does: getopt may read argv[argc] (ASan saw it). */
#define PARSE(...)                                                              \
	({                                                                      \
		const char *av[] = { "ringping", __VA_ARGS__, NULL };           \
		parse(sizeof(av) / sizeof(av[0]) - 1, av);                      \
	})

static void test_defaults(void **s)
{
	assert_int_equal(PARSE("198.19.0.0/16"), CLI_RUN);
	assert_int_equal(o.rate, 10000);
	assert_int_equal(o.size, 56);
	assert_int_equal(o.timeout_ms, 1000);
	assert_int_equal(o.tos, -1);
	assert_int_equal(o.ttl, 0);
	assert_int_equal(o.ntargets, 1);
	assert_string_equal(o.targets[0], "198.19.0.0/16");
	assert_int_equal(o.out.format, OUT_TEXT);
	assert_null(o.xdp_iface);
}

static void test_options(void **s)
{
	assert_int_equal(PARSE("--rate", "0", "--seed", "7", "-H", "1", "-O", "16", "-b", "100",
			       "--xdp", "rp-p0", "--xdp-mode", "generic", "--xdp-pass", "-o",
			       "out.csv", "-f", "-", "--exclude", "198.19.0.0/24", "-q", "1.2.3.4"),
			 CLI_RUN);
	assert_int_equal(o.rate, 0);
	assert_true(o.seed_set);
	assert_int_equal(o.seed, 7);
	assert_int_equal(o.ttl, 1);
	assert_int_equal(o.tos, 16);
	assert_int_equal(o.size, 100);
	assert_string_equal(o.xdp_iface, "rp-p0");
	assert_true(o.xdp_generic);
	assert_true(o.xdp_pass);
	assert_int_equal(o.out.format, OUT_CSV); /* from the extension */
	assert_int_equal(o.nfiles, 1);
	assert_int_equal(o.nexcludes, 1);
	assert_true(o.out.quiet);
	assert_int_equal(PARSE("--format", "ndjson", "-o", "x.csv", "1.2.3.4"), CLI_RUN);
	assert_int_equal(o.out.format, OUT_NDJSON); /* explicit wins */
}

static void bad(enum cli_result r, const char *token)
{
	assert_int_equal(r, CLI_BAD);
	assert_non_null(strstr(err, token));
	assert_null(strchr(err, '\n'));
}

static void test_bad_values_name_the_token(void **s)
{
	bad(PARSE("--rate", "fast", "1.2.3.4"), "'fast'");
	bad(PARSE("--rate", "-5", "1.2.3.4"), "'-5'");
	bad(PARSE("--ttl", "256", "1.2.3.4"), "'256'");
	bad(PARSE("--ttl", "0", "1.2.3.4"), "'0'");
	bad(PARSE("--size", "8", "1.2.3.4"), "'8'");
	bad(PARSE("--seed", "18446744073709551616", "1.2.3.4"), "18446744073709551616");
	bad(PARSE("-t", "99999999999999999999999", "1.2.3.4"), "99999999999999999999999");
	bad(PARSE("--format", "xml", "1.2.3.4"), "'xml'");
	bad(PARSE("--xdp-mode", "offload", "1.2.3.4"), "'offload'");
	bad(PARSE("-S", "nowhere", "1.2.3.4"), "'nowhere'");
	bad(PARSE("--ringbuf-size", "3", "1.2.3.4"), "'3'");
	bad(PARSE("--bogus", "1.2.3.4"), "--bogus");
	bad(PARSE("1.2.3.4", "--rate"), "--rate");
	bad(PARSE("-a", "-u", "1.2.3.4"), "-u");
	bad(PARSE("-c", "3", "-zq", "1.2.3.4"), "'-z'"); /* the bad letter, not the '3' before it */
	bad(PARSE("-I", "", "1.2.3.4"), "--interface");
	bad(PARSE("--xdp=", "1.2.3.4"), "--xdp");
	assert_int_equal(PARSE("-q"), CLI_BAD);
	assert_non_null(strstr(err, "no targets"));
}

/* "ringping ping": ping's letters and units, one destination, ping's words for what it lacks. */
static void test_ping_options(void **s)
{
	assert_int_equal(PARSE("ping", "-c", "3", "-i", "0.2", "-W", "1.5", "-w", "4", "-t", "9", "-Q", "0x10",
			       "-I", "rp-p0", "-s", "100", "-n", "-q", "-D", "-a", "198.19.0.1"),
			 CLI_RUN);
	assert_true(o.ping);
	assert_false(o.trace);
	assert_true(o.count_set);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.ping_interval_ns, 200000000);
	assert_int_equal(o.ping_timeout_ns, 1500000000);
	assert_int_equal(o.ping_deadline_ns, 4000000000ULL);
	assert_int_equal(o.ttl, 9);
	assert_int_equal(o.tos, 16);
	assert_string_equal(o.iface, "rp-p0");
	assert_int_equal(o.size, 100);
	assert_true(o.numeric && o.out.quiet && o.out.timestamps && o.audible);
	assert_int_equal(PARSE("ping", "-I", "2001:db8::1", "2001:db8:1::1"), CLI_RUN);
	assert_string_equal(o.src6, "2001:db8::1");
	assert_null(o.iface);
	assert_false(o.count_set); /* until Ctrl-C */
	assert_int_equal(o.ping_interval_ns, 1000000000);
	assert_int_equal(o.ping_timeout_ns, 10000000000ULL);
	assert_int_equal(PARSE("ping", "-i", "-1", "198.19.0.1"), CLI_BAD);
	assert_string_equal(err, "bad value '-1' for -i: expected seconds 0..3600");
	assert_int_equal(PARSE("ping", "-Q", "256", "198.19.0.1"), CLI_BAD);
	assert_int_equal(PARSE("ping", "-N", "name", "198.19.0.1"), CLI_BAD);
	assert_string_equal(err, "ping's option '-N' is not supported yet");
	assert_int_equal(PARSE("ping", "198.19.0.1", "198.19.0.2"), CLI_BAD);
	assert_string_equal(err, "one destination only, not '198.19.0.2' too");
	assert_int_equal(PARSE("ping"), CLI_BAD);
	assert_string_equal(err, "no destination");
	assert_int_equal(PARSE("ping", "--rate", "5", "198.19.0.1"), CLI_BAD); /* the sweep's, not ping's */
	assert_int_equal(PARSE("ping", "-M", "do", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.pmtu, RINGPING_PMTU_DO);
	assert_int_equal(PARSE("ping", "-M", "dont", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.pmtu, RINGPING_PMTU_DONT);
	assert_int_equal(PARSE("ping", "-M", "sometimes", "198.19.0.1"), CLI_BAD);
	assert_string_equal(err, "bad value 'sometimes' for -M: expected do, want, dont or probe");
	assert_int_equal(PARSE("ping", "-b", "198.18.77.255"), CLI_RUN);
	assert_true(o.broadcast);
	assert_int_equal(PARSE("--broadcast", "198.18.77.255"), CLI_RUN);
	assert_true(o.broadcast);
	assert_int_equal(PARSE("-M", "198.19.0.1"), CLI_RUN); /* a sweep's -M is fping's: DF, no argument */
	assert_int_equal(o.pmtu, RINGPING_PMTU_DO);
	assert_int_equal(o.ntargets, 1);
}

/* ping's schedules and socket options: -l -f -A -O -p -m -r -S -B. */
static void test_ping_schedules(void **s)
{
	assert_int_equal(PARSE("ping", "-l", "5", "-O", "-A", "-p", "ff00a", "-m", "7", "-r", "-S", "20000",
			       "-B", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.ping_preload, 5);
	assert_true(o.ping_outstanding && o.ping_adaptive && o.dontroute && o.ping_strict_source);
	assert_int_equal(o.mark, 7);
	assert_int_equal(o.sndbuf, 20000);
	assert_int_equal(o.pattern_len, 3); /* ff 00 0a: an odd last digit is a byte of its own */
	assert_memory_equal(o.pattern, "\xff\x00\x0a", 3);
	assert_int_equal(o.ping_interval_ns, 1000000000);
	assert_int_equal(PARSE("ping", "-f", "198.19.0.1"), CLI_RUN);
	assert_true(o.ping_flood && o.numeric); /* ping's flood looks no names up */
	assert_int_equal(o.ping_interval_ns, 0); /* no interval: the answers pace it */
	assert_int_equal(PARSE("ping", "-f", "-i", "0.5", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.ping_interval_ns, 500000000);
	assert_int_equal(PARSE("ping", "-p", "0123456789abcdef0123456789abcdefff", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.pattern_len, 16); /* ping reads 16 bytes at most */
	assert_int_equal(PARSE("ping", "-p", "12x4", "198.19.0.1"), CLI_BAD);
	assert_string_equal(err, "patterns must be specified as hex digits: x4");
	bad(PARSE("ping", "-l", "0", "198.19.0.1"), "'0'");
	assert_int_equal(PARSE("ping", "-R", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.ip_options_len, 40);
	assert_memory_equal(o.ip_options, "\x01\x07\x27\x04\x00", 5); /* NOP, RR of 39 bytes, pointer 4 */
	assert_int_equal(PARSE("ping", "-T", "tsonly", "198.19.0.1"), CLI_RUN);
	assert_memory_equal(o.ip_options, "\x44\x28\x05\x00", 4);
	assert_int_equal(PARSE("ping", "-T", "tsandaddr", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.ip_options_len, 36);
	assert_memory_equal(o.ip_options, "\x44\x24\x05\x01", 4);
	assert_int_equal(PARSE("ping", "-T", "tsprespec", "198.19.0.1"), CLI_BAD);
	assert_string_equal(err, "-T tsprespec is not supported yet");
	assert_int_equal(PARSE("ping", "-R", "-T", "tsonly", "198.19.0.1"), CLI_BAD);
	assert_string_equal(err, "only one of -T or -R may be used");
	assert_int_equal(PARSE("ping", "-F", "0x1a2b3", "2001:db8:1::1"), CLI_RUN);
	assert_true(o.flowlabel_set);
	assert_int_equal(o.flowlabel, 0x1a2b3);
	assert_int_equal(PARSE("ping", "-F", "77", "2001:db8:1::1"), CLI_RUN);
	assert_int_equal(o.flowlabel, 77);
	assert_int_equal(PARSE("ping", "-F", "0x100000", "2001:db8:1::1"), CLI_BAD);
	assert_string_equal(err, "flow value is greater than 20 bits: 0x100000");
	assert_int_equal(PARSE("ping", "-F", "0x", "2001:db8:1::1"), CLI_BAD);
	assert_string_equal(err, "bad value for flowinfo: 0x");
	assert_int_equal(PARSE("ping", "-U", "198.19.0.1"), CLI_RUN);
	assert_true(o.ping_user_times);
	assert_int_equal(PARSE("ping", "-L", "198.19.0.1"), CLI_BAD);
	assert_string_equal(err, "ping's option '-L' is not supported yet");
}

/* --probe: echo or timestamp, in sweeps and ping; what a timestamp request cannot be, refused. */
static void test_probe_types(void **s)
{
	assert_int_equal(PARSE("198.19.0.1"), CLI_RUN);
	assert_int_equal(o.probe, RINGPING_PROBE_ECHO);
	assert_int_equal(PARSE("--probe", "timestamp", "198.19.0.0/16"), CLI_RUN);
	assert_int_equal(o.probe, RINGPING_PROBE_TIMESTAMP);
	assert_int_equal(PARSE("ping", "--probe", "timestamp", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.probe, RINGPING_PROBE_TIMESTAMP);
	assert_int_equal(o.size, 12); /* ping's header line: the request's data after its header */
	assert_int_equal(PARSE("--probe", "echo", "198.19.0.1"), CLI_RUN);
	assert_int_equal(o.probe, RINGPING_PROBE_ECHO);
	bad(PARSE("--probe", "mask", "198.19.0.1"), "'mask'");
	bad(PARSE("--probe", "timestamp", "-b", "100", "198.19.0.1"), "'-b'");
	bad(PARSE("ping", "--probe", "timestamp", "-s", "100", "198.19.0.1"), "'-s'");
	bad(PARSE("--probe", "timestamp", "-6", "198.19.0.1"), "'-6'");
	bad(PARSE("--probe", "timestamp", "--mode", "dgram", "198.19.0.1"), "'--mode dgram'");
	bad(PARSE("--probe", "timestamp", "--broadcast", "198.19.0.1"), "'--broadcast'");
	bad(PARSE("trace", "--probe", "timestamp", "198.19.0.1"), "--probe"); /* not a trace's */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_ping_options),
		cmocka_unit_test(test_bad_values_name_the_token),
		cmocka_unit_test(test_probe_types),
		cmocka_unit_test(test_ping_schedules),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
