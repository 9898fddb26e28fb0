/*
 * truthcheck.c - validates a truth file in captures/ against the engine's
 * own names.
 *
 * The reading and checking is tests/lib/truth.c's (shared with the
 * degradation test, so both read a file the same way): names from the
 * engine's tables, addresses that parse, one description, every endpoint's
 * peer listed with the opposite role, no endpoint twice, no anomaly both
 * expected and allowed.
 *
 * On success it prints one line per endpoint, "<addr:port> <peer> <role>",
 * for check-truth.sh to compare with the capture.  Errors go to stderr as
 * "truthcheck: file:line: what is wrong"; exit 0 ok, 1 bad file, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include "truth.h"

static void print_error(void *user, const char *path, int line,
                        const char *what)
{
    (void)user;
    if (line > 0)
        fprintf(stderr, "truthcheck: %s:%d: %s\n", path, line, what);
    else
        fprintf(stderr, "truthcheck: %s: %s\n", path, what);
}

int main(int argc, char **argv)
{
    tcpl_truth *t;

    if (argc != 2) {
        fprintf(stderr, "usage: truthcheck FILE.truth\n");
        return 2;
    }
    t = malloc(sizeof *t);
    if (!t) {
        fprintf(stderr, "truthcheck: out of memory\n");
        return 1;
    }
    if (tcpl_truth_read(argv[1], t, print_error, NULL) != 0) {
        free(t);
        return 1;
    }
    for (size_t i = 0; i < t->nendpoints; i++)
        printf("%s %s %s\n", t->ep[i].me.text, t->ep[i].peer.text,
               t->ep[i].client ? "client" : "server");
    free(t);
    return 0;
}
