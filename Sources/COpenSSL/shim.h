// SPDX-License-Identifier: Apache-2.0
// OpenSSL 3.0 headers for Swift. Function-like macros do not import into Swift, so each one we need is
// wrapped below in a `static inline` function prefixed `CShims_` that always returns the macro's value.
#ifndef MAILDOUBLE_COPENSSL_SHIM_H
#define MAILDOUBLE_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#endif
