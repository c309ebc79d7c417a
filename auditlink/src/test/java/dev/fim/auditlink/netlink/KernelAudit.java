package dev.fim.auditlink.netlink;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.List;

/** What the kernel tests share: the root check and the host's rule list, as text to compare. */
final class KernelAudit {
  private KernelAudit() {}

  static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  static void assumeRoot() {
    assumeTrue(isRoot(), "needs CAP_AUDIT_CONTROL (run the tests as root)");
  }

  /** A key no host rule uses: fim-test-PID. */
  static String testKey() {
    return "fim-test-" + ProcessHandle.current().pid();
  }

  /** The installed rules as auditctl -l text, in the kernel's order. */
  static List<String> ruleTexts(AuditClient c) throws NativeException {
    List<String> out = new ArrayList<>();
    for (byte[] r : c.listRules()) {
      out.add(dev.fim.auditlink.rules.RuleCompiler.toCommandLine(r));
    }
    return out;
  }
}
