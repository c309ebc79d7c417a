package dev.fim.auditlink.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ausearch -i conventions; rows use values from the go-libaudit fixtures where they exist. */
class InterpreterTest {
  static final AccountSource ACCOUNTS =
      AccountSource.of(
          "root:x:0:0:root:/root:/bin/bash\n# comment\nbroken line\nalice:x:1001:1001::/home/alice:/bin/sh\n",
          "root:x:0:\nwheel:x:10:alice\n");
  static final Interpreter I = new Interpreter(ACCOUNTS);

  static AuditRecord rec(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return new RecordParser().parseLogLine(b);
  }

  static Stream<Arguments> rows() {
    String sys64 =
        "type=SYSCALL msg=audit(1.2:3): arch=c000003e syscall=2 success=no exit=-13 auid=4294967295 uid=1001 gid=10 euid=0 egid=4242 ses=4294967295 fsuid=77";
    String sys32 =
        "type=SECCOMP msg=audit(1.2:3): auid=20003 uid=22 gid=22 ses=21 pid=11217 sig=31 arch=40000003 syscall=132 compat=0";
    String path = "type=PATH msg=audit(1.2:3): item=0 name=\"/etc\" mode=040755 ouid=0 ogid=0";
    String path2 = "type=PATH msg=audit(1.2:3): item=0 mode=0104755";
    String cfg = "type=CONFIG_CHANGE msg=audit(1.2:3): auid=1001 op=add_rule perm=6 key=\"fim\"";
    String unk = "type=SYSCALL msg=audit(1.2:3): arch=deadbeef syscall=9999 exit=5";
    return Stream.of(
        Arguments.of(sys64, "arch", "x86_64"),
        Arguments.of(sys64, "syscall", "open"),
        Arguments.of(sys64, "exit", "EACCES"),
        Arguments.of(sys64, "auid", "unset"),
        Arguments.of(sys64, "ses", "unset"),
        Arguments.of(sys64, "uid", "alice"),
        Arguments.of(sys64, "euid", "root"),
        Arguments.of(sys64, "gid", "wheel"),
        Arguments.of(sys64, "egid", "unknown(4242)"),
        Arguments.of(sys64, "fsuid", "unknown(77)"),
        Arguments.of(sys64, "success", "no"),
        Arguments.of(sys32, "arch", "i386"),
        Arguments.of(sys32, "syscall", "getpgid"),
        Arguments.of(sys32, "sig", "SIGSYS"),
        Arguments.of(path, "mode", "dir,755"),
        Arguments.of(path, "ouid", "root"),
        Arguments.of(path2, "mode", "file,suid,755"),
        Arguments.of(cfg, "perm", "read,write"),
        Arguments.of(cfg, "key", "fim"),
        Arguments.of(unk, "arch", "deadbeef"),
        Arguments.of(unk, "syscall", "unknown-syscall(9999)"),
        Arguments.of(unk, "exit", "5"));
  }

  @ParameterizedTest(name = "{1} → {2}")
  @MethodSource("rows")
  void interprets(String line, String field, String expected) {
    AuditRecord r = rec(line);
    assertNotNull(r, line);
    assertEquals(expected, I.value(r, field));
  }

  @Test
  void userNameIsNullWhereAusearchPrintsUnsetOrUnknown() {
    assertEquals("alice", I.userName(1001));
    assertEquals("root", I.userName(0));
    assertNull(I.userName(Interpreter.UNSET), "unset auid");
    assertNull(I.userName(4242), "not in passwd");
  }

  @Test
  void staticHelpers() {
    assertEquals("file,644", Interpreter.mode("0100644"));
    assertEquals("link,777", Interpreter.mode("0120777"));
    assertEquals("dir,sticky,777", Interpreter.mode("041777"));
    assertEquals("none", Interpreter.perm("0"));
    assertEquals("read,write,exec,attr", Interpreter.perm("15"));
    assertEquals("ENOENT", Interpreter.exit("-2"));
    assertEquals("-99999", Interpreter.exit("-99999"));
    assertEquals("execve", Interpreter.syscall("c000003e", "59"));
    assertEquals("execve", Interpreter.syscall("40000003", "11"));
    assertEquals("openat", Interpreter.syscall("c00000b7", "56"));
  }

  @Test
  void sockaddrFamilies() {
    assertEquals(
        Map.of("saddr_fam", "inet", "laddr", "169.254.169.254", "lport", "80"),
        Interpreter.sockaddr("02000050A9FEA9FE0000000000000000"));
    assertEquals(
        Map.of("saddr_fam", "inet6", "laddr", "::", "lport", "22"),
        Interpreter.sockaddr("0A000016000000000000000000000000000000000000000000000000"));
    assertEquals(
        "/var/run/nscd/socket",
        Interpreter.sockaddr("01002F7661722F72756E2F6E7363642F736F636B65740000603B").get("path"));
    assertEquals(Map.of("saddr_fam", "netlink"), Interpreter.sockaddr("100000000000000000000000"));
    assertEquals(Map.of(), Interpreter.sockaddr("zz"));
  }

  @Test
  void unreadableAccountSourceShowsNumbersAndSaysWhy() {
    Interpreter broken =
        new Interpreter(
            new AccountSource() {
              @Override
              public byte[] passwd() throws IOException {
                throw new IOException("no passwd");
              }

              @Override
              public byte[] group() throws IOException {
                throw new IOException("no group");
              }
            });
    assertEquals("unknown(0)", broken.user("0"));
    assertEquals("unset", broken.user("4294967295"));
    assertEquals("passwd: no passwd; group: no group", broken.accountsError());
  }

  @Test
  void accountsAreReadOnce() {
    int[] reads = {0};
    Interpreter counting =
        new Interpreter(
            new AccountSource() {
              @Override
              public byte[] passwd() {
                reads[0]++;
                return "root:x:0:0::/:/bin/sh\n".getBytes(StandardCharsets.UTF_8);
              }

              @Override
              public byte[] group() {
                return new byte[0];
              }
            });
    for (int i = 0; i < 5; i++) assertEquals("root", counting.user("0"));
    assertEquals(1, reads[0]);
  }

  @Test
  void valueAtKeepsARepeatedNamesFirstValueOnly() {
    AuditRecord r =
        rec(
            "type=USER_ACCT msg=audit(1.2:3): pid=7 uid=0 msg='op=PAM:accounting acct=\"root\" uid=1001 res=success'");
    assertEquals("uid", r.fieldName(4));
    assertNull(I.valueAt(r, 4), "the repeated uid");
    assertEquals("root", I.valueAt(r, 1));
    Map<String, String> walked = new java.util.LinkedHashMap<>();
    for (int i = 0; i < r.fieldCount(); i++) {
      if (I.valueAt(r, i) != null) walked.put(r.fieldName(i), I.valueAt(r, i));
    }
    assertEquals(I.interpret(r), walked);
    assertEquals(
        java.util.List.of("pid", "uid", "op", "acct", "res"),
        java.util.List.copyOf(walked.keySet()));
  }
}
