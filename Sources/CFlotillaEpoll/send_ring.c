// A minimal io_uring for one job: sending the output of many sockets in one system call. Written by hand because
// no package here wraps io_uring (liburing is not a Swift package); only IORING_OP_SEND is used.
#define _GNU_SOURCE
#include "CFlotillaEpoll.h"
#ifdef __linux__
#include <errno.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct flotilla_send_ring {
    int fd;
    unsigned *sq_tail, *sq_mask, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask;
    unsigned sq_entries;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    void *rings;
    size_t rings_length;
    size_t sqes_length;
    unsigned queued;       // queued since the last submit
    unsigned outstanding;  // submitted, not yet completed
};

flotilla_send_ring *flotilla_send_ring_create(unsigned entries) {
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    // Linux 6.0 or later (SINGLE_ISSUER is refused before): there a send with MSG_DONTWAIT completes inside the
    // submitting call, with -EAGAIN when the socket is full, instead of waiting for room. An older kernel gets NULL.
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SUBMIT_ALL;
    int fd = (int)syscall(__NR_io_uring_setup, entries, &params);
    if (fd < 0) return NULL;
    if (!(params.features & IORING_FEAT_SINGLE_MMAP) || !(params.features & IORING_FEAT_NODROP)) {
        close(fd);
        errno = ENOSYS;
        return NULL;
    }
    flotilla_send_ring *ring = calloc(1, sizeof *ring);
    if (!ring) {
        close(fd);
        return NULL;
    }
    size_t sq_length = params.sq_off.array + params.sq_entries * sizeof(unsigned);
    size_t cq_length = params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe);
    ring->rings_length = sq_length > cq_length ? sq_length : cq_length;
    ring->sqes_length = params.sq_entries * sizeof(struct io_uring_sqe);
    ring->rings = mmap(0, ring->rings_length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
    void *sqes = mmap(0, ring->sqes_length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
    if (ring->rings == MAP_FAILED || sqes == MAP_FAILED) {
        int saved = errno;
        if (ring->rings != MAP_FAILED) munmap(ring->rings, ring->rings_length);
        if (sqes != MAP_FAILED) munmap(sqes, ring->sqes_length);
        close(fd);
        free(ring);
        errno = saved;
        return NULL;
    }
    char *base = ring->rings;
    ring->fd = fd;
    ring->sq_entries = params.sq_entries;
    ring->sq_tail = (unsigned *)(base + params.sq_off.tail);
    ring->sq_mask = (unsigned *)(base + params.sq_off.ring_mask);
    ring->sq_array = (unsigned *)(base + params.sq_off.array);
    ring->cq_head = (unsigned *)(base + params.cq_off.head);
    ring->cq_tail = (unsigned *)(base + params.cq_off.tail);
    ring->cq_mask = (unsigned *)(base + params.cq_off.ring_mask);
    ring->cqes = (struct io_uring_cqe *)(base + params.cq_off.cqes);
    ring->sqes = sqes;
    return ring;
}

void flotilla_send_ring_destroy(flotilla_send_ring *ring) {
    if (!ring) return;
    munmap(ring->sqes, ring->sqes_length);
    munmap(ring->rings, ring->rings_length);
    close(ring->fd);
    free(ring);
}

int flotilla_send_ring_queue(flotilla_send_ring *ring, int fd, const void *bytes, unsigned length, unsigned long long tag) {
    if (ring->queued + ring->outstanding >= ring->sq_entries) return -1;
    unsigned tail = *ring->sq_tail;  // only this thread writes the tail
    unsigned index = tail & *ring->sq_mask;
    struct io_uring_sqe *sqe = &ring->sqes[index];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = IORING_OP_SEND;
    sqe->fd = fd;
    sqe->addr = (unsigned long long)(uintptr_t)bytes;
    sqe->len = length;
    sqe->msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
    sqe->user_data = tag;
    ring->sq_array[index] = index;
    atomic_store_explicit((_Atomic unsigned *)ring->sq_tail, tail + 1, memory_order_release);
    ring->queued++;
    return 0;
}

int flotilla_send_ring_submit(flotilla_send_ring *ring) {
    unsigned submitting = ring->queued;
    // Usually one call: it submits everything queued and returns once all of it completed, which it does at once
    // (every send is MSG_DONTWAIT).
    for (;;) {
        unsigned ready = atomic_load_explicit((_Atomic unsigned *)ring->cq_tail, memory_order_acquire) - *ring->cq_head;
        if (ring->queued == 0 && ready >= ring->outstanding) return (int)submitting;
        unsigned wait_for = ring->queued + ring->outstanding - ready;
        int entered = (int)syscall(__NR_io_uring_enter, ring->fd, ring->queued, wait_for, IORING_ENTER_GETEVENTS, NULL, 0);
        if (entered < 0) {
            // EAGAIN: the kernel is short of memory for the moment.
            if (errno == EINTR || errno == EAGAIN) continue;
            return -errno;
        }
        ring->outstanding += (unsigned)entered;
        ring->queued -= (unsigned)entered;
    }
}

int flotilla_send_ring_next(flotilla_send_ring *ring, unsigned long long *tag, int *result) {
    unsigned head = *ring->cq_head;
    if (head == atomic_load_explicit((_Atomic unsigned *)ring->cq_tail, memory_order_acquire)) return 0;
    struct io_uring_cqe *cqe = &ring->cqes[head & *ring->cq_mask];
    *tag = cqe->user_data;
    *result = cqe->res;
    atomic_store_explicit((_Atomic unsigned *)ring->cq_head, head + 1, memory_order_release);
    if (ring->outstanding > 0) ring->outstanding--;
    return 1;
}
#endif
