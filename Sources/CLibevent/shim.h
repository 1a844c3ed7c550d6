#ifndef HAPTIK_CLIBEVENT_SHIM_H
#define HAPTIK_CLIBEVENT_SHIM_H

// <sys/types.h> must come before any <event2/...> header: Debian's event-config.h defines
// _GNU_SOURCE, and if it is seen first a clean build finds two definitions of fd_set.
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <sys/prctl.h>

/// Names the calling thread (15 bytes at most), for `top -H` and debuggers.
static inline void haptik_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

/// Whether the peer of the TCP socket `fd` has closed its side or reset the connection, as the
/// kernel knows it now (`TCP_INFO`), without reading: 1 if so (or if the socket cannot tell), else 0.
static inline int haptik_tcp_peer_has_left(int fd) {
    struct tcp_info info;
    socklen_t size = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return 1;
    return info.tcpi_state != TCP_ESTABLISHED;
}

#endif
