/*
 * plugin.c - the entry points Wireshark's plugin loader looks up by name.
 *
 * Kept apart from the dissector so that the version bookkeeping (which
 * changed between Wireshark 4.0 and 4.2) does not clutter it.  The loader
 * refuses a plugin whose plugin_want_major/minor differ from its own
 * version, so these come from the headers the plugin is compiled against.
 */
#include <ws_symbol_export.h>
#include <ws_version.h>

#include <epan/proto.h>
#include <epan/tap.h>

#if WIRESHARK_VERSION_MAJOR > 4 ||                                             \
    (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#include <wsutil/plugins.h>
#endif

#include "packet-tcp-lifecycle.h"
#include "tcpl-plugin.h"

#ifndef TCPL_PLUGIN_VERSION
#define TCPL_PLUGIN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = TCPL_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if WIRESHARK_VERSION_MAJOR > 4 ||                                             \
    (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

/* A dissector and, for Statistics → TCP lifecycle, a tap plugin. */
void plugin_register(void)
{
    static proto_plugin plug;
    static tap_plugin stats;

    plug.register_protoinfo = proto_register_tcp_lifecycle;
    plug.register_handoff = proto_reg_handoff_tcp_lifecycle;
    proto_register_plugin(&plug);
    stats.register_tap_listener = tcpl_register_stats_tree;
    tap_register_plugin(&stats);
}

#if WIRESHARK_VERSION_MAJOR > 4 ||                                             \
    (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
/* Lets `tshark -G plugins` and the About dialog say what kind of plugin
 * this is; the 4.0 loader has no such call. */
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
