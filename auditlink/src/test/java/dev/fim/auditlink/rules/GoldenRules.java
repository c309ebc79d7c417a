package dev.fim.auditlink.rules;

import static org.junit.jupiter.api.Assertions.fail;

import dev.fim.auditlink.Fixtures;
import dev.fim.auditlink.kernel.Arch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * go-libaudit's rule fixtures: {@code rules/X.rules} and {@code X.rules.golden.yml}, read with
 * snakeyaml-engine (independently of {@link GoldenLayout}). Each golden rule is the text auditctl
 * was given and the bytes the kernel listed back; the header's uname line says on which machine.
 */
final class GoldenRules {
  private GoldenRules() {}

  /** One golden rule: file, 0-based index, flags text, bytes, machine arch of the golden. */
  record Rule(String file, int index, String flags, byte[] bytes, Arch machine) {
    @Override
    public String toString() {
      return file + " #" + (index + 1) + ": " + flags;
    }
  }

  /** The .rules files that have a golden, sorted. */
  static List<Path> rulesFiles() {
    try (Stream<Path> s = Files.list(Fixtures.dir("go-libaudit/rules"))) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().endsWith(".rules")).sorted().toList();
      if (files.isEmpty()) {
        fail("no *.rules in go-libaudit/rules");
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path golden(Path rulesFile) {
    return Fixtures.file("go-libaudit/rules/" + rulesFile.getFileName() + ".golden.yml");
  }

  static List<Rule> all() {
    List<Rule> out = new ArrayList<>();
    for (Path f : rulesFiles()) {
      out.addAll(read(f));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<Rule> read(Path rulesFile) {
    Path golden = golden(rulesFile);
    String text = readString(golden);
    Arch machine = machineOf(text, golden);
    Map<String, Object> doc =
        (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
    List<Map<String, Object>> rules = (List<Map<String, Object>>) doc.get("rules");
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      Object b = rules.get(i).get("bytes");
      byte[] bytes = b instanceof ByteBuffer bb ? toArray(bb) : (byte[]) b;
      out.add(
          new Rule(
              rulesFile.getFileName().toString(),
              i,
              (String) rules.get(i).get("flags"),
              bytes,
              machine));
    }
    return out;
  }

  /** The machine from the header's uname line ("… x86_64 GNU/Linux", "… aarch64 GNU/Linux"). */
  static Arch machineOf(String goldenText, Path golden) {
    Matcher m =
        Pattern.compile("^# Linux .* (\\S+) GNU/Linux$", Pattern.MULTILINE).matcher(goldenText);
    if (!m.find()) {
      fail(golden + ": no uname header line");
    }
    return Arch.fromMachineName(m.group(1))
        .orElseThrow(() -> new AssertionError(golden + ": unknown machine " + m.group(1)));
  }

  /** The rule lines of a .rules file, in order (blank and # lines skipped, as auditctl -R does). */
  static List<String> ruleLines(Path rulesFile) {
    return readString(rulesFile)
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  /**
   * go-libaudit's generator (rule/gen_testdata_test.go, makePaths) rewrote every {@code -w}, {@code
   * dir=} and {@code path=} path under {@code /tmp/audit-test} before running auditctl, so the
   * goldens' text and bytes hold the rewritten paths. Applying the same rewrite to a .rules line
   * gives the rule auditctl ran. (Its regex needs the path right after the option;
   * 01-file-watch-spaces was made with quotes allowed there, as here.)
   */
  static String asGenerated(String ruleLine) {
    return ruleLine.replaceAll("(-w ['\"]?|dir=|path=)/", "$1/tmp/audit-test/");
  }

  static String readString(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] toArray(ByteBuffer bb) {
    byte[] a = new byte[bb.remaining()];
    bb.duplicate().get(a);
    return a;
  }
}
