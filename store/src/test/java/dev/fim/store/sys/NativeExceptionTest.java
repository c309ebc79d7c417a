package dev.fim.store.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

/** {@link NativeException#errnoDescription}: the common errnos' texts without jnr-constants. */
class NativeExceptionTest {
  @Test
  void theCommonErrnosAreDescribedAsJnrConstantsDescribesThem() {
    Errno[] common = {Errno.ENOENT, Errno.EACCES, Errno.EPROTOTYPE, Errno.ECONNREFUSED};
    int[] numbers = {
      NativeException.COMMON_ENOENT,
      NativeException.COMMON_EACCES,
      NativeException.COMMON_EPROTOTYPE,
      NativeException.COMMON_ECONNREFUSED
    };
    for (int i = 0; i < common.length; i++) {
      assertEquals(common[i].intValue(), numbers[i], common[i].name());
      assertEquals(common[i].description(), NativeException.commonDescription(numbers[i]));
      assertEquals(common[i].description(), NativeException.errnoDescription(numbers[i]));
    }
  }

  @Test
  void otherErrnosAreJnrConstantsAndUnknownOnesTheirNumber() {
    assertNull(NativeException.commonDescription(Errno.EEXIST.intValue()));
    assertEquals(
        Errno.EEXIST.description(), NativeException.errnoDescription(Errno.EEXIST.intValue()));
    assertEquals("errno 123456", NativeException.errnoDescription(123456));
  }
}
