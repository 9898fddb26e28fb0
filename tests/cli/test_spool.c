/*
 * test_spool.c - the report's spool (postproc/report_spool.c) gives back
 * exactly what was written, in order, whether it stayed in memory or moved
 * to a temporary file part way, and whatever the sizes of the writes that
 * cross the bound.  The report's goldens only reach the memory side: no
 * test input is 16 MiB of text.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_spool.h"

static int failures;

/* Writes of 1 to ~5000 bytes, a line each, the same for a given seed. */
static void write_lines(FILE *f, FILE *copy, unsigned seed, int lines)
{
    char buf[6000];
    for (int i = 0; i < lines; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 8) % (i % 50 == 0 ? 5000 : 120);
        for (size_t k = 0; k + 1 < n; k++)
            buf[k] = (char)('a' + (i + k) % 26);
        buf[n - 1] = '\n';
        fwrite(buf, 1, n, f);
        fwrite(buf, 1, n, copy);
    }
}

static void check(const char *what, size_t mem_max, int lines)
{
    char *want = NULL, *got = NULL;
    size_t want_len = 0, got_len = 0;
    FILE *w = open_memstream(&want, &want_len);
    FILE *g = open_memstream(&got, &got_len);
    tcpl_spool *s = tcpl_spool_new(mem_max);
    if (!w || !g || !s) {
        fprintf(stderr, "test_spool: %s: out of memory\n", what);
        exit(1);
    }
    fputs("header\n", g); /* what the writer puts before the records */
    fputs("header\n", w);
    write_lines(tcpl_spool_file(s), w, (unsigned)mem_max, lines);
    bool ok = tcpl_spool_drain(s, g);
    fclose(w);
    fclose(g);
    if (!ok) {
        fprintf(stderr, "FAIL %s: the spool says records were lost\n", what);
        failures++;
    } else if (got_len != want_len || memcmp(got, want, want_len) != 0) {
        fprintf(stderr, "FAIL %s: %zu bytes back where %zu were written\n",
                what, got_len, want_len);
        failures++;
    } else {
        printf("ok %s (%zu bytes)\n", what, want_len);
    }
    free(want);
    free(got);
}

int main(void)
{
    check("empty", 1 << 20, 0);
    check("in memory", 1 << 20, 2000);
    check("one buffer's worth, bound 64 KiB", 65536, 400);
    check("moves to a file early", 100, 3000);
    check("moves to a file late", 200000, 6000);
    check("every write past the bound", 1, 500);
    /* Freed unread, in memory and on disk: nothing to see but no leak or
     * crash under the sanitizers. */
    tcpl_spool *a = tcpl_spool_new(1 << 20), *b = tcpl_spool_new(10);
    if (!a || !b)
        return 1;
    fputs("never read\n", tcpl_spool_file(a));
    for (int i = 0; i < 10000; i++)
        fputs("never read either\n", tcpl_spool_file(b));
    tcpl_spool_free(a);
    tcpl_spool_free(b);
    tcpl_spool_free(NULL);
    return failures ? 1 : 0;
}
