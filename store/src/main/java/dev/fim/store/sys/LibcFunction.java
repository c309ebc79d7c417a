package dev.fim.store.sys;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * One function of the C library the process runs with, called through jffi's invoker directly: no
 * jnr-ffi binding, whose generated classes cost ~0.13 s of a scan command's start-up (issue 18).
 * Arguments and the return cross as raw words ({@code long}); pointers are addresses of native
 * memory the caller owns, so a call copies nothing and allocates nothing.
 *
 * <p>The symbol is looked up in the process's global scope ({@code dlsym(RTLD_DEFAULT)}, jffi's
 * default library): the C library the JVM itself was linked with, found without opening any file,
 * so nothing placed on a library path can be loaded instead (the property {@link Libc} keeps for
 * the jnr-ffi bindings).
 *
 * <p>errno is saved by jffi right after the call, on the calling thread: {@link #errno()} returns
 * it until that thread's next call through a saving function. An int-returning function's result is
 * the low 32 bits of the returned word: callers cast it to {@code int}. Thread-safe.
 */
public final class LibcFunction {
  private static final Invoker INVOKER = Invoker.getInstance();

  private final CallContext context;
  private final long address;

  private LibcFunction(CallContext context, long address) {
    this.context = context;
    this.address = address;
  }

  /**
   * The function {@code name} with the given C types; errno is saved after each call.
   *
   * @throws UnsatisfiedLinkError when the process's C library does not export {@code name}
   */
  public static LibcFunction of(String name, Type returns, Type... parameters) {
    long address = Library.getDefault().getSymbolAddress(name);
    if (address == 0) {
      throw new UnsatisfiedLinkError("the C library has no function " + name);
    }
    return new LibcFunction(
        CallContext.getCallContext(returns, parameters, CallingConvention.DEFAULT, true), address);
  }

  /** The errno the last call on this thread left (saved by jffi right after it returned). */
  public static int errno() {
    return LastError.getInstance().get();
  }

  public long call() {
    return INVOKER.invokeN0(context, address);
  }

  public long call(long a) {
    return INVOKER.invokeN1(context, address, a);
  }

  public long call(long a, long b) {
    return INVOKER.invokeN2(context, address, a, b);
  }

  public long call(long a, long b, long c) {
    return INVOKER.invokeN3(context, address, a, b, c);
  }

  public long call(long a, long b, long c, long d) {
    return INVOKER.invokeN4(context, address, a, b, c, d);
  }

  public long call(long a, long b, long c, long d, long e) {
    return INVOKER.invokeN5(context, address, a, b, c, d, e);
  }

  public long call(long a, long b, long c, long d, long e, long f) {
    return INVOKER.invokeN6(context, address, a, b, c, d, e, f);
  }
}
