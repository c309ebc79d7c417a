package dev.fim.engine.correlate;

import dev.fim.auditlink.rules.CompiledRule;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSyntaxException;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * fim's audit rules for a set of trees: {@code -a always,exit -F arch=ARCH -F dir=TREE -F perm=wa
 * -F key=KEY} for b64 and b32 (DESIGN.md "Rule form": per arch, never {@code -w}). {@code perm=wa}
 * makes the kernel match the syscalls of its write and attribute classes (lib/audit.c), so one rule
 * per arch covers open for write, creat, truncate, rename, unlink, link, mkdir, chmod, chown,
 * setxattr… on both ABIs. Immutable.
 */
final class WatchRules {
  /** One compiled rule and the tree it watches. */
  record Rule(PathBytes tree, String text, byte[] bytes) {}

  private WatchRules() {}

  /**
   * The rules for every tree and arch, compiled before anything is installed, so that a tree the
   * rule language cannot name fails before the host is touched.
   *
   * @throws IllegalArgumentException for an empty list, a relative tree or one that is not UTF-8
   *     (the rule compiler takes text)
   */
  static List<Rule> compile(List<PathBytes> trees, String key, RuleCompiler compiler) {
    if (trees.isEmpty()) {
      throw new IllegalArgumentException("no tree to watch");
    }
    List<Rule> out = new ArrayList<>();
    for (PathBytes tree : trees) {
      if (tree.length() == 0 || tree.byteAt(0) != '/') {
        throw new IllegalArgumentException("tree " + tree.display() + " is not an absolute path");
      }
      if (!tree.isUtf8()) {
        throw new IllegalArgumentException(
            "tree "
                + tree.display()
                + " (hex "
                + tree.hex()
                + ") is not valid UTF-8: fim's audit rules cannot name it yet");
      }
      String dir = new String(tree.toBytes(), StandardCharsets.UTF_8);
      for (String arch : List.of("b64", "b32")) {
        List<String> words =
            List.of(
                "-a",
                "always,exit",
                "-F",
                "arch=" + arch,
                "-F",
                "dir=" + dir,
                "-F",
                "perm=wa",
                "-F",
                "key=" + key);
        try {
          CompiledRule r = compiler.compile(words);
          out.add(new Rule(tree, r.normalisedText(), r.bytes()));
        } catch (RuleSyntaxException e) {
          throw new IllegalArgumentException(
              "audit rule for tree " + tree.display() + ": " + e.getMessage(), e);
        }
      }
    }
    return out;
  }
}
