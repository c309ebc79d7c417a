package dev.fim.auditlink.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.kernel.Arch;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tables of rules beyond the peer fixtures: every operator, value kind, list, control option and
 * error.
 */
class RuleCompilerTest {
  private static final RuleSettings X86 =
      new RuleSettings(
          Arch.X86_64,
          Map.of("root", 0, "alice", 1001),
          Map.of("wheel", 10),
          path -> path.equals("/srv/data"));
  private static final RuleCompiler COMPILER = new RuleCompiler(X86);

  static final int EQ = 0x40000000;
  static final int NE = 0x30000000;

  /**
   * rule, expected (field id, fieldflags, value) of its last -F field, expected string of that
   * field or null.
   */
  static Stream<Arguments> fields() {
    return Stream.of(
        Arguments.of("-a always,exit -F uid=root", 1, EQ, 0, null),
        Arguments.of("-a always,exit -F uid=alice", 1, EQ, 1001, null),
        Arguments.of("-a always,exit -F gid=wheel", 5, EQ, 10, null),
        Arguments.of("-a always,exit -F euid=0", 2, EQ, 0, null),
        Arguments.of("-a always,exit -F auid=unset", 9, EQ, -1, null),
        Arguments.of("-a always,exit -F auid=-1", 9, EQ, -1, null),
        Arguments.of("-a always,exit -F loginuid=4294967295", 9, EQ, -1, null),
        Arguments.of("-a always,exit -F auid!=4294967295", 9, NE, -1, null),
        Arguments.of("-a always,exit -F auid<1000", 9, 0x10000000, 1000, null),
        Arguments.of("-a always,exit -F auid>1000", 9, 0x20000000, 1000, null),
        Arguments.of("-a always,exit -F auid<=1000", 9, 0x50000000, 1000, null),
        Arguments.of("-a always,exit -F auid>=1000", 9, 0x60000000, 1000, null),
        Arguments.of("-a always,exit -S clone -F a0&0x7C020000", 200, 0x08000000, 0x7C020000, null),
        Arguments.of("-a always,exit -S clone -F a1&=0x10", 201, 0x48000000, 0x10, null),
        Arguments.of("-a always,exit -F a3=0xffffffff", 203, EQ, -1, null),
        Arguments.of("-a always,exit -F exit=-EACCES", 103, EQ, -13, null),
        Arguments.of("-a always,exit -F exit=EPERM", 103, EQ, -1, null),
        Arguments.of("-a always,exit -F exit=-13", 103, EQ, -13, null),
        Arguments.of("-a always,exit -F success=0", 104, EQ, 0, null),
        Arguments.of("-a always,exit -F arch=b32", 11, EQ, 0x40000003, null),
        Arguments.of("-a always,exit -F arch=x86_64", 11, EQ, 0xc000003e, null),
        Arguments.of("-a always,exit -F arch!=b64", 11, NE, 0xc000003e, null),
        Arguments.of("-a never,exclude -F msgtype=CWD", 12, EQ, 1307, null),
        Arguments.of("-a never,exclude -F msgtype=1300", 12, EQ, 1300, null),
        Arguments.of("-a always,exit -F filetype=dir", 108, EQ, 0040000, null),
        Arguments.of("-a always,exit -F filetype!=link", 108, NE, 0120000, null),
        Arguments.of("-a always,exit -F perm=rwxa", 106, EQ, 15, null),
        Arguments.of("-a always,exit -F obj_uid=0 -F obj_gid=wheel", 110, EQ, 10, null),
        Arguments.of("-a never,filesystem -F fstype=tracefs", 26, EQ, 0x74726163, null),
        Arguments.of("-a always,task -F loginuid_set=0", 24, EQ, 0, null),
        Arguments.of("-a always,exit -F pid=4242", 0, EQ, 4242, null),
        Arguments.of("-a always,exit -F sessionid<4294967295", 25, 0x10000000, -1, null),
        Arguments.of("-a always,exit -C auid!=obj_uid", 111, NE, 5, null),
        Arguments.of("-a always,exit -C euid=uid", 111, EQ, 11, null),
        Arguments.of("-a always,exit -C sgid!=fsgid", 111, NE, 25, null),
        Arguments.of("-a always,exit -F exe=/usr/bin/su", 112, EQ, 11, "/usr/bin/su"),
        Arguments.of("-a always,exit -F subj_type!=chronyd_t", 15, NE, 9, "chronyd_t"),
        Arguments.of("-a always,exit -F dir='/srv/a b/'", 107, EQ, 9, "/srv/a b/"),
        Arguments.of("-a always,exit -F key=k1 -k k2", 210, EQ, 5, "k1\u0001k2"),
        Arguments.of("-w /etc/hosts", 106, EQ, 15, null),
        Arguments.of("-w /srv/data -p r", 106, EQ, 4, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void encodesField(String rule, int field, int op, int value, String string)
      throws RuleSyntaxException {
    RuleData d = RuleData.decode(COMPILER.compile(rule).bytes());
    int last = d.fieldCount - 1;
    assertEquals(field, d.fields[last], "field");
    assertEquals(op, d.fieldflags[last], "operator");
    assertEquals(value, d.values[last], "value");
    assertEquals(
        string,
        d.strings[last] == null
            ? null
            : new String(d.strings[last], java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void listActionPrependDeleteAndMask() throws RuleSyntaxException {
    RuleData never = RuleData.decode(COMPILER.compile("-a exit,never -S openat").bytes());
    assertEquals(4, never.flags);
    assertEquals(0, never.action);
    assertEquals(1 << (257 - 256), never.mask[8]); // openat = 257 on x86_64
    CompiledRule prepend = COMPILER.compile("-A always,exit -F arch=b32 -S 0,5");
    RuleData p = RuleData.decode(prepend.bytes());
    assertEquals(0x14, p.flags, "AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND");
    assertEquals(0b100001, p.mask[0]);
    assertEquals(RuleOperation.DELETE, COMPILER.compile("-d always,exit -S openat").operation());
    assertEquals(RuleOperation.DELETE, COMPILER.compile("-W /etc/passwd -p wa").operation());
    RuleData task = RuleData.decode(COMPILER.compile("-a always,task").bytes());
    assertEquals(0, task.mask[0], "no syscalls on the task list");
    RuleData all = RuleData.decode(COMPILER.compile("-a always,exit -S all").bytes());
    assertEquals(-1, all.mask[62]);
    assertEquals(0xffff, all.mask[63], "class bits cleared as the kernel lists it");
  }

  @Test
  void watchOnDirectoryBecomesAuditDir() throws RuleSyntaxException {
    RuleData host = RuleData.decode(COMPILER.compile("-w /srv/data -p wa").bytes());
    assertEquals(107, host.fields[0], "settings say /srv/data is a directory");
    RuleData slash = RuleData.decode(COMPILER.compile("-w /etc/ -p wa").bytes());
    assertEquals(107, slash.fields[0]);
    assertEquals(
        "/etc",
        new String(slash.strings[0], java.nio.charset.StandardCharsets.UTF_8),
        "trailing / trimmed");
    assertEquals(105, RuleData.decode(COMPILER.compile("-w /etc/hosts").bytes()).fields[0]);
  }

  @Test
  void sixtyFourFieldsFitAndSixtyFiveDoNot() throws RuleSyntaxException {
    String sixtyFour = "-a always,exit" + " -F pid=1".repeat(64);
    assertEquals(64, RuleData.decode(COMPILER.compile(sixtyFour).bytes()).fieldCount);
    RuleSyntaxException e =
        assertThrows(RuleSyntaxException.class, () -> COMPILER.compile(sixtyFour + " -k x"));
    assertEquals("more than 64 fields (AUDIT_MAX_FIELDS)", e.reason());
  }

  /** rule, machine, the reason the compiler gives. */
  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of(
            "-a always,exit -S open -F arch=b64",
            Arch.X86_64,
            "-F arch must come before -S (auditctl requires it)"),
        Arguments.of("-a always,exit -S opne", Arch.X86_64, "unknown syscall \"opne\" for x86_64"),
        Arguments.of(
            "-a always,exit -F arch=b32 -S openat2x",
            Arch.X86_64,
            "unknown syscall \"openat2x\" for i386"),
        Arguments.of(
            "-a always,exit -F arch=b64 -S open", Arch.I386, "arch=b64 on a 32-bit machine (i386)"),
        Arguments.of(
            "-a always,exit -S read",
            Arch.ARM,
            "no syscall names for arm; give \"read\" as a number"),
        Arguments.of("-a always,exit -S 2032", Arch.X86_64, "syscall number 2032 is out of range"),
        Arguments.of(
            "-a always,exti",
            Arch.X86_64,
            "unknown list or action \"exti\" (actions: always, never; lists: exit, task, user, exclude, filesystem, io_uring)"),
        Arguments.of(
            "-a always,entry",
            Arch.X86_64,
            "the entry list is deprecated since kernel 2.6.31; use exit"),
        Arguments.of(
            "-a always", Arch.X86_64, "-a needs ACTION,LIST (e.g. always,exit), got \"always\""),
        Arguments.of("-w etc/passwd", Arch.X86_64, "-w path must be absolute: \"etc/passwd\""),
        Arguments.of(
            "-w /etc/passwd -F uid=0",
            Arch.X86_64,
            "-w cannot be combined with -F (write -a always,exit -F path=… or -F dir=… instead)"),
        Arguments.of(
            "-p wa -w /etc/passwd",
            Arch.X86_64,
            "-p needs a -w or -W before it (for other rules use -F perm=)"),
        Arguments.of(
            "-w /etc/passwd -p rwz", Arch.X86_64, "permission \"rwz\" may only contain r, w, x, a"),
        Arguments.of(
            "-a always,exit -F uid=nobody",
            Arch.X86_64,
            "unknown user \"nobody\" for -F uid (numeric uids always work)"),
        Arguments.of(
            "-a always,exit -F gid=staff",
            Arch.X86_64,
            "unknown group \"staff\" for -F gid (numeric gids always work)"),
        Arguments.of("-a always,exit -F uid&1", Arch.X86_64, "-F uid does not take the & operator"),
        Arguments.of(
            "-a always,exit -F path>/etc", Arch.X86_64, "-F path does not take the > operator"),
        Arguments.of(
            "-a always,exit -F path=/a -F dir=/b",
            Arch.X86_64,
            "only one -F path or -F dir per rule (the kernel keeps one watch)"),
        Arguments.of(
            "-a always,exit -F path=/etc/",
            Arch.X86_64,
            "-F path must not end with / (use -F dir= for a directory)"),
        Arguments.of(
            "-a always,exit -F exit=-ENOPE",
            Arch.X86_64,
            "unknown errno \"-ENOPE\" for -F exit (e.g. -EACCES or -13)"),
        Arguments.of(
            "-a always,task -F exit=1",
            Arch.X86_64,
            "-F exit is only valid on the exit list, not task"),
        Arguments.of(
            "-a always,exit -F msgtype=SYSCALL",
            Arch.X86_64,
            "-F msgtype is only valid on the exclude and user lists, not exit"),
        Arguments.of(
            "-a always,exit -F arch=sparc",
            Arch.X86_64,
            "unknown arch \"sparc\" (b64, b32, x86_64, i386, aarch64, arm, ppc64, ppc64le, ppc, s390x, s390, riscv64)"),
        Arguments.of(
            "-a always,exit -F a0=4294967296",
            Arch.X86_64,
            "-F a0=4294967296 does not fit in 32 bits"),
        Arguments.of("-a always,exit -F key=", Arch.X86_64, "-F key has no value"),
        Arguments.of("-a always,exit -F bogus=1", Arch.X86_64, "unknown field \"bogus\""),
        Arguments.of(
            "-a always,exit -F uid",
            Arch.X86_64,
            "-F needs NAME OPERATOR VALUE (=, !=, <, >, <=, >=, &, &=), got \"uid\""),
        Arguments.of(
            "-a always,exit -C uid=pid",
            Arch.X86_64,
            "-C cannot compare uid with pid (the kernel compares uid/gid kinds with each other and obj_uid/obj_gid)"),
        Arguments.of("-a always,task -S open", Arch.X86_64, "-S applies only to the exit list"),
        Arguments.of(
            "-a always,exit -k " + "k".repeat(257),
            Arch.X86_64,
            "keys are 257 bytes, more than AUDIT_MAX_KEY_LEN (256)"),
        Arguments.of("-w '/unterminated", Arch.X86_64, "unterminated ' quote starting at column 4"),
        Arguments.of(
            "-a always,exit -w /etc",
            Arch.X86_64,
            "only one of -a, -A, -d, -w, -W per rule (got -a and -w)"),
        Arguments.of("-F uid=0", Arch.X86_64, "missing -a, -A, -d, -w or -W"),
        Arguments.of("-e 3", Arch.X86_64, "-e 3 is out of range 0..2"),
        Arguments.of("-b lots", Arch.X86_64, "-b needs a number, got \"lots\""),
        Arguments.of(
            "-b 8192 -a always,exit",
            Arch.X86_64,
            "-b is a control option and cannot be combined with a rule"),
        Arguments.of("-l", Arch.X86_64, "-l is a query or command of auditctl, not a rule"),
        Arguments.of("-a", Arch.X86_64, "-a needs a value"),
        Arguments.of(
            "always,exit",
            Arch.X86_64,
            "unexpected word \"always,exit\" (auditctl options start with -)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejectsWithReason(String rule, Arch machine, String reason) {
    RuleCompiler compiler = new RuleCompiler(X86.withMachine(machine));
    RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> compiler.compile(rule));
    assertEquals(reason, e.reason());
    assertEquals("<rule>:1: " + reason + "\n    " + rule, e.getMessage());
  }

  @Test
  void fileErrorsNameFileAndLine() {
    List<String> lines = List.of("## comment", "", "-D", "-a always,exit -S open -F arch=b64");
    RuleSyntaxException e =
        assertThrows(RuleSyntaxException.class, () -> COMPILER.compileFile(lines, "audit.rules"));
    assertEquals("audit.rules", e.source());
    assertEquals(4, e.line());
    assertTrue(
        e.getMessage()
            .startsWith("audit.rules:4: -F arch must come before -S (auditctl requires it)\n"));
  }

  /** control line, kind, value, key, normalised text. */
  static Stream<Arguments> controls() {
    return Stream.of(
        Arguments.of("-D", ControlCommand.Kind.DELETE_ALL, -1L, null, "-D"),
        Arguments.of("-D -k fim", ControlCommand.Kind.DELETE_ALL, -1L, "fim", "-D -k fim"),
        Arguments.of("-b 8192", ControlCommand.Kind.BACKLOG_LIMIT, 8192L, null, "-b 8192"),
        Arguments.of(
            "-b4294967295", ControlCommand.Kind.BACKLOG_LIMIT, 4294967295L, null, "-b 4294967295"),
        Arguments.of("-e 2", ControlCommand.Kind.ENABLED, 2L, null, "-e 2"),
        Arguments.of("-e 0", ControlCommand.Kind.ENABLED, 0L, null, "-e 0"),
        Arguments.of("-f 1", ControlCommand.Kind.FAILURE, 1L, null, "-f 1"),
        Arguments.of("-r 0", ControlCommand.Kind.RATE_LIMIT, 0L, null, "-r 0"),
        Arguments.of(
            "--backlog_wait_time 60000",
            ControlCommand.Kind.BACKLOG_WAIT_TIME,
            60000L,
            null,
            "--backlog_wait_time 60000"),
        Arguments.of(
            "--backlog_wait_time=0",
            ControlCommand.Kind.BACKLOG_WAIT_TIME,
            0L,
            null,
            "--backlog_wait_time 0"),
        Arguments.of("--reset-lost", ControlCommand.Kind.RESET_LOST, -1L, null, "--reset-lost"),
        Arguments.of(
            "--loginuid-immutable",
            ControlCommand.Kind.LOGINUID_IMMUTABLE,
            -1L,
            null,
            "--loginuid-immutable"),
        Arguments.of("-i", ControlCommand.Kind.IGNORE_ERRORS, -1L, null, "-i"),
        Arguments.of("-c", ControlCommand.Kind.CONTINUE_ON_ERROR, -1L, null, "-c"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("controls")
  void recognisesControlRules(
      String line, ControlCommand.Kind kind, long value, String key, String normalised)
      throws RuleSyntaxException {
    CompiledRule r = COMPILER.compile(line);
    assertTrue(r.isControl());
    assertNull(r.bytes());
    assertNull(r.operation());
    assertEquals(new ControlCommand(kind, value, key), r.control());
    assertEquals(normalised, r.normalisedText());
    assertEquals(normalised, r.control().toCommandLine());
  }

  /** rule, its decoded (auditctl -l style) text. */
  static Stream<Arguments> decoded() {
    return Stream.of(
        Arguments.of(
            "-a always,exit -F arch=b64 -S openat,open -F exit=-EACCES -k access",
            "-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES -F key=access"),
        Arguments.of("-A never,exclude -F msgtype=CWD", "-A never,exclude -F msgtype=CWD"),
        Arguments.of("-a always,exit -F dir=/etc -F perm=wa", "-w /etc/ -p wa"),
        Arguments.of("-w /etc/ -p wa -k a -k b", "-w /etc/ -p wa -k a -k b"),
        Arguments.of("-w '/srv/a b' -p r", "-w '/srv/a b' -p r"),
        Arguments.of(
            "-a always,exit -F arch=i386 -S 0 -F filetype=dir",
            "-a always,exit -F arch=b32 -S restart_syscall -F filetype=dir"),
        Arguments.of("-a always,exit -F arch=b64 -S 999", "-a always,exit -F arch=b64 -S 999"),
        Arguments.of(
            "-a always,exit -F gid=unset -F uid=root -C uid!=euid",
            "-a always,exit -F gid=unset -F uid=0 -C uid!=euid"),
        Arguments.of(
            "-a always,exit -F arch=b64 -S clone -F a0&=0x10",
            "-a always,exit -F arch=b64 -S clone -F a0&=0x10"),
        Arguments.of(
            "-a never,exit -F perm=wa -F path=/x -F key=k",
            "-a never,exit -F perm=wa -F path=/x -F key=k"),
        Arguments.of("-a always,task -F loginuid_set!=1", "-a always,task -F loginuid_set!=1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoded")
  void decodesLikeAuditctlList(String rule, String expected) throws RuleSyntaxException {
    byte[] bytes = COMPILER.compile(rule).bytes();
    assertEquals(expected, COMPILER.decode(bytes));
    assertArrayEquals(
        bytes, COMPILER.compile(expected).bytes(), "decoded text compiles to the same bytes");
  }

  @Test
  void decodeRejectsMalformedBytes() throws RuleSyntaxException {
    IllegalArgumentException shortBytes =
        assertThrows(
            IllegalArgumentException.class, () -> RuleCompiler.toCommandLine(new byte[12]));
    assertEquals("audit_rule_data needs 1040 bytes, got 12", shortBytes.getMessage());
    byte[] ok = COMPILER.compile("-a always,exit -F key=abc").bytes();
    byte[] tooMany = ok.clone();
    tooMany[8] = 65;
    assertEquals(
        "field_count 65 > 64",
        assertThrows(IllegalArgumentException.class, () -> RuleCompiler.toCommandLine(tooMany))
            .getMessage());
    byte[] longBuf = ok.clone();
    longBuf[1036] = 100;
    assertEquals(
        "buflen 100 exceeds the 4 bytes after the header",
        assertThrows(IllegalArgumentException.class, () -> RuleCompiler.toCommandLine(longBuf))
            .getMessage());
  }

  @Test
  void compiledRuleCopiesBytes() throws RuleSyntaxException {
    CompiledRule r = COMPILER.compile("-w /etc/hosts -p wa");
    byte[] b = r.bytes();
    b[0] = 99;
    assertEquals(4, r.bytes()[0]);
    assertEquals(r, COMPILER.compile("-w /etc/hosts -p wa"));
  }
}
