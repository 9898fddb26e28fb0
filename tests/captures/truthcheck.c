/*
 * truthcheck.c - validates a truth file in captures/ against the engine's
 * own names.
 *
 * States and anomaly names are looked up with tcpl_state_from_name() and
 * tcpl_anomaly_from_name(), so a truth file cannot name something the
 * engine, the plugin and the post-processor do not know.  Beyond the
 * syntax it checks what the format promises: one description, addresses
 * that parse, every endpoint's peer listed with the opposite role, no
 * endpoint twice, no anomaly both expected and allowed.
 *
 * On success it prints one line per endpoint, "<addr:port> <peer> <role>",
 * for check-truth.sh to compare with the capture.  Errors go to stderr as
 * "truthcheck: file:line: what is wrong"; exit 0 ok, 1 bad file, 2 usage.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpl/tcpl.h"

enum { MAX_ENDPOINTS = 64, ADDR_MAX = 64 };

typedef struct endpoint {
    char me[ADDR_MAX];
    char peer[ADDR_MAX];
    int v6;
    int client;
    int line;
} endpoint;

static const char *path;
static int errors;

static void bad(int line, const char *fmt, const char *arg)
{
    fprintf(stderr, "truthcheck: %s:%d: ", path, line);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    errors++;
}

/* "127.0.0.1:41000" or "[::1]:41000"; sets *v6.  Port 1..65535, decimal
 * without sign or leading zeros, as ss and tshark print it. */
static int parse_addr(const char *s, int *v6)
{
    const char *colon;
    char host[ADDR_MAX];
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            return -1;
        size_t n = (size_t)(close - s - 1);
        if (n == 0 || n >= sizeof host)
            return -1;
        memcpy(host, s + 1, n);
        host[n] = '\0';
        colon = close + 1;
        *v6 = 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return -1;
        size_t n = (size_t)(colon - s);
        if (n == 0 || n >= sizeof host)
            return -1;
        memcpy(host, s, n);
        host[n] = '\0';
        *v6 = 0;
    }
    unsigned char buf[16];
    if (inet_pton(*v6 ? AF_INET6 : AF_INET, host, buf) != 1)
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
    return 0;
}

static int check_file(const char *file)
{
    static endpoint eps[MAX_ENDPOINTS];
    int nep = 0, descriptions = 0, lineno = 0;
    int expect[TCPL_ANOMALY_COUNT] = {0}, allow[TCPL_ANOMALY_COUNT] = {0};
    char line[1024];

    path = file;
    errors = 0;
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "truthcheck: %s: cannot open\n", file);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n') {
            bad(lineno, "%s", "line too long or not terminated by a newline");
            if (len == sizeof line - 1)
                break;
            continue;
        }
        line[--len] = '\0';
        if (line[0] == '#')
            continue;
        if (len == 0) {
            bad(lineno, "%s", "empty line (comments start with '#')");
            continue;
        }
        if (strncmp(line, "description ", 12) == 0) {
            if (line[12] == '\0' || line[12] == ' ')
                bad(lineno, "%s", "description must be one non-empty line");
            descriptions++;
            continue;
        }
        char *save = NULL;
        char *kw = strtok_r(line, " ", &save);
        char *f1 = strtok_r(NULL, " ", &save);
        char *f2 = strtok_r(NULL, " ", &save);
        char *f3 = strtok_r(NULL, " ", &save);
        char *f4 = strtok_r(NULL, " ", &save);
        char *extra = strtok_r(NULL, " ", &save);
        if (strcmp(kw, "endpoint") == 0) {
            if (!f4 || extra) {
                bad(lineno, "%s", "want: endpoint <addr:port> <peer addr:port> "
                                  "<client|server> <STATE>");
                continue;
            }
            endpoint e = {.line = lineno};
            int pv6 = 0;
            if (parse_addr(f1, &e.v6) != 0) {
                bad(lineno, "bad address %s", f1);
                continue;
            }
            if (parse_addr(f2, &pv6) != 0) {
                bad(lineno, "bad peer address %s", f2);
                continue;
            }
            if (pv6 != e.v6)
                bad(lineno, "%s", "endpoint and peer of different families");
            if (strcmp(f1, f2) == 0)
                bad(lineno, "endpoint %s is its own peer", f1);
            if (strcmp(f3, "client") == 0)
                e.client = 1;
            else if (strcmp(f3, "server") != 0)
                bad(lineno, "role %s is neither client nor server", f3);
            int st = tcpl_state_from_name(f4, strlen(f4));
            if (st < 0)
                bad(lineno, "unknown state %s", f4);
            else if (st == TCPL_UNKNOWN)
                bad(lineno, "%s", "UNKNOWN is not a kernel state");
            if (strlen(f1) >= ADDR_MAX || strlen(f2) >= ADDR_MAX) {
                bad(lineno, "%s", "address too long");
                continue;
            }
            strcpy(e.me, f1);
            strcpy(e.peer, f2);
            for (int i = 0; i < nep; i++)
                if (strcmp(eps[i].me, e.me) == 0 &&
                    strcmp(eps[i].peer, e.peer) == 0)
                    bad(lineno, "endpoint %s listed twice for one peer", e.me);
            if (nep == MAX_ENDPOINTS) {
                bad(lineno, "%s", "too many endpoints");
                continue;
            }
            eps[nep++] = e;
        } else if (strcmp(kw, "expect") == 0 || strcmp(kw, "allow") == 0) {
            if (!f1 || f2) {
                bad(lineno, "want: %s <anomaly>", kw);
                continue;
            }
            int a = tcpl_anomaly_from_name(f1, strlen(f1));
            if (a < 0) {
                bad(lineno, "unknown anomaly %s", f1);
                continue;
            }
            int *mine = kw[0] == 'e' ? expect : allow;
            int *other = kw[0] == 'e' ? allow : expect;
            if (mine[a])
                bad(lineno, "anomaly %s listed twice", f1);
            if (other[a])
                bad(lineno, "anomaly %s both expected and allowed", f1);
            mine[a] = 1;
        } else {
            bad(lineno, "unknown keyword %s", kw);
        }
    }
    if (ferror(f))
        bad(lineno, "%s", "read error");
    fclose(f);

    if (descriptions != 1)
        bad(lineno, "%s", descriptions ? "more than one description"
                                       : "no description line");
    if (nep == 0)
        bad(lineno, "%s", "no endpoint lines");
    for (int i = 0; i < nep; i++) {
        int found = 0;
        for (int j = 0; j < nep; j++) {
            if (strcmp(eps[j].me, eps[i].peer) != 0 ||
                strcmp(eps[j].peer, eps[i].me) != 0)
                continue;
            found = 1;
            if (eps[j].client == eps[i].client)
                bad(eps[i].line, "endpoint %s has the same role as its peer",
                    eps[i].me);
        }
        if (!found)
            bad(eps[i].line, "the peer of %s has no endpoint line", eps[i].me);
    }
    if (errors)
        return 1;
    for (int i = 0; i < nep; i++)
        printf("%s %s %s\n", eps[i].me, eps[i].peer,
               eps[i].client ? "client" : "server");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: truthcheck FILE.truth\n");
        return 2;
    }
    return check_file(argv[1]);
}
