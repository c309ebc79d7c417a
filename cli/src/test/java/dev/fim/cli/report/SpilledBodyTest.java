package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.EvidenceChain;
import dev.fim.store.Store;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SpilledBody}: a report's spilled body copied into its file from the end back, the spill
 * truncated behind each chunk, and a report written into a {@link ReportFile} (its pages advised
 * away behind the writes) byte for byte the report written to any stream.
 */
class SpilledBodyTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_764_000_000L * S;

  @TempDir Path tmp;

  @Test
  void theBodyLandsAfterTheHeadInOrderAndTheSpillIsEmptiedChunkByChunk() throws Exception {
    byte[] body = new byte[100_003]; // 24 chunks of 4 KiB and a partial one at the start
    new Random(7).nextBytes(body);
    Path spill = Files.write(tmp.resolve("spill"), body);
    Path out = tmp.resolve("out");
    byte[] head = "HEAD\n".getBytes(StandardCharsets.UTF_8);
    try (FileChannel o =
            FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileChannel s =
            FileChannel.open(spill, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      o.write(ByteBuffer.wrap(head));
      SpilledBody.copyBackwards(s, o, 4096);
      assertEquals(head.length + body.length, o.position(), "the position is after the body");
      assertEquals(0, s.size(), "the spill is truncated behind the copy");
      o.write(ByteBuffer.wrap("END".getBytes(StandardCharsets.UTF_8)));
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(head);
    expected.write(body);
    expected.write("END".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(out));
  }

  /**
   * The spill has no name while it is written, read and truncated: nobody who can write the
   * output's directory can put another file (or a symbolic link to one) under it.
   */
  @Test
  void theSpillHasNoNameWhileItIsUsed() throws Exception {
    try (FileChannel spill = SpilledBody.create(tmp)) {
      try (var names = Files.list(tmp)) {
        assertEquals(0, names.count(), "a name left in the directory");
      }
      spill.write(ByteBuffer.wrap("rows".getBytes(StandardCharsets.UTF_8)));
      ByteBuffer back = ByteBuffer.allocate(4);
      assertEquals(4, spill.read(back, 0));
      assertEquals("rows", new String(back.array(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void anEmptyBodyLeavesTheFileAsItWas() throws Exception {
    Path out = tmp.resolve("out");
    try (FileChannel o =
            FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileChannel spill = SpilledBody.create(tmp)) {
      o.write(ByteBuffer.wrap(new byte[] {'h'}));
      SpilledBody.copyInto(spill, o);
      assertEquals(1, o.position());
    }
    assertArrayEquals(new byte[] {'h'}, Files.readAllBytes(out));
  }

  /** The spilled formats (text, CSV, HTML) into a file: the same bytes as into a stream. */
  @Test
  void aReportIntoAReportFileIsTheReportWrittenToAStream() throws Exception {
    try (Store big = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      SyntheticHistory.fill(big, 3_000, 5, T0, 1000 * S);
      long until = T0 + 1000 * S;
      EvidenceChain.Verification unsealed = new EvidenceChain.Verification(true, null, null);
      for (ReportFormat f : ReportFormat.values()) {
        ReportParameters p = new ReportParameters(T0, until, until, "h", 2, f);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        ComplianceReport.Result a = ComplianceReport.write(big, p, unsealed, stream, tmp);
        Path file = tmp.resolve("report." + f);
        ComplianceReport.Result b;
        // as ReportOutput opens it: the page cache advised away behind the writes (DropBehind),
        // here every 64 KiB so that the small reports are advised too
        try (ReportFile o = ReportFile.createNew(file, 1 << 16, 64 << 10)) {
          b = ComplianceReport.write(big, p, unsealed, o, tmp);
        }
        assertEquals(a.sha256(), b.sha256(), f.toString());
        assertArrayEquals(stream.toByteArray(), Files.readAllBytes(file), f.toString());
      }
      try (var files = Files.list(tmp)) {
        assertEquals(5, files.count(), "the database and the four reports: every spill deleted");
      }
    }
  }
}
