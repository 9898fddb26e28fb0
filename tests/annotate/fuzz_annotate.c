/*
 * fuzz_annotate.c - libFuzzer target: the whole annotate command on
 * arbitrary file contents.
 *
 * The input becomes a capture file; annotate reads it twice (libpcap and
 * our pcapng scanner), runs the engine and writes a pcapng copy and labels.
 * Whatever the bytes, it must return 0 or 1, leave no temporary file, and
 * never read or write out of bounds (ASan) or hit undefined behaviour.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tcpl_cmd_annotate(int argc, char **argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A folder of its own under the working directory (run_fuzz.sh runs the
 * fuzzer inside a temporary folder it removes afterwards). */
static const char dir[] = "fuzz_annotate.work";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[128], out[128], lab[128];
    FILE *f;
    int rc;

    mkdir(dir, 0700);
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(out, sizeof out, "%s/out.pcapng", dir);
    snprintf(lab, sizeof lab, "%s/labels.csv", dir);
    f = fopen(in, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    char *argv[] = {"annotate", in, out, "--labels", lab, NULL};
    rc = tcpl_cmd_annotate(5, argv);
    if (rc != 0 && rc != 1)
        abort();
    if (rc == 1 && (access(out, F_OK) == 0 || access(lab, F_OK) == 0))
        abort();
    /* no temporary file may survive */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp."))
            abort();
    if (d)
        closedir(d);
    unlink(out);
    unlink(lab);
    return 0;
}
