package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.PathBytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Labels#prefix}: the group a path's change is totalled under. */
class LabelsTest {
  @ParameterizedTest(name = "{0} at depth {1} -> {2}")
  @CsvSource({
      "/etc/hosts, 2, /etc",
      "/etc/ssh/sshd_config, 2, /etc/ssh",
      "/usr/lib/x86_64-linux-gnu/libc.so.6, 2, /usr/lib",
      "/usr/lib/x86_64-linux-gnu/libc.so.6, 3, /usr/lib/x86_64-linux-gnu",
      "/usr/lib/x86_64-linux-gnu/libc.so.6, 1, /usr",
      "/vmlinuz, 2, /",
      "/, 2, /",
      "/etc, 1, /"})
  void prefix(String path, int depth, String expected) {
    assertEquals(expected, Labels.prefix(PathBytes.ofUtf8(path), depth));
  }
}
