package dev.fim.auditlink.rules;

import java.util.HashMap;
import java.util.Map;

/**
 * The rule fields auditctl names with {@code -F NAME}, their ids (include/uapi/linux/audit.h lines
 * 245-299: AUDIT_PID 0 … AUDIT_SADDR_FAM 113, AUDIT_ARG0 200, AUDIT_FILTERKEY 210) and how their
 * values are written. Which operators the kernel accepts follows audit_field_valid() in
 * kernel/auditfilter.c.
 */
enum RuleField {
  PID("pid", 0, Kind.NUMBER),
  UID("uid", 1, Kind.UID),
  EUID("euid", 2, Kind.UID),
  SUID("suid", 3, Kind.UID),
  FSUID("fsuid", 4, Kind.UID),
  GID("gid", 5, Kind.GID),
  EGID("egid", 6, Kind.GID),
  SGID("sgid", 7, Kind.GID),
  FSGID("fsgid", 8, Kind.GID),
  /** AUDIT_LOGINUID; auditctl also accepts "loginuid". */
  AUID("auid", 9, Kind.UID),
  PERS("pers", 10, Kind.ARG),
  ARCH("arch", 11, Kind.ARCH),
  MSGTYPE("msgtype", 12, Kind.MSGTYPE),
  SUBJ_USER("subj_user", 13, Kind.STRING),
  SUBJ_ROLE("subj_role", 14, Kind.STRING),
  SUBJ_TYPE("subj_type", 15, Kind.STRING),
  SUBJ_SEN("subj_sen", 16, Kind.STRING),
  SUBJ_CLR("subj_clr", 17, Kind.STRING),
  PPID("ppid", 18, Kind.NUMBER),
  OBJ_USER("obj_user", 19, Kind.STRING),
  OBJ_ROLE("obj_role", 20, Kind.STRING),
  OBJ_TYPE("obj_type", 21, Kind.STRING),
  OBJ_LEV_LOW("obj_lev_low", 22, Kind.STRING),
  OBJ_LEV_HIGH("obj_lev_high", 23, Kind.STRING),
  LOGINUID_SET("loginuid_set", 24, Kind.FLAG),
  SESSIONID("sessionid", 25, Kind.NUMBER),
  FSTYPE("fstype", 26, Kind.FSTYPE),
  DEVMAJOR("devmajor", 100, Kind.NUMBER),
  DEVMINOR("devminor", 101, Kind.NUMBER),
  INODE("inode", 102, Kind.NUMBER),
  EXIT("exit", 103, Kind.EXIT),
  SUCCESS("success", 104, Kind.NUMBER),
  /** AUDIT_WATCH */
  PATH("path", 105, Kind.PATH),
  PERM("perm", 106, Kind.PERM),
  DIR("dir", 107, Kind.PATH),
  FILETYPE("filetype", 108, Kind.FILETYPE),
  OBJ_UID("obj_uid", 109, Kind.UID),
  OBJ_GID("obj_gid", 110, Kind.GID),
  /** AUDIT_FIELD_COMPARE, written with -C. */
  FIELD_COMPARE("field_compare", 111, Kind.COMPARE),
  EXE("exe", 112, Kind.STRING),
  SADDR_FAM("saddr_fam", 113, Kind.NUMBER),
  A0("a0", 200, Kind.ARG),
  A1("a1", 201, Kind.ARG),
  A2("a2", 202, Kind.ARG),
  A3("a3", 203, Kind.ARG),
  /** AUDIT_FILTERKEY, written with -k or -F key=. */
  KEY("key", 210, Kind.KEY);

  /** How a field's value is written and which operators it takes. */
  enum Kind {
    /** unsigned number; all operators but the bit ops */
    NUMBER,
    /** number, bit ops too (a0-a3, pers); auditctl -l shows a0-a3 in hex */
    ARG,
    /** uid: number, "unset", or a user name */
    UID,
    /** gid: number, "unset", or a group name */
    GID,
    /** b64, b32 or a machine name; = and != only */
    ARCH,
    /** message type name or number; exclude and user lists only */
    MSGTYPE,
    /** errno name (EPERM, -EPERM) or signed number; exit list only */
    EXIT,
    /** 0 or 1, = and != only */
    FLAG,
    /** r, w, x, a; = and != only */
    PERM,
    /** file, dir, socket, link, character, block, fifo; = and != only */
    FILETYPE,
    /** debugfs, tracefs or a magic number; filesystem list only */
    FSTYPE,
    /** security label or exe string; = and != only */
    STRING,
    /** absolute path for a watch or tree; = only (audit_to_watch, audit_make_tree) */
    PATH,
    /** filter key; = only */
    KEY,
    /** -C comparison */
    COMPARE
  }

  private static final Map<String, RuleField> BY_NAME = new HashMap<>();
  private static final Map<Integer, RuleField> BY_ID = new HashMap<>();

  static {
    for (RuleField f : values()) {
      BY_NAME.put(f.fieldName, f);
      BY_ID.put(f.id, f);
    }
    BY_NAME.put("loginuid", AUID);
    BY_NAME.remove("field_compare"); // only reachable through -C
  }

  private final String fieldName;
  final int id;
  final Kind kind;

  RuleField(String fieldName, int id, Kind kind) {
    this.fieldName = fieldName;
    this.id = id;
    this.kind = kind;
  }

  String fieldName() {
    return fieldName;
  }

  static RuleField byName(String name) {
    return BY_NAME.get(name);
  }

  static RuleField byId(int id) {
    return BY_ID.get(id);
  }

  /** Fields whose value is a length into buf (kernel: audit_krule_to_data's string cases). */
  boolean isString() {
    return kind == Kind.STRING || kind == Kind.PATH || kind == Kind.KEY;
  }

  /** Whether the kernel accepts this operator on this field (audit_field_valid). */
  boolean accepts(Operator op) {
    return switch (kind) {
      case ARG -> true;
      case NUMBER, UID, GID, MSGTYPE, EXIT -> !op.isBitOp();
      case PATH, KEY -> op == Operator.EQUAL;
      default -> op.isEqualOrNot();
    };
  }
}
