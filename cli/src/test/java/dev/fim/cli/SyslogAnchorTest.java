package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.engine.sink.UnixDatagram;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog anchor's time stamp written out ({@link SyslogAnchor#stamp}, issue 18, session 12):
 * the same text as the {@code DateTimeFormatter} it replaces, and an anchor line sent without the
 * JDK's locale providers.
 */
class SyslogAnchorTest {
  /** What the anchor used to write: the oracle. */
  private static final DateTimeFormatter FORMATTER =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

  @TempDir Path tmp;

  /** Every day of a leap year and of another, at the first and last second and at random ones. */
  @Test
  void theStampIsTheFormattersTextForEveryDayAndTime() {
    Random random = new Random(12);
    int compared = 0;
    for (int year : new int[] {2024, 2026}) {
      for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
        List<LocalDateTime> times = new ArrayList<>();
        times.add(d.atTime(0, 0, 0));
        times.add(d.atTime(23, 59, 59));
        times.add(d.atTime(9, 5, 7, 999_999_999));
        for (int i = 0; i < 4; i++) {
          times.add(d.atTime(random.nextInt(24), random.nextInt(60), random.nextInt(60)));
        }
        for (LocalDateTime t : times) {
          assertEquals(t.format(FORMATTER), SyslogAnchor.stamp(t), t.toString());
          compared++;
        }
      }
    }
    assertEquals((366 + 365) * 7, compared);
  }

  /**
   * A real init sends its seal to a syslog socket in logger's format, with the local time of now,
   * and sets up none of the JDK's locale providers, neither for that line nor for its summary line
   * ({@link RootNumbers}).
   */
  @Test
  void aRealInitSendsItsAnchorWithoutTheLocaleProviders() throws Exception {
    EtcTree t = EtcTree.in(tmp.resolve("t"), "# test config\n");
    Path sock = tmp.resolve("log.sock");
    try (UnixDatagram.Receiver syslog = new UnixDatagram.Receiver(sock.toString(), 60)) {
      List<String> cmd =
          ChildFim.loggingClasses(
              "init",
              "--db",
              t.db().toString(),
              "--key",
              t.key().toString(),
              "-c",
              t.conf().toString());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("FIM_SYSLOG_SOCKET", sock.toString());
      LocalDateTime before = LocalDateTime.now().withNano(0);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      LocalDateTime after = LocalDateTime.now();
      assertEquals(0, p.exitValue(), out);
      String line = syslog.receive();
      assertNotNull(line, "no anchor line");
      assertTrue(
          line.matches(
              "<13>[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d fim\\[\\d+\\]: evidence seal"
                  + " sequence=\\d+ digest=[0-9a-f]{64} records=\\d+ db="
                  + java.util.regex.Pattern.quote(t.db().toString())),
          line);
      String stamp = line.substring(4, 19);
      boolean now = false;
      for (LocalDateTime s = before; !s.isAfter(after); s = s.plusSeconds(1)) {
        now |= stamp.equals(s.format(FORMATTER));
      }
      assertTrue(now, stamp + " is not a second between " + before + " and " + after);
      assertTrue(out.contains(" dev.fim.cli.SyslogAnchor "), "no anchor: " + out);
      assertFalse(
          out.contains(" sun.util.locale.provider.LocaleProviderAdapter "),
          "the locale providers were set up");
    }
  }
}
