/*
 * report_json.c - the JSON Lines format of `tcp-lifecycle report`: one
 * object per shown stream, then per file an object with its totals
 * ({"file":..., "totals":{...}}), and with several files one more with
 * "file":null for all of them.  Times are exact seconds (9 decimals).
 * Streaming adds event objects ({"event":"anomaly",...}, --events) and
 * running totals ({"file":...,"interim":true,"totals":{...}}).
 */
#include "report_hosts.h"
#include "report_writer.h"

#include <inttypes.h>

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void write_json(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc)
{
    tcpl_sbuf *b = &ctx->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    char tunnel[TCPL_WIRE_ENCAP_STRLEN];
    sb_puts(b, "{\"file\":");
    tcpl_sb_json_str(b, ctx->name, false);
    sb_puts(b, ",\"stream\":");
    sb_u64(b, (uint64_t)lc->stream);
    sb_puts(b, ",\"successor\":");
    sb_u64(b, lc->successor);
    sb_puts(b, ",\"client\":\"");
    sb_endpoint(b, &lc->tuple, ci);
    sb_puts(b, "\",\"server\":\"");
    sb_endpoint(b, &lc->tuple, !ci);
    sb_puts(b, "\",\"roles\":\"");
    sb_puts(b, tcpl_roles_word(c));
    sb_puts(b, "\",\"client_final\":\"");
    sb_puts(b, tcpl_state_name(c->ep[ci].state));
    sb_puts(b, "\",\"server_final\":\"");
    sb_puts(b, tcpl_state_name(c->ep[!ci].state));
    sb_putc(b, '"');
    if (c->first_closer < 0) {
        sb_puts(b, ",\"first_closer\":null,\"first_close\":null");
    } else {
        sb_puts(b, ",\"first_closer\":\"");
        sb_puts(b, tcpl_role_name(c, c->first_closer));
        sb_puts(b, "\",\"first_close\":\"");
        sb_puts(b, c->first_close_rst ? "RST" : "FIN");
        sb_putc(b, '"');
    }
    sb_puts(b, ",\"anomalies\":[");
    tcpl_sb_anomalies(b, c->anomalies, ',', true);
    sb_puts(b, "],\"start\":");
    sb_secs9(b, c->first_ns);
    sb_puts(b, ",\"end\":");
    sb_secs9(b, c->last_ns);
    sb_puts(b, ",\"duration\":");
    sb_secs9(b, c->last_ns - c->first_ns);
    sb_puts(b, ",\"packets\":");
    sb_u64(b, lc->packets);
    sb_puts(b, ",\"first_frame\":");
    sb_u64(b, lc->first_frame);
    sb_puts(b, ",\"last_frame\":");
    sb_u64(b, lc->last_frame);
    sb_puts(b, ",\"end_reason\":\"");
    sb_puts(b, lc->end == TCPL_LC_END_IDLE        ? "idle"
               : lc->end == TCPL_LC_END_SUCCESSOR ? "successor"
               : lc->end == TCPL_LC_END_EVICTED   ? "evicted"
                                                  : "input");
    sb_puts(b, "\",\"timeline\":[");
    for (size_t i = 0; i < lc->ntimeline; i++) {
        const tcpl_tl_entry *te = &lc->timeline[i];
        sb_puts(b, i ? ",{\"endpoint\":\"" : "{\"endpoint\":\"");
        sb_puts(b, tcpl_role_name(c, te->endpoint));
        sb_puts(b, "\",\"state\":\"");
        sb_puts(b, tcpl_state_name(te->state));
        sb_puts(b, "\",\"frame\":");
        if (te->frame)
            sb_u64(b, te->frame);
        else
            sb_puts(b, "null");
        sb_puts(b, ",\"time\":");
        sb_secs9(b, te->ts_ns);
        sb_puts(b, ",\"duration\":");
        sb_secs9(b, tcpl_fmt_time_in(lc, i));
        sb_puts(b, te->inferred ? ",\"inferred\":true}" : ",\"inferred\":false}");
    }
    sb_puts(b, "],\"events\":[");
    for (size_t i = 0; i < lc->nevents; i++) {
        const tcpl_tl_event *ev = &lc->events[i];
        char line[512];
        tcpl_describe(c, &ev->ev, line, sizeof line);
        sb_puts(b, i ? ",{\"anomaly\":\"" : "{\"anomaly\":\"");
        sb_puts(b, tcpl_anomaly_name(ev->ev.anomaly));
        sb_puts(b, "\",\"endpoint\":\"");
        sb_puts(b, tcpl_role_name(c, ev->ev.endpoint));
        sb_puts(b, "\",\"frame\":");
        if (ev->frame)
            sb_u64(b, ev->frame);
        else
            sb_puts(b, "null");
        sb_puts(b, ",\"time\":");
        sb_secs9(b, ev->ts_ns);
        sb_puts(b, ",\"duration\":");
        if (ev->ev.duration_ns >= 0)
            sb_secs9(b, ev->ev.duration_ns);
        else
            sb_puts(b, "null");
        sb_puts(b, ",\"text\":");
        tcpl_sb_json_str(b, line, false);
        sb_putc(b, '}');
    }
    sb_puts(b, "],\"dropped\":");
    sb_u64(b, lc->timeline_dropped + lc->events_dropped);
    sb_puts(b, ",\"capture_gaps\":");
    sb_u64(b, tcpl_lc_gaps(lc));
    sb_puts(b, ",\"missed_bytes\":");
    sb_u64(b, tcpl_lc_missed(lc));
    sb_puts(b, ",\"tunnel\":");
    tcpl_sb_json_str(b, tcpl_lc_tunnel(lc, tunnel), false);
    /* Zeek's view under conn.log's names (Zeek's missed_bytes is
     * zeek_missed_bytes: ours has the plain name). */
    tcpl_lc_zeek z;
    tcpl_lc_zeek_of(lc, &z);
    sb_puts(b, ",\"conn_state\":\"");
    sb_puts(b, z.state);
    sb_puts(b, "\",\"history\":\"");
    sb_puts(b, z.history);
    sb_puts(b, "\",\"orig_pkts\":");
    sb_u64(b, z.n.orig_pkts);
    sb_puts(b, ",\"resp_pkts\":");
    sb_u64(b, z.n.resp_pkts);
    sb_puts(b, ",\"orig_bytes\":");
    sb_u64(b, z.n.orig_bytes);
    sb_puts(b, ",\"resp_bytes\":");
    sb_u64(b, z.n.resp_bytes);
    /* null: the input did not give every packet's IP length. */
    sb_puts(b, ",\"orig_ip_bytes\":");
    if (z.n.ip_bytes_known)
        sb_u64(b, z.n.orig_ip_bytes);
    else
        sb_puts(b, "null");
    sb_puts(b, ",\"resp_ip_bytes\":");
    if (z.n.ip_bytes_known)
        sb_u64(b, z.n.resp_ip_bytes);
    else
        sb_puts(b, "null");
    sb_puts(b, ",\"zeek_missed_bytes\":");
    sb_u64(b, z.n.missed_bytes);
    for (int side = 0; side < 2; side++) {
        char err[64];
        sb_puts(b, side == 0 ? ",\"client_errno\":" : ",\"server_errno\":");
        if (tcpl_app_error_text(c->ep[side == 0 ? ci : !ci].app, err,
                                sizeof err) > 0)
            tcpl_sb_json_str(b, err, false);
        else
            sb_puts(b, "null");
    }
    sb_puts(b, "}\n");
    if (!sb_flush(b, f))
        ctx->failed = true;
}

/* {"file":..., "totals":{...}}; file NULL for the overall totals.  The
 * keys that only some runs have depend on options, not on the data:
 * "evicted_max_connections" with --max-connections, "kernel_dropped" for
 * a live capture (info given). */
static void json_totals(tcpl_writer_ctx *ctx, const char *file,
                        const tcpl_report_totals *t, const char *kind,
                        const char *error, bool interim,
                        const tcpl_file_info *live)
{
    FILE *f = ctx->out;
    char t1[40], t2[40];
    fputs("{\"file\":", f);
    if (file)
        json_str(f, file);
    else
        fputs("null", f);
    if (interim)
        fputs(",\"interim\":true", f);
    fputs(",\"totals\":{", f);
    if (kind)
        fprintf(f, "\"kind\":\"%s\",", kind);
    else
        fprintf(f, "\"files\":%" PRIu64 ",", t->files);
    fprintf(f, "\"lines\":%" PRIu64 ",\"packets\":%" PRIu64
               ",\"skipped\":{\"non_tcp\":%" PRIu64 ",\"multi_header\":%" PRIu64
               ",\"incomplete\":%" PRIu64 "},\"connections\":%" PRIu64
               ",\"shown\":%" PRIu64 ",\"peak_open\":%" PRIu64
               ",\"evicted\":%" PRIu64,
            t->lines, t->packets, t->skipped[0], t->skipped[1], t->skipped[2],
            t->lifecycles, t->shown, t->peak_open, t->evicted);
    if (ctx->o->tracker.max_open > 0)
        fprintf(f, ",\"evicted_max_connections\":%" PRIu64, t->capped);
    if (live)
        fprintf(f, ",\"open\":%" PRIu64 ",\"kernel_dropped\":%" PRIu64,
                live->stats.open, live->dropped);
    if (t->packets)
        fprintf(f, ",\"start\":%s,\"end\":%s", tcpl_fmt_secs9(t1, sizeof t1, t->first_ns),
                tcpl_fmt_secs9(t2, sizeof t2, t->last_ns));
    else
        fputs(",\"start\":null,\"end\":null", f);
    for (int side = 0; side < 2; side++) {
        fprintf(f, ",\"%s_final\":{", side ? "server" : "client");
        bool first = true;
        for (int s = 0; s < TCPL_STATE_COUNT; s++) {
            if (!t->final[side][s])
                continue;
            fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",",
                    tcpl_state_name((tcpl_state)s), t->final[side][s]);
            first = false;
        }
        fputc('}', f);
    }
    fputs(",\"first_closer\":{", f);
    for (int k = 0; k < TCPL_CLOSER_KINDS; k++)
        fprintf(f, "%s\"%s\":%" PRIu64, k ? "," : "", tcpl_closer_keys[k], t->closer[k]);
    fputs("},\"anomalies\":{", f);
    bool first = true;
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++) {
        if (!t->anomaly[a])
            continue;
        fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",",
                tcpl_anomaly_name((tcpl_anomaly)a), t->anomaly[a]);
        first = false;
    }
    fprintf(f, "},\"plugin_checked\":%" PRIu64 ",\"plugin_disagreements\":%" PRIu64
               ",\"error\":",
            t->plugin_checked, t->plugin_disagreements);
    if (error)
        json_str(f, error);
    else if (t->errors)
        fprintf(f, "\"%" PRIu64 " files could not be read to the end\"", t->errors);
    else
        fputs("null", f);
    /* Last, so the keys before it stay where readers found them: the
     * schema these records follow (postproc/schema/). */
    fprintf(f, ",\"capture_gaps\":%" PRIu64 ",\"missed_bytes\":%" PRIu64
               ",\"schema\":\"" TCPL_REPORT_SCHEMA "\"}}\n",
            t->gaps, t->missed);
}

static void json_end_file(tcpl_writer_ctx *ctx, const tcpl_report_totals *t,
                          const tcpl_file_info *info)
{
    bool live = info->kind && strcmp(info->kind, "live") == 0;
    json_totals(ctx, ctx->name, t, info->kind, info->error, false,
                live ? info : NULL);
}

static void json_interim(tcpl_writer_ctx *ctx, const tcpl_report_totals *t,
                         const tcpl_file_info *info)
{
    bool live = info->kind && strcmp(info->kind, "live") == 0;
    json_totals(ctx, ctx->name, t, info->kind, info->error, true,
                live ? info : NULL);
}

/* One anomaly as the engine raised it: enough to act on alone (stream,
 * endpoints, frame), the lifecycle's record follows when it ends. */
static void json_event(tcpl_writer_ctx *ctx, const tcpl_lifecycle *lc,
                       const tcpl_tl_event *ev)
{
    tcpl_sbuf *b = &ctx->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    char line[512];
    tcpl_describe(c, &ev->ev, line, sizeof line);
    sb_puts(b, "{\"event\":\"anomaly\",\"file\":");
    tcpl_sb_json_str(b, ctx->name, false);
    sb_puts(b, ",\"stream\":");
    sb_u64(b, (uint64_t)lc->stream);
    sb_puts(b, ",\"successor\":");
    sb_u64(b, lc->successor);
    sb_puts(b, ",\"client\":\"");
    sb_endpoint(b, &lc->tuple, ci);
    sb_puts(b, "\",\"server\":\"");
    sb_endpoint(b, &lc->tuple, !ci);
    sb_puts(b, "\",\"anomaly\":\"");
    sb_puts(b, tcpl_anomaly_name(ev->ev.anomaly));
    sb_puts(b, "\",\"endpoint\":\"");
    sb_puts(b, tcpl_role_name(c, ev->ev.endpoint));
    sb_puts(b, "\",\"frame\":");
    if (ev->frame)
        sb_u64(b, ev->frame);
    else
        sb_puts(b, "null");
    sb_puts(b, ",\"time\":");
    sb_secs9(b, ev->ts_ns);
    sb_puts(b, ",\"text\":");
    tcpl_sb_json_str(b, line, false);
    sb_puts(b, "}\n");
    if (!sb_flush(b, ctx->out))
        ctx->failed = true;
}

static void json_end_report(tcpl_writer_ctx *ctx)
{
    if (ctx->all->files > 1)
        json_totals(ctx, NULL, ctx->all, NULL, NULL, false, NULL);
}

const tcpl_report_writer tcpl_writer_json = {
    .name = "json",
    .lifecycle = write_json,
    .end_file = json_end_file,
    .end_report = json_end_report,
    .event = json_event,
    .interim = json_interim,
    .hosts = tcpl_hosts_json,
};
