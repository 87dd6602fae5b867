#ifndef KAIJU_CZLIB_SHIM_H
#define KAIJU_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro; Swift cannot call it, so wrap it.
static inline int kaiju_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
