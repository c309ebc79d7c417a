package dev.fim.auditlink.netlink;

import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A native call or a kernel audit request failed. Carries the call ({@code socket}, {@code recvfrom},
 * {@code AUDIT_ADD_RULE}…), the {@link Errno} and a reason a person can act on. The message reads like
 * {@code AUDIT_ADD_RULE: EEXIST (File exists); rule already exists}. Immutable.
 */
public class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final transient Errno errno;
    private final int errnoValue;
    private final String reason;

    public NativeException(String call, int errno, String reason) {
        super(message(call, errno, reason));
        this.call = call;
        this.errnoValue = errno;
        this.errno = Errno.valueOf(errno);
        this.reason = reason;
    }

    /** The failed call or request type. */
    public String call() {
        return call;
    }

    /** The errno, or {@code Errno.__UNKNOWN_CONSTANT__} for a number jnr-constants does not know. */
    public Errno errno() {
        return errno;
    }

    /** The errno as a number. */
    public int errnoValue() {
        return errnoValue;
    }

    /** Why it failed, without the call and errno; may be empty. */
    public String reason() {
        return reason;
    }

    /** {@code EEXIST}, or {@code errno 12345} for an unknown number. */
    static String errnoName(int errno) {
        Errno e = Errno.valueOf(errno);
        return e.defined() && e != Errno.__UNKNOWN_CONSTANT__ ? e.name() : "errno " + errno;
    }

    private static String message(String call, int errno, String reason) {
        Errno e = Errno.valueOf(errno);
        String name = errnoName(errno);
        String text = e.defined() && e != Errno.__UNKNOWN_CONSTANT__ ? " (" + e.description() + ")" : "";
        return call + ": " + name + text + (reason == null || reason.isEmpty() ? "" : "; " + reason);
    }
}
