package dev.fim.baseline.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The packages of dpkg's {@code status} file: per package its version, its state and its conffiles'
 * MD5s. Keys are the names dpkg gives the package's files in {@code info/}: {@code name} or, for a
 * {@code Multi-Arch: same} package, {@code name:arch}. Paths are kept as ISO-8859-1 strings (one
 * char per byte), so a non-UTF-8 path survives exactly.
 */
final class DpkgStatus {
  /**
   * One stanza.
   *
   * @param state the third word of {@code Status} ({@code installed}, {@code unpacked}…)
   * @param conffiles path (ISO-8859-1) → MD5 (lower-case hex) as the {@code Conffiles} field has it
   */
  record Installed(String key, String version, String state, Map<String, String> conffiles) {}

  /** Longest line read; a longer one (no real field is) is skipped. */
  static final int MAX_LINE = 64 * 1024;

  private final Map<String, Installed> packages;

  private DpkgStatus(Map<String, Installed> packages) {
    this.packages = packages;
  }

  /** The stanza of the package whose info files are named {@code key}, or null. */
  Installed get(String key) {
    return packages.get(key);
  }

  int size() {
    return packages.size();
  }

  static DpkgStatus read(InputStream in) throws IOException {
    Map<String, Installed> out = new HashMap<>();
    try (ByteLines lines = new ByteLines(in, MAX_LINE)) {
      Stanza s = new Stanza();
      boolean inConffiles = false;
      while (lines.next()) {
        String line = new String(lines.bytes(), 0, lines.length(), StandardCharsets.ISO_8859_1);
        if (line.isBlank()) {
          s.finish(out);
          s = new Stanza();
          inConffiles = false;
          continue;
        }
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
          if (inConffiles) {
            s.conffile(line.trim());
          }
          continue;
        }
        inConffiles = false;
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String field = line.substring(0, colon);
        String value = line.substring(colon + 1).trim();
        switch (field) {
          case "Package" -> s.name = value;
          case "Architecture" -> s.arch = value;
          case "Multi-Arch" -> s.multiArchSame = value.equals("same");
          case "Version" -> s.version = value;
          case "Status" -> s.status = value;
          case "Conffiles" -> inConffiles = true;
          default -> {}
        }
      }
      s.finish(out);
    }
    return new DpkgStatus(out);
  }

  private static final class Stanza {
    String name;
    String arch;
    boolean multiArchSame;
    String version;
    String status;
    final Map<String, String> conffiles = new HashMap<>();

    /** " /etc/x 0123… [obsolete|remove-on-upgrade]": the path may hold spaces, the MD5 does not. */
    void conffile(String entry) {
      String[] words = entry.split(" ");
      int md5At = words.length - 1;
      if (md5At >= 1
          && (words[md5At].equals("obsolete") || words[md5At].equals("remove-on-upgrade"))) {
        md5At--;
      }
      if (md5At < 1) {
        return;
      }
      String md5 = words[md5At];
      String path = String.join(" ", java.util.Arrays.copyOfRange(words, 0, md5At));
      if (path.startsWith("/")) {
        conffiles.put(path, md5.toLowerCase(java.util.Locale.ROOT));
      }
    }

    void finish(Map<String, Installed> out) {
      if (name == null || name.isEmpty() || status == null) {
        return;
      }
      String[] words = status.split("\\s+");
      String state = words[words.length - 1];
      String key = multiArchSame && arch != null ? name + ":" + arch : name;
      out.put(key, new Installed(key, version, state, Map.copyOf(conffiles)));
    }
  }
}
