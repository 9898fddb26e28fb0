/*
 * main.c - `tcp-lifecycle`: option parsing and subcommand dispatch.
 *
 * A tiny hand-written parser in the jq style: long options with their
 * value either in the next argument or after '=', strict numeric checks that
 * name the accepted range, and documented exit codes (0 ok, 1 bad input or
 * I/O error, 2 usage).  `annotate` and `report --pcap` live in the pcap
 * reader's files; they are weak references here, so this program builds and
 * says so plainly when they are not compiled in.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "export.h"
#include "jobs.h"
#include "report.h"

#define PROG "tcp-lifecycle"

#ifndef TCPL_VERSION
#define TCPL_VERSION "0.1.0"
#endif

/* Provided by postproc/annotate.c when it is built in. */
int tcpl_cmd_annotate(int argc, char **argv);
int tcpl_cmd_merge(int argc, char **argv); /* merge.c */
#pragma weak tcpl_cmd_annotate
#pragma weak tcpl_report_pcap
#pragma weak tcpl_report_live

static const char usage_text[] =
    "usage: " PROG " fields [--plugin]\n"
    "       " PROG " report [OPTIONS] FILE...\n"
    "       " PROG " report --live IFACE [--filter BPF] [OPTIONS]\n"
    "       " PROG " merge PART.json...   (see " PROG " merge --help)\n"
    "       " PROG " annotate ...   (see " PROG " annotate --help)\n"
    "       " PROG " --help | --version\n"
    "\n"
    "Infer the RFC 9293 state of both endpoints of every TCP connection in a\n"
    "tshark export and report each connection's timeline and anomalies.\n"
    "\n"
    "fields    print the tshark -e options of the export report reads:\n"
    "            tshark -r X.pcap -T fields -E header=y -E separator=/t \\\n"
    "                   $(" PROG " fields) > X.tsv\n"
    "          --plugin adds the tcp.lifecycle.* columns of the Wireshark\n"
    "          plugin, which report then checks against its own inference\n"
    "\n"
    "report    read exports (FILE '-' is standard input), one section each\n"
    "  --format F               text for people (default), csv one row per\n"
    "                           stream, json (JSON Lines) one object per\n"
    "                           stream and a last object with the totals,\n"
    "                           zeek a Zeek conn.log (TSV), zeek-json the\n"
    "                           same in Zeek's JSON log style, html one\n"
    "                           self-contained page with pictures of every\n"
    "                           connection, svg the timeline and ladder of\n"
    "                           the one connection --stream names\n"
    "  --stream N[.M]           only stream N (tcp.stream), or only its M-th\n"
    "                           port-reuse successor N.M\n"
    "  --anomalies-only         only connections with at least one anomaly\n"
    "  --zeek-rows              with --format zeek or zeek-json: one row per\n"
    "                           connection Zeek would log, cut from each of\n"
    "                           ours by Zeek's timers (attempt, close, reset,\n"
    "                           inactivity) and SYN reuse; see " PROG "(1)\n"
    "  --syn-timeout S          SYN without SYN-ACK for S seconds is\n"
    "                           syn_unanswered (default 1)\n"
    "  --close-wait-stall S     CLOSE_WAIT this long is close_wait_stall (1)\n"
    "  --zero-window-stall S    window 0 this long is zero_window_stall (1)\n"
    "  --linger S               report a connection whose endpoints are all\n"
    "                           closed, in TIME_WAIT or handshaking after S\n"
    "                           idle seconds, freeing its memory (65; 0 =\n"
    "                           keep all until the end)\n"
    "  --pcap                   FILEs are capture files (pcap or pcapng; -\n"
    "                           is a pipe: tcpdump -w - | ...), read directly\n"
    "  --live IFACE             capture on IFACE with libpcap until SIGINT or\n"
    "                           SIGTERM; implies --streaming (JSON unless\n"
    "                           --format csv)\n"
    "  --filter BPF             with --live: capture only what BPF matches\n"
    "  --check-checksums        with --pcap or --live: verify IPv4 header and\n"
    "                           TCP checksums; a bad one is no evidence (off:\n"
    "                           captures on a sending host have offloaded,\n"
    "                           unfilled checksums)\n"
    "  --streaming              write each connection when it ends (or its\n"
    "                           linger expires), flushed per line, not in\n"
    "                           start order; SIGINT/SIGTERM end the input\n"
    "                           and write the totals (json or csv)\n"
    "  --events                 streaming JSON: also each anomaly as it is\n"
    "                           detected, with stream and frame\n"
    "  --stats-interval S       streaming: running totals every S seconds\n"
    "                           (JSON objects; CSV: on standard error)\n"
    "  --jobs N                 read N files at a time, in N processes, or\n"
    "                           one capture with N engine threads (default:\n"
    "                           the number of CPUs); the output is the same\n"
    "                           as with --jobs 1\n"
    "  --max-connections N      at most N connections open: past it, the\n"
    "                           least recently active is ended, written\n"
    "                           (end_reason evicted) and counted\n"
    "\n"
    "Exit status: 0 ok (also a live capture or pipe stopped by SIGINT or\n"
    "SIGTERM); 1 bad input (a capture cut in the middle of a packet\n"
    "included), I/O error, an interface that cannot be captured, or the\n"
    "export's tcp.lifecycle columns disagree with the engine; 2 usage error.\n"
    "See " PROG "(1).\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, PROG ": ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see " PROG " --help)\n");
    return 2;
}

/* The formats --format knows, from the report's table: "text, csv or
 * json" with last = " or ". */
static char *format_names(char *buf, size_t n, const char *last)
{
    size_t len = 0, count = 0;
    buf[0] = '\0';
    while (tcpl_format_name((tcpl_format)count))
        count++;
    for (size_t k = 0; k < count && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s",
                                k == 0 ? "" : k + 1 == count ? last : ", ",
                                tcpl_format_name((tcpl_format)k));
    return buf;
}

static bool parse_u32(const char *s, const char *end, int64_t *out)
{
    int64_t v = 0;
    if (s == end || end - s > 10)
        return false;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = v;
    return true;
}

static bool parse_stream(const char *s, int64_t *stream, int64_t *succ)
{
    const char *dot = strchr(s, '.');
    const char *end = s + strlen(s);
    if (!parse_u32(s, dot ? dot : end, stream))
        return false;
    *succ = -1;
    return !dot || parse_u32(dot + 1, end, succ);
}

/* "--name value" or "--name=value"; *i advances past what it used. */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
                             bool *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    *missing = false;
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static int cmd_fields(int argc, char **argv)
{
    bool plugin = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--plugin") == 0)
            plugin = true;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(usage_text, stdout) == EOF;
        else
            return usage_error("fields: unexpected argument '%s'", argv[i]);
    }
    for (int i = 0; tcpl_export_fields[i]; i++)
        printf("%s-e %s", i ? " " : "", tcpl_export_fields[i]);
    if (plugin)
        printf(" -e tcp.lifecycle.src_state -e tcp.lifecycle.dst_state"
               " -e tcp.lifecycle.anomaly");
    putchar('\n');
    if (fflush(stdout) != 0) {
        fprintf(stderr, PROG ": <stdout>: write error: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

static int cmd_report(int argc, char **argv)
{
    tcpl_report_opts o;
    tcpl_report_opts_init(&o);
    bool pcap = false, only_files = false, format_given = false;
    const char *live = NULL, *filter = NULL;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int64_t jobs = cpus > 0 ? (cpus > 1024 ? 1024 : cpus) : 1;
    char **files = calloc((size_t)argc, sizeof *files);
    int nfiles = 0;
    if (!files) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        const char *v;
        bool missing;
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            files[nfiles++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            only_files = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            free(files);
            return fputs(usage_text, stdout) == EOF;
        } else if ((v = opt_value(argc, argv, &i, "--format", &missing)) ||
                   missing) {
            char msg[200], names[120];
            if (missing) {
                snprintf(msg, sizeof msg, "%s needs a value: %s", a,
                         format_names(names, sizeof names, " or "));
                rc = usage_error("%s", msg);
            } else if (!tcpl_format_from_name(v, &o.format)) {
                snprintf(msg, sizeof msg, "--format: '%%s' is not one of %s",
                         format_names(names, sizeof names, ", "));
                rc = usage_error(msg, v);
            }
            format_given = true;
        } else if ((v = opt_value(argc, argv, &i, "--live", &missing)) || missing) {
            if (missing || !v[0])
                rc = usage_error("--live needs an interface name%s", "");
            live = v;
        } else if ((v = opt_value(argc, argv, &i, "--filter", &missing)) ||
                   missing) {
            if (missing)
                rc = usage_error("--filter needs a BPF expression%s", "");
            filter = v;
        } else if ((v = opt_value(argc, argv, &i, "--max-connections", &missing)) ||
                   missing) {
            int64_t n;
            if (missing || !parse_u32(v, v + strlen(v), &n) || n < 1)
                rc = usage_error("--max-connections needs a number in "
                                 "1..4294967295%s", "");
            else
                o.tracker.max_open = (uint64_t)n;
        } else if ((v = opt_value(argc, argv, &i, "--jobs", &missing)) || missing) {
            if (missing || !parse_u32(v, v + strlen(v), &jobs) || jobs < 1 ||
                jobs > 1024)
                rc = usage_error("--jobs needs a number in 1..1024%s", "");
        } else if (strcmp(a, "--streaming") == 0) {
            o.streaming = true;
        } else if (strcmp(a, "--events") == 0) {
            o.events = true;
        } else if ((v = opt_value(argc, argv, &i, "--stream", &missing)) ||
                   missing) {
            if (missing || !parse_stream(v, &o.stream, &o.successor))
                rc = usage_error("--stream: '%s' is not N or N.M with N, M in "
                                 "0..4294967295", missing ? "" : v);
        } else if (strcmp(a, "--anomalies-only") == 0) {
            o.anomalies_only = true;
        } else if (strcmp(a, "--zeek-rows") == 0) {
            o.tracker.zeek_rows = true;
        } else if (strcmp(a, "--pcap") == 0) {
            pcap = true;
        } else if (strcmp(a, "--check-checksums") == 0) {
            o.check_checksums = true;
        } else {
            static const char *const secs[] = {"--syn-timeout", "--close-wait-stall",
                                               "--zero-window-stall", "--linger",
                                               "--stats-interval"};
            int64_t *dst[] = {&o.tracker.cfg.syn_timeout_ns,
                              &o.tracker.cfg.close_wait_stall_ns,
                              &o.tracker.cfg.zero_window_stall_ns,
                              &o.tracker.linger_ns, &o.stats_interval_ns};
            size_t k;
            for (k = 0; k < 5; k++) {
                if ((v = opt_value(argc, argv, &i, secs[k], &missing)) || missing) {
                    if (missing || !tcpl_parse_seconds(v, dst[k]))
                        rc = usage_error("%s needs seconds in 0..86400 (at most 9 "
                                         "decimals)", secs[k]);
                    break;
                }
            }
            if (k == 5)
                rc = usage_error("report: unknown option '%s'", a);
        }
    }
    if (live) {
        o.streaming = true;
        if (!format_given)
            o.format = TCPL_FMT_JSON;
    }
    if (rc == 0 && live && (nfiles > 0 || pcap))
        rc = usage_error("report: --live reads an interface, not FILEs%s", "");
    if (rc == 0 && o.check_checksums && !live && !pcap)
        rc = usage_error("report: --check-checksums goes with --pcap or --live "
                         "(an export carries no checksums)%s", "");
    if (rc == 0 && filter && !live)
        rc = usage_error("report: --filter goes with --live (a filtered file "
                         "would renumber its frames)%s", "");
    if (rc == 0 && !live && nfiles == 0)
        rc = usage_error("report: no input%s: name a FILE, or - for standard input",
                         "");
    if (rc == 0 && o.stream < 0 && tcpl_format_needs_stream(o.format))
        rc = usage_error("--format %s draws one connection: name it with "
                         "--stream N[.M]", tcpl_format_name(o.format));
    if (rc == 0 && o.streaming && o.format != TCPL_FMT_JSON &&
        o.format != TCPL_FMT_CSV && o.format != TCPL_FMT_ZEEK_JSON)
        rc = usage_error("report: streaming writes JSON Lines or CSV rows: "
                         "--format json, csv or zeek-json, not %s",
                         tcpl_format_name(o.format));
    if (rc == 0 && o.tracker.zeek_rows && o.format != TCPL_FMT_ZEEK &&
        o.format != TCPL_FMT_ZEEK_JSON)
        rc = usage_error("report: --zeek-rows cuts conn.log rows: --format "
                         "zeek or zeek-json, not %s", tcpl_format_name(o.format));
    if (rc == 0 && (o.events || o.stats_interval_ns) && !o.streaming)
        rc = usage_error("report: %s goes with --streaming or --live",
                         o.events ? "--events" : "--stats-interval");
    if (rc == 0 && o.events && !tcpl_format_has_events(o.format))
        rc = usage_error("report: --events writes JSON objects: --format json, "
                         "not %s", tcpl_format_name(o.format));
    if (rc == 0 && pcap && !tcpl_report_pcap)
        rc = usage_error("report: %s is not built into this program", "--pcap");
    if (rc == 0 && live && !tcpl_report_live)
        rc = usage_error("report: %s is not built into this program", "--live");
    if (rc) {
        free(files);
        return rc;
    }

#ifdef M_TOP_PAD
    /* One small allocation per connection: growing the heap 16 MB at a
     * time instead of a few pages saves ~10% of a report's time (glibc). */
    mallopt(M_TOP_PAD, 16 << 20);
#endif
    /* Streaming writes as lifecycles end, across files in one stream of
     * records: it stays in one process; so do the formats that keep state
     * across files (html, svg). */
    /* One capture: its connections over --jobs engine threads (several
     * files already keep --jobs processes busy).  Not for html and svg:
     * the segments their ladders draw are kept by the one tracker, which
     * the threads' merge does not carry over. */
    if (jobs > 1 && nfiles == 1 && pcap && tcpl_format_parallel(o.format))
        o.workers = (int)jobs;
    if (jobs > 1 && nfiles > 1 && !o.streaming && tcpl_format_parallel(o.format)) {
        int s = tcpl_report_jobs(&o, files, nfiles, pcap, (int)jobs, stdout);
        free(files);
        return s;
    }
    tcpl_report *r = tcpl_report_new(&o, stdout);
    if (!r) {
        free(files);
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int status = 0;
    if (live && tcpl_report_live(r, &o, live, filter) != 0)
        status = 1;
    for (int i = 0; i < nfiles; i++) {
        int s = pcap ? tcpl_report_pcap(r, &o, files[i])
                     : tcpl_report_export(r, &o, files[i]);
        if (s)
            status = 1;
    }
    int closed = tcpl_report_close(r);
    if (closed < 0)
        fprintf(stderr, PROG ": <stdout>: write error: %s\n", strerror(errno));
    if (closed != 0)
        status = 1;
    free(files);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "missing command: fields, report, merge or annotate");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0)
        return fputs(usage_text, stdout) == EOF;
    if (strcmp(cmd, "--version") == 0)
        return printf(PROG " %s\n", TCPL_VERSION) < 0;
    if (strcmp(cmd, "fields") == 0)
        return cmd_fields(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return tcpl_cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "annotate") == 0) {
        /* The annotate engineer's subcommand (postproc/annotate.c). */
        if (!tcpl_cmd_annotate)
            return usage_error("%s is not built into this program", "annotate");
        return tcpl_cmd_annotate(argc - 1, argv + 1);
    }
    return usage_error("unknown command '%s': fields, report, merge or annotate", cmd);
}
