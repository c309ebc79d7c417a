package dev.fim.baseline.hash;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.HeapInvocationBuffer;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Struct;
import com.kenai.jffi.Type;

/**
 * XXH3-128 from the system's xxHash library ({@code libxxhash.so.0}), called through jffi's
 * invoker: the library picks its SIMD kernel (AVX-512, AVX2, SSE2) at run time, where fim's {@link
 * Xxh3Stream} is scalar Java. Same function, same digests ({@code XxhStreamTest} checks both ways
 * and against {@code xxh128sum}); when the library or one of its symbols is missing, {@link
 * #load()} returns null and {@link ContentHasher} hashes in Java.
 *
 * <p>The library is opened by its soname alone, so the dynamic loader's own search (the system's
 * library directories, and whatever {@code LD_LIBRARY_PATH} the process was started with, as for
 * libc itself) decides which file it is: no path from fim's configuration or environment.
 *
 * <p>{@code XXH128_hash_t} is returned by value (two 64-bit words, low first): jffi copies it into
 * a 16-byte array. The streaming state is malloc'd by the library ({@code XXH3_createState}); it
 * buffers the last bytes of a chunk itself, so chunks may be any length. Thread-safe; a state is
 * not.
 */
final class LibXxhash {
  private static final String SONAME = "libxxhash.so.0";
  private static final Invoker INVOKER = Invoker.getInstance();
  private static final Struct XXH128_HASH_T = new Struct(Type.UINT64, Type.UINT64);

  private final long oneShot;
  private final long createState;
  private final long freeState;
  private final long reset;
  private final long update;
  private final long digest;
  private final CallContext oneShotContext; // XXH128_hash_t f(const void*, size_t)
  private final CallContext digestContext; // XXH128_hash_t f(const XXH3_state_t*)
  private final CallContext noArguments; // XXH3_state_t* f(void)
  private final CallContext stateToInt; // int f(XXH3_state_t*)
  private final CallContext updateContext; // int f(XXH3_state_t*, const void*, size_t)

  private LibXxhash(Library lib) {
    oneShot = dispatched(lib, "XXH3_128bits");
    createState = symbol(lib, "XXH3_createState");
    freeState = symbol(lib, "XXH3_freeState");
    reset = symbol(lib, "XXH3_128bits_reset");
    update = dispatched(lib, "XXH3_128bits_update");
    digest = symbol(lib, "XXH3_128bits_digest");
    oneShotContext = context(XXH128_HASH_T, Type.POINTER, Type.ULONG);
    digestContext = context(XXH128_HASH_T, Type.POINTER);
    noArguments = context(Type.POINTER);
    stateToInt = context(Type.SINT, Type.POINTER);
    updateContext = context(Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG);
  }

  private static final class Holder {
    static final LibXxhash INSTANCE = open(SONAME);
  }

  /**
   * The library, or null when the system has none (or one without XXH3-128's functions, or one
   * whose digests are not XXH3-128's), or when {@code -Dfim.xxhash=java} asks for the Java code
   * alone (to compare the two, or to rule the library out; the digests are the same).
   */
  static LibXxhash load() {
    return "java".equals(System.getProperty("fim.xxhash")) ? null : Holder.INSTANCE;
  }

  /**
   * The library {@code soname}, or null when it is missing, lacks a function or fails {@link
   * #agreesWithJava} (for the tests).
   */
  static LibXxhash open(String soname) {
    try {
      Library lib = Library.openLibrary(soname, Library.LAZY | Library.LOCAL);
      if (lib == null) {
        return null;
      }
      LibXxhash x = new LibXxhash(lib);
      return x.agreesWithJava() ? x : null;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null; // Xxh3Stream computes the same digests
    }
  }

  /**
   * Whether the library's one-shot and streamed XXH3-128 of 3,000 patterned bytes (the long-input
   * path, two chunks) are zero-allocation-hashing's: a library that is another version, another
   * function under the same name or broken is not used (the scan's digests would not be XXH3-128
   * and every file would seem changed or, worse, equal). It also makes the {@code _dispatch}
   * functions choose their kernel here, on the loading thread, before the scan threads call them.
   */
  private boolean agreesWithJava() {
    int n = 3000;
    MemoryIO io = MemoryIO.getInstance();
    long addr = io.allocateMemory(n, false);
    if (addr == 0) {
      return false;
    }
    long state = 0;
    try {
      for (int i = 0; i < n; i++) {
        io.putByte(addr + i, (byte) (i * 31 + (i >>> 8)));
      }
      long[] expected = net.openhft.hashing.LongTupleHashFunction.xx128().hashMemory(addr, n);
      long[] got = new long[2];
      hash(addr, n, got);
      if (!java.util.Arrays.equals(expected, got)) {
        return false;
      }
      state = newState();
      if (state == 0) {
        return false;
      }
      reset(state);
      update(state, addr, 1000);
      update(state, addr + 1000, n - 1000);
      digest(state, got);
      return java.util.Arrays.equals(expected, got);
    } finally {
      if (state != 0) {
        free(state);
      }
      io.freeMemory(addr);
    }
  }

  /**
   * {@code name}'s {@code _dispatch} variant when the library exports one (xxHash's
   * xxh_x86dispatch.c, built into Debian's libxxhash0: it picks AVX-512, AVX2 or SSE2 at the first
   * call; the plain {@code XXH3_128bits} there is the SSE2 build): 1 MiB in 25 µs against 56 µs on
   * the bench VM's EPYC ({@code Xxh3Bench}), and 125 µs for {@link Xxh3Stream}.
   */
  private static long dispatched(Library lib, String name) {
    long address = lib.getSymbolAddress(name + "_dispatch");
    return address != 0 ? address : symbol(lib, name);
  }

  private static long symbol(Library lib, String name) {
    long address = lib.getSymbolAddress(name);
    if (address == 0) {
      throw new UnsatisfiedLinkError("no " + name + " in the xxHash library");
    }
    return address;
  }

  private static CallContext context(Type returns, Type... parameters) {
    return CallContext.getCallContext(returns, parameters, CallingConvention.DEFAULT, false);
  }

  /** XXH3-128 of {@code len} bytes at {@code addr} into {@code lowHigh} (low64, high64). */
  void hash(long addr, long len, long[] lowHigh) {
    HeapInvocationBuffer args = new HeapInvocationBuffer(oneShotContext);
    args.putAddress(addr);
    args.putLong(len);
    unpack(INVOKER.invokeStruct(oneShotContext, oneShot, args), lowHigh);
  }

  /** A new streaming state (to {@link #free} when done), or 0 if the library's malloc failed. */
  long newState() {
    return INVOKER.invokeN0(noArguments, createState);
  }

  void reset(long state) {
    if ((int) INVOKER.invokeN1(stateToInt, reset, state) != 0) {
      throw new IllegalStateException("XXH3_128bits_reset failed");
    }
  }

  void update(long state, long addr, long len) {
    if ((int) INVOKER.invokeN3(updateContext, update, state, addr, len) != 0) {
      throw new IllegalStateException("XXH3_128bits_update failed");
    }
  }

  void digest(long state, long[] lowHigh) {
    HeapInvocationBuffer args = new HeapInvocationBuffer(digestContext);
    args.putAddress(state);
    unpack(INVOKER.invokeStruct(digestContext, digest, args), lowHigh);
  }

  void free(long state) {
    INVOKER.invokeN1(stateToInt, freeState, state);
  }

  private static void unpack(byte[] hash, long[] lowHigh) {
    lowHigh[0] = littleEndian(hash, 0);
    lowHigh[1] = littleEndian(hash, 8);
  }

  private static long littleEndian(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }
}
