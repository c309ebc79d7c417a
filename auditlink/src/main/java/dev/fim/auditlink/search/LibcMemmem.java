package dev.fim.auditlink.search;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * The C library's {@code memmem(3)}, called through jffi's invoker directly (no jnr-ffi binding,
 * whose generated classes cost ~0.1 s of start-up): the byte search of {@link NativeBytes} over
 * native memory it already holds.
 *
 * <p>Why: {@code bin/fim} runs a search with C1 alone, and C1's code for the word-at-a-time loop
 * scanned ~1.8 GB/s per core; glibc's {@code memmem} (SSE2/AVX2 and a skip table) covers the same
 * 573 MB bench log at ~4 GB/s per needle, so the two needles of a key search cost less than half
 * (docs/performance.md, "fim audit search"). The call is bounded by the lengths given, never by a
 * NUL, so a hostile log's bytes can only be compared, not followed.
 *
 * <p>The function is looked up in the process's global symbol scope ({@code dlsym(RTLD_DEFAULT)},
 * jffi's default library): the C library the JVM itself runs with, without opening any file, so
 * nothing placed on a library path can be loaded by it. When jffi or the symbol is missing, {@link
 * #AVAILABLE} is false and {@link NativeBytes} searches in Java (the same positions). Thread-safe.
 */
final class LibcMemmem {
  /** Whether {@link #find} may be called. */
  static final boolean AVAILABLE;

  private static final Invoker INVOKER;
  private static final CallContext CONTEXT;
  private static final long FUNCTION;

  static {
    Invoker invoker = null;
    CallContext context = null;
    long function = 0;
    try {
      function = Library.getDefault().getSymbolAddress("memmem");
      if (function != 0) {
        // void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t
        // needlelen); errno is not used, so not saved.
        context =
            CallContext.getCallContext(
                Type.POINTER,
                new Type[] {Type.POINTER, Type.ULONG, Type.POINTER, Type.ULONG},
                CallingConvention.DEFAULT,
                false);
        invoker = Invoker.getInstance();
      }
    } catch (LinkageError | RuntimeException e) {
      function = 0; // no jffi stub on this system: the Java search serves
    }
    INVOKER = invoker;
    CONTEXT = context;
    FUNCTION = invoker == null ? 0 : function;
    AVAILABLE = FUNCTION != 0;
  }

  private LibcMemmem() {}

  /**
   * The address of the first occurrence of the {@code needleLength} bytes at {@code needle} in the
   * {@code length} bytes at {@code haystack}, or 0 when there is none. The caller guarantees both
   * ranges are readable native memory and {@code needleLength > 0}.
   */
  static long find(long haystack, long length, long needle, long needleLength) {
    return INVOKER.invokeN4(CONTEXT, FUNCTION, haystack, length, needle, needleLength);
  }
}
