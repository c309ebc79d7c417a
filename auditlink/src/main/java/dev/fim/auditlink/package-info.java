/**
 * fim's link to the kernel audit subsystem.
 *
 * <p>Owns: the audit netlink client ({@code .netlink}: status, audit pid, rules add/delete/list,
 * receiving records), the rule compiler ({@code .rules}: auditctl syntax ⇄ {@code struct
 * audit_rule_data} bytes), the record parser ({@code .parse}: raw record → typed fields), the
 * reassembler ({@code .reassembly}: records → events, lost serials), the interpretation of values
 * as {@code ausearch -i} shows them ({@code .interpret}) and the kernel's name tables they all read
 * ({@code .kernel}: message types, arches and their syscalls, errno; one generated table each).
 *
 * <p>Must not know: file hashes, baselines or the store (it uses only the store module's {@code
 * dev.fim.store.sys}: the one {@code NativeException} and passwd/group reader, without RocksDB);
 * fanotify/inotify; CLI arguments or output formats. Sub-packages are stages; each exposes one
 * entry type and its records, everything else is package-private.
 */
package dev.fim.auditlink;
