#ifndef NETVIEW_PREFETCH_H
#define NETVIEW_PREFETCH_H

/// Asks for the cache line at `p` ahead of a read-modify-write (a hint: never faults).
static inline __attribute__((always_inline)) void netview_prefetch_write(const void *p) {
    __builtin_prefetch(p, 1, 3);
}

#endif
