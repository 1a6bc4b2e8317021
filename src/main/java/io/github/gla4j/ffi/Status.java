/*
 * Status.java — the gla_status codes of gla.h as a Java enum (GLA_OK = 0 ... GLA_ERROR_INTERNAL = 6).
 * Tested by BindingsTest (codes equal the header's) and GlaExceptionTest.
 */
package io.github.gla4j.ffi;

public enum Status {
    OK(GlaH.GLA_OK()),
    INVALID_ARGUMENT(GlaH.GLA_ERROR_INVALID_ARGUMENT()),
    UNSUPPORTED(GlaH.GLA_ERROR_UNSUPPORTED()),
    OUT_OF_MEMORY(GlaH.GLA_ERROR_OUT_OF_MEMORY()),
    BACKEND_UNAVAILABLE(GlaH.GLA_ERROR_BACKEND_UNAVAILABLE()),
    DEVICE(GlaH.GLA_ERROR_DEVICE()),
    INTERNAL(GlaH.GLA_ERROR_INTERNAL()),
    /** A code this version of the bindings does not know (a newer library). */
    UNKNOWN(-1);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code && s != UNKNOWN) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
