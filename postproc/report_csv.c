/*
 * report_csv.c - the CSV format of `tcp-lifecycle report`: one header row,
 * then one row per shown stream, whatever the number of files (the file
 * is a column).  No totals: a spreadsheet sums them itself.
 */
#include "report_hosts.h"
#include "report_writer.h"

static const char *const csv_columns =
    "file,stream,successor,client,server,roles,start,end,duration,packets,"
    "first_frame,last_frame,client_final,server_final,first_closer,"
    "first_close,anomalies,client_states,server_states,capture_gaps,"
    "missed_bytes,tunnel,conn_state,history,orig_pkts,resp_pkts,orig_bytes,"
    "resp_bytes,zeek_missed_bytes,client_errno,server_errno,orig_ip_bytes,"
    "resp_ip_bytes\n";

static void write_csv(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc)
{
    tcpl_sbuf *b = &ctx->sb;
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    char tunnel[TCPL_WIRE_ENCAP_STRLEN];
    tcpl_sb_csv_str(b, ctx->name);
    sb_putc(b, ',');
    sb_u64(b, (uint64_t)lc->stream);
    sb_putc(b, ',');
    sb_u64(b, lc->successor);
    sb_putc(b, ',');
    sb_endpoint(b, &lc->tuple, ci);
    sb_putc(b, ',');
    sb_endpoint(b, &lc->tuple, !ci);
    sb_putc(b, ',');
    sb_puts(b, tcpl_roles_word(c));
    sb_putc(b, ',');
    sb_secs9(b, c->first_ns);
    sb_putc(b, ',');
    sb_secs9(b, c->last_ns);
    sb_putc(b, ',');
    sb_secs9(b, c->last_ns - c->first_ns);
    sb_putc(b, ',');
    sb_u64(b, lc->packets);
    sb_putc(b, ',');
    sb_u64(b, lc->first_frame);
    sb_putc(b, ',');
    sb_u64(b, lc->last_frame);
    sb_putc(b, ',');
    sb_puts(b, tcpl_state_name(c->ep[ci].state));
    sb_putc(b, ',');
    sb_puts(b, tcpl_state_name(c->ep[!ci].state));
    sb_putc(b, ',');
    if (c->first_closer >= 0)
        sb_puts(b, tcpl_role_name(c, c->first_closer));
    sb_putc(b, ',');
    if (c->first_closer >= 0)
        sb_puts(b, c->first_close_rst ? "RST" : "FIN");
    sb_putc(b, ',');
    tcpl_sb_anomalies(b, c->anomalies, ';', false);
    for (int side = 0; side < 2; side++) {
        int e = side == 0 ? ci : !ci;
        bool first = true;
        sb_putc(b, ',');
        for (size_t i = 0; i < lc->ntimeline; i++) {
            if (lc->timeline[i].endpoint != e)
                continue;
            if (!first)
                sb_putc(b, ' ');
            sb_puts(b, tcpl_state_name(lc->timeline[i].state));
            first = false;
        }
    }
    sb_putc(b, ',');
    sb_u64(b, tcpl_lc_gaps(lc));
    sb_putc(b, ',');
    sb_u64(b, tcpl_lc_missed(lc));
    sb_putc(b, ',');
    tcpl_sb_csv_str(b, tcpl_lc_tunnel(lc, tunnel));
    /* Zeek's view, under conn.log's names; our `missed_bytes` came first,
     * so Zeek's is `zeek_missed_bytes` here. */
    tcpl_lc_zeek z;
    tcpl_lc_zeek_of(lc, &z);
    sb_putc(b, ',');
    sb_puts(b, z.state);
    sb_putc(b, ',');
    sb_puts(b, z.history);
    sb_putc(b, ',');
    sb_u64(b, z.n.orig_pkts);
    sb_putc(b, ',');
    sb_u64(b, z.n.resp_pkts);
    sb_putc(b, ',');
    sb_u64(b, z.n.orig_bytes);
    sb_putc(b, ',');
    sb_u64(b, z.n.resp_bytes);
    sb_putc(b, ',');
    sb_u64(b, z.n.missed_bytes);
    for (int side = 0; side < 2; side++) {
        char err[64];
        tcpl_app_error_text(c->ep[side == 0 ? ci : !ci].app, err, sizeof err);
        sb_putc(b, ',');
        sb_puts(b, err); /* never a comma or a quote */
    }
    /* Added after the others, so that columns read by position stay
     * where they were; empty when the input did not give every packet's
     * IP length. */
    sb_putc(b, ',');
    if (z.n.ip_bytes_known)
        sb_u64(b, z.n.orig_ip_bytes);
    sb_putc(b, ',');
    if (z.n.ip_bytes_known)
        sb_u64(b, z.n.resp_ip_bytes);
    sb_putc(b, '\n');
    if (!sb_flush(b, f))
        ctx->failed = true;
}

static void csv_begin_report(tcpl_writer_ctx *ctx)
{
    fputs(ctx->o->hosts ? tcpl_hosts_csv_columns : csv_columns, ctx->out);
}

const tcpl_report_writer tcpl_writer_csv = {
    .name = "csv",
    .begin_report = csv_begin_report,
    .lifecycle = write_csv,
    .hosts = tcpl_hosts_csv,
};
