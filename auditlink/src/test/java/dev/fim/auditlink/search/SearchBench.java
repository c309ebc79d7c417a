package dev.fim.auditlink.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for {@code fim audit search} until the CLI wires it, for bench/audit-search.sh: {@code
 * SearchBench [--input FILE]… [-k KEY] [-f PATH] [-ua AUID] [-ts T] [-te T] [-w] [--format
 * text|json]}. Prints events on stdout and the stats on stderr; exits 0 if events were found, 1 if
 * none.
 */
public final class SearchBench {
  private SearchBench() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    List<Path> inputs = new ArrayList<>();
    SearchSettings s = SearchSettings.all();
    String format = "text";
    Instant now = Instant.now();
    ZoneId zone = ZoneId.systemDefault();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--input" -> inputs.add(Path.of(args[++i]));
        case "-k" -> s = s.withKey(args[++i]);
        case "-f" -> s = s.withPath(args[++i]);
        case "-ua" -> s = s.withAuid(args[++i]);
        case "-ts" -> s = s.withTime(TimeSpec.parse(args[++i], now, zone), s.until());
        case "-te" -> s = s.withTime(s.from(), TimeSpec.parse(args[++i], now, zone));
        case "-w" -> s = s.withExact(true);
        case "--format" -> format = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (inputs.isEmpty()) inputs = InputFiles.rotations(Path.of("/var/log/audit/audit.log"));
    Interpreter names = new Interpreter(AccountSource.system());
    Writer w =
        new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
    SearchStats stats;
    if (format.equals("json")) {
      JsonGenerator g = new JsonFactory().createGenerator(w);
      g.setRootValueSeparator(null);
      SearchJson json = new SearchJson(names);
      stats =
          new AuditSearch(s)
              .run(
                  inputs,
                  e -> {
                    json.write(e, g);
                    g.flush();
                    w.write('\n');
                  });
    } else {
      SearchText text = new SearchText(names, zone);
      stats = new AuditSearch(s).run(inputs, e -> text.write(e, w));
    }
    w.flush();
    System.err.printf("%s in %.3f s%n", stats, (System.nanoTime() - t0) / 1e9);
    System.exit(stats.eventsMatched() > 0 ? 0 : 1);
  }
}
