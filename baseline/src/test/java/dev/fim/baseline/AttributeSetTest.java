package dev.fim.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.HashAlgorithm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-file questions the scan asks of a rule's attribute set. */
class AttributeSetTest {
  @Test
  void hashAlgorithmsAreComputedOnceAndCannotBeChangedByACaller() {
    AttributeSet set =
        AttributeSet.of(Attribute.SHA512, Attribute.PERMISSIONS, Attribute.XXH3, Attribute.SHA256);
    List<HashAlgorithm> first = set.hashAlgorithms();
    // the scan asks at every regular file: one list per set, not one per call
    assertSame(first, set.hashAlgorithms());
    assertEquals(
        List.of(HashAlgorithm.XXH3_128, HashAlgorithm.SHA256, HashAlgorithm.SHA512), first);
    // shared by every file of the rule, so a caller must not be able to alter it
    assertThrows(UnsupportedOperationException.class, () -> first.add(HashAlgorithm.SHA256));
    assertThrows(UnsupportedOperationException.class, () -> first.remove(0));
    assertEquals(List.of(), AttributeSet.of(Attribute.SIZE, Attribute.MTIME).hashAlgorithms());
    assertEquals(List.of(), AttributeSet.EMPTY.hashAlgorithms());
    assertEquals(
        List.of(HashAlgorithm.XXH3_128),
        AttributeSet.ofBits(AttributeSet.of(Attribute.XXH3).bits()).hashAlgorithms());
  }

  @Test
  void eachExtendedAttributeFamilyAndOnlyThoseWantXattrs() {
    for (Attribute a : Attribute.values()) {
      boolean family =
          a == Attribute.XATTRS
              || a == Attribute.ACL
              || a == Attribute.CAPS
              || a == Attribute.SELINUX;
      assertEquals(family, AttributeSet.of(a).wantsXattrs(), a.name());
      assertEquals(family, AttributeSet.of(a, Attribute.SIZE).wantsXattrs(), a.name());
    }
    assertFalse(AttributeSet.EMPTY.wantsXattrs());
    assertTrue(AttributeSet.of(Attribute.ACL, Attribute.SELINUX).wantsXattrs());
  }
}
