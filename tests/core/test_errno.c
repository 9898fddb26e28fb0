/*
 * test_errno.c - unit tests of what the application most likely saw
 * (tcpl_app_error): set on the step whose segment or ICMP error causes it,
 * kept per endpoint, and absent where the wire does not prove it.
 */
#include "fixture.h"

/* The latest step's error for endpoint who, as text ("" if none). */
static const char *step_err(const fx *f, int who)
{
    static char buf[64];
    tcpl_app_error_text(f->r.app[who], buf, sizeof buf);
    return buf;
}

static const char *kept_err(const fx *f, int who)
{
    static char buf[64];
    tcpl_app_error_text(f->c.ep[who].app, buf, sizeof buf);
    return buf;
}

TEST(errno_refused_by_rst)
{
    fx f;
    fx_syn_sent(&f);
    CHECK(f.r.app[C].call == TCPL_CALL_NONE);
    raw(&f, S, RST | A, 0, 1001, 0, 0);
    CHECK(strcmp(step_err(&f, C), "connect: ECONNREFUSED (111)") == 0);
    CHECK(strcmp(step_err(&f, S), "") == 0);
    CHECK(strcmp(kept_err(&f, C), "connect: ECONNREFUSED (111)") == 0);
    fin(&f);
    /* the end of the capture causes nothing, the endpoint keeps it */
    CHECK(f.r.app[C].call == TCPL_CALL_NONE);
    CHECK(f.c.ep[C].app.err == 111);
}

TEST(errno_icmp_as_linux_converts)
{
    static const struct {
        uint8_t family, type, code;
        const char *want;
    } cases[] = {
        {4, 3, 3, "connect: ECONNREFUSED (111)"},
        {4, 3, 1, "connect: EHOSTUNREACH (113)"},
        {4, 3, 0, "connect: ENETUNREACH (101)"},
        {4, 3, 13, "connect: EHOSTUNREACH (113)"},
        {4, 11, 0, "connect: EHOSTUNREACH (113)"},
        {6, 1, 1, "connect: EACCES (13)"},
        {6, 1, 3, "connect: EHOSTUNREACH (113)"},
        {6, 1, 4, "connect: ECONNREFUSED (111)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_syn_sent(&f);
        icmp_err(&f, C, cases[i].family, cases[i].type, cases[i].code, 1000,
                 SYN, 1);
        if (strcmp(step_err(&f, C), cases[i].want) != 0) {
            fprintf(stderr, "case %zu: got '%s', expected '%s'\n", i,
                    step_err(&f, C), cases[i].want);
            failed = 1;
        }
    }
}

TEST(errno_none_for_soft_or_ignored_icmp)
{
    fx f;
    fx_syn_sent(&f);
    icmp_err(&f, C, 4, 3, 4, 1000, SYN, 0); /* fragmentation needed */
    CHECK(f.r.app[C].call == TCPL_CALL_NONE);
    fx_established(&f);
    icmp_err(&f, C, 4, 3, 1, f.nxt[C], A, 0); /* soft once synchronized */
    CHECK(f.r.app[C].call == TCPL_CALL_NONE);
    CHECK(f.c.ep[C].app.call == TCPL_CALL_NONE);
}

TEST(errno_none_for_listener_request)
{
    /* The server's pending connection has no socket: no application. */
    fx f;
    fx_syn_received(&f);
    icmp_err(&f, S, 4, 3, 1, 5001, SYN | A, 0);
    CHECK_STATE(&f, S, TCPL_CLOSED);
    CHECK(f.c.ep[S].app.call == TCPL_CALL_NONE);
}

TEST(errno_eof_at_peer_fin)
{
    fx f;
    fx_established(&f);
    tx(&f, C, FIN | A, 0);
    CHECK(f.r.app[S].call == TCPL_CALL_NONE); /* not yet received */
    tx(&f, S, A, 0);
    CHECK(strcmp(step_err(&f, S), "read: 0 (end of stream)") == 0);
    /* The client had closed: whether it still reads is not on the wire. */
    tx(&f, S, FIN | A, 0);
    tx(&f, C, A, 0);
    CHECK_STATE(&f, C, TCPL_TIME_WAIT);
    CHECK(f.c.ep[C].app.call == TCPL_CALL_NONE);
}

TEST(errno_reset_in_established)
{
    fx f;
    fx_established(&f);
    tx(&f, C, RST | A, 0);
    CHECK(strcmp(step_err(&f, S), "read: ECONNRESET (104)") == 0);
    CHECK(f.r.app[C].call == TCPL_CALL_NONE); /* the sender chose it */
}

TEST(errno_epipe_in_close_wait)
{
    fx f;
    fx_fin_wait_2(&f);
    CHECK(strcmp(kept_err(&f, S), "read: 0 (end of stream)") == 0);
    tx(&f, S, A | PSH, 300);
    raw(&f, C, RST | A, f.nxt[C], f.nxt[S], 0, 0);
    CHECK(strcmp(step_err(&f, S), "write: EPIPE (32)") == 0);
    CHECK(strcmp(kept_err(&f, S), "write: EPIPE (32)") == 0);
}

TEST(errno_none_after_own_close)
{
    /* FIN_WAIT_2 meets a RST: the application may have closed already. */
    fx f;
    fx_fin_wait_2(&f);
    raw(&f, S, RST | A, f.nxt[S], f.nxt[C], 0, 0);
    CHECK_STATE(&f, C, TCPL_CLOSED);
    CHECK(f.r.app[C].call == TCPL_CALL_NONE);
}

TEST(errno_names_and_text)
{
    char buf[8];
    CHECK(tcpl_errno_value("ECONNREFUSED") == 111);
    CHECK(tcpl_errno_value("EACCES") == 13);
    CHECK(tcpl_errno_value("") == 0);
    tcpl_app_error a = {TCPL_CALL_CONNECT, 111};
    CHECK(tcpl_app_error_text(a, buf, sizeof buf) ==
          strlen("connect: ECONNREFUSED (111)"));
    CHECK(strcmp(buf, "connect") == 0); /* truncated, terminated */
    tcpl_app_error none = {TCPL_CALL_NONE, 0};
    CHECK(tcpl_app_error_text(none, buf, sizeof buf) == 0 && buf[0] == 0);
}
