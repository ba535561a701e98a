# drydock — see README.md.  `make demo` and `make test` do all set-up.

CC      ?= gcc
PKGS    := sqlite3 libpq libcjson uuid libcrypto
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
DEFS    := -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_PREUPDATE_HOOK
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS   = $(PKG_LIBS) -lpg_query -lgmp -lm -pthread

# src/ and one level of module folders; every folder is on the include
# path, so a header is included by its bare name wherever it lives.
SRC_DIRS := src $(patsubst %/,%,$(sort $(dir $(wildcard src/*/*.[ch]))))
INCS  := $(addprefix -I,$(SRC_DIRS))
SRCS := $(wildcard $(addsuffix /*.c,$(SRC_DIRS)))
HDRS := $(wildcard $(addsuffix /*.h,$(SRC_DIRS)))
SCHEMA := schema/stage.sql schema/ledger.sql schema/plan.schema.json schema/project.schema.json
LIB_SRCS := $(filter-out src/main.c,$(SRCS))

BUILD := build
BIN   := $(BUILD)/drydock
ASAN_BIN := $(BUILD)/asan/drydock
OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS)) $(BUILD)/obj/schema_sql.o
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

FUZZ_TARGETS := plan fixture rows stage report values sql sqlc
FUZZ_DRIVERS := $(patsubst %,$(BUILD)/fuzz/driver_%,$(FUZZ_TARGETS))
ASAN_FUZZ_DRIVERS := $(patsubst %,$(BUILD)/asan-fuzz/driver_%,$(FUZZ_TARGETS))
FUZZ_SECONDS ?= 60

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
ASAN_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan-unit/%,$(UNIT_SRCS))
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))

PGDIFF_RENDER := $(BUILD)/pgdiff-render
JSONCHECK := $(BUILD)/jsoncheck

.PHONY: all deps asan fuzz fuzz-sql test test-asan test-faults unit e2e demo bench bench-scale clean valgrind check-includes \
	man install uninstall

all: deps $(BIN)

# Installs missing Debian packages (as root) or says which are missing.
deps:
	@scripts/install-deps.sh build

$(BUILD)/schema_sql.c: $(SCHEMA) scripts/embed-sql.sh
	@mkdir -p $(BUILD)
	scripts/embed-sql.sh $@ schema_stage_sql=schema/stage.sql schema_ledger_sql=schema/ledger.sql \
		schema_plan_json=schema/plan.schema.json schema_project_json=schema/project.schema.json

$(BUILD)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -c $< -o $@

$(BUILD)/obj/schema_sql.o: $(BUILD)/schema_sql.c
	@mkdir -p $(BUILD)/obj
	$(CC) $(WARN) $(CFLAGS) -c $< -o $@

$(BIN): $(OBJS)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDLIBS)

# The differential test's driver (tests/pgdiff/pgdiff.c) and its renderer
# of working tables.
$(BUILD)/pgdiff: tests/pgdiff/pgdiff.c $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(HDRS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(LDLIBS)

$(PGDIFF_RENDER): tests/pgdiff/render.c $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(HDRS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(LDLIBS)

# Validates --json outputs against schema/json/*.schema.json (tests).
$(JSONCHECK): tests/tools/jsoncheck.c $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(HDRS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(LDLIBS)

# The registry's signatures, for tests/gen/gen-volatility.sh.
$(BUILD)/pgfn-dump: tests/gen/pgfn_dump.c $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(HDRS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(LDLIBS)

# The differential expression fuzzer (opt-in: make fuzz-sql).
$(BUILD)/fuzz-sql: tests/fuzz-sql/fuzz_sql.c tests/fuzz-sql/gen.c tests/fuzz-sql/gen.h $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(HDRS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -Itests/fuzz-sql -o $@ tests/fuzz-sql/fuzz_sql.c tests/fuzz-sql/gen.c $(filter-out $(BUILD)/obj/main.o,$(OBJS)) $(LDLIBS)

fuzz-sql: deps $(BUILD)/fuzz-sql
	@tests/fuzz-sql/run.sh $(FUZZ_SQL_SECONDS)

# Address + undefined-behaviour sanitizers; run the suite against it with
# `make test DRYDOCK=build/asan/drydock`.
# Every module compiled once with the sanitizers; the asan binary, the unit
# tests and the fuzz drivers link these objects.
ASAN_OBJS := $(patsubst src/%.c,$(BUILD)/asan-obj/%.o,$(SRCS)) $(BUILD)/asan-obj/schema_sql.o
ASAN_LIB_OBJS := $(filter-out $(BUILD)/asan-obj/main.o,$(ASAN_OBJS))
$(BUILD)/asan-obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(ASAN_FLAGS) $(PKG_CFLAGS) $(INCS) -c $< -o $@
$(BUILD)/asan-obj/schema_sql.o: $(BUILD)/schema_sql.c
	@mkdir -p $(BUILD)/asan-obj
	$(CC) $(WARN) $(ASAN_FLAGS) -c $< -o $@

asan: deps $(ASAN_BIN)
$(ASAN_BIN): $(ASAN_OBJS)
	@mkdir -p $(BUILD)/asan
	$(CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJS) $(LDLIBS)

# Unit tests link every module but main.c: the build's own objects for
# make test, the sanitizer objects for make test-asan.
$(BUILD)/unit/%: tests/unit/%.c $(LIB_OBJS) $(HDRS)
	@mkdir -p $(BUILD)/unit
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka
$(BUILD)/asan-unit/%: tests/unit/%.c $(ASAN_LIB_OBJS) $(HDRS)
	@mkdir -p $(BUILD)/asan-unit
	$(CC) $(WARN) $(DEFS) $(ASAN_FLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< $(ASAN_LIB_OBJS) $(LDLIBS) -lcmocka

# Fuzz targets with a plain driver (the corpus runs in make test and,
# sanitized, in make test-asan) ...
$(BUILD)/fuzz/driver_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c tests/fuzz/fuzz.h $(LIB_OBJS) $(HDRS)
	@mkdir -p $(BUILD)/fuzz
	$(CC) $(WARN) $(DEFS) -DDD_FUZZ_DRIVER $(CFLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< tests/fuzz/driver.c $(LIB_OBJS) $(LDLIBS)
$(BUILD)/asan-fuzz/driver_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c tests/fuzz/fuzz.h $(ASAN_LIB_OBJS) $(HDRS)
	@mkdir -p $(BUILD)/asan-fuzz
	$(CC) $(WARN) $(DEFS) -DDD_FUZZ_DRIVER $(ASAN_FLAGS) $(PKG_CFLAGS) $(INCS) -o $@ $< tests/fuzz/driver.c $(ASAN_LIB_OBJS) $(LDLIBS)

# ... and with libFuzzer (clang): make fuzz runs each for FUZZ_SECONDS.
$(BUILD)/fuzz/lf_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB_SRCS) $(HDRS) $(BUILD)/schema_sql.c
	@mkdir -p $(BUILD)/fuzz
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(DEFS) $(PKG_CFLAGS) $(INCS) -o $@ $< $(LIB_SRCS) $(BUILD)/schema_sql.c $(LDLIBS)

fuzz: deps $(BIN) $(patsubst %,$(BUILD)/fuzz/lf_%,$(FUZZ_TARGETS))
	@tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# The unit tests and the fuzz corpora again under the address and
# undefined-behaviour sanitizers, and the sanitizer binary for the
# end-to-end run (.ci/run: DRYDOCK=build/asan/drydock tests/run-e2e.sh).
# Not in make test: it compiles every module a second time.
test-asan: deps
	@$(MAKE) --no-print-directory -j2 $(ASAN_BIN) $(ASAN_UNIT_BINS) $(ASAN_FUZZ_DRIVERS)
	@set -e; for t in $(ASAN_UNIT_BINS); do echo "== $$t"; $$t; done
	@FUZZ_DRIVER_DIR=$(BUILD)/asan-fuzz tests/fuzz/run-corpus.sh

e2e: $(BIN) $(PGDIFF_RENDER) $(BUILD)/pgdiff $(BUILD)/pgfn-dump $(JSONCHECK)
	@tests/run-e2e.sh

# Every #include goes the way docs/architecture.md allows.
check-includes:
	@scripts/check-includes.sh

# The whole suite: the include directions, unit tests, then end-to-end
# tests against real PostgreSQL servers the tests start themselves.  The
# golden reports (seconds, one process at a time) run beside the unit tests
# and the fuzz corpus (one process at a time too); their output follows.
test:
	@scripts/check-includes.sh
	@scripts/install-deps.sh test browser
	@$(MAKE) --no-print-directory -j2 $(BIN) $(PGDIFF_RENDER) $(BUILD)/pgdiff $(BUILD)/pgfn-dump $(JSONCHECK) $(UNIT_BINS) $(FUZZ_DRIVERS) $(BUILD)/fuzz-sql
	@set -e; mkdir -p $(BUILD); \
	scripts/golden-reports.sh --check >$(BUILD)/golden-reports.log 2>&1 & g=$$!; \
	u=0; $(MAKE) --no-print-directory unit && tests/fuzz/run-corpus.sh || u=$$?; \
	r=0; wait $$g || r=$$?; cat $(BUILD)/golden-reports.log; \
	[ $$u = 0 ] && [ $$r = 0 ]
	@tests/run-e2e.sh

# Fault injection (the process is SIGKILLed at named points, DD_FAULT; the
# files must stay valid) and pushes under pgbench load; opt-in because they
# start many processes and hold load for seconds.
test-faults: $(BIN)
	@DD_FAULT_TESTS=1 tests/run-e2e.sh tests/e2e/test_faults.sh tests/e2e/test_load.sh

# The suite again under valgrind (slow; not part of `make test`).
valgrind: $(BIN)
	@DRYDOCK_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" tests/run-e2e.sh

demo: deps $(BIN)
	@scripts/demo.sh

bench: deps $(BIN)
	@scripts/install-deps.sh bench
	@bench/run.sh

# A 10M-row table through snapshot, run, report, push and rollback (minutes,
# gigabytes): opt-in, not part of `make bench` or `make test`.
bench-scale: deps $(BIN)
	@scripts/install-deps.sh bench
	@BENCH_ONLY=scale bench/run.sh

# Man pages generated from the --help texts (scripts/gen-man.sh), so they
# always agree with the binary: drydock(1) and drydock-COMMAND(1).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
man: $(BUILD)/man/drydock.1
$(BUILD)/man/drydock.1: $(BIN) scripts/gen-man.sh
	@rm -rf $(BUILD)/man
	scripts/gen-man.sh $(BIN) $(BUILD)/man

# Shell completion, where bash-completion and zsh look by default.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, its man pages
# and the bash and zsh completion (scripts/completion/).
install: $(BIN) $(BUILD)/man/drydock.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/drydock
	install -m 644 $(BUILD)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 scripts/completion/drydock.bash $(DESTDIR)$(BASHCOMPDIR)/drydock
	install -m 644 scripts/completion/_drydock $(DESTDIR)$(ZSHCOMPDIR)/_drydock

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/drydock $(DESTDIR)$(MANDIR)/man1/drydock.1 \
		$(DESTDIR)$(MANDIR)/man1/drydock-*.1 $(DESTDIR)$(BASHCOMPDIR)/drydock \
		$(DESTDIR)$(ZSHCOMPDIR)/_drydock

clean:
	rm -rf $(BUILD)
