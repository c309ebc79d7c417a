package dev.fim.engine.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code --output} forms: {@code file:PATH}, {@code syslog[:FACILITY]}, {@code
 * journal[:FACILITY]}, {@code stdout}; anything else is a file's path (the form {@code -o FILE} had
 * before, so {@code -o /var/log/fim.json} still works; {@code file:syslog} names a file called
 * "syslog").
 */
public final class Outputs {
  /** The default facility: where sudo and sshd log (Debian's rsyslog: /var/log/auth.log, 0640). */
  public static final String DEFAULT_FACILITY = "authpriv";

  /** How long a datagram send waits for a full receiver before it is retried. */
  static final long SEND_TIMEOUT_MS = 1000;

  private Outputs() {}

  /** What an {@code --output} value names. */
  public enum Kind {
    FILE,
    SYSLOG,
    JOURNAL,
    STDOUT
  }

  /** A parsed {@code --output}: its kind, the file, or the facility (name and number). */
  public record Spec(Kind kind, Path file, String facilityName, int facility) {
    /** The cursor name the destination will have (file paths made absolute). */
    public String name() {
      return switch (kind) {
        case FILE -> "file:" + file.toAbsolutePath().normalize();
        case SYSLOG -> "syslog:" + facilityName;
        case JOURNAL -> "journal";
        case STDOUT -> "stdout";
      };
    }
  }

  /** Parses one {@code --output} value; IllegalArgumentException says what is wrong. */
  public static Spec parse(String value) {
    if (value.equals("stdout") || value.equals("-")) {
      return new Spec(Kind.STDOUT, null, null, 0);
    }
    for (Kind k : new Kind[] {Kind.SYSLOG, Kind.JOURNAL}) {
      String word = k.name().toLowerCase(Locale.ROOT);
      if (value.equals(word) || value.startsWith(word + ":")) {
        String fac = value.equals(word) ? DEFAULT_FACILITY : value.substring(word.length() + 1);
        int n = SyslogFormat.facility(fac);
        return new Spec(k, null, fac.toLowerCase(Locale.ROOT), n);
      }
    }
    String path = value.startsWith("file:") ? value.substring(5) : value;
    if (path.isEmpty()) {
      throw new IllegalArgumentException("--output " + value + ": no file named");
    }
    try {
      return new Spec(Kind.FILE, Path.of(path), null, 0);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("--output " + value + ": " + e.getMessage(), e);
    }
  }

  /**
   * Standard output's sink: written on the caller's thread, as before outputs had queues. Its
   * reader is this run's parent (a terminal, a pipe), a new one each run, so there is nothing to
   * resume; and a reader that went away (EPIPE) or a full disk ends the command (exit 20), as for
   * every fim command that prints.
   */
  public static EventSink direct(boolean json, OutputStream stdout) {
    LineOutput out = LineOutput.of(stdout);
    return json ? new JsonLinesSink(out) : new TextSink(out);
  }

  /**
   * Opens a file, syslog or journal destination (not {@link Kind#STDOUT}: {@link #direct}); an
   * IOException names it and the reason (a file that cannot be appended to, a socket path too
   * long).
   */
  public static Destination open(Spec s, boolean json) throws IOException {
    return switch (s.kind()) {
      case FILE -> LineDestination.file(s.file(), json);
      case STDOUT -> throw new IllegalArgumentException("stdout is written directly");
      case SYSLOG ->
          new SyslogDestination(
              s.facilityName(), s.facility(), SyslogDestination.socket(), SEND_TIMEOUT_MS);
      case JOURNAL ->
          new JournalDestination(s.facility(), JournalDestination.socket(), SEND_TIMEOUT_MS);
    };
  }
}
