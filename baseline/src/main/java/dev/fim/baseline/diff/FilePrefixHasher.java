package dev.fim.baseline.diff;

import dev.fim.baseline.hash.ContentHasher;
import dev.fim.baseline.hash.HashResult;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.baseline.walk.StatInfo;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.List;

/**
 * {@link PrefixHasher} on the live file system: opens the path as the scan does (no symlink
 * followed, no atime update), checks by {@code fstat} that it is still the captured regular file,
 * and hashes its first bytes. Rare (only growing files whose hash changed), so each call opens its
 * own buffers. Thread-safe.
 */
public final class FilePrefixHasher implements PrefixHasher {
  private static final int BUFFER = 64 * 1024;

  @Override
  public Digest prefix(PathBytes path, FileRecord current, long length, HashAlgorithm algorithm) {
    DirCalls calls = new DirCalls();
    int fd = -1;
    try (ContentHasher hasher = new ContentHasher(BUFFER)) {
      DirCalls.Located at = calls.locate(path.toBytes(), path); // paths longer than PATH_MAX too
      try {
        fd = calls.openFile(at.dirFd(), at.name(), path);
      } finally {
        calls.close(at);
      }
      StatInfo st = calls.fstat(fd, path);
      if (!st.isRegularFile()
          || st.dev() != current.dev()
          || st.ino() != current.ino()
          || st.size() < length) {
        return null; // another file than the one compared, or it shrank since: not vouched for
      }
      HashResult r = hasher.hash(fd, length, List.of(algorithm), path);
      return r.truncated() || r.digests().isEmpty() ? null : r.digests().get(0);
    } catch (NativeException e) {
      return null;
    } finally {
      calls.close(fd);
    }
  }
}
