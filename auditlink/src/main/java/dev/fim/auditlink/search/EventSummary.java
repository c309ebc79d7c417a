package dev.fim.auditlink.search;

import dev.fim.auditlink.interpret.Interpreter;
import java.time.Instant;
import java.util.List;

/**
 * An event normalised to who did what to which object and how — go-libaudit's aucoalesce {@code
 * Summary} (actor, action, object, how), as {@code fim audit search --format json} prints it. Built
 * by {@link #of}; immutable.
 *
 * @param sequence the audit serial
 * @param time the event's timestamp
 * @param node {@code node=} name, or null
 * @param recordTypes record type names in record order
 * @param keys the rule keys (split at 0x01); empty if none
 * @param actor the login user (auid) and the user the process ran as (uid)
 * @param action what happened: a verb phrase for known syscalls and record types ({@code
 *     opened-file}, {@code deleted}, {@code renamed}, {@code changed-file-permissions-of}, {@code
 *     logged-in} …), else the syscall name or the lower-case record type
 * @param result {@code success}, {@code fail}, or null when the event does not say
 * @param object what was acted on, or null
 * @param how the program
 */
public record EventSummary(
    long sequence,
    Instant time,
    String node,
    List<String> recordTypes,
    List<String> keys,
    Actor actor,
    String action,
    String result,
    Target object,
    How how) {

  /** Summarises {@code e}, naming users through {@code names}. */
  public static EventSummary of(AuditEvent e, Interpreter names) {
    return Summarizer.summarize(e, names);
  }

  /**
   * A user id as logged and its name as ausearch -i shows it ({@code unset}, {@code unknown(N)});
   * nulls if absent.
   */
  public record User(String id, String name) {}

  /**
   * @param auid the login user; {@code uid} the real user of the process. Either may be null.
   */
  public record Actor(User auid, User uid) {}

  /**
   * @param what {@code file}, {@code directory}, {@code socket}, {@code process} …
   * @param paths the PATH records that name the object (nametype NORMAL, CREATE or DELETE; PARENT
   *     and UNKNOWN are the directories the kernel walked), in item order: for a rename the old
   *     name (DELETE) and the new one (CREATE)
   */
  public record Target(String what, List<ObjectPath> paths) {}

  /**
   * One PATH record. {@code name} is for display (non-UTF-8 bytes as {@code \xNN}); {@code
   * nameBytes} the exact bytes, so nothing is lost (DESIGN.md: paths are bytes).
   */
  public record ObjectPath(
      String name, byte[] nameBytes, String nametype, String inode, String mode) {
    public ObjectPath {
      nameBytes = nameBytes == null ? null : nameBytes.clone();
    }

    @Override
    public byte[] nameBytes() {
      return nameBytes == null ? null : nameBytes.clone();
    }
  }

  /**
   * @param syscall the syscall's name for the record's arch, or null for non-syscall events
   */
  public record How(String exe, String comm, String proctitle, String syscall) {}
}
