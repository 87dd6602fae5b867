#ifndef KAIJU_CMALLOC_SHIM_H
#define KAIJU_CMALLOC_SHIM_H
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
/// Hands free heap pages back to the system (glibc keeps them otherwise); 1 if memory was released.
static inline int kaiju_release_free_memory(void) { return malloc_trim(0); }
#else
static inline int kaiju_release_free_memory(void) { return 0; }
#endif
#endif
