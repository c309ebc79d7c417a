/**
 * What every layer above the store shares about the host system, kept apart from the store proper
 * ({@code dev.fim.store}, which only stores): a failed system call ({@link
 * dev.fim.store.sys.NativeException}, thrown by the native wrappers of baseline, auditlink and the
 * engine), the account files ({@link dev.fim.store.sys.AccountFile}, the one passwd(5)/group(5)
 * reader), libc's socket calls ({@link dev.fim.store.sys.SocketCalls}) and the service manager's
 * environment variables ({@link dev.fim.store.sys.ServiceManagerEnvironment}). It sits in the store
 * module because that is the one module below both baseline and auditlink; it holds no RocksDB
 * type, and auditlink depends on it without the RocksDB jar.
 */
package dev.fim.store.sys;
