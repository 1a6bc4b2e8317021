/*
 * The error for a malformed or inconsistent safetensors file or shard index: the message names the file
 * and what is wrong with it. Tested by SafeTensorsCorruptionTest.
 */
package io.github.gla4j.model.safetensors;

import java.io.IOException;

/** A safetensors file or index that violates the format; the message names the file and the fault. */
public final class SafeTensorsException extends IOException {
    public SafeTensorsException(String message) {
        super(message);
    }

    public SafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
