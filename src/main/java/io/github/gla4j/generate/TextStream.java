/*
 * TextStream.java — generated token ids to text, piece by piece, for printing as tokens arrive. A token need not be
 * a whole character (a byte of a UTF-8 sequence; a byte-fallback piece), and a tokenizer may merge pieces (spaces
 * between sub-words), so each token's text is found by decoding the ids since the last line break and printing what
 * grew; text that ends in an unfinished character (U+FFFD) is held back until the next token completes it, or
 * until finish(). Decoding restarts after each newline (as Hugging Face's TextStreamer does), so the cost per token
 * stays bounded by the line length. Tested by TextStreamTest.
 */
package io.github.gla4j.generate;

import io.github.gla4j.train.TextTokenizer;

import java.util.Arrays;

public final class TextStream {

    private static final char REPLACEMENT = '\uFFFD';

    private final TextTokenizer tokenizer;
    private int[] ids = new int[16];
    private int count;
    /** Characters of decode(ids[0, count)) already returned. */
    private int printed;

    public TextStream(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The new text that token completes ("" while it ends in an unfinished character). */
    public String push(int token) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, 2 * count);
        }
        ids[count++] = token;
        String text = tokenizer.decode(Arrays.copyOf(ids, count));
        if (text.isEmpty() || text.charAt(text.length() - 1) == REPLACEMENT) {
            return "";
        }
        return emit(text);
    }

    /** Whatever is held back (an unfinished character shows as U+FFFD); the stream is then empty. */
    public String finish() {
        String text = count == 0 ? "" : emit(tokenizer.decode(Arrays.copyOf(ids, count)));
        count = 0;
        printed = 0;
        return text;
    }

    private String emit(String text) {
        String piece = text.length() > printed ? text.substring(printed) : "";
        printed = Math.max(printed, text.length());
        if (text.endsWith("\n")) {
            count = 0;
            printed = 0;
        }
        return piece;
    }
}
