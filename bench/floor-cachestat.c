/*
 * The floor for `mmtop fincore --cells N`: the same cachestat(2) calls over the same cell ranges, from C,
 * with nothing else (no runtime to start, no modules to load). `npm run bench` compiles it with `cc -O2`
 * into its temp dir and times it beside mmtop and vmtouch; it also uses it (with --cells 0) to check that
 * residency held still.
 *
 *   floor-cachestat [--cells N] FILE...
 *
 * Prints one JSON line a file: {"path", "pages", "cached", "dirty", "writeback", "evicted",
 * "recentlyEvicted", "cells": [cached pages of each cell]}; exits 1 when a file cannot be measured.
 *
 * Cells split the file's pages as mmtop does (src/residency/cells.ts, splitIntoCells): cell i covers pages
 * [floor(i*P/N), floor((i+1)*P/N)), at most one cell a page. The totals are the sum of the cells, so each
 * cached folio is walked once; with --cells 0, one call over the whole file (len 0 = to the end).
 *
 * cachestat(2) is Linux 6.5+, syscall 451 on x86_64 and arm64 (include/uapi/asm-generic/unistd.h); its
 * structs are in include/uapi/linux/mman.h, which Debian 12's 6.1 headers do not have, hence defined here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif

struct cachestat_range {
	uint64_t off;
	uint64_t len;
};

struct cachestat {
	uint64_t nr_cache;
	uint64_t nr_dirty;
	uint64_t nr_writeback;
	uint64_t nr_evicted;
	uint64_t nr_recently_evicted;
};

static int measure(const char *path, uint64_t cells, long page) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "floor-cachestat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		fprintf(stderr, "floor-cachestat: %s: fstat: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	uint64_t pages = ((uint64_t)st.st_size + page - 1) / page;
	uint64_t n = cells < pages ? cells : pages;
	struct cachestat total = {0};
	uint64_t *cached = n ? calloc(n, sizeof *cached) : NULL;
	if (n && !cached) {
		fprintf(stderr, "floor-cachestat: out of memory\n");
		close(fd);
		return 1;
	}
	for (uint64_t i = 0; i < (n ? n : 1); i++) {
		struct cachestat_range range = {0, 0};
		if (n) {
			/* unsigned __int128: i * pages does not overflow for a 1 TiB file's 2^28 pages and any N */
			uint64_t first = (uint64_t)(((unsigned __int128)i * pages) / n);
			uint64_t end = (uint64_t)(((unsigned __int128)(i + 1) * pages) / n);
			range.off = first * page;
			range.len = (end - first) * page;
		}
		struct cachestat cs;
		if (syscall(__NR_cachestat, fd, &range, &cs, 0) != 0) {
			fprintf(stderr, "floor-cachestat: %s: cachestat: %s\n", path, strerror(errno));
			free(cached);
			close(fd);
			return 1;
		}
		if (n) cached[i] = cs.nr_cache;
		total.nr_cache += cs.nr_cache;
		total.nr_dirty += cs.nr_dirty;
		total.nr_writeback += cs.nr_writeback;
		total.nr_evicted += cs.nr_evicted;
		total.nr_recently_evicted += cs.nr_recently_evicted;
	}
	close(fd);
	printf("{\"path\":\"");
	for (const char *c = path; *c; c++) {
		if (*c == '"' || *c == '\\') printf("\\%c", *c);
		else if ((unsigned char)*c < 0x20) printf("\\u%04x", (unsigned char)*c);
		else putchar(*c);
	}
	printf("\",\"pages\":%llu,\"cached\":%llu,\"dirty\":%llu,\"writeback\":%llu,\"evicted\":%llu,"
	       "\"recentlyEvicted\":%llu,\"cells\":[",
	       (unsigned long long)pages, (unsigned long long)total.nr_cache, (unsigned long long)total.nr_dirty,
	       (unsigned long long)total.nr_writeback, (unsigned long long)total.nr_evicted,
	       (unsigned long long)total.nr_recently_evicted);
	for (uint64_t i = 0; i < n; i++) printf(i ? ",%llu" : "%llu", (unsigned long long)cached[i]);
	printf("]}\n");
	free(cached);
	return 0;
}

int main(int argc, char **argv) {
	uint64_t cells = 0;
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "--cells") == 0) {
		char *end;
		cells = strtoull(argv[2], &end, 10);
		if (*end) {
			fprintf(stderr, "floor-cachestat: --cells wants a number\n");
			return 2;
		}
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: floor-cachestat [--cells N] FILE...\n");
		return 2;
	}
	long page = sysconf(_SC_PAGESIZE);
	int failed = 0;
	for (int i = first; i < argc; i++) failed |= measure(argv[i], cells, page);
	return failed;
}
