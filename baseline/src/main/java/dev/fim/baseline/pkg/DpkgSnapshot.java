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
 * each package's version and conffiles ({@code status} and dpkg's journal over it, {@code
 * updates/}), the diversions, and each file's MD5 ({@code info/PKG.md5sums}, read when asked, not
 * held). Every file is streamed; a missing or damaged one means "no answer", never a failure, and a
 * line that is not what dpkg writes (a relative path, an over-long line, an MD5 that is not 32 hex
 * digits) is skipped.
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
  private final OwnerIndex index;
  private final PathIndex full;
  private final List<String> keys;
  private final Path root;
  private DpkgStatus status;
  private final Diversions diversions;
  private final long skippedLines;
  private final MergedUsr mergedUsr;

  private DpkgSnapshot(
      Path root,
      OwnerIndex index,
      PathIndex full,
      List<String> keys,
      DpkgStatus status,
      Diversions diversions,
      long skippedLines,
      MergedUsr mergedUsr) {
    this.root = root;
    this.info = root.resolve("info");
    this.index = index;
    this.full = full;
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

  /**
   * The database under {@code root} with its file lists' index taken from {@code cache} (verified
   * and current: {@link OwnerCache#open}) and {@code diversions} read now; {@code status} is read
   * when a path first has an owner ({@link #statusRead}: a command whose findings no package owns
   * never reads it).
   */
  static DpkgSnapshot load(Path root, OwnerCache cache) throws IOException {
    return new DpkgSnapshot(
        root, cache, null, null, null, readDiversions(root), 0, MergedUsr.of(Path.of("/")));
  }

  /**
   * Reads {@code status} now if it was left for the first owner; an error is the full read's (which
   * reads it first): no answer from this snapshot.
   */
  void statusRead() throws IOException {
    if (status == null) {
      status = readStatus(root);
    }
  }

  private static DpkgStatus readStatus(Path root) throws IOException {
    return DpkgStatus.readDatabase(root);
  }

  private static Diversions readDiversions(Path root) throws IOException {
    try (InputStream in = Files.newInputStream(root.resolve("diversions"))) {
      return Diversions.read(in);
    } catch (NoSuchFileException e) {
      return Diversions.NONE;
    }
  }

  /** Reads the database under {@code root}; {@code mergedUsr} names the host's /usr aliases. */
  static DpkgSnapshot load(Path root, MergedUsr mergedUsr) throws IOException {
    DpkgStatus status = readStatus(root);
    Diversions diversions = readDiversions(root);
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
    List<String> named = keys;
    OwnerIndex byKey =
        path -> {
          int[] ids = index.owners(path);
          String[] out = new String[ids.length];
          for (int i = 0; i < ids.length; i++) {
            out[i] = named.get(ids[i]);
          }
          return java.util.Arrays.asList(out);
        };
    return new DpkgSnapshot(root, byKey, index, keys, status, diversions, skipped, mergedUsr);
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
    List<String> keys = index.owners(lookup);
    List<Owner> out = new ArrayList<>(keys.size());
    for (String key : keys) {
      if (accept.test(key)) {
        if (status == null) {
          throw new StatusNotRead();
        }
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
   * reading every list (dpkg records several steps per package it installs in its journal).
   */
  void replaceStatus(Path root) throws IOException {
    status = readStatus(root);
  }

  /**
   * A path has an owner and {@code status} was left for then: {@link #statusRead} and ask again.
   */
  static final class StatusNotRead extends RuntimeException {
    StatusNotRead() {
      super(null, null, false, false);
    }
  }

  /** The index read from every list, or null when it came from an {@link OwnerCache}. */
  PathIndex fullIndex() {
    return full;
  }

  /** The {@code info/} keys in the order {@link #fullIndex} numbers them (null from a cache). */
  List<String> keys() {
    return keys;
  }

  /** The paths of the full read's index; 0 when the snapshot answers from a kept index. */
  int paths() {
    return full == null ? 0 : full.size();
  }

  /** The packages of the full read; 0 when the snapshot answers from a kept index. */
  int packages() {
    return keys == null ? 0 : keys.size();
  }

  /** The full read's index in bytes; 0 when the snapshot answers from a kept index. */
  long indexBytes() {
    return full == null ? 0 : full.footprint();
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
