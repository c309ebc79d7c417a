package dev.fim.baseline.select;

import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.ScanProblem;
import dev.fim.baseline.ScanSettings;
import dev.fim.baseline.ScanSink;
import dev.fim.baseline.Scanner;
import dev.fim.baseline.Selector;
import dev.fim.baseline.diff.TreeDiff;
import dev.fim.store.AttributeChange;
import dev.fim.store.Column;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The differential check of fim's selection against the real aide (issue 14): a seeded generator of
 * trees with awkward names (dots, regex metacharacters, spaces, UTF-8 and non-UTF-8 bytes), configs
 * (selective, equals and negative lines, type restrictions, overlapping regexes, a macro for the
 * tree) and mutations (content, mode, create, delete, rename, type change). For each case {@code
 * aide --init} and fim's scan run on the same tree with the same selection lines; every line has
 * its own group of attributes, so the attributes each entry is recorded with name the line that
 * governs it on both sides (AIDE's database "attr" column; fim's selector). Each group also gets
 * seeded attributes that change only what is compared (times, block count, sha256, link target,
 * file type, S, growing, ANF, ARF). Then the tree is mutated and both compare again, and {@code
 * aide --check}'s report is compared with fim's check ({@link TreeDiff} on a real store) entry by
 * entry: the same entries added, removed and changed, and per changed entry the same attributes.
 */
final class AideDifferential {
  /** AIDE 0.18 attribute bits (include/attributes.h) of the attributes the groups use. */
  private static final String[] ATTRS = {"p", "u", "g", "s", "i", "n"};

  private static final long[] AIDE_BITS = {1L << 2, 1L << 3, 1L << 4, 1L << 5, 1L << 9, 1L << 11};
  private static final long AIDE_MASK =
      (1L << 2) | (1L << 3) | (1L << 4) | (1L << 5) | (1L << 9) | (1L << 11);

  /** Attributes a group may have besides those that name its line (see {@link #group}). */
  private static final String[] EXTRAS = {
    "m", "c", "sha256", "b", "l", "ftype", "S", "growing", "ANF", "ARF"
  };

  private static final byte[][] NAMES = {
    b("d01"), b("d02"), b("a.txt"), b("b.log"), b("x.y"), b("a b"), b("[x]"), b("(p)"), b("a+b"),
    b("q?"), b("$d"), b("^c"), b("{2}"), b("a|b"), b("tmp.x3"), b("c*"), b("aab"), b("xAy"),
    "ü.txt".getBytes(StandardCharsets.UTF_8), {(byte) 0xff, 'n', 'u'}, b("e.log"), b("k")
  };
  private static final String META = ".^$?*+[](){}|\\";

  private AideDifferential() {}

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** One entry of a generated tree, relative to its root. */
  record Entry(byte[] rel, char type) {}

  /**
   * A generated case: the tree, the selection lines (with {@code @@{T}} for the tree), the
   * mutations.
   */
  record Case(long seed, List<Entry> tree, String rules, List<String> mutations) {}

  /** What one case found: empty when aide and fim agree. */
  record Outcome(long seed, List<String> disagreements, int entries, int findings) {
    Outcome(long seed, List<String> disagreements, int entries) {
      this(seed, disagreements, entries, 0);
    }
  }

  static boolean aideInstalled() {
    for (String d : new String[] {"/usr/bin/aide", "/usr/sbin/aide", "/bin/aide", "/sbin/aide"}) {
      if (Files.isExecutable(Path.of(d))) {
        return true;
      }
    }
    return false;
  }

  static Case generate(long seed) {
    Random rnd = new Random(seed);
    List<Entry> tree = new ArrayList<>();
    List<byte[]> dirs = new ArrayList<>();
    dirs.add(new byte[0]);
    fill(rnd, tree, dirs, new byte[0], 1);
    List<byte[]> all = new ArrayList<>();
    all.add(new byte[0]);
    for (Entry e : tree) {
      all.add(e.rel());
    }
    StringBuilder rules = new StringBuilder();
    int n = 2 + rnd.nextInt(6);
    boolean base = rnd.nextInt(5) != 0;
    int basePos = base ? rnd.nextInt(n + 1) : -1;
    for (int i = 0; i <= n; i++) {
      String line;
      if (i == basePos) {
        line = "@@{T}" + (rnd.nextInt(4) == 0 ? "/" : "") + " G" + i;
      } else {
        line = rule(rnd, all, i);
      }
      rules.append(line).append('\n');
    }
    List<String> mutations = new ArrayList<>();
    int m = 1 + rnd.nextInt(4);
    for (int i = 0; i < m; i++) {
      byte[] target = all.get(rnd.nextInt(all.size()));
      String hex = HexFormat.of().formatHex(target);
      String op =
          switch (rnd.nextInt(8)) {
            case 0 -> "append";
            case 1 -> "chmod";
            case 2 -> "delete";
            case 3 -> "rename";
            case 4 -> "retype";
            case 5 -> "shrink";
            case 6 -> "rewrite";
            default -> "create";
          };
      if (op.equals("create")) {
        byte[] dir = dirs.get(rnd.nextInt(dirs.size()));
        byte[] name = NAMES[rnd.nextInt(NAMES.length)];
        hex = HexFormat.of().formatHex(join(dir, name));
        op = rnd.nextBoolean() ? "create" : "mkdir";
      }
      if (target.length == 0 && !op.startsWith("create") && !op.equals("mkdir")) {
        op = "chmod"; // the tree's root stays
      }
      mutations.add(op + " " + (hex.isEmpty() ? "." : hex));
    }
    return new Case(seed, tree, rules.toString(), mutations);
  }

  private static void fill(Random rnd, List<Entry> tree, List<byte[]> dirs, byte[] dir, int depth) {
    int k = 1 + rnd.nextInt(depth == 1 ? 5 : 4);
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int i = 0; i < k; i++) {
      byte[] name = NAMES[rnd.nextInt(NAMES.length)];
      if (!used.add(new String(name, StandardCharsets.ISO_8859_1))) {
        continue;
      }
      byte[] rel = join(dir, name);
      int t = rnd.nextInt(10);
      if (depth < 3 && t < 4) {
        tree.add(new Entry(rel, 'd'));
        dirs.add(rel);
        fill(rnd, tree, dirs, rel, depth + 1);
      } else if (t == 9) {
        tree.add(new Entry(rel, 'l'));
      } else {
        tree.add(new Entry(rel, 'f'));
      }
    }
  }

  private static byte[] join(byte[] dir, byte[] name) {
    byte[] out = new byte[dir.length + 1 + name.length];
    System.arraycopy(dir, 0, out, 0, dir.length);
    out[dir.length] = '/';
    System.arraycopy(name, 0, out, dir.length + 1, name.length);
    return out;
  }

  private static String rule(Random rnd, List<byte[]> all, int i) {
    byte[] target = all.get(rnd.nextInt(all.size()));
    String re = "@@{T}" + regexOf(rnd, target);
    String restriction =
        switch (rnd.nextInt(8)) {
          case 0 -> " f";
          case 1 -> " d";
          case 2 -> " l";
          case 3 -> " f,d";
          default -> "";
        };
    return switch (rnd.nextInt(13)) {
      case 12 ->
          re
              + "/.\\.txt$"
              + restriction
              + " G"
              + i; // one "." against "ü" (two bytes): no match in aide either
      case 0 -> re + restriction + " G" + i;
      case 1 -> re + "$" + restriction + " G" + i;
      case 2 -> re + "/" + restriction + " G" + i;
      case 3 -> re + "/.*\\.txt$" + restriction + " G" + i;
      case 4 -> re + "/[^/]*$" + restriction + " G" + i;
      case 5 -> "=" + re + "/" + restriction + " G" + i;
      case 6 -> "=" + re + restriction + " G" + i;
      case 7 -> "!" + re + restriction;
      case 8 -> "!" + re + "$" + restriction;
      case 9 -> "!" + re + "/.*\\.log$" + restriction;
      case 10 -> re + "/(d0[12]|k)" + restriction + " G" + i;
      default -> re + ".*" + restriction + " G" + i;
    };
  }

  /** The path as a regex: metacharacters escaped or (sometimes) left as they are, spaces as %20. */
  private static String regexOf(Random rnd, byte[] rel) {
    boolean escape = rnd.nextInt(10) < 7;
    StringBuilder sb = new StringBuilder();
    int start = 0;
    for (int i = 0; i <= rel.length; i++) {
      if (i < rel.length && rel[i] != '/') {
        continue;
      }
      if (i > start) {
        sb.append('/');
        boolean ascii = true;
        for (int k = start; k < i; k++) {
          ascii &= rel[k] >= 0x20 && rel[k] < 0x7f;
        }
        if (!ascii) {
          sb.append("[^/]*"); // AIDE compiles regexes as UTF-8: no raw non-UTF-8 byte in a line
        } else {
          for (int k = start; k < i; k++) {
            char c = (char) rel[k];
            if (c == ' ') {
              sb.append(rnd.nextInt(4) == 0 ? "%20" : "\\ "); // AIDE keeps %20 as it is
            } else if (escape && META.indexOf(c) >= 0) {
              sb.append('\\').append(c);
            } else {
              sb.append(c);
            }
          }
        }
      }
      start = i + 1;
    }
    return sb.toString();
  }

  /**
   * The config text fim and aide read (aide's gets its database lines in front). Its layout comes
   * from the seed: the rules in the main file; or the later ones in a file read by {@code @@include
   * FILE}; or the ones under the tree in files of a directory read by {@code @@include DIR REGEX
   * PREFIX}, written without the tree's path (the prefix adds it). Some rules take their path from
   * an {@code @@define}d macro. Included files are written into {@code work}.
   */
  static String config(Case c, String root, Path work) throws IOException {
    // The tree's path is written out on each line (with its "." unescaped, as people write paths):
    // AIDE takes @@{VAR} inside a line but not as a line's first token.
    Random rnd =
        new Random(c.seed() * 31 + 7); // apart from generate()'s: old seeds keep their cases
    StringBuilder sb = new StringBuilder();
    String[] rules = c.rules().split("\n");
    for (int i = 0; i <= rules.length; i++) {
      sb.append("G").append(i).append(" = ").append(group(c.seed(), i)).append('\n');
    }
    for (int i = 0; i < rules.length; i++) {
      String r = rules[i];
      int at = r.indexOf("@@{T}/");
      int end = r.indexOf(' ', Math.max(at, 0));
      if (at >= 0 && end > at && rnd.nextInt(4) == 0 && !r.contains("\\ ")) {
        sb.append("@@define D").append(i).append(' ').append(r, at + 5, end).append('\n');
        rules[i] = r.substring(0, at + 5) + "@@{D" + i + "}" + r.substring(end);
      }
    }
    int layout = rnd.nextInt(3);
    if (layout == 1) {
      int k = rnd.nextInt(rules.length + 1);
      StringBuilder inc = new StringBuilder();
      for (int i = k; i < rules.length; i++) {
        inc.append(rules[i].replace("@@{T}", root)).append('\n');
      }
      Files.writeString(work.resolve("inc.conf"), inc);
      for (int i = 0; i < k; i++) {
        sb.append(rules[i].replace("@@{T}", root)).append('\n');
      }
      sb.append("@@include ").append(work.resolve("inc.conf")).append('\n');
    } else if (layout == 2) {
      Path d = Files.createDirectories(work.resolve("inc.d"));
      StringBuilder[] files = {new StringBuilder(), new StringBuilder()};
      for (String r : rules) {
        String t = r.startsWith("=") || r.startsWith("!") ? r.substring(1) : r;
        if (t.startsWith("@@{T}/")) {
          files[rnd.nextInt(2)].append(r.replaceFirst("@@\\{T\\}", "")).append('\n');
        } else {
          sb.append(r.replace("@@{T}", root)).append('\n');
        }
      }
      Files.writeString(d.resolve("r2"), files[0]);
      Files.writeString(d.resolve("r1"), files[1]);
      Files.writeString(d.resolve("skipped.bak"), "/ G0\n");
      sb.append("@@include ")
          .append(d)
          .append(" ^r[0-9]$ ")
          .append(root)
          .append(rnd.nextBoolean() ? "/" : "")
          .append('\n');
    } else {
      for (String r : rules) {
        sb.append(r.replace("@@{T}", root)).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Line {@code i}'s group: the attributes that name the line (its number + 1 in binary over {@link
   * #ATTRS}) plus, from the seed, attributes that only change what is compared: times, block count,
   * a hash, link target, file type, S, and AIDE's growing, ANF and ARF.
   */
  static String group(long seed, int i) {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < ATTRS.length; k++) {
      if (((i + 1) & (1 << k)) != 0) {
        parts.add(ATTRS[k]);
      }
    }
    Random rnd = new Random(seed * 131 + 17 + i * 7919L); // apart from the tree's and rules'
    for (String extra : EXTRAS) {
      if (rnd.nextInt(3) == 0) {
        parts.add(extra);
      }
    }
    return String.join("+", parts);
  }

  private static long aideBits(int group) {
    long bits = 0;
    for (int k = 0; k < ATTRS.length; k++) {
      if (((group + 1) & (1 << k)) != 0) {
        bits |= AIDE_BITS[k];
      }
    }
    return bits;
  }

  static Outcome run(Case c, Path work) throws IOException, InterruptedException {
    try (Store store = Store.open(work.resolve("fimdb"), Store.OpenMode.CREATE)) {
      return run(c, work, store);
    } catch (StoreException e) {
      throw new IOException(e);
    }
  }

  /** One case, with {@code store} (emptied first) for fim's check: one store serves many cases. */
  static Outcome run(Case c, Path work, Store store) throws IOException, InterruptedException {
    Path root = work.resolve("t.x");
    make(c, root);
    String conf = config(c, root.toString(), work);
    List<String> out = new ArrayList<>();
    Path aideConf = work.resolve("aide.conf");
    Path db = work.resolve("db");
    Files.writeString(
        aideConf,
        "database_in=file:"
            + db
            + "\ndatabase_out=file:"
            + work.resolve("db.new")
            + "\ngzip_dbout=no\nreport_format=json\nreport_url=stdout\n"
            + conf);
    Config config;
    try {
      config =
          ConfigParser.parse(
              conf.getBytes(StandardCharsets.UTF_8),
              "diff.conf",
              w -> {
                if (!w.note()) { // aide says nothing there either (see ConfigWarning)
                  out.add("fim warning: " + w);
                }
              });
    } catch (ConfigException e) {
      out.add("fim rejects the config: " + e.getMessage());
      return new Outcome(c.seed(), out, 0);
    }
    Map<Long, String> groupOf = new java.util.HashMap<>();
    Map<AttributeSet, String> nameOf = new java.util.HashMap<>();
    int groups = c.rules().split("\n").length + 1;
    for (int i = 0; i < groups; i++) {
      groupOf.put(aideBits(i), "G" + i);
      nameOf.put(config.groups().get("G" + i), "G" + i);
    }
    byte[] prefix = root.toString().getBytes(StandardCharsets.UTF_8);
    Map<String, String> aideBefore = aideInit(aideConf, work, prefix, groupOf, out);
    if (aideBefore == null) {
      return new Outcome(c.seed(), out, 0);
    }
    try {
      store.clear(Column.BASELINE);
      store.clear(Column.SCAN);
      Map<String, String> fimBefore =
          fimScan(config.selector(), prefix, nameOf, store.newBulkWriter(Column.BASELINE));
      compare("before", aideBefore, fimBefore, out);
      Files.move(work.resolve("db.new"), db);
      mutate(c, root);
      String report = aide(aideConf, "--check", out);
      Map<String, String> aideAfter = aideInit(aideConf, work, prefix, groupOf, out);
      Map<String, String> fimAfter =
          fimScan(config.selector(), prefix, nameOf, store.newBulkWriter(Column.SCAN));
      if (aideAfter != null) {
        compare("after", aideAfter, fimAfter, out);
      }
      int findings = 0;
      if (report != null) {
        Map<String, String> aideFound = AideReport.parse(report, prefix);
        compareCheck(aideFound, fimCheck(store, prefix), out);
        findings = aideFound.size();
      }
      return new Outcome(c.seed(), out, fimBefore.size() + fimAfter.size(), findings);
    } catch (StoreException e) {
      throw new IOException(e);
    }
  }

  /**
   * {@code fim check}'s findings, through its own {@link TreeDiff} on a real store: path → "added",
   * "removed" or the changed attributes' labels (sorted, joined by ",").
   */
  private static Map<String, String> fimCheck(Store store, byte[] prefix) throws StoreException {
    Map<String, String> m = new TreeMap<>();
    new TreeDiff(store, null, List.of())
        .run(
            Column.BASELINE,
            Column.SCAN,
            f -> {
              String rel = relative(f.path().toBytes(), prefix);
              if (rel == null) {
                return;
              }
              if (f.before() == null) {
                m.put(rel, "added");
              } else if (f.after() == null) {
                m.put(rel, "removed");
              } else {
                List<String> labels = new ArrayList<>();
                for (AttributeChange ch : f.difference().changes()) {
                  if (!finerThanAide(ch, f.before(), f.after())) {
                    labels.add(ch.attribute());
                  }
                }
                if (!labels.isEmpty()) {
                  m.put(rel, String.join(",", new java.util.TreeSet<>(labels)));
                }
              }
            });
    return m;
  }

  /**
   * A documented difference, not a disagreement: aide keeps times in whole seconds, fim in
   * nanoseconds, so a ctime or mtime that moved within one second is a change to fim only.
   */
  private static boolean finerThanAide(AttributeChange ch, FileRecord before, FileRecord after) {
    long sec = 1_000_000_000L;
    return switch (ch.attribute()) {
      case "mtime" -> Math.floorDiv(before.mtimeNs(), sec) == Math.floorDiv(after.mtimeNs(), sec);
      case "ctime" -> Math.floorDiv(before.ctimeNs(), sec) == Math.floorDiv(after.ctimeNs(), sec);
      default -> false;
    };
  }

  /**
   * aide --check's entries against fim's, entry by entry: the same entries added, removed and
   * changed, and for each changed one the same attributes (AIDE's names mapped to fim's labels).
   * fim reports a type change alone and whatever the group (documented): there aide may report the
   * type with other attributes, or nothing.
   */
  private static void compareCheck(
      Map<String, String> aide, Map<String, String> fim, List<String> out) {
    java.util.Set<String> keys = new java.util.TreeSet<>(aide.keySet());
    keys.addAll(fim.keySet());
    for (String k : keys) {
      String a = aide.getOrDefault(k, "-");
      String f = fim.getOrDefault(k, "-");
      if (f.equals("type") && !a.equals("added") && !a.equals("removed")) {
        continue;
      }
      if (!a.equals(f)) {
        out.add("check: " + show(k) + " aide " + a + " fim " + f);
      }
    }
  }

  private static void compare(
      String when, Map<String, String> aide, Map<String, String> fim, List<String> out) {
    java.util.Set<String> keys = new java.util.TreeSet<>(aide.keySet());
    keys.addAll(fim.keySet());
    for (String k : keys) {
      String a = aide.getOrDefault(k, "-");
      String f = fim.getOrDefault(k, "-");
      if (!a.equals(f)) {
        out.add(when + ": " + show(k) + " aide " + a + " fim " + f);
      }
    }
  }

  static String show(String iso) {
    StringBuilder sb = new StringBuilder();
    for (char c : iso.toCharArray()) {
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@code aide --init}: path (ISO-8859-1, relative to the tree) → group. */
  private static Map<String, String> aideInit(
      Path conf, Path work, byte[] prefix, Map<Long, String> groupOf, List<String> out)
      throws IOException, InterruptedException {
    Files.deleteIfExists(work.resolve("db.new"));
    if (aide(conf, "--init", out) == null) {
      return null;
    }
    Map<String, String> m = new TreeMap<>();
    int attrColumn = -1;
    for (String line : Files.readAllLines(work.resolve("db.new"), StandardCharsets.ISO_8859_1)) {
      if (line.startsWith("@@db_spec ")) {
        attrColumn =
            List.of(line.substring(1).split(" +")).indexOf("attr")
                - 1; // the columns vary with the attributes used
      }
      if (line.isEmpty() || line.charAt(0) != '/') {
        continue;
      }
      String[] f = line.split(" ");
      byte[] path = urlDecode(f[0]);
      long attr = Long.parseLong(f[attrColumn]) & AIDE_MASK;
      String rel = relative(path, prefix);
      if (rel != null) {
        m.put(rel, groupOf.getOrDefault(attr, "attr" + attr));
      }
    }
    return m;
  }

  private static String relative(byte[] path, byte[] prefix) {
    if (path.length < prefix.length
        || !java.util.Arrays.equals(path, 0, prefix.length, prefix, 0, prefix.length)) {
      return null;
    }
    if (path.length > prefix.length && path[prefix.length] != '/') {
      return null;
    }
    return "."
        + new String(path, prefix.length, path.length - prefix.length, StandardCharsets.ISO_8859_1);
  }

  private static byte[] urlDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() + 0 && i + 2 <= s.length() - 1) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write((byte) c);
      }
    }
    return out.toByteArray();
  }

  /** Runs aide; its standard output, or null (with the reason in {@code out}) when it failed. */
  private static String aide(Path conf, String command, List<String> out)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("aide", "-c", conf.toString(), command)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    byte[] text = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      out.add("aide " + command + " timed out");
      return null;
    }
    int rc = p.exitValue();
    String s = new String(text, StandardCharsets.ISO_8859_1);
    if (command.equals("--init") ? rc != 0 : rc >= 8) {
      out.add("aide " + command + " exit " + rc + ": " + s.strip());
      return null;
    }
    return s;
  }

  /** fim's scan into {@code writer}; path → the group its governing line gave it. */
  private static Map<String, String> fimScan(
      Selector selector, byte[] prefix, Map<AttributeSet, String> nameOf, RecordWriter writer)
      throws InterruptedException, StoreException {
    Map<PathBytes, AttributeSet> chosen = new ConcurrentHashMap<>();
    Selector recording =
        new Selector() {
          @Override
          public AttributeSet select(PathBytes path, FileType type) {
            AttributeSet a = selector.select(path, type);
            if (a != null) {
              chosen.put(path, a);
            }
            return a;
          }

          @Override
          public boolean descend(PathBytes dir) {
            return selector.descend(dir);
          }

          @Override
          public List<PathBytes> roots() {
            return selector.roots();
          }
        };
    Map<String, String> m = new ConcurrentHashMap<>();
    try (writer) {
      new Scanner(ScanSettings.defaults().withThreads(1))
          .scan(
              recording,
              new ScanSink() {
                @Override
                public void record(PathBytes path, FileRecord record) {
                  try {
                    writer.put(path, record);
                  } catch (StoreException e) {
                    throw new IllegalStateException(e);
                  }
                  String rel = relative(path.toBytes(), prefix);
                  if (rel != null) {
                    m.put(rel, nameOf.getOrDefault(chosen.get(path), "?"));
                  }
                }

                @Override
                public void problem(ScanProblem problem) {}
              });
    }
    return new TreeMap<>(m);
  }

  // One sh per phase (a Python start took ~2 s on the loaded 2-core host); names are written as
  // printf octal escapes, so non-UTF-8 bytes reach the file system as they are.
  private static void make(Case c, Path root) throws IOException, InterruptedException {
    StringBuilder sh = new StringBuilder("set -e\nmkdir -- \"$1\"\n");
    for (Entry e : c.tree()) {
      sh.append("x=\"$1\"$(printf '").append(octal(e.rel())).append("')\n");
      sh.append(
          switch (e.type()) {
            case 'd' -> "mkdir -- \"$x\"\n";
            case 'l' -> "ln -s a.txt \"$x\"\n";
            default -> "printf '%." + (e.rel().length % 7) + "s' xxxxxxx > \"$x\"\n";
          });
    }
    // Times in the past: a mutation then moves an mtime to another second, which aide (whole
    // seconds) sees as fim (nanoseconds) does.
    sh.append("find \"$1\" -exec touch -h -d @1000000000 {} +\n");
    sh(root, sh.toString());
  }

  private static void mutate(Case c, Path root) throws IOException, InterruptedException {
    StringBuilder sh = new StringBuilder();
    for (String m : c.mutations()) {
      String[] f = m.split(" ");
      byte[] rel = f[1].equals(".") ? new byte[0] : HexFormat.of().parseHex(f[1]);
      sh.append("x=\"$1\"$(printf '").append(octal(rel)).append("')\n");
      sh.append(
          switch (f[0]) {
            case "append" ->
                "if [ -f \"$x\" ] && [ ! -L \"$x\" ]; then printf more >> \"$x\"; fi\n";
            case "chmod" -> "if [ -e \"$x\" ] && [ ! -L \"$x\" ]; then chmod 700 \"$x\"; fi\n";
            case "shrink" -> "if [ -f \"$x\" ] && [ ! -L \"$x\" ]; then truncate -s 1 \"$x\"; fi\n";
            case "rewrite" -> // the first byte, in place: same inode, same size unless it was empty
                "if [ -f \"$x\" ] && [ ! -L \"$x\" ]; then printf z | dd of=\"$x\" bs=1 count=1"
                    + " conv=notrunc 2>/dev/null; fi\n";
            case "delete" -> "rm -rf -- \"$x\"\n";
            case "rename" ->
                "if [ -e \"$x\" ] || [ -L \"$x\" ]; then mv -- \"$x\" \"$x.x\" || true; fi\n";
            case "retype" ->
                "if [ -d \"$x\" ] && [ ! -L \"$x\" ]; then rm -rf -- \"$x\"; : > \"$x\";"
                    + " elif [ -e \"$x\" ] || [ -L \"$x\" ]; then rm -f -- \"$x\"; mkdir -- \"$x\"; fi\n";
            case "create" ->
                "if [ -d \"$(dirname -- \"$x\")\" ] && [ ! -e \"$x\" ] && [ ! -L \"$x\" ]; then : > \"$x\"; fi\n";
            default ->
                "if [ -d \"$(dirname -- \"$x\")\" ] && [ ! -e \"$x\" ] && [ ! -L \"$x\" ]; then mkdir -- \"$x\"; fi\n";
          });
    }
    sh(root, sh.toString());
  }

  private static String octal(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("\\%03o", x & 0xff));
    }
    return sb.toString();
  }

  private static void sh(Path root, String script) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("sh", "-c", script, "sh", root.toString())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    byte[] text;
    try (InputStream in = p.getInputStream()) {
      text = in.readAllBytes();
    }
    if (p.waitFor() != 0) {
      throw new IOException(
          "sh failed: " + new String(text, StandardCharsets.UTF_8) + "\n" + script);
    }
  }
}
