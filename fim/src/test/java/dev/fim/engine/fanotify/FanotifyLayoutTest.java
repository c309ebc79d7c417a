package dev.fim.engine.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The layouts against include/uapi/linux/fanotify.h and include/linux/fs.h (sizes and offsets a C
 * compiler gives).
 */
class FanotifyLayoutTest {
  @Test
  void eventMetadataIs24BytesWithAlignedMask() {
    assertEquals(24, FanotifyLayout.METADATA.size());
    assertEquals(0, FanotifyLayout.META_EVENT_LEN);
    assertEquals(4, FanotifyLayout.META_VERS);
    assertEquals(6, FanotifyLayout.META_METADATA_LEN);
    assertEquals(8, FanotifyLayout.META_MASK); // __aligned_u64
    assertEquals(16, FanotifyLayout.META_FD);
    assertEquals(20, FanotifyLayout.META_PID);
  }

  @Test
  void infoHeaderIs4Bytes() {
    assertEquals(4, FanotifyLayout.INFO_HEADER_SIZE);
    assertEquals(0, FanotifyLayout.INFO_TYPE);
    assertEquals(2, FanotifyLayout.INFO_LEN);
  }

  @Test
  void infoFidHasFsidThenHandle() {
    assertEquals(4, FanotifyLayout.INFO_FID_FSID);
    assertEquals(
        12,
        FanotifyLayout
            .INFO_FID_HANDLE); // sizeof(struct fanotify_event_info_fid), flexible handle[]
  }

  @Test
  void fileHandleHeaderIs8Bytes() {
    assertEquals(8, FanotifyLayout.HANDLE_HEADER_SIZE);
    assertEquals(0, FanotifyLayout.HANDLE_BYTES);
    assertEquals(4, FanotifyLayout.HANDLE_TYPE);
  }

  @Test
  void fileHandleStructForOpenByHandleAt() {
    FileHandleKey k = new FileHandleKey(7, 0x81, new byte[] {1, 2, 3});
    assertEquals(
        "03000000" + "81000000" + "010203",
        java.util.HexFormat.of().formatHex(k.fileHandleStruct()));
  }
}
