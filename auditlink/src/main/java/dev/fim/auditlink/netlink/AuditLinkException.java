package dev.fim.auditlink.netlink;

import dev.fim.store.sys.NativeException;

/**
 * The audit netlink link itself failed: {@code socket}, {@code setsockopt}, {@code sendto}, {@code
 * recvfrom}, or a request the kernel did not answer in time. A {@link NativeException} like any
 * other failed call; its own type lets the CLI tell "the audit link failed" (an I/O failure) from
 * "fim watch could not watch". A kernel that answered and refused is the subclass {@link
 * AuditRefusedException}. Immutable.
 */
public class AuditLinkException extends NativeException {
  private static final long serialVersionUID = 1L;

  public AuditLinkException(String call, int errno, String reason) {
    super(call, errno, reason);
  }
}
