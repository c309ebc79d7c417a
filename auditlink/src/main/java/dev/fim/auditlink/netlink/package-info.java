/**
 * The kernel audit netlink client ({@code NETLINK_AUDIT}, protocol 9; netlink(7),
 * include/uapi/linux/audit.h).
 *
 * <p>Owns: the socket ({@code NetlinkSocket}, over libc's socket calls declared once in {@link
 * dev.fim.store.sys.SocketCalls}), the message layouts ({@code struct nlmsghdr}, {@code struct
 * audit_status}, {@code struct sockaddr_nl}), request/acknowledge exchanges ({@link
 * dev.fim.auditlink.netlink.AuditClient}: status, {@code AUDIT_SET}, rules add/delete/list),
 * receiving records ({@link dev.fim.auditlink.netlink.AuditListener}: audit pid or the read-only
 * multicast group, into the parser and reassembler) and putting the host's audit state back ({@link
 * dev.fim.auditlink.netlink.AuditState}).
 *
 * <p>Must not know: auditctl syntax (rule bytes come from {@code .rules}), record fields (records
 * go to {@code .parse}), file hashes, CLI arguments or output formats.
 */
package dev.fim.auditlink.netlink;
