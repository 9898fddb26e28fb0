/*
 * truth.c - the kernel-truth file reader shared by truthcheck and degrade
 * (see truth.h for the format and what is checked).
 *
 * Every problem is reported, with its line, through the caller's callback:
 * each program prints it under its own name ("truthcheck: FILE:LINE: ...",
 * "tcpl_degrade: FILE:LINE: ...").  Reading goes on after a problem, so a
 * broken file shows all its faults at once.
 */
#define _POSIX_C_SOURCE 200809L

#include "truth.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

typedef struct reader {
    const char *path;
    tcpl_truth_error_fn err;
    void *user;
    int errors;
} reader;

static void bad(reader *rd, int line, const char *fmt, const char *arg)
{
    char what[256];

    snprintf(what, sizeof what, fmt, arg);
    rd->err(rd->user, rd->path, line, what);
    rd->errors++;
}

/* "127.0.0.1:41000" or "[::1]:41000".  Port 1..65535, decimal without sign
 * or leading zeros, as ss and tshark print it.  Returns 0 or -1. */
static int parse_addr(const char *s, tcpl_truth_addr *a)
{
    const char *colon;
    char host[TCPL_TRUTH_ADDR_MAX];
    size_t n;

    memset(a, 0, sizeof *a);
    if (strlen(s) >= sizeof a->text)
        return -1;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            return -1;
        n = (size_t)(close - s - 1);
        if (n == 0 || n >= sizeof host)
            return -1;
        memcpy(host, s + 1, n);
        colon = close + 1;
        a->family = 6;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return -1;
        n = (size_t)(colon - s);
        if (n == 0 || n >= sizeof host)
            return -1;
        memcpy(host, s, n);
        a->family = 4;
    }
    host[n] = '\0';
    if (inet_pton(a->family == 6 ? AF_INET6 : AF_INET, host, a->addr) != 1)
        return -1;
    const char *p = colon + 1;
    if (*p < '1' || *p > '9')
        return -1;
    long port = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        port = port * 10 + (*p - '0');
        if (port > 65535)
            return -1;
    }
    a->port = (uint16_t)port;
    strcpy(a->text, s);
    return 0;
}

/* One `endpoint` line's fields f[0..3]; adds it to t when well formed. */
static void endpoint_line(reader *rd, tcpl_truth *t, int lineno, char **f)
{
    tcpl_truth_endpoint e;

    memset(&e, 0, sizeof e);
    e.line = lineno;
    if (parse_addr(f[0], &e.me) != 0) {
        bad(rd, lineno, "bad address %s", f[0]);
        return;
    }
    if (parse_addr(f[1], &e.peer) != 0) {
        bad(rd, lineno, "bad peer address %s", f[1]);
        return;
    }
    if (e.me.family != e.peer.family)
        bad(rd, lineno, "%s", "endpoint and peer of different families");
    if (strcmp(f[0], f[1]) == 0)
        bad(rd, lineno, "endpoint %s is its own peer", f[0]);
    if (strcmp(f[2], "client") == 0)
        e.client = true;
    else if (strcmp(f[2], "server") != 0)
        bad(rd, lineno, "role %s is neither client nor server", f[2]);
    int st = tcpl_state_from_name(f[3], strlen(f[3]));
    if (st < 0)
        bad(rd, lineno, "unknown state %s", f[3]);
    else if (st == TCPL_UNKNOWN)
        bad(rd, lineno, "%s", "UNKNOWN is not a kernel state");
    else
        e.state = (tcpl_state)st;
    for (size_t i = 0; i < t->nendpoints; i++)
        if (strcmp(t->ep[i].me.text, e.me.text) == 0 &&
            strcmp(t->ep[i].peer.text, e.peer.text) == 0)
            bad(rd, lineno, "endpoint %s listed twice for one peer", f[0]);
    if (t->nendpoints == TCPL_TRUTH_MAX_ENDPOINTS) {
        bad(rd, lineno, "%s", "too many endpoints");
        return;
    }
    t->ep[t->nendpoints++] = e;
}

/* An `expect` or `allow` line naming anomaly name. */
static void anomaly_line(reader *rd, tcpl_truth *t, int lineno, bool expect,
                         const char *name)
{
    int a = tcpl_anomaly_from_name(name, strlen(name));
    uint32_t *mine = expect ? &t->expect : &t->allow;
    uint32_t *other = expect ? &t->allow : &t->expect;

    if (a < 0) {
        bad(rd, lineno, "unknown anomaly %s", name);
        return;
    }
    if (*mine & TCPL_BIT(a))
        bad(rd, lineno, "anomaly %s listed twice", name);
    if (*other & TCPL_BIT(a))
        bad(rd, lineno, "anomaly %s both expected and allowed", name);
    *mine |= TCPL_BIT(a);
}

/* Every endpoint's peer has a line of its own, with the other role. */
static void check_peers(reader *rd, const tcpl_truth *t)
{
    for (size_t i = 0; i < t->nendpoints; i++) {
        const tcpl_truth_endpoint *e = &t->ep[i];
        bool found = false;

        for (size_t j = 0; j < t->nendpoints; j++) {
            if (strcmp(t->ep[j].me.text, e->peer.text) != 0 ||
                strcmp(t->ep[j].peer.text, e->me.text) != 0)
                continue;
            found = true;
            if (t->ep[j].client == e->client)
                bad(rd, e->line, "endpoint %s has the same role as its peer",
                    e->me.text);
        }
        if (!found)
            bad(rd, e->line, "the peer of %s has no endpoint line", e->me.text);
    }
}

int tcpl_truth_read(const char *path, tcpl_truth *t, tcpl_truth_error_fn err,
                    void *user)
{
    reader rd = {path, err, user, 0};
    int descriptions = 0, lineno = 0;
    char line[1024];
    FILE *f;

    memset(t, 0, sizeof *t);
    f = fopen(path, "r");
    if (!f) {
        err(user, path, 0, "cannot open");
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        char *w[6], *save = NULL;
        int nw = 0;

        lineno++;
        if (len == 0 || line[len - 1] != '\n') {
            bad(&rd, lineno, "%s", "line too long or not terminated by a newline");
            if (len == sizeof line - 1)
                break;
            continue;
        }
        line[--len] = '\0';
        if (line[0] == '#')
            continue;
        if (len == 0) {
            bad(&rd, lineno, "%s", "empty line (comments start with '#')");
            continue;
        }
        if (strncmp(line, "description ", 12) == 0) {
            if (line[12] == '\0' || line[12] == ' ')
                bad(&rd, lineno, "%s", "description must be one non-empty line");
            descriptions++;
            continue;
        }
        /* Up to six words: one more than any line has shows extras. */
        for (char *tok = strtok_r(line, " ", &save); tok && nw < 6;
             tok = strtok_r(NULL, " ", &save))
            w[nw++] = tok;
        if (nw == 0) {
            bad(&rd, lineno, "%s", "a line of spaces (comments start with '#')");
        } else if (strcmp(w[0], "endpoint") == 0) {
            if (nw != 5)
                bad(&rd, lineno, "%s", "want: endpoint <addr:port> <peer addr:port> "
                                       "<client|server> <STATE>");
            else
                endpoint_line(&rd, t, lineno, w + 1);
        } else if (strcmp(w[0], "expect") == 0 || strcmp(w[0], "allow") == 0) {
            if (nw != 2)
                bad(&rd, lineno, "want: %s <anomaly>", w[0]);
            else
                anomaly_line(&rd, t, lineno, w[0][0] == 'e', w[1]);
        } else {
            bad(&rd, lineno, "unknown keyword %s", w[0]);
        }
    }
    if (ferror(f))
        bad(&rd, lineno, "%s", "read error");
    fclose(f);

    if (descriptions != 1)
        bad(&rd, lineno, "%s", descriptions ? "more than one description"
                                            : "no description line");
    if (t->nendpoints == 0)
        bad(&rd, lineno, "%s", "no endpoint lines");
    check_peers(&rd, t);
    return rd.errors;
}
