package dev.fim.auditlink.netlink;

/**
 * The kernel answered an audit request with a netlink error ({@code NLMSG_ERROR} with a negative
 * errno): the request reached the kernel and was refused (permission, immutable mode, rule exists,
 * no such rule…). {@link #call()} is the request type ({@code AUDIT_ADD_RULE}). Immutable.
 */
public final class AuditRefusedException extends AuditLinkException {
  private static final long serialVersionUID = 1L;

  public AuditRefusedException(String request, int errno, String reason) {
    super(request, errno, reason);
  }
}
