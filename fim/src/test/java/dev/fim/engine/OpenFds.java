package dev.fim.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * This JVM's open fds whose link target a test cares about, for leak checks: "N -> target" each.
 */
public final class OpenFds {
  private OpenFds() {}

  public static List<String> matching(Predicate<String> target) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        String t;
        try {
          t = Files.readSymbolicLink(fd).toString();
        } catch (IOException gone) {
          continue; // the directory stream's own fd, closed by now
        }
        if (target.test(t)) {
          out.add(fd.getFileName() + " -> " + t);
        }
      }
    }
    return out;
  }
}
