package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The comparator's periodic jobs on a hand-moved clock: no sleeps, exact edges. */
class EveryTest {
  private long now = 1_000;
  private final Ticker ticker = () -> now;

  @Test
  void dueOncePerPeriodCountedFromTheLastRun() {
    Every every = new Every(100, ticker);
    assertFalse(every.due(), "not due at creation");
    now += 99;
    assertFalse(every.due(), "not due before a whole period");
    now += 1;
    assertTrue(every.due(), "due after exactly one period");
    assertFalse(every.due(), "restarts: not due again at once");
    now += 250; // a late check runs once, not once per missed period
    assertTrue(every.due());
    assertFalse(every.due());
    now += 100;
    assertTrue(every.due(), "the next period counts from the late run");
  }

  @Test
  void nanoTimeWrappingAroundIsNotATimeJump() {
    now = Long.MAX_VALUE - 10;
    Every every = new Every(100, ticker);
    now += 50; // wraps to a negative value: still 50 ns later
    assertFalse(every.due());
    now += 50;
    assertTrue(every.due());
  }

  @Test
  void aPeriodMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new Every(0, ticker));
  }

  @Test
  void borrowerCommandLineIsShownAsTheFimCommand() {
    assertEquals(
        "fim check --db /var/lib/fim /etc",
        DatabaseLender.fimCommand(
            "/usr/bin/java -Xmx256m -jar /opt/fim/cli/target/fim-cli.jar check --db /var/lib/fim /etc"));
    assertEquals(
        "fim accept /etc/hosts",
        DatabaseLender.fimCommand("java -cp a.jar:b.jar dev.fim.cli.Main accept /etc/hosts"));
    assertEquals("/usr/bin/python3 x.py", DatabaseLender.fimCommand("/usr/bin/python3 x.py"));
  }

  /**
   * A borrower with a long command line (a JVM's class path of many jars) is still named by its fim
   * command: the JDK's ProcessHandle.Info cut such a line before its arguments.
   */
  @Test
  void aLongCommandLineIsReadWhole() throws Exception {
    String longArg = "x".repeat(20_000);
    // a shell waiting on its stdin (the pipe stays open until destroy), with a long argument
    Process p = new ProcessBuilder("sh", "-c", "read line", "sh", longArg, "check").start();
    try {
      String want = "sh -c read line sh " + longArg + " check";
      String line = null;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!want.equals(line) && System.nanoTime() < deadline) {
        line = DatabaseLender.commandLineOf(p.pid()); // until exec replaced the forked image
        Thread.onSpinWait();
      }
      assertEquals(want.length(), line == null ? -1 : line.length(), "length of the line read");
      assertEquals(true, want.equals(line));
    } finally {
      p.destroyForcibly();
    }
    assertEquals(null, DatabaseLender.commandLineOf(Long.MAX_VALUE));
  }
}
