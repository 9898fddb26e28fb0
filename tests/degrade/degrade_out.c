/*
 * degrade_out.c - what the degradation program prints (the class table,
 * a row per capture, the most frequent failures) and the --assert targets
 * it checks, from the tallies degrade.c scored.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "degrade.h"

/* ------------------------------------------------------------ output */

static void print_pct(bool have, double v)
{
    if (have)
        printf(" %10.1f", v);
    else
        printf(" %10s", "-");
}

void print_tables(const state *st)
{
    const options *o = st->o;
    static const char head[] =
        "%-10s %8s %8s %8s %10s %10s %10s %10s %10s\n";

    printf("\nmeans over captures (%% of endpoint checks; false: %% of "
           "variants with a false anomaly)\n");
    printf(head, "class", "captures", "variants", "checks", "right",
           "wrong", "unknown", "seen_right", "false");
    for (int k = 0; k < C_COUNT; k++) {
        size_t ncap = 0;
        uint64_t variants = 0, checks = 0;
        double v = 0;

        if (!o->run_class[k])
            continue;
        for (size_t i = 0; i < st->ncaps; i++) {
            ncap += st->caps[i].t[k].variants > 0;
            variants += st->caps[i].t[k].variants;
            checks += st->caps[i].t[k].checks;
        }
        printf("%-10s %8zu %8" PRIu64 " %8" PRIu64, class_names[k], ncap,
               variants, checks);
        for (int m = 0; m < M_COUNT; m++) {
            bool have = (m != M_SEEN_RIGHT || k == C_C2S || k == C_S2C) &&
                        class_metric(st->caps, st->ncaps, (dclass)k,
                                     (metric)m, &v);
            print_pct(have, v);
        }
        printf("\n");
    }

    printf("\ntotals (counts)\n%-10s %8s %8s %8s %8s %8s %10s %10s %13s\n",
           "class", "checks", "right", "wrong", "unknown", "seen",
           "seen_right", "false_var", "role_reversed");
    for (int k = 0; k < C_COUNT; k++) {
        tally s = {0};

        if (!o->run_class[k])
            continue;
        for (size_t i = 0; i < st->ncaps; i++) {
            const tally *t = &st->caps[i].t[k];
            s.checks += t->checks;
            s.right += t->right;
            s.wrong += t->wrong;
            s.unknown += t->unknown;
            s.seen_checks += t->seen_checks;
            s.seen_right += t->seen_right;
            s.false_variants += t->false_variants;
            s.role_reversed += t->role_reversed;
        }
        printf("%-10s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
               " %8" PRIu64 " %10" PRIu64 " %10" PRIu64 " %13" PRIu64 "\n",
               class_names[k], s.checks, s.right, s.wrong, s.unknown,
               s.seen_checks, s.seen_right, s.false_variants,
               s.role_reversed);
    }
}

void print_per_capture(const state *st)
{
    printf("\nper capture (%%)\n%-32s %-10s %8s %8s %8s %8s %8s %10s %8s\n",
           "capture", "class", "variants", "checks", "right", "wrong",
           "unknown", "seen_right", "false");
    for (size_t i = 0; i < st->ncaps; i++) {
        for (int k = 0; k < C_COUNT; k++) {
            const tally *t = &st->caps[i].t[k];
            if (!st->o->run_class[k] || t->variants == 0)
                continue;
            printf("%-32s %-10s %8" PRIu64 " %8" PRIu64 " %8.1f %8.1f %8.1f",
                   st->caps[i].name, class_names[k], t->variants, t->checks,
                   100.0 * (double)t->right / (double)t->checks,
                   100.0 * (double)t->wrong / (double)t->checks,
                   100.0 * (double)t->unknown / (double)t->checks);
            if (t->seen_checks)
                printf(" %10.1f", 100.0 * (double)t->seen_right /
                                      (double)t->seen_checks);
            else
                printf(" %10s", "-");
            printf(" %8.1f\n",
                   100.0 * (double)t->false_variants / (double)t->variants);
        }
    }
}

static int by_key(const void *a, const void *b)
{
    const failure *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

typedef struct group {
    size_t first, count;
} group;

static int by_count(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->first > y->first) - (x->first < y->first);
}

/* The failures that repeat across variants, most frequent first: what to
 * fix first.  Returns 0, or -1 when out of memory. */
int print_summary(state *st)
{
    group *g = NULL;
    size_t ng = 0;

    if (st->nfails == 0) {
        printf("\nno failures\n");
        return 0;
    }
    qsort(st->fails, st->nfails, sizeof *st->fails, by_key);
    g = malloc(st->nfails * sizeof *g);
    if (!g)
        return -1;
    for (size_t i = 0; i < st->nfails; i++) {
        if (ng == 0 || strcmp(st->fails[i].key, st->fails[g[ng - 1].first].key))
            g[ng++] = (group){i, 0};
        g[ng - 1].count++;
    }
    qsort(g, ng, sizeof *g, by_count);
    printf("\nmost frequent failures (%zu kinds, %zu lines; count, capture: "
           "what, [variants])\n", ng, st->nfails);
    for (size_t i = 0; i < ng && i < st->o->summary; i++) {
        char vars[400];
        size_t len = 0;

        vars[0] = '\0';
        for (size_t j = 0; j < g[i].count; j++) {
            const char *v = st->fails[g[i].first + j].variant;
            if (len + strlen(v) + 8 >= sizeof vars) {
                snprintf(vars + len, sizeof vars - len, "; ...");
                break;
            }
            len += (size_t)snprintf(vars + len, sizeof vars - len, "%s%s",
                                    j ? "; " : "", v);
        }
        printf("%5zu  %s  [%s]\n", g[i].count, st->fails[g[i].first].key,
               vars);
    }
    free(g);
    return 0;
}

/* ------------------------------------------------------------ assertions */

/* "CLASS:METRIC<=N" or ">=N", N a percentage.  Returns 0 or -1. */
int parse_assert(const char *s, assertion *a)
{
    const char *colon = strchr(s, ':'), *op;
    char *end;
    int k, m;

    memset(a, 0, sizeof *a);
    a->text = s;
    if (!colon)
        return -1;
    for (k = 0; k < C_COUNT; k++)
        if (strlen(class_names[k]) == (size_t)(colon - s) &&
            strncmp(s, class_names[k], (size_t)(colon - s)) == 0)
            break;
    op = strpbrk(colon, "<>");
    if (k == C_COUNT || !op || op[1] != '=')
        return -1;
    for (m = 0; m < M_COUNT; m++)
        if (strlen(metric_names[m]) == (size_t)(op - colon - 1) &&
            strncmp(colon + 1, metric_names[m], (size_t)(op - colon - 1)) == 0)
            break;
    if (m == M_COUNT)
        return -1;
    if (m == M_SEEN_RIGHT && k != C_C2S && k != C_S2C)
        return -1;
    errno = 0;
    a->limit = strtod(op + 2, &end);
    if (errno || end == op + 2 || *end || !(a->limit >= 0 && a->limit <= 100))
        return -1;
    a->cls = (dclass)k;
    a->m = (metric)m;
    a->at_most = op[0] == '<';
    return 0;
}

/* Does a hold on these captures?  *measured is filled when there was
 * anything to measure; nothing to measure is a failure, so that a target
 * cannot pass by absence. */
bool assertion_holds(const assertion *a, const capture *caps, size_t ncaps,
                     bool *have, double *measured)
{
    *have = class_metric(caps, ncaps, a->cls, a->m, measured);
    if (!*have)
        return false;
    return a->at_most ? *measured <= a->limit : *measured >= a->limit;
}

int check_assertions(const state *st)
{
    int status = 0;

    for (size_t i = 0; i < st->o->nasserts; i++) {
        const assertion *a = &st->o->asserts[i];
        bool have;
        double v = 0;

        if (assertion_holds(a, st->caps, st->ncaps, &have, &v)) {
            printf("assert %s: ok (measured %.2f)\n", a->text, v);
            continue;
        }
        status = 1;
        if (have)
            error_line("assertion %s failed: measured %.2f", a->text, v);
        else
            error_line("assertion %s failed: nothing measured (no capture "
                       "has a %s variant)", a->text, class_names[a->cls]);
    }
    return status;
}

