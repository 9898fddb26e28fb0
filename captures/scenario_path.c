/*
 * scenario_path.c - scenarios in which the path, not an endpoint, acts:
 * a firewall answering a SYN with an ICMP error, a SYN-ACK whose ACK the
 * client never sent (what a sequence-rewriting middlebox or asymmetric
 * routing produces), a firewall forging a RST in the server's name, and a
 * router that cannot forward full-size segments and whose "fragmentation
 * needed" errors are dropped (a PMTU black hole).
 * The firewall is the scenario's nft rules (make-captures.sh); the
 * rewritten SYN-ACK is sent here through a raw socket, since no kernel
 * would send it.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

/* A connect() the firewall rejects with an ICMP error; the errno the
 * application got is printed for the README.  The port has a listener:
 * only the rule stands in the way.  On loopback the first error arrives
 * while connect() still holds the socket, which makes it a soft error
 * (the socket stays SYN-SENT); the error that answers the SYN's
 * retransmission at 1 s ends the attempt.  The capture shows both. */
void connect_rejected(void)
{
    int l = listener(8);
    int c = bound_socket(CLIENT_PORT);
    connect_nb(c, SERVER_PORT);
    int err = connect_result(c, 3000);
    if (err == 0) {
        errno = 0;
        die("connect succeeded through the reject rule");
    }
    printf("connect(): %s (errno %d)\n", strerror(err), err);
    msleep(1400);
    (void)l;
    sync_point("end");
}

/* RFC 1071 one's-complement sum, continued from sum. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

/* A SYN-ACK from 127.0.0.1:SERVER_PORT to CLIENT_PORT with the given
 * sequence and acknowledgment numbers; the kernel adds the IP header. */
static void send_synack(uint32_t seq, uint32_t ack)
{
    uint8_t t[20] = {0};
    uint8_t pseudo[12] = {127, 0, 0, 1, 127, 0, 0, 1, 0, IPPROTO_TCP, 0, 20};
    t[0] = SERVER_PORT >> 8;
    t[1] = SERVER_PORT & 0xFF;
    t[2] = CLIENT_PORT >> 8;
    t[3] = CLIENT_PORT & 0xFF;
    for (int i = 0; i < 4; i++) {
        t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    t[12] = 5 << 4;
    t[13] = 0x12; /* SYN | ACK */
    t[14] = 0xFF;
    t[15] = 0xFF;
    uint32_t sum = sum16(t, sizeof t, sum16(pseudo, sizeof pseudo, 0));
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    uint16_t ck = (uint16_t)~sum;
    t[16] = (uint8_t)(ck >> 8);
    t[17] = (uint8_t)ck;

    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
    if (fd < 0)
        die("raw socket");
    struct sockaddr_storage ss;
    socklen_t len = make_addr(&ss, 0);
    if (sendto(fd, t, sizeof t, 0, (struct sockaddr *)&ss, len) != sizeof t)
        die("send the SYN-ACK");
    close(fd);
}

/* The client's SYN never reaches a socket (dropped at the server's
 * input); a SYN-ACK acknowledging a number the client never sent comes
 * back instead.  RFC 9293 3.10.7.3: the client answers <SEQ=SEG.ACK>
 * <CTL=RST>, drops it and stays in SYN-SENT; its SYN is retransmitted at
 * 1 s.  IPv4 only (the raw SYN-ACK is built for 127.0.0.1). */
void synack_rejected(void)
{
    int c = bound_socket(CLIENT_PORT);
    connect_nb(c, SERVER_PORT);
    msleep(50);
    send_synack(0x5EED0000u, 0x0BADF00Du);
    msleep(1500);
    sync_point("end");
}

/* The server greets, the client sends a request; a firewall rejects the
 * request with a RST in the server's name.  The server's own packets
 * leave with TTL 57 (an nft rule, as if it were 7 hops away), the forged
 * RST with the firewall's 64.  The client's connection is reset; the
 * server never hears of it. */
void rst_injected(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    send_n(s, 100, "BANNER");
    recv_n(c, 100);
    msleep(100); /* the client's delayed ACK of the banner */
    send_n(c, 200, "REQUEST");
    msleep(100);
    char b;
    if (recv(c, &b, 1, 0) >= 0 || errno != ECONNRESET) {
        errno = 0;
        die("the client's connection was not reset");
    }
    errno = 0;
    msleep(400);
    (void)s;
    sync_point("end");
}

/* Routed (make-captures.sh): the router's link toward the server has a
 * smaller MTU than both hosts' links, and the router's "fragmentation
 * needed" errors are dropped before they leave it.  Small requests and
 * answers pass; then the client writes 6000 bytes, whose full-size
 * segments (DF set, as Linux sends TCP) the router cannot forward and
 * cannot report.  Without MTU probing (tcp_mtu_probing=0) the client's
 * kernel retransmits them at full size until it gives up, minutes later;
 * the capture ends after 5 s of that. */
void pmtu_blackhole(void)
{
    int l = listener(8);
    int c = client(CLIENT_PORT);
    int s = accept_one(l);
    for (int i = 0; i < 3; i++) {
        char tag[16];
        snprintf(tag, sizeof tag, "REQ%d", i);
        send_n(c, 300, tag);
        recv_n(s, 300);
        send_n(s, 200, "ANSWER");
        recv_n(c, 200);
        msleep(50);
    }
    for (int i = 0; i < 3; i++)
        send_n(c, 2000, i == 0 ? "UPLOAD" : "MORE");
    msleep(5000);
    sync_point("end");
}
