/**
 * Stage 1 of the audit pipeline: one raw audit record (a netlink payload or an audit.log line)
 * becomes an immutable {@link dev.fim.auditlink.parse.AuditRecord}.
 *
 * <p>Owns the record grammar ({@code node=… type=… msg=audit(SEC.MS:SERIAL): k=v … \x1d K=V …}),
 * the record-type constants and names ({@link dev.fim.auditlink.parse.RecordType}, over the one
 * generated table in {@code .kernel}) and the decoding of hex-encoded values. Follows go-libaudit's
 * {@code auparse.AuditMessage}: the header (type, timestamp, serial) is parsed eagerly because that
 * is all reassembly needs; fields are parsed on first access and the outcome, errors included, is
 * cached.
 *
 * <p>Must not know: how records are grouped into events ({@code .reassembly}), what values mean to
 * a person ({@code .interpret}: uid names, syscall names, errno names), or where bytes come from
 * (netlink socket, files). Input is bytes and never assumed to be UTF-8.
 */
package dev.fim.auditlink.parse;
