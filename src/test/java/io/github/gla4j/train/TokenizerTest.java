/*
 * TokenizerTest — the byte tokenizer (UTF-8 round trip, vocab 256) and a Hugging Face tokenizer.json through DJL,
 * built from a small local file written here: ids without special tokens, no truncation of long texts, decoding,
 * the vocabulary size read from the file, and a clear error for a file that is not a tokenizer.
 */
package io.github.gla4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {

    /** A word-level tokenizer: 5 words, an unknown token and a special token the encoder must not add. */
    static final String WORD_LEVEL = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [
               {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true},
               {"id": 6, "content": "[BOS]", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true}],
             "normalizer": null, "pre_tokenizer": {"type": "Whitespace"},
             "post_processor": {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "[BOS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
               "special_tokens": {"[BOS]": {"id": "[BOS]", "ids": [6], "tokens": ["[BOS]"]}}},
             "decoder": null,
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "the": 1, "cat": 2, "sat": 3, "on": 4, "mat": 5},
                       "unk_token": "[UNK]"}}
            """;

    @TempDir
    Path dir;

    @Test
    void bytesRoundTripUtf8() {
        ByteTokenizer t = new ByteTokenizer();
        int[] ids = t.encode("añ€");
        assertArrayEquals(new int[]{'a', 0xC3, 0xB1, 0xE2, 0x82, 0xAC}, ids);
        assertEquals("añ€", t.decode(ids));
        assertEquals(256, t.vocabSize());
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{256}));
    }

    @Test
    void huggingFaceTokenizerFromALocalFile() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, WORD_LEVEL);
        try (TextTokenizer t = TextTokenizer.open(file)) {
            assertEquals(7, t.vocabSize());
            assertArrayEquals(new int[]{1, 2, 3, 4, 1, 5, 0}, t.encode("the cat sat on the mat dog"));
            assertEquals("the cat sat", t.decode(new int[]{1, 2, 3}));
            assertEquals(30_000, t.encode("the cat sat ".repeat(10_000)).length, "no truncation");
            assertEquals(file, t.file());
        }
        try (TextTokenizer t = TextTokenizer.forModel(dir)) {
            assertEquals(7, t.vocabSize(), "a model directory's tokenizer.json is found");
        }
        try (TextTokenizer t = TextTokenizer.forModel(dir.resolve("elsewhere"))) {
            assertEquals(256, t.vocabSize(), "bytes without a tokenizer.json");
        }
    }

    @Test
    void aFileThatIsNoTokenizerIsReported() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {}}");
        IOException e = assertThrows(IOException.class, () -> TextTokenizer.open(file));
        assertTrue(e.getMessage().contains("model.vocab"), e.getMessage());
        assertThrows(IOException.class, () -> TextTokenizer.open(dir.resolve("missing.json")));
    }
}
