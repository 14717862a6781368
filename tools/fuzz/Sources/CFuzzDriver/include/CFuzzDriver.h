#pragma once
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer on `callback` with the process's arguments. SwiftPM names an executable's
/// entry point `<Target>_main`, so each target defines that and calls this (libFuzzer's own
/// `main` is then never linked in).
int understudy_fuzz_main(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size));
