/*
 * fuzz_export.c - libFuzzer target: arbitrary bytes as a tshark export,
 * through the reader, the tracker, the engine and the JSON writer.
 *
 * The reader is where untrusted text enters; the rest is included because
 * whatever the reader accepts must be safe all the way to the output.  Every
 * input is also run once more with the text writer, which has its own
 * formatting paths (wrapping, relative times).
 */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    /* Per-line notes would drown libFuzzer's own output. */
    if (!freopen("/dev/null", "w", stderr))
        return 1;
    return sink ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const tcpl_format formats[] = {TCPL_FMT_JSON, TCPL_FMT_TEXT};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        tcpl_report_opts o;
        tcpl_report_opts_init(&o);
        o.format = formats[i];
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
