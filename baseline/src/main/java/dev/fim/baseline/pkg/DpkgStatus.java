package dev.fim.baseline.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
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
    readInto(in, out);
    return new DpkgStatus(out);
  }

  /** How often {@link #readDatabase} starts again when dpkg replaced {@code status} meanwhile. */
  private static final int READ_ATTEMPTS = 5;

  /**
   * The packages as dpkg itself sees them: {@code status}, then each record of dpkg's journal
   * ({@code updates/NNNN}, in order) over it. While it runs, dpkg records every step of a package
   * in the journal (half-installed, then unpacked with the new version and conffiles, …) and
   * rewrites {@code status} only at a checkpoint: every 250 steps and when it exits. Without the
   * journal, the files of a package being installed have an owner (its {@code .list} and {@code
   * md5sums} are in {@code info/}) but no version until dpkg is done (a watch's events of a first
   * install lost their version so under load). A checkpoint writes {@code status} anew (a new
   * inode, by rename) and then deletes the journal: a read that straddles one starts again.
   */
  static DpkgStatus readDatabase(Path root) throws IOException {
    Path statusFile = root.resolve("status");
    for (int attempt = 1; ; attempt++) {
      Object before = fileKey(statusFile);
      Map<String, Installed> out = new HashMap<>();
      try (InputStream in = Files.newInputStream(statusFile)) {
        readInto(in, out);
      }
      boolean complete = readJournal(root.resolve("updates"), out);
      if ((complete && java.util.Objects.equals(before, fileKey(statusFile)))
          || attempt == READ_ATTEMPTS) {
        return new DpkgStatus(out);
      }
    }
  }

  /**
   * Applies the journal's records in dpkg's order (its files are named by a decimal sequence
   * number; {@code tmp.i}, a record being written, is not one yet). False when a record vanished
   * while being read: a checkpoint happened.
   */
  private static boolean readJournal(Path updates, Map<String, Installed> out) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(updates)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!name.isEmpty() && name.length() <= 9 && name.chars().allMatch(Character::isDigit)) {
          names.add(name);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return true; // no journal
    }
    names.sort(Comparator.comparingInt(Integer::parseInt));
    for (String name : names) {
      try (InputStream in = Files.newInputStream(updates.resolve(name))) {
        readInto(in, out);
      } catch (NoSuchFileException e) {
        return false;
      }
    }
    return true;
  }

  private static Object fileKey(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private static void readInto(InputStream in, Map<String, Installed> out) throws IOException {
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
