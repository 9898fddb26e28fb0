/*
 * wire_text.c - names of the decoder's encapsulation layers and the short
 * text that describes a frame's encapsulation (wire.h:
 * tcpl_wire_layer_name, tcpl_wire_encap_str).  Both adapters show this
 * text (the plugin's tcp.lifecycle.tunnel, the report's tunnel column), so
 * it is made once, here.
 */
#include "tcpl/wire.h"


static const char *const layer_names[TCPL_ENC_COUNT] = {
    [TCPL_ENC_MPLS] = "mpls",       [TCPL_ENC_PBB] = "pbb",
    [TCPL_ENC_PPPOE] = "pppoe",     [TCPL_ENC_VNTAG] = "vntag",
    [TCPL_ENC_ETAG] = "etag",       [TCPL_ENC_NSH] = "nsh",
    [TCPL_ENC_IPIP] = "ipip",       [TCPL_ENC_GRE] = "gre",
    [TCPL_ENC_ERSPAN1] = "erspan1", [TCPL_ENC_ERSPAN2] = "erspan2",
    [TCPL_ENC_ERSPAN3] = "erspan3", [TCPL_ENC_VXLAN] = "vxlan",
    [TCPL_ENC_VXLAN_GPE] = "vxlan-gpe", [TCPL_ENC_GENEVE] = "geneve",
    [TCPL_ENC_GTPU] = "gtpu",       [TCPL_ENC_AYIYA] = "ayiya",
    [TCPL_ENC_TEREDO] = "teredo",
};

const char *tcpl_wire_layer_name(int layer)
{
    if (layer <= 0 || layer >= TCPL_ENC_COUNT || !layer_names[layer])
        return "?";
    return layer_names[layer];
}

/*
 * The text is built by hand rather than with snprintf: the plugin writes
 * it on every tunnelled frame it draws, and snprintf's format parsing cost
 * ~5000 instructions per string there, ten times the decode.  A writer
 * keeps the length it wanted, like snprintf, and never writes past n - 1.
 */
typedef struct text {
    char *buf;
    size_t n, at;
} text;

static void put_char(text *t, char c)
{
    if (t->at + 1 < t->n)
        t->buf[t->at] = c;
    t->at++;
}

static void put_str(text *t, const char *s)
{
    while (*s)
        put_char(t, *s++);
}

static void put_dec(text *t, unsigned v)
{
    if (v >= 100)
        put_char(t, (char)('0' + v / 100));
    if (v >= 10)
        put_char(t, (char)('0' + v / 10 % 10));
    put_char(t, (char)('0' + v % 10));
}

static void put_hex(text *t, unsigned v)
{
    static const char digits[] = "0123456789abcdef";
    int shift = 12;

    while (shift > 0 && (v >> shift) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put_char(t, digits[(v >> shift) & 0xF]);
}

/* RFC 5952 text: lower-case hex without leading zeros, the longest run of
 * two or more zero groups (the first of equals) as "::". */
static void put_ipv6(text *t, const uint8_t *a)
{
    int best = -1, best_len = 0, len = 0;
    unsigned g[8];

    for (int i = 0; i < 8; i++) {
        g[i] = (unsigned)((a[2 * i] << 8) | a[2 * i + 1]);
        len = g[i] == 0 ? len + 1 : 0;
        if (len > best_len) {
            best_len = len;
            best = i - len + 1;
        }
    }
    if (best_len < 2)
        best = -1;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            put_str(t, "::");
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len)
            put_char(t, ':');
        put_hex(t, g[i]);
    }
}

static void put_addr(text *t, int family, const uint8_t *a)
{
    if (family == 6) {
        put_ipv6(t, a);
        return;
    }
    for (int i = 0; i < 4; i++) {
        if (i)
            put_char(t, '.');
        put_dec(t, a[i]);
    }
}

size_t tcpl_wire_encap_str(const tcpl_wire_encap *e, char *buf, size_t n)
{
    text t = {buf, n, 0};

    for (int i = 0; i < e->n && i < TCPL_WIRE_ENCAP_MAX; i++) {
        if (i)
            put_char(&t, '/');
        put_str(&t, tcpl_wire_layer_name(e->layer[i]));
    }
    if (e->n > 0 && (e->family == 4 || e->family == 6)) {
        put_char(&t, ' ');
        put_addr(&t, e->family, e->src);
        put_str(&t, "->");
        put_addr(&t, e->family, e->dst);
    }
    if (n > 0)
        buf[t.at < n ? t.at : n - 1] = '\0';
    return t.at;
}
