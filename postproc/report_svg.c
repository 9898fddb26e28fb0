/*
 * report_svg.c - `report --format svg --stream N[.M]`: one connection's
 * timeline and ladder as a standalone SVG document, for slides and
 * documents.  The drawing is picture.c's; this file adds the heading and
 * makes sure that the output is the one picture asked for or nothing: the
 * document is held until the input is read, and a stream that is missing
 * or names several connections is a message and exit status 1.
 */
#include "picture.h"
#include "report_writer.h"

#include <stdlib.h>

typedef struct svg_state {
    tcpl_sbuf doc;       /* the picture of the first connection shown */
    uint64_t matches;    /* connections --stream matched */
    char ids[120];       /* their ids, for the message when several */
    const char *file;    /* where the first one was */
    char complaint[400];
} svg_state;

static void heading(tcpl_sbuf *b, const tcpl_writer_ctx *ctx,
                    const tcpl_lifecycle *lc)
{
    const tcpl_conn *c = &lc->conn;
    int ci = tcpl_client_of(c);
    char id[40], e1[80], e2[80], dur[40];
    tcpl_sb_printf(b, "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">"
                      "stream %s: %s ",
                   tcpl_fmt_stream_id(id, sizeof id, lc), tcpl_role_name(c, ci));
    tcpl_sb_xml(b, tcpl_fmt_endpoint(e1, sizeof e1, &lc->tuple, ci));
    tcpl_sb_printf(b, " \xe2\x86\x92 %s ", tcpl_role_name(c, !ci));
    tcpl_sb_xml(b, tcpl_fmt_endpoint(e2, sizeof e2, &lc->tuple, !ci));
    sb_puts(b, "</text><text x=\"8\" y=\"34\">");
    tcpl_sb_xml(b, ctx->name);
    tcpl_sb_printf(b, " \xc2\xb7 %llu packets, frames %llu\xe2\x80\x93%llu \xc2\xb7 %s%s</text>",
                   (unsigned long long)lc->packets, (unsigned long long)lc->first_frame,
                   (unsigned long long)lc->last_frame,
                   tcpl_pic_fmt_us(dur, sizeof dur,
                                   (double)tcpl_pic_us(c->last_ns - c->first_ns)),
                   c->role_guessed ? " \xc2\xb7 roles guessed from the ports" : "");
    if (lc->tuple.encap.n > 0) {
        char tunnel[TCPL_WIRE_ENCAP_STRLEN];
        b->len -= strlen("</text>"); /* the tunnel belongs on this line */
        sb_puts(b, " \xc2\xb7 tunnel ");
        tcpl_sb_xml(b, tcpl_lc_tunnel(lc, tunnel));
        sb_puts(b, "</text>");
    }
    tcpl_close k = tcpl_close_kind(c);
    tcpl_sb_printf(b, "<text x=\"8\" y=\"50\">at the end: %s %s, %s %s \xc2\xb7 "
                      "first close: %s%s%s \xc2\xb7 anomalies: ",
                   tcpl_role_name(c, ci), tcpl_state_name(c->ep[ci].state),
                   tcpl_role_name(c, !ci), tcpl_state_name(c->ep[!ci].state),
                   c->first_closer >= 0 ? tcpl_role_name(c, c->first_closer) : "",
                   c->first_closer >= 0 ? " " : "", tcpl_close_name(k));
    if (c->anomalies) {
        tcpl_sb_anomalies(b, c->anomalies, ' ', false);
    } else {
        sb_puts(b, "none");
    }
    sb_puts(b, "</text>");
}

static void svg_lifecycle(tcpl_writer_ctx *ctx, FILE *f, const tcpl_lifecycle *lc)
{
    (void)f; /* nothing goes out before the input has been read */
    svg_state *st = ctx->state;
    char id[40];
    tcpl_fmt_stream_id(id, sizeof id, lc);
    size_t used = strlen(st->ids);
    if (used + strlen(id) + 8 < sizeof st->ids)
        snprintf(st->ids + used, sizeof st->ids - used, "%s%s", used ? ", " : "", id);
    else if (!strstr(st->ids, "..."))
        snprintf(st->ids + used, sizeof st->ids - used, " ...");
    if (st->matches++)
        return;
    st->file = ctx->name;
    tcpl_sbuf *b = &st->doc;
    double top = 58, tl_y = top + PIC(LEGEND_H), ld_y = tl_y + PIC(TL_HEIGHT) + 8;
    double h = ld_y + tcpl_pic_ladder_height(lc) + 4;
    tcpl_sb_printf(b,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
                   "height=\"%.0f\" viewBox=\"0 0 %g %.0f\" font-family=\"DejaVu Sans, "
                   "Verdana, Arial, sans-serif\" font-size=\"%g\">\n<title>stream %s</title>"
                   "<style>%s</style>",
                   PIC(WIDTH), h, PIC(WIDTH), h, PIC(FONT), id, tcpl_pic_css);
    tcpl_pic_defs(b);
    sb_puts(b, "\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    heading(b, ctx, lc);
    tcpl_sb_printf(b, "\n<g transform=\"translate(0,%g)\">", top);
    tcpl_pic_legend(b);
    sb_puts(b, "</g>\n");
    tcpl_pic_timeline(b, lc, tl_y);
    sb_putc(b, '\n');
    tcpl_pic_ladder(b, lc, ld_y);
    sb_puts(b, "\n</svg>\n");
}

static void svg_end_report(tcpl_writer_ctx *ctx)
{
    svg_state *st = ctx->state;
    const tcpl_report_opts *o = ctx->o;
    char want[40];
    if (o->successor >= 0)
        snprintf(want, sizeof want, "%lld.%lld", (long long)o->stream,
                 (long long)o->successor);
    else
        snprintf(want, sizeof want, "%lld", (long long)o->stream);
    const char *where = ctx->all->files == 1 ? ctx->name : "the input";
    if (ctx->all->errors)
        snprintf(st->complaint, sizeof st->complaint,
                 "%s: not read to the end: no picture drawn", where);
    else if (st->matches == 0)
        snprintf(st->complaint, sizeof st->complaint,
                 "%s: no connection on stream %s%s (%llu connections in all; "
                 "`report --format csv` lists them)",
                 where, want, o->anomalies_only ? " with an anomaly" : "",
                 (unsigned long long)ctx->all->lifecycles);
    else if (st->matches > 1)
        snprintf(st->complaint, sizeof st->complaint,
                 "%s: stream %s names %llu connections (%s): pick one with "
                 "--stream N.M%s",
                 where, want, (unsigned long long)st->matches, st->ids,
                 ctx->all->files > 1 ? " and one input file" : "");
    else if (st->doc.oom)
        snprintf(st->complaint, sizeof st->complaint, "out of memory drawing stream %s",
                 want);
    if (st->complaint[0])
        ctx->complaint = st->complaint;
    else if (fwrite(st->doc.p, 1, st->doc.len, ctx->out) != st->doc.len)
        ctx->failed = true;
    free(st->doc.p);
}

const tcpl_report_writer tcpl_writer_svg = {
    .name = "svg",
    .state_size = sizeof(svg_state),
    .one_process = true,
    .one_stream = true,
    .lifecycle = svg_lifecycle,
    .end_report = svg_end_report,
};
