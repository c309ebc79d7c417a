package dev.fim.auditlink.rules;

import dev.fim.auditlink.kernel.Arch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code audit_rule_data} bytes → rule text in the form {@code auditctl -l} prints
 * (auditctl-listing.c), with go-libaudit's readability choices where auditctl's output would not
 * compile back to the same bytes:
 *
 * <ul>
 *   <li>a rule shaped exactly like {@code -w} (always,exit, all syscalls, fields watch|dir, perm,
 *       [key], all {@code =}, a dir without trailing slash) prints as {@code -w PATH -p PERMS [-k
 *       KEY]}; the bytes of {@code -a always,exit -F path=X -F perm=P} are identical, so that form
 *       also prints as {@code -w};
 *   <li>{@code -S all} is left out (the exit list's default), syscalls are named in number order;
 *   <li>{@code arch} prints as b64/b32 for the machine's own pair, else by name;
 *   <li>uid/gid fields print unsigned, 4294967295 as {@code unset}; {@code a0}-{@code a3} in hex
 *       ({@code 0x%X}, as auditctl); {@code exit} as {@code -ENAME}; msgtype, filetype, perm by
 *       name;
 *   <li>keys print as {@code -k} on watches and {@code -F key=} otherwise, one per key.
 * </ul>
 *
 * Stateless; thread-safe.
 */
final class RuleDecoder {
  private final Arch machine;

  RuleDecoder(Arch machine) {
    this.machine = machine;
  }

  String decode(byte[] bytes) {
    RuleData d = RuleData.decode(bytes);
    List<String> out = new ArrayList<>();
    int list = d.flags & ~RuleDecoder.PREPEND;
    String listName =
        RuleBuilder.LISTS.entrySet().stream()
            .filter(e -> e.getValue() == list)
            .map(e -> e.getKey())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown list (flags 0x" + Integer.toHexString(d.flags) + ")"));
    String actionName =
        RuleBuilder.ACTIONS.entrySet().stream()
            .filter(e -> e.getValue() == d.action)
            .map(e -> e.getKey())
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown action " + d.action));
    if (isWatch(d)) {
      String path = new String(d.strings[0], StandardCharsets.UTF_8);
      out.add("-w " + ShellWords.quote(d.fields[0] == RuleField.DIR.id ? path + "/" : path));
      out.add("-p " + perms(d.values[1]));
      if (d.fieldCount == 3) {
        for (String key : keys(d.strings[2])) {
          out.add("-k " + ShellWords.quote(key));
        }
      }
      return String.join(" ", out);
    }
    out.add(((d.flags & PREPEND) != 0 ? "-A " : "-a ") + actionName + "," + listName);
    Arch arch = machine;
    for (int i = 0; i < d.fieldCount; i++) {
      if (d.fields[i] == RuleField.ARCH.id) {
        Operator op = operator(d, i);
        Arch named = Arch.fromAuditArch(d.values[i]).orElse(null);
        String value =
            named == null ? "0x" + Integer.toHexString(d.values[i]).toUpperCase() : archName(named);
        out.add("-F arch" + op.symbol + value);
        if (named != null && op == Operator.EQUAL) {
          arch = named;
        }
      }
    }
    if (!d.allSyscalls()) {
      List<String> names = new ArrayList<>();
      for (int nr = 0; nr < RuleData.BITMASK_SIZE * 32; nr++) {
        if ((d.mask[nr / 32] & (1 << (nr % 32))) != 0) {
          String name = arch.syscallName(nr);
          names.add(name == null ? Integer.toString(nr) : name);
        }
      }
      if (!names.isEmpty()) {
        out.add("-S " + String.join(",", names));
      }
    }
    for (int i = 0; i < d.fieldCount; i++) {
      if (d.fields[i] == RuleField.ARCH.id) {
        continue;
      }
      Operator op = operator(d, i);
      RuleField f = RuleField.byId(d.fields[i]);
      if (f == null) {
        throw new IllegalArgumentException("unknown field id " + d.fields[i] + " at index " + i);
      }
      if (f == RuleField.FIELD_COMPARE) {
        int code = d.values[i];
        if (code <= 0 || code >= ValueNames.COMPARISONS.length) {
          throw new IllegalArgumentException("unknown AUDIT_COMPARE_ value " + code);
        }
        String[] pair = ValueNames.COMPARISONS[code];
        out.add("-C " + pair[0] + op.symbol + pair[1]);
      } else if (f == RuleField.KEY) {
        for (String key : keys(d.strings[i])) {
          out.add("-F key=" + ShellWords.quote(key));
        }
      } else if (f.isString()) {
        out.add(
            "-F "
                + f.fieldName()
                + op.symbol
                + ShellWords.quote(new String(d.strings[i], StandardCharsets.UTF_8)));
      } else {
        out.add("-F " + f.fieldName() + op.symbol + value(f, d.values[i]));
      }
    }
    return String.join(" ", out);
  }

  static final int PREPEND = RuleBuilder.FILTER_PREPEND;

  private String archName(Arch a) {
    if (a == machine && machine.is64Bit()) {
      return "b64";
    }
    if (machine.compat32().map(c -> c == a).orElse(false) || (a == machine && !machine.is64Bit())) {
      return "b32";
    }
    return a.machineName();
  }

  private static Operator operator(RuleData d, int i) {
    Operator op = Operator.byFlag(d.fieldflags[i]);
    if (op == null) {
      throw new IllegalArgumentException(
          "unknown operator 0x" + Integer.toHexString(d.fieldflags[i]) + " at field " + i);
    }
    return op;
  }

  private static boolean isWatch(RuleData d) {
    // auditctl-listing.c is_watch(): words 0..62 all set (word 63 holds the class bits), and a perm
    // field
    if (d.flags != RuleBuilder.FILTER_EXIT
        || d.action != RuleBuilder.ACTION_ALWAYS
        || !d.allSyscalls()
        || d.fieldCount < 2
        || d.fieldCount > 3) {
      return false;
    }
    for (int i = 0; i < d.fieldCount; i++) {
      if (d.fieldflags[i] != Operator.EQUAL.flag) {
        return false;
      }
    }
    // -w trims trailing slashes, so a dir= path that keeps one was not written with -w and cannot
    // be
    boolean path =
        d.fields[0] == RuleField.PATH.id
            || d.fields[0] == RuleField.DIR.id && !endsWithSlash(d.strings[0]);
    boolean perm =
        d.fields[1] == RuleField.PERM.id && d.values[1] != 0 && (d.values[1] & ~0xf) == 0;
    return path && perm && (d.fieldCount == 2 || d.fields[2] == RuleField.KEY.id);
  }

  private static boolean endsWithSlash(byte[] path) {
    return path.length > 1 && path[path.length - 1] == '/';
  }

  private static String perms(int bits) {
    StringBuilder sb = new StringBuilder(); // auditctl's order: r w x a
    if ((bits & 4) != 0) {
      sb.append('r');
    }
    if ((bits & 2) != 0) {
      sb.append('w');
    }
    if ((bits & 1) != 0) {
      sb.append('x');
    }
    if ((bits & 8) != 0) {
      sb.append('a');
    }
    return sb.toString();
  }

  private static List<String> keys(byte[] joined) {
    return List.of(
        new String(joined, StandardCharsets.UTF_8)
            .split(String.valueOf(RuleBuilder.KEY_SEPARATOR), -1));
  }

  private static String value(RuleField f, int v) {
    return switch (f.kind) {
      case UID, GID -> v == FieldValues.UNSET ? "unset" : Integer.toUnsignedString(v);
      case ARG -> "0x" + Integer.toHexString(v).toUpperCase();
      case EXIT -> {
        String name = v < 0 ? ValueNames.errnoName(-v) : null;
        yield name == null ? Integer.toString(v) : "-" + name;
      }
      case PERM -> (v & ~0xf) == 0 && v != 0 ? perms(v) : Integer.toUnsignedString(v);
      case MSGTYPE -> {
        String name = ValueNames.msgtypeName(v);
        yield name == null ? Integer.toUnsignedString(v) : name;
      }
      case FILETYPE -> {
        int at = ValueNames.indexOf(ValueNames.FILETYPE_VALUES, v);
        yield at < 0 ? Integer.toUnsignedString(v) : ValueNames.FILETYPE_NAMES[at];
      }
      case FSTYPE -> {
        int at = ValueNames.indexOf(ValueNames.FSTYPE_VALUES, v);
        yield at < 0 ? Integer.toUnsignedString(v) : ValueNames.FSTYPE_NAMES[at];
      }
      default -> Integer.toUnsignedString(v);
    };
  }
}
