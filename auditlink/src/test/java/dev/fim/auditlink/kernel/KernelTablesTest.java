package dev.fim.auditlink.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditParseException;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleOperation;
import dev.fim.auditlink.rules.RuleSettings;
import dev.fim.auditlink.rules.RuleSyntaxException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table per kernel fact, read alike by the rule compiler, the record parser and the
 * interpreter: every name one of them knows, the others know with the same number. And the
 * committed tables are what the generator makes from this host's libaudit and headers.
 */
class KernelTablesTest {
  private static final RuleCompiler X86_64 = new RuleCompiler(RuleSettings.of(Arch.X86_64));

  static Stream<String> messageTypes() {
    return MessageTypes.names().stream();
  }

  /**
   * Every message type compiles in an exclude rule, to its number, and auditctl -l prints its name
   * back.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("messageTypes")
  void everyMessageTypeCompilesInAnExcludeRule(String name) throws RuleSyntaxException {
    String rule = "-a always,exclude -F msgtype=" + name;
    byte[] bytes = X86_64.compile(rule).bytes();
    assertArrayEquals(
        X86_64.compile("-a always,exclude -F msgtype=" + MessageTypes.number(name)).bytes(),
        bytes,
        "the same value as its number");
    assertEquals(rule, RuleCompiler.toCommandLine(bytes));
  }

  /**
   * Every message type parses from a log record {@code type=NAME}, to the same number the compiler
   * used.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("messageTypes")
  void everyMessageTypeParsesFromARecord(String name) throws AuditParseException {
    byte[] line =
        ("type=" + name + " msg=audit(1700000000.123:42): pid=1 uid=0 msg='op=x res=success'")
            .getBytes(StandardCharsets.UTF_8);
    AuditRecord r = RecordParser.parseLogLineOrThrow(line, 0, line.length);
    assertEquals(MessageTypes.number(name), r.type());
    assertEquals(name, r.typeName());
  }

  /**
   * The defect of issue 13: the parser knew CRYPTO_KEY_USER (libaudit's userspace type), the
   * compiler did not.
   */
  @Test
  void userspaceTypesCompileAsTheyParse() throws RuleSyntaxException {
    for (String name :
        List.of("CRYPTO_KEY_USER", "USER_LOGIN", "SERVICE_START", "ANOM_ABEND", "USER_AVC")) {
      byte[] bytes = X86_64.compile("-a never,exclude -F msgtype=" + name).bytes();
      assertEquals("-a never,exclude -F msgtype=" + name, RuleCompiler.toCommandLine(bytes));
      assertEquals(name, RecordType.name(RecordType.number(name)));
    }
    assertEquals(2404, MessageTypes.number("CRYPTO_KEY_USER"));
  }

  static Stream<Arch> archesWithNames() {
    return Stream.of(Arch.values()).filter(Arch::hasSyscallNames);
  }

  /**
   * Every syscall name of an arch compiles to its number's bit, and ausearch -i names the number
   * the same.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("archesWithNames")
  void everySyscallCompilesAndInterpretsAlike(Arch arch) throws RuleSyntaxException {
    RuleCompiler c = new RuleCompiler(RuleSettings.of(arch));
    String hex = Integer.toHexString(arch.auditArch());
    int named = 0;
    for (int nr = 0; nr < 1024; nr++) {
      String name = arch.syscallName(nr);
      if (name == null) {
        continue;
      }
      named++;
      assertArrayEquals(
          c.compile("-a always,exit -S " + nr).bytes(),
          c.compile("-a always,exit -S " + name).bytes(),
          arch + " " + name);
      assertEquals(name, Interpreter.syscall(hex, Integer.toString(nr)));
    }
    assertTrue(named > 300, arch + " has " + named + " syscall names");
  }

  /**
   * Where the kernel's header and libaudit name a syscall differently, a rule takes both; -l prints
   * libaudit's.
   */
  @Test
  void kernelSyscallNamesStillCompile() throws RuleSyntaxException {
    byte[] pread = X86_64.compile("-a always,exit -F arch=b64 -S pread").bytes();
    assertArrayEquals(pread, X86_64.compile("-a always,exit -F arch=b64 -S pread64").bytes());
    assertEquals("-a always,exit -F arch=b64 -S pread", RuleCompiler.toCommandLine(pread));
    assertArrayEquals(
        X86_64.compile("-a always,exit -F arch=b32 -S 283").bytes(),
        X86_64.compile("-a always,exit -F arch=b32 -S kexec_load").bytes());
    assertEquals("pread", Interpreter.syscall("c000003e", "17"));
  }

  /**
   * Every errno name compiles in -F exit=, to its value; ausearch -i prints a value's first name.
   */
  @Test
  void everyErrnoCompilesAndInterpretsAlike() throws RuleSyntaxException {
    int named = 0;
    for (int v = 1; v < 4096; v++) {
      String name = Errno.name(v);
      if (name == null) {
        continue;
      }
      named++;
      assertArrayEquals(
          X86_64.compile("-a always,exit -S open -F exit=-" + v).bytes(),
          X86_64.compile("-a always,exit -S open -F exit=-" + name).bytes(),
          name);
      assertEquals(name, Interpreter.exit("-" + v));
    }
    assertEquals(131, named);
    assertArrayEquals(
        X86_64.compile("-a always,exit -S open -F exit=-EAGAIN").bytes(),
        X86_64.compile("-a always,exit -S open -F exit=-EWOULDBLOCK").bytes());
    assertEquals("EAGAIN", Interpreter.exit("-11"));
  }

  /** Every arch is named alike by -F arch= and ausearch -i, with its AUDIT_ARCH_* value. */
  @Test
  void everyArchCompilesAndInterpretsAlike() throws RuleSyntaxException {
    for (Arch a : Arch.values()) {
      byte[] bytes = X86_64.compile("-a always,exit -F arch=" + a.machineName()).bytes();
      String printed = a == Arch.X86_64 ? "b64" : a == Arch.I386 ? "b32" : a.machineName();
      assertEquals(
          "-a always,exit -F arch=" + printed, RuleCompiler.toCommandLine(bytes, Arch.X86_64));
      assertEquals(a.machineName(), Interpreter.arch(Integer.toHexString(a.auditArch())));
      assertEquals(a, Arch.fromMachineName(a.machineName()).orElseThrow());
      assertEquals(a, Arch.ofHex(Integer.toHexString(a.auditArch())));
    }
  }

  /**
   * The message-type numbers code switches on as constants (parse.RecordType, the netlink requests,
   * the rule operations) are the table's.
   */
  @Test
  void constantsAreTheTablesNumbers() throws ReflectiveOperationException {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Field f : RecordType.class.getFields()) {
      if (f.getType() == int.class
          && Modifier.isStatic(f.getModifiers())
          && !f.getName().startsWith("FIRST_")) {
        checked++;
        if (MessageTypes.number(f.getName()) != f.getInt(null)) {
          wrong.add("RecordType." + f.getName() + " = " + f.getInt(null));
        }
      }
    }
    for (String c : List.of("netlink.RequestChannel", "netlink.AuditListener")) {
      for (Field f : Class.forName("dev.fim.auditlink." + c).getDeclaredFields()) {
        String name = f.getName();
        if (f.getType() == int.class
            && Modifier.isStatic(f.getModifiers())
            && name.startsWith("AUDIT_")
            && !name.startsWith("AUDIT_NLGRP_")
            && !name.startsWith("AUDIT_FIRST_")) {
          f.setAccessible(true);
          checked++;
          if (MessageTypes.number(name.substring("AUDIT_".length())) != f.getInt(null)) {
            wrong.add(c + "." + name + " = " + f.getInt(null));
          }
        }
      }
    }
    assertEquals(MessageTypes.number("ADD_RULE"), RuleOperation.ADD.messageType());
    assertEquals(MessageTypes.number("DEL_RULE"), RuleOperation.DELETE.messageType());
    assertEquals(List.of(), wrong);
    assertTrue(checked >= 20, checked + " constants checked");
  }

  /**
   * The committed tables are exactly what auditlink/src/build/gen_kernel_tables.py makes from this
   * host's inputs (python3, libaudit.so.1, the uapi headers), but for the line that names their
   * versions; when they differ and the host's inputs are other versions than the tables name,
   * skipped with why.
   */
  @Test
  void committedTablesAreTheGeneratorsOutput(@TempDir Path out)
      throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("fim.repo", "..")).toAbsolutePath().normalize();
    Path script = repo.resolve("auditlink/src/build/gen_kernel_tables.py");
    Path committed = repo.resolve("auditlink/src/main/java/dev/fim/auditlink/kernel");
    assertTrue(Files.isRegularFile(script), script + " is missing");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/python3")),
        "needs /usr/bin/python3 to run the generator");
    Process p =
        new ProcessBuilder("/usr/bin/python3", script.toString(), "--out", out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "generator finished");
    assumeTrue(p.exitValue() != 3, "the generator's inputs are not on this host: " + log.strip());
    assertEquals(0, p.exitValue(), log);
    for (String name : List.of("MessageTypeTable.java", "SyscallTable.java", "ErrnoTable.java")) {
      List<String> made = Files.readAllLines(out.resolve(name));
      List<String> ours = Files.readAllLines(committed.resolve(name));
      if (made.subList(2, made.size()).equals(ours.subList(2, ours.size()))) {
        // The same tables from this host's inputs (a Debian point release of the headers that
        // changed none of the numbers): only the line naming the inputs differs.
        continue;
      }
      assumeTrue(
          made.get(1).equals(ours.get(1)),
          name
              + " was made from other inputs than this host has:\n  "
              + ours.get(1)
              + "\n  host: "
              + made.get(1));
      assertEquals(
          String.join("\n", ours),
          String.join("\n", made),
          name + " differs from the generator's output");
    }
  }
}
