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
}
