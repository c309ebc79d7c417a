package dev.fim.baseline;

import dev.fim.store.HashAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** An immutable set of {@link Attribute}s as a bit mask (the form stored in each record). */
public final class AttributeSet {
  private static final long XATTR_FAMILY =
      bit(Attribute.XATTRS) | bit(Attribute.ACL) | bit(Attribute.CAPS) | bit(Attribute.SELINUX);

  public static final AttributeSet EMPTY = new AttributeSet(0);

  private final long bits;

  /**
   * Computed once: the scan asks for it at every regular file (twice), and building it there cost
   * about 3 % of a scan's Java samples (issue 18, JFR).
   */
  private final List<HashAlgorithm> hashAlgorithms;

  private AttributeSet(long bits) {
    this.bits = bits;
    List<HashAlgorithm> algorithms = new ArrayList<>(2);
    for (Attribute a : Attribute.values()) {
      if ((bits & bit(a)) != 0 && a.hashAlgorithm() != null) {
        algorithms.add(a.hashAlgorithm());
      }
    }
    this.hashAlgorithms = List.copyOf(algorithms);
  }

  private static long bit(Attribute a) {
    return 1L << a.bit();
  }

  public static AttributeSet ofBits(long bits) {
    return bits == 0 ? EMPTY : new AttributeSet(bits);
  }

  public static AttributeSet of(Attribute... attributes) {
    long b = 0;
    for (Attribute a : attributes) {
      b |= 1L << a.bit();
    }
    return ofBits(b);
  }

  public long bits() {
    return bits;
  }

  public boolean contains(Attribute a) {
    return (bits & (1L << a.bit())) != 0;
  }

  public boolean isEmpty() {
    return bits == 0;
  }

  public AttributeSet with(Attribute a) {
    return ofBits(bits | (1L << a.bit()));
  }

  public AttributeSet without(Attribute a) {
    return ofBits(bits & ~(1L << a.bit()));
  }

  public AttributeSet union(AttributeSet o) {
    return ofBits(bits | o.bits);
  }

  public AttributeSet minus(AttributeSet o) {
    return ofBits(bits & ~o.bits);
  }

  /** True when any extended-attribute family (xattrs, acl, caps, selinux) is asked for. */
  public boolean wantsXattrs() {
    return (bits & XATTR_FAMILY) != 0;
  }

  /** The hash algorithms asked for, in a fixed order; unmodifiable. */
  public List<HashAlgorithm> hashAlgorithms() {
    return hashAlgorithms;
  }

  public List<Attribute> toList() {
    List<Attribute> out = new ArrayList<>();
    for (Attribute a : Attribute.values()) {
      if (contains(a)) {
        out.add(a);
      }
    }
    return out;
  }

  /** Config form: {@code p+i+n+u+g+s+m+c+xxh3}. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner("+");
    for (Attribute a : toList()) {
      j.add(a.configName());
    }
    return j.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttributeSet s && s.bits == bits;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bits);
  }
}
