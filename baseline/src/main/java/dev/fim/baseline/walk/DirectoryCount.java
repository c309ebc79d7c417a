package dev.fim.baseline.walk;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Counts the directories of the watched trees, up to a bound, without reading a file: what inotify
 * needs one watch each for ({@code fim doctor} compares it with {@code max_user_watches}). Names
 * stay bytes; symlinks are never followed; a directory that cannot be opened is counted but not
 * entered.
 */
public final class DirectoryCount {
  private DirectoryCount() {}

  /**
   * The count, and whether it stopped at the bound (then the trees have at least {@code count}).
   */
  public record Result(long directories, boolean bounded) {}

  /**
   * Directories below and including each root that {@code descend} lets the walk enter, counting
   * stopped once {@code bound} is reached.
   */
  public static Result count(List<PathBytes> roots, Predicate<PathBytes> descend, long bound) {
    DirCalls calls = new DirCalls();
    ArrayDeque<PathBytes> pending = new ArrayDeque<>(roots);
    long n = 0;
    while (!pending.isEmpty()) {
      if (n >= bound) {
        return new Result(n, true);
      }
      PathBytes dir = pending.pop();
      int fd;
      try {
        fd = calls.openDirectory(DirCalls.AT_FDCWD, dir.toBytes(), dir);
      } catch (NativeException e) {
        continue; // missing, not a directory, or unreadable: nothing inotify could watch below it
      }
      n++;
      try {
        while (calls.readEntries(
                fd,
                dir,
                (name, type) -> {
                  if (type == FileType.DIRECTORY || type == null) {
                    PathBytes child = dir.resolve(name);
                    if (type == null) {
                      try {
                        if (!calls.lstatAt(fd, name, child).isDirectory()) {
                          return;
                        }
                      } catch (NativeException e) {
                        return;
                      }
                    }
                    if (descend.test(child)) {
                      pending.push(child);
                    }
                  }
                })
            > 0) {
          // the next batch
        }
      } catch (NativeException e) {
        // an unreadable directory: counted, not entered
      } finally {
        calls.close(fd);
      }
    }
    return new Result(n, false);
  }
}
