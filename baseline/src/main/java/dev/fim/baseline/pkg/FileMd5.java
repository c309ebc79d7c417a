package dev.fim.baseline.pkg;

import dev.fim.baseline.hash.ContentHasher;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.baseline.walk.StatInfo;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The MD5 of a file's content as it is now, the digest dpkg's {@code md5sums} records. Opened as
 * fim opens every file (never following the last component, never blocking), streamed through one
 * native buffer, and re-{@code fstat}ed afterwards: content that moved during the read is a
 * problem, never a digest credited to the wrong content. Not thread-safe.
 */
final class FileMd5 implements AutoCloseable {
  /**
   * @param md5 lower-case hex, or null when there is none ({@code problem} says why)
   */
  record Result(String md5, String problem) {}

  private static final int ATTEMPTS = 3;

  private final DirCalls calls = new DirCalls();
  private final ContentHasher hasher = new ContentHasher(256 * 1024);
  private final MessageDigest md5;

  FileMd5() {
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no MD5", e);
    }
  }

  Result of(PathBytes path) {
    byte[] abs = path.toBytes();
    DirCalls.Located where = null;
    int fd = -1;
    try {
      where = calls.locate(abs, path);
      fd = calls.openFile(where.dirFd(), where.name(), path);
      for (int i = 0; i < ATTEMPTS; i++) {
        StatInfo before = calls.fstat(fd, path);
        if (!before.isRegularFile()) {
          return new Result(null, "not a regular file");
        }
        byte[] digest = hasher.digest(fd, before.size(), md5, path);
        if (digest != null && calls.fstat(fd, path).sameContentStamp(before)) {
          return new Result(HexFormat.of().formatHex(digest), null);
        }
      }
      return new Result(null, "its content kept changing while it was read");
    } catch (NativeException e) {
      return new Result(null, e.getMessage());
    } finally {
      calls.close(fd);
      calls.close(where);
    }
  }

  @Override
  public void close() {
    hasher.close();
  }
}
