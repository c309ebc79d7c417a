package dev.fim.auditlink.reassembly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.MutationTest;
import dev.fim.auditlink.parse.RecordParser;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated fixture lines through parser and reassembler: nothing throws, every record is accounted
 * for.
 */
class ReassemblerMutationTest {
  @Test
  void mutatedStreamNeverThrowsAndCountersAddUp() {
    List<byte[]> corpus = MutationTest.corpus();
    Random rnd = new Random(0xFEEDL);
    RecordParser parser = new RecordParser();
    ReassemblerTest.Collector out = new ReassemblerTest.Collector();
    ReassemblerTest.FakeTicker ticker = new ReassemblerTest.FakeTicker();
    Reassembler r = new Reassembler(new ReassemblySettings(5, Duration.ofMillis(10)), ticker, out);
    for (int i = 0; i < 20_000; i++) {
      byte[] line = corpus.get(rnd.nextInt(corpus.size()));
      if (rnd.nextInt(3) > 0) line = MutationTest.mutate(line, rnd);
      AuditRecord rec = parser.parseLogLine(line);
      if (rec != null) r.push(rec);
      ticker.now += rnd.nextInt(1_000_000);
      if (i % 97 == 0) r.tick();
    }
    r.flush();
    ReassemblyCounters c = r.counters();
    long delivered = out.events.stream().mapToLong(List::size).sum();
    assertEquals(parser.counters().parsed(), c.records());
    assertEquals(c.records(), delivered + c.eoe(), "delivered or EOE: " + c);
    assertEquals(c.events(), out.events.size());
    assertEquals(c.lost(), out.lost);
    assertEquals(0, r.inFlight());
  }
}
