package dev.fim.baseline;

import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

/**
 * A scan in a child JVM (as another user, or under LC_ALL=C), printing one line per record ({@code
 * R <path hex> <type> <xxh3 hex or -> <problem or ->}) and per problem ({@code P <path hex> <kind>
 * <message>}). The root is given in hex so no locale touches it.
 */
public final class ScanMain {
  public static void main(String[] args) throws Exception {
    PathBytes root = PathBytes.of(HexFormat.of().parseHex(args[0]));
    CollectingSink sink = new CollectingSink();
    new Scanner(ScanSettings.defaults().withThreads(2))
        .scan(TestSelector.all(TestSelector.DEFAULT, root), sink);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (Map.Entry<PathBytes, FileRecord> e : sink.records.entrySet()) {
      Digest d = e.getValue().digests().isEmpty() ? null : e.getValue().digests().get(0);
      String problem = e.getValue().problem();
      out.println(
          "R "
              + e.getKey().hex()
              + " "
              + e.getValue().type().label()
              + " "
              + (d == null ? "-" : d.hex())
              + " "
              + (problem == null ? "-" : problem.replace('\n', ' ')));
    }
    for (ScanProblem p : sink.problems()) {
      out.println("P " + p.path().hex() + " " + p.kind() + " " + p.message().replace('\n', ' '));
    }
  }
}
