#ifndef UNDERSTUDY_CBLAS_SHIM_H
#define UNDERSTUDY_CBLAS_SHIM_H
#include <cblas.h>

/* OpenBLAS DYNAMIC_ARCH (Debian's build) picks its kernels once at load time. Version 0.3.21
 * does not know newer Xeons and falls back to the SSE3 "Prescott" kernels, 3x slower than
 * its AVX-512 ones. These let UnderstudyInference re-run the selection with OPENBLAS_CORETYPE
 * set, before the first BLAS call. */
extern void gotoblas_dynamic_init(void);
extern void gotoblas_dynamic_quit(void);

static inline int understudy_cpu_supports_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

static inline int understudy_cpu_supports_avx2(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
#endif
