package dev.fim.auditlink.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the audit record parser (issue 12). Records are outside input: an audit.log that
 * any process able to write it may have shaped ({@code fim audit search}, the audit-log
 * attributor), and netlink payloads whose text fields (comm, paths, arguments) come from
 * unprivileged processes. A line gives a record or an {@link AuditParseException}; a record's lazy
 * field parse, its enriched section and the interpreter answer without an exception (field problems
 * are {@link AuditRecord#fieldError()}, not throws).
 *
 * <p>Seeds: records from go-libaudit's auparse and reassembly fixtures (Apache-2.0; see the LICENSE
 * and NOTICE files in {@code RecordFuzzTestInputs/}).
 */
class RecordFuzzTest {
  private static final byte[] PASSWD =
      "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GROUP =
      "root:x:0:\nwheel:x:10:alice\n".getBytes(StandardCharsets.US_ASCII);
  private static final Interpreter INTERPRETER =
      new Interpreter(
          new AccountSource() {
            @Override
            public byte[] passwd() {
              return PASSWD;
            }

            @Override
            public byte[] group() {
              return GROUP;
            }
          });

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void logLinesParseOrAreRejected(byte[] log) {
    RecordParser counting = new RecordParser();
    int lines = 0;
    int start = 0;
    while (start <= log.length) {
      int end = start;
      while (end < log.length && log[end] != '\n') {
        end++;
      }
      lines++;
      AuditRecord r;
      try {
        r = RecordParser.parseLogLineOrThrow(log, start, end - start);
      } catch (AuditParseException e) {
        assertNotNull(e.reason());
        r = null;
      }
      AuditRecord again = counting.parseLogLine(log, start, end - start);
      assertEquals(r == null, again == null);
      if (r != null) {
        touch(r);
      }
      start = end + 1;
    }
    ParseCounters c = counting.counters();
    assertEquals(lines, c.parsed() + c.malformed() + c.tooLong() + c.unknownType(), c.toString());
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void netlinkPayloadsParseOrAreRejected(FuzzedDataProvider data) {
    int type = data.consumeBoolean() ? data.consumeInt(1000, 1500) : data.consumeInt();
    byte[] payload = data.consumeRemainingAsBytes();
    try {
      touch(RecordParser.parseNetlinkOrThrow(type, payload, 0, payload.length));
    } catch (AuditParseException e) {
      assertNotNull(e.reason());
    }
  }

  /** Everything a reader of a record may ask; none of it may throw. */
  static void touch(AuditRecord r) {
    r.typeName();
    r.timestamp();
    assertTrue(r.timestampMillisPart() >= 0 && r.timestampMillisPart() < 1000);
    assertTrue(r.serial() >= 0 && r.serial() <= 0xffff_ffffL);
    int n = r.fieldCount();
    for (int i = 0; i < n; i++) {
      String name = r.fieldName(i);
      r.fieldValue(i);
      assertTrue(r.hasField(name));
      r.field(name);
      r.fieldBytes(name);
      r.fieldWasHex(name);
    }
    r.fields();
    r.fieldNames();
    r.fieldError();
    for (String name : r.enriched().keySet()) {
      r.enrichedField(name);
    }
    r.raw();
    r.rawText();
    r.toString();
    INTERPRETER.interpret(r);
  }
}
