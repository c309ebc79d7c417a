package dev.fim.store.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of passwd(5) and group(5) files, which share the shape {@code name:x:ID:…}: the
 * rule compiler ({@code -F uid=root}), {@code ausearch -i} names, {@code fim accept}'s user and the
 * engine's /proc attribution all read accounts through it, so a line one of them takes the others
 * take too. Only the files: NSS sources such as LDAP are not consulted (as auditctl without NSS
 * modules). Stateless.
 */
public final class AccountFile {
  /** The host's user accounts. */
  public static final Path PASSWD = Path.of("/etc/passwd");

  /** The host's groups. */
  public static final Path GROUP = Path.of("/etc/group");

  /** One account line: the name and the numeric id (a uid or gid, 0 to 2^32-1). */
  public record Entry(String name, long id) {}

  private AccountFile() {}

  /** The entries of {@code file}, in file order; see {@link #parse(byte[])}. */
  public static List<Entry> read(Path file) throws IOException {
    return parse(Files.readAllBytes(file));
  }

  /**
   * The entries of a passwd or group file's bytes, in file order. Blank lines, {@code #} comments
   * and malformed lines (fewer than three fields, an empty name, an id that is not a number from 0
   * to 2^32-1) name nobody and are skipped; the rest of the file still counts, as getpwnam's
   * reading does.
   */
  public static List<Entry> parse(byte[] file) {
    List<Entry> out = new ArrayList<>();
    for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      String[] f = line.split(":", 4);
      if (f.length < 3 || f[0].isEmpty()) {
        continue;
      }
      try {
        long id = Long.parseLong(f[2].trim());
        if (id >= 0 && id <= 0xFFFF_FFFFL) {
          out.add(new Entry(f[0], id));
        }
      } catch (NumberFormatException e) {
        // a malformed line names nobody
      }
    }
    return out;
  }

  /** id → name; the first entry of an id wins, as getpwuid's and getgrgid's do. */
  public static Map<Long, String> namesById(List<Entry> entries) {
    Map<Long, String> out = new HashMap<>();
    for (Entry e : entries) {
      out.putIfAbsent(e.id(), e.name());
    }
    return out;
  }

  /** name → id; the first entry of a name wins, as getpwnam's and getgrnam's do. */
  public static Map<String, Long> idsByName(List<Entry> entries) {
    Map<String, Long> out = new HashMap<>();
    for (Entry e : entries) {
      out.putIfAbsent(e.name(), e.id());
    }
    return out;
  }
}
