package dev.fim.baseline;

import dev.fim.store.HashAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** An immutable set of {@link Attribute}s as a bit mask (the form stored in each record). */
public final class AttributeSet {
  public static final AttributeSet EMPTY = new AttributeSet(0);

  private final long bits;

  private AttributeSet(long bits) {
    this.bits = bits;
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
    return contains(Attribute.XATTRS)
        || contains(Attribute.ACL)
        || contains(Attribute.CAPS)
        || contains(Attribute.SELINUX);
  }

  /** The hash algorithms asked for, in a fixed order. */
  public List<HashAlgorithm> hashAlgorithms() {
    List<HashAlgorithm> out = new ArrayList<>(2);
    for (Attribute a : Attribute.values()) {
      if (contains(a) && a.hashAlgorithm() != null) {
        out.add(a.hashAlgorithm());
      }
    }
    return out;
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
