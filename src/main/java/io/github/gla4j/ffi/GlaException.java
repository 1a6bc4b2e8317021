/*
 * GlaException.java — a native call returned a status other than GLA_OK. Carries the C function's name, the status
 * and the library's message (gla_get_last_error). Unchecked: a failed kernel call is a programming or environment
 * error, not a condition callers routinely recover from. Tested by GlaExceptionTest.
 */
package io.github.gla4j.ffi;

public final class GlaException extends RuntimeException {

    private final String function;
    private final Status status;
    private final int code;
    private final String nativeMessage;

    public GlaException(String function, int code, String nativeMessage) {
        super(function + " failed with " + describe(code) + ": "
                + (nativeMessage == null || nativeMessage.isEmpty() ? "(no message)" : nativeMessage));
        this.function = function;
        this.code = code;
        this.status = Status.of(code);
        this.nativeMessage = nativeMessage == null ? "" : nativeMessage;
    }

    private static String describe(int code) {
        Status s = Status.of(code);
        return s == Status.UNKNOWN ? "unknown status " + code : s.name();
    }

    /** The C function that failed, e.g. "gla_chunk_fwd". */
    public String function() {
        return function;
    }

    public Status status() {
        return status;
    }

    /** The raw status code (useful when status() is UNKNOWN). */
    public int code() {
        return code;
    }

    /** The library's own message, "" when it gave none. */
    public String nativeMessage() {
        return nativeMessage;
    }
}
