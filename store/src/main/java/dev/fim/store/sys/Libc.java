package dev.fim.store.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;

/**
 * The C library every jnr-ffi binding of fim binds to: the one the process already runs with, named
 * by its soname ({@code libc.so.6} with glibc), which the dynamic linker finds among the libraries
 * it has loaded without looking at any file.
 *
 * <p>Not {@code load("c")}: jnr-ffi cannot open a library called {@code c}, so it then lists every
 * directory of its search path ({@code /usr/lib/x86_64-linux-gnu} holds thousands of names, and
 * {@code java.library.path}, {@code jnr.ffi.library.path} and {@code LD_LIBRARY_PATH} are searched
 * too) and loads the {@code libc.so.N} with the highest N it finds there. That cost about 10 ms of
 * CPU per binding at start-up (three bindings in a scan command) and let any {@code libc.so.7} in
 * one of those directories be loaded into fim instead of the C library.
 */
public final class Libc {
  private Libc() {}

  /** jnr-ffi's binding of {@code functions} to the process's C library. */
  public static <T> T bind(Class<T> functions) {
    return LibraryLoader.create(functions).load(soname());
  }

  /** The same, resolving the library at once (a missing function fails here, not at its call). */
  public static <T> T bindNow(Class<T> functions) {
    return LibraryLoader.create(functions).failImmediately().load(soname());
  }

  private static String soname() {
    return Platform.getNativePlatform().getStandardCLibraryName();
  }
}
