package dev.fim.auditlink.rules;

import dev.fim.auditlink.kernel.Arch;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses the value of a numeric {@code -F} field into its {@code values[]} word, by the field's
 * kind.
 */
final class FieldValues {
  private FieldValues() {}

  static final int UNSET =
      -1; // AUDIT_UID_UNSET (unsigned int)-1, include/uapi/linux/audit.h line 503

  static int parse(RuleField field, String value, RuleSettings settings, RuleBuilder builder)
      throws RuleBuilder.RuleError {
    String name = field.fieldName();
    switch (field.kind) {
      case UID, GID -> {
        if (value.equals("unset")) {
          return UNSET;
        }
        if (isNumber(value)) {
          return number(name, value);
        }
        Map<String, Integer> ids =
            field.kind == RuleField.Kind.UID ? settings.users() : settings.groups();
        Integer id = ids.get(value);
        if (id == null) {
          String what = field.kind == RuleField.Kind.UID ? "user" : "group";
          throw new RuleBuilder.RuleError(
              "unknown "
                  + what
                  + " \""
                  + value
                  + "\" for -F "
                  + name
                  + " (numeric "
                  + (field.kind == RuleField.Kind.UID ? "uids" : "gids")
                  + " always work)");
        }
        return id;
      }
      case ARCH -> {
        Arch arch = arch(value, settings.machine());
        builder.archChosen(arch);
        return arch.auditArch();
      }
      case EXIT -> {
        if (isNumber(value)) {
          return number(name, value);
        }
        String errno = value.startsWith("-") ? value.substring(1) : value;
        Integer e = ValueNames.errno(errno);
        if (e == null) {
          throw new RuleBuilder.RuleError(
              "unknown errno \"" + value + "\" for -F exit (e.g. -EACCES or -13)");
        }
        return -e;
      }
      case PERM -> {
        int bits = 0;
        for (char c : value.toCharArray()) {
          int at = RuleBuilder.PERM_LETTERS.indexOf(c);
          if (at < 0) {
            throw new RuleBuilder.RuleError("-F perm=" + value + " may only contain r, w, x, a");
          }
          bits |= 1 << at;
        }
        return bits;
      }
      case FILETYPE -> {
        int at = ValueNames.indexOf(ValueNames.FILETYPE_NAMES, value);
        if (at >= 0) {
          return ValueNames.FILETYPE_VALUES[at];
        }
        if (isNumber(value)) {
          return number(name, value);
        }
        throw new RuleBuilder.RuleError(
            "unknown filetype \"" + value + "\" (file, dir, socket, link, character, block, fifo)");
      }
      case FSTYPE -> {
        int at = ValueNames.indexOf(ValueNames.FSTYPE_NAMES, value);
        if (at >= 0) {
          return ValueNames.FSTYPE_VALUES[at];
        }
        if (isNumber(value)) {
          return number(name, value);
        }
        throw new RuleBuilder.RuleError(
            "unknown fstype \"" + value + "\" (debugfs, tracefs or a number)");
      }
      case MSGTYPE -> {
        if (isNumber(value)) {
          return number(name, value);
        }
        Integer type = ValueNames.msgtype(value.toUpperCase(Locale.ROOT));
        if (type == null) {
          throw new RuleBuilder.RuleError("unknown message type \"" + value + "\" for -F msgtype");
        }
        return type;
      }
      case FLAG -> {
        int v = number(name, value);
        if (v != 0 && v != 1) {
          throw new RuleBuilder.RuleError("-F " + name + " takes 0 or 1, got " + value);
        }
        return v;
      }
      default -> {
        return number(name, value);
      }
    }
  }

  /** What -F arch= takes, for the error message: b64, b32 and every arch's name. */
  private static final String ARCH_NAMES =
      "b64, b32, "
          + String.join(", ", Arrays.stream(Arch.values()).map(Arch::machineName).toList());

  /**
   * b64/b32 mean the machine's 64-bit arch and its 32-bit compat arch, as auditctl resolves them.
   */
  static Arch arch(String value, Arch machine) throws RuleBuilder.RuleError {
    switch (value) {
      case "b64" -> {
        if (!machine.is64Bit()) {
          throw new RuleBuilder.RuleError(
              "arch=b64 on a 32-bit machine (" + machine.machineName() + ")");
        }
        return machine;
      }
      case "b32" -> {
        Optional<Arch> compat = machine.is64Bit() ? machine.compat32() : Optional.of(machine);
        return compat.orElseThrow(
            () ->
                new RuleBuilder.RuleError(
                    "arch=b32: no 32-bit arch known for " + machine.machineName()));
      }
      default -> {
        return Arch.fromMachineName(value)
            .orElseThrow(
                () ->
                    new RuleBuilder.RuleError(
                        "unknown arch \"" + value + "\" (" + ARCH_NAMES + ")"));
      }
    }
  }

  static boolean isNumber(String v) {
    String s = v.startsWith("-") ? v.substring(1) : v;
    if (s.startsWith("0x") || s.startsWith("0X")) {
      return s.length() > 2 && s.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** Decimal or 0x hex, optionally negative (stored two's complement); must fit in 32 bits. */
  static int number(String name, String v) throws RuleBuilder.RuleError {
    if (!isNumber(v)) {
      throw new RuleBuilder.RuleError("-F " + name + " needs a number, got \"" + v + "\"");
    }
    boolean negative = v.startsWith("-");
    String s = negative ? v.substring(1) : v;
    long n;
    try {
      n =
          s.startsWith("0x") || s.startsWith("0X")
              ? Long.parseLong(s.substring(2), 16)
              : Long.parseLong(s);
    } catch (NumberFormatException e) {
      n = Long.MAX_VALUE;
    }
    if (negative ? n > 0x80000000L : n > 0xffffffffL) {
      throw new RuleBuilder.RuleError("-F " + name + "=" + v + " does not fit in 32 bits");
    }
    return (int) (negative ? -n : n);
  }
}
