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
CFLAGS += -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -std=gnu11 -Iinclude -I$(OUTPUT) \
	  $(LIBBPF_CFLAGS) -MMD -MP
LDLIBS += $(LIBBPF_LIBS) -lelf -lz -lpthread -lm
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux/$(ARCH) -Iinclude -Ibpf \
	      -Wall -MMD -MP $(CLANG_BPF_SYS_INCLUDES)

# The engine (src/engine) sees only its own headers; the CLI (src/cli) its own and,
# for now, the engine's.
ENGINE_OBJS := $(patsubst src/engine/%.c,$(OUTPUT)/%.o,$(wildcard src/engine/*.c))
CLI_OBJS := $(patsubst src/cli/%.c,$(OUTPUT)/%.o,$(wildcard src/cli/*.c))
OBJS := $(ENGINE_OBJS) $(CLI_OBJS)
ENGINE_INC := -Isrc/engine
CLI_INC := -Isrc/cli
SKEL := $(OUTPUT)/ringping.skel.h
UNIT_TESTS := targets permute pacer probe inflight stats output cli tx hoststats checks rxclock schedule rx
UNIT_BINS := $(patsubst %,$(OUTPUT)/test_%,$(UNIT_TESTS))

.DELETE_ON_ERROR:
.PHONY: all deps demo test unit bpftest itest bench tools vmlinux vmtest clean check-libbpf

all: check-libbpf $(OUTPUT)/ringping tools

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

$(CLI_OBJS): $(OUTPUT)/%.o: src/cli/%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(CLI_INC) -c $< -o $@

$(OUTPUT)/ringping: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# Benchmark tools: the bare generator (the ceiling) and the lab's XDP responder.
BENCH_BPF := $(OUTPUT)/xdp_echo.bpf.o $(OUTPUT)/xdp_pass.bpf.o
tools: $(OUTPUT)/bare_gen $(OUTPUT)/delay_responder $(OUTPUT)/bpf_cost $(BENCH_BPF)

$(OUTPUT)/%.bpf.o: tools/%.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bare_gen: tools/bare_gen.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ -lpthread

# The receive programs' cost per packet (bench.sh prints it).
$(OUTPUT)/bpf_cost: tools/bpf_cost.c $(SKEL) $(OUTPUT)/probe.o $(OUTPUT)/addr.o | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(ENGINE_INC) $< $(OUTPUT)/probe.o $(OUTPUT)/addr.o -o $@ $(LDLIBS)

# The lab's slow host, for tests that check RTTs against a known delay.
$(OUTPUT)/delay_responder: tools/delay_responder.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# Unit tests: one program per module, linking only what it needs.
TEST_CFLAGS := $(CFLAGS) -Itests/unit $(ENGINE_INC) $(CLI_INC)
$(OUTPUT)/t_%.o: tests/unit/test_%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@

$(OUTPUT)/test_targets: $(OUTPUT)/t_targets.o $(OUTPUT)/targets.o $(OUTPUT)/addr.o $(OUTPUT)/log.o
$(OUTPUT)/test_permute: $(OUTPUT)/t_permute.o $(OUTPUT)/permute.o
$(OUTPUT)/test_pacer: $(OUTPUT)/t_pacer.o $(OUTPUT)/pacer.o
$(OUTPUT)/test_probe: $(OUTPUT)/t_probe.o $(OUTPUT)/probe.o $(OUTPUT)/addr.o
$(OUTPUT)/test_inflight: $(OUTPUT)/t_inflight.o $(OUTPUT)/inflight.o
$(OUTPUT)/test_stats: $(OUTPUT)/t_stats.o $(OUTPUT)/stats.o $(OUTPUT)/inflight.o
$(OUTPUT)/test_output: $(OUTPUT)/t_output.o $(OUTPUT)/output.o $(OUTPUT)/output_host.o $(ENGINE_OBJS)
$(OUTPUT)/test_tx: $(OUTPUT)/t_tx.o $(OUTPUT)/tx.o $(OUTPUT)/probe.o $(OUTPUT)/addr.o $(OUTPUT)/log.o
$(OUTPUT)/test_hoststats: $(OUTPUT)/t_hoststats.o $(OUTPUT)/hoststats.o $(OUTPUT)/addr.o
$(OUTPUT)/test_checks: $(OUTPUT)/t_checks.o $(OUTPUT)/checks.o
$(OUTPUT)/test_rxclock: $(OUTPUT)/t_rxclock.o $(OUTPUT)/rxclock.o
$(OUTPUT)/test_rx: $(OUTPUT)/t_rx.o $(OUTPUT)/rx.o $(OUTPUT)/loader.o $(OUTPUT)/rxclock.o $(OUTPUT)/probe.o $(OUTPUT)/addr.o $(OUTPUT)/log.o
$(OUTPUT)/test_schedule: $(OUTPUT)/t_schedule.o $(OUTPUT)/schedule.o $(OUTPUT)/permute.o
$(OUTPUT)/test_cli: $(OUTPUT)/t_cli.o $(OUTPUT)/cli.o $(OUTPUT)/checks.o $(OUTPUT)/output.o $(OUTPUT)/output_host.o $(ENGINE_OBJS)
$(UNIT_BINS):
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

# BPF programs on crafted packets (bpf_prog_test_run_opts).
$(OUTPUT)/test_bpf: tests/bpf/test_bpf.c $(SKEL) $(OUTPUT)/probe.o $(OUTPUT)/addr.o | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $< $(OUTPUT)/probe.o $(OUTPUT)/addr.o -o $@ $(LDLIBS) -lcmocka

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
	$(Q)$(MAKE) --no-print-directory all unit bpftest itest

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
	$(Q)rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/*.d)
