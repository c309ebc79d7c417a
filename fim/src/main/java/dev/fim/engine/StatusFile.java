package dev.fim.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running watch's status, kept in the database directory ({@code watch-status.json}, mode 0600
 * inside the 0700 directory): rewritten whole and renamed into place, so a reader never sees half
 * of it. {@code fim watch --status} finds the watch's pid there, asks it for a fresh status
 * (SIGUSR1) and prints the file.
 */
public final class StatusFile {
  /** The file's name inside the database directory. */
  public static final String NAME = "watch-status.json";

  private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");
  private static final Pattern START = Pattern.compile("\"start_ticks\":(\\d+)");
  private static final Pattern TIME = Pattern.compile("\"@timestamp\":\"([^\"]+)\"");

  private StatusFile() {}

  /** Writes {@code status} atomically to {@code db}'s status file. */
  public static void write(Path db, WatchStatus status) throws IOException {
    Path file = db.resolve(NAME);
    Path tmp = db.resolve(NAME + ".tmp");
    Files.deleteIfExists(tmp);
    Files.writeString(
        Files.createFile(
            tmp,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))),
        status.json() + "\n");
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The file as last written, or null when there is none. */
  public static String read(Path db) throws IOException {
    Path file = db.resolve(NAME);
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
  }

  /** Removes the file (the watch stopped). */
  public static void remove(Path db) {
    try {
      Files.deleteIfExists(db.resolve(NAME));
    } catch (IOException e) {
      // a stale file is recognised by its pid's start time
    }
  }

  /** The pid a status names, or -1. */
  public static long pid(String json) {
    Matcher m = PID.matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The snapshot's time ({@code @timestamp}), or null. */
  public static String time(String json) {
    Matcher m = TIME.matcher(json);
    return m.find() ? m.group(1) : null;
  }

  /**
   * True when the process that wrote {@code json} still runs: its pid exists with the start time
   * recorded (a pid reused by another process has another), so a stale file never gets a signal
   * sent to a stranger.
   */
  public static boolean writerAlive(String json) {
    Matcher m = START.matcher(json);
    long pid = pid(json);
    return pid > 0 && m.find() && Long.parseLong(m.group(1)) == startTicks(pid);
  }

  /** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or -1. */
  public static long startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) may hold spaces and parentheses: count from its last ')'
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(rest[22 - 3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
