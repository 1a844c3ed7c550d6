#ifndef HAPTIK_CLIBEVENT_SHIM_H
#define HAPTIK_CLIBEVENT_SHIM_H

// <sys/types.h> must come before any <event2/...> header: Debian's event-config.h defines
// _GNU_SOURCE, and if it is seen first a clean build finds two definitions of fd_set.
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
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

#endif
