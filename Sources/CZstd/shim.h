#ifndef UNDERSTUDY_CZSTD_SHIM_H
#define UNDERSTUDY_CZSTD_SHIM_H
// Static-linking-only API gives the frame-header and skippable-frame helpers.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>
#endif
