package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code fim audit status} read without picocli ({@link AuditStatusCommand#runQuick}, issue 18,
 * session 15): the usual lines fill the format as picocli does; every other line is left to
 * picocli; a real run builds no picocli model and prints the kernel's state.
 */
class AuditStatusQuickTest {
  /** What picocli fills for {@code args}. */
  private static AuditStatusCommand picocli(String... args) {
    CommandLine cl = FimCommand.commandLine(RawArgs.fromProcCmdline(args), args);
    CommandLine.ParseResult parsed = cl.parseArgs(args);
    return (AuditStatusCommand) parsed.subcommand().subcommand().commandSpec().userObject();
  }

  @Test
  void theUsualLinesGetPicoclisFormat() {
    for (String[] args :
        new String[][] {
          {"audit", "status"},
          {"audit", "status", "--format", "text"},
          {"audit", "status", "--format", "json"}
        }) {
      AuditStatusCommand quick = AuditStatusCommand.quick(args);
      assertNotNull(quick, String.join(" ", args));
      assertEquals(picocli(args).format, quick.format, String.join(" ", args));
      assertFalse(picocli(args).debug);
    }
  }

  @Test
  void everyOtherLineIsLeftToPicocli() {
    for (List<String> args :
        List.of(
            List.of("audit"),
            List.of("audit", "rules", "list"),
            List.of("status"),
            List.of("audit", "status", "--debug"),
            List.of("audit", "status", "--help"),
            List.of("audit", "status", "-h"),
            List.of("audit", "status", "--format"),
            List.of("audit", "status", "--format", "JSON"),
            List.of("audit", "status", "--format", "csv"),
            List.of("audit", "status", "--format=json"),
            List.of("audit", "status", "--format", "json", "--format", "text"),
            List.of("audit", "status", "--format", "json", "x"),
            List.of("audit", "status", "x"),
            List.of("audit", "--debug", "status"))) {
      assertNull(AuditStatusCommand.quick(args.toArray(String[]::new)), args.toString());
    }
  }

  @Test
  @Tag("kernel")
  void aRealRunBuildsNoPicocliModel() throws Exception {
    assumeTrue(CommonOptions.isRoot(), "needs CAP_AUDIT_CONTROL (run as root)");
    for (String[] args :
        new String[][] {{"audit", "status"}, {"audit", "status", "--format", "json"}}) {
      Process p =
          new ProcessBuilder(ChildFim.loggingClasses(args)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains(" dev.fim.cli.AuditStatusCommand "), out);
      assertFalse(out.contains(" picocli.CommandLine "), "picocli's CommandLine loaded");
      assertFalse(out.contains("$Proxy"), "an annotation was read");
      assertTrue(
          out.contains("\nbacklog_limit ") || out.contains("\"backlog_limit\":"),
          "the state printed: " + out);
    }
  }
}
