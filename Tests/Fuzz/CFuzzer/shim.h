// SPDX-License-Identifier: Apache-2.0
// libFuzzer's driver entry point, declared weak: the fuzz build links libclang_rt.fuzzer_no_main (whole
// archive, see scripts/fuzz.sh) and gets the real driver; an ordinary `swift build` links without it, the symbol
// stays null and the executable only replays the files it is given.
#ifndef MAILDOUBLE_CFUZZER_SHIM_H
#define MAILDOUBLE_CFUZZER_SHIM_H
#include <stddef.h>
#include <stdint.h>

typedef int (*CFuzzer_TestOneInput)(const uint8_t *data, size_t size);

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, CFuzzer_TestOneInput callback) __attribute__((weak));

// Swift cannot test a weak function's address against null itself.
static inline int CFuzzer_hasDriver(void) { return LLVMFuzzerRunDriver != NULL; }

static inline int CFuzzer_runDriver(int *argc, char ***argv, CFuzzer_TestOneInput callback) {
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
#endif
