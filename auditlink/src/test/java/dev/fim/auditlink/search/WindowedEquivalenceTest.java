package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The windowed search and the sequential scan find the same events in the same order on generated
 * logs with what makes grouping hard: interleaved events, records far apart (around the window),
 * missing and stray EOE, serials reused at other times, two nodes, garbage and empty lines, CRLF,
 * events cut across files, hex keys and the key inside other fields; and the windowed search cut
 * into parts on several threads finds them too, each once.
 */
class WindowedEquivalenceTest {
  @Test
  void sameEventsSameOrder(@TempDir Path dir) throws IOException {
    int events = 0;
    for (int seed = 1; seed <= 16; seed++) {
      Random r = new Random(seed);
      List<Path> files = generate(dir, seed, r);
      for (SearchSettings s :
          List.of(
              SearchSettings.all().withKey("hit"),
              SearchSettings.all().withKey("hit").withExact(true),
              SearchSettings.all().withPath("/etc/hit"),
              SearchSettings.all().withAuid("1001"),
              SearchSettings.all().withKey("hit").withAuid("1001"))) {
        List<String> seq =
            run(new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.SEQUENTIAL), files);
        List<String> win =
            run(
                new AuditSearch(
                    s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.WINDOWED, 1, Long.MAX_VALUE),
                files);
        assertEquals(seq, win, "seed " + seed + " " + s);
        // Cut into parts searched on threads of their own, at offsets anywhere (mid-line,
        // mid-event): events gathered from both sides of a cut are kept once.
        int parts = 2 + r.nextInt(6);
        long total = 0;
        for (Path f : files) total += Files.size(f);
        List<String> par =
            run(
                new AuditSearch(
                    s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.WINDOWED, parts, total / parts),
                files);
        assertEquals(seq, par, "seed " + seed + " " + s + " in " + parts + " parts");
        events += seq.size();
      }
    }
    assertTrue(events > 1000, "the generated logs hold matching events: " + events);
  }

  private static List<String> run(AuditSearch search, List<Path> files) throws IOException {
    List<String> got = new ArrayList<>();
    search.run(
        files,
        e -> {
          StringBuilder b =
              new StringBuilder(
                  e.node() + "/" + e.sequence() + "@" + e.time().toEpochMilli() + ":");
          e.records().forEach(rec -> b.append(rec.typeName()).append(','));
          got.add(b.toString());
        });
    return got;
  }

  static List<Path> generate(Path dir, int seed, Random r) throws IOException {
    int nfiles = 1 + r.nextInt(3);
    List<Path> files = new ArrayList<>();
    List<StringBuilder> outs = new ArrayList<>();
    for (int i = 0; i < nfiles; i++) {
      files.add(dir.resolve("log-" + seed + "-" + i));
      outs.add(new StringBuilder());
    }
    int target = 20_000 + r.nextInt(200_000);
    long serial = 100 + r.nextInt(50);
    long t = 1_700_000_000_000L;
    List<String> pending = new ArrayList<>();
    int written = 0;
    int f = 0;
    while (written < target || !pending.isEmpty()) {
      if (written < target) {
        // A new event: its records go to 'pending' and leave it interleaved with others'.
        long sn = r.nextInt(20) == 0 ? 100 + r.nextInt(40) : serial++; // sometimes a reused serial
        long ts = r.nextInt(15) == 0 ? t - 7 : t;
        t += r.nextInt(3);
        String node = r.nextInt(10) == 0 ? "node=h" + r.nextInt(2) + " " : "";
        String hdr =
            " msg=audit(" + ts / 1000 + "." + String.format("%03d", ts % 1000) + ":" + sn + "): ";
        String key =
            switch (r.nextInt(8)) {
              case 0 -> "key=\"hit\"";
              case 1 -> "key=686974016F74686572"; // "hit" 0x01 "other"
              case 2 -> "key=\"hitch\"";
              default -> "key=(null)";
            };
        String uid = r.nextInt(6) == 0 ? "1001" : "0";
        pending.add(
            node
                + "type=SYSCALL"
                + hdr
                + "arch=c000003e syscall=2 auid="
                + uid
                + " uid=0 comm=\"hit\" "
                + key);
        int paths = r.nextInt(3);
        for (int i = 0; i < paths; i++) {
          pending.add(
              node
                  + "type=PATH"
                  + hdr
                  + "item="
                  + i
                  + " name=\""
                  + (r.nextInt(5) == 0 ? "/etc/hit" : "/usr/lib/x")
                  + "\"");
        }
        int end = r.nextInt(10);
        if (end < 6) pending.add(node + "type=PROCTITLE" + hdr + "proctitle=686974");
        else if (end < 8) pending.add(node + "type=EOE" + hdr.trim());
        // else: no last record; the window or the end of input ends it
        if (r.nextInt(30) == 0)
          pending.add("type=EOE msg=audit(1.000:" + (sn + 1) + "):"); // stray EOE
      }
      // Emit a few pending lines, mostly the oldest, sometimes a later one.
      int k = pending.isEmpty() ? 0 : 1 + r.nextInt(Math.min(3, pending.size()));
      for (int i = 0; i < k && !pending.isEmpty(); i++) {
        int pick = r.nextInt(4) == 0 ? r.nextInt(pending.size()) : 0;
        String line = pending.remove(pick);
        StringBuilder out = outs.get(f);
        switch (r.nextInt(200)) {
          case 0 -> out.append("garbage hit line ").append(serial).append(")\n");
          case 1 -> out.append('\n');
          case 2 -> out.append(" ".repeat(r.nextInt(20_000))).append('\n'); // pushes records apart
          default -> {}
        }
        out.append(line).append(r.nextInt(50) == 0 ? "\r\n" : "\n");
        written += line.length() + 1;
        if (r.nextInt(3000) == 0 && f + 1 < nfiles) f++;
      }
    }
    for (int i = 0; i < nfiles; i++) {
      String text = outs.get(i).toString();
      if (i == nfiles - 1 && r.nextBoolean() && text.endsWith("\n"))
        text = text.substring(0, text.length() - 1);
      Files.write(files.get(i), text.getBytes(StandardCharsets.UTF_8));
    }
    return files;
  }
}
