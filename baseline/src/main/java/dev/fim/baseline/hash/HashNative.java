package dev.fim.baseline.hash;

import jnr.ffi.LibraryLoader;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls that read file content; its only caller is {@link ContentHasher}. Buffers and
 * mappings cross as raw addresses: they are native memory this package owns.
 */
final class HashNative {
  // include/uapi/asm-generic/mman-common.h
  static final int PROT_READ = 0x1;
  static final int MAP_PRIVATE = 0x02;
  static final int MADV_SEQUENTIAL = 2;
  static final long MAP_FAILED = -1L;
  /** arch/x86/entry/syscalls/syscall_64.tbl: 9 = mmap (x86_64 only, like StatLayout). */
  static final long SYS_mmap = 9;

  /** Public only because jnr-ffi's generated class must be able to implement it (see DirNative). */
  public interface LibC {
    /** pread(2): positional, so a retry of the hash never depends on the fd's offset. */
    @ssize_t long pread(int fd, @intptr_t long buf, @size_t long count, @off_t long offset);

    /**
     * mmap(2) through syscall(2). Called directly, jnr-ffi 2.3.7's generated six-argument
     * invoker (with the pinned jffi 1.4.3 native stub) gets EINVAL from the kernel for valid
     * arguments, while the reflective invoker and the seven-argument syscall path pass them
     * intact (checked on this host: {@code -Djnr.ffi.asm.enabled=false} makes the direct call work).
     */
    long syscall(long number, long addr, long length, long prot, long flags, long fd, long offset);

    int munmap(@intptr_t long addr, @size_t long length);

    int madvise(@intptr_t long addr, @size_t long length, int advice);
  }

  static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

  private HashNative() {}
}
