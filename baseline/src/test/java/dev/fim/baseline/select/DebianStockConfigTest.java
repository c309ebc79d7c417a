package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * issue 14: Debian's stock config (package aide-common: /etc/aide/aide.conf, which runs the
 * snippets of /etc/aide/aide.conf.d with @@x_include) is read whole: its includes, executables and
 * host conditions. Skips, saying so, where aide-common is not installed (bin/test-all installs it).
 */
class DebianStockConfigTest {
  private static final Path STOCK = Path.of("/etc/aide/aide.conf");

  @Test
  void stockConfigParsesWithItsIncludes() throws Exception {
    assumeTrue(Files.isRegularFile(STOCK), "aide-common is not installed (no /etc/aide/aide.conf)");
    List<ConfigWarning> warnings = new ArrayList<>();
    Config c = ConfigParser.parseFile(STOCK, warnings::add);
    List<String> unsupported = new ArrayList<>();
    for (ConfigWarning w : warnings) {
      System.out.println("stock config warning: " + w);
      if (w.toString().contains("not supported") || w.toString().contains("NOT read")) {
        unsupported.add(w.toString());
      }
    }
    System.out.println("stock config: " + c.rules().size() + " rules, " + warnings.size() + " warnings");
    assertEquals(List.of(), unsupported);
    assertTrue(c.rules().size() > 1000, "the snippets' rules are read: " + c.rules().size());
  }
}
