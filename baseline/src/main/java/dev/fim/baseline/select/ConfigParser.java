package dev.fim.baseline.select;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads fim's config, AIDE's aide.conf(5) selection syntax plus fim options (docs/fim.conf.md). The
 * content is read as bytes and decoded as ISO-8859-1, one char per byte, so rules can name paths
 * that are not UTF-8 and parsing does not depend on the locale. Stateless and thread-safe.
 */
public final class ConfigParser {
  /** The resource holding fim's default config. */
  public static final String DEFAULT_RESOURCE = "default.conf";

  /**
   * Longest line accepted, in bytes, as written and after {@code @@{VAR}} substitution: a config
   * line is a rule, a group or an option, none of which needs more (a regex may have at most
   * {@value Re2Regex#MAX_CHARS} bytes).
   */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  /**
   * Largest config accepted, in bytes, as read and again after macro expansion (every line passed
   * on plus every {@code @@define} value): a chain of {@code @@define}s that doubles a value 40
   * times would otherwise fill any heap.
   */
  public static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private ConfigParser() {}

  /**
   * Parses {@code content}. Problems that leave the config usable (ignored AIDE options,
   * unsupported hashes, unknown directives) go to {@code warnings}; the others throw.
   *
   * @param sourceName the name used in messages ({@code file:line: …})
   * @throws ConfigException naming the file, line, reason and what would have been accepted
   */
  public static Config parse(byte[] content, String sourceName, Consumer<ConfigWarning> warnings)
      throws ConfigException {
    return parse(content, sourceName, sourceName, warnings);
  }

  private static Config parse(
      byte[] content, String sourceName, String realPath, Consumer<ConfigWarning> warnings)
      throws ConfigException {
    Preprocessor macros = new Preprocessor(warnings);
    StatementParser statements = new StatementParser(sourceName, warnings);
    new Reader(macros, statements).feed(content, sourceName, new ArrayList<>(List.of(realPath)));
    macros.finish();
    return statements.build();
  }

  /** AIDE's limit on nested includes (aide.conf(5) "@@include"). */
  static final int MAX_INCLUDE_DEPTH = 16;

  /** How long an {@code @@x_include} executable may run. */
  static final long EXECUTE_TIMEOUT_SECONDS = 60;

  /** Reads one file's lines through the macro stage, and the files it includes, in place. */
  private static final class Reader {
    private final Preprocessor macros;
    private final StatementParser statements;

    /** Bytes read from all files and executables (the same limit as one config). */
    private long total;

    Reader(Preprocessor macros, StatementParser statements) {
      this.macros = macros;
      this.statements = statements;
    }

    void feed(byte[] content, String sourceName, List<String> chain) throws ConfigException {
      total += content.length;
      if (content.length > MAX_CONFIG_BYTES || total > MAX_CONFIG_BYTES) {
        throw tooLarge(sourceName, content, (int) Math.min(content.length, MAX_CONFIG_BYTES));
      }
      String text = new String(content, StandardCharsets.ISO_8859_1);
      int number = 0;
      int start = 0;
      while (start < text.length()) {
        int end = text.indexOf('\n', start);
        if (end < 0) {
          end = text.length();
        }
        if (end - start > MAX_LINE_BYTES) {
          throw new ConfigException(
              sourceName,
              number + 1,
              null,
              "line is "
                  + (end - start)
                  + " bytes long; at most "
                  + MAX_LINE_BYTES
                  + " are accepted",
              "lines of at most " + MAX_LINE_BYTES + " bytes");
        }
        ConfigLine line = new ConfigLine(sourceName, ++number, text.substring(start, end));
        String statement = macros.process(line);
        if (statement != null) {
          statements.accept(line, statement);
        }
        Preprocessor.Include include = macros.takeInclude();
        if (include != null) {
          include(include, chain);
        }
        start = end + 1;
      }
    }

    private void include(Preprocessor.Include inc, List<String> chain) throws ConfigException {
      String what = inc.execute() ? "@@x_include" : "@@include";
      if (chain.size() > MAX_INCLUDE_DEPTH) {
        throw inc.line()
            .error(
                "includes are nested deeper than "
                    + MAX_INCLUDE_DEPTH
                    + ": "
                    + String.join(" -> ", chain),
                "at most " + MAX_INCLUDE_DEPTH + " nested includes");
      }
      Path path = Path.of(inc.path());
      if (inc.regex() == null) {
        BasicFileAttributes a = attributes(inc, path, false);
        if (!a.isRegularFile()) {
          throw inc.line()
              .error(
                  what + ": '" + inc.path() + "' is not a regular file",
                  what + " FILE | " + what + " DIR REGEX");
        }
        file(inc, path, chain);
        return;
      }
      String prefix = inc.prefix();
      if (prefix != null) {
        if (!prefix.startsWith("/")) {
          throw inc.line()
              .error(
                  what + ": invalid rule prefix '" + prefix + "': it must start with '/'",
                  what + " DIR REGEX [/PREFIX]");
        }
        if (prefix.endsWith("/")) {
          prefix = prefix.substring(0, prefix.length() - 1);
        }
      }
      com.google.re2j.Pattern rx;
      try {
        rx = Re2Regex.compile(inc.regex());
      } catch (Re2Regex.Rejected e) {
        throw inc.line()
            .error(
                what + ": bad regex '" + inc.regex() + "': " + e.getMessage(),
                ACCEPTED_INCLUDE_REGEX);
      }
      if (!attributes(inc, path, true).isDirectory()) {
        throw inc.line()
            .error(
                what + ": '" + inc.path() + "' is not a directory",
                what + " DIR REGEX [RULE_PREFIX]");
      }
      if (inc.execute()) {
        checkOwnership(inc, path);
      }
      List<String> names = new ArrayList<>();
      try (var s = Files.list(path)) {
        s.forEach(p -> names.add(p.getFileName().toString()));
      } catch (IOException | RuntimeException e) {
        throw inc.line()
            .error(
                what + ": cannot list directory '" + inc.path() + "': " + reason(e),
                "a readable directory");
      }
      // AIDE: scandir(3) with alphasort; fim sorts by bytes (alphasort under LC_ALL=C).
      names.sort(
          Comparator.comparing(
              (String n) -> n.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
      String old = statements.rulePrefix(statementsPrefix(prefix));
      try {
        for (String name : names) {
          Path f = path.resolve(name);
          BasicFileAttributes a = attributes(inc, f, true);
          if (!a.isRegularFile() || !rx.matcher(latin1(name)).find()) {
            continue; // sub-directories and other types are skipped, as names the regex does not
            // match
          }
          file(inc, f, chain);
        }
      } finally {
        statements.rulePrefix(old);
      }
    }

    private String statementsPrefix(String added) {
      String current = statements.rulePrefix("");
      statements.rulePrefix(current);
      return added == null ? current : current + added;
    }

    private void file(Preprocessor.Include inc, Path f, List<String> chain) throws ConfigException {
      String name = f.toString();
      String real;
      try {
        real = f.toRealPath().toString();
      } catch (IOException e) {
        real = name;
      }
      for (String c : chain) {
        if (c.equals(real) || c.equals(name)) {
          List<String> loop = new ArrayList<>(chain);
          loop.add(name);
          throw inc.line()
              .error(
                  "include loop: " + String.join(" -> ", loop),
                  "includes that do not include themselves");
        }
      }
      boolean execute = inc.execute() && Files.isExecutable(f) && ownerExecutable(f);
      byte[] content;
      String source = name;
      if (execute) {
        checkOwnership(inc, f);
        content = run(inc, f);
        source = name + " (stdout)";
      } else {
        try (InputStream in = Files.newInputStream(f)) {
          content = in.readNBytes(MAX_CONFIG_BYTES + 1);
        } catch (IOException e) {
          throw inc.line()
              .error("cannot read included file '" + name + "': " + reason(e), "a readable file");
        }
      }
      List<String> next = new ArrayList<>(chain);
      next.add(real);
      int floor = macros.enterFile();
      feed(content, source, next);
      macros.leaveFile(floor);
    }

    private byte[] run(Preprocessor.Include inc, Path f) throws ConfigException {
      ProcessBuilder pb = new ProcessBuilder(f.toString());
      // a config script under fim watch (SIGHUP) must not speak for the service to systemd
      dev.fim.store.sys.ServiceManagerEnvironment.removeFrom(pb.environment());
      for (Map.Entry<String, String> e : macros.executeEnvironment.entrySet()) {
        pb.environment()
            .putIfAbsent(e.getKey(), e.getValue()); // AIDE: setenv(…, 0), never overriding
      }
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      try {
        Process p = pb.start();
        java.util.concurrent.CompletableFuture<byte[]> err =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try (InputStream in = p.getErrorStream()) {
                    return in.readNBytes(64 * 1024);
                  } catch (IOException e) {
                    return new byte[0];
                  }
                });
        byte[] out;
        try (InputStream in = p.getInputStream()) {
          out = in.readNBytes(MAX_CONFIG_BYTES + 1);
        }
        if (!p.waitFor(EXECUTE_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw inc.line()
              .error(
                  "@@x_include: '" + f + "' ran longer than " + EXECUTE_TIMEOUT_SECONDS + " s",
                  "an executable that ends");
        }
        byte[] stderr = err.join();
        if (p.exitValue() != 0 || stderr.length > 0) {
          throw inc.line()
              .error(
                  "@@x_include: '"
                      + f
                      + "' failed (exit status "
                      + p.exitValue()
                      + ")"
                      + (stderr.length > 0
                          ? ", stderr: " + new String(stderr, StandardCharsets.UTF_8).strip()
                          : ""),
                  "an executable that exits 0 and writes nothing to stderr (as AIDE requires)");
        }
        return out;
      } catch (IOException e) {
        throw inc.line()
            .error("@@x_include: cannot run '" + f + "': " + reason(e), "an executable file");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw inc.line()
            .error("@@x_include: interrupted while running '" + f + "'", "an executable that ends");
      }
    }

    private static boolean ownerExecutable(Path f) {
      try {
        return Files.getPosixFilePermissions(f)
            .contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }

    /**
     * AIDE's check_permissions: what {@code @@x_include} runs (and the directory it lists) must be
     * owned by root or the current user and be neither group- nor world-writable. AIDE 0.18 checks
     * only in the directory form; fim also for a single file.
     */
    private static void checkOwnership(Preprocessor.Include inc, Path f) throws ConfigException {
      try {
        Map<String, Object> a = Files.readAttributes(f, "unix:uid,mode");
        int uid = (Integer) a.get("uid");
        int mode = (Integer) a.get("mode");
        int me =
            (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // owned by the euid
        String why = null;
        if (uid != 0 && uid != me) {
          why = "owned by uid " + uid + ", not by root or the current user";
        } else if ((mode & 020) != 0) {
          why = "group-writable";
        } else if ((mode & 002) != 0) {
          why = "world-writable";
        }
        if (why != null) {
          throw inc.line()
              .error(
                  "@@x_include: refusing '" + f + "': " + why,
                  "a file or directory owned by root (or the current user) and writable by its owner only");
        }
      } catch (IOException | UnsupportedOperationException e) {
        throw inc.line()
            .error("@@x_include: cannot check '" + f + "': " + reason(e), "an existing file");
      }
    }

    private static BasicFileAttributes attributes(Preprocessor.Include inc, Path p, boolean follow)
        throws ConfigException {
      try {
        return follow
            ? Files.readAttributes(p, BasicFileAttributes.class)
            : Files.readAttributes(
                p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        throw inc.line()
            .error(
                (inc.execute() ? "@@x_include" : "@@include")
                    + ": cannot read '"
                    + p
                    + "': "
                    + reason(e),
                "an existing file or directory");
      }
    }

    private static String latin1(String s) {
      return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String reason(Exception e) {
      if (e instanceof java.nio.file.NoSuchFileException) {
        return "no such file or directory";
      }
      if (e instanceof java.nio.file.AccessDeniedException) {
        return "permission denied";
      }
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  private static final String ACCEPTED_INCLUDE_REGEX =
      "a regex for the file names (RE2 syntax, as the rules)";

  /**
   * Reads and parses {@code file}; messages name it as given. Reads at most one byte more than
   * {@link #MAX_CONFIG_BYTES}, so a huge file (or {@code /dev/zero}) is an error, not a full heap.
   */
  public static Config parseFile(Path file, Consumer<ConfigWarning> warnings)
      throws ConfigException, IOException {
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      content = in.readNBytes(MAX_CONFIG_BYTES + 1);
    }
    String real;
    try {
      real = file.toRealPath().toString();
    } catch (IOException e) {
      real = file.toString();
    }
    return parse(content, file.toString(), real, warnings);
  }

  /** The error for a config over {@code limit} bytes, at the line where the limit is crossed. */
  private static ConfigException tooLarge(String sourceName, byte[] content, int limit) {
    int line = 1;
    for (int i = 0; i < limit; i++) {
      if (content[i] == '\n') {
        line++;
      }
    }
    return new ConfigException(
        sourceName,
        line,
        null,
        "config is larger than " + limit + " bytes",
        "a config of at most " + limit + " bytes (" + (limit >> 20) + " MiB)");
  }

  /** The bytes of fim's default config (for {@code fim} to print or install). */
  public static byte[] defaultConfigBytes() {
    try (InputStream in = ConfigParser.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + DEFAULT_RESOURCE + " missing from the fim-baseline jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * fim's default config, built from {@link DefaultConfigForm}: the parse of {@link
   * #DEFAULT_RESOURCE} as generated into the jar beside it (DefaultConfigFormTest requires the two
   * to be the same), without reading, parsing and hashing the text at every start.
   */
  public static Config defaultConfig() {
    return DefaultConfigForm.config();
  }

  /**
   * Parses the shipped {@link #DEFAULT_RESOURCE}. It parses without warnings (a test holds it to
   * that), so a failure here is a broken build, not a user error.
   */
  static Config parseDefaultConfig() {
    try {
      return parse(
          defaultConfigBytes(),
          "<default>",
          w -> {
            throw new IllegalStateException("default config: " + w);
          });
    } catch (ConfigException e) {
      throw new IllegalStateException("default config does not parse: " + e.getMessage(), e);
    }
  }
}
