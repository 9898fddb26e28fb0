/*
 * packet-tcp-lifecycle.c - the Wireshark adapter of the tcp.lifecycle engine.
 *
 * A postdissector: for every frame that carries TCP it decodes the frame's
 * own bytes with tcpl_wire_decode() (cheaper than asking Wireshark to keep
 * the tcp.* fields for us, which costs a proto tree per frame), steps the
 * engine of the frame's 4-tuple, and stores a compact record per frame
 * (lifecycle-store.c).  That happens once, on the first, in-order pass; every later dissection of
 * the frame (GUI clicks, tshark -2's second pass) draws the stored record,
 * so random access shows the same per-packet values.  Stream-level fields
 * are drawn from the lifecycle itself: what is known so far in one pass,
 * the whole capture (closed with tcpl_finish at the capture's end) when the
 * frame is revisited.
 *
 * This file registers the fields, draws them, tags the Info column of
 * frames with anomalies and taps the Statistics tree (tcpl-stats.c); the
 * words come from lifecycle-text.c.
 *
 * No TCP rule lives here: states, transitions and anomalies all come from
 * core/.  The frame is decoded by tcpl_wire_decode(), so the link types
 * and tunnels are those it knows (wire.h); TCP inside a tunnel is the
 * connection tracked, and tcp.lifecycle.tunnel names the tunnel.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <ws_version.h>

#include <epan/column-utils.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <wsutil/wmem/wmem.h>

#include "lifecycle-store.h"
#include "packet-tcp-lifecycle.h"
#include "tcpl-plugin.h"
#include "tcpl/tcpl.h"
#include "tcpl/wire.h"

/* ------------------------------------------------------------ registration */

static int proto_tcp_lifecycle = -1;

static int hf_lifecycle = -1;
static int hf_state = -1;
static int hf_src_state = -1;
static int hf_dst_state = -1;
static int hf_client_state = -1;
static int hf_server_state = -1;
static int hf_role = -1;
static int hf_role_guessed = -1;
static int hf_transition = -1;
static int hf_inferred = -1;
static int hf_anomaly = -1;
static int hf_errno = -1;
static int hf_time_in_state = -1;
static int hf_tunnel = -1;
static int hf_stream = -1;
static int hf_stream_client_state = -1;
static int hf_stream_server_state = -1;
static int hf_stream_anomaly = -1;
static int hf_stream_first_closer = -1;
static int hf_stream_close_type = -1;
static int hf_stream_duration = -1;
static int hf_stream_conn_state = -1;
static int hf_stream_history = -1;

static int ett_lifecycle = -1;
static int ett_stream = -1;

/* One expert field per anomaly, indexed by tcpl_anomaly. */
static expert_field ei_anomaly[TCPL_ANOMALY_COUNT];

static dissector_handle_t tcpl_handle;
static int expert_tap = -1;
static int tcpl_tap = -1;

/* Expert Information's own fields (_ws.expert, .message, .severity,
 * .group): a filter on one of them needs our expert infos drawn. */
static int ws_expert_hf[4] = {-1, -1, -1, -1};

/* Bool preferences take a bool * from Wireshark 4.4 on, a gboolean * before. */
#if WIRESHARK_VERSION_MAJOR > 4 ||                                             \
    (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
typedef bool tcpl_pref_bool;
#else
typedef gboolean tcpl_pref_bool;
#endif

/* Preferences, gathered in one place.  Thresholds are whole milliseconds:
 * Wireshark 4.0 has no decimal preference type, and an unsigned one is
 * checked where it is entered (the dialog refuses "abc", so does -o),
 * where a text preference would be saved as typed. */
static struct {
    guint syn_timeout_ms;
    guint close_wait_stall_ms;
    guint zero_window_stall_ms;
    tcpl_pref_bool tag_transitions;
    tcpl_pref_bool check_checksums;
} prefs_v = {1000, 1000, 1000, 0, 0};

/* The engine configuration the preferences translate into; copied into
 * each new connection, so a change applies after the redissection
 * Wireshark runs when preferences change. */
static tcpl_config tcpl_cfg;

static void tcpl_init(void)
{
    tcpl_store_init();
    /* The expert tap and fields are registered after the plugins'
     * handoffs. */
    expert_tap = find_tap_id("expert");
    ws_expert_hf[0] = proto_registrar_get_id_byname("_ws.expert");
    ws_expert_hf[1] = proto_registrar_get_id_byname("_ws.expert.message");
    ws_expert_hf[2] = proto_registrar_get_id_byname("_ws.expert.severity");
    ws_expert_hf[3] = proto_registrar_get_id_byname("_ws.expert.group");
}

/*
 * The two subtree lines summarise the packet and the lifecycle.  Their
 * labels are built only when someone reads them: the items are numbers
 * (the frame number) shown through these BASE_CUSTOM formatters, which
 * Wireshark calls when it displays the line (details pane, tshark -V) and
 * never for tshark -T fields.  A formatter gets only the value, so the view
 * is the one of the latest dissection: the whole capture once frames are
 * revisited (GUI, tshark -2), the lifecycle so far in one pass (where a
 * frame is printed right after it is dissected).
 */
static bool label_whole;

static void label_packet(gchar *out, guint32 num)
{
    const frame_rec *r = rec_get(num);
    frame_view v;
    uint8_t names[TCPL_MAX_EVENTS * 2];
    int n = 0;
    tcpl_buf b;

    tcpl_buf_init(&b, out, ITEM_LABEL_LENGTH);
    if (r == NULL)
        return;
    view_init(&v, r, num, label_whole);
    for (int i = 0; i < view_nevents(&v) && n < (int)sizeof names; i++)
        names[n++] = view_event(&v, i)->anomaly;
    tcpl_packet_summary(&b, v.c, r->state, rec_trans(r), r->ntrans, names, n);
}

static void label_stream(gchar *out, guint32 num)
{
    const frame_rec *r = rec_get(num);
    frame_view v;
    tcpl_buf b;

    tcpl_buf_init(&b, out, ITEM_LABEL_LENGTH);
    if (r == NULL)
        return;
    view_init(&v, r, num, label_whole);
    tcpl_stream_summary(&b, v.c, v.lc->stream, v.lc->successor);
}

/* The items point at no bytes (offset 0, length 0), so they are added
 * without the frame's tvb: Wireshark then skips checking that range
 * against the frame, ~390 instructions a packet over ~13 items
 * (callgrind); -V, PDML, JSON and EK print the same. */
static proto_item *add_str(proto_tree *t, int hf, const char *s)
{
    proto_item *it = proto_tree_add_string(t, hf, NULL, 0, 0, s);

    proto_item_set_generated(it);
    return it;
}

static void add_ns(proto_tree *t, int hf, int64_t ns)
{
    nstime_t v;

    v.secs = (time_t)(ns / 1000000000);
    v.nsecs = (int)(ns % 1000000000);
    proto_item_set_generated(proto_tree_add_time(t, hf, NULL, 0, 0, &v));
}

static void add_expert(packet_info *pinfo, proto_item *it,
                       const tcpl_conn *c, const frame_event *e)
{
    tcpl_event ev;
    char text[256];

    memset(&ev, 0, sizeof ev);
    ev.anomaly = (tcpl_anomaly)e->anomaly;
    ev.endpoint = e->endpoint;
    ev.duration_ns = e->duration_ns;
    ev.bytes = e->bytes;
    ev.icmp = e->icmp;
    ev.icmp_type = e->icmp_type;
    ev.icmp_code = e->icmp_code;
    ev.icmp_from_peer = e->icmp_from_peer;
    ev.ttl = e->ttl;
    ev.ttl_lo = e->ttl_lo;
    ev.ttl_hi = e->ttl_hi;
    tcpl_describe(c, &ev, text, sizeof text);
    expert_add_info_format(pinfo, it, &ei_anomaly[e->anomaly], "%s", text);
}

/* "[TCP lifecycle: RST after FIN]" before the Info text, as Wireshark's
 * own "[TCP ZeroWindow]": each anomaly the frame shows, once, and with the
 * preference on, its transitions. */
static void tag_info(packet_info *pinfo, const frame_view *v)
{
    char s[256];
    tcpl_buf b;
    uint32_t seen = 0;

    tcpl_buf_init(&b, s, sizeof s);
    if (prefs_v.tag_transitions) {
        for (int i = 0; i < v->r->ntrans; i++) {
            const tcpl_transition *tr = &rec_trans(v->r)[i];

            tcpl_buf_addf(&b, "%s%s %s " TCPL_ARROW " %s", i ? ", " : "",
                          tcpl_role_name(v->c, tr->endpoint),
                          tcpl_state_name(tr->from), tcpl_state_name(tr->to));
        }
    }
    for (int i = 0; i < view_nevents(v); i++) {
        int a = view_event(v, i)->anomaly;

        if (seen & TCPL_BIT(a))
            continue;
        tcpl_buf_add(&b, seen ? ", " : b.len ? "; " : "");
        tcpl_buf_add(&b, tcpl_anomaly_phrase((tcpl_anomaly)a));
        seen |= TCPL_BIT(a);
    }
    if (b.len)
        col_prepend_fstr(pinfo->cinfo, COL_INFO, "[TCP lifecycle: %s] ", s);
}

static void draw_stream(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo,
                        const frame_view *v)
{
    const tcpl_conn *c = v->c;
    proto_item *top = proto_tree_add_uint(t, hf_stream, tvb, 0, 0, pinfo->num);
    proto_tree *st = proto_item_add_subtree(top, ett_stream);
    tcpl_close close = tcpl_close_kind(c);

    proto_item_set_generated(top);
    if (c->client >= 0) {
        add_str(st, hf_stream_client_state,
                tcpl_state_name(c->ep[c->client].state));
        add_str(st, hf_stream_server_state,
                tcpl_state_name(c->ep[!c->client].state));
    }
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if (c->anomalies & TCPL_BIT(a))
            add_str(st, hf_stream_anomaly, tcpl_anomaly_name((tcpl_anomaly)a));
    /* Open, or refused (it never opened): no closer, no close type. */
    if (close >= TCPL_CLOSE_FIN) {
        add_str(st, hf_stream_first_closer, tcpl_role_name(c, c->first_closer));
        add_str(st, hf_stream_close_type, tcpl_close_name(close));
    }
    add_ns(st, hf_stream_duration, c->last_ns - c->first_ns);
    /* Zeek's verdict, as conn.log would give it, for users who join our
     * view with theirs (core/zeek.c). */
    char zstate[8], zhist[TCPL_ZEEK_HISTORY];
    tcpl_zeek_verdict(c, zstate, sizeof zstate, zhist, sizeof zhist);
    add_str(st, hf_stream_conn_state, zstate);
    add_str(st, hf_stream_history, zhist);
}

static void draw(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                 const frame_view *v)
{
    const frame_rec *r = v->r;
    lifecycle *lc = v->lc;
    const tcpl_conn *c = v->c;
    int from = r->from, to = !r->from;
    proto_item *top;
    proto_tree *t;

    top = proto_tree_add_uint(tree, hf_lifecycle, tvb, 0, 0, pinfo->num);
    proto_item_set_generated(top);
    t = proto_item_add_subtree(top, ett_lifecycle);
    /* The protocol itself, for a filter naming it ("tcp_lifecycle"). */
    if (proto_registrar_get_nth(proto_tcp_lifecycle)->ref_type ==
        HF_REF_TYPE_DIRECT)
        proto_item_set_hidden(proto_tree_add_item(t, proto_tcp_lifecycle,
                                                  tvb, 0, 0, ENC_NA));
    /* Either endpoint's state, for `tcp.lifecycle.state == "X"`; hidden,
     * as the sender and receiver lines below say the same. */
    proto_item_set_hidden(
        add_str(t, hf_state, tcpl_state_name((tcpl_state)r->state[from])));
    proto_item_set_hidden(
        add_str(t, hf_state, tcpl_state_name((tcpl_state)r->state[to])));
    add_str(t, hf_src_state, tcpl_state_name((tcpl_state)r->state[from]));
    add_str(t, hf_dst_state, tcpl_state_name((tcpl_state)r->state[to]));
    if (c->client >= 0) {
        int cl = c->client;

        add_str(t, hf_client_state, tcpl_state_name((tcpl_state)r->state[cl]));
        add_str(t, hf_server_state, tcpl_state_name((tcpl_state)r->state[!cl]));
        add_str(t, hf_role, tcpl_role_name(c, from));
        /* Only when true: each tree item costs every frame in tshark. */
        if (c->role_guessed)
            proto_item_set_generated(
                proto_tree_add_boolean(t, hf_role_guessed, tvb, 0, 0, 1));
    }
    if (r->in_state_ns >= 0)
        add_ns(t, hf_time_in_state, r->in_state_ns);
    if (r->tunnelled) {
        char s[TCPL_WIRE_ENCAP_STRLEN];

        if (tunnel_text(tvb, pinfo, s, sizeof s))
            add_str(t, hf_tunnel, s);
    }

    /* Formatting a transition costs; skip it when nobody looks.  Built
     * from its words: snprintf took ~1 400 instructions a transition,
     * ~270 a packet on the benchmark capture. */
    if (r->ntrans && proto_field_is_referenced(tree, hf_transition)) {
        for (int i = 0; i < r->ntrans; i++) {
            const tcpl_transition *tr = &rec_trans(r)[i];
            char s[112];
            tcpl_buf b;

            tcpl_buf_init(&b, s, sizeof s);
            tcpl_buf_add(&b, tcpl_role_name(c, tr->endpoint));
            tcpl_buf_add(&b, " ");
            tcpl_buf_add(&b, tcpl_state_name(tr->from));
            tcpl_buf_add(&b, " -> ");
            tcpl_buf_add(&b, tcpl_state_name(tr->to));
            if (tr->inferred)
                tcpl_buf_add(&b, " (inferred)");
            add_str(t, hf_transition, s);
        }
    }
    /* Only when true, like role_guessed: a transition this packet did not
     * show but proves (a FIN the capture missed, acknowledged here). */
    for (int i = 0; i < r->ntrans; i++) {
        if (rec_trans(r)[i].inferred) {
            proto_item_set_generated(
                proto_tree_add_boolean(t, hf_inferred, tvb, 0, 0, 1));
            break;
        }
    }
    /* The frame's anomalies; on the lifecycle's last frame, also what the
     * capture's end revealed (two passes). */
    for (int i = 0; i < view_nevents(v); i++) {
        const frame_event *e = view_event(v, i);
        const tcpl_conn *about = e->of_prev && lc->prev ? &lc->prev->conn : c;
        proto_item *it =
            add_str(t, hf_anomaly, tcpl_anomaly_name((tcpl_anomaly)e->anomaly));

        add_expert(pinfo, it, about, e);
    }

    /* What the applications most likely saw because of this packet. */
    if (rec_app(r) != NULL) {
        for (int i = 0; i < 2; i++) {
            const tcpl_app_error *a = &rec_app(r)[i];
            char s[64];

            if (a->call == TCPL_CALL_NONE)
                continue;
            tcpl_app_error_text(*a, s, sizeof s);
            proto_item_append_text(add_str(t, hf_errno, s), " (%s)",
                                   tcpl_role_name(c, i));
        }
    }

    draw_stream(t, tvb, pinfo, v);
}

/* Every field we draw, to ask whether any is wanted.  The protocol's own
 * "referenced" flag does not do: tshark -T fields leaves protocols
 * unfaked, which makes every protocol count as referenced. */
static int *const all_hf[] = {
    &hf_lifecycle, &hf_state, &hf_src_state, &hf_dst_state,
    &hf_client_state, &hf_server_state, &hf_role, &hf_role_guessed,
    &hf_transition, &hf_inferred, &hf_anomaly, &hf_errno, &hf_time_in_state,
    &hf_tunnel,
    &hf_stream,
    &hf_stream_client_state, &hf_stream_server_state, &hf_stream_anomaly,
    &hf_stream_first_closer, &hf_stream_close_type, &hf_stream_duration,
    &hf_stream_conn_state, &hf_stream_history,
};

/* Is any of our fields wanted: drawn in a visible tree, or named by a
 * filter, a column or -e?  That includes the expert fields
 * (tcp.lifecycle.expert.*, _ws.expert.*), which only exist if we draw,
 * and the protocol's own name, named directly (not as a parent). */
static bool fields_wanted(proto_tree *tree)
{
    if (tree == NULL)
        return false;
    if (PTREE_DATA(tree)->visible)
        return true;
    for (size_t i = 0; i < array_length(all_hf); i++)
        if (proto_field_is_referenced(tree, *all_hf[i]))
            return true;
    for (int a = 0; a < TCPL_ANOMALY_COUNT; a++)
        if (ei_anomaly[a].hf > 0 &&
            proto_field_is_referenced(tree, ei_anomaly[a].hf))
            return true;
    for (size_t i = 0; i < array_length(ws_expert_hf); i++)
        if (ws_expert_hf[i] > 0 &&
            proto_field_is_referenced(tree, ws_expert_hf[i]))
            return true;
    return proto_registrar_get_nth(proto_tcp_lifecycle)->ref_type ==
           HF_REF_TYPE_DIRECT;
}

static int dissect_tcp_lifecycle(tvbuff_t *tvb, packet_info *pinfo,
                                 proto_tree *tree, void *data _U_)
{
    const frame_rec *r;
    frame_view v;
    bool drawn, tagged, tapped;

    if (!PINFO_FD_VISITED(pinfo))
        r = compute(tvb, pinfo, &tcpl_cfg, prefs_v.check_checksums);
    else
        r = rec_get(pinfo->num);
    if (r == NULL)
        return 0;
    /* Draw only for someone: a visible tree, a filter or -e naming one of
     * our fields, or a tap collecting expert infos (tshark -z expert builds
     * no tree).  Our top item is never faked, so drawing for nobody would
     * cost tshark -T fields of other fields a tree node per frame.  The
     * Info column is tagged only when it is being built and the frame has
     * something to say. */
    drawn = fields_wanted(tree) || have_tap_listener(expert_tap);
    tapped = have_tap_listener(tcpl_tap);
    tagged = pinfo->cinfo != NULL &&
             (r->nevents || (prefs_v.tag_transitions && r->ntrans) ||
              (PINFO_FD_VISITED(pinfo) && pinfo->num == r->lc->last_frame)) &&
             (col_get_writable(pinfo->cinfo, COL_INFO) || r->icmp);
    if (!drawn && !tagged && !tapped)
        return 0;
    label_whole = PINFO_FD_VISITED(pinfo);
    view_init(&v, r, pinfo->num, label_whole);
    if (tagged) {
        /* The ICMP dissector leaves Info read-only when the quoted packet
         * is cut short by the snap length (its exception skips restoring
         * it); the error's frame still gets its tag. */
        bool was_all = col_get_writable(pinfo->cinfo, -1);
        bool was_info = col_get_writable(pinfo->cinfo, COL_INFO);
        col_set_writable(pinfo->cinfo, -1, TRUE);
        col_set_writable(pinfo->cinfo, COL_INFO, TRUE);
        tag_info(pinfo, &v);
        col_set_writable(pinfo->cinfo, COL_INFO, was_info);
        col_set_writable(pinfo->cinfo, -1, was_all);
    }
    if (tapped) {
        tcpl_tap_info *ti = wmem_new(pinfo->pool, tcpl_tap_info);

        ti->lifecycle = v.lc;
        ti->conn = v.c;
        ti->trans = rec_trans(r);
        ti->ntrans = r->ntrans;
        ti->ts_ns = frame_ns(&pinfo->abs_ts);
        ti->from = r->icmp ? -1 : r->from;
        tap_queue_packet(tcpl_tap, pinfo, ti);
    }
    if (drawn)
        draw(tvb, pinfo, tree, &v);
    return tvb_captured_length(tvb);
}

/* ------------------------------------------------------------ preferences */

static void tcpl_prefs_apply(void)
{
    tcpl_cfg.syn_timeout_ns = (int64_t)prefs_v.syn_timeout_ms * 1000000;
    tcpl_cfg.close_wait_stall_ns =
        (int64_t)prefs_v.close_wait_stall_ms * 1000000;
    tcpl_cfg.zero_window_stall_ns =
        (int64_t)prefs_v.zero_window_stall_ms * 1000000;
}

/* ------------------------------------------------------------ registration */

/* Map the engine's severities to Wireshark's; a constant expression so the
 * expert table below can be generated at compile time. */
#define TCPL_PI_SEVERITY(s)                                                    \
    ((s) == TCPL_SEV_CHAT   ? PI_CHAT                                          \
     : (s) == TCPL_SEV_NOTE ? PI_NOTE                                          \
     : (s) == TCPL_SEV_WARN ? PI_WARN                                          \
                            : PI_ERROR)

void proto_register_tcp_lifecycle(void)
{
    static hf_register_info hf[] = {
        {&hf_lifecycle,
         {"TCP lifecycle", "tcp.lifecycle", FT_UINT32, BASE_CUSTOM,
          CF_FUNC(label_packet), 0x0,
          "Inferred RFC 9293 state of both endpoints (value: the frame "
          "number, shown as the packet's summary)",
          HFILL}},
        {&hf_state,
         {"Either endpoint's state", "tcp.lifecycle.state", FT_STRING,
          BASE_NONE, NULL, 0x0,
          "State of either endpoint after this segment (hidden: added once "
          "per endpoint, so a filter on it matches either side)",
          HFILL}},
        {&hf_src_state,
         {"Sender state", "tcp.lifecycle.src_state", FT_STRING, BASE_NONE,
          NULL, 0x0, "State of the sending endpoint after this segment",
          HFILL}},
        {&hf_dst_state,
         {"Receiver state", "tcp.lifecycle.dst_state", FT_STRING, BASE_NONE,
          NULL, 0x0, "State of the receiving endpoint after this segment",
          HFILL}},
        {&hf_client_state,
         {"Client state", "tcp.lifecycle.client_state", FT_STRING, BASE_NONE,
          NULL, 0x0, NULL, HFILL}},
        {&hf_server_state,
         {"Server state", "tcp.lifecycle.server_state", FT_STRING, BASE_NONE,
          NULL, 0x0, NULL, HFILL}},
        {&hf_role,
         {"Sender role", "tcp.lifecycle.role", FT_STRING, BASE_NONE, NULL,
          0x0, "client or server", HFILL}},
        {&hf_role_guessed,
         {"Role guessed", "tcp.lifecycle.role_guessed", FT_BOOLEAN, BASE_NONE,
          NULL, 0x0, "No handshake seen: client and server guessed", HFILL}},
        {&hf_transition,
         {"Transition", "tcp.lifecycle.transition", FT_STRING, BASE_NONE,
          NULL, 0x0, "State change this segment caused; \" (inferred)\" "
          "when deduced from ACK and sequence numbers", HFILL}},
        {&hf_inferred,
         {"Inferred transition", "tcp.lifecycle.inferred", FT_BOOLEAN,
          BASE_NONE, NULL, 0x0,
          "A transition of this segment was deduced from ACK and sequence "
          "numbers: the capture missed the segment that caused it", HFILL}},
        {&hf_anomaly,
         {"Anomaly", "tcp.lifecycle.anomaly", FT_STRING, BASE_NONE, NULL, 0x0,
          "Lifecycle anomaly this segment revealed", HFILL}},
        {&hf_errno,
         {"Application error", "tcp.lifecycle.errno", FT_STRING, BASE_NONE,
          NULL, 0x0,
          "What this segment most likely made an application's socket call "
          "return, as Linux reports it: \"connect: ECONNREFUSED (111)\", "
          "\"read: 0 (end of stream)\"; the item names the endpoint", HFILL}},
        {&hf_time_in_state,
         {"Time in state", "tcp.lifecycle.time_in_state", FT_RELATIVE_TIME,
          BASE_NONE, NULL, 0x0,
          "How long the sender had been in its state before this segment",
          HFILL}},
        {&hf_tunnel,
         {"Tunnel", "tcp.lifecycle.tunnel", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the TCP segment was encapsulated in, outermost first, and "
          "the outermost tunnel's endpoints (e.g. \"vxlan 192.0.2.1->"
          "192.0.2.2\"); present only on encapsulated frames",
          HFILL}},
        {&hf_stream,
         {"Lifecycle", "tcp.lifecycle.stream", FT_UINT32, BASE_CUSTOM,
          CF_FUNC(label_stream), 0x0,
          "The whole lifecycle this segment belongs to (value: the frame "
          "number, shown as the lifecycle's summary)",
          HFILL}},
        {&hf_stream_client_state,
         {"Final client state", "tcp.lifecycle.stream.client_state",
          FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_stream_server_state,
         {"Final server state", "tcp.lifecycle.stream.server_state",
          FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_stream_anomaly,
         {"Stream anomaly", "tcp.lifecycle.stream.anomaly", FT_STRING,
          BASE_NONE, NULL, 0x0, "Any anomaly of this lifecycle", HFILL}},
        {&hf_stream_first_closer,
         {"First closer", "tcp.lifecycle.stream.first_closer", FT_STRING,
          BASE_NONE, NULL, 0x0, "Endpoint that closed first", HFILL}},
        {&hf_stream_close_type,
         {"Close type", "tcp.lifecycle.stream.close_type", FT_STRING,
          BASE_NONE, NULL, 0x0,
          "How the first close happened: FIN, RST, or FIN then RST "
          "(absent on a refused connection)",
          HFILL}},
        {&hf_stream_duration,
         {"Duration", "tcp.lifecycle.stream.duration", FT_RELATIVE_TIME,
          BASE_NONE, NULL, 0x0, "First to last segment of the lifecycle",
          HFILL}},
        {&hf_stream_conn_state,
         {"Zeek conn_state", "tcp.lifecycle.stream.conn_state", FT_STRING,
          BASE_NONE, NULL, 0x0,
          "The lifecycle's conn_state as Zeek's conn.log gives it (S0, S1, "
          "SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH)",
          HFILL}},
        {&hf_stream_history,
         {"Zeek history", "tcp.lifecycle.stream.history", FT_STRING,
          BASE_NONE, NULL, 0x0,
          "The lifecycle's history in Zeek's letters (client upper case, "
          "server lower case; '^' when the server's packet came first)",
          HFILL}},
    };
    static int *ett[] = {&ett_lifecycle, &ett_stream};
    /* Summaries (the group line of Expert Information) are phrases,
     * filled in below. */
    static ei_register_info ei[] = {
#define TCPL_EI(id, name, sev, kind, text)                                     \
    {&ei_anomaly[TCPL_A_##id],                                                 \
     {"tcp.lifecycle.expert." name, PI_SEQUENCE, TCPL_PI_SEVERITY(sev), NULL,  \
      EXPFILL}},
        TCPL_ANOMALIES(TCPL_EI)
#undef TCPL_EI
    };
    module_t *m;
    expert_module_t *em;

    proto_tcp_lifecycle = proto_register_protocol(
        "TCP lifecycle", "TCP lifecycle", "tcp_lifecycle");
    proto_register_field_array(proto_tcp_lifecycle, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    for (size_t i = 0; i < array_length(ei); i++)
        ei[i].eiinfo.summary = tcpl_anomaly_headline((tcpl_anomaly)i);
    em = expert_register_protocol(proto_tcp_lifecycle);
    expert_register_field_array(em, ei, array_length(ei));
    tcpl_tap = register_tap(TCPL_TAP_NAME);

    tcpl_config_init(&tcpl_cfg);
    prefs_v.syn_timeout_ms = (guint)(tcpl_cfg.syn_timeout_ns / 1000000);
    prefs_v.close_wait_stall_ms =
        (guint)(tcpl_cfg.close_wait_stall_ns / 1000000);
    prefs_v.zero_window_stall_ms =
        (guint)(tcpl_cfg.zero_window_stall_ns / 1000000);
    m = prefs_register_protocol(proto_tcp_lifecycle, tcpl_prefs_apply);
    prefs_register_uint_preference(
        m, "syn_timeout_ms", "SYN answer time (ms)",
        "A SYN with no SYN-ACK after this many milliseconds is flagged "
        "syn_unanswered",
        10, &prefs_v.syn_timeout_ms);
    prefs_register_uint_preference(
        m, "close_wait_stall_ms", "CLOSE_WAIT stall (ms)",
        "An endpoint in CLOSE_WAIT this many milliseconds is flagged "
        "close_wait_stall",
        10, &prefs_v.close_wait_stall_ms);
    prefs_register_uint_preference(
        m, "zero_window_stall_ms", "Zero-window stall (ms)",
        "A receive window held at 0 this many milliseconds is flagged "
        "zero_window_stall",
        10, &prefs_v.zero_window_stall_ms);
    prefs_register_bool_preference(
        m, "tag_transitions", "Tag transitions in the Info column",
        "Besides anomalies, tag each state change in the Info column, e.g. "
        "[TCP lifecycle: client ESTABLISHED \xe2\x86\x92 FIN_WAIT_1]",
        &prefs_v.tag_transitions);
    prefs_register_bool_preference(
        m, "check_checksums", "Verify IPv4 and TCP checksums",
        "A TCP segment with a bad checksum is then no evidence of any state "
        "(Zeek's 'C' in the history) and a bad IPv4 header sum drops the "
        "packet. Off by default, as in the TCP dissector: captures on the "
        "sending host see checksums the NIC fills in later",
        &prefs_v.check_checksums);
    /* The seconds-as-text thresholds of earlier versions: -o with them now
     * fails loudly, a preferences file naming them is cleaned on save. */
    prefs_register_obsolete_preference(m, "syn_timeout");
    prefs_register_obsolete_preference(m, "close_wait_stall");
    prefs_register_obsolete_preference(m, "zero_window_stall");

    register_init_routine(tcpl_init);
    register_cleanup_routine(tcpl_store_cleanup);
}

void proto_reg_handoff_tcp_lifecycle(void)
{
    tcpl_handle = create_dissector_handle(dissect_tcp_lifecycle,
                                          proto_tcp_lifecycle);
    register_postdissector(tcpl_handle);
}
