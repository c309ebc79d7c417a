/**
 * auditctl rule text ⇄ {@code struct audit_rule_data} bytes (include/uapi/linux/audit.h).
 *
 * <p>Owns: tokenising auditctl rule lines (as {@code auditctl -R} reads a rules file), compiling
 * {@code -w/-W}, {@code -a/-A/-d} rules with {@code -S}, {@code -F}, {@code -C}, {@code -k}, {@code
 * -p} into the exact bytes the kernel lists back for them ({@code AUDIT_LIST_RULES}); recognising
 * control rules ({@code -D -b -e -f -r --backlog_wait_time …}) as {@link
 * dev.fim.auditlink.rules.ControlCommand}s; decoding bytes back to {@code auditctl -l}-style text;
 * rendering compiled rules in go-libaudit's golden YAML layout. Entry type: {@link
 * dev.fim.auditlink.rules.RuleCompiler}.
 *
 * <p>Must not know: netlink sockets (the {@code .netlink} client, {@code AuditClient}, sends the
 * bytes and applies the control commands), audit records, file hashes. It reads no files itself:
 * users, groups, the machine's arch and "is this path a directory" come in through {@link
 * dev.fim.auditlink.rules.RuleSettings}.
 */
package dev.fim.auditlink.rules;
