package dev.fim.store.seal;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * SHA-256 from the system's OpenSSL ({@code libcrypto}), its low-level {@code SHA256_Init}, {@code
 * SHA256_Update} and {@code SHA256_Final}, called through jffi's invoker: OpenSSL picks its kernel
 * at run time (SHA-NI where the CPU has it, else AVX2 or SSSE3), where the JDK's SHA-256 under C1
 * alone (as {@code fim watch} runs) is plain Java without the SHA intrinsic (issue 18: the evidence
 * HMACs' {@code SHA2.implCompress0} was the compare thread's largest user leaf). No native code of
 * fim's own: a {@code SHA256_CTX} is an opaque block of native memory the caller owns ({@link
 * #CONTEXT} bytes, more than the 112 OpenSSL 1.1 and 3 use).
 *
 * <p>The library is opened by its soname alone, as {@code LibXxhash} is: the dynamic loader's own
 * search decides which file it is, no path from fim's configuration or environment. A library whose
 * digests are not the JDK's ({@link #agreesWithJdk}) is not used; when none is found, {@link
 * #load()} returns null and {@link HmacSha256} uses the JDK's SHA-256. Thread-safe; a context is
 * not.
 */
final class Libcrypto {
  /** Bytes reserved per {@code SHA256_CTX} (OpenSSL 1.1 and 3: 112). */
  static final int CONTEXT = 128;

  private static final String[] SONAMES = {"libcrypto.so.3", "libcrypto.so.1.1"};

  /**
   * Held, not only looked into: jffi may close a library whose {@code Library} is unreachable (a
   * cleaner), which would unmap the functions below.
   */
  private final Library library;

  /**
   * jffi's invoker, taken when a library is opened, not at class set-up: {@link #load()} runs for
   * every {@link HmacSha256}, and jffi's start (its stub, java.util.logging) would cost every short
   * command ~50 classes and tens of ms that only {@code fim watch} asks for.
   */
  private final Invoker invoker;

  private final long init;
  private final long update;
  private final long finish;
  private final CallContext initContext; // int SHA256_Init(SHA256_CTX*)
  private final CallContext updateContext; // int SHA256_Update(SHA256_CTX*, const void*, size_t)
  private final CallContext finalContext; // int SHA256_Final(unsigned char*, SHA256_CTX*)

  private Libcrypto(Library lib) {
    library = lib;
    invoker = Invoker.getInstance();
    init = symbol(lib, "SHA256_Init");
    update = symbol(lib, "SHA256_Update");
    finish = symbol(lib, "SHA256_Final");
    initContext = context(Type.SINT, Type.POINTER);
    updateContext = context(Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG);
    finalContext = context(Type.SINT, Type.POINTER, Type.POINTER);
  }

  private static final class Holder {
    static final Libcrypto INSTANCE = open();
  }

  /**
   * The library when {@code -Dfim.sha256=libcrypto} asks for it (bin/fim does for {@code fim
   * watch}), else null; null too when the system has none, or one without these functions, or one
   * whose SHA-256 is not the JDK's. Only asked for: opening and checking it costs ~11 ms of CPU
   * (dlopen, OpenSSL's set-up, the check), more than a short command's MACs save under C2, where
   * the JDK's SHA-256 intrinsic is as fast (issue 18, session 16).
   */
  static Libcrypto load() {
    return "libcrypto".equals(System.getProperty("fim.sha256")) ? Holder.INSTANCE : null;
  }

  private static Libcrypto open() {
    for (String soname : SONAMES) {
      Libcrypto c = open(soname);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /** The library {@code soname}, or null when it is missing, lacks a function or disagrees. */
  static Libcrypto open(String soname) {
    try {
      Library lib = Library.openLibrary(soname, Library.LAZY | Library.LOCAL);
      if (lib == null) {
        return null;
      }
      Libcrypto c = new Libcrypto(lib);
      return c.agreesWithJdk() ? c : null;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null; // the JDK's SHA-256 gives the same digests
    }
  }

  /**
   * Whether the library's SHA-256 of the empty message, of "abc" and of 1,000 patterned bytes fed
   * in two pieces (several blocks, a partial one carried over) is the JDK's: another function under
   * the same name, or a broken library, would make every seal and evidence tag wrong.
   */
  private boolean agreesWithJdk() {
    byte[] pattern = new byte[1000];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = (byte) (i * 31 + (i >>> 8));
    }
    byte[][] messages = {new byte[0], "abc".getBytes(StandardCharsets.US_ASCII), pattern};
    ByteBuffer mem = ByteBuffer.allocateDirect(CONTEXT + 32 + 1000).order(ByteOrder.nativeOrder());
    long base = com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(mem);
    try {
      MessageDigest jdk = MessageDigest.getInstance("SHA-256");
      for (byte[] m : messages) {
        mem.put(CONTEXT + 32, m);
        init(base);
        int first = m.length / 3;
        update(base, base + CONTEXT + 32, first);
        update(base, base + CONTEXT + 32 + first, m.length - first);
        finish(base + CONTEXT, base);
        byte[] got = new byte[32];
        mem.get(CONTEXT, got);
        if (!Arrays.equals(jdk.digest(m), got)) {
          return false;
        }
      }
      return true;
    } catch (java.security.NoSuchAlgorithmException e) {
      return false;
    } finally {
      java.lang.ref.Reference.reachabilityFence(mem);
    }
  }

  private static long symbol(Library lib, String name) {
    long address = lib.getSymbolAddress(name);
    if (address == 0) {
      throw new UnsatisfiedLinkError("no " + name + " in libcrypto");
    }
    return address;
  }

  private static CallContext context(Type returns, Type... parameters) {
    return CallContext.getCallContext(returns, parameters, CallingConvention.DEFAULT, false);
  }

  /** {@code SHA256_Init} of the context at {@code ctx}. */
  void init(long ctx) {
    check((int) invoker.invokeN1(initContext, init, ctx), "SHA256_Init");
  }

  /** {@code SHA256_Update}: feeds {@code len} bytes at {@code data}. */
  void update(long ctx, long data, long len) {
    check((int) invoker.invokeN3(updateContext, update, ctx, data, len), "SHA256_Update");
  }

  /** {@code SHA256_Final}: the 32-byte digest to {@code md}; the context is spent. */
  void finish(long md, long ctx) {
    check((int) invoker.invokeN2(finalContext, finish, md, ctx), "SHA256_Final");
  }

  private static void check(int result, String function) {
    if (result != 1) {
      throw new IllegalStateException(function + " failed");
    }
  }
}
