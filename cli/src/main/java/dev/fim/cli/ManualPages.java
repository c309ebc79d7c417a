package dev.fim.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build-time only (cli/pom.xml runs it in prepare-package; it is never called by fim): writes the
 * man pages (AsciiDoc, one per command: fim.adoc, fim-check.adoc, fim-audit-rules-add.adoc …) and
 * the bash completion script from the same picocli model that parses fim's command line, so they
 * cannot drift from {@code --help}. picocli's own generators take a class name and build the model
 * from its annotations; fim adds its subcommands in code ({@link FimCommand#commandLine}, to build
 * only the one a run names), so they would see the root command alone: this builds the whole tree
 * first. picocli-codegen is a provided (build-time) dependency, not shipped.
 */
public final class ManualPages {
  private ManualPages() {}

  /** {@code ManualPages ADOC-DIR COMPLETION-FILE}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ManualPages ADOC-DIR COMPLETION-FILE");
    }
    CommandLine tree = FimCommand.commandLine(RawArgs.fromProcCmdline(new String[0]));
    summarize(tree);
    Path adoc = Path.of(args[0]);
    Files.createDirectories(adoc);
    int rc =
        ManPageGenerator.generateManPage(
            adoc.toFile(), (File) null, new boolean[0], true, tree.getCommandSpec());
    if (rc != 0) {
      throw new IllegalStateException("picocli's ManPageGenerator failed with " + rc);
    }
    Path completion = Path.of(args[1]);
    Files.createDirectories(completion.toAbsolutePath().getParent());
    Files.writeString(completion, AutoComplete.bash("fim", tree), StandardCharsets.UTF_8);
  }

  /**
   * Gives each command without a header its description's first sentence as one: a man page's NAME
   * line and its COMMANDS list show the header, else the description's first line, which fim wraps
   * at 100 columns mid-sentence ("fim - … watched trees and"). Only this build-time model changes;
   * {@code --help} stays as it is.
   */
  static void summarize(CommandLine cl) {
    picocli.CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
    if (usage.header().length == 0 && usage.description().length > 0) {
      usage.header(firstSentence(usage.description()));
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      summarize(sub);
    }
  }

  /**
   * The description's lines up to the first blank line, the end of the first sentence or a line
   * that introduces an example (ends with a colon).
   */
  static String firstSentence(String[] description) {
    StringBuilder b = new StringBuilder();
    for (String line : description) {
      if (line.isBlank()) {
        break;
      }
      b.append(b.length() == 0 ? "" : " ").append(line.strip());
      int end = b.indexOf(". ");
      if (end >= 0) {
        return b.substring(0, end + 1);
      }
      if (line.strip().endsWith(":")) {
        break; // an example follows
      }
    }
    String s = b.toString();
    return s.endsWith(":") ? s.substring(0, s.length() - 1) + "." : s;
  }
}
