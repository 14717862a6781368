#ifndef UNDERSTUDY_PACKED_GEMM_H
#define UNDERSTUDY_PACKED_GEMM_H

/* A matrix product over a weight packed once, at load time (PackedLinear in UnderstudyInference).
 *
 * cblas_sgemm repacks its weight operand on every call. For the few tokens of a sentence
 * embedding (all-MiniLM-L6-v2: 42 MB of weights, a request's texts ~60 tokens) that repacking
 * cost as much as the product itself (OpenBLAS 0.3.21, one thread: 5.6 ms per forward pass of
 * a ~10 ms total). OpenBLAS has no pre-packed product, so this is the AVX-512 inner kernel alone.
 *
 * Packed layout: 32 output columns per panel; panel p is a k x 32 row-major block holding rows
 * 32p ... 32p+31 of the PyTorch weight W (outputs x inputs), zeros past the last output.
 * Each output is the sum over k of x*w, accumulated in k order with FMA, then plus the bias. */

/* 1 when this CPU runs understudy_packed_gemm (AVX-512F), else 0. */
int understudy_packed_gemm_available(void);

/* y[r][j] = sum_k x[r][k] * W[j][k] + bias[j] (bias may be NULL) for rows r < m and the
 * columns j < n of panels [first_panel, end_panel). x has row stride ldx, y row stride ldy.
 * Only call when understudy_packed_gemm_available() is 1. */
void understudy_packed_gemm(
    int m, int n, int k, const float *x, long ldx, const float *packed, const float *bias, float *y, long ldy,
    int first_panel, int end_panel);

#endif
