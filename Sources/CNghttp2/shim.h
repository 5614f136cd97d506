// SPDX-License-Identifier: Apache-2.0
// libnghttp2 1.52 (Debian 12). Only the ssize_t API exists in this version: never use the *2 functions.
#ifndef MAILDOUBLE_CNGHTTP2_SHIM_H
#define MAILDOUBLE_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>

// Parenthesised macros are not imported into Swift: expose them as constants.
static const int32_t CNghttp2_initialConnectionWindowSize = NGHTTP2_INITIAL_CONNECTION_WINDOW_SIZE;
#endif
