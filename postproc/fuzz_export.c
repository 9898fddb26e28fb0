/*
 * fuzz_export.c - libFuzzer target: arbitrary bytes as a tshark export,
 * through the reader, the tracker, the engine and every report format (the
 * spooling text writer for one input in eight).
 *
 * The reader is where untrusted text enters; the rest is included because
 * whatever the reader accepts must be safe all the way to the output.  The
 * text writer has its own formatting paths (wrapping, relative times).
 */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report_writer.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* Reports go nowhere; the per-line notes on stderr are silenced by
     * running with -close_fd_mask=2, which keeps libFuzzer's and the
     * sanitizers' own reports on a duplicate of stderr. */
    sink = fopen("/dev/null", "w");
    return sink ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Every format in the report's table, so that a new one is fuzzed too;
     * a spooling one (text: a 16 MiB spool mapped each time) only on inputs
     * whose length is 7 mod 8, it would be too slow for every input. */
    for (int f = 0; tcpl_format_name((tcpl_format)f); f++) {
        if (tcpl_report_writer_for((tcpl_format)f)->spools && (size & 7) != 7)
            continue;
        tcpl_report_opts o;
        tcpl_report_opts_init(&o);
        o.format = (tcpl_format)f;
        /* svg draws one connection: the first, when there is one. */
        if (tcpl_format_needs_stream(o.format))
            o.stream = 0;
        /* A short linger makes eviction reachable with small inputs. */
        o.tracker.linger_ns = 1000000000;
        tcpl_report *r = tcpl_report_new(&o, sink);
        if (!r)
            return 0;
        tcpl_report_export_mem(r, &o, "fuzz", (const char *)data, size);
        tcpl_report_close(r);
    }
    return 0;
}
