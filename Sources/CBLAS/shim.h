#ifndef UNDERSTUDY_CBLAS_SHIM_H
#define UNDERSTUDY_CBLAS_SHIM_H
#include <cblas.h>
#endif
