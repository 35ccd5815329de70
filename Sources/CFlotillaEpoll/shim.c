#define _GNU_SOURCE
#include "CFlotillaEpoll.h"
#ifdef __linux__
#include <errno.h>
#include <pthread.h>
#include <string.h>

int flotilla_accept(int listener) {
    return accept4(listener, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int flotilla_epoll_control(int epoll, int operation, int fd, unsigned int events) {
    struct epoll_event event = {0};
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epoll, operation, fd, &event);
}

int flotilla_epoll_wait(int epoll, int *fds, unsigned int *masks, int capacity, int timeout_ms) {
    struct epoll_event events[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epoll, events, capacity, timeout_ms);
    for (int index = 0; index < count; index++) {
        fds[index] = events[index].data.fd;
        masks[index] = events[index].events;
    }
    return count;
}

void flotilla_name_current_thread(const char *name) {
    char kept[16];
    strncpy(kept, name, sizeof kept - 1);
    kept[sizeof kept - 1] = 0;
    pthread_setname_np(pthread_self(), kept);
}
#endif
