package dev.fim.auditlink.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation ("fuzz-style") test over every fixture line: flip, insert, delete and truncate
 * bytes; no exception may escape the parser or the lazy field parse, and the counters account for
 * every input. Fixed seed: a failure reproduces.
 */
public class MutationTest {
  static final long SEED = 0x5EED_F1A1L;
  static final int ITERATIONS = 20_000;

  public static List<byte[]> corpus() {
    List<byte[]> lines = new ArrayList<>();
    for (String dir : List.of("go-libaudit/auparse", "go-libaudit/reassembly")) {
      for (Path p : Fixtures.list(dir, ".log")) {
        lines.addAll(Fixtures.lines(p));
      }
    }
    return lines;
  }

  public static byte[] mutate(byte[] in, Random rnd) {
    byte[] b = in.clone();
    int edits = 1 + rnd.nextInt(4);
    for (int k = 0; k < edits; k++) {
      int op = rnd.nextInt(5);
      if (b.length == 0) op = 1;
      int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
      switch (op) {
        case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8)); // flip a bit
        case 1 -> { // insert a byte, biased to the grammar's punctuation
          byte[] special = {
            '=', '"', '\'', ' ', '(', ')', ':', '.', 0x1d, 0, (byte) 0xff, '{', '}'
          };
          byte ins =
              rnd.nextBoolean() ? special[rnd.nextInt(special.length)] : (byte) rnd.nextInt(256);
          byte[] n = new byte[b.length + 1];
          System.arraycopy(b, 0, n, 0, at);
          n[at] = ins;
          System.arraycopy(b, at, n, at + 1, b.length - at);
          b = n;
        }
        case 2 -> { // delete a run
          int len = Math.min(b.length - at, 1 + rnd.nextInt(8));
          byte[] n = new byte[b.length - len];
          System.arraycopy(b, 0, n, 0, at);
          System.arraycopy(b, at + len, n, at, b.length - at - len);
          b = n;
        }
        case 3 -> b = java.util.Arrays.copyOf(b, at); // truncate
        default -> b[at] = (byte) rnd.nextInt(256); // replace
      }
    }
    return b;
  }

  @Test
  void mutatedFixtureLinesNeverThrowAndCountersAddUp() {
    List<byte[]> corpus = corpus();
    assertTrue(corpus.size() > 50, "corpus of fixture lines");
    Random rnd = new Random(SEED);
    RecordParser parser = new RecordParser(4096);
    long returned = 0;
    long fieldErrors = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] line = mutate(corpus.get(rnd.nextInt(corpus.size())), rnd);
      if (i % 1000 == 0) {
        line = java.util.Arrays.copyOf(line, 5000); // NUL-padded past the limit
        line[4999] = 'x';
      }
      AuditRecord r = parser.parseLogLine(line);
      if (r != null) {
        returned++;
        // Force the lazy parts; they must not throw either.
        r.fields();
        r.enriched();
        r.typeName();
        r.toString();
        for (String n : r.fieldNames()) {
          r.field(n);
          r.fieldBytes(n);
        }
        if (r.fieldError() != null) fieldErrors++;
      }
    }
    ParseCounters c = parser.counters();
    assertEquals(ITERATIONS, c.total(), "every input is counted once: " + c);
    assertEquals(returned, c.parsed());
    assertTrue(
        c.malformed() > 0 && c.parsed() > 0 && c.tooLong() >= ITERATIONS / 1000, c.toString());
    System.out.printf("mutation: %s, %d records with a field error%n", c, fieldErrors);
  }
}
