// Open-loop HTTP/1.1 load generator for tools/bench/proxy: keep-alive connections, a fixed
// request rate (or as fast as possible), latency measured from each request's *scheduled* send
// time to the last byte of its response (so queueing behind a slow server counts: no
// coordinated omission). Understands content-length and chunked responses (SSE streams).
//
//   proxy-loadgen PORT PATH BODYFILE RATE SECONDS CONNECTIONS
//   RATE 0 = closed loop at maximum speed. Prints one JSON line.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { IDLE, BUSY, DEAD };
typedef struct {
    int fd, state;
    size_t sent;           // bytes of the request written
    double scheduled;      // when this request should have been sent (s)
    char buf[65536];
    size_t len;            // bytes buffered
    int phase;             // 0 headers, 1 body by length, 2 chunk size line, 3 chunk data, 4 chunk CRLF
    long remaining;
    int status, chunked;
} Conn;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *request; static size_t request_len;
static int port;
static double *lat; static size_t nlat, caplat;
static long ok, bad, errors;

static int dial(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = inet_addr("127.0.0.1");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) { close(fd); return -1; }
    return fd;
}

static void record(double ms) {
    if (nlat == caplat) { caplat = caplat ? caplat * 2 : 65536; lat = realloc(lat, caplat * sizeof *lat); }
    lat[nlat++] = ms;
}

static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }

// Consumes buffered response bytes; returns 1 when a whole response was read.
static int parse(Conn *c) {
    for (;;) {
        if (c->phase == 0) {
            char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
            if (!end) return 0;
            size_t hl = end - c->buf + 4;
            c->status = atoi(c->buf + 9);
            c->chunked = 0; c->remaining = 0;
            for (char *p = c->buf; p < end; p++) {
                if ((*p == '\n') && p + 1 < end) {
                    if (!strncasecmp(p + 1, "content-length:", 15)) c->remaining = atol(p + 16);
                    if (!strncasecmp(p + 1, "transfer-encoding:", 18) && memmem(p, end - p, "chunked", 7)) c->chunked = 1;
                }
            }
            memmove(c->buf, c->buf + hl, c->len - hl); c->len -= hl;
            c->phase = c->chunked ? 2 : 1;
        } else if (c->phase == 1) {
            size_t take = c->len < (size_t)c->remaining ? c->len : (size_t)c->remaining;
            memmove(c->buf, c->buf + take, c->len - take); c->len -= take; c->remaining -= take;
            if (c->remaining == 0) { c->phase = 0; return 1; }
            return 0;
        } else if (c->phase == 2) {
            char *end = memmem(c->buf, c->len, "\r\n", 2);
            if (!end) return 0;
            long size = strtol(c->buf, NULL, 16);
            size_t hl = end - c->buf + 2;
            memmove(c->buf, c->buf + hl, c->len - hl); c->len -= hl;
            if (size == 0) { c->phase = 4; c->remaining = -1; } else { c->phase = 3; c->remaining = size; }
        } else if (c->phase == 3) {
            size_t take = c->len < (size_t)c->remaining ? c->len : (size_t)c->remaining;
            memmove(c->buf, c->buf + take, c->len - take); c->len -= take; c->remaining -= take;
            if (c->remaining > 0) return 0;
            c->phase = 4;
        } else {  // CRLF after a chunk; after the last chunk it ends the response
            if (c->len < 2) return 0;
            memmove(c->buf, c->buf + 2, c->len - 2); c->len -= 2;
            if (c->remaining == -1) { c->phase = 0; return 1; }
            c->phase = 2;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 7) { fprintf(stderr, "usage: proxy-loadgen PORT PATH BODYFILE RATE SECONDS CONNECTIONS\n"); return 2; }
    port = atoi(argv[1]);
    const char *path = argv[2];
    FILE *f = fopen(argv[3], "rb");
    if (!f) { perror(argv[3]); return 2; }
    static char body[1 << 20];
    size_t body_len = fread(body, 1, sizeof body, f);
    fclose(f);
    double rate = atof(argv[4]), seconds = atof(argv[5]);
    int nconn = atoi(argv[6]);
    request = malloc(body_len + 512);
    request_len = sprintf(request,
        "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-bench-secret\r\n"
        "Content-Length: %zu\r\n\r\n", path, body_len);
    memcpy(request + request_len, body, body_len); request_len += body_len;

    int ep = epoll_create1(0);
    Conn *conns = calloc(nconn, sizeof *conns);
    for (int i = 0; i < nconn; i++) {
        conns[i].fd = dial();
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }
    double start = now(), stop = start + seconds, drain = stop + 5;
    long scheduled = 0, sent = 0, backlog = 0;
    int *idle = malloc(nconn * sizeof(int)), nidle = 0;
    for (int i = 0; i < nconn; i++) idle[nidle++] = i;
    struct epoll_event events[256];

    #define SEND(ci, when) do { Conn *c = &conns[ci]; c->state = BUSY; c->sent = 0; c->scheduled = (when); \
        ssize_t w = send(c->fd, request, request_len, MSG_NOSIGNAL); if (w > 0) c->sent = w; sent++; } while (0)

    for (;;) {
        double t = now();
        if (t >= drain) break;
        if (rate > 0) {
            while (t < stop && start + scheduled / rate <= t) { scheduled++; backlog++; }
            while (backlog > 0 && nidle > 0) {
                double when = start + (scheduled - backlog) / rate;
                backlog--; SEND(idle[--nidle], when);
            }
        } else if (t < stop) {
            while (nidle > 0) { scheduled++; SEND(idle[--nidle], now()); }
        }
        if (t >= stop && nidle == nconn) break;
        double next = rate > 0 && t < stop ? start + scheduled / rate : t + 0.05;
        double wait = next - now(); if (wait < 0) wait = 0;
        struct timespec ts = {.tv_sec = (time_t)wait, .tv_nsec = (long)((wait - (time_t)wait) * 1e9)};
        int n = epoll_pwait2(ep, events, 256, &ts, NULL);
        for (int k = 0; k < n; k++) {
            Conn *c = &conns[events[k].data.u32];
            if (c->state != BUSY) continue;
            if ((events[k].events & EPOLLOUT) && c->sent < request_len) {
                ssize_t w = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);
                if (w > 0) c->sent += w;
            }
            if (events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                for (;;) {
                    ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
                    if (r > 0) {
                        c->len += r;
                        if (parse(c)) {
                            double done = now();
                            if (c->status == 200) { ok++; record((done - c->scheduled) * 1000); } else bad++;
                            c->state = IDLE; idle[nidle++] = events[k].data.u32;
                            if (rate == 0 && done < stop) { scheduled++; int ci = idle[--nidle]; SEND(ci, done); }
                            else if (rate > 0 && backlog > 0) {
                                double when = start + (scheduled - backlog) / rate;
                                backlog--; int ci = idle[--nidle]; SEND(ci, when);
                            }
                        }
                        if (c->len == sizeof c->buf) c->len = 0;
                        continue;
                    }
                    if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                        errors++; c->state = DEAD; close(c->fd);
                        c->fd = dial(); c->len = 0; c->phase = 0;
                        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = events[k].data.u32};
                        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
                        c->state = IDLE; idle[nidle++] = events[k].data.u32;
                    }
                    break;
                }
            }
        }
    }
    double elapsed = now() - start;
    qsort(lat, nlat, sizeof *lat, cmp);
    double p50 = nlat ? lat[nlat / 2] : 0, p99 = nlat ? lat[(size_t)(nlat * 0.99)] : 0;
    double measured = elapsed < seconds ? elapsed : seconds;
    printf("{\"scheduled\":%ld,\"sent\":%ld,\"ok\":%ld,\"bad_status\":%ld,\"errors\":%ld,\"unsent\":%ld,"
           "\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"throughput\":%.1f}\n",
           scheduled, sent, ok, bad, errors, backlog, p50, p99, ok / (measured > 0 ? measured : 1));
    return 0;
}
