package dev.fim.engine.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

/** The reasons a person reads when fanotify cannot be used, and the message format. */
class FanotifyCallsTest {
  private static final int FS = FanotifyLayout.FAN_MARK_ADD | FanotifyLayout.FAN_MARK_FILESYSTEM;

  @Test
  void markEpermOnFilesystemMarkSaysInotify() {
    NativeException e =
        new NativeException(
            "fanotify_mark",
            PathBytes.ofUtf8("/srv"),
            Errno.EPERM.intValue(),
            FanotifyCalls.markReason(Errno.EPERM.intValue(), FS, FanotifyReader.DEFAULT_MASK));
    assertEquals(
        "fanotify_mark /srv: EPERM (Operation not permitted); FAN_MARK_FILESYSTEM needs CAP_SYS_ADMIN;"
            + " fim falls back to inotify",
        e.getMessage());
    assertEquals(Errno.EPERM, e.errno());
  }

  @Test
  void markEinvalWithRenameNamesTheKernelVersion() {
    assertEquals(
        "kernel older than 5.17 (FAN_RENAME); fim falls back to inotify",
        FanotifyCalls.markReason(Errno.EINVAL.intValue(), FS, FanotifyReader.DEFAULT_MASK));
    assertEquals(
        "", FanotifyCalls.markReason(Errno.EINVAL.intValue(), FS, FanotifyEvent.FAN_CREATE));
  }

  @Test
  void markFilesystemWithoutHandles() {
    assertEquals(
        "the filesystem does not support file handles (no FID); fim falls back to inotify",
        FanotifyCalls.markReason(Errno.ENODEV.intValue(), FS, FanotifyReader.DEFAULT_MASK));
  }

  @Test
  void initEinvalWithTargetFidNamesTheKernelVersion() {
    assertEquals(
        "kernel older than 5.17 (FAN_REPORT_TARGET_FID); fim falls back to inotify",
        FanotifyCalls.initReason(Errno.EINVAL.intValue(), FanotifyReader.INIT_FLAGS));
  }

  @Test
  void unknownErrnoIsNumbered() {
    assertEquals("read: errno 4242", new NativeException("read", null, 4242, "").getMessage());
  }
}
