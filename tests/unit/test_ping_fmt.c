// SPDX-License-Identifier: MIT
#include "cm.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ping_fmt.h"

static char *fmt_summary(const struct ping_stats *s, const char *host, bool ipg, long send_us)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	ping_fmt_summary(f, host, s, 1028, ipg, send_us);
	fclose(f);
	return buf;
}

static struct ping_stats stats_of(long transmitted, const long *us, int n, int dups)
{
	struct ping_stats s = { .transmitted = transmitted };

	for (int i = 0; i < n; i++) {
		if (i < n - dups)
			s.received++;
		else
			s.repeats++;
		ping_stats_add(&s, us[i]);
	}
	return s;
}

/* ping's precision steps: 3 decimals under 1 ms, 2 under 10, 1 under 100, none above. */
static void test_rtt_precision(void **st)
{
	static const struct { long us; const char *s; } v[] = {
		{ 0, "0.000" }, { 34, "0.034" }, { 999, "0.999" }, { 1000, "1.00" }, { 1234, "1.23" },
		{ 9994, "9.99" }, { 9995, "10.0" }, { 12345, "12.3" }, { 99949, "99.9" },
		{ 99950, "100" }, { 1234567, "1235" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ping_fmt_rtt(buf, sizeof(buf), v[i].us);
		assert_string_equal(buf, v[i].s);
	}
}

/* Figures iputils printed in the lab for the same RTTs (its mdev's integer arithmetic). */
static void test_summary_as_iputils(void **st)
{
	static const long v4[] = { 34, 53 }, v6[] = { 44, 66 };
	struct ping_stats s = stats_of(2, v4, 2, 0);

	assert_string_equal(fmt_summary(&s, "198.19.0.1", false, 0),
			    "\n--- 198.19.0.1 ping statistics ---\n"
			    "2 packets transmitted, 2 received, 0% packet loss, time 1028ms\n"
			    "rtt min/avg/max/mdev = 0.034/0.043/0.053/0.009 ms\n");
	s = stats_of(2, v6, 2, 0);
	assert_non_null(strstr(fmt_summary(&s, "x", false, 0), "= 0.044/0.055/0.066/0.011 ms\n"));
}

/* Loss with %g, duplicates and errors in ping's order, a blank line where no RTT is. */
static void test_summary_counts(void **st)
{
	static const long us[] = { 10, 20, 30, 40, 50 };
	struct ping_stats s = stats_of(6, us, 5, 1);

	assert_string_equal(fmt_summary(&s, "h", false, 0),
			    "\n--- h ping statistics ---\n"
			    "6 packets transmitted, 4 received, +1 duplicates, 33.3333% packet loss, time 1028ms\n"
			    "rtt min/avg/max/mdev = 0.010/0.030/0.050/0.014 ms\n");
	s = (struct ping_stats){ .transmitted = 2, .errors = 2 };
	assert_string_equal(fmt_summary(&s, "h", false, 0),
			    "\n--- h ping statistics ---\n"
			    "2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1028ms\n\n");
}

/* -i 0: the inter-packet gap and the moving average follow the rtt figures. */
static void test_summary_ipg(void **st)
{
	static const long us[] = { 100, 100 };
	struct ping_stats s = stats_of(2, us, 2, 0);

	assert_non_null(strstr(fmt_summary(&s, "h", true, 81),
			       "rtt min/avg/max/mdev = 0.100/0.100/0.100/0.000 ms, ipg/ewma 0.081/0.100 ms\n"));
}

/* -l: ping's pipe, the most requests out at once, after the rtt figures or alone. */
static void test_summary_pipe(void **st)
{
	static const long us[] = { 100, 100 };
	struct ping_stats s = stats_of(2, us, 2, 0);

	s.pipe = 2;
	assert_non_null(strstr(fmt_summary(&s, "h", true, 81),
			       "rtt min/avg/max/mdev = 0.100/0.100/0.100/0.000 ms, pipe 2, ipg/ewma 0.081/0.100 ms\n"));
	s.pipe = 1; /* one at a time: not said */
	assert_null(strstr(fmt_summary(&s, "h", false, 81), "pipe"));
	s = stats_of(3, NULL, 0, 0);
	s.pipe = 3; /* no reply, no rtt line: the pipe starts it */
	assert_non_null(strstr(fmt_summary(&s, "h", false, 81), "time 1028ms\npipe 3\n"));
}

static void test_error_words(void **st)
{
	char b[96];

	ping_fmt_error(b, sizeof(b), 4, 3, 1, 0);
	assert_string_equal(b, "Destination Host Unreachable");
	ping_fmt_error(b, sizeof(b), 4, 3, 4, 1280);
	assert_string_equal(b, "Frag needed and DF set (mtu = 1280)");
	ping_fmt_error(b, sizeof(b), 4, 3, 99, 0);
	assert_string_equal(b, "Dest Unreachable, Bad Code: 99");
	ping_fmt_error(b, sizeof(b), 4, 11, 0, 0);
	assert_string_equal(b, "Time to live exceeded");
	ping_fmt_error(b, sizeof(b), 6, 1, 3, 0);
	assert_string_equal(b, "Destination unreachable: Address unreachable");
	ping_fmt_error(b, sizeof(b), 6, 2, 0, 1280);
	assert_string_equal(b, "Packet too big: mtu=1280");
	ping_fmt_error(b, sizeof(b), 6, 3, 0, 0);
	assert_string_equal(b, "Time exceeded: Hop limit");
	ping_fmt_error(b, sizeof(b), 6, 4, 1, 40);
	assert_string_equal(b, "Parameter problem: Unknown header at 40");
}

static void test_status_line(void **st)
{
	static const long us[] = { 1000, 3000 };
	struct ping_stats s = stats_of(3, us, 2, 0);
	char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	ping_fmt_status(f, &s);
	fclose(f);
	/* ewma: 8000 at first, then 8000 + 3000 - 1000 = 10000, i.e. 1.250 ms. */
	assert_string_equal(buf, "\r2/3 packets, 33% loss, min/avg/ewma/max = 1.000/2.000/1.250/3.000 ms\n");
}

static const char *addr_text(void *ctx, const unsigned char *a)
{
	static char buf[32];

	(void)ctx;
	snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return buf;
}

static char *fmt_options(const unsigned char *opt, int len, struct ping_rr *rr)
{
	static char buf[1024];
	FILE *f;

	buf[0] = '\0'; /* nothing written leaves the buffer as it was */
	f = fmemopen(buf, sizeof(buf), "w");
	ping_fmt_options(f, opt, len, rr, addr_text, NULL);
	fclose(f);
	return buf;
}

/* -R: the addresses up to the pointer; the same again is "(same route)", a changed one printed. */
static void test_options_record_route(void **st)
{
	unsigned char o[40] = { 1, 7, 39, 12, 198, 18, 0, 1, 198, 19, 0, 1 };
	struct ping_rr rr = { 0 };

	assert_string_equal(fmt_options(o, 40, &rr), "\nNOP\nRR: \t198.18.0.1\n\t198.19.0.1\n");
	assert_string_equal(fmt_options(o, 40, &rr), "\nNOP\t(same route)");
	o[11] = 2; /* ping compares from the pointer on, one byte short of the last address: the same */
	assert_string_equal(fmt_options(o, 40, &rr), "\nNOP\t(same route)");
	o[10] = 20;
	assert_string_equal(fmt_options(o, 40, &rr), "\nNOP\nRR: \t198.18.0.1\n\t198.19.20.2\n");
	o[3] = 4; /* nothing recorded: nothing said */
	assert_string_equal(fmt_options(o, 40, &rr), "\nNOP");
}

/* -T: the first stamp absolute, the rest relative; with addresses; hops it had no room for. */
static void test_options_timestamps(void **st)
{
	unsigned char ts[40] = { 68, 40, 17, 0, 0, 0, 0, 100, 0, 0, 0, 103, 0, 0, 0, 103 };
	unsigned char ta[36] = { 68, 36, 21, 0x21, 198, 18, 0, 1, 0, 0, 0, 50, 198, 18, 0, 2, 0x80, 0, 0, 7 };
	struct ping_rr rr = { 0 };

	assert_string_equal(fmt_options(ts, 40, &rr), "\nTS: \t100 absolute\n\t3\n\t0\n");
	assert_string_equal(fmt_options(ta, 36, &rr),
			    "\nTS: \t198.18.0.1\t50 absolute\n\t198.18.0.2\t7 absolute not-standard\n"
			    "Unrecorded hops: 2\n");
}

/* Options as a hostile reply might bring them: never read past them, an unknown one named. */
static void test_options_hostile(void **st)
{
	unsigned char o[40] = { 7, 39, 255 }; /* a pointer far past the option */
	unsigned char lsrr[8] = { 131, 8, 200, 0, 10, 0, 0, 1 };
	struct ping_rr rr = { 0 };
	char *out;

	out = fmt_options(o, 40, &rr);
	assert_non_null(strstr(out, "\nRR: "));
	assert_int_equal(strlen(out) > 0, 1);
	assert_string_equal(fmt_options((const unsigned char[]){ 99, 4, 0, 0 }, 4, &rr), "\nunknown option 63");
	assert_string_equal(fmt_options((const unsigned char[]){ 7, 60 }, 2, &rr), ""); /* longer than there is */
	assert_string_equal(fmt_options(lsrr, 8, &rr), "\nLSRR: \t0.10.0.0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtt_precision),
		cmocka_unit_test(test_summary_as_iputils),
		cmocka_unit_test(test_summary_counts),
		cmocka_unit_test(test_summary_ipg),
		cmocka_unit_test(test_summary_pipe),
		cmocka_unit_test(test_options_record_route),
		cmocka_unit_test(test_options_timestamps),
		cmocka_unit_test(test_options_hostile),
		cmocka_unit_test(test_error_words),
		cmocka_unit_test(test_status_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
