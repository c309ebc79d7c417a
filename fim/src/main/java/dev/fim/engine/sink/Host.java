package dev.fim.engine.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the outputs say about this host, and their settings from properties or environment. */
final class Host {
  private Host() {}

  /** The kernel's host name (what {@code hostname} prints), "-" when unreadable. */
  static String name() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "-";
    }
  }

  /** The system property, else the environment variable, else {@code fallback}. */
  static String setting(String property, String env, String fallback) {
    String p = System.getProperty(property);
    if (p == null || p.isEmpty()) {
      p = System.getenv(env);
    }
    return p == null || p.isEmpty() ? fallback : p;
  }
}
