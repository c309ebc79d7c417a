package dev.fim.baseline.capture;

import dev.fim.store.sys.Libc;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.NulTerminate;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** The xattr calls of libc (listxattr(2), getxattr(2)); its only caller is {@link XattrReader}. */
final class XattrNative {
  /** Public only because jnr-ffi's generated class must be able to implement it (see DirNative). */
  public interface LibC {
    @ssize_t
    long flistxattr(int fd, @Out Pointer list, @size_t long size);

    @ssize_t
    long fgetxattr(int fd, @In @NulTerminate byte[] name, @Out Pointer value, @size_t long size);

    /** Does not follow a symlink in the last component. */
    @ssize_t
    long llistxattr(@In @NulTerminate byte[] path, @Out Pointer list, @size_t long size);

    @ssize_t
    long lgetxattr(
        @In @NulTerminate byte[] path,
        @In @NulTerminate byte[] name,
        @Out Pointer value,
        @size_t long size);
  }

  static final LibC LIBC = Libc.bind(LibC.class);

  private XattrNative() {}
}
