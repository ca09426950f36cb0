// SPDX-License-Identifier: MIT
#include "cm.h"
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "output.h"
#include "heatmap.h"
#include "histogram.h"

static char path[] = "/tmp/ringping-test-output-XXXXXX";
static char buf[8192], why[256];

static struct ringping_probe alive, unreach, lost;

static int setup(void **s)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	close(fd);
	memset(&alive, 0, sizeof(alive));
	ringping_addr_parse("198.19.0.1", &alive.target);
	alive.from = alive.target;
	alive.status = RINGPING_ALIVE;
	alive.rtt_ns = 1234567;
	alive.ttl = 64;
	alive.seq = 5;
	unreach = alive;
	ringping_addr_parse("198.18.100.1", &unreach.target);
	ringping_addr_parse("198.18.0.2", &unreach.from);
	unreach.status = RINGPING_UNREACHABLE;
	unreach.icmp_type = 3;
	unreach.icmp_code = 1;
	lost = alive;
	lost.status = RINGPING_NO_REPLY;
	lost.rtt_ns = -1;
	return 0;
}

static int teardown(void **s)
{
	unlink(path);
	strcpy(path, "/tmp/ringping-test-output-XXXXXX");
	return 0;
}

/* What the output wrote to path. */
static const char *read_back(void)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static const char *run_output(struct output_cfg cfg)
{
	struct output o;
	struct ringping_summary sum = { .targets = 3, .sent = 3, .replied = 1, .unaccounted = 0,
				   .meta = { .mode = "socket", .send_path = "raw", .seed = 7,
					     .tx_stamps = "looped", .rx_clock = "monotonic",
					     .key_id = 0xabc, .start_s = 1e9, .end_s = 1e9 + 1.5 } };

	cfg.path = path;
	assert_int_equal(output_open(&o, &cfg, why, sizeof(why)), 0);
	o.diag = fopen("/dev/null", "w");
	output_result(&o, &alive);
	output_result(&o, &unreach);
	output_result(&o, &lost);
	output_summary(&o, &sum);
	fclose(o.diag);
	assert_int_equal(output_close(&o), 0);
	return read_back();
}

static void test_csv(void **s)
{
	const char *out = run_output((struct output_cfg){ .format = OUT_CSV });

	assert_string_equal(out, "host,status,rtt_ms,ttl,icmp_type,icmp_code,from,seq\n"
				 "198.19.0.1,alive,1.235,64,0,0,198.19.0.1,5\n"
				 "198.18.100.1,unreachable,1.235,64,3,1,198.18.0.2,5\n"
				 "198.19.0.1,no-reply,,,,,,5\n");
}

static void test_ndjson(void **s)
{
	const char *out = run_output((struct output_cfg){ .format = OUT_NDJSON });
	const char *l2 = strchr(out, '\n') + 1, *l3 = strchr(l2, '\n') + 1, *l4 = strchr(l3, '\n') + 1;

	assert_memory_equal(out, "{\"type\":\"result\",\"host\":\"198.19.0.1\",\"status\":\"alive\","
				 "\"rtt_ms\":1.235,\"ttl\":64,\"icmp_type\":0,\"icmp_code\":0,"
				 "\"from\":\"198.19.0.1\",\"seq\":5}\n", l2 - out);
	assert_non_null(strstr(l2, "\"status\":\"unreachable\""));
	assert_non_null(strstr(l2, "\"from\":\"198.18.0.2\""));
	assert_non_null(strstr(l3, "\"rtt_ms\":null,\"ttl\":null"));
	assert_non_null(strstr(l4, "{\"type\":\"summary\",\"mode\":\"socket\",\"version\":\""));
	assert_non_null(strstr(l4, "\"send_path\":\"raw\",\"tx_stamps\":\"looped\","
				   "\"rx_clock\":\"monotonic\",\"rate\":0,\"count\":0,\"loop\":false,"
				   "\"period_ms\":0,\"seed\":7,\"key_id\":\"00000abc\","
				   "\"start\":\"2001-09-09T01:46:40.000000Z\","
				   "\"end\":\"2001-09-09T01:46:41.500000Z\",\"targets\":3,"));
	assert_non_null(strstr(l4, "\"unaccounted\":0,"));
	assert_non_null(strstr(l4, "\"incomplete\":false}\n"));
}

/* The summary on stderr: three lines by default, ringping's own losses only when there are any; -s every counter. */
static const char *summary_text(const struct ringping_summary *sum, bool full)
{
	struct output_cfg cfg = { .format = OUT_NDJSON, .path = "/dev/null", .stats = full };
	struct output o;
	FILE *f;

	assert_int_equal(output_open(&o, &cfg, why, sizeof(why)), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	o.diag = f;
	output_summary(&o, sum);
	fclose(f);
	assert_int_equal(output_close(&o), 0);
	return read_back();
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_summary_short_and_full(void **s)
{
	struct ringping_summary one = { .targets = 1, .probes = 1, .sent = 1, .replied = 1,
				       .alive_hosts = 1, .elapsed_s = 0.0002, .send_pps = 3690037,
				       .meta = { .mode = "socket" } };
	struct ringping_summary big = { .targets = 65536, .probes = 65536, .sent = 65536,
				       .replied = 65000, .errors = 36, .no_reply = 480,
				       .dropped_locally = 20, .alive_hosts = 65000, .elapsed_s = 0.28,
				       .send_s = 0.2, .send_pps = 327680, .meta = { .mode = "xdp" } };
	const char *out = summary_text(&one, false);

	assert_string_equal(out, "1 target, 1 alive\n1 probe: 1 replied, 0.00% loss\n0.200 ms\n");
	out = summary_text(&big, false);
	assert_int_equal(lines(out), 3);
	/* Errors are loss, as ping counts them; the 20 ringping dropped are not, and said apart. */
	assert_string_equal(out, "65536 targets, 65000 alive, 536 not\n"
				 "65536 probes: 65000 replied, 0.79% loss, 36 ICMP errors, "
				 "20 dropped by ringping (not the network's loss)\n"
				 "280.000 ms, 327680 probes/s\n");
	out = summary_text(&big, true);
	assert_true(lines(out) > 20);
	assert_non_null(strstr(out, "  dropped_locally 20\n"));
	assert_non_null(strstr(out, "        not_ours 0\n"));
	assert_non_null(strstr(out, "send rate 327680 probes/s"));
}

static const char *host_output(enum out_format fmt)
{
	struct ringping_host hs = { .sent = 10, .received = 9, .duplicates = 1, .errors = 1,
				   .loss_pct = 10, .has_rtt = true, .min_ms = 0.5, .avg_ms = 1,
				   .max_ms = 2, .stddev_ms = 0.25, .jitter_ms = 0.125, .p50_ms = 1,
				   .p90_ms = 1.5, .p95_ms = 1.75, .p99_ms = 2,
				   .err = { { .from = unreach.from, .count = 1, .type = 3, .code = 1 } } };
	struct ringping_host none = { .sent = 10, .loss_pct = 100 };
	struct output_cfg cfg = { .format = fmt, .multi = true, .path = path };
	struct output o;

	assert_int_equal(output_open(&o, &cfg, why, sizeof(why)), 0);
	output_host(&o, &alive.target, 0, &hs);
	output_host(&o, &lost.target, 1, &none);
	output_host(&o, NULL, 0, &hs);
	assert_int_equal(output_close(&o), 0);
	return read_back();
}

/* A target given by name keeps it: text "db1 (addr)", CSV and NDJSON a name field; others none. */
static const char *name_of(void *ctx, __u64 idx)
{
	return idx == 7 ? "db1" : NULL;
}

static const char *named_output(enum out_format fmt)
{
	struct output_cfg cfg = { .format = fmt, .path = path, .names = true };
	struct ringping_probe a = alive, b = lost;
	struct output o;

	a.target_index = 7;
	b.target_index = 3;
	assert_int_equal(output_open(&o, &cfg, why, sizeof(why)), 0);
	o.name = name_of;
	output_result(&o, &a);
	output_result(&o, &b);
	assert_int_equal(output_close(&o), 0);
	return read_back();
}

static void test_names(void **s)
{
	const char *out = named_output(OUT_TEXT);

	assert_string_equal(out, "db1 (198.19.0.1) is alive (1.235 ms, ttl 64)\n"
				 "198.19.0.1 is unreachable (no reply)\n");
	out = named_output(OUT_CSV);
	assert_string_equal(out, "host,name,status,rtt_ms,ttl,icmp_type,icmp_code,from,seq\n"
				 "198.19.0.1,db1,alive,1.235,64,0,0,198.19.0.1,5\n"
				 "198.19.0.1,,no-reply,,,,,,5\n");
	out = named_output(OUT_NDJSON);
	assert_non_null(strstr(out, "{\"type\":\"result\",\"host\":\"198.19.0.1\",\"name\":\"db1\","
				    "\"status\":\"alive\""));
	assert_non_null(strstr(out, "{\"type\":\"result\",\"host\":\"198.19.0.1\",\"status\":\"no-reply\""));
}

/* --histogram: rows from the fastest to the slowest reply, bars scaled to the largest row. */
static void test_histogram(void **s)
{
	__u32 counts[200] = { 0 };
	char *buf = NULL, *l;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rows = 0;

	counts[100] = 30; /* fine rows: 3 buckets apart, under HIST_ROWS */
	counts[103] = 10;
	histogram_print(f, "all hosts", counts, 200);
	fflush(f);
	assert_non_null(strstr(buf, "RTT histogram, all hosts (40 replies):\n"));
	for (l = strchr(buf, '\n'); l && l[1]; l = strchr(l + 1, '\n'))
		rows++;
	assert_int_equal(rows, 4);
	assert_non_null(strstr(buf, "|########################################|       30  75.0%\n"));
	assert_non_null(strstr(buf, "|##############                          |       10  25.0%\n"));
	assert_non_null(strstr(buf, "|                                        |        0   0.0%\n"));
	fclose(f);
	free(buf);
	/* A wide span: whole octaves (8 buckets a row), at most HIST_ROWS rows. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	counts[10] = 1;
	counts[190] = 1;
	histogram_print(f, "x", counts, 200);
	fflush(f);
	rows = 0;
	for (l = strchr(buf, '\n'); l && l[1]; l = strchr(l + 1, '\n'))
		rows++;
	assert_true(rows <= HIST_ROWS);
	assert_non_null(strstr(buf, "(42 replies)"));
	fclose(f);
	free(buf);
	/* No replies: nothing. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	memset(counts, 0, sizeof(counts));
	histogram_print(f, "x", counts, 200);
	fflush(f);
	assert_int_equal(len, 0);
	fclose(f);
	free(buf);
}

/* The heatmap's curve: every cell of a square once, each step to a neighbour (exhaustive up to 64x64). */
static void test_hilbert(void **s)
{
	static unsigned char seen[64 * 64];
	__u32 side, x, y, px = 0, py = 0;
	__u64 d;

	for (side = 1; side <= 64; side *= 2) {
		memset(seen, 0, sizeof(seen));
		for (d = 0; d < (__u64)side * side; d++) {
			heatmap_hilbert(side, d, &x, &y);
			assert_true(x < side && y < side);
			assert_false(seen[y * side + x]);
			seen[y * side + x] = 1;
			if (d)
				assert_int_equal((x > px ? x - px : px - x) + (y > py ? y - py : py - y), 1);
			px = x;
			py = y;
		}
	}
	/* An aligned quarter of the curve is a quarter of the square: a /24 of a /16 is 16x16. */
	for (d = 0; d < 256; d++) {
		heatmap_hilbert(256, 4096 * 5 + d, &x, &y);
		if (!d)
			px = x / 16, py = y / 16;
		assert_int_equal(x / 16, px);
		assert_int_equal(y / 16, py);
	}
}

/* Host records: one field table, three formats; no RTT is empty in CSV and null in JSON. */
static void test_host_records(void **s)
{
	const char *out = host_output(OUT_CSV);

	assert_string_equal(out,
		"host,sent,received,duplicates,late,reordered,errors,loss_pct,min_ms,avg_ms,max_ms,"
		"stddev_ms,jitter_ms,p50_ms,p90_ms,p95_ms,p99_ms,icmp_errors\n"
		"198.19.0.1,10,9,1,0,0,1,10.00,0.500,1.000,2.000,0.250,0.125,1.000,1.500,1.750,"
		"2.000,3/1/198.18.0.2=1\n"
		"198.19.0.1,10,0,0,0,0,0,100.00,,,,,,,,,,\n"); /* the pool has no CSV row */
	out = host_output(OUT_NDJSON);
	assert_non_null(strstr(out, "{\"type\":\"host\",\"host\":\"198.19.0.1\",\"sent\":10,"
				    "\"received\":9,\"duplicates\":1,\"late\":0,\"reordered\":0,"
				    "\"errors\":1,\"loss_pct\":10.00,\"min_ms\":0.500,"));
	assert_non_null(strstr(out, "\"p99_ms\":2.000,\"icmp_errors\":[{\"type\":3,\"code\":1,"
				    "\"from\":\"198.18.0.2\",\"count\":1}]}\n"));
	assert_non_null(strstr(out, "\"loss_pct\":100.00,\"min_ms\":null,"));
	assert_non_null(strstr(out, "{\"type\":\"aggregate\",\"sent\":10,"));
	out = host_output(OUT_TEXT);
	assert_non_null(strstr(out, "198.19.0.1 : xmt/rcv/%loss = 10/9/10.00%, min/avg/max = "
				    "0.500/1.000/2.000 ms, stddev 0.250, p50/p90/p95/p99 = "
				    "1.000/1.500/1.750/2.000 ms, jitter 0.125 ms, dup 1, late 0, "
				    "reordered 0, 1 ICMP errors (type 3 code 1 from 198.18.0.2: 1)\n"));
	assert_non_null(strstr(out, "198.19.0.1 : xmt/rcv/%loss = 10/0/100.00%\n"));
	assert_non_null(strstr(out, "(all hosts) : xmt/rcv/%loss = 10/9/10.00%"));
	assert_non_null(strstr(out, "reordered 0, 1 ICMP errors\n")); /* the pool has no last error */
}

static void test_text_and_filters(void **s)
{
	const char *out = run_output((struct output_cfg){ .format = OUT_TEXT });

	assert_string_equal(out, "198.19.0.1 is alive (1.235 ms, ttl 64)\n"
				 "198.18.100.1 is unreachable (ICMP type 3 code 1 from 198.18.0.2)\n"
				 "198.19.0.1 is unreachable (no reply)\n");
	out = run_output((struct output_cfg){ .format = OUT_TEXT, .alive_only = true });
	assert_string_equal(out, "198.19.0.1 is alive (1.235 ms, ttl 64)\n");
	out = run_output((struct output_cfg){ .format = OUT_CSV, .unreach_only = true });
	assert_null(strstr(out, ",alive,"));
	assert_non_null(strstr(out, ",no-reply,"));
	out = run_output((struct output_cfg){ .format = OUT_CSV, .quiet = true });
	assert_string_equal(out, "");
}

static void test_format_for_path(void **s)
{
	enum out_format f;

	assert_int_equal(output_format_for("a.csv"), OUT_CSV);
	assert_int_equal(output_format_for("a.csv.gz"), OUT_CSV); /* the format is the name's before .gz */
	assert_int_equal(output_format_for("a.ndjson.gz"), OUT_NDJSON);
	assert_int_equal(output_format_for("a.gz"), OUT_TEXT);
	assert_int_equal(output_format_for("a.json"), OUT_NDJSON);
	assert_int_equal(output_format_for("a.ndjson"), OUT_NDJSON);
	assert_int_equal(output_format_for("a.txt"), OUT_TEXT);
	assert_int_equal(output_format_for(NULL), OUT_TEXT);
	assert_int_equal(output_parse_format("xml", &f), -22);
}

static void test_unwritable_output(void **s)
{
	struct output_cfg cfg = { .format = OUT_CSV, .path = "/nonexistent/dir/out.csv" };
	struct output o;

	assert_true(output_open(&o, &cfg, why, sizeof(why)) < 0);
}

static void test_full_disk_reported(void **s)
{
	struct output_cfg cfg = { .format = OUT_CSV, .path = "/dev/full" };
	struct output o;
	int i;

	assert_int_equal(output_open(&o, &cfg, why, sizeof(why)), 0);
	for (i = 0; i < 10000; i++)
		output_result(&o, &alive);
	assert_true(output_close(&o) < 0);
}

/* A link planted where the results go: refused, and its target never written. */
static void test_symlink_refused(void **s)
{
	char dir[] = "/tmp/ringping-test-link-XXXXXX", link[64], victim[64];
	struct output_cfg cfg = { .format = OUT_CSV };
	struct output o;
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/out.csv", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	assert_int_equal(symlink(victim, link), 0);
	cfg.path = link;
	assert_int_equal(output_open(&o, &cfg, why, sizeof(why)), -ELOOP);
	assert_non_null(strstr(why, "symbolic link"));
	assert_non_null(strstr(why, link));
	assert_int_equal(lstat(victim, &st), -1); /* never created through the link */
	unlink(link);
	rmdir(dir);
}

/* Writes that fail (here the file size limit, as a full disk would) leave no file behind. */
static void test_failed_write_leaves_nothing(void **s)
{
	char dir[] = "/tmp/ringping-test-full-XXXXXX", out[64];
	struct output_cfg cfg = { .format = OUT_CSV };
	struct rlimit old, lim = { 4096, 4096 };
	struct output o;
	struct stat st;
	DIR *d;
	int i, n = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out.csv", dir);
	cfg.path = out;
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(output_open(&o, &cfg, why, sizeof(why)), 0);
	setrlimit(RLIMIT_FSIZE, &lim);
	for (i = 0; i < 1000; i++)
		output_result(&o, &alive);
	assert_true(output_close(&o) < 0);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(lstat(out, &st), -1);
	d = opendir(dir); /* nor a temporary file */
	while (readdir(d))
		n++;
	closedir(d);
	assert_int_equal(n, 2); /* . and .. */
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ndjson, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_and_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_hilbert),
		cmocka_unit_test_setup_teardown(test_summary_short_and_full, setup, teardown),
		cmocka_unit_test(test_format_for_path),
		cmocka_unit_test(test_unwritable_output),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_failed_write_leaves_nothing),
		cmocka_unit_test_setup_teardown(test_full_disk_reported, setup, teardown),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
