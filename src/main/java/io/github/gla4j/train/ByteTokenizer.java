/*
 * ByteTokenizer.java — the byte-level tokenizer: a text's UTF-8 bytes are its ids (vocab 256). Needs no file and
 * represents any text exactly, which makes it the default for training from text. Tested by TokenizerTest.
 */
package io.github.gla4j.train;

import java.nio.charset.StandardCharsets;

public final class ByteTokenizer implements TextTokenizer {

    public static final int VOCAB_SIZE = 256;

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int[] encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The ids of raw bytes (no decoding, so any file works, UTF-8 or not). */
    public int[] encode(byte[] bytes) {
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    /** The text of the bytes; an id outside [0, 256) is an error, a broken UTF-8 sequence becomes U+FFFD. */
    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= VOCAB_SIZE) {
                throw new IllegalArgumentException("byte tokenizer: id " + ids[i] + " at " + i + " is not a byte");
            }
            bytes[i] = (byte) ids[i];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
        return "bytes (vocab 256)";
    }
}
