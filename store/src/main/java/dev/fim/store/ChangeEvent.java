package dev.fim.store;

import java.util.List;
import java.util.Objects;

/**
 * One recorded change of one path: what a check found or what watch saw. Stored in the {@code
 * events} column family in its binary form ({@code ChangeEventCodec}); read back for {@code
 * history}, {@code who} and {@code report}, which render it (the engine's {@code
 * dev.fim.engine.output}: the event JSON and the text line). Immutable.
 *
 * @param timeNs when the change was observed (ns since the epoch)
 * @param sequence monotonic per store; orders events observed in the same nanosecond
 * @param action what happened
 * @param path the path (the new path for {@code moved})
 * @param oldPath the old path of a {@code moved}; for a {@code created} or {@code updated} made by
 *     renaming a temporary onto the path, the temporary's name; else null
 * @param after the state after the change; null for {@code deleted}
 * @param before the state before; null for {@code created}
 * @param changes attribute-level differences (empty for created/deleted)
 * @param origin which job observed it ({@link Origin}: {@code check}, {@code update}, {@code
 *     watch}…); null if unknown
 * @param attribution how who made it was found ({@link Attribution}: {@code audit}, {@code proc},
 *     {@code audit-log}, {@code none}); null reads as {@code none}
 * @param attributionReason why attribution is {@code none}; for {@code audit-log}, the audit event
 *     it came from ({@code audit event 4711 at 2026-11-25T10:00:00.123Z: renameat2}); else null
 * @param message a sentence for people (ECS {@code message}): what an {@code overflow} rescanned
 *     and found; null for ordinary changes
 * @param actor who made it (user and process), or null when unknown ({@code attribution} says how
 *     it was found); when several processes wrote, the last of them
 * @param writers every audited syscall that contributed to the change, oldest first ({@code
 *     fim.writers}); empty when there was at most one or none is known (the actor says it)
 * @param pkg the package the file belongs to and whether its content matches the package's record
 *     (ECS {@code package.*}, {@code fim.package_verified}), or null
 */
public record ChangeEvent(
    long timeNs,
    long sequence,
    Action action,
    PathBytes path,
    PathBytes oldPath,
    FileRecord after,
    FileRecord before,
    List<AttributeChange> changes,
    Origin origin,
    Attribution attribution,
    String attributionReason,
    String message,
    Actor actor,
    List<Writer> writers,
    PackageOrigin pkg) {

  public ChangeEvent {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(path, "path");
    changes = changes == null ? List.of() : List.copyOf(changes);
    writers = writers == null ? List.of() : List.copyOf(writers);
  }

  /**
   * An event without {@code fim.writers} (one writer or none: the actor says it) and without a
   * package (most changes).
   */
  public ChangeEvent(
      long timeNs,
      long sequence,
      Action action,
      PathBytes path,
      PathBytes oldPath,
      FileRecord after,
      FileRecord before,
      List<AttributeChange> changes,
      Origin origin,
      Attribution attribution,
      String attributionReason,
      String message,
      Actor actor) {
    this(
        timeNs,
        sequence,
        action,
        path,
        oldPath,
        after,
        before,
        changes,
        origin,
        attribution,
        attributionReason,
        message,
        actor,
        null,
        null);
  }

  /** An event without a {@code message} (every ordinary change). */
  public ChangeEvent(
      long timeNs,
      long sequence,
      Action action,
      PathBytes path,
      PathBytes oldPath,
      FileRecord after,
      FileRecord before,
      List<AttributeChange> changes,
      Origin origin,
      Attribution attribution,
      String attributionReason) {
    this(
        timeNs,
        sequence,
        action,
        path,
        oldPath,
        after,
        before,
        changes,
        origin,
        attribution,
        attributionReason,
        null,
        null);
  }

  /** An event with a {@code message} and no actor. */
  public ChangeEvent(
      long timeNs,
      long sequence,
      Action action,
      PathBytes path,
      PathBytes oldPath,
      FileRecord after,
      FileRecord before,
      List<AttributeChange> changes,
      Origin origin,
      Attribution attribution,
      String attributionReason,
      String message) {
    this(
        timeNs,
        sequence,
        action,
        path,
        oldPath,
        after,
        before,
        changes,
        origin,
        attribution,
        attributionReason,
        message,
        null);
  }

  /**
   * A notice for a reader to look (audit records lost, audit rules re-added, a refused reload, an
   * unshipped backlog past its bound): an {@code overflow} on {@code path}, with no file states and
   * no actor; {@code reason} is its attribution reason and {@code message} the sentence for people.
   */
  public static ChangeEvent notice(
      long timeNs, PathBytes path, Origin origin, String reason, String message) {
    return new ChangeEvent(
        timeNs,
        0,
        Action.OVERFLOW,
        path,
        null,
        null,
        null,
        List.of(),
        origin,
        Attribution.NONE,
        reason,
        message);
  }

  /** The attribute labels that changed, in order ({@code file.changes} in the JSON). */
  public List<String> changedAttributes() {
    // a loop, not a stream with distinct(): called for every event written as JSON (a million in a
    // report)
    List<String> out = new java.util.ArrayList<>(changes.size());
    for (AttributeChange c : changes) {
      if (!out.contains(c.attribute())) {
        out.add(c.attribute());
      }
    }
    return java.util.Collections.unmodifiableList(out);
  }

  /** A copy with the sequence the store assigned. */
  public ChangeEvent withSequence(long seq) {
    return new ChangeEvent(
        timeNs,
        seq,
        action,
        path,
        oldPath,
        after,
        before,
        changes,
        origin,
        attribution,
        attributionReason,
        message,
        actor,
        writers,
        pkg);
  }

  /** A copy with these writers ({@code fim.writers}, oldest first). */
  public ChangeEvent withWriters(List<Writer> all) {
    return new ChangeEvent(
        timeNs,
        sequence,
        action,
        path,
        oldPath,
        after,
        before,
        changes,
        origin,
        attribution,
        attributionReason,
        message,
        actor,
        all,
        pkg);
  }

  /** A copy naming the package the file belongs to (null: none). */
  public ChangeEvent withPackage(PackageOrigin p) {
    return new ChangeEvent(
        timeNs,
        sequence,
        action,
        path,
        oldPath,
        after,
        before,
        changes,
        origin,
        attribution,
        attributionReason,
        message,
        actor,
        writers,
        p);
  }
}
