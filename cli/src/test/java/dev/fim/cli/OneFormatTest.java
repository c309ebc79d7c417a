package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.netlink.AuditLinkException;
import dev.fim.auditlink.netlink.AuditRefusedException;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one {@code ReportFormat} and the one {@code NativeException}, as the command line sees them:
 * the commands that print lines or one document still take only text and json (only {@code fim
 * report} takes csv and html), and a failed native call keeps the exit code of where it failed.
 */
class OneFormatTest {
  @ParameterizedTest
  @CsvSource({
    "check,csv",
    "update,html",
    "history,csv",
    "who,html",
    "watch,csv",
    "audit status,csv",
    "audit search,html",
    "check,TEXT"
  })
  void onlyReportTakesCsvAndHtml(String command, String format) {
    String[] words = command.split(" ");
    String[] args = new String[words.length + 2];
    System.arraycopy(words, 0, args, 0, words.length);
    args[words.length] = "--format";
    args[words.length + 1] = format;
    Fim.Run r = Fim.run(args);
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertTrue(
        r.err().contains("expected one of [text, json] (case-sensitive) but was '" + format + "'"),
        r.err());
  }

  @Test
  void aFailedCallKeepsTheExitCodeOfWhereItFailed() {
    int eperm = Errno.EPERM.intValue();
    assertEquals(
        ExitCodes.WATCH,
        ErrorHandler.exitCodeOf(
            new NativeException("fanotify_init", null, eperm, "needs CAP_SYS_ADMIN")),
        "a watch backend");
    assertEquals(
        ExitCodes.WATCH,
        ErrorHandler.exitCodeOf(
            new NativeException("inotify_add_watch", PathBytes.ofUtf8("/srv"), eperm)),
        "a watch backend");
    assertEquals(
        ExitCodes.IO,
        ErrorHandler.exitCodeOf(
            new AuditLinkException("socket(AF_NETLINK, NETLINK_AUDIT)", eperm, "")),
        "the audit link, not a watch");
    assertEquals(
        ExitCodes.AUDIT,
        ErrorHandler.exitCodeOf(
            new AuditRefusedException("AUDIT_ADD_RULE", eperm, "needs CAP_AUDIT_CONTROL")),
        "the kernel refused");
  }
}
