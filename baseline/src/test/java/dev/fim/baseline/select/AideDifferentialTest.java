package dev.fim.baseline.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fim's selection against the real aide over seeded random cases ({@link AideDifferential}). {@code
 * -Dfim.aideDiff.cases=N} and {@code -Dfim.aideDiff.seed=S} change how many and which
 * (bench/aide-diff.sh runs thousands). Skips, saying so, where aide is not installed (bin/test-all
 * installs it).
 */
class AideDifferentialTest {
  @Test
  void fimSelectsWhatAideSelects(@TempDir Path tmp) throws Exception {
    assumeTrue(
        AideDifferential.aideInstalled(),
        "aide is not installed (apt-get install aide): no differential test");
    int cases = Integer.getInteger("fim.aideDiff.cases", 200);
    long first = Long.getLong("fim.aideDiff.seed", 1);
    List<String> failures = new ArrayList<>();
    int entries = 0;
    int disagreeing = 0;
    int findings = 0;
    try (Store store = Store.open(tmp.resolve("fimdb"), Store.OpenMode.CREATE)) {
      for (long seed = first; seed < first + cases; seed++) {
        Path work = Files.createDirectory(tmp.resolve("c" + seed));
        AideDifferential.Outcome o =
            AideDifferential.run(AideDifferential.generate(seed), work, store);
        entries += o.entries();
        findings += o.findings();
        if (!o.disagreements().isEmpty()) {
          disagreeing++;
          if (failures.size() < 40) {
            AideDifferential.Case c = AideDifferential.generate(seed);
            failures.add(
                "seed "
                    + seed
                    + ":\n"
                    + c.rules()
                    + "  mutations "
                    + c.mutations()
                    + "\n  "
                    + String.join("\n  ", o.disagreements()));
          }
        }
        delete(work);
      }
    }
    System.out.println(
        "aide differential: "
            + cases
            + " cases (seeds "
            + first
            + ".."
            + (first + cases - 1)
            + "), "
            + entries
            + " entries compared, "
            + findings
            + " aide --check findings compared, "
            + disagreeing
            + " cases disagreeing");
    assertEquals("", String.join("\n", failures), disagreeing + " of " + cases + " cases disagree");
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
