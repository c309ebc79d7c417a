package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TimeSpecTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final ZoneId ZONE = ZoneId.of("Europe/Berlin"); // UTC+1 in November

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("2026-11-25T09:00:00Z", "2026-11-25T09:00:00Z"),
        Arguments.of("2026-11-25T09:00:00.250+02:00", "2026-11-25T07:00:00.250Z"),
        Arguments.of("2026-11-25T09:00", "2026-11-25T08:00:00Z"),
        Arguments.of("2026-11-25", "2026-11-24T23:00:00Z"),
        Arguments.of("-24h", "2026-11-24T10:00:00Z"),
        Arguments.of("24h", "2026-11-24T10:00:00Z"),
        Arguments.of("7d", "2026-11-18T10:00:00Z"),
        Arguments.of("-30m", "2026-11-25T09:30:00Z"),
        Arguments.of("45s", "2026-11-25T09:59:15Z"),
        Arguments.of("2w", "2026-11-11T10:00:00Z"),
        Arguments.of("0h", "2026-11-25T10:00:00Z"),
        Arguments.of("now", "2026-11-25T10:00:00Z"),
        Arguments.of("recent", "2026-11-25T09:50:00Z"),
        Arguments.of("today", "2026-11-24T23:00:00Z"),
        Arguments.of("yesterday", "2026-11-23T23:00:00Z"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void parses(String text, String expected) {
    assertEquals(Instant.parse(expected), TimeSpec.parse(text, NOW, ZONE), text);
  }

  @Test
  void rejectsWithTheAcceptedForms() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TimeSpec.parse("last tuesday", NOW, ZONE));
    assertEquals(
        "time 'last tuesday' is not understood: give ISO-8601 (2026-11-25T10:00:00Z, 2026-11-25T10:00, 2026-11-25),"
            + " a relative time (-24h, 7d, 30m, 2w) or now/recent/today/yesterday",
        e.getMessage());
  }
}
