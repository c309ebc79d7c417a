package dev.fim.auditlink.search;

import com.kenai.jffi.Type;
import dev.fim.store.sys.LibcFunction;

/**
 * The C library's {@code memmem(3)}, called through {@link LibcFunction} (jffi's invoker, no
 * jnr-ffi binding, whose generated classes cost ~0.1 s of start-up): the byte search of {@link
 * NativeBytes} over native memory it already holds.
 *
 * <p>Why: {@code bin/fim} runs a search with C1 alone, and C1's code for the word-at-a-time loop
 * scanned ~1.8 GB/s per core; glibc's {@code memmem} (a skip table; in glibc 2.36 not vectorised:
 * perf names the generic {@code __GI___memmem}) covers the same 573 MB bench log at ~4 GB/s per
 * needle, so the two needles of a key search cost less than half (docs/performance.md, "fim audit
 * search"). The call is bounded by the lengths given, never by a NUL, so a hostile log's bytes can
 * only be compared, not followed. Also {@code strstr(3)} and {@code memchr(3)}: where glibc's
 * strstr is vectorised (AVX-512) it searches a chunk faster than its scalar memmem, and a part uses
 * it on the chunks that memchr finds free of NUL bytes when its first chunks measured it faster
 * ({@link NativeBytes.LibcSearch}); a strstr call is bounded by the NUL that {@link NativeBytes}
 * writes after the data.
 *
 * <p>The function is looked up in the process's global symbol scope ({@code dlsym(RTLD_DEFAULT)},
 * jffi's default library): the C library the JVM itself runs with, without opening any file, so
 * nothing placed on a library path can be loaded by it. The CLI's start-up thread binds it while
 * the main thread reads the options; a search of a few MB does not wait for it ({@link NativeBytes}
 * uses the Java loops until {@link #ready()}), a larger one does ({@link WindowedSearch#open}).
 * When jffi or the symbol is missing, the Java loops serve throughout (the same positions).
 * Thread-safe.
 */
final class LibcMemmem {
  private LibcMemmem() {}

  /** Set once {@link Bound} is initialised: whether {@link #find} may be called. */
  private static volatile boolean ready;

  /**
   * Whether {@code memmem} is bound now. Never waits: a search asks before each block and uses the
   * Java loops while it is not (the same positions either way).
   */
  static boolean ready() {
    return ready;
  }

  /**
   * Binds {@code memmem} on this thread (jffi's stub library, its logging set-up and the symbol
   * lookup take a few tens of ms of CPU), or waits for the thread already doing it; returns whether
   * it is bound. The CLI calls this from its start-up thread ({@link AuditSearch#warmUp}).
   */
  static boolean bind() {
    return Bound.AVAILABLE;
  }

  /**
   * The address of the first occurrence of the {@code needleLength} bytes at {@code needle} in the
   * {@code length} bytes at {@code haystack}, or 0 when there is none. Only after {@link #ready()};
   * the caller guarantees both ranges are readable native memory and {@code needleLength > 0}.
   */
  static long find(long haystack, long length, long needle, long needleLength) {
    return Bound.MEMMEM.call(haystack, length, needle, needleLength);
  }

  /**
   * Whether {@link #strstr} and {@link #hasNul} may be called: after {@link #ready()}, when libc
   * has both.
   */
  static boolean strstrReady() {
    return ready && Bound.STRSTR != null;
  }

  /**
   * The address of the first occurrence of the NUL-terminated needle at {@code needle} in the
   * NUL-terminated haystack at {@code haystack}, or 0. Only after {@link #strstrReady()}; the
   * caller guarantees both are readable native memory up to and including their NUL.
   */
  static long strstr(long haystack, long needle) {
    return Bound.STRSTR.call(haystack, needle);
  }

  /**
   * Whether the {@code length} bytes at {@code data} hold a NUL byte ({@code memchr}). Only after
   * {@link #strstrReady()}.
   */
  static boolean hasNul(long data, long length) {
    return Bound.MEMCHR.call(data, 0, length) != 0;
  }

  /** The binding, made on first use (by {@link #bind}). */
  private static final class Bound {
    static final boolean AVAILABLE;
    static final LibcFunction MEMMEM;
    static final LibcFunction STRSTR;
    static final LibcFunction MEMCHR;

    static {
      LibcFunction memmem = null;
      LibcFunction strstr = null;
      LibcFunction memchr = null;
      try {
        // void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t
        // needlelen)
        memmem =
            LibcFunction.of(
                "memmem", Type.POINTER, Type.POINTER, Type.ULONG, Type.POINTER, Type.ULONG);
        try {
          // char *strstr(const char *haystack, const char *needle)
          strstr = LibcFunction.of("strstr", Type.POINTER, Type.POINTER, Type.POINTER);
          // void *memchr(const void *s, int c, size_t n)
          memchr = LibcFunction.of("memchr", Type.POINTER, Type.POINTER, Type.SINT, Type.ULONG);
        } catch (LinkageError | RuntimeException e) {
          strstr = memchr = null; // memmem alone serves
        }
      } catch (LinkageError | RuntimeException e) {
        // no jffi stub on this system, or no memmem: the Java search serves
      }
      MEMMEM = memmem;
      STRSTR = memchr == null ? null : strstr;
      MEMCHR = memchr;
      AVAILABLE = memmem != null;
      ready = AVAILABLE;
    }
  }
}
