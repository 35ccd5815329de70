// The Linux calls the gateway's epoll data plane makes, which Glibc's Swift module does not export
// (epoll, eventfd, accept4, naming a thread). Kept in a target of its own: the only C in Flotilla.
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

/// Names the calling thread (what `top -H`, `ps -L` and `perf` show); the kernel keeps its first 15 bytes.
void flotilla_name_current_thread(const char *name);
#endif
#endif
