package dev.fim.auditlink.rules;

import dev.fim.auditlink.kernel.Arch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rule compiler: auditctl rule text → {@code struct audit_rule_data} bytes, and bytes → text.
 *
 * <p>It produces the bytes the kernel lists back for a rule that auditctl 3.0 installed
 * (go-libaudit's goldens hold exactly those), so that a rule compiled here and one installed by
 * auditctl compare equal, and a {@code -d}/{@code -W} built here deletes what auditctl added.
 * Control rules ({@code -D -b -e -f -r --backlog_wait_time …}) compile to {@link ControlCommand}s
 * without bytes.
 *
 * <p>Must not: open netlink sockets, read files or the environment (host facts come in {@link
 * RuleSettings}). Immutable and thread-safe (if the settings' directory predicate is).
 */
public final class RuleCompiler {
  /** Source name used by {@link #compile(String)}. */
  public static final String INLINE_SOURCE = "<rule>";

  private final RuleSettings settings;

  public RuleCompiler(RuleSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The settings this compiler uses. */
  public RuleSettings settings() {
    return settings;
  }

  /**
   * Compiles one rule (one line of a rules file, without the comment syntax).
   *
   * @throws RuleSyntaxException with source {@value #INLINE_SOURCE}, line 1, and the reason
   */
  public CompiledRule compile(String ruleText) throws RuleSyntaxException {
    return compileLine(ruleText, INLINE_SOURCE, 1);
  }

  /**
   * Compiles one rule given as separate words, as a command line passes them ({@code fim audit
   * rules add -w /etc/passwd -p wa}): no shell quoting is involved, so a word may hold spaces or
   * quotes.
   *
   * @throws RuleSyntaxException with source {@value #INLINE_SOURCE}, line 1, and the reason
   */
  public CompiledRule compile(List<String> words) throws RuleSyntaxException {
    List<String> copy = List.copyOf(words);
    String text = String.join(" ", copy.stream().map(ShellWords::quote).toList());
    try {
      RuleBuilder.Result r = new RuleBuilder(settings).build(copy);
      return new CompiledRule(
          INLINE_SOURCE, 1, text, r.normalisedText(), r.operation(), r.bytes(), r.control());
    } catch (RuleBuilder.RuleError e) {
      throw new RuleSyntaxException(INLINE_SOURCE, 1, e.getMessage(), text);
    }
  }

  /**
   * Compiles a rules file as {@code auditctl -R} reads it: blank lines and lines starting with
   * {@code #} are skipped; every other line is one rule or control command. Stops at the first bad
   * rule.
   *
   * @param lines the file's lines
   * @param sourceName the name errors carry (usually the file name)
   * @throws RuleSyntaxException naming {@code sourceName}, the 1-based line and the reason
   */
  public List<CompiledRule> compileFile(List<String> lines, String sourceName)
      throws RuleSyntaxException {
    List<CompiledRule> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      out.add(compileLine(line, sourceName, i + 1));
    }
    return out;
  }

  private CompiledRule compileLine(String ruleText, String source, int line)
      throws RuleSyntaxException {
    String text = ruleText.strip();
    try {
      List<String> words = ShellWords.split(text);
      RuleBuilder.Result r = new RuleBuilder(settings).build(words);
      return new CompiledRule(
          source, line, text, r.normalisedText(), r.operation(), r.bytes(), r.control());
    } catch (IllegalArgumentException e) { // unterminated quote
      throw new RuleSyntaxException(source, line, e.getMessage(), text);
    } catch (RuleBuilder.RuleError e) {
      throw new RuleSyntaxException(source, line, e.getMessage(), text);
    }
  }

  /**
   * Decodes {@code audit_rule_data} bytes to {@code auditctl -l}-style text (see the package's
   * RuleDecoder for the exact form), using this compiler's machine arch for b64/b32 and for
   * syscalls of rules without arch.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed audit_rule_data
   */
  public String decode(byte[] auditRuleData) {
    return new RuleDecoder(settings.machine()).decode(auditRuleData);
  }

  /** {@link #decode(byte[])} on an x86_64 machine. */
  public static String toCommandLine(byte[] auditRuleData) {
    return toCommandLine(auditRuleData, Arch.X86_64);
  }

  /** {@link #decode(byte[])} for the given machine arch. */
  public static String toCommandLine(byte[] auditRuleData, Arch machine) {
    return new RuleDecoder(machine).decode(auditRuleData);
  }
}
