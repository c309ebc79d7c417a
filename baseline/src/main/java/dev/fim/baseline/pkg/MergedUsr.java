package dev.fim.baseline.pkg;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The merged-/usr aliases of a host: {@code /lib} a symlink to {@code usr/lib}, and so on. A
 * package may record {@code /lib/x86_64-linux-gnu/libc.so.6} while the kernel (and so fim) names
 * the same file {@code /usr/lib/x86_64-linux-gnu/libc.so.6}; this maps the second to the first.
 */
final class MergedUsr {
  private static final String[] TOP = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};

  private final List<byte[]> merged; // "/usr/lib/" for each top directory that is an alias

  private MergedUsr(List<byte[]> merged) {
    this.merged = merged;
  }

  static final MergedUsr NONE = new MergedUsr(List.of());

  /** The aliases under {@code root} (normally {@code /}): each {@code /X} that links to usr/X. */
  static MergedUsr of(Path root) {
    List<byte[]> out = new ArrayList<>();
    for (String top : TOP) {
      Path link = root.resolve(top);
      try {
        if (Files.isSymbolicLink(link)) {
          String target = Files.readSymbolicLink(link).toString();
          if (target.equals("usr/" + top) || target.equals("/usr/" + top)) {
            out.add(("/usr/" + top + "/").getBytes(StandardCharsets.US_ASCII));
          }
        }
      } catch (java.io.IOException | SecurityException e) {
        // not an alias we can read: no alias
      }
    }
    return new MergedUsr(List.copyOf(out));
  }

  /** {@code /usr/lib/x} → {@code /lib/x} when /lib is an alias; else null. */
  byte[] alias(byte[] path) {
    for (byte[] prefix : merged) {
      if (path.length > prefix.length
          && java.util.Arrays.equals(path, 0, prefix.length, prefix, 0, prefix.length)) {
        return java.util.Arrays.copyOfRange(path, 4, path.length);
      }
    }
    return null;
  }
}
