/*
 * Shared by the fuzz targets: libFuzzer calls LLVMFuzzerTestOneInput; the
 * same targets also build with driver.c, which feeds the hand-made corpus
 * under tests/fuzz/corpus/<target>/ once each (make test).
 *
 * Targets that parse files write the input to a scratch folder and call
 * the real file-reading API, so what is fuzzed is exactly what users run.
 */
#ifndef DD_FUZZ_H
#define DD_FUZZ_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A scratch folder for this process under $TMPDIR (tests/fuzz/run-corpus.sh
 * points it at a folder it removes), else /tmp; error output silenced. */
static inline const char *fuzz_dir(void)
{
	static char dir[128];
	if (!dir[0]) {
		const char *base = getenv("TMPDIR");
		if (!base || !*base || strlen(base) > 100)
			base = "/tmp";
		snprintf(dir, sizeof(dir), "%s/dd-fuzz-%d", base, (int)getpid());
		mkdir_p(dir, 0700);
		/* the corpus driver silences drydock's error messages here;
		 * libFuzzer does it with -close_fd_mask=2, keeping its own
		 * statistics on the terminal */
#ifdef DD_FUZZ_DRIVER
		if (!getenv("DD_FUZZ_VERBOSE")) {
			FILE *n = fopen("/dev/null", "w");
			if (n) {
				dup2(fileno(n), 2);
				fclose(n);
			}
		}
#endif
	}
	return dir;
}

/* Writes data to DIR/name and returns the path (static buffer). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	return path;
}

#endif
