/**
 * The names {@code ausearch -i} shows: uid/gid → account names, syscall numbers → names per
 * architecture, negative exits → errno names, modes, permissions, signals, and the {@code
 * 4294967295} sentinel → {@code unset}.
 *
 * <p>Reads syscall and errno names from {@link dev.fim.auditlink.kernel} (the one generated table
 * of each) and owns the account-name cache. Reads /etc/passwd and /etc/group only through an
 * injected {@link dev.fim.auditlink.interpret.AccountSource}. Must not know how records were read
 * or grouped: it looks at one {@link dev.fim.auditlink.parse.AuditRecord} at a time.
 */
package dev.fim.auditlink.interpret;
