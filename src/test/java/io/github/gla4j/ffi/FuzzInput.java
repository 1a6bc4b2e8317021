/*
 * FuzzInput.java — turns a fuzzer's raw bytes into bounded choices, deterministically: each call consumes bytes from
 * the front, and an exhausted input reads as zeros (so short seeds are still complete inputs and zero picks the
 * first, most ordinary, option). Shared by the fuzz tests.
 */
package io.github.gla4j.ffi;

import java.util.SplittableRandom;

public final class FuzzInput {

    private final byte[] data;
    private int pos;

    public FuzzInput(byte[] data) {
        this.data = data;
    }

    public int nextByte() {
        return pos < data.length ? data[pos++] & 0xff : 0;
    }

    /** 0 .. n-1 (n <= 65536). */
    public int pick(int n) {
        int raw = n <= 256 ? nextByte() : (nextByte() << 8) | nextByte();
        return raw % n;
    }

    /** lo .. hi inclusive. */
    public int range(int lo, int hi) {
        return lo + pick(hi - lo + 1);
    }

    public boolean bool() {
        return (nextByte() & 1) != 0;
    }

    public int nextInt() {
        return (nextByte() << 24) | (nextByte() << 16) | (nextByte() << 8) | nextByte();
    }

    /** A random stream for bulk values (tensor contents), seeded from the next 4 bytes. */
    public SplittableRandom random() {
        return new SplittableRandom(nextInt());
    }
}
