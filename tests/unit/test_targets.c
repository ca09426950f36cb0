// SPDX-License-Identifier: MIT
#include "cm.h"
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include "targets.h"

static struct targets t;

static int setup(void **s) { targets_init(&t); return 0; }
static int teardown(void **s) { targets_free(&t); return 0; }

static void addr_is(__u64 idx, const char *want)
{
	char buf[ADDR_STRLEN];
	struct ringping_addr a;

	targets_addr(&t, idx, &a);
	assert_string_equal(addr_str(&a, buf, sizeof(buf)), want);
}

static void test_literal_cidr_range(void **s)
{
	assert_int_equal(targets_add(&t, "198.19.0.0/16", false), 0);
	assert_int_equal(targets_add(&t, "198.18.100.1-198.18.100.10", false), 0);
	assert_int_equal(targets_add(&t, "198.18.0.9", false), 0);
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 65536 + 10 + 1);
	assert_int_equal(t.inc.n, 3); /* a /16 stays one range */
	addr_is(0, "198.18.0.9");
	addr_is(1, "198.18.100.1");
	addr_is(10, "198.18.100.10");
	addr_is(11, "198.19.0.0");
	addr_is(t.count - 1, "198.19.255.255");
}

static void test_dedup_and_merge(void **s)
{
	assert_int_equal(targets_add(&t, "198.19.0.0/24", false), 0);
	assert_int_equal(targets_add(&t, "198.19.0.128/25", false), 0);
	assert_int_equal(targets_add(&t, "198.19.0.5", false), 0);
	assert_int_equal(targets_add(&t, "198.19.1.0-198.19.1.9", false), 0); /* adjacent */
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 266);
	assert_int_equal(t.given, 256 + 128 + 1 + 10);
	assert_int_equal(t.inc.n, 1);
}

static void test_exclusions(void **s)
{
	assert_int_equal(targets_add(&t, "198.19.0.0/24", false), 0);
	assert_int_equal(targets_add(&t, "198.19.0.0/30", true), 0);
	assert_int_equal(targets_add(&t, "198.19.0.100-198.19.0.109", true), 0);
	assert_int_equal(targets_add(&t, "198.19.0.255", true), 0);
	assert_int_equal(targets_add(&t, "10.0.0.0/8", true), 0); /* outside: no effect */
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 256 - 4 - 10 - 1);
	addr_is(0, "198.19.0.4");
	addr_is(95, "198.19.0.99");
	addr_is(96, "198.19.0.110");
	addr_is(t.count - 1, "198.19.0.254");
}

static void test_exclude_everything(void **s)
{
	assert_int_equal(targets_add(&t, "198.19.0.0/24", false), 0);
	assert_int_equal(targets_add(&t, "198.19.0.0/16", true), 0);
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 0);
}

static void test_index_roundtrip(void **s)
{
	struct ringping_addr a;
	__u64 i, idx;

	assert_int_equal(targets_add(&t, "198.19.0.0/28", false), 0);
	assert_int_equal(targets_add(&t, "198.18.5.1-198.18.5.3", false), 0);
	assert_int_equal(targets_finalize(&t), 0);
	for (i = 0; i < t.count; i++) {
		targets_addr(&t, i, &a);
		assert_int_equal(targets_index(&t, &a, &idx), 0);
		assert_int_equal(idx, i);
	}
	assert_int_equal(addr_parse("198.18.5.4", &a), 0);
	assert_int_equal(targets_index(&t, &a, &idx), -ENOENT);
}

static void bad(const char *tok, const char *why)
{
	assert_int_equal(targets_add(&t, tok, false), -EINVAL);
	assert_non_null(strstr(t.err, tok));
	assert_non_null(strstr(t.err, why));
}

static void test_bad_tokens(void **s)
{
	bad("198.19.0.0/33", "prefix length");
	bad("198.19.0.1/16", "host bits");
	bad("198.19.0.0/", "prefix length");
	bad("198.19.0.0/1x", "prefix length");
	bad("1.2.3.256", "not an address");
	bad("198.19.0.9-198.19.0.1", "above its end");
	bad("198.19.0.1-", "two addresses");
	bad("foo$bar", "not an address");
	bad("99999999999999999999", "not an address");
	assert_int_equal(targets_add(&t, "", false), -EINVAL);
}

static void test_whole_space_is_one_range(void **s)
{
	assert_int_equal(targets_add(&t, "0.0.0.0/0", false), 0);
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 1ULL << 32);
	assert_int_equal(t.inc.n, 1);
	addr_is((1ULL << 32) - 1, "255.255.255.255");
}

static void test_file_comments_crlf(void **s)
{
	const char *text = "# lab hosts\r\n198.19.0.1\r\n\r\n  198.19.0.2   198.19.0.3 # trailing\n"
			   "198.19.1.0/30\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_int_equal(targets_add_stream(&t, f, "hosts.txt", false), 0);
	fclose(f);
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 7);
}

static void test_file_error_names_line(void **s)
{
	const char *text = "198.19.0.1\n198.19.0.0/40\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_int_equal(targets_add_stream(&t, f, "hosts.txt", false), -EINVAL);
	fclose(f);
	assert_non_null(strstr(t.err, "hosts.txt:2"));
	assert_non_null(strstr(t.err, "198.19.0.0/40"));
}

/* Past any line length: a long comment stays a comment, a long token is refused, a NUL is no text. */
static void test_file_long_lines_and_nul(void **s)
{
	static char text[4096];
	FILE *f;

	memset(text, 0, sizeof(text));
	text[0] = '#';
	memset(text + 1, 'x', 2000); /* a comment of 2,000 bytes: 'xxx...' is no host name to resolve */
	strcpy(text + 2001, " example.invalid\n198.19.0.1\n");
	f = fmemopen(text, strlen(text), "r");
	assert_int_equal(targets_add_stream(&t, f, "long.txt", false), 0);
	fclose(f);
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.unresolved, 0);
	memset(text, 'a', 300); /* a 300-byte token */
	text[300] = '\n';
	text[301] = '\0';
	f = fmemopen(text, strlen(text), "r");
	assert_int_equal(targets_add_stream(&t, f, "long.txt", false), -EINVAL);
	fclose(f);
	assert_non_null(strstr(t.err, "long.txt:1: a token longer than 255 bytes"));
	memcpy(text, "198.19.0.2\n\0" "198.19.0.3\n", 23);
	f = fmemopen(text, 23, "r");
	assert_int_equal(targets_add_stream(&t, f, "bin", false), -EINVAL);
	fclose(f);
	assert_non_null(strstr(t.err, "bin:2: a NUL byte"));
	f = fopen("/dev/zero", "r"); /* ends at once, not never */
	assert_int_equal(targets_add_stream(&t, f, "/dev/zero", false), -EINVAL);
	fclose(f);
}

static void test_missing_file(void **s)
{
	assert_true(targets_add_file(&t, "/nonexistent/ringping-targets", false) < 0);
	assert_non_null(strstr(t.err, "/nonexistent/ringping-targets"));
}

static void test_ipv6_literals_prefixes_ranges(void **s)
{
	assert_int_equal(targets_add(&t, "2001:db8:1::/112", false), 0);
	assert_int_equal(targets_add(&t, "2001:db8:2::1-2001:db8:2::10", false), 0);
	assert_int_equal(targets_add(&t, "2001:db8::5", false), 0);
	assert_int_equal(targets_add(&t, "198.19.0.0/30", false), 0);
	assert_int_equal(targets_add(&t, "::ffff:198.19.0.9", false), 0); /* is 198.19.0.9 */
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 65536 + 16 + 1 + 4 + 1);
	assert_int_equal(t.count4, 5); /* IPv4 sorts first */
	addr_is(0, "198.19.0.0");
	addr_is(4, "198.19.0.9");
	addr_is(5, "2001:db8::5");
	addr_is(6, "2001:db8:1::");
	addr_is(6 + 65535, "2001:db8:1::ffff");
	addr_is(t.count - 1, "2001:db8:2::10");
}

/* More than 2^24 IPv6 addresses need --force; more than 2^48 never. Exclusions are free. */
static void test_ipv6_size_guard(void **s)
{
	char msg[256];

	assert_int_equal(targets_add(&t, "2001:db8::/64", false), -EINVAL);
	assert_non_null(strstr(t.err, "'2001:db8::/64'"));
	assert_non_null(strstr(t.err, "2^64"));
	assert_int_equal(targets_add(&t, "2001:db8::/104", false), 0); /* exactly 2^24 */
	assert_int_equal(targets_add(&t, "2001:db8::/32", true), 0);   /* excluding is fine */
	assert_int_equal(targets_add(&t, "::/0", false), -EINVAL);
	assert_non_null(strstr(t.err, "2^128"));
	targets_free(&t);
	targets_init(&t);
	t.force = true;
	assert_int_equal(targets_add(&t, "2001:db8::/80", false), 0);
	assert_int_equal(targets_add(&t, "2001:db8::/64", false), -EINVAL); /* 2^64 > 2^48 */
	targets_free(&t);
	/* Many small blocks add up: the whole set is guarded too. */
	targets_init(&t);
	assert_int_equal(targets_add(&t, "2001:db8:1::/104", false), 0);
	assert_int_equal(targets_add(&t, "2001:db8:2::/104", false), 0);
	assert_int_equal(targets_finalize(&t), -EINVAL);
	snprintf(msg, sizeof(msg), "%s", t.err);
	assert_non_null(strstr(msg, "33554432"));
}

static void test_ipv6_family_and_zone(void **s)
{
	t.family = 4;
	assert_int_equal(targets_add(&t, "2001:db8::1", false), -EINVAL);
	assert_non_null(strstr(t.err, "with -4"));
	t.family = 6;
	assert_int_equal(targets_add(&t, "198.19.0.1", false), -EINVAL);
	assert_non_null(strstr(t.err, "with -6"));
	t.family = 0;
	assert_int_equal(targets_add(&t, "2001:db8::1-198.19.0.1", false), -EINVAL);
	assert_int_equal(targets_add(&t, "fe80::1%lo", false), 0);
	assert_int_equal(t.scope_id, 1); /* lo */
	assert_int_equal(targets_add(&t, "fe80::2%nosuchif0", false), -EINVAL);
	/* A zone only on link-local IPv6: not on IPv4, not on global IPv6. */
	assert_int_equal(targets_add(&t, "198.19.0.1%lo", false), -EINVAL);
	assert_non_null(strstr(t.err, "link-local IPv6 addresses (fe80::/10, ff02::/16) only"));
	assert_int_equal(targets_add(&t, "2001:db8::1%lo", false), -EINVAL);
	assert_int_equal(targets_add(&t, "ff05::1%lo", false), -EINVAL); /* site-local multicast */
	assert_int_equal(targets_add(&t, "ff02::1%lo", false), 0);	   /* all nodes on the link */
	assert_int_equal(targets_add(&t, "fe80::1-fe80::5%lo", false), 0);
	assert_int_equal(targets_add(&t, "2001:db8::/129", false), -EINVAL);
	assert_non_null(strstr(t.err, "0..128"));
}

/* Names: sorted by address after finalize, the first name given wins an address, copies are deep. */
static void test_names_kept(void **s)
{
	struct target_names n = { 0 }, src = { 0 }, dup;

	assert_int_equal(names_add(&n, 30, "c.lab"), 0);
	assert_int_equal(names_add(&n, 10, "a.lab"), 0);
	assert_int_equal(names_add(&src, 10, "later.lab"), 0);
	assert_int_equal(names_add(&src, 20, "b.lab"), 0);
	assert_int_equal(names_take(&n, &src), 0);
	assert_int_equal(src.n, 0);
	names_finalize(&n);
	assert_int_equal(n.n, 3);
	assert_string_equal(names_find(&n, 10), "a.lab");
	assert_string_equal(names_find(&n, 20), "b.lab");
	assert_string_equal(names_find(&n, 30), "c.lab");
	assert_null(names_find(&n, 11));
	assert_int_equal(names_dup(&dup, &n), 0);
	names_free(&n);
	assert_string_equal(names_find(&dup, 20), "b.lab");
	names_free(&dup);
}

/* A blocklist: blocks reaching beyond it lose its space; blocks inside it and single addresses stay. */
static void test_blocklist_blocks_only(void **s)
{
	struct target_list deny = { 0 };
	struct targets t, parse;

	targets_init(&parse);
	assert_int_equal(targets_deny_add(&parse, &deny, "10.0.0.0/8"), 0);
	assert_int_equal(targets_deny_add(&parse, &deny, "10.0.0.0-10.0.0.9"), 0); /* inside: merged */
	assert_int_equal(deny.n, 1);
	targets_init(&t);
	t.deny = &deny;
	assert_int_equal(targets_add(&t, "8.0.0.0/6", false), 0);   /* 8..11/8: loses 10/8 */
	assert_int_equal(targets_add(&t, "10.1.2.0/24", false), 0); /* inside 10/8: kept */
	assert_int_equal(targets_add(&t, "10.9.9.9", false), 0);    /* a single address: kept */
	assert_int_equal(targets_add(&t, "9.255.255.0-10.0.0.255", false), 0); /* 256 kept, 256 out */
	assert_int_equal(targets_finalize(&t), 0);
	assert_int_equal(t.count, 3 * (1ULL << 24) + 256 + 1);
	assert_true(t.blocked == (1ULL << 24) + 256);
	targets_free(&t);
	targets_free(&parse);
	targets_list_free(&deny);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_literal_cidr_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_and_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclusions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclude_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_space_is_one_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_comments_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_error_names_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_long_lines_and_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_literals_prefixes_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_size_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_family_and_zone, setup, teardown),
		cmocka_unit_test(test_names_kept),
		cmocka_unit_test(test_blocklist_blocks_only),
	};

	return cmocka_run_group_tests_name("targets", tests, NULL, NULL);
}
