package dev.fim.cli;

import dev.fim.baseline.Selector;
import dev.fim.baseline.Selectors;
import dev.fim.baseline.select.Config;
import dev.fim.baseline.select.ConfigException;
import dev.fim.baseline.select.ConfigParser;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command takes ({@code --db}, {@code -c}, {@code --key}, {@code --debug}). */
final class CommonOptions {
  static final Path SYSTEM_CONFIG = Path.of("/etc/fim/fim.conf");

  @Option(
      names = "--db",
      paramLabel = "DIR",
      description =
          "Database directory (default: /var/lib/fim as root, $XDG_DATA_HOME/fim otherwise).")
  Path db;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Config file in AIDE selection syntax (default: /etc/fim/fim.conf if it exists, else the built-in default: "
              + "system binaries, libraries, /etc and /boot).")
  Path config;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description =
          "Seal key (HMAC) protecting the baseline; created by init when missing. Keep it outside the watched "
              + "trees. Default: seal_key= from the config, else DB-DIR.key beside the database (/var/lib/fim.key as root).")
  Path key;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Scan threads (default: hash_threads= from the config, else all cores).")
  Integer threads;

  @Option(
      names = "--expect-seal",
      paramLabel = "DIGEST",
      description =
          "Fail (exit 19) unless the database's evidence seal (the chain head's digest, which fim sends to "
              + "syslog as \"evidence seal ... digest=DIGEST\" each time it seals) is DIGEST: detects a database rolled "
              + "back to an older copy. Compared when the database is opened (check, update, accept, watch, history, who, "
              + "report).")
  String expectSeal;

  @Option(names = "--debug", description = "Print stack traces with errors.")
  boolean debug;

  Path dbDir() {
    if (db != null) {
      return db.toAbsolutePath().normalize();
    }
    if (isRoot()) {
      return Path.of("/var/lib/fim");
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isEmpty()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("fim").toAbsolutePath().normalize();
  }

  /**
   * How long a command that writes waits for a running {@code fim watch} to lend it the database.
   */
  static final java.time.Duration BORROW_WAIT = java.time.Duration.ofSeconds(60);

  /**
   * Opens the database for writing; when a running {@code fim watch} holds it, borrows it (the
   * watch pauses recording meanwhile; see store's DatabaseLoan) and says so on stderr.
   */
  dev.fim.store.Store openBorrowing(dev.fim.store.Store.OpenMode mode, PrintWriter err)
      throws dev.fim.store.StoreException {
    return dev.fim.store.Store.openBorrowing(
        dbDir(),
        mode,
        BORROW_WAIT,
        line -> {
          err.println("fim: " + line);
          err.flush();
        });
  }

  Path keyFile(Config cfg) {
    if (key != null) {
      return key.toAbsolutePath().normalize();
    }
    if (cfg.sealKey() != null) {
      // The config names the key as bytes; a Java Path needs a String (keys live at plain ASCII
      // paths).
      return Path.of(new String(cfg.sealKey().toBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .toAbsolutePath()
          .normalize();
    }
    Path dbDir = dbDir();
    return dbDir.resolveSibling(dbDir.getFileName() + ".key");
  }

  /**
   * {@code keyFile(loadConfig(err))} for a command that needs the seal key but not the selection
   * (the evidence of history, who, report, accept): when the built-in config is the config, it is
   * not built, since it names no {@code seal_key=} ({@code QueryArgsTest} holds it to that), and
   * building its selection cost a tiny history or report ~5 ms of its start (issue 18, session 15).
   * A config file is read as before: its warnings printed, its errors refused, its key taken.
   */
  Path sealKeyFile(PrintWriter err) throws ErrorHandler.ConfigError {
    if (config == null && !Files.isRegularFile(SYSTEM_CONFIG)) {
      if (key != null) {
        return key.toAbsolutePath().normalize();
      }
      Path dbDir = dbDir();
      return dbDir.resolveSibling(dbDir.getFileName() + ".key");
    }
    return keyFile(loadConfig(err));
  }

  int threads(Config cfg) {
    return threads != null ? threads : cfg.hashThreads();
  }

  /**
   * Loads the config, printing its warnings ({@code file:line: message}) to {@code err}, and its
   * notes (what fim reads as aide does but handles its own way) as one line.
   */
  Config loadConfig(PrintWriter err) throws ErrorHandler.ConfigError {
    int[] notes = {0};
    Config cfg =
        loadConfig(
            config,
            w -> {
              if (w.note()) {
                notes[0]++;
              } else {
                err.println("fim: warning: " + w);
              }
            });
    if (notes[0] > 0) {
      err.println(
          "fim: note: "
              + notes[0]
              + " AIDE setting"
              + (notes[0] == 1 ? "" : "s")
              + " of the config fim handles its own way; `fim config check` lists them");
    }
    return cfg;
  }

  /**
   * Loads {@code config}, or /etc/fim/fim.conf when null and present, else the built-in default;
   * its warnings go to {@code warnings}.
   */
  static Config loadConfig(
      Path config, java.util.function.Consumer<dev.fim.baseline.select.ConfigWarning> warnings)
      throws ErrorHandler.ConfigError {
    try {
      if (config != null) {
        if (!Files.isRegularFile(config)) {
          throw new ErrorHandler.ConfigError("config " + config + ": no such file", null);
        }
        return ConfigParser.parseFile(config, warnings);
      }
      if (Files.isRegularFile(SYSTEM_CONFIG)) {
        return ConfigParser.parseFile(SYSTEM_CONFIG, warnings);
      }
      return ConfigParser.defaultConfig();
    } catch (ConfigException e) {
      throw new ErrorHandler.ConfigError(e.getMessage(), e);
    } catch (IOException e) {
      throw new ErrorHandler.ConfigError(
          "config " + config + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The selection: the config's, or restricted to the command-line paths; never fim's own database
   * or key.
   */
  Selector selector(Config cfg, List<PathBytes> paths, Path keyFile) {
    Selector s = paths.isEmpty() ? cfg.selector() : cfg.selector(paths);
    List<PathBytes> own = new ArrayList<>();
    own.add(PathBytes.ofUtf8(dbDir().toString()));
    own.add(PathBytes.ofUtf8(keyFile.toString()));
    return Selectors.excluding(s, own);
  }

  /** Command-line paths as exact bytes, made absolute against the working directory. */
  static List<PathBytes> paths(List<String> args) {
    List<PathBytes> out = new ArrayList<>();
    if (args == null) {
      return out;
    }
    byte[] cwd = null;
    for (byte[] given : Commands.rawArgs.bytesOfInOrder(args)) {
      byte[] raw = given;
      if (raw.length == 0) {
        continue;
      }
      if (raw[0] != '/') {
        if (cwd == null) {
          cwd = System.getProperty("user.dir").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        raw = PathBytes.of(cwd).resolve(raw).toBytes();
      }
      out.add(PathBytes.of(trimSlashes(raw)));
    }
    return out;
  }

  private static byte[] trimSlashes(byte[] p) {
    int end = p.length;
    while (end > 1 && p[end - 1] == '/') {
      end--;
    }
    return java.util.Arrays.copyOf(p, end);
  }

  static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }
}
