package dev.fim.baseline.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * dpkg's database as read at one moment: which package names each path (every {@code info/*.list}),
 * each package's version and conffiles ({@code status}), the diversions, and each file's MD5
 * ({@code info/PKG.md5sums}, read when asked, not held). Every file is streamed; a missing or
 * damaged one means "no answer", never a failure, and a line that is not what dpkg writes (a
 * relative path, an over-long line, an MD5 that is not 32 hex digits) is skipped.
 */
final class DpkgSnapshot {
  /** Longest path line read from a {@code .list} or {@code .md5sums} file (PATH_MAX is 4096). */
  static final int MAX_PATH_LINE = 16 * 1024;

  /**
   * A package that owns a path.
   *
   * @param key the package's name in {@code info/} ({@code name} or {@code name:arch})
   * @param recordPath the path under which the package records the file (differs from the path
   *     asked about for a diverted-to path), ISO-8859-1
   * @param installed the package's status stanza, or null when {@code status} has none
   */
  record Owner(String key, String recordPath, DpkgStatus.Installed installed) {
    /** The version, or null. */
    String version() {
      return installed == null ? null : installed.version();
    }
  }

  /**
   * What the package records for a file's content.
   *
   * @param md5 lower-case hex, or null when the package records none ({@code why} says so)
   */
  record Expected(String md5, String why) {}

  private final Path info;
  private final PathIndex index;
  private final List<String> keys;
  private DpkgStatus status;
  private final Diversions diversions;
  private final long skippedLines;
  private final MergedUsr mergedUsr;

  private DpkgSnapshot(
      Path info,
      PathIndex index,
      List<String> keys,
      DpkgStatus status,
      Diversions diversions,
      long skippedLines,
      MergedUsr mergedUsr) {
    this.info = info;
    this.index = index;
    this.keys = keys;
    this.status = status;
    this.diversions = diversions;
    this.skippedLines = skippedLines;
    this.mergedUsr = mergedUsr;
  }

  /** Reads the database under {@code root} (normally {@code /var/lib/dpkg}). */
  static DpkgSnapshot load(Path root) throws IOException {
    return load(root, MergedUsr.of(Path.of("/")));
  }

  /** Reads the database under {@code root}; {@code mergedUsr} names the host's /usr aliases. */
  static DpkgSnapshot load(Path root, MergedUsr mergedUsr) throws IOException {
    DpkgStatus status;
    try (InputStream in = Files.newInputStream(root.resolve("status"))) {
      status = DpkgStatus.read(in);
    }
    Diversions diversions = Diversions.NONE;
    try (InputStream in = Files.newInputStream(root.resolve("diversions"))) {
      diversions = Diversions.read(in);
    } catch (NoSuchFileException e) {
      // no diversions
    }
    Path info = root.resolve("info");
    PathIndex index = new PathIndex();
    List<String> keys = new ArrayList<>();
    long skipped = 0;
    try (DirectoryStream<Path> lists = Files.newDirectoryStream(info, "*.list");
        ByteLines lines = new ByteLines(null, MAX_PATH_LINE)) {
      for (Path list : lists) {
        String name = list.getFileName().toString();
        String key = name.substring(0, name.length() - ".list".length());
        if (key.isEmpty() || !Files.isRegularFile(list, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        int pkg = keys.size();
        keys.add(key);
        long skippedBefore = lines.skipped();
        try {
          lines.reset(Files.newInputStream(list));
          while (lines.next()) {
            byte[] b = lines.bytes();
            int len = lines.length();
            if (len < 2 || b[0] != '/' || (len == 2 && b[1] == '.')) {
              continue; // dpkg's "/." and anything not absolute
            }
            index.add(b, 0, len, pkg);
          }
        } catch (IOException e) {
          skipped++; // unreadable list: its package owns nothing we can see
        }
        skipped += lines.skipped() - skippedBefore;
      }
    } catch (NoSuchFileException e) {
      // no info directory: no package owns anything
    }
    return new DpkgSnapshot(info, index, keys, status, diversions, skipped, mergedUsr);
  }

  /**
   * The packages that own {@code path}, best candidate first; empty when none does or when the
   * owner cannot be told (a path diverted by the administrator). A diverted path belongs to the
   * diverting package; the diverted-to path to the package that ships the original, recorded under
   * the original name. On a merged-/usr host a path under {@code /usr/lib} is also looked up as
   * {@code /lib}, the name the package may record it under.
   */
  List<Owner> owners(byte[] path) {
    List<Owner> out = ownersAsRecorded(path);
    if (out.isEmpty()) {
      byte[] alias = mergedUsr.alias(path);
      if (alias != null) {
        out = ownersAsRecorded(alias);
      }
    }
    return out;
  }

  private List<Owner> ownersAsRecorded(byte[] path) {
    String latin = new String(path, StandardCharsets.ISO_8859_1);
    Diversions.Diversion from = diversions.from(latin);
    if (from != null) {
      if (from.local()) {
        return List.of(); // the administrator's file: no package vouches for it
      }
      return owners(path, latin, k -> nameOf(k).equals(from.by()));
    }
    Diversions.Diversion to = diversions.to(latin);
    if (to != null) {
      byte[] original = to.from().getBytes(StandardCharsets.ISO_8859_1);
      return owners(original, to.from(), k -> !nameOf(k).equals(to.by()));
    }
    return owners(path, latin, k -> true);
  }

  private List<Owner> owners(
      byte[] lookup, String recordPath, java.util.function.Predicate<String> accept) {
    int[] ids = index.owners(lookup);
    List<Owner> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      String key = keys.get(id);
      if (accept.test(key)) {
        out.add(new Owner(key, recordPath, status.get(key)));
      }
    }
    return out;
  }

  /**
   * The MD5 the owner records for the file: its conffile entry in {@code status}, else its line in
   * {@code info/KEY.md5sums}.
   */
  Expected expected(Owner o) {
    if (o.installed() != null) {
      String conf = o.installed().conffiles().get(o.recordPath());
      if (conf != null) {
        return isMd5(conf)
            ? new Expected(conf, null)
            : new Expected(null, "its conffile record holds no MD5 (" + conf + ")");
      }
    }
    Path sums = info.resolve(o.key() + ".md5sums");
    byte[] want = o.recordPath().substring(1).getBytes(StandardCharsets.ISO_8859_1);
    try (ByteLines lines = new ByteLines(Files.newInputStream(sums), MAX_PATH_LINE + 34)) {
      while (lines.next()) {
        byte[] b = lines.bytes();
        int len = lines.length();
        // "<32 hex>  <path without the leading slash>"
        if (len == 34 + want.length
            && b[32] == ' '
            && b[33] == ' '
            && java.util.Arrays.equals(b, 34, len, want, 0, want.length)) {
          String md5 = new String(b, 0, 32, StandardCharsets.ISO_8859_1);
          if (isMd5(md5)) {
            return new Expected(md5.toLowerCase(java.util.Locale.ROOT), null);
          }
        }
      }
      return new Expected(null, "its md5sums has no entry for it");
    } catch (NoSuchFileException e) {
      return new Expected(null, "it has no md5sums file");
    } catch (IOException e) {
      return new Expected(null, "its md5sums file cannot be read: " + e.getMessage());
    }
  }

  /**
   * The same file lists with {@code status} read again: a new version or conffile record, without
   * reading every list (dpkg writes {@code status} several times per package it installs).
   */
  void replaceStatus(Path root) throws IOException {
    try (InputStream in = Files.newInputStream(root.resolve("status"))) {
      status = DpkgStatus.read(in);
    }
  }

  int paths() {
    return index.size();
  }

  int packages() {
    return keys.size();
  }

  long indexBytes() {
    return index.footprint();
  }

  long skippedLines() {
    return skippedLines;
  }

  /** The package name of an info key ({@code name:arch} → {@code name}). */
  static String nameOf(String key) {
    int colon = key.indexOf(':');
    return colon < 0 ? key : key.substring(0, colon);
  }

  private static boolean isMd5(String s) {
    if (s.length() != 32) {
      return false;
    }
    try {
      HexFormat.of().parseHex(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
