package dev.fim.baseline.select;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@code aide --check}'s JSON report (report_format=json, AIDE 0.18 report_json.c) line by
 * line: it escapes only backslashes in file names and writes their bytes as they are, so it is not
 * always valid JSON. Gives, per entry under a prefix: "added", "removed", or the changed attributes
 * in fim's labels (sorted, joined by ",").
 */
final class AideReport {
  /** AIDE's JSON attribute names (attributes.c, last name column) → fim's change labels. */
  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("perm", "permissions"),
          Map.entry("uid", "owner"),
          Map.entry("gid", "group"),
          Map.entry("size", "size"),
          Map.entry("growing_size", "size"),
          Map.entry("modify_time", "mtime"),
          Map.entry("change_time", "ctime"),
          Map.entry("inode", "inode"),
          Map.entry("block_count", "blocks"),
          Map.entry("link_count", "links"),
          Map.entry("sha256", "content"),
          Map.entry("link_name", "link_target"),
          Map.entry("file_type", "type"));

  private AideReport() {}

  /** The report's entries under {@code prefix}, relative to it ("./…", ISO-8859-1 bytes). */
  static Map<String, String> parse(String report, byte[] prefix) {
    Map<String, String> out = new TreeMap<>();
    Map<String, TreeSet<String>> details = new TreeMap<>();
    String section = "";
    String entry = null;
    for (String line : report.split("\n")) {
      if (line.startsWith("  \"") && line.endsWith("{")) {
        section = line.substring(3, line.indexOf('"', 3));
        continue;
      }
      if (line.startsWith("    \"")) {
        String path = key(line, 4);
        String rel = rel(path, prefix);
        switch (section) {
          case "added", "removed" -> {
            if (rel != null) {
              out.put(rel, section);
            }
          }
          case "changed" -> {
            if (rel != null) {
              out.put(rel, "changed without details");
            }
          }
          case "details" -> entry = rel;
          default -> {}
        }
      } else if (line.startsWith("      \"") && section.equals("details") && entry != null) {
        String name = key(line, 6);
        details
            .computeIfAbsent(entry, k -> new TreeSet<>())
            .add(LABELS.getOrDefault(name, "aide:" + name));
      }
    }
    details.forEach((k, v) -> out.put(k, String.join(",", v)));
    return out;
  }

  /** The quoted key starting at {@code at} (its backslashes unescaped). */
  private static String key(String line, int at) {
    int end = line.lastIndexOf("\": ");
    return line.substring(at + 1, end).replace("\\\\", "\\");
  }

  private static String rel(String path, byte[] prefix) {
    byte[] p = path.getBytes(StandardCharsets.ISO_8859_1);
    if (p.length < prefix.length
        || !java.util.Arrays.equals(p, 0, prefix.length, prefix, 0, prefix.length)
        || (p.length > prefix.length && p[prefix.length] != '/')) {
      return null;
    }
    return "."
        + new String(p, prefix.length, p.length - prefix.length, StandardCharsets.ISO_8859_1);
  }
}
