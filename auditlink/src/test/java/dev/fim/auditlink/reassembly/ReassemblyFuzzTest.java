package dev.fim.auditlink.reassembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target for the record parser feeding the reassembler (issue 12): an audit stream with any
 * order, gaps, duplicates, serial wrap-around and garbage, read with any bound and timeouts.
 * Whatever comes in, every record that parses and is not an EOE leaves exactly once, in an event
 * whose records share its serial; nothing is held after {@link Reassembler#flush()}; the counters
 * add up; no exception.
 *
 * <p>Seeds: go-libaudit's reassembly fixtures (normal, lost, out of order, rollover; Apache-2.0,
 * see the LICENSE and NOTICE files in {@code ReassemblyFuzzTestInputs/}). The settings and the
 * clock steps are taken from the end of the input, the log lines from its start.
 */
class ReassemblyFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyRecordLeavesOnceInItsEvent(FuzzedDataProvider data) {
    int maxInFlight = data.consumeInt(1, 8);
    long timeoutMs = data.consumeLong(1, 5_000);
    long gapWaitMs = data.consumeLong(0, timeoutMs);
    long stepMs = data.consumeLong(0, 3_000);
    byte[] log = data.consumeRemainingAsBytes();

    long[] now = {0};
    Map<AuditRecord, Integer> delivered = new IdentityHashMap<>();
    long[] lost = {0};
    EventStream out =
        new EventStream() {
          @Override
          public void reassemblyComplete(List<AuditRecord> records) {
            assertFalse(records.isEmpty());
            long serial = records.get(0).serial();
            for (AuditRecord r : records) {
              assertEquals(serial, r.serial());
              assertTrue(r.type() != RecordType.EOE, "EOE delivered");
              delivered.merge(r, 1, Integer::sum);
            }
          }

          @Override
          public void eventsLost(long count) {
            assertTrue(count > 0, "lost " + count);
            lost[0] += count;
          }
        };
    Reassembler reassembler =
        new Reassembler(
            new ReassemblySettings(
                maxInFlight, Duration.ofMillis(timeoutMs), Duration.ofMillis(gapWaitMs)),
            () -> now[0],
            out);
    RecordParser parser = new RecordParser();
    Map<AuditRecord, Boolean> pushed = new IdentityHashMap<>();
    long records = 0;
    int start = 0;
    int line = 0;
    while (start < log.length) {
      int end = start;
      while (end < log.length && log[end] != '\n') {
        end++;
      }
      AuditRecord r = parser.parseLogLine(log, start, end - start);
      if (r != null) {
        reassembler.push(r);
        records++;
        if (r.type() != RecordType.EOE) {
          pushed.put(r, true);
        }
        assertTrue(reassembler.inFlight() <= maxInFlight, reassembler.inFlight() + " in flight");
      }
      // The clock moves by the step on every third line, so timeouts fire inside the stream too.
      if (++line % 3 == 0) {
        now[0] += stepMs * 1_000_000L;
        reassembler.tick();
      }
      start = end + 1;
    }
    reassembler.flush();
    assertEquals(0, reassembler.inFlight());
    assertEquals(pushed.size(), delivered.size());
    for (Map.Entry<AuditRecord, Integer> e : delivered.entrySet()) {
      assertSame(Boolean.TRUE, pushed.get(e.getKey()), "delivered a record never pushed");
      assertEquals(1, e.getValue(), "delivered twice: " + e.getKey());
    }
    ReassemblyCounters c = reassembler.counters();
    assertEquals(records, c.records());
    assertEquals(lost[0], c.lost());
  }
}
