package dev.fim.auditlink.rules;

import dev.fim.auditlink.kernel.Arch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Compiles the words of one auditctl rule into {@code audit_rule_data} (or a control command),
 * following auditctl 3.0's option handling: fields in the order written, keys ({@code -k}, {@code
 * -F key=}) joined with AUDIT_KEY_SEPARATOR (0x01) into one AUDIT_FILTERKEY field at the end, all
 * syscalls on the exit list when no {@code -S} is given. One instance per rule; not thread-safe.
 */
final class RuleBuilder {
  /** A rule rejected, with the reason a person reads. */
  static final class RuleError extends Exception {
    private static final long serialVersionUID = 1L;

    RuleError(String reason) {
      super(reason);
    }
  }

  /** The outcome: normalised words plus either (operation, bytes) or a control command. */
  record Result(
      String normalisedText, RuleOperation operation, byte[] bytes, ControlCommand control) {}

  // include/uapi/linux/audit.h lines 165-176: AUDIT_FILTER_* lists; AUDIT_FILTER_PREPEND 0x10.
  static final Map<String, Integer> LISTS =
      Map.of(
          "user",
          0x00,
          "task",
          0x01,
          "exit",
          0x04,
          "exclude",
          0x05,
          "filesystem",
          0x06,
          "io_uring",
          0x07);
  static final int FILTER_EXIT = 0x04;
  static final int FILTER_PREPEND = 0x10;
  // lines 180-182: AUDIT_NEVER 0, AUDIT_POSSIBLE 1 (deprecated), AUDIT_ALWAYS 2.
  static final Map<String, Integer> ACTIONS = Map.of("never", 0, "always", 2);
  static final int ACTION_ALWAYS = 2;
  // lines 445-448: AUDIT_PERM_EXEC 1, AUDIT_PERM_WRITE 2, AUDIT_PERM_READ 4, AUDIT_PERM_ATTR 8.
  static final String PERM_LETTERS = "xwra";
  static final int MAX_KEY_LEN = 256; // AUDIT_MAX_KEY_LEN
  static final int PATH_MAX = 4096; // include/uapi/linux/limits.h
  static final char KEY_SEPARATOR = 0x01; // AUDIT_KEY_SEPARATOR, libaudit.h

  private record Pending(RuleField field, Operator op, int value, byte[] string) {}

  private final RuleSettings settings;
  private final List<String> normalised = new ArrayList<>();
  private final List<Pending> pending = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  private final List<Integer> syscalls = new ArrayList<>();
  private String ruleOption; // -a, -A, -d, -w, -W
  private Integer list;
  private Integer action;
  private String watchPath;
  private Integer perms;
  private boolean allSyscalls;
  private boolean syscallSeen;
  private String nonWatchOption; // first of -S/-F/-C, to reject mixing with -w
  private Arch syscallArch;
  private ControlCommand.Kind control;
  private long controlValue = -1;

  RuleBuilder(RuleSettings settings) {
    this.settings = settings;
    this.syscallArch = settings.machine();
  }

  Result build(List<String> words) throws RuleError {
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      String option;
      String attached = null;
      if (word.startsWith("--")) {
        int eq = word.indexOf('=');
        option = eq < 0 ? word : word.substring(0, eq);
        attached = eq < 0 ? null : word.substring(eq + 1);
      } else if (word.startsWith("-") && word.length() >= 2) {
        option = word.substring(0, 2);
        attached = word.length() > 2 ? word.substring(2) : null;
      } else {
        throw new RuleError("unexpected word \"" + word + "\" (auditctl options start with -)");
      }
      if (!takesValue(option)) {
        if (attached != null) {
          throw new RuleError(option + " takes no value, got \"" + word + "\"");
        }
        apply(option, null);
        continue;
      }
      String value = attached;
      if (value == null) {
        if (i + 1 >= words.size()) {
          throw new RuleError(option + " needs a value");
        }
        value = words.get(++i);
      }
      apply(option, value);
    }
    return finish();
  }

  private static boolean takesValue(String option) {
    return switch (option) {
      case "-D", "-i", "-c", "--reset-lost", "--loginuid-immutable", "-l", "-s", "-v", "-h", "-t" ->
          false;
      default -> true;
    };
  }

  private void apply(String option, String value) throws RuleError {
    switch (option) {
      case "-a", "-A", "-d" -> {
        setRuleOption(option);
        normalised.add(option + " " + ShellWords.quote(value));
        parseListAction(value);
      }
      case "-w", "-W" -> {
        setRuleOption(option);
        normalised.add(option + " " + ShellWords.quote(value));
        watchPath = checkPath(option, value);
      }
      case "-p" -> {
        if (watchPath == null) {
          throw new RuleError("-p needs a -w or -W before it (for other rules use -F perm=)");
        }
        normalised.add("-p " + ShellWords.quote(value));
        perms = parsePerms(value);
      }
      case "-k" -> {
        normalised.add("-k " + ShellWords.quote(value));
        addKey(value);
      }
      case "-S" -> {
        nonWatchOption = nonWatchOption == null ? "-S" : nonWatchOption;
        normalised.add("-S " + ShellWords.quote(value));
        for (String name : value.split(",", -1)) {
          addSyscall(name);
        }
      }
      case "-F" -> {
        nonWatchOption = nonWatchOption == null ? "-F" : nonWatchOption;
        addField(value);
      }
      case "-C" -> {
        nonWatchOption = nonWatchOption == null ? "-C" : nonWatchOption;
        addComparison(value);
      }
      case "-D" -> setControl(ControlCommand.Kind.DELETE_ALL, option, null);
      case "-b" -> setControl(ControlCommand.Kind.BACKLOG_LIMIT, option, value);
      case "-e" -> setControl(ControlCommand.Kind.ENABLED, option, value);
      case "-f" -> setControl(ControlCommand.Kind.FAILURE, option, value);
      case "-r" -> setControl(ControlCommand.Kind.RATE_LIMIT, option, value);
      case "--backlog_wait_time" ->
          setControl(ControlCommand.Kind.BACKLOG_WAIT_TIME, option, value);
      case "--reset-lost" -> setControl(ControlCommand.Kind.RESET_LOST, option, null);
      case "--loginuid-immutable" ->
          setControl(ControlCommand.Kind.LOGINUID_IMMUTABLE, option, null);
      case "-i" -> setControl(ControlCommand.Kind.IGNORE_ERRORS, option, null);
      case "-c" -> setControl(ControlCommand.Kind.CONTINUE_ON_ERROR, option, null);
      case "-l", "-s", "-v", "-h", "-m", "-q", "-t", "-R", "--signal" ->
          throw new RuleError(option + " is a query or command of auditctl, not a rule");
      default -> throw new RuleError("unknown option " + option);
    }
  }

  private void setRuleOption(String option) throws RuleError {
    if (ruleOption != null) {
      throw new RuleError(
          "only one of -a, -A, -d, -w, -W per rule (got " + ruleOption + " and " + option + ")");
    }
    ruleOption = option;
  }

  private void setControl(ControlCommand.Kind kind, String option, String value) throws RuleError {
    if (control != null) {
      throw new RuleError(
          "only one control option per line (got " + control.option() + " and " + option + ")");
    }
    control = kind;
    if (value == null) {
      normalised.add(option);
      return;
    }
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new RuleError(option + " needs a number, got \"" + value + "\"");
    }
    long max =
        kind == ControlCommand.Kind.ENABLED || kind == ControlCommand.Kind.FAILURE
            ? 2
            : 0xffffffffL;
    if (v < 0 || v > max) {
      throw new RuleError(option + " " + value + " is out of range 0.." + max);
    }
    controlValue = v;
    normalised.add(option + " " + v);
  }

  private void parseListAction(String value) throws RuleError {
    String[] parts = value.split(",", -1);
    if (parts.length != 2) {
      throw new RuleError(
          ruleOption + " needs ACTION,LIST (e.g. always,exit), got \"" + value + "\"");
    }
    for (String part : parts) {
      if (LISTS.containsKey(part)) {
        if (list != null) {
          throw new RuleError("two lists in \"" + value + "\"");
        }
        list = LISTS.get(part);
      } else if (ACTIONS.containsKey(part)) {
        if (action != null) {
          throw new RuleError("two actions in \"" + value + "\"");
        }
        action = ACTIONS.get(part);
      } else if (part.equals("entry")) {
        throw new RuleError("the entry list is deprecated since kernel 2.6.31; use exit");
      } else if (part.equals("possible")) {
        throw new RuleError("the possible action is deprecated; use always");
      } else {
        throw new RuleError(
            "unknown list or action \""
                + part
                + "\" (actions: always, never; lists: exit, task, user, exclude, filesystem, io_uring)");
      }
    }
    if (list == null || action == null) {
      throw new RuleError(ruleOption + " needs one action and one list, got \"" + value + "\"");
    }
  }

  private static String checkPath(String what, String path) throws RuleError {
    if (!path.startsWith("/")) {
      throw new RuleError(what + " path must be absolute: \"" + path + "\"");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
      throw new RuleError(what + " path is longer than PATH_MAX (" + PATH_MAX + ")");
    }
    return path;
  }

  private static int parsePerms(String value) throws RuleError {
    int bits = 0;
    for (char c : value.toCharArray()) {
      int at = PERM_LETTERS.indexOf(c);
      if (at < 0) {
        throw new RuleError("permission \"" + value + "\" may only contain r, w, x, a");
      }
      bits |= 1 << at;
    }
    if (bits == 0) {
      throw new RuleError("empty permission");
    }
    return bits;
  }

  private void addKey(String key) throws RuleError {
    if (key.isEmpty()) {
      throw new RuleError("empty key");
    }
    if (key.indexOf(KEY_SEPARATOR) >= 0) {
      // The kernel stores several keys as one string joined by this byte: a key holding it would be
      // listed back (auditctl -l, fim audit rules list) as two keys, one of them possibly empty.
      throw new RuleError(
          "a key cannot contain the byte 0x01 (AUDIT_KEY_SEPARATOR, which joins keys)");
    }
    keys.add(key);
    int total =
        String.join(String.valueOf(KEY_SEPARATOR), keys).getBytes(StandardCharsets.UTF_8).length;
    if (total > MAX_KEY_LEN) {
      throw new RuleError(
          "keys are " + total + " bytes, more than AUDIT_MAX_KEY_LEN (" + MAX_KEY_LEN + ")");
    }
  }

  private void addSyscall(String name) throws RuleError {
    syscallSeen = true;
    if (name.equals("all")) {
      allSyscalls = true;
      return;
    }
    if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
      int nr;
      try {
        nr = Integer.parseInt(name);
      } catch (NumberFormatException e) {
        nr = Integer.MAX_VALUE;
      }
      if (nr >= RuleData.BITMASK_SIZE * 32 - 16) { // top 16 bits select syscall classes
        throw new RuleError("syscall number " + name + " is out of range");
      }
      syscalls.add(nr);
      return;
    }
    if (!syscallArch.hasSyscallNames()) {
      throw new RuleError(
          "no syscall names for "
              + syscallArch.machineName()
              + "; give \""
              + name
              + "\" as a number");
    }
    OptionalInt nr = syscallArch.syscallNumber(name);
    if (nr.isEmpty()) {
      throw new RuleError("unknown syscall \"" + name + "\" for " + syscallArch.machineName());
    }
    syscalls.add(nr.getAsInt());
  }

  private void addField(String expr) throws RuleError {
    int at = 0;
    while (at < expr.length() && "=!<>&".indexOf(expr.charAt(at)) < 0) {
      at++;
    }
    Operator op = Operator.at(expr, at);
    if (at == 0 || op == null) {
      throw new RuleError(
          "-F needs NAME OPERATOR VALUE (=, !=, <, >, <=, >=, &, &=), got \"" + expr + "\"");
    }
    String name = expr.substring(0, at);
    String value = expr.substring(at + op.symbol.length());
    normalised.add("-F " + name + op.symbol + ShellWords.quote(value));
    if (value.isEmpty()) {
      throw new RuleError("-F " + name + " has no value");
    }
    RuleField field = RuleField.byName(name);
    if (field == null) {
      throw new RuleError("unknown field \"" + name + "\"");
    }
    if (!field.accepts(op)) {
      throw new RuleError("-F " + name + " does not take the " + op.symbol + " operator");
    }
    if (field == RuleField.KEY) {
      addKey(value);
      return;
    }
    if (field == RuleField.ARCH && syscallSeen) {
      throw new RuleError("-F arch must come before -S (auditctl requires it)");
    }
    if (field.isString()) {
      if (field.kind == RuleField.Kind.PATH) {
        checkPath("-F " + name, value);
        if (field == RuleField.PATH && value.length() > 1 && value.endsWith("/")) {
          throw new RuleError("-F path must not end with / (use -F dir= for a directory)");
        }
        for (Pending p : pending) {
          if (p.field.kind == RuleField.Kind.PATH) {
            throw new RuleError("only one -F path or -F dir per rule (the kernel keeps one watch)");
          }
        }
      }
      pending.add(new Pending(field, op, 0, value.getBytes(StandardCharsets.UTF_8)));
      return;
    }
    pending.add(new Pending(field, op, FieldValues.parse(field, value, settings, this), null));
  }

  /** Called by FieldValues for -F arch: later -S names use this arch's table. */
  void archChosen(Arch arch) {
    syscallArch = arch;
  }

  private void addComparison(String expr) throws RuleError {
    int at = 0;
    while (at < expr.length() && "=!<>&".indexOf(expr.charAt(at)) < 0) {
      at++;
    }
    Operator op = Operator.at(expr, at);
    if (at == 0 || op == null || !op.isEqualOrNot()) {
      throw new RuleError("-C needs FIELD=FIELD or FIELD!=FIELD, got \"" + expr + "\"");
    }
    String left = expr.substring(0, at);
    String right = expr.substring(at + op.symbol.length());
    normalised.add("-C " + left + op.symbol + ShellWords.quote(right));
    int code = ValueNames.comparison(left, right);
    if (code < 0) {
      throw new RuleError(
          "-C cannot compare "
              + left
              + " with "
              + right
              + " (the kernel compares uid/gid kinds with each other and obj_uid/obj_gid)");
    }
    pending.add(new Pending(RuleField.FIELD_COMPARE, op, code, null));
  }

  private Result finish() throws RuleError {
    String text = String.join(" ", normalised);
    if (control != null) {
      boolean deleteByKey =
          control == ControlCommand.Kind.DELETE_ALL && ruleOption == null && nonWatchOption == null;
      if (ruleOption != null || nonWatchOption != null || (!keys.isEmpty() && !deleteByKey)) {
        throw new RuleError(
            control.option() + " is a control option and cannot be combined with a rule");
      }
      String key = keys.isEmpty() ? null : String.join(String.valueOf(KEY_SEPARATOR), keys);
      return new Result(text, null, null, new ControlCommand(control, controlValue, key));
    }
    if (ruleOption == null) {
      throw new RuleError(normalised.isEmpty() ? "empty rule" : "missing -a, -A, -d, -w or -W");
    }
    RuleData data = new RuleData();
    try {
      if (watchPath != null) {
        buildWatch(data);
      } else {
        buildSyscallRule(data);
      }
      if (!keys.isEmpty()) {
        data.addString(
            RuleField.KEY.id,
            Operator.EQUAL.flag,
            String.join(String.valueOf(KEY_SEPARATOR), keys).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      throw new RuleError(e.getMessage());
    }
    RuleOperation op =
        ruleOption.equals("-d") || ruleOption.equals("-W")
            ? RuleOperation.DELETE
            : RuleOperation.ADD;
    return new Result(text, op, data.encode(), null);
  }

  /**
   * -w: always,exit, all syscalls, then AUDIT_WATCH or AUDIT_DIR, AUDIT_PERM (default rwxa), keys.
   */
  private void buildWatch(RuleData data) throws RuleError {
    if (nonWatchOption != null) {
      throw new RuleError(
          ruleOption
              + " cannot be combined with "
              + nonWatchOption
              + " (write -a always,exit -F path=… or -F dir=… instead)");
    }
    String path = watchPath;
    boolean dir = path.length() > 1 && path.endsWith("/");
    while (path.length() > 1
        && path.endsWith("/")) { // auditctl trims trailing slashes before stat()
      path = path.substring(0, path.length() - 1);
    }
    dir = dir || settings.isDirectory().test(path);
    data.flags = FILTER_EXIT;
    data.action = ACTION_ALWAYS;
    data.setAllSyscalls();
    data.addString(
        dir ? RuleField.DIR.id : RuleField.PATH.id,
        Operator.EQUAL.flag,
        path.getBytes(StandardCharsets.UTF_8));
    data.addField(RuleField.PERM.id, Operator.EQUAL.flag, perms == null ? 0xf : perms);
  }

  private void buildSyscallRule(RuleData data) throws RuleError {
    if (perms != null) {
      throw new RuleError("-p needs -w");
    }
    data.flags = list | (ruleOption.equals("-A") ? FILTER_PREPEND : 0);
    data.action = action;
    if (syscallSeen && list != FILTER_EXIT) {
      throw new RuleError("-S applies only to the exit list");
    }
    if (allSyscalls || (!syscallSeen && list == FILTER_EXIT)) {
      data.setAllSyscalls();
    }
    for (int nr : syscalls) {
      data.setSyscall(nr);
    }
    for (Pending p : pending) {
      checkList(p.field);
      if (p.string != null) {
        data.addString(p.field.id, p.op.flag, p.string);
      } else {
        data.addField(p.field.id, p.op.flag, p.value);
      }
    }
  }

  /**
   * List restrictions of audit_field_valid() (kernel/auditfilter.c) and libaudit's EAU_EXITONLY.
   */
  private void checkList(RuleField field) throws RuleError {
    String listName =
        LISTS.entrySet().stream()
            .filter(e -> e.getValue().equals(list))
            .findFirst()
            .map(Map.Entry::getKey)
            .orElse("?");
    switch (field) {
      case EXIT,
          SUCCESS,
          PATH,
          DIR,
          PERM,
          FILETYPE,
          INODE,
          DEVMAJOR,
          DEVMINOR,
          OBJ_UID,
          OBJ_GID,
          FIELD_COMPARE -> {
        if (list != FILTER_EXIT && !(field == RuleField.FIELD_COMPARE && list == 0x07)) {
          throw new RuleError(
              "-F " + field.fieldName() + " is only valid on the exit list, not " + listName);
        }
      }
      case MSGTYPE -> {
        if (list != 0x05 && list != 0x00) {
          throw new RuleError(
              "-F msgtype is only valid on the exclude and user lists, not " + listName);
        }
      }
      case FSTYPE -> {
        if (list != 0x06) {
          throw new RuleError("-F fstype is only valid on the filesystem list, not " + listName);
        }
      }
      default -> {
        if (list == 0x06) {
          throw new RuleError(
              "the filesystem list takes only -F fstype and keys, not -F " + field.fieldName());
        }
      }
    }
  }
}
