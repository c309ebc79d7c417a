/**
 * The inotify backend of the first stage, the fallback where fanotify is unavailable (no
 * CAP_SYS_ADMIN, an older kernel): {@link dev.fim.engine.inotify.InotifySource}, a {@link
 * dev.fim.engine.source.ChangeSource} with one watch per directory of the trees, whose events
 * become {@link dev.fim.engine.source.ChangeListener} calls naming paths (bytes).
 *
 * <p>Entry type: {@link dev.fim.engine.inotify.InotifySource}. Package-private: the native layer
 * ({@code InotifyNative}, its only caller {@code InotifyCalls}, the uapi constants {@code
 * InotifyLayout}), the wd ⇄ path table ({@code WatchTable}), the walk that adds watches ({@code
 * TreeWatcher}, on baseline's {@code DirCalls}), and the {@code EventTranslator}. The poll/read
 * loop is the engine's shared {@link dev.fim.engine.QueueReader}. Errors are {@link
 * dev.fim.store.sys.NativeException}s whose reason names the sysctl to raise.
 *
 * <p>Owns: the inotify fd, its watches and the paths they stand for. Must not know: selection rules
 * beyond the {@code descend} predicate it is given, stat or hashes (a change is a hint: the
 * comparator decides), the store, audit, output formats. Loss (queue overflow, a directory it could
 * not watch) is a call on the listener, never a log line. x86_64 only, as the rest of the engine's
 * native code.
 */
package dev.fim.engine.inotify;
