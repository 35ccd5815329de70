// The Linux calls the gateway's epoll data plane makes, which Glibc's Swift module does not export
// (epoll, eventfd, accept4, io_uring sends, naming a thread). Kept in a target of its own: the only C in Flotilla.
#ifndef C_FLOTILLA_EPOLL_H
#define C_FLOTILLA_EPOLL_H
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/// Accepts a connection as a non-blocking, close-on-exec socket; -1 and errno as accept4.
int flotilla_accept(int listener);

/// Adds, changes or removes `fd` in `epoll` for `events`; the event carries `fd` back.
int flotilla_epoll_control(int epoll, int operation, int fd, unsigned int events);

/// Waits for events; writes each ready descriptor and its events to `fds` and `masks`. Returns the count, or -1.
int flotilla_epoll_wait(int epoll, int *fds, unsigned int *masks, int capacity, int timeout_ms);

/// An io_uring used only to send many sockets' output in one system call; opaque to Swift.
typedef struct flotilla_send_ring flotilla_send_ring;

/// A ring for up to `entries` sends at a time, or NULL (and errno) where io_uring is not allowed: a kernel before 6.0,
/// `kernel.io_uring_disabled`, or a seccomp profile such as Docker's default.
flotilla_send_ring *flotilla_send_ring_create(unsigned entries);

void flotilla_send_ring_destroy(flotilla_send_ring *ring);

/// Queues a send of `length` bytes at `bytes` to `fd`, tagged `tag`. Never waits for room in the socket
/// (MSG_DONTWAIT: a full socket completes with -EAGAIN) and raises no SIGPIPE. 0, or -1 when the ring is full.
int flotilla_send_ring_queue(flotilla_send_ring *ring, int fd, const void *bytes, unsigned length, unsigned long long tag);

/// Submits what is queued and waits for each completion (they complete during the call: no send waits). Returns the
/// number submitted, or -errno.
int flotilla_send_ring_submit(flotilla_send_ring *ring);

/// Takes the next completion: 1 with its tag and result (bytes sent, or -errno), or 0 when there is none.
int flotilla_send_ring_next(flotilla_send_ring *ring, unsigned long long *tag, int *result);

/// Names the calling thread (what `top -H`, `ps -L` and `perf` show); the kernel keeps its first 15 bytes.
void flotilla_name_current_thread(const char *name);
#endif
#endif
