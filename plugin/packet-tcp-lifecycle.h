/*
 * packet-tcp-lifecycle.h - what plugin.c needs from the dissector: its two
 * registration routines, handed to Wireshark's plugin loader.
 */
#ifndef PACKET_TCP_LIFECYCLE_H
#define PACKET_TCP_LIFECYCLE_H

void proto_register_tcp_lifecycle(void);
void proto_reg_handoff_tcp_lifecycle(void);

#endif /* PACKET_TCP_LIFECYCLE_H */
