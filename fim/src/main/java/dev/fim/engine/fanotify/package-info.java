/**
 * The fanotify reader, the first stage of the real-time pipeline: one FID-mode group ({@code
 * FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_REPORT_TARGET_FID}) with {@code FAN_MARK_FILESYSTEM}
 * marks, read in a loop on one reused buffer and decoded into immutable {@link
 * dev.fim.engine.fanotify.FanotifyEvent}s (raw name bytes, {@link
 * dev.fim.engine.fanotify.FileHandleKey}s) for a {@link dev.fim.engine.fanotify.FanotifyStream};
 * and the {@link dev.fim.engine.fanotify.HandleResolver} that turns directory handles into path
 * bytes with {@code open_by_handle_at}.
 *
 * <p>Entry types: {@link dev.fim.engine.fanotify.FanotifyReader} and {@link
 * dev.fim.engine.fanotify.HandleResolver}. The native layer ({@code FanotifyNative}, its only
 * caller {@code FanotifyCalls}), the uapi layouts ({@code FanotifyLayout}) and the {@code
 * EventDecoder} are package-private. Errors are {@link dev.fim.store.sys.NativeException}s whose
 * reason says when fim falls back to inotify.
 *
 * <p>Owns: the fanotify fd, its marks, the kernel's event format. Must not know: which trees are
 * watched beyond the marks (events outside them are filtered later, by path), selection rules,
 * hashes, the store, audit, output formats. Overflow and undecodable events are calls on the
 * stream, never log lines. x86_64 only (struct offsets, the one-register 64-bit mask of
 * fanotify_mark).
 */
package dev.fim.engine.fanotify;
