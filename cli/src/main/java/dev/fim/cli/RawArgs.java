package dev.fim.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The exact bytes of the command-line arguments. Java decodes argv with the locale's charset; under
 * {@code LC_ALL=C} (cron) every non-ASCII byte becomes '?', so a path such as {@code /etc/\xff} or
 * {@code /srv/é} cannot be named. The kernel keeps the original bytes in {@code
 * /proc/self/cmdline}; the program's arguments are its last {@code args.length} entries.
 */
final class RawArgs {
  private final String[] decoded;
  private final byte[][] raw;

  private RawArgs(String[] decoded, byte[][] raw) {
    this.decoded = decoded;
    this.raw = raw;
  }

  static RawArgs fromProcCmdline(String[] args) {
    byte[][] raw = new byte[args.length][];
    try {
      byte[] all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
      List<byte[]> parts = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] == 0) {
          parts.add(Arrays.copyOfRange(all, start, i));
          start = i + 1;
        }
      }
      if (parts.size() >= args.length) {
        Charset jnu = jnuCharset();
        List<byte[]> tail = parts.subList(parts.size() - args.length, parts.size());
        for (int i = 0; i < args.length; i++) {
          // Use the raw bytes only if they decode to what Java gave us: proof that they match.
          raw[i] = new String(tail.get(i), jnu).equals(args[i]) ? tail.get(i) : null;
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc: fall back to the decoded strings below.
    }
    for (int i = 0; i < args.length; i++) {
      if (raw[i] == null) {
        raw[i] = args[i].getBytes(jnuCharset());
      }
    }
    return new RawArgs(args.clone(), raw);
  }

  /** The raw bytes of the argument that Java decoded as {@code s}. */
  byte[] bytesOf(String s) {
    for (int i = 0; i < decoded.length; i++) {
      if (decoded[i].equals(s)) {
        return raw[i].clone();
      }
      // "--opt=value" forms: the value is the tail of the argument
      if (decoded[i].endsWith("=" + s) && decoded[i].startsWith("-")) {
        int cut = raw[i].length - s.getBytes(jnuCharset()).length;
        if (cut >= 0) {
          return Arrays.copyOfRange(raw[i], cut, raw[i].length);
        }
      }
    }
    return s.getBytes(jnuCharset());
  }

  /**
   * The raw bytes of positional arguments, given in command-line order: each is matched with the
   * next argument decoded the same way, so two arguments that the locale decodes alike ({@code
   * /t/\xff} and {@code /t/\xfe}, both '?' or U+FFFD) keep their own bytes instead of both taking
   * the first one's.
   */
  List<byte[]> bytesOfInOrder(List<String> args) {
    List<byte[]> out = new ArrayList<>(args.size());
    int next = 0;
    for (String s : args) {
      int found = -1;
      for (int i = next; i < decoded.length; i++) {
        if (decoded[i].equals(s)) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        out.add(bytesOf(s));
      } else {
        out.add(raw[found].clone());
        next = found + 1;
      }
    }
    return out;
  }

  /**
   * The charset the JVM decoded the command line with ({@code sun.jnu.encoding}); the one place
   * that asks.
   */
  static Charset jnuCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }
}
