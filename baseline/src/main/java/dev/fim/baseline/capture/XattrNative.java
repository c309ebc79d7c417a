package dev.fim.baseline.capture;

import static com.kenai.jffi.Type.POINTER;
import static com.kenai.jffi.Type.SINT;
import static com.kenai.jffi.Type.SLONG;
import static com.kenai.jffi.Type.ULONG;

import dev.fim.store.sys.LibcFunction;

/**
 * The xattr calls of libc (listxattr(2), getxattr(2)); its only caller is {@link XattrReader}.
 * Called through jffi's invoker ({@link LibcFunction}); strings cross as addresses of
 * NUL-terminated copies ({@link dev.fim.store.sys.CString}), buffers as addresses.
 */
final class XattrNative {
  /** {@code ssize_t flistxattr(int fd, char *list, size_t size)}. */
  static final LibcFunction FLISTXATTR = LibcFunction.of("flistxattr", SLONG, SINT, POINTER, ULONG);

  /** {@code ssize_t fgetxattr(int fd, const char *name, void *value, size_t size)}. */
  static final LibcFunction FGETXATTR =
      LibcFunction.of("fgetxattr", SLONG, SINT, POINTER, POINTER, ULONG);

  /**
   * {@code ssize_t llistxattr(const char *path, char *list, size_t size)}: does not follow a
   * symlink in the last component.
   */
  static final LibcFunction LLISTXATTR =
      LibcFunction.of("llistxattr", SLONG, POINTER, POINTER, ULONG);

  /** {@code ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size)}. */
  static final LibcFunction LGETXATTR =
      LibcFunction.of("lgetxattr", SLONG, POINTER, POINTER, POINTER, ULONG);

  private XattrNative() {}
}
