package dev.fim.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.select.Config;
import dev.fim.baseline.select.ConfigWarning;
import dev.fim.baseline.select.Explanation;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.cli.report.ReportFormat;
import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fim config check}: parses the config as {@code init} would (includes resolved,
 * {@code @@x_include} executables run), prints its warnings, and explains for each PATH which rule
 * governs it. The decisions are the selector's own ({@link Config#explain}), so the answer is what
 * {@code fim init} records.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Check the config and explain which rule governs each PATH (aide --config-check, plus why).",
      "",
      "Parses the config exactly as init does: macros, @@if…, @@include, and @@x_include (whose",
      "executables run, as a real check runs them). Prints each warning as file:line: message.",
      "Without PATHs, prints a summary: rules by kind, the roots the scan walks, the warnings.",
      "For each PATH (as bytes; it need not exist) it prints:",
      "  - the rule that selects it: file:line and the line, the node of AIDE's selection tree",
      "    it hangs on (rules are tried deepest node first, first match within a node);",
      "  - other lines whose regex matches it and why they did not decide (\"also:\");",
      "  - the negative rule that drops it, and the path or parent directory that rule matched;",
      "  - whether the walk reaches it (its root, or the directory the walk does not enter);",
      "  - the attributes recorded, groups expanded.",
      "A PATH that exists is judged as its type (lstat); one that does not as a regular file,",
      "unless --type says otherwise. Paths below fim's own database and key are never recorded.",
      "",
      "Example:  fim config check -c /etc/aide/aide.conf /etc/adjtime",
      "          /etc/adjtime (file): selected",
      "            rule:  /etc/aide/aide.conf.d/31_aide_adjtime:1: /etc/adjtime$ f VarFile",
      "            node:  /etc   (selective rule, first match on the way up)",
      "            also:  /etc/aide/aide.conf.d/99_aide_root:3: / 0 Full   (tried after …)",
      "            walk:  reached from root /",
      "            attrs: ftype+p+n+u+g+l+xattrs+acl+caps+selinux",
      "          fim config check -c my.conf           # summary and warnings only"
    })
final class ConfigCheckCommand implements Callable<Integer> {
  /**
   * Other matching lines shown per path in text (a stock config's root rule matches everything).
   */
  static final int MAX_PASSED_OVER = 5;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Config file (default: /etc/fim/fim.conf if it exists, else the built-in default).")
  Path config;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description =
          "Judge every PATH as this type (f d l c b p s, as in a rule's restriction) instead of its lstat type.")
  String type;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = TextOrJson.class,
      completionCandidates = TextOrJson.class,
      description = "text or json (one object). Default: ${DEFAULT-VALUE}.")
  ReportFormat format;

  @Option(names = "--debug", description = "Print stack traces with errors.")
  boolean debug;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description = "Paths to explain (made absolute; bytes as given).")
  List<String> paths;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    FileType forced = null;
    if (type != null) {
      forced = typeOf(type);
      if (forced == null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--type must be one of f d l c b p s, not '" + type + "'");
      }
    }
    List<PathBytes> asked = CommonOptions.paths(paths);
    if (paths != null && asked.size() != paths.size()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "PATH is empty");
    }
    List<ConfigWarning> warnings = new ArrayList<>();
    Config cfg;
    try {
      cfg = CommonOptions.loadConfig(config, warnings::add);
    } catch (ErrorHandler.ConfigError e) {
      // The warnings before the error often explain it (a group name read as an option, an
      // undefined variable).
      PrintWriter err = spec.commandLine().getErr();
      for (ConfigWarning w : warnings) {
        err.println("fim: " + (w.note() ? "note: " : "warning: ") + w);
      }
      err.flush();
      throw e;
    }
    List<Explanation> answers = new ArrayList<>();
    List<Boolean> exists = new ArrayList<>();
    for (PathBytes p : asked) {
      FileType t = forced;
      FileType seen = lstatType(p);
      exists.add(seen != null);
      if (t == null) {
        t = seen == null ? FileType.FILE : seen;
      }
      answers.add(cfg.explain(p, t));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == ReportFormat.JSON) {
      json(out, cfg, warnings, answers, exists);
    } else {
      text(out, cfg, warnings, answers, exists);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void text(
      PrintWriter out,
      Config cfg,
      List<ConfigWarning> warnings,
      List<Explanation> answers,
      List<Boolean> exists) {
    for (ConfigWarning w : warnings) {
      out.println((w.note() ? "note: " : "warning: ") + w);
    }
    if (answers.isEmpty()) {
      out.println("config: " + cfg.source());
      StringBuilder counts = new StringBuilder();
      int total = 0;
      for (Map.Entry<String, Integer> e : cfg.ruleCounts().entrySet()) {
        total += e.getValue();
        counts
            .append(counts.length() == 0 ? "" : ", ")
            .append(e.getValue())
            .append(' ')
            .append(e.getKey());
      }
      out.println("rules: " + total + " (" + counts + ")");
      StringBuilder roots = new StringBuilder();
      for (PathBytes r : cfg.selector().roots()) {
        roots.append(roots.length() == 0 ? "" : " ").append(r.display());
      }
      out.println(
          "roots walked: " + (roots.length() == 0 ? "(none: the config selects nothing)" : roots));
      long notes = warnings.stream().filter(ConfigWarning::note).count();
      out.println("warnings: " + (warnings.size() - notes));
      out.println("notes: " + notes);
      out.println("digest: " + cfg.digestHex());
      return;
    }
    for (int i = 0; i < answers.size(); i++) {
      Explanation e = answers.get(i);
      String verdict = e.recorded() ? "selected" : "not selected";
      out.println(
          e.path().display()
              + " ("
              + e.type().label()
              + (exists.get(i) ? "" : ", does not exist")
              + "): "
              + verdict);
      if (e.selectedBy() == null) {
        out.println(
            "  rule:  none: no selective or equals rule on the way from its parent directory up to / matches it");
      } else {
        Explanation.Rule r = e.selectedBy();
        out.println("  rule:  " + r.location() + ": " + r.text());
        out.println(
            "  node:  "
                + r.node()
                + "   ("
                + (e.equalsMatch()
                    ? "equals rule of its parent directory"
                    : r.kind() + " rule, first match on the way up")
                + ")");
      }
      int shown = 0;
      for (Explanation.PassedOver o : e.passedOver()) {
        if (shown++ == MAX_PASSED_OVER) {
          out.println(
              "  also:  " + (e.passedOver().size() - MAX_PASSED_OVER) + " more matching lines");
          break;
        }
        out.println(
            "  also:  " + o.rule().location() + ": " + o.rule().text() + "   (" + o.why() + ")");
      }
      if (e.excludedBy() != null) {
        Explanation.Rule n = e.excludedBy();
        out.println(
            "  excluded by: "
                + n.location()
                + ": "
                + n.text()
                + (e.excludedAt().equals(e.path())
                    ? ""
                    : "   (matches its parent directory " + e.excludedAt().display() + ")"));
      }
      if (e.selected()) {
        if (e.root() == null) {
          out.println("  walk:  not reached: no root of the config is at or above it");
        } else if (e.notEntered() != null) {
          out.println(
              "  walk:  not reached: the walk from root "
                  + e.root().display()
                  + " does not enter "
                  + e.notEntered().display());
        } else {
          out.println("  walk:  reached from root " + e.root().display());
        }
        out.println("  attrs: " + e.attributes());
      }
    }
  }

  private static void json(
      PrintWriter out,
      Config cfg,
      List<ConfigWarning> warnings,
      List<Explanation> answers,
      List<Boolean> exists)
      throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("config", cfg.source());
      g.writeStringField("digest", cfg.digestHex());
      g.writeObjectFieldStart("rules");
      for (Map.Entry<String, Integer> e : cfg.ruleCounts().entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("roots");
      for (PathBytes r : cfg.selector().roots()) {
        g.writeString(r.display());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("warnings");
      for (ConfigWarning w : warnings) {
        g.writeStartObject();
        g.writeStringField("file", w.source());
        g.writeNumberField("line", w.line());
        g.writeStringField("text", w.text());
        g.writeStringField("message", w.message());
        g.writeBooleanField("note", w.note());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("paths");
      for (int i = 0; i < answers.size(); i++) {
        Explanation e = answers.get(i);
        g.writeStartObject();
        g.writeStringField("path", e.path().display());
        g.writeStringField("path_hex", e.path().hex());
        g.writeStringField("type", e.type().label());
        g.writeBooleanField("exists", exists.get(i));
        g.writeBooleanField("selected", e.selected());
        g.writeBooleanField("recorded", e.recorded());
        rule(g, "rule", e.selectedBy());
        g.writeBooleanField("equals_match", e.equalsMatch());
        rule(g, "excluded_by", e.excludedBy());
        g.writeStringField("excluded_at", e.excludedAt() == null ? null : e.excludedAt().display());
        g.writeStringField("root", e.root() == null ? null : e.root().display());
        g.writeStringField("not_entered", e.notEntered() == null ? null : e.notEntered().display());
        g.writeArrayFieldStart("passed_over");
        for (Explanation.PassedOver o : e.passedOver()) {
          g.writeStartObject();
          g.writeStringField("file", o.rule().source());
          g.writeNumberField("line", o.rule().line());
          g.writeStringField("text", o.rule().text());
          g.writeStringField("why", o.why());
          g.writeEndObject();
        }
        g.writeEndArray();
        AttributeSet a = e.recorded() ? e.attributes() : null;
        g.writeStringField("attributes", a == null ? null : a.toString());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.println();
  }

  private static void rule(JsonGenerator g, String name, Explanation.Rule r) throws IOException {
    if (r == null) {
      g.writeNullField(name);
      return;
    }
    g.writeObjectFieldStart(name);
    g.writeStringField("file", r.source());
    g.writeNumberField("line", r.line());
    g.writeStringField("text", r.text());
    g.writeStringField("kind", r.kind());
    g.writeStringField("node", r.node());
    g.writeEndObject();
  }

  private static FileType typeOf(String letter) {
    return switch (letter) {
      case "f" -> FileType.FILE;
      case "d" -> FileType.DIRECTORY;
      case "l" -> FileType.SYMLINK;
      case "c" -> FileType.CHAR_DEVICE;
      case "b" -> FileType.BLOCK_DEVICE;
      case "p" -> FileType.FIFO;
      case "s" -> FileType.SOCKET;
      default -> null;
    };
  }

  /** The path's type (not following a final symlink), or null when it cannot be stat'ed. */
  private static FileType lstatType(PathBytes p) {
    DirCalls calls = new DirCalls();
    DirCalls.Located at = null;
    try {
      at = calls.locate(p.toBytes(), p);
      return FileType.ofMode(calls.lstatAt(at.dirFd(), at.name(), p).mode());
    } catch (dev.fim.store.sys.NativeException e) {
      return null;
    } finally {
      calls.close(at);
    }
  }
}
