package dev.fim.cli.doctor;

import dev.fim.baseline.walk.DirectoryCount;
import dev.fim.engine.fanotify.FanotifySource;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What the kernel offers fim watch: fanotify as fim uses it (tried for real), and inotify's limits
 * beside the number of directories the trees hold (inotify needs one watch per directory).
 */
public final class KernelChecks {
  /** Directories counted at most: enough to compare with any sane max_user_watches. */
  static final long COUNT_BOUND = 1_000_000;

  private KernelChecks() {}

  /**
   * @param roots the watched trees
   * @param descend the selection's rule for entering a directory
   */
  public static void run(
      List<PathBytes> roots, Predicate<PathBytes> descend, Consumer<Finding> out) {
    fanotify(roots, out);
    inotify(roots, descend, out);
  }

  static void fanotify(List<PathBytes> roots, Consumer<Finding> out) {
    PathBytes where = roots.stream().filter(KernelChecks::isDirectory).findFirst().orElse(null);
    if (where == null) {
      out.accept(
          Finding.warn(
              "kernel.fanotify",
              "not tried: no watched tree exists",
              "create the trees or fix the config's selection"));
      return;
    }
    String why = FanotifySource.probe(where);
    if (why == null) {
      out.accept(
          Finding.ok(
              "kernel.fanotify",
              "fanotify FID group with FAN_RENAME and a filesystem mark on " + where + " works"));
    } else {
      out.accept(
          Finding.warn(
              "kernel.fanotify",
              "fanotify unusable on " + where + ": " + why + "; fim watch falls back to inotify",
              "run fim watch as root (CAP_SYS_ADMIN) on Linux 5.17+ for fanotify with FAN_RENAME"));
    }
  }

  static void inotify(List<PathBytes> roots, Predicate<PathBytes> descend, Consumer<Finding> out) {
    Long watches = readLong("/proc/sys/fs/inotify/max_user_watches");
    Long instances = readLong("/proc/sys/fs/inotify/max_user_instances");
    if (watches == null || instances == null) {
      out.accept(
          Finding.warn(
              "kernel.inotify",
              "inotify limits unreadable under /proc/sys/fs/inotify",
              "mount /proc"));
      return;
    }
    DirectoryCount.Result dirs = DirectoryCount.count(roots, descend, COUNT_BOUND);
    String counted = (dirs.bounded() ? "at least " : "") + dirs.directories() + " directories";
    if (dirs.directories() > watches) {
      out.accept(
          Finding.warn(
              "kernel.inotify",
              "max_user_watches="
                  + watches
                  + " is below the watched trees' "
                  + counted
                  + ": the inotify fallback cannot watch them all",
              "sysctl fs.inotify.max_user_watches="
                  + Math.max(2 * dirs.directories(), 65536)
                  + " (and a file in /etc/sysctl.d to keep it)"));
    } else if (instances < 8) {
      out.accept(
          Finding.warn(
              "kernel.inotify",
              "max_user_instances=" + instances + " leaves little room for other programs",
              "sysctl fs.inotify.max_user_instances=128"));
    } else {
      out.accept(
          Finding.ok(
              "kernel.inotify",
              "max_user_watches="
                  + watches
                  + " covers the watched trees' "
                  + counted
                  + "; max_user_instances="
                  + instances));
    }
  }

  private static boolean isDirectory(PathBytes p) {
    try {
      return Files.isDirectory(
          Path.of(new String(p.toBytes(), java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.nio.file.InvalidPathException e) {
      return false; // a name the locale cannot spell: tried on another root
    }
  }

  /**
   * A numeric sysctl such as /proc/sys/fs/inotify/max_user_watches, in one read(2) from offset 0:
   * the kernel answers an integer sysctl's read at a later offset with EOF, so {@link
   * Files#readString} (which reads one byte, then the rest) would see only the first digit.
   */
  static Long readLong(String file) {
    try (java.io.InputStream in = Files.newInputStream(Path.of(file))) {
      byte[] buf = new byte[32];
      int n = in.read(buf);
      return n <= 0
          ? null
          : Long.valueOf(new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }
}
