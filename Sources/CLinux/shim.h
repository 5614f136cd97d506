// SPDX-License-Identifier: Apache-2.0
// Linux-only headers that Swift's Glibc module does not export.
#ifndef MAILDOUBLE_CLINUX_SHIM_H
#define MAILDOUBLE_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/socket.h>

// accept4 is declared only under _GNU_SOURCE, which the Glibc module is not built with.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#endif
