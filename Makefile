# SPDX-License-Identifier: MIT
# ringping: BPF object -> skeleton -> userspace binary, plus tests and the lab demo.
# V=1 shows the commands.

OUTPUT ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := x86
LIBBPF_MIN := 1.1.0

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# clang -target bpf does not search the host's arch include dirs; add the
# ones gcc uses so <asm/types.h> and friends resolve (libbpf-bootstrap's trick).
CLANG_BPF_SYS_INCLUDES := $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

LIBBPF_CFLAGS := $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf)
CFLAGS ?= -O2 -g
override CFLAGS += -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -std=gnu11 -Iinclude -I$(OUTPUT) \
	  $(LIBBPF_CFLAGS) -MMD -MP
LDLIBS += $(LIBBPF_LIBS) -lelf -lz -lpthread -lm
# The command line alone draws PNGs (--heatmap); the library does not link libpng.
CLI_LIBS := $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng16)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux/$(ARCH) -Iinclude -Ibpf \
	      -Wall -MMD -MP $(CLANG_BPF_SYS_INCLUDES)

# The engine (src/engine) sees only its own headers; the CLI (src/cli) its own and,
# for now, the engine's.
ENGINE_OBJS := $(patsubst src/engine/%.c,$(OUTPUT)/%.o,$(wildcard src/engine/*.c))
CLI_OBJS := $(patsubst src/cli/%.c,$(OUTPUT)/%.o,$(wildcard src/cli/*.c))
PIC_OBJS := $(patsubst src/engine/%.c,$(OUTPUT)/pic/%.o,$(wildcard src/engine/*.c))
OBJS := $(ENGINE_OBJS) $(CLI_OBJS) $(PIC_OBJS)
# Only what include/ringping.h marks RINGPING_API leaves the library.
ENGINE_INC := -Isrc/engine -fvisibility=hidden
CLI_INC := -Isrc/cli
SKEL := $(OUTPUT)/ringping.skel.h
UNIT_TESTS := targets permute pacer probe inflight stats output cli tx hoststats checks rxclock schedule rx dgram trace ping_fmt
UNIT_BINS := $(patsubst %,$(OUTPUT)/test_%,$(UNIT_TESTS))

.DELETE_ON_ERROR:
.PHONY: all deps demo test unit bpftest itest apitest check-asan fuzz bench tools vmlinux vmtest clean check-libbpf lib install install-caps

# The library: a static archive and a shared object with a soname.
LIB_VERSION := $(shell sed -n 's/^\#define RINGPING_VERSION "\(.*\)"/\1/p' include/ringping.h)
LIB_SONAME := libringping.so.$(firstword $(subst ., ,$(LIB_VERSION)))
LIB_A := $(OUTPUT)/libringping.a
LIB_SO := $(OUTPUT)/libringping.so.$(LIB_VERSION)

all: check-libbpf $(OUTPUT)/ringping lib tools

lib: $(LIB_A) $(LIB_SO) $(OUTPUT)/ringping.8 $(OUTPUT)/ringping.bash

check-libbpf:
	@pkg-config --atleast-version=$(LIBBPF_MIN) libbpf || \
		{ echo "ringping needs libbpf >= $(LIBBPF_MIN) (run 'make deps')" >&2; exit 1; }

$(OUTPUT):
	$(Q)mkdir -p $@

$(OUTPUT)/ringping.bpf.o: bpf/ringping.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/ringping.linked.o: $(OUTPUT)/ringping.bpf.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(SKEL): $(OUTPUT)/ringping.linked.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ringping_bpf > $@

# Everything userspace may include the skeleton through loader.h's users.
$(OBJS): $(SKEL)

$(ENGINE_OBJS): $(OUTPUT)/%.o: src/engine/%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(ENGINE_INC) -c $< -o $@

$(PIC_OBJS): $(OUTPUT)/pic/%.o: src/engine/%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(OUTPUT)/pic
	$(Q)$(CC) $(CFLAGS) $(ENGINE_INC) -fPIC -c $< -o $@

$(CLI_OBJS): $(OUTPUT)/%.o: src/cli/%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(CLI_INC) -c $< -o $@

# One relocatable object whose hidden symbols are made local: a program that
# links the archive sees the API and nothing else (no clash with its own tx_open).
$(OUTPUT)/libringping.o: $(ENGINE_OBJS)
	$(call msg,LD,$@)
	$(Q)$(LD) -r $^ -o $@
	$(Q)objcopy --localize-hidden $@

$(LIB_A): $(OUTPUT)/libringping.o
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $<

$(LIB_SO): $(PIC_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--no-undefined $^ -o $@ $(LDFLAGS) $(LDLIBS)
	$(Q)ln -sf $(notdir $@) $(OUTPUT)/$(LIB_SONAME) && ln -sf $(LIB_SONAME) $(OUTPUT)/libringping.so

# The man page's options come from the option table, as --help does.
CLI_PARTS := $(filter-out $(OUTPUT)/main.o,$(CLI_OBJS))
$(OUTPUT)/gen_man: tools/gen_man.c $(CLI_PARTS) $(LIB_A) | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(CLI_INC) $^ -o $@ $(LDFLAGS) $(LDLIBS) $(CLI_LIBS)

$(OUTPUT)/ringping.8: tools/ringping.8.in $(OUTPUT)/gen_man
	$(call msg,GEN,$@)
	$(Q)$(OUTPUT)/gen_man $< >$@

$(OUTPUT)/ringping.bash: tools/ringping.bash.in $(OUTPUT)/gen_man
	$(call msg,GEN,$@)
	$(Q)$(OUTPUT)/gen_man $< >$@

# The command line links the archive: only the API is there to call.
$(OUTPUT)/ringping: $(CLI_OBJS) $(LIB_A)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS) $(CLI_LIBS)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

install: all
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man3
	$(Q)install -m 755 $(OUTPUT)/ringping $(DESTDIR)$(BINDIR)/ringping
	$(Q)install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	$(Q)install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	$(Q)ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	$(Q)ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libringping.so
	$(Q)install -m 644 include/ringping.h $(DESTDIR)$(INCLUDEDIR)/ringping.h
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(LIB_VERSION)|' tools/ringping.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/ringping.pc
	$(Q)install -m 644 $(OUTPUT)/ringping.8 $(DESTDIR)$(MANDIR)/man8/ringping.8
	$(Q)install -m 644 tools/libringping.3 $(DESTDIR)$(MANDIR)/man3/libringping.3
	$(Q)install -d $(DESTDIR)$(BASHCOMPDIR)
	$(Q)install -m 644 $(OUTPUT)/ringping.bash $(DESTDIR)$(BASHCOMPDIR)/ringping

# File capabilities: the exact set the BPF mode needs, so that users who are not
# root can run it (README, Privileges). RINGPING_GROUP: only that group may run it
# (mode 0750), which is how to hand the capabilities to some users, not to all.
# The binary drops them once its run is set up. Run after install (as root).
FILE_CAPS := cap_net_raw,cap_net_admin,cap_bpf,cap_perfmon+ep
install-caps:
	$(Q)test -x $(DESTDIR)$(BINDIR)/ringping || { echo "install-caps: no $(DESTDIR)$(BINDIR)/ringping (make install first)"; exit 1; }
	$(Q)if [ -n "$(RINGPING_GROUP)" ]; then chgrp $(RINGPING_GROUP) $(DESTDIR)$(BINDIR)/ringping && \
		chmod 0750 $(DESTDIR)$(BINDIR)/ringping; fi
	$(Q)setcap $(FILE_CAPS) $(DESTDIR)$(BINDIR)/ringping
	$(Q)getcap $(DESTDIR)$(BINDIR)/ringping

# Benchmark tools: the bare generator (the ceiling) and the lab's XDP responder.
BENCH_BPF := $(OUTPUT)/xdp_echo.bpf.o $(OUTPUT)/xdp_pass.bpf.o
tools: $(OUTPUT)/bare_gen $(OUTPUT)/delay_responder $(OUTPUT)/quote8 $(OUTPUT)/forger $(OUTPUT)/failsys.so $(OUTPUT)/bpf_cost $(BENCH_BPF)

$(OUTPUT)/%.bpf.o: tools/%.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bare_gen: tools/bare_gen.c tools/tool_csum.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ -lpthread

# The receive programs' cost per packet (bench.sh prints it).
$(OUTPUT)/bpf_cost: tools/bpf_cost.c $(SKEL) $(OUTPUT)/probe.o $(OUTPUT)/addr.o | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(ENGINE_INC) $< $(OUTPUT)/probe.o $(OUTPUT)/addr.o -o $@ $(LDFLAGS) $(LDLIBS)

# A test's shim: one system call made to fail (FAILSYS=NAME), through LD_PRELOAD.
$(OUTPUT)/failsys.so: tests/integration/failsys.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -Wall -shared -fPIC $< -o $@ -ldl

# The lab's attacker: forged answers from the target side of the veth.
$(OUTPUT)/forger: tools/forger.c tools/tool_csum.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS)

# The lab's slow host, for tests that check RTTs against a known delay.
$(OUTPUT)/delay_responder: tools/delay_responder.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# The trace lab's router that quotes only 8 bytes of what it cannot forward.
$(OUTPUT)/quote8: tools/quote8.c tools/tool_csum.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# Unit tests: one program per module, linking only what it needs.
TEST_CFLAGS := $(CFLAGS) -Itests/unit $(ENGINE_INC) $(CLI_INC)
$(OUTPUT)/t_%.o: tests/unit/test_%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@

$(OUTPUT)/test_targets: $(OUTPUT)/t_targets.o $(OUTPUT)/targets.o $(OUTPUT)/names.o $(OUTPUT)/addr.o $(OUTPUT)/log.o
$(OUTPUT)/test_permute: $(OUTPUT)/t_permute.o $(OUTPUT)/permute.o
$(OUTPUT)/test_pacer: $(OUTPUT)/t_pacer.o $(OUTPUT)/pacer.o
$(OUTPUT)/test_probe: $(OUTPUT)/t_probe.o $(OUTPUT)/probe.o $(OUTPUT)/addr.o
$(OUTPUT)/test_inflight: $(OUTPUT)/t_inflight.o $(OUTPUT)/inflight.o
$(OUTPUT)/test_stats: $(OUTPUT)/t_stats.o $(OUTPUT)/stats.o $(OUTPUT)/inflight.o
$(OUTPUT)/test_output: $(OUTPUT)/t_output.o $(OUTPUT)/heatmap.o $(OUTPUT)/histogram.o $(OUTPUT)/output.o $(OUTPUT)/gzout.o $(OUTPUT)/output_text.o $(OUTPUT)/output_csv.o $(OUTPUT)/output_ndjson.o $(OUTPUT)/safefile.o $(ENGINE_OBJS)
$(OUTPUT)/test_tx: $(OUTPUT)/t_tx.o $(OUTPUT)/tx.o $(OUTPUT)/probe.o $(OUTPUT)/addr.o $(OUTPUT)/log.o
$(OUTPUT)/test_hoststats: $(OUTPUT)/t_hoststats.o $(OUTPUT)/hoststats.o $(OUTPUT)/addr.o
$(OUTPUT)/test_checks: $(OUTPUT)/t_checks.o $(OUTPUT)/checks.o
$(OUTPUT)/test_ping_fmt: $(OUTPUT)/t_ping_fmt.o $(OUTPUT)/ping_fmt.o
$(OUTPUT)/test_rxclock: $(OUTPUT)/t_rxclock.o $(OUTPUT)/rxclock.o
$(OUTPUT)/test_rx: $(OUTPUT)/t_rx.o $(OUTPUT)/rx.o $(OUTPUT)/loader.o $(OUTPUT)/rxclock.o $(OUTPUT)/probe.o $(OUTPUT)/addr.o $(OUTPUT)/log.o
$(OUTPUT)/test_dgram: $(OUTPUT)/t_dgram.o $(OUTPUT)/dgram.o $(OUTPUT)/rx.o $(OUTPUT)/loader.o $(OUTPUT)/rxclock.o $(OUTPUT)/tx.o $(OUTPUT)/probe.o $(OUTPUT)/addr.o $(OUTPUT)/log.o
$(OUTPUT)/test_schedule: $(OUTPUT)/t_schedule.o $(OUTPUT)/schedule.o $(OUTPUT)/permute.o
$(OUTPUT)/test_trace: $(OUTPUT)/t_trace.o $(OUTPUT)/trace.o $(OUTPUT)/schedule.o $(OUTPUT)/permute.o
$(OUTPUT)/test_cli: $(OUTPUT)/t_cli.o $(OUTPUT)/cli.o $(OUTPUT)/checks.o $(OUTPUT)/output.o $(OUTPUT)/gzout.o $(OUTPUT)/output_text.o $(OUTPUT)/output_csv.o $(OUTPUT)/output_ndjson.o $(OUTPUT)/safefile.o $(ENGINE_OBJS)
$(UNIT_BINS):
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS) $(CLI_LIBS) -lcmocka

# BPF programs on crafted packets (bpf_prog_test_run_opts).
$(OUTPUT)/test_bpf: tests/bpf/test_bpf.c $(SKEL) $(OUTPUT)/probe.o $(OUTPUT)/addr.o | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $< $(OUTPUT)/probe.o $(OUTPUT)/addr.o -o $@ $(LDFLAGS) $(LDLIBS) -lcmocka

# The API's tests link the archive as a program would; a second build runs with
# ASan and LSan over engine objects of their own.
ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_OBJS := $(patsubst src/engine/%.c,$(OUTPUT)/asan/%.o,$(wildcard src/engine/*.c))
API_CFLAGS := $(CFLAGS) -Wno-unused-parameter

$(ASAN_OBJS): $(OUTPUT)/asan/%.o: src/engine/%.c $(SKEL) | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(OUTPUT)/asan
	$(Q)$(CC) $(CFLAGS) $(ENGINE_INC) $(ASAN) -c $< -o $@

$(OUTPUT)/test_api: tests/api/test_api.c $(LIB_A) | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(API_CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS) -lcmocka

$(OUTPUT)/asan/libringping.o: $(ASAN_OBJS)
	$(call msg,LD,$@)
	$(Q)$(LD) -r $^ -o $@
	$(Q)objcopy --localize-hidden $@

$(OUTPUT)/test_api_asan: tests/api/test_api.c $(OUTPUT)/asan/libringping.o | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(API_CFLAGS) $(ASAN) $^ -o $@ $(LDFLAGS) $(LDLIBS) -lcmocka

apitest: all $(OUTPUT)/test_api $(OUTPUT)/test_api_asan
	$(Q)tests/api/run.sh $(OUTPUT)

deps:
	$(Q)tools/deps.sh

# Side by side with the peers; prints figures, never fails on a number.
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/deps.sh --bench
	$(Q)tools/bench.sh $(OUTPUT)

unit: $(UNIT_BINS)
	$(Q)tools/run_tests.sh unit $(UNIT_BINS)

bpftest: $(OUTPUT)/test_bpf
	$(Q)tools/run_tests.sh bpf $(OUTPUT)/test_bpf

itest: all
	$(Q)tests/integration/run.sh $(OUTPUT)/ringping

# The README's test command: installs what is missing, then every suite.
test: deps
	$(Q)$(MAKE) --no-print-directory all unit bpftest itest apitest

# Everything again with ASan and UBSan (CFLAGS and LDFLAGS as users pass them):
# the unit and BPF tests, and the whole lab suite on the CLI, where LSan fails any leak.
check-asan: deps
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(OUTPUT)-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" all unit bpftest
	$(Q)ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/integration/run.sh $(OUTPUT)-asan/ringping

# libFuzzer (clang) on the target-file parser, on userspace's record handling and on
# ping's printing of a reply's IP options,
# FUZZ_SECONDS each; new inputs go to build/, the seeds stay in tests/fuzz/corpus.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc/engine \
	-I$(OUTPUT) $(LIBBPF_CFLAGS)
$(OUTPUT)/fuzz_targets: tests/fuzz/fuzz_targets.c src/engine/targets.c src/engine/names.c src/engine/addr.c \
		src/engine/log.c | $(OUTPUT)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ -o $@ $(LDLIBS)
$(OUTPUT)/fuzz_records: tests/fuzz/fuzz_records.c src/engine/rx.c src/engine/inflight.c \
		src/engine/probe.c src/engine/addr.c src/engine/rxclock.c src/engine/loader.c \
		src/engine/log.c $(SKEL) | $(OUTPUT)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@ $(LDLIBS)
$(OUTPUT)/fuzz_manifest: tests/fuzz/fuzz_manifest.c src/cli/manifest.c src/cli/safefile.c | $(OUTPUT)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Isrc/cli $^ -o $@ -lz
$(OUTPUT)/fuzz_ipopts: tests/fuzz/fuzz_ipopts.c src/cli/ping_fmt.c | $(OUTPUT)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Isrc/cli $^ -o $@
fuzz: $(OUTPUT)/fuzz_targets $(OUTPUT)/fuzz_records $(OUTPUT)/fuzz_ipopts $(OUTPUT)/fuzz_manifest
	$(Q)for f in targets records ipopts manifest; do \
		mkdir -p $(OUTPUT)/fuzz-new/$$f && \
		$(OUTPUT)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 $(OUTPUT)/fuzz-new/$$f tests/fuzz/corpus/$$f \
			2>$(OUTPUT)/fuzz_$$f.log || { tail -n 40 $(OUTPUT)/fuzz_$$f.log; exit 1; }; \
		echo "fuzz $$f: $$(grep -o 'stat::number_of_executed_units: [0-9]*' $(OUTPUT)/fuzz_$$f.log | \
			grep -o '[0-9]*$$') runs in $(FUZZ_SECONDS) s, no failure"; \
	done

# The kernel matrix: Debian's 5.10, 6.1 and 6.12 in qemu, and this machine's kernel.
# KERNELS="6.1 host" narrows it.
KERNELS ?= 5.10 6.1 6.12 host
vmtest: deps
	$(Q)tools/deps.sh --vm
	$(Q)$(MAKE) --no-print-directory all $(OUTPUT)/test_bpf
	$(Q)BUILD=$(abspath $(OUTPUT)) tools/vmtest.sh $(KERNELS)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(OUTPUT)/ringping

vmlinux:
	$(Q)tools/gen_vmlinux_h.sh

clean:
	$(Q)rm -rf $(OUTPUT) $(OUTPUT)-asan

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/pic/*.d $(OUTPUT)/asan/*.d)
