/*
 * asan-canary.c - a plugin with a deliberate heap overflow, built only in
 * the sanitizer build.  canary.sh loads it the way the other tests load
 * tcp_lifecycle.so; if ASan does not stop tshark on it, the sanitizer runs
 * of the plugin tests would not catch a real bug either.
 */
#include <stdlib.h>

#include <epan/packet.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

WS_DLL_PUBLIC_DEF const char plugin_version[] = "0.0.0";
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

static int proto_canary = -1;

static int dissect_canary(tvbuff_t *tvb _U_, packet_info *pinfo _U_,
                          proto_tree *tree _U_, void *data _U_)
{
    char *volatile p = malloc(8);
    volatile char c = p[8]; /* one byte past the end: ASan must stop here */

    free(p);
    return c;
}

static void register_canary(void)
{
    proto_canary = proto_register_protocol("TCPL ASan canary", "tcpl_canary",
                                           "tcpl_canary");
}

static void handoff_canary(void)
{
    register_postdissector(
        create_dissector_handle(dissect_canary, proto_canary));
}

void plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = register_canary;
    plug.register_handoff = handoff_canary;
    proto_register_plugin(&plug);
}
