package dev.fim.baseline.capture;

import dev.fim.store.PathBytes;
import dev.fim.store.Xattr;
import dev.fim.store.sys.CString;
import dev.fim.store.sys.LibcFunction;
import dev.fim.store.sys.NativeBuffer;
import dev.fim.store.sys.NativeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.Errno;

/**
 * Reads all extended attributes of one object, sorted by name, so two captures of the same
 * attributes compare equal whatever order the file system lists them in.
 *
 * <p>The kernel caps a name list at {@code XATTR_LIST_MAX} and a value at {@code XATTR_SIZE_MAX}
 * (both 65536, include/uapi/linux/limits.h), so two 64 KiB buffers always suffice and ERANGE cannot
 * happen. An attribute removed between the list and the get (ENODATA) is left out; a file system
 * without xattr support (ENOTSUP) has none.
 *
 * <p>Not thread-safe (reusable native buffers): one per worker thread.
 */
public final class XattrReader {
  private static final int XATTR_LIST_MAX = 65536;
  private static final int XATTR_SIZE_MAX = 65536;

  private final NativeBuffer list = new NativeBuffer(XATTR_LIST_MAX);
  private final NativeBuffer value = new NativeBuffer(XATTR_SIZE_MAX);
  private final byte[] listCopy = new byte[XATTR_LIST_MAX];

  /** NUL-terminated copies of the path and the name arguments of the call being made. */
  private final CString pathArg = new CString(4096);

  private final CString nameArg = new CString(256);

  /** All xattrs of the object open as {@code fd} ({@code path} is for messages). */
  public List<Xattr> readFd(int fd, PathBytes path) throws NativeException {
    long n = retry(() -> XattrNative.FLISTXATTR.call(fd, list.address(), XATTR_LIST_MAX));
    if (n < 0) {
      return unsupportedOrThrow("flistxattr", path);
    }
    List<Xattr> out = new ArrayList<>();
    for (byte[] name : names((int) n)) {
      long len =
          retry(
              () ->
                  XattrNative.FGETXATTR.call(
                      fd, nameArg.put(name), value.address(), XATTR_SIZE_MAX));
      addOrSkip(out, name, len, "fgetxattr", path);
    }
    return sorted(out);
  }

  /**
   * All xattrs of the object named by {@code lpath} itself, never of a symlink's target: the walk
   * passes {@code /proc/self/fd/<dirfd>/<name>} (the directory fd's magic link, then one name
   * looked up without following it), or a root's own path.
   */
  public List<Xattr> readNoFollow(byte[] lpath, PathBytes path) throws NativeException {
    long path0 = pathArg.put(lpath);
    long n = retry(() -> XattrNative.LLISTXATTR.call(path0, list.address(), XATTR_LIST_MAX));
    if (n < 0) {
      return unsupportedOrThrow("llistxattr", path);
    }
    List<Xattr> out = new ArrayList<>();
    for (byte[] name : names((int) n)) {
      long len =
          retry(
              () ->
                  XattrNative.LGETXATTR.call(
                      path0, nameArg.put(name), value.address(), XATTR_SIZE_MAX));
      addOrSkip(out, name, len, "lgetxattr", path);
    }
    return sorted(out);
  }

  /** The list is NUL-terminated names back to back (listxattr(2)). */
  private List<byte[]> names(int n) {
    list.get(0, listCopy, 0, n);
    List<byte[]> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (listCopy[i] == 0) {
        if (i > start) {
          names.add(java.util.Arrays.copyOfRange(listCopy, start, i));
        }
        start = i + 1;
      }
    }
    return names;
  }

  private void addOrSkip(List<Xattr> out, byte[] name, long len, String call, PathBytes path)
      throws NativeException {
    if (len >= 0) {
      byte[] v = new byte[(int) len];
      value.get(0, v, 0, v.length);
      // xattr names are "namespace.name" in practice ASCII; UTF-8 keeps any UTF-8 name exact.
      out.add(new Xattr(new String(name, StandardCharsets.UTF_8), v));
      return;
    }
    int e = LibcFunction.errno();
    if (e == Errno.ENODATA.intValue()) {
      return; // removed since the list: not there any more
    }
    throw new NativeException(call, path, e);
  }

  private static List<Xattr> unsupportedOrThrow(String call, PathBytes path)
      throws NativeException {
    int e = LibcFunction.errno();
    if (e == Errno.ENOTSUP.intValue() || e == Errno.EOPNOTSUPP.intValue()) {
      return List.of();
    }
    throw new NativeException(call, path, e);
  }

  private static List<Xattr> sorted(List<Xattr> out) {
    // Not Comparator.comparing(Xattr::name): its JDK lambda is spun at run time, outside fim's
    // class-data archive (issue 18).
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  private interface Call {
    long invoke();
  }

  private static long retry(Call c) {
    long r;
    do {
      r = c.invoke();
    } while (r < 0 && LibcFunction.errno() == Errno.EINTR.intValue());
    return r;
  }
}
