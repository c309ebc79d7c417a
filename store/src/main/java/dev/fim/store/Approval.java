package dev.fim.store;

import java.util.Objects;

/**
 * The approval of one recorded change ({@code fim accept PATH --note TEXT}): who accepted it, when,
 * and why. Stored in the {@code approvals} column family under the change's event key. Immutable.
 *
 * @param acceptedNs when it was accepted (ns since the epoch)
 * @param auid the accepting login user's audit uid (survives sudo), or {@link Actor#UNSET_ID}
 * @param auidName its name from the password database, or null
 * @param uid the accepting process's effective uid
 * @param uidName its name, or null
 * @param note the operator's note, e.g. a change ticket ({@code CHG-1234}); never null, may be
 *     empty
 */
public record Approval(
    long acceptedNs, long auid, String auidName, long uid, String uidName, String note) {
  public Approval {
    Objects.requireNonNull(note, "note");
  }

  /**
   * {@code alice (auid 1001) as root}, {@code root (uid 0)} without a login uid: who accepted, for
   * people.
   */
  public String who() {
    StringBuilder sb = new StringBuilder(40);
    if (auid != Actor.UNSET_ID) {
      sb.append(auidName == null ? "auid " + auid : auidName + " (auid " + auid + ")");
      if (uid != auid) {
        sb.append(" as ").append(uidName == null ? "uid " + uid : uidName);
      }
    } else {
      sb.append(uidName == null ? "uid " + uid : uidName + " (uid " + uid + ")");
    }
    return sb.toString();
  }
}
