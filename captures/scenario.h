/*
 * scenario.h - what the scenario driver's files share: the fixed ports,
 * the helpers of scenario.c (sockets bound to those ports, exact sends and
 * receives, sync points with make-captures.sh), and the scenarios of
 * scenario_path.c (ICMP errors, a rejected SYN-ACK, a forged RST, a PMTU
 * black hole).
 */
#ifndef TCPL_CAPTURES_SCENARIO_H
#define TCPL_CAPTURES_SCENARIO_H

#include <stddef.h>
#include <sys/socket.h>

enum { SERVER_PORT = 5000, CLIENT_PORT = 41000 };

extern int family; /* AF_INET, or AF_INET6 for a _v6 scenario */

/* Callers set errno to 0 before a failure that is not a system call's. */
void die(const char *fmt, ...);
void msleep(long ms);
void sync_point(const char *name);
socklen_t make_addr(struct sockaddr_storage *ss, int port);
int bound_socket(int port);
int listener(int backlog);
int client(int sport);
int accept_one(int lfd);
void connect_nb(int fd, int port);
int connect_result(int fd, int timeout_ms);
void send_n(int fd, size_t n, const char *tag);
void recv_n(int fd, size_t n);

void connect_rejected(void);
void synack_rejected(void);
void rst_injected(void);
void pmtu_blackhole(void);

#endif /* TCPL_CAPTURES_SCENARIO_H */
