package dev.fim.cli.ship;

import dev.fim.engine.ship.HostIdentity;
import dev.fim.engine.ship.ShipDocuments;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Digest;
import dev.fim.store.EventLog;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/ship.sh's data: {@code populate DB N} records N events (updates with a hash, a month of
 * times) through the store API, as fim watch records them; {@code ndjson DB DIR BATCH} writes the
 * very documents fim ship sends as {@code _bulk} bodies of BATCH documents, into indices {@code
 * fim-events-plain-…} (the same template applies), for the plain loader.
 */
public final class ShipBench {
  private ShipBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "populate" -> populate(Path.of(args[1]), Integer.parseInt(args[2]));
      case "ndjson" -> ndjson(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void populate(Path db, int n) throws Exception {
    long start = java.time.Instant.parse("2026-11-10T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    byte[] hash = new byte[16];
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      EventLog log = new EventLog(s);
      List<ChangeEvent> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long t = start + i * 1_000_000L;
        hash[0] = (byte) i;
        hash[1] = (byte) (i >> 8);
        FileRecord r =
            new FileRecord(
                FileType.FILE,
                0100644,
                0,
                0,
                1000 + i % 5000,
                8,
                t,
                t,
                2049,
                100_000 + i,
                1,
                null,
                null,
                List.of(new Digest(HashAlgorithm.XXH3_128, hash.clone())),
                0,
                null);
        batch.add(
            new ChangeEvent(
                t,
                0,
                Action.UPDATED,
                PathBytes.ofUtf8("/srv/app/data/dir" + (i % 100) + "/file" + i + ".conf"),
                null,
                r,
                r,
                List.of(),
                Origin.WATCH,
                null,
                null));
        if (batch.size() == 10_000) {
          log.append(batch);
          batch.clear();
        }
      }
      log.append(batch);
    }
  }

  private static void ndjson(Path db, Path dir, int batchDocs) throws Exception {
    Files.createDirectories(dir);
    try (Store s = Store.open(db, Store.OpenMode.READ_ONLY)) {
      ShipDocuments docs = new ShipDocuments(HostIdentity.ofThisHost(), s.databaseId(), null);
      EventLog log = new EventLog(s);
      StringBuilder sb = new StringBuilder();
      int[] counts = {0, 0};
      log.forEachRaw(
          Long.MIN_VALUE,
          Long.MAX_VALUE,
          (key, stored) -> {
            try {
              docs.append(log.decode(stored), stored, sb);
            } catch (dev.fim.store.StoreException ex) {
              throw new IllegalStateException(ex);
            }
            if (++counts[0] == batchDocs) {
              write(dir, counts[1]++, sb);
              counts[0] = 0;
            }
          });
      if (counts[0] > 0) {
        write(dir, counts[1], sb);
      }
    }
  }

  private static void write(Path dir, int n, StringBuilder sb) {
    String body =
        sb.toString().replace("\"_index\":\"fim-events-", "\"_index\":\"fim-events-plain-");
    try (BufferedWriter w =
        Files.newBufferedWriter(
            dir.resolve(String.format("%06d.ndjson", n)), StandardCharsets.UTF_8)) {
      w.write(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    sb.setLength(0);
  }
}
